//! `POST /api/metadata` parameters (§1.3): unknown values fall back to the defaults, as
//! `Enums.getIfPresent(…).or(default)` does in DHIS2.

use crate::{Query, SimVersion};
use serde_json::{json, Map, Value};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportOptions {
    pub import_mode: String,
    pub identifier: String,
    pub import_strategy: String,
    pub atomic_mode: String,
    pub merge_mode: String,
    pub import_report_mode: String,
    pub preheat_mode: String,
    pub flush_mode: String,
    pub user_override_mode: String,
    pub skip_sharing: bool,
    pub skip_validation: bool,
    pub skip_translation: bool,
    pub async_import: bool,
}

impl Default for ImportOptions {
    fn default() -> Self {
        ImportOptions {
            import_mode: "COMMIT".into(),
            identifier: "UID".into(),
            import_strategy: "CREATE_AND_UPDATE".into(),
            atomic_mode: "ALL".into(),
            merge_mode: "REPLACE".into(),
            import_report_mode: "ERRORS".into(),
            preheat_mode: "REFERENCE".into(),
            flush_mode: "AUTO".into(),
            user_override_mode: "NONE".into(),
            skip_sharing: false,
            skip_validation: false,
            skip_translation: false,
            async_import: false,
        }
    }
}

fn pick(query: &Query, key: &str, allowed: &[&str], default: &str) -> String {
    query
        .get(key)
        .map(|value| value.to_ascii_uppercase())
        .filter(|value| allowed.contains(&value.as_str()))
        .unwrap_or_else(|| default.to_string())
}

impl ImportOptions {
    pub fn from_query(query: &Query, version: SimVersion) -> ImportOptions {
        let old = !version.at_least(36, 0);
        let identifiers: &[&str] = if old {
            &["UID", "CODE", "AUTO"]
        } else {
            &["UID", "CODE"]
        };
        let atomic: &[&str] = if old {
            &["ALL", "NONE", "OBJECT"]
        } else {
            &["ALL", "NONE"]
        };
        let strategy = pick(
            query,
            "importStrategy",
            &[
                "CREATE_AND_UPDATE",
                "CREATE",
                "UPDATE",
                "DELETE",
                "SYNC",
                "NEW_AND_UPDATES",
                "NEW",
                "UPDATES",
                "DELETES",
            ],
            "CREATE_AND_UPDATE",
        );
        let mut report_modes = vec!["ERRORS", "FULL", "DEBUG"];
        if version.at_least(41, 0) {
            report_modes.push("ERRORS_NOT_OWNER");
        }
        ImportOptions {
            import_mode: pick(query, "importMode", &["COMMIT", "VALIDATE"], "COMMIT"),
            identifier: pick(query, "identifier", identifiers, "UID"),
            import_strategy: strategy,
            atomic_mode: pick(query, "atomicMode", atomic, "ALL"),
            merge_mode: if version.at_least(41, 0) {
                "REPLACE".into()
            } else {
                pick(query, "mergeMode", &["REPLACE", "MERGE"], "REPLACE")
            },
            import_report_mode: pick(query, "importReportMode", &report_modes, "ERRORS"),
            preheat_mode: pick(
                query,
                "preheatMode",
                &["REFERENCE", "ALL", "NONE"],
                "REFERENCE",
            ),
            flush_mode: pick(query, "flushMode", &["AUTO", "OBJECT"], "AUTO"),
            user_override_mode: pick(
                query,
                "userOverrideMode",
                &["NONE", "CURRENT", "SELECTED"],
                "NONE",
            ),
            skip_sharing: query.flag("skipSharing"),
            skip_validation: query.flag("skipValidation"),
            skip_translation: query.flag("skipTranslation"),
            async_import: query.flag("async"),
        }
    }

    /// The strategy with legacy names mapped to the current ones.
    pub fn strategy(&self) -> &str {
        match self.import_strategy.as_str() {
            "NEW_AND_UPDATES" | "SYNC" => "CREATE_AND_UPDATE",
            "NEW" => "CREATE",
            "UPDATES" => "UPDATE",
            "DELETES" => "DELETE",
            other => other,
        }
    }

    pub fn validate_only(&self) -> bool {
        self.import_mode == "VALIDATE"
    }

    pub fn atomic_all(&self) -> bool {
        self.atomic_mode == "ALL"
    }

    /// `importParams` of the raw ImportReport (2.30–2.36 fields).
    pub fn params_json(&self, version: SimVersion, username: &str) -> Value {
        let mut out = Map::new();
        out.insert("userOverrideMode".into(), json!(self.user_override_mode));
        out.insert("importMode".into(), json!(self.import_mode));
        out.insert("identifier".into(), json!(self.identifier));
        out.insert("preheatMode".into(), json!(self.preheat_mode));
        out.insert("importStrategy".into(), json!(self.import_strategy));
        out.insert("atomicMode".into(), json!(self.atomic_mode));
        out.insert("mergeMode".into(), json!(self.merge_mode));
        out.insert("flushMode".into(), json!(self.flush_mode));
        out.insert("skipSharing".into(), json!(self.skip_sharing));
        if version.at_least(31, 0) {
            out.insert("skipTranslation".into(), json!(self.skip_translation));
        }
        out.insert("skipValidation".into(), json!(self.skip_validation));
        out.insert("metadataSyncImport".into(), json!(false));
        if version.at_least(32, 0) {
            out.insert("firstRowIsHeader".into(), json!(true));
        }
        out.insert("username".into(), json!(username));
        Value::Object(out)
    }
}
