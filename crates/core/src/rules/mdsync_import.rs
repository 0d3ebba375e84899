//! Rules exported from MDSync (its "builder" format: `SynchronizationRuleData` with the
//! `builder` inline). What maps onto this app is taken over; every other part that carries a
//! setting is reported by name, never guessed.

use serde_json::{Map, Value};

use super::model::{
    DatePeriod, MetadataFilter, MetadataRuleSelection, PickedObject, RuleJob, TextMatch,
    TextPosition,
};
use crate::dhis2::metadata::{AtomicMode, IdScheme, ImportStrategy, MergeMode};
use crate::sync::metadata::{InclusionMode, MetadataSyncOptions};

/// An MDSync rule as this app takes it.
#[derive(Debug, Clone, PartialEq)]
pub struct MdsyncRule {
    pub name: String,
    pub code: String,
    pub description: String,
    pub origin: String,
    pub destinations: Vec<String>,
    pub job: RuleJob,
    pub schedule: Option<String>,
    pub enabled: bool,
    /// Parts of the file with a setting this app does not take over (`builder.syncParams.enableMapping`).
    pub not_imported: Vec<String>,
    /// Ids of an aggregated rule's data items, whose types MDSync does not store (data sets,
    /// groups, data elements, indicators…): the import looks them up on the origin.
    pub untyped_data: Vec<String>,
}

/// Why an MDSync object is not a rule this app can take.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MdsyncImportError {
    #[error("it is not an MDSync rule (no `name` and `builder`)")]
    NotARule,
    #[error(
        "it is an MDSync rule of type \"{kind}\", which rules here do not hold (metadata, \
         aggregated and events rules only)"
    )]
    UnsupportedKind { kind: String },
    #[error("`{field}` is not what MDSync writes there: {reason}")]
    Malformed { field: String, reason: String },
}

/// Whether a JSON object looks like an MDSync rule.
pub fn looks_like_mdsync(value: &Value) -> bool {
    value.get("builder").is_some_and(Value::is_object) && value.get("name").is_some()
}

/// Fields that describe the rule in MDSync's own instance and have no setting to carry over.
const IGNORED: &[&str] = &[
    "id",
    "created",
    "lastUpdated",
    "lastUpdatedBy",
    "user",
    "lastExecuted",
    "lastExecutedBy",
    "lastSuccessfulSync",
    "schedulingFrequencyNeedsUpdate",
    "ondemand",
    "type",
    "name",
    "code",
    "description",
    "builder",
    "targetInstances",
    "enabled",
    "frequency",
];

