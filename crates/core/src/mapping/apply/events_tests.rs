//! Events, one test per rule (`mdsync_…`: MDSync's behaviour; `better_…`: where and why we
//! differ).

use serde_json::{json, Value};

use super::aggregated_tests::{context, mapping};
use super::*;
use crate::mapping::MappingContext;

fn event() -> Value {
    json!({
        "event": "EvtAaaa0001", "program": "PrgEvnt0001", "programStage": "StgEvnt0001",
        "orgUnit": "OrgAaaa0001", "orgUnitName": "Clinic",
        "attributeCategoryOptions": "xYerKDKCefk", "attributeOptionCombo": "CocMale0001",
        "occurredAt": "2024-01-02T00:00:00.000", "status": "COMPLETED",
        "dataValues": [
            {"dataElement": "DatEvnt0001", "value": "1", "providedElsewhere": false},
            {"dataElement": "DatEvnt0002", "value": "YES"}
        ]
    })
}

fn run_with(
    mapping_json: Value,
    context: &MappingContext,
    event: Value,
) -> (Vec<Value>, ApplyReport) {
    let dictionary = mapping(mapping_json);
    let Applied { payload, report } = Mapper::new(&dictionary, context).events(vec![event]);
    (payload, report)
}

fn run(mapping_json: Value) -> (Vec<Value>, ApplyReport) {
    run_with(mapping_json, &context(), event())
}

fn one(mapping_json: Value) -> Value {
    let (events, _) = run(mapping_json);
    assert_eq!(events.len(), 1, "{events:?}");
    events.into_iter().next().unwrap()
}

#[test]
fn mdsync_empty_mapping_removes_the_names_that_would_contradict_ids() {
    let mapped = one(json!({}));
    let mut expected = event();
    expected.as_object_mut().unwrap().remove("orgUnitName");
    expected
        .as_object_mut()
        .unwrap()
        .remove("attributeCategoryOptions");
    assert_eq!(mapped, expected);
}

#[test]
fn mdsync_org_units_programs_and_stages() {
    let mapped = one(json!({
        "organisationUnits": {"OrgAaaa0001": {"mappedId": "/OrgRoot0001/OrgDest0001"}},
        "eventPrograms": {"PrgEvnt0001": {"mappedId": "PrgDest0001", "mapping": {
            "programStages": {"StgEvnt0001": {"mappedId": "StgDest0001"}}}}}
    }));
    assert_eq!(
        (
            &mapped["orgUnit"],
            &mapped["program"],
            &mapped["programStage"]
        ),
        (
            &json!("OrgDest0001"),
            &json!("PrgDest0001"),
            &json!("StgDest0001")
        )
    );
}

#[test]
fn mdsync_excluded_program_or_org_unit_drops_the_event() {
    for mapping_json in [
        json!({"eventPrograms": {"PrgEvnt0001": {"mappedId": "DISABLED"}}}),
        json!({"organisationUnits": {"OrgAaaa0001": {"mappedId": "DISABLED"}}}),
        json!({"trackerProgramStages": {"PrgEvnt0001-StgEvnt0001": {"mappedId": "DISABLED"}}}),
    ] {
        let (events, report) = run(mapping_json.clone());
        assert!(events.is_empty(), "{mapping_json}");
        assert_eq!(report.excluded_count(ItemKind::Event), 1);
    }
}

#[test]
fn mdsync_a_tracker_stage_mapped_alone_takes_its_destination_program() {
    let mut context = context();
    context.destination_program_stages =
        serde_json::from_value(json!([{"id": "StgDest0001", "program": {"id": "PrgDest0009"}}]))
            .unwrap();
    let (events, _) = run_with(
        json!({"trackerProgramStages": {"PrgEvnt0001-StgEvnt0001": {"mappedId": "StgDest0001"}}}),
        &context,
        event(),
    );
    assert_eq!(events[0]["program"], "PrgDest0009");
    assert_eq!(events[0]["programStage"], "StgDest0001");
}

#[test]
fn mdsync_program_data_elements_the_programs_own_entry_before_the_global_one() {
    let mapped = one(json!({"programDataElements": {
        "DatEvnt0001": {"mappedId": "DatGlob0001", "global": true},
        "PrgEvnt0001-StgEvnt0001-DatEvnt0001": {"mappedId": "DatDest0001"}
    }}));
    assert_eq!(mapped["dataValues"][0]["dataElement"], "DatDest0001");
    let mapped = one(json!({"programDataElements": {
        "DatEvnt0001": {"mappedId": "DatGlob0001", "global": true}}}));
    assert_eq!(mapped["dataValues"][0]["dataElement"], "DatGlob0001");
}

#[test]
fn mdsync_excluded_data_elements_and_options_drop_the_data_value_only() {
    for mapping_json in [
        json!({"programDataElements": {"PrgEvnt0001-StgEvnt0001-DatEvnt0002": {"mappedId": "DISABLED"}}}),
        json!({"programDataElements": {"DatEvnt0002": {"mappedId": "DISABLED", "global": true}}}),
        json!({"options": {"OptYes00001": {"code": "YES", "mappedId": "DISABLED", "mappedCode": "DISABLED"}}}),
        json!({"programDataElements": {"PrgEvnt0001-StgEvnt0001-DatEvnt0002": {
            "mappedId": "DatEvnt0002", "mapping": {"options": {
            "OptYes00001": {"code": "YES", "mappedId": "DISABLED", "mappedCode": "DISABLED"}}}}}}),
    ] {
        let mapped = one(mapping_json.clone());
        assert_eq!(
            mapped["dataValues"].as_array().unwrap().len(),
            1,
            "{mapping_json}"
        );
        assert_eq!(mapped["dataValues"][0]["dataElement"], "DatEvnt0001");
    }
}

