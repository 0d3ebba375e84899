//! Per-object checks of a metadata import: existence against the strategy (E5000/E5001),
//! required properties (E4000), unique properties (E5003) and references (E5002).

use super::super::defaults::DEFAULT_CATEGORY_COMBO;
use super::super::schema::{Catalog, Property, Schema};
use super::super::MetadataStore;
use crate::SimVersion;
use serde_json::{json, Map, Value};
use std::collections::{HashMap, HashSet};

/// One object of the payload on its way in.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub plural: String,
    pub index: usize,
    pub object: Map<String, Value>,
    pub exists: bool,
    pub errors: Vec<Value>,
}

impl Candidate {
    pub fn id(&self) -> &str {
        self.object
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or_default()
    }

    pub fn name(&self) -> Option<&str> {
        self.object
            .get("name")
            .and_then(Value::as_str)
            .filter(|n| !n.is_empty())
    }
}

/// `ANC 1st visit [fbfJHSPpUQD] (DataElement)` as `IdentifiableObjectUtils.getDisplayName`.
pub fn display(name: Option<&str>, id: &str, short_klass: &str) -> String {
    match name {
        Some(name) => format!("{name} [{id}] ({short_klass})"),
        None => format!("[{id}] ({short_klass})"),
    }
}

pub struct ErrorSpec<'a> {
    pub code: &'a str,
    pub message: String,
    pub main_klass: &'a str,
    pub main_id: &'a str,
    pub error_klass: &'a str,
    pub error_property: Option<&'a str>,
    pub args: Vec<String>,
}

/// An `ErrorCode` text as the version writes it: until 2.38 most texts end with a full stop,
/// which 2.39 dropped ("Clean up error code values").
pub fn dotted(version: SimVersion, text: String) -> String {
    if version.at_least(39, 0) {
        text
    } else {
        text + "."
    }
}

/// An `ErrorReport`; an empty `main_id` or `error_klass` is left out, as DHIS2 leaves out
/// what the report was not given.
pub fn error_report(version: SimVersion, spec: ErrorSpec) -> Value {
    let mut out = Map::new();
    out.insert("message".into(), json!(spec.message));
    out.insert("mainKlass".into(), json!(spec.main_klass));
    if !spec.main_id.is_empty() {
        out.insert("mainId".into(), json!(spec.main_id));
    }
    if !spec.error_klass.is_empty() {
        out.insert("errorKlass".into(), json!(spec.error_klass));
    }
    if let Some(property) = spec.error_property {
        out.insert("errorProperty".into(), json!(property));
    }
    // DHIS2's published JSON Schema of 2.35 already lists `errorProperties` (§1.4 says 2.36).
    if version.at_least(35, 0) {
        out.insert("errorProperties".into(), json!(spec.args));
    }
    out.insert("errorCode".into(), json!(spec.code));
    if version.at_least(41, 0) {
        out.insert("args".into(), json!(spec.args));
    }
    Value::Object(out)
}

/// What the payload brings, by class: ids, and code → id.
#[derive(Default)]
pub struct PayloadIndex {
    pub ids: HashMap<String, HashSet<String>>,
    pub codes: HashMap<(String, String), String>,
}

/// Fills values DHIS2 objects get when the payload leaves them out.
pub fn apply_defaults(schema: &Schema, object: &mut Map<String, Value>) {
    let mut default = |key: &str, value: Value| {
        if schema.property(key).is_some() && object.get(key).is_none_or(Value::is_null) {
            object.insert(key.to_string(), value);
        }
    };
    match schema.singular.as_str() {
        "dataElement" | "dataSet" | "program" | "categoryOptionCombo" => {
            default("categoryCombo", json!({ "id": DEFAULT_CATEGORY_COMBO }))
        }
        _ => {}
    }
    default("domainType", json!("AGGREGATE"));
    default("dataDimensionType", json!("DISAGGREGATION"));
    let aggregation = if schema.singular == "dataElement" {
        "SUM"
    } else {
        "NONE"
    };
    default("aggregationType", json!(aggregation));
}

pub struct Checker<'a> {
    pub store: &'a MetadataStore,
    pub catalog: &'a Catalog,
    pub index: &'a PayloadIndex,
    pub version: SimVersion,
    /// (plural, property, value) → id of the first payload object holding it.
    pub payload_unique: HashMap<(String, String, String), String>,
    /// (plural, property, value) → (id, name) of the stored object holding it.
    pub store_unique: HashMap<(String, String, String), (String, Option<String>)>,
}

const UNCHECKED_REFERENCES: &[&str] = &["user", "createdBy", "lastUpdatedBy", "userInfo"];

