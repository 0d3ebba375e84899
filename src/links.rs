//! Display helpers of the header bar. Which server paths to link to (they depend on the
//! version) comes from `mdsync_core::dhis2::header_bar`.

/// Joins a server path to the base URL (`https://x.org/dhis` + `api/me`).
pub fn join(base_url: &str, path: &str) -> String {
    format!(
        "{}/{}",
        base_url.trim_end_matches('/'),
        path.trim_start_matches('/')
    )
}

/// What index.html's `<meta name="dhis2-base-url">` holds when the server filled it in: `None`
/// while it is empty or still the placeholder (older servers, a dev server).
pub fn injected_base_url(meta_content: Option<&str>) -> Option<&str> {
    let content = meta_content?.trim();
    (!content.is_empty() && content != "__DHIS2_BASE_URL__").then_some(content)
}

/// Up to two initials for the avatar: "John Doe" → "JD", "admin" → "A".
pub fn initials(name: &str) -> String {
    let mut words = name.split_whitespace();
    let first = words.next().and_then(|w| w.chars().next());
    let last = words.last().and_then(|w| w.chars().next());
    first
        .into_iter()
        .chain(last)
        .flat_map(char::to_uppercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_puts_one_slash_between_base_and_path() {
        assert_eq!(join("http://h:1/", "/api/me"), "http://h:1/api/me");
        assert_eq!(join("http://h:1/dhis", "api/me"), "http://h:1/dhis/api/me");
    }

    #[test]
    fn the_base_url_meta_counts_once_the_server_filled_it_in() {
        assert_eq!(
            injected_base_url(Some("https://play.dhis2.org/dev ")),
            Some("https://play.dhis2.org/dev")
        );
        assert_eq!(injected_base_url(Some("__DHIS2_BASE_URL__")), None);
        assert_eq!(injected_base_url(Some("  ")), None);
        assert_eq!(injected_base_url(None), None);
    }

    #[test]
    fn initials_take_first_and_last_word() {
        assert_eq!(initials("John Doe"), "JD");
        assert_eq!(initials("  maria de la cruz "), "MC");
        assert_eq!(initials("admin"), "A");
        assert_eq!(initials(""), "");
    }
}
