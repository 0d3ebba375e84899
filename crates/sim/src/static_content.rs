//! `/api/staticContent/{logo_banner|logo_front}` (`StaticContentController`): the logos of the
//! header bar and the login page. An image request (a browser's `<img>`) is redirected (302)
//! to the default logo unless the `keyUseCustomLogoBanner` / `keyUseCustomLogoFront` setting is
//! on, in which case the uploaded PNG is served. A JSON request (what `@dhis2/ui`'s header bar
//! sends through app-runtime) gets, from 2.31.6 / 2.32.3 / 2.33.1 / 2.34, a descriptor
//! `{"images":{"png":…}}` with status 302 when a custom logo is in use and 404 "No custom file
//! found." otherwise. The unversioned path is public in every version, `/api/NN/…` from 2.41.

use crate::negotiation;
use crate::system_settings::SystemSettings;
use crate::{Account, RequestContext, SimResponse, SimVersion};
use serde_json::json;
use std::collections::BTreeMap;

/// The keys DHIS2 accepts, with the setting that switches each to the uploaded file.
fn setting_of(key: &str) -> Option<&'static str> {
    match key {
        "logo_banner" => Some("keyUseCustomLogoBanner"),
        "logo_front" => Some("keyUseCustomLogoFront"),
        _ => None,
    }
}

/// The JSON descriptor handler exists from 2.31.6, 2.32.3, 2.33.1 and 2.34.0.
fn has_json_descriptor(version: SimVersion) -> bool {
    match version.minor {
        30 => false,
        31 => version.at_least(31, 6),
        32 => version.at_least(32, 3),
        33 => version.at_least(33, 1),
        _ => true,
    }
}

/// True when the path `/api/[NN/]staticContent/…` needs no login on this version.
pub fn is_public(version: SimVersion, versioned: bool) -> bool {
    !versioned || version.at_least(41, 0)
}

fn unknown_key(version: SimVersion) -> SimResponse {
    // 2.42 throws a typed NotFoundException (E1005); before, a plain 404 WebMessage.
    if version.at_least(42, 0) {
        SimResponse::web_message_with_code(404, "E1005", "Key does not exist.")
    } else {
        SimResponse::web_message(404, "Key does not exist.")
    }
}

/// The uploaded logos, by key.
#[derive(Debug, Default)]
pub struct StaticContent {
    files: BTreeMap<String, Vec<u8>>,
}

impl StaticContent {
    /// `/api/staticContent/{key}` for a logged-in user (the public GETs come through
    /// [`crate::public`]).
    pub fn handle(
        &mut self,
        ctx: &RequestContext,
        accept: Option<&str>,
        content_type: &str,
        settings: &SystemSettings,
    ) -> Option<SimResponse> {
        let [_, key] = ctx.segments.as_slice() else {
            return None;
        };
        match ctx.method {
            "GET" => Some(self.get(ctx.version, ctx.base_url, accept, settings, key)),
            "POST" => Some(self.upload(ctx.version, ctx.user, content_type, ctx.body, key)),
            _ => None,
        }
    }

    /// `GET /api/staticContent/{key}`.
    pub fn get(
        &self,
        version: SimVersion,
        base_url: &str,
        accept: Option<&str>,
        settings: &SystemSettings,
        key: &str,
    ) -> SimResponse {
        let Some(setting) = setting_of(key) else {
            return unknown_key(version);
        };
        let custom = settings.flag(version, setting);
        if has_json_descriptor(version) && negotiation::prefers_json(accept) {
            return match self.files.get(key).filter(|_| custom) {
                // DHIS2 answers the descriptor with 302 Found and no Location header.
                Some(_) => SimResponse::json(
                    302,
                    &json!({"images": {"png": format!("{base_url}/api/staticContent/{key}")}}),
                ),
                None => SimResponse::web_message(404, "No custom file found."),
            };
        }
        if !custom {
            let location = default_logo_url(version, base_url, settings, key);
            return SimResponse::empty(302).with_header("Location", &location);
        }
        match self.files.get(key) {
            Some(png) => SimResponse::bytes(200, "image/png", png.clone()),
            None => SimResponse::web_message(404, &missing_file_message(version, key)),
        }
    }