impl Checker<'_> {
    pub fn required(&self, schema: &Schema, candidate: &mut Candidate) {
        if !crate::uid::is_valid_uid(candidate.id()) {
            let id = candidate.id().to_string();
            let report = error_report(
                self.version,
                ErrorSpec {
                    code: "E4014",
                    message: format!("Invalid UID `{id}` for property `{}`", schema.singular),
                    main_klass: &schema.klass,
                    main_id: &id,
                    error_klass: &schema.klass,
                    error_property: Some("id"),
                    args: vec![id.clone(), schema.singular.clone()],
                },
            );
            candidate.errors.push(report);
        }
        for property in schema.properties.iter().filter(|p| p.required && p.owner) {
            let missing = match candidate.object.get(&property.name) {
                None | Some(Value::Null) => true,
                Some(Value::String(text)) => text.is_empty(),
                _ => false,
            };
            if missing {
                let report = error_report(
                    self.version,
                    ErrorSpec {
                        code: "E4000",
                        message: dotted(
                            self.version,
                            format!("Missing required property `{}`", property.name),
                        ),
                        main_klass: &schema.klass,
                        main_id: candidate.id(),
                        error_klass: &property.klass,
                        error_property: Some(&property.name),
                        args: vec![property.name.clone()],
                    },
                );
                candidate.errors.push(report);
            }
        }
    }

    pub fn unique(&self, schema: &Schema, candidate: &mut Candidate) {
        for property in unique_properties(schema) {
            let Some(value) = unique_value(&candidate.object, &property.name) else {
                continue;
            };
            let key = (schema.plural.clone(), property.name.clone(), value.clone());
            let other_in_payload = self
                .payload_unique
                .get(&key)
                .filter(|id| id.as_str() != candidate.id())
                .cloned();
            let other = other_in_payload.map(|id| (id, None)).or_else(|| {
                self.store_unique
                    .get(&key)
                    .filter(|(id, _)| id.as_str() != candidate.id())
                    .cloned()
            });
            if let Some((other_id, other_name)) = other {
                let short = schema.short_klass();
                let args = vec![
                    property.name.clone(),
                    value.clone(),
                    display(candidate.name(), candidate.id(), short),
                    display(other_name.as_deref(), &other_id, short),
                ];
                let report = error_report(
                    self.version,
                    ErrorSpec {
                        code: "E5003",
                        message: format!(
                        "Property `{}` with value `{}` on object {} already exists on object {}.",
                        args[0], args[1], args[2], args[3]
                    ),
                        main_klass: &schema.klass,
                        main_id: candidate.id(),
                        error_klass: &schema.klass,
                        error_property: Some(&property.name),
                        args,
                    },
                );
                candidate.errors.push(report);
            }
        }
    }

    /// Checks every owned reference, also inside embedded objects; with `by_code`, references
    /// given as `{code}` are turned into `{id}` first.
    pub fn references(&self, schema: &Schema, candidate: &mut Candidate, by_code: bool) {
        let main_display = display(candidate.name(), candidate.id(), schema.short_klass());
        let main_id = candidate.id().to_string();
        let mut errors = Vec::new();
        let mut object = std::mem::take(&mut candidate.object);
        self.walk(
            schema,
            &mut object,
            by_code,
            &mut |property, target, missing| {
                let target_short = target.rsplit('.').next().unwrap_or(target);
                let args = vec![
                    format!("[{missing}] ({target_short})"),
                    main_display.clone(),
                    property.name.clone(),
                ];
                errors.push(error_report(
                    self.version,
                    ErrorSpec {
                        code: "E5002",
                        message: format!(
                            "Invalid reference {} on object {} for association `{}`.",
                            args[0], args[1], args[2]
                        ),
                        main_klass: &schema.klass,
                        main_id: &main_id,
                        error_klass: target,
                        error_property: Some(&property.name),
                        args,
                    },
                ));
            },
        );
        candidate.object = object;
        candidate.errors.extend(errors);
    }

    fn walk(
        &self,
        schema: &Schema,
        object: &mut Map<String, Value>,
        by_code: bool,
        report: &mut dyn FnMut(&Property, &str, &str),
    ) {
        for property in schema.properties.iter().filter(|p| p.owner) {
            let Some(value) = object.get_mut(&property.name) else {
                continue;
            };
            let target = property
                .reference_klass()
                .and_then(|k| self.catalog.by_klass(k));
            if property.embedded_object {
                let Some(item_schema) = target else { continue };
                let items: Vec<&mut Value> = match value {
                    Value::Array(items) => items.iter_mut().collect(),
                    other => vec![other],
                };
                for item in items {
                    if let Value::Object(map) = item {
                        self.walk(item_schema, map, by_code, report);
                    }
                }
                continue;
            }
            if !property.identifiable_reference
                || UNCHECKED_REFERENCES.contains(&property.name.as_str())
            {
                continue;
            }
            let Some(target) = target.filter(|t| t.metadata) else {
                continue;
            };
            let items: Vec<&mut Value> = match value {
                Value::Array(items) => items.iter_mut().collect(),
                Value::Null => Vec::new(),
                other => vec![other],
            };
            for item in items {
                if let Some(missing) = self.resolve_reference(target, item, by_code) {
                    report(property, &target.klass, &missing);
                }
            }
        }
    }

    /// `None` when the reference points at an object of the payload or the store.
    fn resolve_reference(
        &self,
        target: &Schema,
        item: &mut Value,
        by_code: bool,
    ) -> Option<String> {
        let id = item.get("id").and_then(Value::as_str).map(str::to_string);
        let code = item.get("code").and_then(Value::as_str).map(str::to_string);
        if let Some(id) = &id {
            let known = self
                .index
                .ids
                .get(&target.klass)
                .is_some_and(|ids| ids.contains(id))
                || self.store.get(&target.plural, id).is_some();
            if known {
                return None;
            }
            if !by_code {
                return Some(id.clone());
            }
        }
        let Some(code) = code.filter(|_| by_code) else {
            return Some(id.unwrap_or_else(|| "null".into()));
        };
        let found = self
            .index
            .codes
            .get(&(target.klass.clone(), code.clone()))
            .cloned()
            .or_else(|| {
                self.store
                    .find_by_code(&target.plural, &code)
                    .and_then(|o| o.get("id").and_then(Value::as_str))
                    .map(str::to_string)
            });
        match found {
            Some(found) => {
                *item = json!({ "id": found });
                None
            }
            None => Some(code),
        }
    }
}

pub fn unique_properties(schema: &Schema) -> impl Iterator<Item = &Property> {
    schema
        .properties
        .iter()
        .filter(|p| p.unique && p.persisted && p.name != "id")
}

pub fn unique_value(object: &Map<String, Value>, name: &str) -> Option<String> {
    object
        .get(name)
        .and_then(text)
        .filter(|value| !value.is_empty())
}

fn text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}
