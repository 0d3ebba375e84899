//! The `ImportSummary` of a data value import and how each version answers with it.

use crate::{RequestContext, SimResponse, SimVersion};
use serde_json::{json, Map, Value};

/// One import conflict; 2.37+ writes the structured form, earlier versions `object` + `value`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    /// The object of the version that raised it; empty when a 2.37+ conflict names no object
    /// (`object` is then left out, as Jackson leaves out nulls).
    pub object: String,
    pub value: String,
    /// 2.30–2.36 text.
    pub legacy_value: String,
    /// Empty for the conflicts DHIS2 still raises in the old `object` + `value` form.
    pub error_code: &'static str,
    /// Keyed by the schema's singular name of each object's type (or the property for texts);
    /// `None` where the payload left the identifier out (written as `null`).
    pub objects: Vec<(&'static str, Option<String>)>,
    /// Empty when the conflict is about no single property.
    pub property: &'static str,
    pub indexes: Vec<usize>,
}

impl Conflict {
    /// A conflict in DHIS2's old form only: `object` and `value`, in every version.
    pub fn plain(object: &str, value: &str) -> Conflict {
        Conflict {
            object: object.to_string(),
            value: value.to_string(),
            legacy_value: value.to_string(),
            error_code: "",
            objects: Vec::new(),
            property: "",
            indexes: Vec::new(),
        }
    }
}

/// Conflicts of one import; equal conflicts are merged and their payload indexes collected.
#[derive(Debug, Default)]
pub struct Conflicts(pub Vec<Conflict>);

