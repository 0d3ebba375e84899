use crate::{Account, SimVersion};

/// A request as the simulator sees it, in-process or from HTTP.
#[derive(Debug, Clone, Default)]
pub struct SimRequest {
    pub method: String,
    /// Path and query, e.g. `/api/dataElements?fields=id&page=2` (an absolute URL is accepted too:
    /// scheme and host are ignored).
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl SimRequest {
    pub fn new(method: &str, url: &str) -> Self {
        SimRequest {
            method: method.to_ascii_uppercase(),
            url: url.to_string(),
            ..Default::default()
        }
    }

    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    pub fn with_body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = body.into();
        self
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Bytes of the request line's target: the path and query as sent (no scheme or host).
    pub fn target_bytes(&self) -> usize {
        let absolute = if self.url.starts_with('/') {
            None
        } else {
            self.url.find("://")
        };
        match absolute {
            Some(index) => {
                let rest = &self.url[index + 3..];
                rest.find('/').map_or(1, |slash| rest.len() - slash)
            }
            None => self.url.len(),
        }
    }

    /// The path without scheme, host and query, percent-decoded.
    pub fn path(&self) -> String {
        // Only an absolute URL has an origin to drop; `://` may also appear in a query.
        let absolute = if self.url.starts_with('/') {
            None
        } else {
            self.url.find("://")
        };
        let without_origin = match absolute {
            Some(index) => {
                let rest = &self.url[index + 3..];
                rest.find('/').map(|slash| &rest[slash..]).unwrap_or("/")
            }
            None => self.url.as_str(),
        };
        let path = without_origin.split(['?', '#']).next().unwrap_or("/");
        percent_decode(path)
    }

    pub fn query(&self) -> Query {
        Query::parse(self.url.split_once('?').map(|(_, q)| q).unwrap_or(""))
    }

    pub fn body_json(&self) -> Result<serde_json::Value, serde_json::Error> {
        serde_json::from_slice(&self.body)
    }
}

/// Query parameters in order, repeated keys kept (DHIS2 uses `filter=…&filter=…`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query(pub Vec<(String, String)>);

impl Query {
    pub fn parse(text: &str) -> Query {
        Query(
            text.split('&')
                .filter(|pair| !pair.is_empty())
                .map(|pair| {
                    let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
                    (
                        percent_decode(&key.replace('+', " ")),
                        percent_decode(&value.replace('+', " ")),
                    )
                })
                .collect(),
        )
    }

    /// The first value of `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of `key`, in order.
    pub fn all(&self, key: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// DHIS2 reads booleans as true only for "true" (any case).
    pub fn flag(&self, key: &str) -> bool {
        self.get(key)
            .is_some_and(|v| v.eq_ignore_ascii_case("true"))
    }
}

/// Decodes `%XX` escapes; invalid escapes are kept as they are.
pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index] == b'%' && index + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[index + 1..index + 3]).ok();
            if let Some(value) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(value);
                index += 3;
                continue;
            }
        }
        out.push(bytes[index]);
        index += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// What a handler of a simulated endpoint knows about the request it serves.
///
/// Built by the platform layer after authentication; API modules (metadata, data values,
/// tracker…) receive it and never deal with auth, CORS or faults themselves.
#[derive(Debug, Clone)]
pub struct RequestContext<'a> {
    pub version: SimVersion,
    /// The authenticated user.
    pub user: &'a Account,
    pub method: &'a str,
    /// Path segments after `/api` and after an explicit API version (`/api/37/...`), e.g.
    /// `["dataElements", "fbfJHSPpUQD"]`.
    pub segments: Vec<String>,
    /// The explicit API version of the path (`/api/37/…` → 37), if any.
    pub api_version: Option<u32>,
    pub query: Query,
    pub body: &'a [u8],
    /// The server's own base URL, e.g. `http://127.0.0.1:8080` (for `href`, `pager.nextPage`…).
    pub base_url: &'a str,
}

impl RequestContext<'_> {
    /// The API version the response must follow: the explicit one, else the server's own
    /// (DHIS2 2.37's default API version is 37, so 2.37 answers "plain" like pre-2.38).
    pub fn effective_api_version(&self) -> u32 {
        self.api_version.unwrap_or(self.version.minor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_and_query_are_decoded() {
        let request = SimRequest::new(
            "get",
            "http://h:1/api/dataElements?filter=name:ilike:a%20b&filter=id:in:[x,y]&paging=TRUE",
        );
        assert_eq!(request.path(), "/api/dataElements");
        let query = request.query();
        assert_eq!(query.all("filter"), vec!["name:ilike:a b", "id:in:[x,y]"]);
        assert!(query.flag("paging"));
        assert_eq!(percent_decode("100%"), "100%");
        let relative = SimRequest::new("GET", "/__sim/cors?origin=https://a.example.org");
        assert_eq!(relative.path(), "/__sim/cors");
    }
}
