//! The demo's programs: an event program (inpatient cases) and a tracker program (child
//! programme with a Person tracked entity type), with the UIDs the data generator needs.

use super::identifiable;
use super::rng::uid;
use serde_json::{json, Value};

pub(super) const DIAGNOSES: [(&str, &str); 6] = [
    ("MALARIA", "Malaria"),
    ("PNEUMONIA", "Pneumonia"),
    ("DIARRHOEA", "Diarrhoea"),
    ("MALNUTRITION", "Malnutrition"),
    ("INJURY", "Injury"),
    ("OTHER", "Other"),
];

/// Programs, their stages and the tracked entity type share data read and write with everyone
/// (public `rwrw----`), as a deployment shares them with its data capture users: the tracker
/// importers check data sharing (E1001, E1091, E1095, E1096, E1104).
fn data_sharing() -> Value {
    json!({ "public": "rwrw----", "external": false })
}

/// UIDs the data generator needs.
pub struct Programs {
    pub objects: Vec<(&'static str, Value)>,
    pub(super) event_program: String,
    pub(super) event_stage: String,
    pub(super) tracker_program: String,
    pub(super) birth_stage: String,
    pub(super) follow_up_stage: String,
    pub(super) person: String,
    pub(super) event_elements: Vec<(String, &'static str)>,
    pub(super) attributes: Vec<(String, &'static str)>,
}

fn option_set(
    objects: &mut Vec<(&'static str, Value)>,
    name: &str,
    options: &[(&str, &str)],
) -> String {
    let set_id = uid(&format!("os:{name}"));
    let mut refs = Vec::new();
    for (index, (code, option_name)) in options.iter().enumerate() {
        let id = uid(&format!("opt:{name}:{code}"));
        let mut option = identifiable(&id, option_name, Some(code));
        option["sortOrder"] = json!(index + 1);
        option["optionSet"] = json!({ "id": set_id });
        objects.push(("options", option));
        refs.push(json!({ "id": id }));
    }
    let mut set = identifiable(
        &set_id,
        name,
        Some(&name.to_ascii_uppercase().replace(' ', "_")),
    );
    set["valueType"] = json!("TEXT");
    set["options"] = json!(refs);
    objects.push(("optionSets", set));
    set_id
}

fn tracker_element(
    objects: &mut Vec<(&'static str, Value)>,
    name: &str,
    value_type: &str,
    options: Option<&str>,
) -> String {
    let id = uid(&format!("de:tracker:{name}"));
    let code = format!(
        "DE_TRK_{}",
        name.to_ascii_uppercase().replace([' ', '(', ')'], "_")
    );
    let mut element = identifiable(&id, name, Some(&code));
    element["shortName"] = json!(name);
    element["domainType"] = json!("TRACKER");
    element["valueType"] = json!(value_type);
    element["aggregationType"] = json!("NONE");
    element["categoryCombo"] = json!({ "id": super::categories::DEFAULT_COMBO });
    if let Some(set) = options {
        element["optionSet"] = json!({ "id": set });
    }
    objects.push(("dataElements", element));
    id
}

fn stage(
    objects: &mut Vec<(&'static str, Value)>,
    name: &str,
    program: &str,
    repeatable: bool,
    elements: &[String],
) -> String {
    let id = uid(&format!("ps:{name}"));
    let mut object = identifiable(&id, name, None);
    object["program"] = json!({ "id": program });
    object["repeatable"] = json!(repeatable);
    object["sharing"] = data_sharing();
    object["programStageDataElements"] = json!(elements
        .iter()
        .enumerate()
        .map(|(i, e)| json!({ "id": uid(&format!("psde:{id}:{e}")), "dataElement": { "id": e }, "compulsory": i == 0, "sortOrder": i + 1 }))
        .collect::<Vec<_>>());
    objects.push(("programStages", object));
    id
}

/// Builds program metadata; both demo sides have it.
pub fn build(facilities: &[(String, bool)]) -> Programs {
    let mut objects = Vec::new();
    let sex = option_set(
        &mut objects,
        "Sex",
        &[("MALE", "Male"), ("FEMALE", "Female")],
    );
    let diagnosis = option_set(&mut objects, "Diagnosis", &DIAGNOSES);
    let outcome = option_set(
        &mut objects,
        "Admission outcome",
        &[
            ("DISCHARGED", "Discharged"),
            ("REFERRED", "Referred"),
            ("DIED", "Died"),
        ],
    );

    let event_elements: Vec<(String, &'static str)> = vec![
        (
            tracker_element(&mut objects, "Diagnosis", "TEXT", Some(&diagnosis)),
            "diagnosis",
        ),
        (
            tracker_element(
                &mut objects,
                "Age in years",
                "INTEGER_ZERO_OR_POSITIVE",
                None,
            ),
            "age",
        ),
        (
            tracker_element(&mut objects, "Patient sex", "TEXT", Some(&sex)),
            "sex",
        ),
        (
            tracker_element(&mut objects, "Admission outcome", "TEXT", Some(&outcome)),
            "outcome",
        ),
        (
            tracker_element(
                &mut objects,
                "Length of stay (days)",
                "INTEGER_POSITIVE",
                None,
            ),
            "stay",
        ),
    ];
    let birth_elements = vec![
        tracker_element(&mut objects, "Birth weight (g)", "INTEGER_POSITIVE", None),
        tracker_element(
            &mut objects,
            "Apgar score",
            "INTEGER_ZERO_OR_POSITIVE",
            None,
        ),
    ];
    let follow_up_elements = vec![
        tracker_element(&mut objects, "Weight (kg)", "NUMBER", None),
        tracker_element(&mut objects, "MUAC (cm)", "NUMBER", None),
        tracker_element(&mut objects, "Vaccine given", "BOOLEAN", None),
    ];

    let attribute_specs: [(&str, &str, &'static str, Option<&str>); 5] = [
        ("First name", "TEXT", "first", None),
        ("Last name", "TEXT", "last", None),
        ("Sex", "TEXT", "sex", Some(&sex)),
        ("Date of birth", "DATE", "birth", None),
        ("Unique ID", "TEXT", "unique", None),
    ];
    let mut attributes = Vec::new();
    for (name, value_type, role, options) in attribute_specs {
        let id = uid(&format!("tea:{name}"));
        let mut attribute = identifiable(
            &id,
            name,
            Some(&format!(
                "TEA_{}",
                name.to_ascii_uppercase().replace(' ', "_")
            )),
        );
        attribute["shortName"] = json!(name);
        attribute["valueType"] = json!(value_type);
        attribute["aggregationType"] = json!("NONE");
        attribute["unique"] = json!(role == "unique");
        if let Some(set) = options {
            attribute["optionSet"] = json!({ "id": set });
        }
        objects.push(("trackedEntityAttributes", attribute));
        attributes.push((id, role));
    }
    let person = uid("tet:Person");
    let mut tet = identifiable(&person, "Person", Some("PERSON"));
    tet["sharing"] = data_sharing();
    tet["trackedEntityTypeAttributes"] = json!(attributes
        .iter()
        .map(|(id, _)| json!({ "trackedEntityAttribute": { "id": id }, "displayInList": true }))
        .collect::<Vec<_>>());
    objects.push(("trackedEntityTypes", tet));

    let all_units: Vec<Value> = facilities
        .iter()
        .map(|(id, _)| json!({ "id": id }))
        .collect();
    let larger_units: Vec<Value> = facilities
        .iter()
        .filter(|(_, larger)| *larger)
        .map(|(id, _)| json!({ "id": id }))
        .collect();
    let event_program = uid("program:Inpatient morbidity and mortality");
    let tracker_program = uid("program:Child programme");
    let event_ids: Vec<String> = event_elements.iter().map(|(id, _)| id.clone()).collect();
    let event_stage = stage(
        &mut objects,
        "Inpatient case",
        &event_program,
        true,
        &event_ids,
    );
    let birth_stage = stage(
        &mut objects,
        "Birth",
        &tracker_program,
        false,
        &birth_elements,
    );
    let follow_up_stage = stage(
        &mut objects,
        "Follow-up visit",
        &tracker_program,
        true,
        &follow_up_elements,
    );

    let mut program = identifiable(
        &event_program,
        "Inpatient morbidity and mortality",
        Some("IPD"),
    );
    program["shortName"] = json!("Inpatient morbidity");
    program["programType"] = json!("WITHOUT_REGISTRATION");
    program["sharing"] = data_sharing();
    program["categoryCombo"] = json!({ "id": super::categories::DEFAULT_COMBO });
    program["programStages"] = json!([{ "id": event_stage }]);
    program["organisationUnits"] = json!(larger_units);
    objects.push(("programs", program));
    let mut program = identifiable(&tracker_program, "Child programme", Some("CHILD"));
    program["shortName"] = json!("Child programme");
    program["programType"] = json!("WITH_REGISTRATION");
    program["sharing"] = data_sharing();
    program["trackedEntityType"] = json!({ "id": person });
    program["categoryCombo"] = json!({ "id": super::categories::DEFAULT_COMBO });
    program["programStages"] = json!([{ "id": birth_stage }, { "id": follow_up_stage }]);
    program["programTrackedEntityAttributes"] = json!(attributes.iter().enumerate().map(|(i, (id, _))| json!({
        "id": uid(&format!("ptea:{id}")), "trackedEntityAttribute": { "id": id }, "mandatory": i < 2, "sortOrder": i + 1
    })).collect::<Vec<_>>());
    program["organisationUnits"] = json!(all_units);
    objects.push(("programs", program));

    Programs {
        objects,
        event_program,
        event_stage,
        tracker_program,
        birth_stage,
        follow_up_stage,
        person,
        event_elements,
        attributes,
    }
}
