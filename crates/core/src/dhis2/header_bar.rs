//! What DHIS2's header bar reads and links to: the application title, the apps menu and the
//! logout and profile links. Where they live depends on the server version (the apps menu moved
//! to `/api/apps/menu` in 2.40, logout to `/api/auth/logout` in 2.41).

use serde::Deserialize;

use super::{Dhis2Client, Dhis2Error, Method, Transport, Version};

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

/// The title shown when the server has none (or will not say).
pub const DEFAULT_APPLICATION_TITLE: &str = "DHIS 2";

/// One entry of the apps menu (`getModules.action` before 2.40, `/api/apps/menu` from 2.40).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MenuModule {
    pub name: String,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub default_action: String,
    #[serde(default)]
    pub icon: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
}

impl MenuModule {
    pub fn label(&self) -> &str {
        self.display_name
            .as_deref()
            .filter(|name| !name.is_empty())
            .unwrap_or(&self.name)
    }

    /// Case-insensitive match of the search box text against the label.
    pub fn matches(&self, filter: &str) -> bool {
        let filter = filter.trim().to_lowercase();
        filter.is_empty() || self.label().to_lowercase().contains(&filter)
    }
}

#[derive(Deserialize)]
struct Modules {
    #[serde(default)]
    modules: Vec<MenuModule>,
}

/// Reads `GET /api/systemSettings/applicationTitle`: `{"applicationTitle":"…"}` as JSON, or
/// the bare value that some versions send as text. `None` for anything else.
pub fn decode_application_title(body: &[u8]) -> Option<String> {
    if let Ok(value) = serde_json::from_slice::<serde_json::Value>(body) {
        return match value {
            serde_json::Value::Object(map) => map
                .get("applicationTitle")
                .and_then(|v| v.as_str())
                .map(str::to_string),
            serde_json::Value::String(text) => Some(text),
            _ => None,
        }
        .filter(|title| !title.trim().is_empty());
    }
    let text = String::from_utf8_lossy(body).trim().to_string();
    (!text.is_empty() && !text.starts_with('<') && text.len() <= 200).then_some(text)
}

/// Reads the apps menu; an unreadable body gives an empty menu.
pub fn decode_menu(body: &[u8]) -> Vec<MenuModule> {
    serde_json::from_slice::<Modules>(body)
        .map(|m| m.modules)
        .unwrap_or_default()
}

/// The server's application title, or [`DEFAULT_APPLICATION_TITLE`] when it cannot be read
/// (the title is cosmetic: it never blocks the app).
pub async fn application_title<T: Transport>(client: &Dhis2Client<T>) -> String {
    let request = client.request(Method::Get, "api/systemSettings/applicationTitle");
    match client.execute(request).await {
        Ok(response) if response.is_success() => decode_application_title(&response.body)
            .unwrap_or_else(|| DEFAULT_APPLICATION_TITLE.to_string()),
        _ => DEFAULT_APPLICATION_TITLE.to_string(),
    }
}

/// The apps menu of the server, links resolved against its base URL.
pub async fn apps_menu<T: Transport>(
    client: &Dhis2Client<T>,
    version: &Version,
) -> Result<Vec<MenuModule>, Dhis2Error> {
    let request = client.request(Method::Get, apps_menu_path(version));
    let modules: Modules = client.execute_json(request).await?;
    let base = client.base_url();
    Ok(modules
        .modules
        .into_iter()
        .map(|module| MenuModule {
            default_action: resolve_menu_link(base, &module.default_action),
            icon: module.icon.map(|icon| resolve_menu_link(base, &icon)),
            ..module
        })
        .collect())
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
    }

    #[test]
    fn title_is_read_from_json_or_text_and_never_from_html() {
        assert_eq!(
            decode_application_title(br#"{"applicationTitle":"Sierra Leone"}"#).as_deref(),
            Some("Sierra Leone")
        );
        assert_eq!(
            decode_application_title(b"Demo DHIS2").as_deref(),
            Some("Demo DHIS2")
        );
        assert_eq!(decode_application_title(b"<html>login</html>"), None);
        assert_eq!(
            decode_application_title(br#"{"applicationTitle":""}"#),
            None
        );
    }

    #[test]
    fn menu_decodes_the_recorded_shape_and_filters_by_label() {
        let body = br#"{"modules":[{"name":"dhis-web-dashboard","namespace":"/dhis-web-dashboard",
            "defaultAction":"../dhis-web-dashboard/index.action","displayName":"Dashboard",
            "icon":"../icons/dhis-web-dashboard.png","description":""},
            {"name":"dhis-web-maps","defaultAction":"../dhis-web-maps/index.action","displayName":""}]}"#;
        let menu = decode_menu(body);
        assert_eq!(menu.len(), 2);
        assert_eq!(menu[0].label(), "Dashboard");
        assert_eq!(menu[1].label(), "dhis-web-maps");
        assert!(menu[0].matches("DASH"));
        assert!(!menu[0].matches("maps"));
        assert!(menu[1].matches(""));
        assert!(decode_menu(b"<html>").is_empty());
    }
}