    /// `POST /api/staticContent/{key}` with a PNG in the multipart field `file` → 204.
    pub fn upload(
        &mut self,
        version: SimVersion,
        user: &Account,
        content_type: &str,
        body: &[u8],
        key: &str,
    ) -> SimResponse {
        if !user.has_authority("F_SYSTEM_SETTING") {
            return SimResponse::web_message(403, "Access is denied");
        }
        let Some(file) = crate::multipart::part(content_type, body, "file")
            .filter(|part| !part.bytes.is_empty())
        else {
            return if version.at_least(42, 0) {
                SimResponse::web_message_with_code(400, "E1003", "Missing parameter 'file'")
            } else {
                SimResponse::web_message(400, "Missing parameter 'file'")
            };
        };
        let is_png = file
            .content_type
            .as_deref()
            .is_some_and(|kind| kind.trim().to_ascii_lowercase().starts_with("image/png"));
        if !is_png {
            // `new WebMessage(WARNING, UNSUPPORTED_MEDIA_TYPE)`: no message at all.
            let body = json!({"httpStatus": "Unsupported Media Type", "httpStatusCode": 415,
                "status": "WARNING"});
            return SimResponse::json(415, &body);
        }
        if setting_of(key).is_none() {
            return SimResponse::web_message(400, "This key is not supported.");
        }
        self.files.insert(key.to_string(), file.bytes);
        SimResponse::empty(204)
    }
}

/// Where the default logo lives: the banner in the current style's folder, the front page logo
/// beside the login page.
fn default_logo_url(
    version: SimVersion,
    base_url: &str,
    settings: &SystemSettings,
    key: &str,
) -> String {
    if key == "logo_front" {
        return format!("{base_url}/dhis-web-commons/security/logo_front.png");
    }
    let style = settings
        .get(version, "", "keyStyle")
        .and_then(|value| value.as_str().map(str::to_string))
        .unwrap_or_default();
    let folder = style
        .split('/')
        .next()
        .filter(|folder| !folder.is_empty())
        .unwrap_or("light_blue");
    format!("{base_url}/dhis-web-commons/css/{folder}/logo_banner.png")
}

/// The 404 text when the custom logo is switched on but nothing was uploaded: 2.31.0–2.31.4
/// and 2.32.0–2.32.1 read it from the file system, the others from the file store.
fn missing_file_message(version: SimVersion, key: &str) -> String {
    let file_system = (version.minor == 31 && !version.at_least(31, 5))
        || (version.minor == 32 && !version.at_least(32, 2));
    if file_system {
        "The requested file could not be found.".to_string()
    } else {
        format!("key 'document/{key}' not found.")
    }
}

/// The default logos, served publicly from `/dhis-web-commons/…`.
pub fn default_logo_file(path: &str) -> Option<Vec<u8>> {
    if path == "/dhis-web-commons/security/logo_front.png" {
        return Some(crate::images::default_logo_front());
    }
    let folder = path
        .strip_prefix("/dhis-web-commons/css/")?
        .strip_suffix("/logo_banner.png")?;
    (!folder.is_empty() && !folder.contains('/')).then(crate::images::default_logo_banner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_json_descriptor_arrives_at_the_patch_releases() {
        let at = |minor, patch| has_json_descriptor(SimVersion::new(minor, patch));
        assert!(!at(30, 0) && !at(31, 5) && at(31, 6) && !at(32, 2) && at(32, 3));
        assert!(!at(33, 0) && at(33, 1) && at(34, 0) && at(42, 0));
    }

    #[test]
    fn default_logos_are_found_by_path() {
        assert!(default_logo_file("/dhis-web-commons/css/light_blue/logo_banner.png").is_some());
        assert!(default_logo_file("/dhis-web-commons/security/logo_front.png").is_some());
        assert!(default_logo_file("/dhis-web-commons/css/logo_banner.png").is_none());
    }
}
