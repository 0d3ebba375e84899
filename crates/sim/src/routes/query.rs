//! How the path and query of a run request become the upstream URL, release by release (see
//! [`QueryForwarding`]). DHIS2 decodes the servlet path, and the query once; whether Spring then
//! encodes it again is what changed between patch releases.

use super::facts::QueryForwarding;

/// Characters Spring leaves alone in a query parameter (`HierarchicalUriComponents`,
/// `QUERY_PARAM`): unreserved, sub-delimiters except `&` and `=`, and `:@/?`.
fn query_param_allows(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"-._~!$'()*+,;:@/?".contains(&byte)
}

/// Characters Spring leaves alone in a path: unreserved, all sub-delimiters, `:@/`.
fn path_allows(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/".contains(&byte)
}

fn encode(text: &str, allows: fn(u8) -> bool) -> String {
    text.bytes()
        .map(|byte| {
            if allows(byte) {
                (byte as char).to_string()
            } else {
                format!("%{byte:02X}")
            }
        })
        .collect()
}

/// `java.net.URLDecoder.decode`: `+` is a space, `%XX` a byte; a broken escape is kept.
fn form_decode(text: &str) -> String {
    crate::request::percent_decode(&text.replace('+', " "))
}

/// The first index of a character `java.net.URI` refuses (space, `"<>\^`{|}`, controls, a
/// `%` without two hex digits).
fn first_illegal(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    bytes.iter().enumerate().find_map(|(index, &byte)| {
        let bad_escape = byte == b'%'
            && !(bytes.get(index + 1).is_some_and(u8::is_ascii_hexdigit)
                && bytes.get(index + 2).is_some_and(u8::is_ascii_hexdigit));
        let illegal = byte <= b' ' || byte == 0x7f || b"\"<>\\^`{|}".contains(&byte);
        (illegal || bad_escape).then_some(index)
    })
}

/// Why the upstream URL could not be built (2.42.4+: `URI.create` → 400).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IllegalCharacter(pub String);

/// Builds the upstream URL from the route's base URL, the decoded sub-path, the raw query of
/// the run request and the query parameters an auth scheme adds.
pub fn upstream_url(
    base_url: &str,
    sub_path: &str,
    raw_query: &str,
    auth_params: &[(String, String)],
    mode: QueryForwarding,
) -> Result<String, IllegalCharacter> {
    let path = match mode {
        QueryForwarding::DecodedOnce => sub_path.to_string(),
        _ => encode(sub_path, path_allows),
    };
    let prefix = format!("{base_url}{path}");
    if mode == QueryForwarding::DecodedOnce {
        if let Some(index) = first_illegal(&path) {
            let url = format!("{prefix}?{raw_query}");
            return Err(IllegalCharacter(format!(
                "Illegal character in path at index {}: {url}",
                base_url.len() + index
            )));
        }
    }
    let mut parts: Vec<String> = raw_query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| match mode {
            QueryForwarding::Reencoded => {
                let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
                let key = encode(&form_decode(key), query_param_allows);
                match pair.contains('=') {
                    true => format!("{key}={}", encode(&form_decode(value), query_param_allows)),
                    false => key,
                }
            }
            QueryForwarding::DoubleEncoded => encode(pair, |b| b == b'=' || query_param_allows(b)),
            QueryForwarding::DecodedOnce => pair.to_string(),
        })
        .collect();
    if mode == QueryForwarding::DecodedOnce {
        // The whole query string is decoded before it is split.
        parts = form_decode(&parts.join("&"))
            .split('&')
            .filter(|pair| !pair.is_empty())
            .map(str::to_string)
            .collect();
    }
    parts.extend(auth_params.iter().map(|(key, value)| {
        format!(
            "{}={}",
            encode(key, query_param_allows),
            encode(value, query_param_allows)
        )
    }));
    let separator = if prefix.contains('?') { '&' } else { '?' };
    let url = match parts.is_empty() {
        true => prefix,
        false => format!("{prefix}{separator}{}", parts.join("&")),
    };
    if mode == QueryForwarding::DecodedOnce {
        if let Some(index) = url
            .find('?')
            .and_then(|q| first_illegal(&url[q..]).map(|i| q + i))
        {
            return Err(IllegalCharacter(format!(
                "Illegal character in query at index {index}: {url}"
            )));
        }
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "http://remote.sim/";
    const QUERY: &str = "fields=id,name&filter=name:ilike:a%20b";

    #[test]
    fn a_normally_encoded_query_arrives_as_sent_where_spring_encodes_again() {
        let url = upstream_url(BASE, "api/x", QUERY, &[], QueryForwarding::Reencoded).unwrap();
        assert_eq!(
            url,
            "http://remote.sim/api/x?fields=id,name&filter=name:ilike:a%20b"
        );
    }

    #[test]
    fn raw_then_encoded_doubles_every_escape() {
        let url = upstream_url(BASE, "api/x", QUERY, &[], QueryForwarding::DoubleEncoded).unwrap();
        assert_eq!(
            url,
            "http://remote.sim/api/x?fields=id,name&filter=name:ilike:a%2520b"
        );
    }

    #[test]
    fn decoded_once_needs_a_doubly_encoded_query() {
        let refused = upstream_url(BASE, "api/x", QUERY, &[], QueryForwarding::DecodedOnce);
        assert_eq!(
            refused,
            Err(IllegalCharacter(
                "Illegal character in query at index 58: http://remote.sim/api/x?fields=id,name&filter=name:ilike:a b"
                    .into()
            ))
        );
        let doubled = "fields=id,name&filter=name:ilike:a%2520b";
        let url = upstream_url(BASE, "api/x", doubled, &[], QueryForwarding::DecodedOnce).unwrap();
        assert_eq!(
            url,
            "http://remote.sim/api/x?fields=id,name&filter=name:ilike:a%20b"
        );
    }
}
