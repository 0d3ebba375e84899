use serde_json::{json, Value};

use super::*;

fn objects(value: Value) -> Vec<MappableObject> {
    serde_json::from_value(value).expect("objects")
}

fn rows(value: Value) -> Vec<OriginRow> {
    objects(value)
        .into_iter()
        .filter_map(OriginRow::of)
        .collect()
}

#[test]
fn same_id_then_code_then_name_each_said() {
    let destination = objects(json!([
        {"id": "DatAaaa0001", "name": "Other name", "code": "OTHER"},
        {"id": "DatDest0002", "name": "Second", "code": "DE_2"},
        {"id": "DatDest0003", "name": "Centre de Santé  Nord"}
    ]));
    let origin = rows(json!([
        {"id": "DatAaaa0001", "name": "First", "code": "DE_1"},
        {"id": "DatBbbb0001", "name": "Second (old)", "code": "DE_2"},
        {"id": "DatCccc0001", "name": "CENTRE DE SANTE NORD"},
        {"id": "DatDddd0001", "name": "Nowhere"}
    ]));
    let mut dictionary = MappingDictionary::default();
    let results = auto_map(
        &mut dictionary,
        "aggregatedDataElements",
        &origin,
        &destination,
        AutoMapScope::Unmapped,
        false,
    );
    let outcomes: Vec<(String, Option<MatchRule>)> = results
        .iter()
        .map(|row| {
            let rule = match &row.outcome {
                AutoMapOutcome::Mapped { rule, .. } => Some(*rule),
                _ => None,
            };
            (row.key.to_string(), rule)
        })
        .collect();
    assert_eq!(
        outcomes,
        [
            ("DatAaaa0001".to_string(), Some(MatchRule::SameId)),
            ("DatBbbb0001".into(), Some(MatchRule::SameCode)),
            ("DatCccc0001".into(), Some(MatchRule::SameName)),
            ("DatDddd0001".into(), None),
        ]
    );
    assert_eq!(results[3].outcome, AutoMapOutcome::NotFound);
    let entry = dictionary
        .get("aggregatedDataElements", "DatBbbb0001")
        .unwrap();
    assert_eq!(
        serde_json::to_value(entry).unwrap(),
        json!({"mappedId": "DatDest0002", "mappedName": "Second", "mappedCode": "DE_2",
               "code": "DE_2", "conflicts": false, "global": false, "mapping": {}})
    );
}

#[test]
fn several_matches_are_ambiguous_and_mapped_rows_are_left_alone() {
    let destination = objects(json!([
        {"id": "OrgDest0001", "name": "Clinic"},
        {"id": "OrgDest0002", "name": "clinic"}
    ]));
    let origin =
        rows(json!([{"id": "OrgAaaa0001", "name": "Clinic"}, {"id": "OrgBbbb0001", "name": "B"}]));
    let mut dictionary = MappingDictionary::default();
    dictionary.insert(
        "organisationUnits",
        MappingKey::parse("OrgBbbb0001").unwrap(),
        MetadataMapping::to(MappedId::Id("OrgDest0009".parse().unwrap())),
    );
    let results = auto_map(
        &mut dictionary,
        "organisationUnits",
        &origin,
        &destination,
        AutoMapScope::Unmapped,
        false,
    );
    assert_eq!(
        results[0].outcome,
        AutoMapOutcome::Ambiguous {
            rule: MatchRule::SameName,
            candidates: vec![
                "OrgDest0001".parse().unwrap(),
                "OrgDest0002".parse().unwrap()
            ]
        }
    );
    assert_eq!(results[1].outcome, AutoMapOutcome::AlreadyMapped);
    // Selected rows are done again.
    let selected = [MappingKey::parse("OrgBbbb0001").unwrap()];
    let results = auto_map(
        &mut dictionary,
        "organisationUnits",
        &origin,
        &destination,
        AutoMapScope::Selected(&selected),
        false,
    );
    assert_eq!(results.len(), 1);
    assert_eq!(results[0].outcome, AutoMapOutcome::NotFound);
}

#[test]
fn org_units_are_mapped_by_path_with_their_level() {
    let destination = objects(
        json!([{"id": "OrgDest0001", "name": "Clinic", "code": "OU_1",
        "path": "/OrgRoot0001/OrgDest0001", "level": 2}]),
    );
    let origin = rows(json!([{"id": "OrgAaaa0001", "name": "Clinic X", "code": "OU_1"}]));
    let mut dictionary = MappingDictionary::default();
    auto_map(
        &mut dictionary,
        "organisationUnits",
        &origin,
        &destination,
        AutoMapScope::Unmapped,
        true,
    );
    let entry = dictionary.get("organisationUnits", "OrgAaaa0001").unwrap();
    assert_eq!(
        entry.mapped_id,
        Some(MappedId::Path("/OrgRoot0001/OrgDest0001".into()))
    );
    assert_eq!((entry.mapped_level, entry.global), (Some(2), Some(true)));
}

