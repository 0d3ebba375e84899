//! Where an installed app finds the server that serves it. Servers from 2.39.10, 2.40.8 and
//! 2.41 write their URL into the app's page (`<meta name="dhis2-base-url">`); every version
//! writes it into `activities.dhis.href` of the `manifest.webapp` it serves (a dev server
//! leaves `*`). When neither says, the app is at `<base>/api/apps/<key>/index.html`.

use serde::Deserialize;

/// What the page holds until the server fills it in.
pub const BASE_URL_PLACEHOLDER: &str = "__DHIS2_BASE_URL__";

/// The relative path from `<base>/api/apps/<key>/index.html` to the base.
pub const FALLBACK_RELATIVE_BASE: &str = "../../..";

/// The `dhis2-base-url` meta's content once the server filled it in: `None` while it is
/// empty or still the placeholder (older servers, a dev server).
pub fn injected_base_url(meta_content: Option<&str>) -> Option<&str> {
    let content = meta_content?.trim();
    (!content.is_empty() && content != BASE_URL_PLACEHOLDER).then_some(content)
}

#[derive(Deserialize)]
struct Manifest {
    activities: Option<Activities>,
}

#[derive(Deserialize)]
struct Activities {
    dhis: Option<DhisActivity>,
}

#[derive(Deserialize)]
struct DhisActivity {
    href: Option<String>,
}

/// The server URL in a served `manifest.webapp`, without a trailing slash: `None` when the
/// body is not a manifest or the href is not an absolute http(s) URL (`*` in a dev server).
pub fn manifest_base_url(body: &[u8]) -> Option<String> {
    let href = serde_json::from_slice::<Manifest>(body)
        .ok()?
        .activities?
        .dhis?
        .href?;
    (href.starts_with("http://") || href.starts_with("https://"))
        .then(|| href.trim_end_matches('/').to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_meta_counts_once_the_server_filled_it_in() {
        assert_eq!(
            injected_base_url(Some("https://play.dhis2.org/dev ")),
            Some("https://play.dhis2.org/dev")
        );
        assert_eq!(injected_base_url(Some(BASE_URL_PLACEHOLDER)), None);
        assert_eq!(injected_base_url(Some("  ")), None);
        assert_eq!(injected_base_url(None), None);
    }

    #[test]
    fn the_manifest_href_counts_when_it_is_a_url() {
        let served = br#"{"name":"MetaData Sync","activities":{"dhis":{"href":"https://hmis.example.org/dhis/"}}}"#;
        assert_eq!(
            manifest_base_url(served).as_deref(),
            Some("https://hmis.example.org/dhis")
        );
        assert_eq!(
            manifest_base_url(br#"{"activities":{"dhis":{"href":"*"}}}"#),
            None
        );
        assert_eq!(manifest_base_url(br#"{"name":"no activities"}"#), None);
        assert_eq!(manifest_base_url(b"<html>login</html>"), None);
    }
}
