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
    fn initials_take_first_and_last_word() {
        assert_eq!(initials("John Doe"), "JD");
        assert_eq!(initials("  maria de la cruz "), "MC");
        assert_eq!(initials("admin"), "A");
        assert_eq!(initials(""), "");
    }
}
