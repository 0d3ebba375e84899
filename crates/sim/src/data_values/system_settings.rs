//! The system settings a data value import reads (`SettingKey.DATA_IMPORT_*`), settable with
//! `POST /api/systemSettings/{key}` and `POST /api/systemSettings` (`SystemSettingController`).
//! Other keys are left to the platform's system settings.

use super::settings::Strictness;
use super::summary::web_message;
use crate::{RequestContext, SimResponse};
use serde_json::{Map, Value};

/// The data import settings of an instance; DHIS2's defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DataImportSystemSettings {
    pub strict: Strictness,
    /// `keyDataImportStrictDataSetLocking` (2.39.1+, default on): a value is refused when any
    /// of its data element's data sets is locked, not only when all are.
    pub strict_data_set_locking: bool,
}

impl Default for DataImportSystemSettings {
    fn default() -> Self {
        DataImportSystemSettings {
            strict: Strictness::default(),
            strict_data_set_locking: true,
        }
    }
}

impl DataImportSystemSettings {
    /// Sets `key`; `false` when it is not a data import key.
    pub fn set(&mut self, key: &str, on: bool) -> bool {
        let strict = &mut self.strict;
        let slot = match key {
            "keyDataImportStrictPeriods" => &mut strict.periods,
            "keyDataImportStrictDataElements" => &mut strict.data_elements,
            "keyDataImportStrictCategoryOptionCombos" => &mut strict.category_option_combos,
            "keyDataImportStrictAttributeOptionCombos" => &mut strict.attribute_option_combos,
            "keyDataImportStrictOrganisationUnits" => &mut strict.organisation_units,
            "keyDataImportRequireCategoryOptionCombo" => &mut strict.require_category_option_combo,
            "keyDataImportRequireAttributeOptionCombo" => {
                &mut strict.require_attribute_option_combo
            }
            "keyDataImportStrictDataSetLocking" => &mut self.strict_data_set_locking,
            _ => return false,
        };
        *slot = on;
        true
    }

    /// `POST /api/systemSettings/{key}` (value in `?value=` or the body) and `POST
    /// /api/systemSettings` (a JSON object) when every key is a data import key; `None` to
    /// leave other keys to the platform.
    pub fn handle(&mut self, ctx: &RequestContext) -> Option<SimResponse> {
        if ctx.method != "POST" {
            return None;
        }
        let version = ctx.version;
        let denied = || {
            web_message(
                version,
                403,
                if version.at_least(42, 0) {
                    "Access is denied, requires one Authority from [F_SYSTEM_SETTING]"
                } else {
                    "Access is denied"
                },
                None,
            )
        };
        match ctx.segments.get(1) {
            Some(key) => {
                let mut probe = *self;
                if !probe.set(key, false) {
                    return None;
                }
                if !ctx.user.has_authority("F_SYSTEM_SETTING") {
                    return Some(denied());
                }
                let body = String::from_utf8_lossy(ctx.body).trim().to_string();
                let text = ctx.query.get("value").map(str::to_string).unwrap_or(body);
                let on = parse_bool(text.trim_matches('"'));
                self.set(key, on);
                Some(web_message(
                    version,
                    200,
                    &format!("System setting '{key}' set to value '{on}'."),
                    None,
                ))
            }
            None => {
                let settings: Map<String, Value> = serde_json::from_slice(ctx.body).ok()?;
                let mut probe = *self;
                if settings.is_empty() || !settings.keys().all(|key| probe.set(key, false)) {
                    return None;
                }
                if !ctx.user.has_authority("F_SYSTEM_SETTING") {
                    return Some(denied());
                }
                for (key, value) in &settings {
                    let text = match value {
                        Value::String(text) => text.clone(),
                        other => other.to_string(),
                    };
                    self.set(key, parse_bool(&text));
                }
                Some(web_message(version, 200, "System settings imported", None))
            }
        }
    }
}

/// `Boolean.valueOf`: only `true` (any case) is true.
fn parse_bool(text: &str) -> bool {
    text.trim().eq_ignore_ascii_case("true")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_values() {
        let mut settings = DataImportSystemSettings::default();
        assert!(settings.set(
            "keyDataImportStrictCategoryOptionCombos",
            parse_bool("TRUE")
        ));
        assert!(settings.strict.category_option_combos);
        assert!(!settings.set("applicationTitle", true));
        assert!(settings.strict_data_set_locking);
        assert!(!parse_bool("yes"));
    }
}
