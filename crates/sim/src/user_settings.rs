//! User settings: `/api/userSettings[/{key}]`, `/api/me/settings[/{key}]` and the `settings`
//! of `/api/me` (`UserSettingController` / `MeController`, 2.42 `UserSettingsController`).
//! A user's own value wins; otherwise the version's default, else the system setting of the
//! same name (`useFallback`, on by default). Settings without a value are left out, as DHIS2's
//! JSON mapper drops nulls. `/api/userSettings` also reads and writes another user's settings
//! (`?user=<username>` or `?userId=<uid>`) for those who may manage users, as the Users app
//! does when an administrator sets someone's interface language.

use crate::system_settings::SystemSettings;
use crate::{Account, RequestContext, SimResponse, SimVersion};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// The user setting keys of the version (`UserSettingKey`; 2.42 `UserSettings`).
fn keys(version: SimVersion) -> &'static [&'static str] {
    const COMMON: [&str; 7] = [
        "keyStyle",
        "keyMessageEmailNotification",
        "keyMessageSmsNotification",
        "keyUiLocale",
        "keyDbLocale",
        "keyAnalysisDisplayProperty",
        "keyTrackerDashboardLayout",
    ];
    const V230: [&str; 10] = [
        "keyStyle",
        "keyMessageEmailNotification",
        "keyMessageSmsNotification",
        "keyUiLocale",
        "keyDbLocale",
        "keyAnalysisDisplayProperty",
        "keyTrackerDashboardLayout",
        "keyAutoSaveCaseEntryForm",
        "keyAutoSavetTrackedEntityForm",
        "keyAutoSaveDataEntryForm",
    ];
    if version.minor == 30 {
        &V230
    } else {
        &COMMON
    }
}

/// The per-user default a version gives before any fallback: from 2.31 both message
/// notifications default to true for every user; 2.42 gives every key a typed default.
fn user_default(version: SimVersion, key: &str) -> Option<Value> {
    if version.at_least(42, 0) {
        return Some(match key {
            "keyStyle" => json!("light_blue/light_blue.css"),
            "keyMessageEmailNotification" | "keyMessageSmsNotification" => json!(false),
            "keyUiLocale" | "keyDbLocale" => json!("en"),
            "keyAnalysisDisplayProperty" => json!("name"),
            "keyTrackerDashboardLayout" => json!(""),
            _ => return None,
        });
    }
    match key {
        "keyMessageEmailNotification" | "keyMessageSmsNotification" if version.minor >= 31 => {
            Some(json!(true))
        }
        _ => None,
    }
}

/// Settings users stored for themselves, by username.
#[derive(Debug, Default)]
pub struct UserSettings {
    stored: BTreeMap<String, BTreeMap<String, Value>>,
}

impl UserSettings {
    /// Settings stored for some users from the start: (username, `keyUiLocale`), as the Users
    /// app stores a user's interface language when the user is created.
    pub fn with_ui_locales(locales: &[(&str, &str)]) -> UserSettings {
        let mut settings = UserSettings::default();
        for (username, locale) in locales {
            settings
                .stored
                .entry(username.to_string())
                .or_default()
                .insert("keyUiLocale".to_string(), json!(locale));
        }
        settings
    }

    /// Every setting of `username` on this version, with fallback to the system settings.
    pub fn map(
        &self,
        version: SimVersion,
        system: &SystemSettings,
        username: &str,
        use_fallback: bool,
    ) -> Map<String, Value> {
        let own = self.stored.get(username);
        keys(version)
            .iter()
            .filter_map(|key| {
                let value = own
                    .and_then(|settings| settings.get(*key).cloned())
                    .or_else(|| user_default(version, key))
                    .or_else(|| {
                        use_fallback
                            .then(|| system_fallback(version, system, key))
                            .flatten()
                    })
                    .filter(|value| !value.is_null())?;
                Some((key.to_string(), value))
            })
            .collect()
    }