/// Converts one MDSync rule.
pub fn convert(value: &Value) -> Result<MdsyncRule, MdsyncImportError> {
    let rule = value
        .as_object()
        .filter(|_| looks_like_mdsync(value))
        .ok_or(MdsyncImportError::NotARule)?;
    let kind = text(rule, "type").unwrap_or_else(|| "metadata".into());
    if !["metadata", "aggregated", "events"].contains(&kind.as_str()) {
        return Err(MdsyncImportError::UnsupportedKind { kind });
    }
    let builder = rule
        .get("builder")
        .and_then(Value::as_object)
        .ok_or(MdsyncImportError::NotARule)?;
    let mut not_imported = Vec::new();
    for (key, value) in rule {
        if IGNORED.contains(&key.as_str()) || is_empty(value) {
            continue;
        }
        match key.as_str() {
            "publicAccess" | "userAccesses" | "userGroupAccesses" => {
                if !not_imported
                    .iter()
                    .any(|n: &String| n.starts_with("sharing"))
                {
                    not_imported.push(
                        "sharing (publicAccess, userAccesses, userGroupAccesses): users and groups \
                         of another instance; share the rule again"
                            .into(),
                    );
                }
            }
            "useAggregatedDataExchange" if value == &Value::Bool(false) => {}
            "useAggregatedDataExchangeDhis2Job" if value == &Value::Bool(false) => {}
            other => not_imported.push(other.to_string()),
        }
    }
    let strings = |field: &str| -> Result<Vec<String>, MdsyncImportError> {
        match builder.get(field) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(value) => serde_json::from_value(value.clone()).map_err(|error| {
                MdsyncImportError::Malformed {
                    field: format!("builder.{field}"),
                    reason: error.to_string(),
                }
            }),
        }
    };
    let mut destinations = strings("targetInstances")?;
    if destinations.is_empty() {
        if let Some(top) = rule.get("targetInstances") {
            destinations = serde_json::from_value(top.clone()).unwrap_or_default();
        }
    }
    if kind != "metadata" {
        let (job, untyped_data) =
            super::mdsync_data_import::convert_data(&kind, builder, &strings, &mut not_imported)?;
        return Ok(MdsyncRule {
            name: text(rule, "name").unwrap_or_default(),
            code: text(rule, "code").unwrap_or_default(),
            description: text(rule, "description").unwrap_or_default(),
            origin: origin_of(builder),
            destinations,
            job,
            schedule: text(rule, "frequency").filter(|f| !f.trim().is_empty()),
            enabled: enabled_of(rule),
            not_imported,
            untyped_data,
        });
    }
    let params = builder
        .get("syncParams")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let mut selection = MetadataRuleSelection {
        objects: strings("metadataIds")?
            .into_iter()
            .map(|id| PickedObject {
                id,
                plural: None,
                name: String::new(),
            })
            .collect(),
        excluded_ids: strings("excludedIds")?,
        types: strings("metadataTypes")?,
        ..MetadataRuleSelection::default()
    };
    if let Some(all) = params.get("metadataModelsSyncAll") {
        selection.all_of_types = serde_json::from_value(all.clone()).unwrap_or_default();
    }
    if let Some(filters) = builder.get("filterRules").and_then(Value::as_array) {
        for (index, filter) in filters.iter().enumerate() {
            selection
                .filters
                .push(
                    convert_filter(filter).map_err(|reason| MdsyncImportError::Malformed {
                        field: format!("builder.filterRules[{index}]"),
                        reason,
                    })?,
                );
        }
    }
    for (key, value) in builder {
        let known = [
            "originInstance",
            "targetInstances",
            "metadataIds",
            "excludedIds",
            "metadataTypes",
            "filterRules",
            "syncParams",
            "syncRule",
        ];
        let empty_data_params = key == "dataParams" && value.as_object().is_none_or(Map::is_empty);
        if !known.contains(&key.as_str()) && !empty_data_params && !is_empty(value) {
            not_imported.push(format!("builder.{key}"));
        }
    }
    let options = convert_options(&params, &mut not_imported);
    Ok(MdsyncRule {
        name: text(rule, "name").unwrap_or_default(),
        code: text(rule, "code").unwrap_or_default(),
        description: text(rule, "description").unwrap_or_default(),
        origin: origin_of(builder),
        destinations,
        job: RuleJob::Metadata { selection, options },
        schedule: text(rule, "frequency").filter(|f| !f.trim().is_empty()),
        enabled: enabled_of(rule),
        not_imported,
        untyped_data: Vec::new(),
    })
}

fn origin_of(builder: &Map<String, Value>) -> String {
    builder
        .get("originInstance")
        .and_then(Value::as_str)
        .unwrap_or(crate::model::LOCAL_INSTANCE_ID)
        .to_string()
}

fn enabled_of(rule: &Map<String, Value>) -> bool {
    rule.get("enabled")
        .and_then(Value::as_bool)
        .unwrap_or(false)
}

pub(super) fn text(object: &Map<String, Value>, field: &str) -> Option<String> {
    object
        .get(field)
        .and_then(Value::as_str)
        .map(str::to_string)
}

pub(super) fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        _ => false,
    }
}

/// The three-way switches: objects and references, references only, or removed.
fn inclusion(params: &Map<String, Value>, objects: &str, only_references: &str) -> InclusionMode {
    let flag = |field: &str| params.get(field).and_then(Value::as_bool).unwrap_or(false);
    if flag(objects) {
        InclusionMode::ObjectsAndReferences
    } else if flag(only_references) {
        InclusionMode::ReferencesOnly
    } else {
        InclusionMode::Remove
    }
}

