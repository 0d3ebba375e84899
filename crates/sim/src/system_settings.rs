//! `/api/systemSettings[/{key}]` (§7.3): the settings the header bar, the app shell and the
//! static content read, with `SystemSettingController` (2.30–2.41) and
//! `SystemSettingsController` (2.42) behaviour per version.

use crate::negotiation;
use crate::{RequestContext, SimResponse, SimVersion};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// DHIS2's default `helpPageLink` (`SettingKey.HELP_PAGE_LINK`, 2.30 … 2.42).
const HELP_PAGE_LINK: &str =
    "https://dhis2.github.io/dhis2-docs/master/en/user/html/dhis2_user_manual_en.html";

/// The setting keys the simulator knows, with their defaults (`null` = no default).
/// `applicationTitle` lives in the instance's title and is filled in by [`SystemSettings::get`].
fn defaults(version: SimVersion) -> Vec<(&'static str, Value)> {
    vec![
        ("applicationTitle", json!("DHIS 2")),
        ("keyApplicationIntro", Value::Null),
        ("keyApplicationNotification", Value::Null),
        ("keyApplicationFooter", Value::Null),
        ("keyApplicationRightFooter", Value::Null),
        ("keyFlag", json!("dhis2")),
        ("startModule", json!("dhis-web-dashboard")),
        ("helpPageLink", json!(HELP_PAGE_LINK)),
        ("keyUiLocale", json!("en")),
        // A Locale setting without default before 2.42; 2.42's typed settings default to `en`.
        (
            "keyDbLocale",
            if version.at_least(42, 0) {
                json!("en")
            } else {
                Value::Null
            },
        ),
        ("keyStyle", json!("light_blue/light_blue.css")),
        ("keyUseCustomLogoFront", json!(false)),
        ("keyUseCustomLogoBanner", json!(false)),
        ("keyCustomLoginPageLogo", json!(false)),
        ("keyMessageEmailNotification", json!(false)),
        ("keyMessageSmsNotification", json!(false)),
        ("keyAnalysisDisplayProperty", json!("name")),
    ]
}

/// `GET /{key}` as JSON (`{key: value}`) exists from 2.31.9, 2.32.5, 2.33.2 and 2.34.0; before,
/// only `text/plain` is produced and a JSON client gets 406.
fn single_key_json(version: SimVersion) -> bool {
    match version.minor {
        30 => false,
        31 => version.at_least(31, 9),
        32 => version.at_least(32, 5),
        33 => version.at_least(33, 2),
        _ => true,
    }
}

/// Values keep their JSON type from 2.36; 2.31.9 … 2.35 send every value as a string.
fn typed_values(version: SimVersion) -> bool {
    version.at_least(36, 0)
}

/// Stored system settings (only those changed from their defaults).
#[derive(Debug, Default)]
pub struct SystemSettings {
    values: BTreeMap<String, Value>,
}

impl SystemSettings {
    /// The value of a known setting (`Null` when it has none), or `None` for an unknown key.
    pub fn get(&self, version: SimVersion, title: &str, key: &str) -> Option<Value> {
        let default = defaults(version).into_iter().find(|(k, _)| *k == key)?.1;
        if key == "applicationTitle" {
            return Some(json!(title));
        }
        Some(self.values.get(key).cloned().unwrap_or(default))
    }

    /// A boolean setting (false when unset or unknown).
    pub fn flag(&self, version: SimVersion, key: &str) -> bool {
        self.get(version, "", key)
            .and_then(|value| value.as_bool())
            .unwrap_or(false)
    }

    /// `startModule`: where a 2.41 JSON login sends the user when no page was asked for.
    pub fn start_module(&self, version: SimVersion) -> String {
        self.get(version, "", "startModule")
            .and_then(|value| value.as_str().map(str::to_string))
            .unwrap_or_else(|| "dhis-web-dashboard".to_string())
    }

    /// Every known setting with a value, as `GET /api/systemSettings` lists them.
    fn all(&self, version: SimVersion, title: &str) -> Map<String, Value> {
        defaults(version)
            .into_iter()
            .filter_map(|(key, _)| Some((key.to_string(), self.get(version, title, key)?)))
            .filter(|(_, value)| !value.is_null())
            .collect()
    }

    /// `/api/systemSettings…`; `title` is the instance's `applicationTitle`.
    pub fn handle(
        &mut self,
        ctx: &RequestContext,
        accept: Option<&str>,
        content_type: &str,
        title: &mut String,
    ) -> Option<SimResponse> {
        let key = ctx.segments.get(1).map(String::as_str);
        if ctx.segments.len() > 2 {
            return None;
        }
        match (ctx.method, key) {
            ("GET", Some(key)) => Some(self.get_one(ctx, accept, title, key)),
            ("GET", None) => Some(self.get_many(ctx, title)),
            ("POST", _) if !ctx.user.has_authority("F_SYSTEM_SETTING") => {
                Some(SimResponse::web_message(403, "Access is denied"))
            }
            ("POST", Some(key)) => Some(self.set_one(ctx, content_type, title, key)),
            ("POST", None) => Some(self.set_many(ctx, title)),
            _ => None,
        }
    }

