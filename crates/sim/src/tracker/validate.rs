//! Checks tracker objects (in the store's new form) against metadata, with the new importer's
//! error codes; the old API turns the same findings into its own conflicts.

use crate::data_values::import::option_codes;
use crate::data_values::meta::uid_of;
use crate::data_values::validate::check_value;
use crate::metadata::MetadataStore;
use crate::SimVersion;
use serde_json::Value;

/// An identifiable object as a new-importer message names it: its UID, and until 2.37 its
/// class too (`TrackerIdentifier.getIdAndName`: "OrganisationUnit (ABJTilhqOCW)", as recorded
/// in `imports/tracker-importer/event-conflict-new.json`); 2.38's `TrackerIdSchemeParam`
/// writes the identifier alone.
pub fn object_arg(version: SimVersion, class: &str, uid: &str) -> String {
    if version.minor <= 37 {
        format!("{class} ({uid})")
    } else {
        uid.to_string()
    }
}

/// The UIDs of the org units a program is assigned to.
fn assigned_units(program: &Value) -> Vec<String> {
    program
        .get("organisationUnits")
        .and_then(Value::as_array)
        .map(|units| units.iter().filter_map(uid_of).collect())
        .unwrap_or_default()
}

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

/// The findings about one tracker object; each check names only its code and messages.
struct Findings<'a> {
    tracker_type: &'static str,
    uid: &'a str,
    errors: Vec<TrackerError>,
}

impl<'a> Findings<'a> {
    fn new(tracker_type: &'static str, uid: &'a str) -> Self {
        Findings {
            tracker_type,
            uid,
            errors: Vec::new(),
        }
    }

    fn push(&mut self, code: &'static str, message: String, old: OldFinding) {
        self.errors.push(TrackerError {
            code,
            message,
            tracker_type: self.tracker_type,
            uid: self.uid.to_string(),
            old,
        });
    }
}

/// A list of typed values inside a tracker object: where it sits, what each entry points to,
/// and the finding when that definition does not exist.
struct ValueList {
    list_key: &'static str,
    reference_key: &'static str,
    collection: &'static str,
    kind_name: &'static str,
    missing: fn(&str) -> (&'static str, String, OldFinding),
}

const EVENT_DATA_VALUES: ValueList = ValueList {
    list_key: "dataValues",
    reference_key: "dataElement",
    collection: "dataElements",
    kind_name: "DataElement",
    missing: |element_id| {
        (
            "E1304",
            format!("Could not find DataElement: `{element_id}`, linked to DataValue."),
            OldFinding::Conflict(
                "dataElement".to_string(),
                format!("{element_id} is not a valid data element"),
            ),
        )
    },
};

const ENTITY_ATTRIBUTES: ValueList = ValueList {
    list_key: "attributes",
    reference_key: "attribute",
    collection: "trackedEntityAttributes",
    kind_name: "TrackedEntityAttribute",
    missing: |id| {
        (
            "E1006",
            format!("Attribute: `{id}`, does not exist."),
            OldFinding::Conflict(
                "Attribute.attribute".to_string(),
                format!("Invalid attribute {id}"),
            ),
        )
    },
};

/// Checks a value of a data element or attribute (`kind_name`) against its definition.
fn check_typed_value(
    metadata: &MetadataStore,
    definition: &Value,
    value: &str,
    kind_name: &str,
    findings: &mut Findings,
) {
    let id = text(definition, "id").unwrap_or("");
    let value_type = text(definition, "valueType").unwrap_or("TEXT");
    if let Some(set) = definition.get("optionSet").and_then(uid_of) {
        let codes = option_codes(metadata, &set);
        if !codes.is_empty() && !codes.iter().any(|code| code == value) {
            findings.push(
                "E1125",
                format!("Value `{value}` is not a valid option for {kind_name} `{id}` in option set `{set}`"),
                OldFinding::Conflict(id.to_string(), format!("Value '{value}' is not a valid option code of option set: {set}")),
            );
        }
        return;
    }
    let Some(problem) = check_value(value, value_type) else {
        return;
    };
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
    findings.push(
        code,
        message,
        OldFinding::Conflict(id.to_string(), problem.key.to_string()),
    );
}

/// Checks every entry of `list` in `object`: its definition must exist, and a non-empty value
/// must fit that definition.
fn check_value_list(
    metadata: &MetadataStore,
    object: &Value,
    list: &ValueList,
    findings: &mut Findings,
) {
    for entry in object
        .get(list.list_key)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let id = text(entry, list.reference_key).unwrap_or("");
        let Some(definition) = metadata.get(list.collection, id) else {
            let (code, message, old) = (list.missing)(id);
            findings.push(code, message, old);
            continue;
        };
        if let Some(value) = text(entry, "value") {
            check_typed_value(metadata, definition, value, list.kind_name, findings);
        }
    }
}

