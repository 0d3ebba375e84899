//! Serving the files of an installed app, with the server's URL put into the manifest.

use super::AppStore;
use crate::{RequestContext, SimResponse};

/// `GET /api/apps/{key}/{path…}`.
pub fn serve_file(store: &AppStore, ctx: &RequestContext, key: &str) -> SimResponse {
    let Some(app) = store.get(key) else {
        return SimResponse::web_message(404, &format!("App '{key}' not found."));
    };
    if !ctx.user.has_authority(&app.authority) {
        return SimResponse::web_message(
            403,
            &format!("You don't have access to application {key}."),
        );
    }
    let mut path = ctx.segments[2..].join("/");
    if path.is_empty() || path.ends_with('/') {
        let launch = app.manifest["launch_path"].as_str().unwrap_or("index.html");
        path = if path.is_empty() {
            launch.to_string()
        } else {
            format!("{path}index.html")
        };
    }
    if path == "manifest.webapp" {
        let mut manifest = app.manifest.clone();
        // The server substitutes `activities.dhis.href` with its own URL (§7.1).
        if manifest["activities"]["dhis"].is_object() {
            manifest["activities"]["dhis"]["href"] = serde_json::json!(ctx.base_url);
        }
        let body = serde_json::to_vec_pretty(&manifest).unwrap_or_default();
        return SimResponse::bytes(200, "application/x-web-app-manifest+json", body);
    }
    let Some(content) = app.files.get(&path) else {
        return SimResponse::web_message(404, &format!("File '{path}' not found in app '{key}'."));
    };
    let mut body = content.clone();
    if path.ends_with(".html") && replaces_base_url_placeholder(ctx.version) {
        let text = String::from_utf8_lossy(content)
            .replace("__DHIS2_BASE_URL__", ctx.base_url)
            .replace(
                "__DHIS2_APP_ROOT_URL__",
                &format!("{}/api/apps/{key}", ctx.base_url),
            );
        body = text.into_bytes();
    }
    SimResponse::bytes(200, content_type(&path), body)
}

/// From 2.39.10, 2.40.8 and 2.41.0 the server fills `__DHIS2_BASE_URL__` in served HTML.
fn replaces_base_url_placeholder(version: crate::SimVersion) -> bool {
    match version.minor {
        39 => version.at_least(39, 10),
        40 => version.at_least(40, 8),
        minor => minor >= 41,
    }
}

/// The content type of a served file, by extension.
pub fn content_type(path: &str) -> &'static str {
    let extension = path.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    match extension.as_deref() {
        Some("html" | "htm") => "text/html;charset=UTF-8",
        Some("js" | "mjs") => "application/javascript",
        Some("css") => "text/css",
        Some("json") => "application/json",
        Some("webapp") => "application/x-web-app-manifest+json",
        Some("wasm") => "application/wasm",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("svg") => "image/svg+xml",
        Some("ico") => "image/x-icon",
        Some("woff") => "font/woff",
        Some("woff2") => "font/woff2",
        Some("ttf") => "font/ttf",
        Some("txt") => "text/plain",
        Some("map") => "application/json",
        _ => "application/octet-stream",
    }
}