#[test]
fn nested_items_are_auto_mapped_with_their_parent() {
    let origin = rows(
        json!([{"id": "DatAaaa0001", "name": "Cases", "code": "CASES",
        "categoryCombo": {"id": "CmbSex00001", "name": "Sex", "categories": [{"id": "CatSex00001",
            "categoryOptions": [{"id": "OptMale0001", "name": "Male", "code": "M"},
                                {"id": "OptFema0001", "name": "Female", "code": "F"},
                                {"id": "OptOthr0001", "name": "Other"}]}]},
        "optionSet": {"options": [{"id": "OptYes00001", "name": "Yes", "code": "YES"}]}}]),
    );
    let destination = objects(
        json!([{"id": "DatDest0001", "name": "Cases", "code": "CASES",
        "categoryCombo": {"id": "DstSexCmb01", "name": "Gender", "categories": [{"id": "DstCatSex01",
            "categoryOptions": [{"id": "DstOptMan01", "name": "Man", "code": "M"},
                                {"id": "DstOptWom01", "name": "female"}]}]},
        "optionSet": {"options": [{"id": "OptDest0001", "name": "Oui", "code": "YES"}]}}]),
    );
    let mut dictionary = MappingDictionary::default();
    let results = auto_map(
        &mut dictionary,
        "aggregatedDataElements",
        &origin,
        &destination,
        AutoMapScope::Unmapped,
        false,
    );
    let AutoMapOutcome::Mapped {
        nested_unmatched, ..
    } = &results[0].outcome
    else {
        panic!("mapped expected");
    };
    assert_eq!(
        nested_unmatched
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>(),
        ["aggregatedDataElements › DatAaaa0001 › categoryOptions › CatSex00001-OptOthr0001"]
    );
    let nested = dictionary
        .get("aggregatedDataElements", "DatAaaa0001")
        .unwrap()
        .nested();
    let mapped = |mapping_type: &str, key: &str| {
        nested
            .get(mapping_type, key)
            .unwrap()
            .mapped_id
            .clone()
            .unwrap()
            .to_string()
    };
    assert_eq!(mapped("categoryCombos", "CmbSex00001"), "DstSexCmb01");
    assert_eq!(
        mapped("categoryOptions", "CatSex00001-OptMale0001"),
        "DstOptMan01"
    );
    assert_eq!(
        mapped("categoryOptions", "CatSex00001-OptFema0001"),
        "DstOptWom01"
    );
    assert_eq!(
        mapped("categoryOptions", "CatSex00001-OptOthr0001"),
        "DISABLED"
    );
    assert_eq!(
        nested
            .get("categoryOptions", "CatSex00001-OptOthr0001")
            .unwrap()
            .conflicts,
        Some(true)
    );
    assert_eq!(mapped("options", "OptYes00001"), "OptDest0001");
    assert_eq!(
        nested
            .get("options", "OptYes00001")
            .unwrap()
            .mapped_code
            .as_deref(),
        Some("YES")
    );
}

#[test]
fn single_stages_of_event_programs_pair_up() {
    let origin = rows(
        json!([{"id": "PrgAaaa0001", "name": "Visits", "programType": "WITHOUT_REGISTRATION",
        "programStages": [{"id": "StgAaaa0001", "name": "Visit"}]}]),
    );
    let destination = objects(json!([{"id": "PrgDest0001", "name": "visits",
        "programType": "WITHOUT_REGISTRATION", "programStages": [{"id": "StgDest0001", "name": "Consultation"}]}]));
    let mut dictionary = MappingDictionary::default();
    auto_map(
        &mut dictionary,
        "eventPrograms",
        &origin,
        &destination,
        AutoMapScope::Unmapped,
        false,
    );
    let program = dictionary.get("eventPrograms", "PrgAaaa0001").unwrap();
    assert_eq!(
        program
            .nested()
            .get("programStages", "StgAaaa0001")
            .unwrap()
            .mapped_id,
        Some(MappedId::Id("StgDest0001".parse().unwrap()))
    );
}

#[test]
fn names_ignore_case_accents_and_spacing() {
    assert_eq!(
        normalize_name("  Centre de  Santé Œuvre "),
        "centredesanteoeuvre"
    );
    assert_eq!(normalize_name("ÁÉÍÓÚ ñ ß"), "aeiounss");
}