    /// `/api/userSettings[/{key}]`, `/api/me/settings[/{key}]`; `accounts` are the users a
    /// `?user=` or `?userId=` may name.
    pub fn handle(
        &mut self,
        ctx: &RequestContext,
        system: &SystemSettings,
        accounts: &[Account],
    ) -> Option<SimResponse> {
        let segments: Vec<&str> = ctx.segments.iter().map(String::as_str).collect();
        let key = match segments.as_slice() {
            ["userSettings"] | ["me", "settings"] => None,
            ["userSettings", key] | ["me", "settings", key] => Some(*key),
            _ => return None,
        };
        let on_me = segments[0] == "me";
        let use_fallback = !ctx
            .query
            .get("useFallback")
            .is_some_and(|v| v.eq_ignore_ascii_case("false"));
        let username = if on_me {
            ctx.user.username.as_str()
        } else {
            match target_user(ctx, accounts) {
                Ok(account) => account.username.as_str(),
                Err(refused) => return Some(refused),
            }
        };
        let response = match (ctx.method, key) {
            ("GET", None) => SimResponse::json(
                200,
                &Value::Object(self.map(ctx.version, system, username, use_fallback || on_me)),
            ),
            ("GET", Some(key)) if !keys(ctx.version).contains(&key) => {
                let message = if on_me {
                    format!("User setting not found for key: {key}")
                } else {
                    format!("No user setting found with key: {key}")
                };
                SimResponse::web_message(404, &message)
            }
            ("GET", Some(key)) => {
                let map = self.map(ctx.version, system, username, use_fallback || on_me);
                let value = map.get(key).cloned().unwrap_or(Value::Null);
                if on_me {
                    SimResponse::json(200, &value)
                } else {
                    // `String.valueOf(value)`: text, and "null" for a setting without value.
                    let text = match value {
                        Value::String(text) => text,
                        other => other.to_string(),
                    };
                    SimResponse::bytes(200, "text/plain;charset=UTF-8", text)
                }
            }
            ("POST", Some(key)) if !on_me => self.set(ctx, key, username),
            _ => return None,
        };
        Some(response)
    }

    /// `POST /api/userSettings/{key}` with `?value=` or the value as body, for `username`.
    fn set(&mut self, ctx: &RequestContext, key: &str, username: &str) -> SimResponse {
        if !keys(ctx.version).contains(&key) {
            return SimResponse::web_message(
                404,
                &format!("No user setting found with key: {key}"),
            );
        }
        let body = String::from_utf8_lossy(ctx.body).trim().to_string();
        let raw = ctx.query.get("value").map(str::to_string).unwrap_or(body);
        if raw.is_empty() {
            return SimResponse::web_message(409, "You need to specify a new value");
        }
        let value = match key {
            "keyMessageEmailNotification" | "keyMessageSmsNotification" => {
                json!(raw.eq_ignore_ascii_case("true"))
            }
            _ => json!(raw.trim_matches('"')),
        };
        self.stored
            .entry(username.to_string())
            .or_default()
            .insert(key.to_string(), value);
        SimResponse::web_message(200, "User setting saved")
    }
}

/// The user `?userId=` or `?user=` names (the id wins), else the caller. DHIS2 answers 409
/// for a user it cannot find and 401 when the caller may not manage users
/// (`UserSettingController.getUser`; the simulator grants it to superusers and `F_USER_ADD`).
fn target_user<'a>(
    ctx: &RequestContext<'a>,
    accounts: &'a [Account],
) -> Result<&'a Account, SimResponse> {
    let by_id = ctx.query.get("userId");
    let by_name = ctx.query.get("user");
    let Some(wanted) = by_id.or(by_name) else {
        return Ok(ctx.user);
    };
    let found = accounts.iter().find(|account| match by_id {
        Some(id) => account.id == id,
        None => account.username == wanted,
    });
    let Some(account) = found else {
        return Err(SimResponse::web_message(
            409,
            &format!("Could not find user '{wanted}'"),
        ));
    };
    if account.id != ctx.user.id && !ctx.user.has_authority("F_USER_ADD") {
        return Err(SimResponse::web_message(
            401,
            &format!(
                "You are not authorized to access user: {}",
                account.username
            ),
        ));
    }
    Ok(account)
}

/// The system setting a user setting falls back to (only keys both kinds share).
fn system_fallback(version: SimVersion, system: &SystemSettings, key: &str) -> Option<Value> {
    match key {
        "keyAutoSaveCaseEntryForm"
        | "keyAutoSavetTrackedEntityForm"
        | "keyAutoSaveDataEntryForm" => Some(json!(false)),
        _ => system.get(version, "", key),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_fallbacks_by_version() {
        let system = SystemSettings::default();
        let settings = UserSettings::default();
        let v230 = settings.map(SimVersion::new(30, 0), &system, "admin", true);
        assert_eq!(v230["keyMessageEmailNotification"], json!(false));
        assert_eq!(v230["keyAutoSaveDataEntryForm"], json!(false));
        assert!(v230.get("keyDbLocale").is_none(), "no default, left out");
        let v238 = settings.map(SimVersion::new(38, 0), &system, "admin", true);
        assert_eq!(v238["keyMessageEmailNotification"], json!(true));
        assert_eq!(v238["keyUiLocale"], json!("en"));
        assert_eq!(v238.len(), 5);
        let v242 = settings.map(SimVersion::new(42, 0), &system, "admin", true);
        assert_eq!(v242.len(), 7);
    }
}