fn convert_options(
    params: &Map<String, Value>,
    not_imported: &mut Vec<String>,
) -> MetadataSyncOptions {
    let mut options = MetadataSyncOptions::default();
    if params.is_empty() {
        return options;
    }
    options.sharing = inclusion(
        params,
        "includeSharingSettingsObjectsAndReferences",
        "includeOnlySharingSettingsReferences",
    );
    options.users = inclusion(
        params,
        "includeUsersObjectsAndReferences",
        "includeOnlyUsersReferences",
    );
    options.org_units = inclusion(
        params,
        "includeOrgUnitsObjectsAndReferences",
        "includeOnlyOrgUnitsReferences",
    );
    let flag = |field: &str| params.get(field).and_then(Value::as_bool);
    if let Some(remove) = flag("removeDefaultCategoryObjects") {
        options.remove_default_category_objects = remove;
    }
    let word = |field: &str| {
        params
            .get(field)
            .and_then(Value::as_str)
            .unwrap_or_default()
    };
    options.import.strategy = match word("importStrategy") {
        "CREATE" => ImportStrategy::Create,
        "UPDATE" => ImportStrategy::Update,
        _ => ImportStrategy::CreateAndUpdate,
    };
    options.import.dry_run = word("importMode") == "VALIDATE";
    options.import.atomic = match word("atomicMode") {
        "NONE" => AtomicMode::None,
        _ => AtomicMode::All,
    };
    options.import.merge_mode = match word("mergeMode") {
        "MERGE" => MergeMode::Merge,
        _ => MergeMode::Replace,
    };
    options.import.identifier = match word("identifier") {
        "CODE" => IdScheme::Code,
        _ => IdScheme::Uid,
    };
    options.import.skip_sharing = flag("skipSharing").unwrap_or(false);
    if flag("useDefaultIncludeExclude") == Some(false)
        && params
            .get("metadataIncludeExcludeRules")
            .is_some_and(|rules| !is_empty(rules))
    {
        not_imported.push(
            "builder.syncParams.metadataIncludeExcludeRules (custom dependency rules: the \
             defaults apply; review them in the editor)"
                .into(),
        );
    }
    for (field, default) in [
        ("enableMapping", Value::Bool(false)),
        ("removeUserNonEssentialObjects", Value::Bool(false)),
        ("skipValidation", Value::Bool(false)),
    ] {
        if params.get(field).is_some_and(|value| *value != default) {
            not_imported.push(format!("builder.syncParams.{field}"));
        }
    }
    for field in ["flushMode", "preheatMode", "userOverrideMode", "username"] {
        if params.get(field).is_some_and(|value| !is_empty(value)) {
            not_imported.push(format!("builder.syncParams.{field}"));
        }
    }
    options
}

fn convert_filter(filter: &Value) -> Result<MetadataFilter, String> {
    let metadata_type = filter
        .get("metadataType")
        .and_then(Value::as_str)
        .ok_or("it has no metadataType")?
        .to_string();
    let period = |field: &str| -> Result<DatePeriod, String> {
        match filter.get(field) {
            None | Some(Value::Null) => Ok(DatePeriod::All),
            Some(value) => {
                serde_json::from_value(value.clone()).map_err(|error| format!("{field}: {error}"))
            }
        }
    };
    let text = filter.get("stringMatch").and_then(|m| {
        let value = m.get("value")?.as_str()?.trim().to_string();
        let position = match m.get("where")?.as_str()? {
            "startsWith" => TextPosition::StartsWith,
            "endsWith" => TextPosition::EndsWith,
            _ => TextPosition::Contains,
        };
        (!value.is_empty()).then_some(TextMatch { position, value })
    });
    Ok(MetadataFilter {
        metadata_type,
        text,
        created: period("created")?,
        last_updated: period("lastUpdated")?,
    })
}