    fn get_one(
        &self,
        ctx: &RequestContext,
        accept: Option<&str>,
        title: &str,
        key: &str,
    ) -> SimResponse {
        let version = ctx.version;
        let value = self.get(version, title, key);
        let offered: &[&str] = if single_key_json(version) {
            &["text/plain", "application/json"]
        } else {
            &["text/plain"]
        };
        let Some(chosen) = negotiation::choose(accept, offered) else {
            return SimResponse::web_message(406, "Could not find acceptable representation");
        };
        if value.is_none() && version.at_least(42, 0) {
            return SimResponse::web_message_with_code(
                404,
                "E1005",
                &format!("Setting does not exist: {key}"),
            );
        }
        let as_text = chosen == 0;
        if value.is_none() && version.at_least(41, 0) {
            let message = "Setting does not exist or is marked as confidential";
            return if as_text {
                SimResponse::bytes(404, "text/plain;charset=UTF-8", message)
            } else {
                SimResponse::web_message_with_code(404, "E1005", message)
            };
        }
        // Unknown keys and settings without value read as "" (2.30's text form: no body).
        let value = value.filter(|v| !v.is_null());
        if as_text {
            let text = match &value {
                Some(Value::String(text)) => text.clone(),
                Some(other) => other.to_string(),
                None => String::new(),
            };
            return SimResponse::bytes(200, "text/plain;charset=UTF-8", text);
        }
        let value = match value {
            Some(Value::String(text)) => json!(text),
            Some(other) if typed_values(version) => other,
            Some(other) => json!(other.to_string()),
            None => json!(""),
        };
        SimResponse::json(200, &json!({ key: value }))
    }

    fn get_many(&self, ctx: &RequestContext, title: &str) -> SimResponse {
        let all = self.all(ctx.version, title);
        let keys = ctx.query.all("key");
        // 2.42 lists every setting whatever `key` asks for.
        if keys.is_empty() || ctx.version.at_least(42, 0) {
            return SimResponse::json(200, &Value::Object(all));
        }
        let known: Vec<&str> = keys
            .iter()
            .flat_map(|key| key.split(','))
            .filter(|key| self.get(ctx.version, title, key).is_some())
            .collect();
        if known.is_empty() && ctx.version.at_least(41, 0) {
            return SimResponse::web_message_with_code(
                404,
                "E1005",
                "Setting does not exist or is marked as confidential",
            );
        }
        let picked: Map<String, Value> = all
            .into_iter()
            .filter(|(key, _)| known.contains(&key.as_str()))
            .collect();
        SimResponse::json(200, &Value::Object(picked))
    }

    /// `POST /{key}` with `?value=` or the value as body: text (the handler consumes only
    /// `text/plain` / `text/html`), JSON too from 2.41.
    fn set_one(
        &mut self,
        ctx: &RequestContext,
        content_type: &str,
        title: &mut String,
        key: &str,
    ) -> SimResponse {
        let json_body = content_type.starts_with("application/json");
        if json_body && !ctx.version.at_least(41, 0) {
            return SimResponse::web_message(
                415,
                &format!("Content type '{content_type}' not supported"),
            );
        }
        let body = String::from_utf8_lossy(ctx.body).to_string();
        let Some(raw) = ctx
            .query
            .get("value")
            .map(str::to_string)
            .or_else(|| (!ctx.body.is_empty()).then_some(body))
        else {
            return SimResponse::web_message(
                409,
                "Value must be specified as query param or as payload",
            );
        };
        let raw = if json_body {
            serde_json::from_str::<String>(&raw).unwrap_or(raw)
        } else {
            raw
        };
        match self.store(ctx.version, title, key, &raw) {
            Some(stored) => SimResponse::web_message(
                200,
                &format!("System setting '{key}' set to value '{stored}'."),
            ),
            None => SimResponse::web_message(409, &format!("Key is not supported: {key}")),
        }
    }

    /// `POST /api/systemSettings` with a JSON object of settings.
    fn set_many(&mut self, ctx: &RequestContext, title: &mut String) -> SimResponse {
        let Ok(Value::Object(settings)) = serde_json::from_slice::<Value>(ctx.body) else {
            return SimResponse::web_message(400, "Expected a JSON object of settings.");
        };
        let unknown: Vec<&str> = settings
            .keys()
            .map(String::as_str)
            .filter(|key| self.get(ctx.version, title, key).is_none())
            .collect();
        if !unknown.is_empty() {
            return SimResponse::web_message(
                409,
                &format!("Key(s) is not supported: {}", unknown.join(", ")),
            );
        }
        for (key, value) in &settings {
            let raw = match value {
                Value::String(text) => text.clone(),
                other => other.to_string(),
            };
            self.store(ctx.version, title, key, &raw);
        }
        SimResponse::web_message(200, "System settings imported")
    }

    /// Stores `raw` converted to the setting's type; `None` for an unknown key.
    fn store(
        &mut self,
        version: SimVersion,
        title: &mut String,
        key: &str,
        raw: &str,
    ) -> Option<String> {
        let default = self.get(version, title, key)?;
        if key == "applicationTitle" {
            *title = raw.to_string();
            return Some(raw.to_string());
        }
        let value = match default {
            Value::Bool(_) => json!(raw.trim().eq_ignore_ascii_case("true")),
            _ => json!(raw),
        };
        let shown = match &value {
            Value::String(text) => text.clone(),
            other => other.to_string(),
        };
        self.values.insert(key.to_string(), value);
        Some(shown)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_for_one_key_arrives_at_the_patch_releases() {
        let at = |minor, patch| single_key_json(SimVersion::new(minor, patch));
        assert!(!at(30, 0) && !at(31, 8) && at(31, 9) && !at(32, 4) && at(32, 5));
        assert!(!at(33, 1) && at(33, 2) && at(34, 0) && at(41, 0));
    }
}