/// Checks one event; `enrollment_known` tells whether its enrollment exists (store or payload).
pub fn check_event(
    metadata: &MetadataStore,
    version: SimVersion,
    event: &Value,
    enrollment_known: bool,
) -> Vec<TrackerError> {
    let uid = text(event, "event").unwrap_or("");
    let mut findings = Findings::new("EVENT", uid);
    let program_id = text(event, "program").unwrap_or("");
    let Some(program) = metadata.get("programs", program_id) else {
        findings.push(
            "E1010",
            format!("Could not find Program: `{program_id}`, linked to Event."),
            OldFinding::Description(format!(
                "Event.program does not point to a valid program: {program_id}"
            )),
        );
        return findings.errors;
    };
    let stage_id = text(event, "programStage").unwrap_or("");
    if metadata.get("programStages", stage_id).is_none() {
        findings.push(
            "E1013",
            format!("Could not find ProgramStage: `{stage_id}`, linked to Event."),
            OldFinding::Description(format!(
                "Event.programStage does not point to a valid programStage: {stage_id}"
            )),
        );
    }
    let unit = text(event, "orgUnit").unwrap_or("");
    if metadata.get("organisationUnits", unit).is_none() {
        findings.push(
            "E1011",
            format!("Could not find OrganisationUnit: `{unit}`, linked to Event."),
            OldFinding::Description(format!(
                "Event.orgUnit does not point to a valid organisation unit: {unit}"
            )),
        );
        return findings.errors;
    }
    let assigned = assigned_units(program);
    if !assigned.is_empty() && !assigned.iter().any(|id| id == unit) {
        // "don't" in `ValidationCode`; `MessageFormat` drops the apostrophe.
        findings.push(
            "E1029",
            format!(
                "Event OrganisationUnit: `{}`, and Program: `{}`, dont match.",
                object_arg(version, "OrganisationUnit", unit),
                object_arg(version, "Program", program_id)
            ),
            OldFinding::Description(format!(
                "Program is not assigned to this Organisation Unit: {unit}"
            )),
        );
    }
    let with_registration = text(program, "programType") == Some("WITH_REGISTRATION");
    if with_registration && text(event, "enrollment").is_none() && !enrollment_known {
        findings.push(
            "E1033",
            format!("Event: `{uid}`, Enrollment value is NULL."),
            OldFinding::Description(format!(
                "Event.enrollment is not set for program {program_id}"
            )),
        );
    }
    let status = text(event, "status").unwrap_or("ACTIVE");
    if text(event, "occurredAt").is_none() && !matches!(status, "SCHEDULE" | "SKIPPED") {
        findings.push(
            "E1031",
            "Event OccurredAt date is missing.".to_string(),
            OldFinding::Description("Event date is required.".to_string()),
        );
    }
    check_value_list(metadata, event, &EVENT_DATA_VALUES, &mut findings);
    findings.errors
}

/// Checks one enrollment; `tracked_entity_known` tells whether its tracked entity exists.
pub fn check_enrollment(
    metadata: &MetadataStore,
    version: SimVersion,
    enrollment: &Value,
    tracked_entity_known: bool,
) -> Vec<TrackerError> {
    let uid = text(enrollment, "enrollment").unwrap_or("");
    let mut findings = Findings::new("ENROLLMENT", uid);
    let program_id = text(enrollment, "program").unwrap_or("");
    let program = metadata.get("programs", program_id);
    if program.is_none() {
        findings.push(
            "E1069",
            format!("Could not find Program: `{program_id}`, linked to Enrollment."),
            OldFinding::Description(format!(
                "Program '{program_id}' for enrollment was not found."
            )),
        );
    }
    let unit = text(enrollment, "orgUnit").unwrap_or("");
    if metadata.get("organisationUnits", unit).is_none() {
        findings.push(
            "E1070",
            format!("Could not find OrganisationUnit: `{unit}`, linked to Enrollment."),
            OldFinding::Description(format!("Org unit '{unit}' for enrollment was not found.")),
        );
    } else if let Some(program) = program {
        let assigned = assigned_units(program);
        if !assigned.is_empty() && !assigned.iter().any(|id| id == unit) {
            findings.push(
                "E1041",
                format!(
                    "Enrollment OrganisationUnit: `{}`, and Program: `{}`, dont match.",
                    object_arg(version, "OrganisationUnit", unit),
                    object_arg(version, "Program", program_id)
                ),
                OldFinding::Description(format!(
                    "Program is not assigned to this organisation unit: {unit}"
                )),
            );
        }
    }
    if !tracked_entity_known {
        let owner = text(enrollment, "trackedEntity").unwrap_or("");
        findings.push(
            "E1068",
            format!("Could not find TrackedEntity: `{owner}`, linked to Enrollment."),
            OldFinding::Description(format!("Invalid trackedEntityInstance {owner}")),
        );
    }
    findings.errors
}

/// Checks one tracked entity and its attribute values.
pub fn check_tracked_entity(metadata: &MetadataStore, entity: &Value) -> Vec<TrackerError> {
    let uid = text(entity, "trackedEntity").unwrap_or("");
    let mut findings = Findings::new("TRACKED_ENTITY", uid);
    let type_id = text(entity, "trackedEntityType").unwrap_or("");
    if metadata.get("trackedEntityTypes", type_id).is_none() {
        findings.push(
            "E1005",
            format!("Could not find TrackedEntityType: `{type_id}`."),
            OldFinding::Conflict(
                "TrackedEntityInstance.trackedEntityType".to_string(),
                format!("Invalid trackedEntityType {type_id}"),
            ),
        );
    }
    let unit = text(entity, "orgUnit").unwrap_or("");
    if metadata.get("organisationUnits", unit).is_none() {
        findings.push(
            "E1049",
            format!("Could not find OrganisationUnit: `{unit}`, linked to Tracked Entity."),
            OldFinding::Conflict(
                "TrackedEntityInstance.orgUnit".to_string(),
                format!("Invalid org unit ID: {unit}"),
            ),
        );
    }
    check_value_list(metadata, entity, &ENTITY_ATTRIBUTES, &mut findings);
    findings.errors
}
