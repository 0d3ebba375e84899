//! CORS as DHIS2's `CorsFilter` does it (§6): an allowlist of origins with `*` globs, kept in
//! the configuration object and changeable at runtime.

use crate::{SimRequest, SimResponse};

/// True when `origin` is allowed by one of the `patterns` (globs: `*` any run, `?` one char),
/// or is the server's own URL.
pub fn is_allowed(origin: &str, patterns: &[String], own_base_url: &str) -> bool {
    origin == own_base_url.trim_end_matches('/')
        || patterns
            .iter()
            .any(|pattern| glob_matches(pattern.trim(), origin))
}

pub(crate) fn glob_matches(pattern: &str, text: &str) -> bool {
    let pattern: Vec<char> = pattern.chars().collect();
    let text: Vec<char> = text.chars().collect();
    // Iterative wildcard matching with backtracking to the last `*`.
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        if p < pattern.len() && (pattern[p] == '?' || pattern[p] == text[t]) {
            p += 1;
            t += 1;
        } else if p < pattern.len() && pattern[p] == '*' {
            star = Some((p, t));
            p += 1;
        } else if let Some((star_p, star_t)) = star {
            p = star_p + 1;
            t = star_t + 1;
            star = Some((star_p, star_t + 1));
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|&c| c == '*')
}

/// A CORS preflight: `OPTIONS` with `Access-Control-Request-Method`.
pub fn is_preflight(request: &SimRequest) -> bool {
    request.method == "OPTIONS" && request.header("Access-Control-Request-Method").is_some()
}

/// The 204 answer to an allowed preflight.
pub fn preflight_response(request: &SimRequest, origin: &str) -> SimResponse {
    let mut response = SimResponse::empty(204)
        .with_header("Access-Control-Allow-Credentials", "true")
        .with_header("Access-Control-Allow-Origin", origin)
        .with_header("Vary", "Origin")
        .with_header("Access-Control-Max-Age", "3600");
    if let Some(method) = request.header("Access-Control-Request-Method") {
        response = response.with_header("Access-Control-Allow-Methods", method);
    }
    if let Some(headers) = request.header("Access-Control-Request-Headers") {
        response = response.with_header("Access-Control-Allow-Headers", headers);
    }
    response
}

/// Adds the headers of an allowed, non-preflight cross-origin request.
pub fn add_headers(response: SimResponse, origin: &str) -> SimResponse {
    response
        .with_header("Access-Control-Allow-Credentials", "true")
        .with_header("Access-Control-Allow-Origin", origin)
        .with_header("Vary", "Origin")
        .with_header("Access-Control-Expose-Headers", "ETag, Location")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_match_like_dhis2() {
        let list = vec![
            "http://localhost:3000".to_string(),
            "https://*.example.org".to_string(),
        ];
        assert!(is_allowed("http://localhost:3000", &list, "http://h"));
        assert!(is_allowed("https://a.b.example.org", &list, "http://h"));
        assert!(!is_allowed("https://example.org", &list, "http://h"));
        assert!(!is_allowed("http://localhost:3001", &list, "http://h"));
        assert!(is_allowed("http://h", &list, "http://h/"));
    }
}