impl Conflicts {
    pub fn add(&mut self, index: Option<usize>, conflict: Conflict) {
        let same = self.0.iter_mut().find(|known| {
            known.error_code == conflict.error_code
                && known.object == conflict.object
                && known.value == conflict.value
        });
        match same {
            Some(known) => known.indexes.extend(index),
            None => {
                let mut conflict = conflict;
                conflict.indexes = index.into_iter().collect();
                self.0.push(conflict);
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn to_json(&self, version: SimVersion) -> Vec<Value> {
        self.0
            .iter()
            .map(|conflict| {
                if version.minor < 37 {
                    return json!({ "object": conflict.object, "value": conflict.legacy_value });
                }
                if conflict.error_code.is_empty() {
                    return json!({ "object": conflict.object, "value": conflict.value });
                }
                let objects: Map<String, Value> = conflict
                    .objects
                    .iter()
                    .map(|(key, value)| (key.to_string(), json!(value)))
                    .collect();
                let mut out = Map::new();
                if !conflict.object.is_empty() {
                    out.insert("object".into(), json!(conflict.object));
                }
                out.insert("objects".into(), Value::Object(objects));
                out.insert("value".into(), json!(conflict.value));
                out.insert("errorCode".into(), json!(conflict.error_code));
                if !conflict.property.is_empty() {
                    out.insert("property".into(), json!(conflict.property));
                }
                // Header conflicts have no index (DHIS2 keeps `null`, which Jackson leaves out).
                if !conflict.indexes.is_empty() {
                    out.insert("indexes".into(), json!(conflict.indexes));
                }
                Value::Object(out)
            })
            .collect()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportStatus {
    Success,
    Warning,
    Error,
}

impl ImportStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ImportStatus::Success => "SUCCESS",
            ImportStatus::Warning => "WARNING",
            ImportStatus::Error => "ERROR",
        }
    }
}

/// The options an import ran with, echoed as `importOptions`.
#[derive(Debug, Clone)]
pub struct EchoedOptions {
    pub import_strategy: String,
    pub dry_run: bool,
    pub asynchronous: bool,
    pub skip_audit: bool,
    pub skip_existing_check: bool,
    pub force: bool,
    /// The strict switches of the request (not the system settings).
    pub strict: super::settings::Strictness,
    pub id_schemes: Value,
}

impl EchoedOptions {
    pub fn to_json(&self) -> Value {
        json!({
            "idSchemes": self.id_schemes,
            "dryRun": self.dry_run,
            "async": self.asynchronous,
            "importStrategy": self.import_strategy,
            "mergeMode": "REPLACE",
            "reportMode": "FULL",
            "skipExistingCheck": self.skip_existing_check,
            "sharing": false,
            "skipNotifications": false,
            "skipAudit": self.skip_audit,
            "datasetAllowsPeriods": false,
            "strictPeriods": self.strict.periods,
            "strictDataElements": self.strict.data_elements,
            "strictCategoryOptionCombos": self.strict.category_option_combos,
            "strictAttributeOptionCombos": self.strict.attribute_option_combos,
            "strictOrganisationUnits": self.strict.organisation_units,
            "requireCategoryOptionCombo": self.strict.require_category_option_combo,
            "requireAttributeOptionCombo": self.strict.require_attribute_option_combo,
            "skipPatternValidation": false,
            "ignoreEmptyCollection": false,
            "force": self.force,
            "firstRowIsHeader": true,
            "skipLastUpdated": false,
            "mergeDataValues": false,
            "skipCache": false
        })
    }
}

/// What one import did.
#[derive(Debug)]
pub struct ImportOutcome {
    pub status: ImportStatus,
    pub description: String,
    pub imported: usize,
    pub updated: usize,
    pub ignored: usize,
    pub deleted: usize,
    pub conflicts: Conflicts,
    pub rejected_indexes: Vec<usize>,
    pub data_set_complete: String,
}

/// `rejectedIndexes` appeared in 2.39.2, 2.40.1 and 2.41.0.
pub fn has_rejected_indexes(version: SimVersion) -> bool {
    version.has_fix(&[(39, 2), (40, 1), (41, 0)])
}

impl ImportOutcome {
    pub fn to_json(&self, version: SimVersion, options: &EchoedOptions) -> Value {
        let mut summary = Map::new();
        summary.insert("responseType".into(), json!("ImportSummary"));
        summary.insert("status".into(), json!(self.status.as_str()));
        summary.insert("importOptions".into(), options.to_json());
        summary.insert("description".into(), json!(self.description));
        summary.insert(
            "importCount".into(),
            json!({ "imported": self.imported, "updated": self.updated,
                    "ignored": self.ignored, "deleted": self.deleted }),
        );
        // 2.30–2.34 disabled WRITE_EMPTY_JSON_ARRAYS: empty lists are omitted.
        let write_empty = version.minor >= 35;
        if write_empty || !self.conflicts.is_empty() {
            summary.insert("conflicts".into(), json!(self.conflicts.to_json(version)));
        }
        if has_rejected_indexes(version) {
            summary.insert("rejectedIndexes".into(), json!(self.rejected_indexes));
        }
        summary.insert("dataSetComplete".into(), json!(self.data_set_complete));
        Value::Object(summary)
    }
}

/// True when the answer is the bare summary with HTTP 200: before 2.38, and on `/api/37/…` and
/// lower until 2.41 (`withPlainResponseBefore(V38)`); 2.42 always answers the WebMessage.
pub fn answers_plain(ctx: &RequestContext) -> bool {
    ctx.version.minor < 38 || (ctx.version.minor < 42 && ctx.effective_api_version() < 38)
}

/// The HTTP answer to a data value import with this summary.
pub fn import_response(ctx: &RequestContext, status: ImportStatus, summary: Value) -> SimResponse {
    if answers_plain(ctx) {
        return SimResponse::json(200, &summary);
    }
    // The android-sdk warning recording carries the ERROR text; DHIS2's source
    // (`WebMessageUtils.importSummary`) says "One more conflicts…" for WARNING: we follow the source.
    let (http_status, code, web_status, message) = match status {
        ImportStatus::Success => ("OK", 200, "OK", "Import was successful."),
        ImportStatus::Warning => (
            "Conflict",
            409,
            "WARNING",
            "One more conflicts encountered, please check import summary.",
        ),
        ImportStatus::Error => (
            "Conflict",
            409,
            "ERROR",
            "An error occurred, please check import summary.",
        ),
    };
    SimResponse::json(
        code,
        &json!({ "httpStatus": http_status, "httpStatusCode": code, "status": web_status,
                 "message": message, "response": summary }),
    )
}

/// A WebMessage without payload, e.g. the 409 of an invalid query; `error_code` is written
/// from 2.40 (use [`coded_web_message`] where the version already wrote it).
pub fn web_message(
    version: SimVersion,
    code: u16,
    message: &str,
    error_code: Option<&str>,
) -> SimResponse {
    coded_web_message(code, message, error_code.filter(|_| version.minor >= 40))
}

/// A WebMessage without payload that carries `errorCode` when one is given.
pub fn coded_web_message(code: u16, message: &str, error_code: Option<&str>) -> SimResponse {
    let reason = match code {
        201 => "Created",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        500 => "Internal Server Error",
        _ => "OK",
    };
    let status = if code < 300 { "OK" } else { "ERROR" };
    let mut body = Map::new();
    body.insert("httpStatus".into(), json!(reason));
    body.insert("httpStatusCode".into(), json!(code));
    body.insert("status".into(), json!(status));
    if let Some(error_code) = error_code {
        body.insert("errorCode".into(), json!(error_code));
    }
    body.insert("message".into(), json!(message));
    SimResponse::json(code, &Value::Object(body))
}
