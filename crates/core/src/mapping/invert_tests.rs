use serde_json::json;

use super::*;
use crate::mapping::apply::aggregated_tests::mapping;
use crate::mapping::{DataValueSet, Mapper, MappingContext};

#[test]
fn a_push_uses_the_mapping_as_it_is() {
    let stored =
        mapping(json!({"aggregatedDataElements": {"DatAaaa0001": {"mappedId": "DatDest0001"}}}));
    let (used, report) = mapping_for_direction(Direction::Push, stored.clone());
    assert_eq!(used, stored);
    assert!(report.is_none());
}

#[test]
fn a_pull_inverts_ids_codes_nested_keys_and_paths() {
    let stored = mapping(json!({
        "aggregatedDataElements": {"DatAaaa0001": {"mappedId": "DatDest0001", "code": "A",
            "mappedCode": "B", "mappedName": "Dest", "mapping": {
                "options": {"OptYes00001": {"code": "YES", "mappedId": "OptDest0001", "mappedCode": "SI"},
                            "OptNo000001": {"code": "NO", "mappedId": "MAPPED_BY_VALUE",
                                            "mappedCode": "MAPPED_BY_VALUE", "mappedValue": "0"}}}}},
        "eventPrograms": {"PrgAaaa0001": {"mappedId": "PrgDest0001", "mapping": {
            "programStages": {"StgAaaa0001": {"mappedId": "StgDest0001"}}}}},
        "programDataElements": {"PrgAaaa0001-StgAaaa0001-DatEvnt0001": {"mappedId": "DatDest0009"}},
        "organisationUnits": {"OrgAaaa0001": {"mappedId": "/OrgRoot0001/OrgDest0001", "mappedLevel": 2}},
        "relationshipTypes": {"RtyAaaa0001": {"mappedId": "DISABLED"}}
    }));
    let (inverted, report) = mapping_for_direction(Direction::Pull, stored);
    assert_eq!(report, Some(InvertReport::default()));
    assert_eq!(
        serde_json::to_value(&inverted).unwrap(),
        json!({
            "aggregatedDataElements": {"DatDest0001": {"mappedId": "DatAaaa0001", "code": "B",
                "mappedCode": "A", "mapping": {"options": {
                    "OptDest0001": {"mappedId": "OptYes00001", "code": "SI", "mappedCode": "YES"},
                    "OptNo000001": {"mappedId": "OptNo000001", "code": "0", "mappedCode": "NO"}}}}},
            "eventPrograms": {"PrgDest0001": {"mappedId": "PrgAaaa0001", "mapping": {
                "programStages": {"StgDest0001": {"mappedId": "StgAaaa0001"}}}}},
            "programDataElements": {"PrgDest0001-StgDest0001-DatDest0009": {"mappedId": "DatEvnt0001"}},
            "organisationUnits": {"OrgDest0001": {"mappedId": "OrgAaaa0001"}}
        })
    );
}

#[test]
fn many_to_one_and_kind_changes_are_said_and_left_out() {
    let stored = mapping(json!({
        "aggregatedDataElements": {
            "DatAaaa0001": {"mappedId": "DatDest0001"},
            "DatBbbb0001": {"mappedId": "DatDest0001"},
            "DatCccc0001": {"mappedId": "DatDest0003"},
            "PrgAaaa0001-DatEvnt0001": {"mappedId": "DatDest0004"}},
        "trackedEntityAttributesToDE": {"AttAaaa0001": {"mappedId": "DatDest0005"}},
        "eventPrograms": {"PrgAaaa0001": {"mappedId": "PrgDest0001",
            "overlaps": {"DatDest0009": {"type": "replace", "replacer": "#{DatEvnt0001}"}}}}
    }));
    let (inverted, report) = invert(&stored);
    let messages: Vec<String> = report
        .not_invertible
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        messages,
        [
            "aggregatedDataElements › PrgAaaa0001-DatEvnt0001: maps one kind of object to \
             another, which has no inverse; not used",
            "aggregatedDataElements: DatAaaa0001, DatBbbb0001 are all mapped to DatDest0001; a \
             pull cannot tell which one DatDest0001 should become, so none is used",
            "eventPrograms › PrgAaaa0001: its overlaps have no inverse; used without them",
            "trackedEntityAttributesToDE › AttAaaa0001: maps one kind of object to another, \
             which has no inverse; not used",
        ]
    );
    assert_eq!(
        inverted
            .entries("aggregatedDataElements")
            .unwrap()
            .keys()
            .map(|k| k.as_str())
            .collect::<Vec<_>>(),
        ["DatDest0003"]
    );
}

#[test]
fn pulled_values_come_back_under_origin_ids() {
    let stored = mapping(json!({
        "aggregatedDataElements": {"DatAaaa0001": {"mappedId": "DatDest0001", "mapping": {
            "options": {"OptYes00001": {"code": "YES", "mappedId": "OptDest0001", "mappedCode": "SI"}}}}},
        "organisationUnits": {"OrgAaaa0001": {"mappedId": "/OrgRoot0001/OrgDest0001"}}
    }));
    let (inverted, _) = invert(&stored);
    let context = MappingContext::default();
    let set: DataValueSet = serde_json::from_value(json!({"dataValues": [
        {"dataElement": "DatDest0001", "period": "2024", "orgUnit": "OrgDest0001", "value": "SI"}]}))
    .unwrap();
    let mapped = Mapper::new(&inverted, &context).data_values(set).payload;
    assert_eq!(
        serde_json::to_value(mapped.data_values).unwrap(),
        json!([{"dataElement": "DatAaaa0001", "period": "2024", "orgUnit": "OrgAaaa0001", "value": "YES"}])
    );
}
