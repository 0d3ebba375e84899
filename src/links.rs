//! Links into the hosting DHIS2 instance that the header bar and the error pages need.
//!
//! These are URL choices that depend on the server version. The rule of the house keeps
//! version quirks in `mdsync_core::dhis2`; these few only decide where a browser link points
//! (never how the app talks to the API), so they live here, in one place, until core offers them.

use mdsync_core::dhis2::Version;

/// Server path of the apps menu: `/api/apps/menu` from 2.40, the old Struts action before.
/// Both answer `{"modules":[…]}`.
pub fn apps_menu_path(version: &Version) -> &'static str {
    if version.minor_at_least(40) {
        "api/apps/menu"
    } else {
        "dhis-web-commons/menu/getModules.action"
    }
}

/// Server path that logs the user out: the JSON auth API from 2.41, the Struts action before.
pub fn logout_path(version: &Version) -> &'static str {
    if version.minor_at_least(41) {
        "api/auth/logout"
    } else {
        "dhis-web-commons-security/logout.action"
    }
}

/// Server path of the user's profile editor (the bundled user-profile app on every version).
pub const EDIT_PROFILE_PATH: &str = "dhis-web-user-profile/#/profile";

/// Joins a server path to the base URL (`https://x.org/dhis` + `api/me`).
pub fn join(base_url: &str, path: &str) -> String {
    format!(
        "{}/{}",
        base_url.trim_end_matches('/'),
        path.trim_start_matches('/')
    )
}

/// Resolves a link from the apps menu. The menu gives absolute URLs, server-absolute paths
/// (`/dhis-web-x/…`) or paths relative to `<base>/api/` (`../dhis-web-dashboard/index.action`),
/// which is how DHIS2's own header bar reads them.
pub fn resolve_menu_link(base_url: &str, href: &str) -> String {
    let href = href.trim();
    if href.starts_with("http://") || href.starts_with("https://") || href.starts_with("data:") {
        return href.to_string();
    }
    let base = base_url.trim_end_matches('/');
    let (origin, base_path) = split_origin(base);
    let mut segments: Vec<&str> = if href.starts_with('/') {
        Vec::new()
    } else {
        base_path
            .split('/')
            .filter(|s| !s.is_empty())
            .chain(std::iter::once("api"))
            .collect()
    };
    for part in href.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            other => segments.push(other),
        }
    }
    let trailing = if href.ends_with('/') { "/" } else { "" };
    format!("{origin}/{}{trailing}", segments.join("/"))
}

/// `https://x.org/dhis/sub` → (`https://x.org`, `/dhis/sub`).
fn split_origin(url: &str) -> (&str, &str) {
    let after_scheme = url.find("://").map(|i| i + 3).unwrap_or(0);
    match url[after_scheme..].find('/') {
        Some(slash) => url.split_at(after_scheme + slash),
        None => (url, ""),
    }
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

    fn v(text: &str) -> Version {
        text.parse().unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn menu_and_logout_follow_the_server_version() {
        assert_eq!(
            apps_menu_path(&v("2.39.2")),
            "dhis-web-commons/menu/getModules.action"
        );
        assert_eq!(apps_menu_path(&v("2.40.0")), "api/apps/menu");
        assert_eq!(
            logout_path(&v("2.40.3")),
            "dhis-web-commons-security/logout.action"
        );
        assert_eq!(logout_path(&v("2.41")), "api/auth/logout");
        assert_eq!(
            logout_path(&v("2.30")),
            "dhis-web-commons-security/logout.action"
        );
    }

    #[test]
    fn menu_links_resolve_like_the_dhis2_header_bar() {
        let base = "http://127.0.0.1:8080/dhis";
        assert_eq!(
            resolve_menu_link(base, "../dhis-web-dashboard/index.action"),
            "http://127.0.0.1:8080/dhis/dhis-web-dashboard/index.action"
        );
        assert_eq!(
            resolve_menu_link(base, "/api/apps/x/index.html"),
            "http://127.0.0.1:8080/api/apps/x/index.html"
        );
        assert_eq!(
            resolve_menu_link("http://h:1", "../icons/a.png"),
            "http://h:1/icons/a.png"
        );
        assert_eq!(
            resolve_menu_link(base, "https://other.org/app/"),
            "https://other.org/app/"
        );
        assert_eq!(join("http://h:1/", "/api/me"), "http://h:1/api/me");
    }

    #[test]
    fn initials_take_first_and_last_word() {
        assert_eq!(initials("John Doe"), "JD");
        assert_eq!(initials("  maria de la cruz "), "MC");
        assert_eq!(initials("admin"), "A");
        assert_eq!(initials(""), "");
    }
}