#[test]
fn mdsync_option_values_element_first_then_global_and_by_value() {
    let element = |options: Value| {
        json!({"programDataElements": {"PrgEvnt0001-StgEvnt0001-DatEvnt0002": {
            "mappedId": "DatDest0002", "mapping": {"options": options}}}})
    };
    let mapped = one(element(
        json!({"OptYes00001": {"code": "YES", "mappedCode": "SI"}}),
    ));
    assert_eq!(mapped["dataValues"][1]["value"], "SI");
    let mut both = element(json!({"OptYes00001": {"code": "YES", "mappedCode": "SI"}}));
    both["options"] = json!({"OptYes00001": {"code": "YES", "mappedCode": "OUI"}});
    assert_eq!(one(both)["dataValues"][1]["value"], "SI");
    let mapped = one(json!({"options": {"OptYes00001": {"code": "YES",
        "mappedCode": "MAPPED_BY_VALUE", "mappedValue": "yes please"}}}));
    assert_eq!(mapped["dataValues"][1]["value"], "yes please");
}

#[test]
fn mdsync_attribute_option_combos_through_the_programs_category_options() {
    let program = |options: Value| {
        json!({"eventPrograms": {"PrgEvnt0001": {"mappedId": "PrgDest0001", "mapping": {
            "categoryCombos": {"CmbSex00001": {"mappedId": "DstSexCmb01"}},
            "categoryOptions": options}}}})
    };
    let mapped = one(program(
        json!({"CatSex00001-OptMale0001": {"mappedId": "DstOptMan01"}}),
    ));
    assert_eq!(mapped["attributeOptionCombo"], "DstMan00001");
    // Two origin options onto one destination option (2 → 1) resolve too.
    let mapped = one(program(json!({
        "CatSex00001-OptMale0001": {"mappedId": "DstOptWom01"},
        "CatSex00001-OptFema0001": {"mappedId": "DstOptWom01"}})));
    assert_eq!(mapped["attributeOptionCombo"], "DstWom00001");
    let mapped =
        one(json!({"categoryOptions": {"CatSex00001-OptMale0001": {"mappedId": "DstOptWom01"}}}));
    assert_eq!(
        mapped["attributeOptionCombo"], "DstWom00001",
        "global category options"
    );
}

#[test]
fn mdsync_overlapping_data_elements_combine_through_the_replacer() {
    let mapped = one(json!({
        "eventPrograms": {"PrgEvnt0001": {"mappedId": "PrgDest0001",
            "overlaps": {"DatDest0001": {"type": "replace",
                "replacer": "#{DatEvnt0001}-#{DatEvnt0002}"}}}},
        "programDataElements": {
            "PrgEvnt0001-StgEvnt0001-DatEvnt0001": {"mappedId": "DatDest0001"},
            "PrgEvnt0001-StgEvnt0001-DatEvnt0002": {"mappedId": "DatDest0001"}}
    }));
    assert_eq!(
        mapped["dataValues"],
        json!([{"dataElement": "DatDest0001", "value": "1-YES", "providedElsewhere": false}])
    );
    // Without a replacer the first value is kept.
    let (events, report) = run(json!({"programDataElements": {
        "PrgEvnt0001-StgEvnt0001-DatEvnt0001": {"mappedId": "DatDest0001"},
        "PrgEvnt0001-StgEvnt0001-DatEvnt0002": {"mappedId": "DatDest0001"}}}));
    assert_eq!(events[0]["dataValues"][0]["value"], "1");
    assert_eq!(report.duplicates, 1);
}

#[test]
fn better_an_excluded_program_stage_drops_the_event() {
    // MDSync sends `programStage: "DISABLED"`, which the destination refuses.
    let (events, report) = run(json!({"eventPrograms": {"PrgEvnt0001": {"mapping": {
        "programStages": {"StgEvnt0001": {"mappedId": "DISABLED"}}}}}}));
    assert!(events.is_empty());
    assert_eq!(
        report.excluded[&(ItemKind::Event, Exclusion::ProgramStage)],
        1
    );
}

#[test]
fn better_events_without_or_at_the_origin_default_get_the_destination_default() {
    // MDSync writes the origin's default option combo id, unknown at the destination when the
    // defaults differ.
    let mut without = event();
    without
        .as_object_mut()
        .unwrap()
        .remove("attributeOptionCombo");
    let (events, _) = run_with(json!({}), &context(), without);
    assert_eq!(events[0]["attributeOptionCombo"], "DstDefCoc01");
    let mut at_default = event();
    at_default["attributeOptionCombo"] = json!("HllvX50cXC0");
    let (events, _) = run_with(json!({}), &context(), at_default.clone());
    assert_eq!(events[0]["attributeOptionCombo"], "DstDefCoc01");
    let (events, _) = run_with(json!({}), &MappingContext::default(), at_default);
    assert_eq!(
        events[0]["attributeOptionCombo"], "HllvX50cXC0",
        "no context: as given"
    );
}
