//! Checks tracker objects (in the store's new form) against metadata, with the new importer's
//! error codes; the old API turns the same findings into its own conflicts.

use crate::data_values::meta::uid_of;
use crate::data_values::validate::check_value;
use crate::metadata::MetadataStore;
use serde_json::Value;

/// One validation finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrackerError {
    pub code: &'static str,
    pub message: String,
    /// `TRACKED_ENTITY`, `ENROLLMENT`, `EVENT` or `RELATIONSHIP`.
    pub tracker_type: &'static str,
    pub uid: String,
    /// What the old API reports: (conflict object, conflict value) or a description.
    pub old: OldFinding,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OldFinding {
    Description(String),
    Conflict(String, String),
}

fn text<'v>(object: &'v Value, key: &str) -> Option<&'v str> {
    object
        .get(key)
        .and_then(Value::as_str)
        .filter(|t| !t.is_empty())
}

fn error(
    code: &'static str,
    message: String,
    tracker_type: &'static str,
    uid: &str,
    old: OldFinding,
) -> TrackerError {
    TrackerError {
        code,
        message,
        tracker_type,
        uid: uid.to_string(),
        old,
    }
}

/// The option codes of an option set.
fn option_codes(metadata: &MetadataStore, set_uid: &str) -> Vec<String> {
    let Some(set) = metadata.get("optionSets", set_uid) else {
        return Vec::new();
    };
    set.get("options")
        .and_then(Value::as_array)
        .map(|options| {
            options
                .iter()
                .filter_map(|option| {
                    let inline = option
                        .get("code")
                        .and_then(Value::as_str)
                        .map(str::to_string);
                    inline.or_else(|| {
                        let stored = metadata.get("options", &uid_of(option)?)?;
                        stored
                            .get("code")
                            .and_then(Value::as_str)
                            .map(str::to_string)
                    })
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Checks a value of a data element or attribute (`plural`) in `owner`.
fn check_typed_value(
    metadata: &MetadataStore,
    definition: &Value,
    value: &str,
    tracker_type: &'static str,
    owner: &str,
    kind_name: &str,
) -> Option<TrackerError> {
    let id = text(definition, "id").unwrap_or("");
    let value_type = text(definition, "valueType").unwrap_or("TEXT");
    if let Some(set) = definition.get("optionSet").and_then(uid_of) {
        let codes = option_codes(metadata, &set);
        if !codes.is_empty() && !codes.iter().any(|code| code == value) {
            return Some(error(
                "E1125",
                format!("Value `{value}` is not a valid option for {kind_name} `{id}` in option set `{set}`"),
                tracker_type,
                owner,
                OldFinding::Conflict(id.to_string(), format!("Value '{value}' is not a valid option code of option set: {set}")),
            ));
        }
        return None;
    }
    let problem = check_value(value, value_type)?;
    let code = if kind_name == "DataElement" {
        "E1302"
    } else {
        "E1007"
    };
    let message = if kind_name == "DataElement" {
        format!("DataElement `{id}` value is not valid: `{}`", problem.key)
    } else {
        format!(
            "Error validating attribute value type: `{id}`; Error: `{}`.",
            problem.key
        )
    };
    Some(error(
        code,
        message,
        tracker_type,
        owner,
        OldFinding::Conflict(id.to_string(), problem.key.to_string()),
    ))
}

/// Checks one event; `enrollment_known` tells whether its enrollment exists (store or payload).
pub fn check_event(
    metadata: &MetadataStore,
    event: &Value,
    enrollment_known: bool,
) -> Vec<TrackerError> {
    let uid = text(event, "event").unwrap_or("");
    let mut errors = Vec::new();
    let program_id = text(event, "program").unwrap_or("");
    let Some(program) = metadata.get("programs", program_id) else {
        errors.push(error(
            "E1010",
            format!("Could not find Program: `{program_id}`, linked to Event."),
            "EVENT",
            uid,
            OldFinding::Description(format!(
                "Event.program does not point to a valid program: {program_id}"
            )),
        ));
        return errors;
    };
    let stage_id = text(event, "programStage").unwrap_or("");
    if metadata.get("programStages", stage_id).is_none() {
        errors.push(error(
            "E1013",
            format!("Could not find ProgramStage: `{stage_id}`, linked to Event."),
            "EVENT",
            uid,
            OldFinding::Description(format!(
                "Event.programStage does not point to a valid programStage: {stage_id}"
            )),
        ));
    }
    let unit = text(event, "orgUnit").unwrap_or("");
    if metadata.get("organisationUnits", unit).is_none() {
        errors.push(error(
            "E1011",
            format!("Could not find OrganisationUnit: `{unit}`, linked to Event."),
            "EVENT",
            uid,
            OldFinding::Description(format!(
                "Event.orgUnit does not point to a valid organisation unit: {unit}"
            )),
        ));
        return errors;
    }
    let assigned: Vec<String> = program
        .get("organisationUnits")
        .and_then(Value::as_array)
        .map(|units| units.iter().filter_map(uid_of).collect())
        .unwrap_or_default();
    if !assigned.is_empty() && !assigned.iter().any(|id| id == unit) {
        errors.push(error(
            "E1029",
            format!("Event OrganisationUnit: `{unit}`, and Program: `{program_id}`, dont match."),
            "EVENT",
            uid,
            OldFinding::Description(format!(
                "Program is not assigned to this Organisation Unit: {unit}"
            )),
        ));
    }
    let with_registration = text(program, "programType") == Some("WITH_REGISTRATION");
    if with_registration && text(event, "enrollment").is_none() && !enrollment_known {
        errors.push(error(
            "E1033",
            format!("Event: `{uid}`, Enrollment value is NULL."),
            "EVENT",
            uid,
            OldFinding::Description(format!(
                "Event.enrollment is not set for program {program_id}"
            )),
        ));
    }
    let status = text(event, "status").unwrap_or("ACTIVE");
    if text(event, "occurredAt").is_none() && !matches!(status, "SCHEDULE" | "SKIPPED") {
        errors.push(error(
            "E1031",
            "Event OccurredAt date is missing.".to_string(),
            "EVENT",
            uid,
            OldFinding::Description("Event date is required.".to_string()),
        ));
    }
    for data_value in event
        .get("dataValues")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let element_id = text(data_value, "dataElement").unwrap_or("");
        let Some(element) = metadata.get("dataElements", element_id) else {
            errors.push(error(
                "E1304",
                format!("Could not find DataElement: `{element_id}`, linked to DataValue."),
                "EVENT",
                uid,
                OldFinding::Conflict(
                    "dataElement".to_string(),
                    format!("{element_id} is not a valid data element"),
                ),
            ));
            continue;
        };
        let Some(value) = data_value
            .get("value")
            .and_then(Value::as_str)
            .filter(|v| !v.is_empty())
        else {
            continue;
        };
        errors.extend(check_typed_value(
            metadata,
            element,
            value,
            "EVENT",
            uid,
            "DataElement",
        ));
    }
    errors
}

/// Checks one enrollment; `tracked_entity_known` tells whether its tracked entity exists.
pub fn check_enrollment(
    metadata: &MetadataStore,
    enrollment: &Value,
    tracked_entity_known: bool,
) -> Vec<TrackerError> {
    let uid = text(enrollment, "enrollment").unwrap_or("");
    let mut errors = Vec::new();
    let program_id = text(enrollment, "program").unwrap_or("");
    if metadata.get("programs", program_id).is_none() {
        errors.push(error(
            "E1069",
            format!("Could not find Program: `{program_id}`, linked to Enrollment."),
            "ENROLLMENT",
            uid,
            OldFinding::Description(format!(
                "Program '{program_id}' for enrollment was not found."
            )),
        ));
    }
    let unit = text(enrollment, "orgUnit").unwrap_or("");
    if metadata.get("organisationUnits", unit).is_none() {
        errors.push(error(
            "E1070",
            format!("Could not find OrganisationUnit: `{unit}`, linked to Enrollment."),
            "ENROLLMENT",
            uid,
            OldFinding::Description(format!("Org unit '{unit}' for enrollment was not found.")),
        ));
    }
    if !tracked_entity_known {
        let owner = text(enrollment, "trackedEntity").unwrap_or("");
        errors.push(error(
            "E1068",
            format!("Could not find TrackedEntity: `{owner}`, linked to Enrollment."),
            "ENROLLMENT",
            uid,
            OldFinding::Description(format!("Invalid trackedEntityInstance {owner}")),
        ));
    }
    errors
}

/// Checks one tracked entity and its attribute values.
pub fn check_tracked_entity(metadata: &MetadataStore, entity: &Value) -> Vec<TrackerError> {
    let uid = text(entity, "trackedEntity").unwrap_or("");
    let mut errors = Vec::new();
    let type_id = text(entity, "trackedEntityType").unwrap_or("");
    if metadata.get("trackedEntityTypes", type_id).is_none() {
        errors.push(error(
            "E1005",
            format!("Could not find TrackedEntityType: `{type_id}`."),
            "TRACKED_ENTITY",
            uid,
            OldFinding::Conflict(
                "TrackedEntityInstance.trackedEntityType".to_string(),
                format!("Invalid trackedEntityType {type_id}"),
            ),
        ));
    }
    let unit = text(entity, "orgUnit").unwrap_or("");
    if metadata.get("organisationUnits", unit).is_none() {
        errors.push(error(
            "E1049",
            format!("Could not find OrganisationUnit: `{unit}`, linked to Tracked Entity."),
            "TRACKED_ENTITY",
            uid,
            OldFinding::Conflict(
                "TrackedEntityInstance.orgUnit".to_string(),
                format!("Invalid org unit ID: {unit}"),
            ),
        ));
    }
    for attribute in entity
        .get("attributes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let id = text(attribute, "attribute").unwrap_or("");
        let Some(definition) = metadata.get("trackedEntityAttributes", id) else {
            errors.push(error(
                "E1006",
                format!("Attribute: `{id}`, does not exist."),
                "TRACKED_ENTITY",
                uid,
                OldFinding::Conflict(
                    "Attribute.attribute".to_string(),
                    format!("Invalid attribute {id}"),
                ),
            ));
            continue;
        };
        let Some(value) = attribute
            .get("value")
            .and_then(Value::as_str)
            .filter(|v| !v.is_empty())
        else {
            continue;
        };
        errors.extend(check_typed_value(
            metadata,
            definition,
            value,
            "TRACKED_ENTITY",
            uid,
            "TrackedEntityAttribute",
        ));
    }
    errors
}
