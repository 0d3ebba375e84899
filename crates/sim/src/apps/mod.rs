//! Installed apps (§7): `POST /api/apps` (zip), `GET /api/apps`, `DELETE /api/apps/{key}`,
//! files served at `/api/apps/{key}/…`, and the apps menu of the header bar.

mod install;
mod menu;
mod serve;

pub use install::InstallError;

use crate::{RequestContext, SimResponse, SimVersion};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// One installed app: its manifest and its files, in memory.
#[derive(Debug, Clone)]
pub struct InstalledApp {
    pub key: String,
    pub name: String,
    pub short_name: Option<String>,
    pub manifest: Value,
    /// Files by path relative to the app root (where `manifest.webapp` is).
    pub files: BTreeMap<String, Vec<u8>>,
    /// The `M_…` authority that gives access to the app.
    pub authority: String,
    /// `activities.dhis.namespace`: a dataStore namespace only users of the app may touch.
    pub namespace: Option<String>,
}

#[derive(Debug, Default)]
pub struct AppStore {
    apps: BTreeMap<String, InstalledApp>,
}

/// The app key DHIS2 derives (§7.2): from `name` before 2.35, from `short_name` (else `name`)
/// since; characters other than letters, digits, spaces and dashes removed, spaces → `-`.
pub fn app_key(version: SimVersion, name: &str, short_name: Option<&str>) -> String {
    let source = naming_source(version, name, short_name);
    source
        .trim()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == ' ' || *c == '-')
        .collect::<String>()
        .replace(' ', "-")
}

/// The `M_` authority (§7.2): same source as the key, but only letters, digits and spaces kept,
/// spaces → `_` (so `my-app` gives `M_myapp`).
pub fn app_authority(version: SimVersion, name: &str, short_name: Option<&str>) -> String {
    let source = naming_source(version, name, short_name);
    let cleaned: String = source
        .trim()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == ' ')
        .collect();
    format!("M_{}", cleaned.replace(' ', "_"))
}

fn naming_source<'a>(version: SimVersion, name: &'a str, short_name: Option<&'a str>) -> &'a str {
    match short_name.filter(|s| !s.trim().is_empty()) {
        Some(short) if version.at_least(35, 0) => short,
        _ => name,
    }
}

impl AppStore {
    pub fn get(&self, key: &str) -> Option<&InstalledApp> {
        self.apps.get(key)
    }

    pub fn all(&self) -> impl Iterator<Item = &InstalledApp> {
        self.apps.values()
    }

    /// The app protecting `namespace`, if any.
    pub fn protecting(&self, namespace: &str) -> Option<&InstalledApp> {
        self.apps
            .values()
            .find(|app| app.namespace.as_deref() == Some(namespace))
    }

    /// Installs (or replaces, same key) an app from a zip.
    pub fn install(&mut self, version: SimVersion, zip: &[u8]) -> Result<String, InstallError> {
        let app = install::read_app(version, zip)?;
        if let Some(namespace) = &app.namespace {
            if self
                .protecting(namespace)
                .is_some_and(|other| other.key != app.key)
            {
                return Err(InstallError::NamespaceTaken);
            }
        }
        let key = app.key.clone();
        self.apps.insert(key.clone(), app);
        Ok(key)
    }

    /// The `App` JSON of `GET /api/apps`.
    fn describe(&self, app: &InstalledApp, ctx: &RequestContext) -> Value {
        let manifest = &app.manifest;
        let base_url = format!("{}/api/apps/{}", ctx.base_url, app.key);
        let launch_path = manifest["launch_path"].as_str().unwrap_or("index.html");
        let mut value = json!({
            "key": app.key,
            "name": app.name,
            "version": manifest["version"],
            "description": manifest["description"],
            "appType": manifest["appType"].as_str().unwrap_or("APP"),
            "launch_path": launch_path,
            "launchUrl": format!("{base_url}/{launch_path}"),
            "folderName": app.key,
            "icons": manifest["icons"],
            "developer": manifest["developer"],
            "activities": {"dhis": {"href": ctx.base_url,
                "namespace": manifest["activities"]["dhis"]["namespace"]}},
            "authorities": manifest.get("authorities").cloned().unwrap_or(json!([])),
            "appState": "OK",
            "default_locale": manifest["default_locale"],
        });
        if ctx.version.at_least(35, 0) {
            value["short_name"] = json!(app.short_name);
            value["baseUrl"] = json!(base_url);
            value["core_app"] = json!(manifest["core_app"].as_bool().unwrap_or(false));
            value["bundled"] = json!(false);
        }
        if let Value::Object(map) = &mut value {
            map.retain(|_, v| !v.is_null());
        }
        value
    }

    /// Routes under `/api/apps`; `None` when the path is not an apps path.
    /// `content_type` is the request's (the upload is multipart).
    pub fn handle(&mut self, ctx: &RequestContext, content_type: &str) -> Option<SimResponse> {
        if ctx.segments.first().map(String::as_str) != Some("apps") {
            return None;
        }
        let manages = ctx.user.has_authority("M_dhis-web-app-management");
        let response = match (ctx.method, ctx.segments.get(1).map(String::as_str)) {
            ("GET", None) => {
                let key_filter = ctx.query.get("key");
                let list: Vec<Value> = self
                    .apps
                    .values()
                    .filter(|app| key_filter.is_none_or(|k| k == app.key))
                    .map(|app| self.describe(app, ctx))
                    .collect();
                SimResponse::json(200, &Value::Array(list))
            }
            ("GET", Some("menu")) if ctx.version.at_least(40, 0) => {
                menu::modules_response(self, ctx.user, ctx.base_url)
            }
            ("POST", None) if !manages => forbidden(),
            ("POST", None) => install::handle_upload(self, ctx, content_type),
            ("PUT", None) => SimResponse::empty(204),
            ("DELETE", Some(_)) if !manages => forbidden(),
            ("DELETE", Some(key)) => match self.apps.remove(key) {
                Some(_) => SimResponse::empty(204),
                None => SimResponse::web_message(404, &format!("App with key '{key}' not found.")),
            },
            ("GET", Some(key)) => serve::serve_file(self, ctx, key),
            _ => return None,
        };
        Some(response)
    }

    /// `GET /dhis-web-commons/menu/getModules.action`.
    pub fn modules(&self, user: &crate::Account, base_url: &str) -> SimResponse {
        menu::modules_response(self, user, base_url)
    }
}

fn forbidden() -> SimResponse {
    SimResponse::web_message(
        403,
        "You don't have the proper permissions to access this page.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_and_authority_follow_the_version() {
        let old = SimVersion::new(34, 0);
        let new = SimVersion::new(35, 0);
        assert_eq!(app_key(old, "My App!", Some("my-app")), "My-App");
        assert_eq!(app_authority(old, "My App!", Some("my-app")), "M_My_App");
        assert_eq!(app_key(new, "My App!", Some("my-app")), "my-app");
        assert_eq!(app_authority(new, "My App!", Some("my-app")), "M_myapp");
        assert_eq!(app_key(new, "My app!", None), "My-app");
    }
}
