//! Instance URLs: what people paste (with `/api`, a trailing slash, the address of a DHIS2 app
//! page…) turned into the instance root the client needs.

use serde::Serialize;

/// An instance root URL in normal form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NormalisedUrl {
    /// `scheme://host[:port][/context]`, no trailing slash, no `/api`.
    pub url: String,
    /// `scheme://host[:port]`, what a CORS allowlist names.
    pub origin: String,
    /// Plain `http://`: passwords and tokens travel unencrypted.
    pub insecure: bool,
}

/// Why a typed URL is not an instance address. The app says it in the user's language.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[serde(tag = "problem", content = "detail", rename_all = "camelCase")]
pub enum UrlError {
    #[error("Enter the URL of the DHIS2 instance, e.g. https://dhis2.example.org")]
    Empty,
    #[error("Start the URL with https:// (or http://), e.g. https://{0}")]
    MissingScheme(String),
    #[error("This is not a valid URL ({0}). Enter the address of the DHIS2 instance, e.g. https://dhis2.example.org")]
    Invalid(UrlProblem),
    #[error("Only http:// and https:// addresses are supported, not {0}://")]
    UnsupportedScheme(String),
    #[error("Do not put the username or password in the URL; use the fields of the form")]
    CredentialsInUrl,
}

/// What is wrong inside a URL that does not parse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum UrlProblem {
    #[error("it has no host name")]
    NoHost,
    #[error("the port is not a number from 1 to 65535")]
    InvalidPort,
    #[error("the IP address is not valid")]
    InvalidIpAddress,
    #[error("the host name has characters a host name cannot have")]
    InvalidHostCharacter,
    #[error("it cannot be read as an address")]
    Unreadable,
}

impl From<url::ParseError> for UrlProblem {
    fn from(error: url::ParseError) -> Self {
        use url::ParseError::*;
        match error {
            EmptyHost => UrlProblem::NoHost,
            InvalidPort => UrlProblem::InvalidPort,
            InvalidIpv4Address | InvalidIpv6Address => UrlProblem::InvalidIpAddress,
            InvalidDomainCharacter | IdnaError => UrlProblem::InvalidHostCharacter,
            _ => UrlProblem::Unreadable,
        }
    }
}

/// Path segments from which a pasted URL stops being the instance root: the Web API, and the
/// pages of DHIS2's bundled web apps (`dhis-web-commons`, `dhis-web-dashboard`, …).
fn is_suffix_start(segment: &str) -> bool {
    segment.eq_ignore_ascii_case("api") || segment.to_ascii_lowercase().starts_with("dhis-web-")
}

/// Parses and normalises an instance URL.
pub fn normalise_url(input: &str) -> Result<NormalisedUrl, UrlError> {
    let text = input.trim();
    if text.is_empty() {
        return Err(UrlError::Empty);
    }
    if !text.contains("://") {
        return Err(UrlError::MissingScheme(
            text.trim_start_matches('/').to_string(),
        ));
    }
    let parsed = url::Url::parse(text).map_err(|error| UrlError::Invalid(error.into()))?;
    let scheme = parsed.scheme().to_string();
    if scheme != "http" && scheme != "https" {
        return Err(UrlError::UnsupportedScheme(scheme));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(UrlError::CredentialsInUrl);
    }
    let host = parsed
        .host_str()
        .filter(|host| !host.is_empty())
        .ok_or(UrlError::Invalid(UrlProblem::NoHost))?;
    let origin = match parsed.port() {
        Some(port) => format!("{scheme}://{host}:{port}"),
        None => format!("{scheme}://{host}"),
    };
    let segments: Vec<&str> = parsed
        .path_segments()
        .map(|segments| segments.filter(|s| !s.is_empty()).collect())
        .unwrap_or_default();
    let root: Vec<&str> = segments
        .iter()
        .take_while(|segment| !is_suffix_start(segment))
        .copied()
        .collect();
    let url = if root.is_empty() {
        origin.clone()
    } else {
        format!("{origin}/{}", root.join("/"))
    };
    Ok(NormalisedUrl {
        url,
        origin,
        insecure: scheme == "http",
    })
}

/// The origin (`scheme://host[:port]`) of a URL, if it parses.
pub fn origin_of(input: &str) -> Option<String> {
    normalise_url(input).ok().map(|normal| normal.origin)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn normal(input: &str) -> String {
        normalise_url(input)
            .unwrap_or_else(|error| panic!("{input}: {error}"))
            .url
    }

    #[test]
    fn strips_what_people_paste_after_the_root() {
        assert_eq!(
            normal("https://play.dhis2.org/40/"),
            "https://play.dhis2.org/40"
        );
        assert_eq!(
            normal(" https://play.dhis2.org/40/api "),
            "https://play.dhis2.org/40"
        );
        assert_eq!(
            normal("https://play.dhis2.org/40/api/37/me"),
            "https://play.dhis2.org/40"
        );
        assert_eq!(
            normal("https://x.org/dhis/dhis-web-commons/security/login.action"),
            "https://x.org/dhis"
        );
        assert_eq!(
            normal("https://X.org/dhis-web-dashboard/index.html#/abc"),
            "https://x.org"
        );
        assert_eq!(normal("http://127.0.0.1:8080//"), "http://127.0.0.1:8080");
        assert_eq!(normal("https://x.org/dhis?x=1"), "https://x.org/dhis");
    }

    #[test]
    fn flags_plain_http_and_gives_the_origin() {
        let plain = normalise_url("http://dhis.example.org:8080/hmis/api").expect("valid");
        assert!(plain.insecure);
        assert_eq!(plain.origin, "http://dhis.example.org:8080");
        assert!(
            !normalise_url("https://dhis.example.org")
                .expect("valid")
                .insecure
        );
    }

    #[test]
    fn refuses_what_is_not_an_instance_url() {
        assert_eq!(normalise_url("  "), Err(UrlError::Empty));
        assert!(matches!(
            normalise_url("dhis.example.org"),
            Err(UrlError::MissingScheme(_))
        ));
        assert!(matches!(
            normalise_url("ftp://x.org"),
            Err(UrlError::UnsupportedScheme(_))
        ));
        assert_eq!(
            normalise_url("https://admin:district@x.org"),
            Err(UrlError::CredentialsInUrl)
        );
        assert!(matches!(
            normalise_url("https://"),
            Err(UrlError::Invalid(_))
        ));
    }
}
