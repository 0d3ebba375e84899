//! The two small DHIS2 answers only the header bar reads: the application title and the apps
//! menu. They are display-only (no sync logic depends on them); if core grows a header-bar
//! module, these move there.

use mdsync_core::dhis2::{Dhis2Client, Method, Transport};
use serde::Deserialize;

use crate::links;

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
    version: &mdsync_core::dhis2::Version,
) -> Result<Vec<MenuModule>, mdsync_core::dhis2::Dhis2Error> {
    let request = client.request(Method::Get, links::apps_menu_path(version));
    let modules: Modules = client.execute_json(request).await?;
    let base = client.base_url();
    Ok(modules
        .modules
        .into_iter()
        .map(|module| MenuModule {
            default_action: links::resolve_menu_link(base, &module.default_action),
            icon: module
                .icon
                .map(|icon| links::resolve_menu_link(base, &icon)),
            ..module
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

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
