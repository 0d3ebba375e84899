//! Metadata payloads: own ids, schema references, expressions.

use serde_json::{json, Value};

use super::aggregated_tests::{context, mapping};
use super::*;
use crate::dhis2::SchemaRegistry;
use crate::sync::metadata::Payload;

fn schemas() -> SchemaRegistry {
    let reference = |name: &str, klass: &str| json!({"name": name, "propertyType": "REFERENCE", "klass": format!("org.hisp.dhis.{klass}")});
    let collection = |name: &str, klass: &str, embedded: bool| {
        json!({"name": name, "collectionName": name, "propertyType": "COLLECTION",
               "itemKlass": format!("org.hisp.dhis.{klass}"), "embeddedObject": embedded,
               "collection": true})
    };
    let schema = |klass: &str, plural: &str, properties: Vec<Value>| {
        json!({"klass": format!("org.hisp.dhis.{klass}"), "plural": plural, "metadata": true,
               "properties": properties})
    };
    let body = json!({"schemas": [
        schema("DataElement", "dataElements", vec![reference("categoryCombo", "CategoryCombo"),
            reference("optionSet", "OptionSet")]),
        schema("CategoryCombo", "categoryCombos", vec![]),
        schema("OptionSet", "optionSets", vec![]),
        schema("DataSet", "dataSets", vec![reference("categoryCombo", "CategoryCombo"),
            collection("dataSetElements", "DataSetElement", true)]),
        {"klass": "org.hisp.dhis.DataSetElement", "plural": "dataSetElements", "embeddedObject": true,
         "properties": [reference("dataElement", "DataElement"), reference("categoryCombo", "CategoryCombo")]},
        schema("OrganisationUnit", "organisationUnits", vec![]),
        schema("OrganisationUnitGroup", "organisationUnitGroups",
            vec![collection("organisationUnits", "OrganisationUnit", false)]),
        schema("TrackedEntityAttribute", "trackedEntityAttributes", vec![]),
        schema("Program", "programs", vec![collection("programTrackedEntityAttributes",
            "ProgramTrackedEntityAttribute", true)]),
        {"klass": "org.hisp.dhis.ProgramTrackedEntityAttribute", "plural": "programTrackedEntityAttributes",
         "embeddedObject": true, "properties": [reference("trackedEntityAttribute", "TrackedEntityAttribute")]},
        schema("Indicator", "indicators", vec![]),
        schema("ProgramIndicator", "programIndicators", vec![reference("program", "Program")]),
        schema("ValidationRule", "validationRules", vec![]),
    ]});
    SchemaRegistry::from_json(body.to_string().as_bytes()).unwrap()
}

fn run(mapping_json: Value, payload: Value) -> (Value, MetadataReport) {
    let dictionary = mapping(mapping_json);
    let context = context();
    let mut payload: Payload = serde_json::from_value(payload).unwrap();
    let report = Mapper::new(&dictionary, &context).metadata(&mut payload, &schemas());
    (serde_json::to_value(payload).unwrap(), report)
}

#[test]
fn mdsync_own_ids_and_references_take_their_mapped_ids() {
    let (mapped, report) = run(
        json!({
            "aggregatedDataElements": {"DatAaaa0001": {"mappedId": "DatDest0001"},
                                       "DatBbbb0001": {"mappedId": "DISABLED"}},
            "categoryCombos": {"CmbSex00001": {"mappedId": "DstSexCmb01", "global": true}},
            "organisationUnits": {"OrgAaaa0001": {"mappedId": "/OrgRoot0001/OrgDest0001"}}
        }),
        json!({
            "dataElements": [{"id": "DatAaaa0001", "name": "Visits", "categoryCombo": {"id": "CmbSex00001"}}],
            "dataSets": [{"id": "SetAaaa0001", "categoryCombo": {"id": "bjDvmb4bfuf"}, "dataSetElements": [
                {"dataElement": {"id": "DatAaaa0001"}, "categoryCombo": {"id": "CmbSex00001"}},
                {"dataElement": {"id": "DatBbbb0001"}}]}],
            "organisationUnitGroups": [{"id": "OugAaaa0001", "organisationUnits": [{"id": "OrgAaaa0001"}]}]
        }),
    );
    assert_eq!(mapped["dataElements"][0]["id"], "DatDest0001");
    assert_eq!(
        mapped["dataElements"][0]["categoryCombo"]["id"],
        "DstSexCmb01"
    );
    let elements = &mapped["dataSets"][0]["dataSetElements"];
    assert_eq!(elements[0]["dataElement"]["id"], "DatDest0001");
    assert_eq!(elements[0]["categoryCombo"]["id"], "DstSexCmb01");
    assert_eq!(
        elements[1]["dataElement"]["id"], "DatBbbb0001",
        "DISABLED: left as it is"
    );
    assert_eq!(mapped["dataSets"][0]["categoryCombo"]["id"], "bjDvmb4bfuf");
    assert_eq!(
        mapped["organisationUnitGroups"][0]["organisationUnits"][0]["id"], "OrgDest0001",
        "a path is written as its last unit"
    );
    assert_eq!((report.objects, report.references), (1, 4));
}

#[test]
fn better_references_look_only_in_mappings_of_their_kind() {
    // MDSync looks an id up in every mapping type: the attribute, mapped to a data element for
    // tracker → event conversion, would be renamed to that data element in the program.
    let (mapped, _) = run(
        json!({"trackedEntityAttributesToDE": {"AttSex00001": {"mappedId": "DatSex00009"}}}),
        json!({"programs": [{"id": "PrgTrck0001", "programTrackedEntityAttributes": [
            {"trackedEntityAttribute": {"id": "AttSex00001"}}]}]}),
    );
    assert_eq!(
        mapped["programs"][0]["programTrackedEntityAttributes"][0]["trackedEntityAttribute"]["id"],
        "AttSex00001"
    );
}

#[test]
fn better_expressions_are_rewritten_in_place_whatever_their_functions() {
    // MDSync's parser does not know `if`/`isNull`: it leaves this indicator unmapped.
    let (mapped, report) = run(
        json!({"aggregatedDataElements": {"DatAaaa0001": {"mappedId": "DatDest0001", "mapping": {
                "categoryOptionCombos": {"CocMale0001": {"mappedId": "DstMan00001"}}}}},
               "organisationUnits": {}}),
        json!({
            "indicators": [{"id": "IndAaaa0001",
                "numerator": "if(isNull(#{DatAaaa0001.CocMale0001}), 0, #{DatAaaa0001}) + #{DatZzzz0001}",
                "denominator": "1"}],
            "validationRules": [{"id": "VrlAaaa0001",
                "leftSide": {"expression": "#{DatAaaa0001.*}"},
                "rightSide": {"expression": "#{DatAaaa0001.CocMale0001.HllvX50cXC0}"}}]
        }),
    );
    assert_eq!(
        mapped["indicators"][0]["numerator"],
        "if(isNull(#{DatDest0001.DstMan00001}), 0, #{DatDest0001}) + #{DatZzzz0001}"
    );
    assert_eq!(mapped["indicators"][0]["denominator"], "1");
    assert_eq!(
        mapped["validationRules"][0]["leftSide"]["expression"],
        "#{DatDest0001.*}"
    );
    assert_eq!(
        mapped["validationRules"][0]["rightSide"]["expression"],
        "#{DatDest0001.DstMan00001.HllvX50cXC0}"
    );
    assert_eq!(report.expressions, 3);
}

#[test]
fn program_indicator_expressions_map_stages_elements_and_attributes() {
    let (mapped, _) = run(
        json!({
            "trackerPrograms": {"PrgTrck0001": {"mappedId": "PrgDest0001"}},
            "trackerProgramStages": {"PrgTrck0001-StgTrck0001": {"mappedId": "StgDest0001"}},
            "programDataElements": {"PrgTrck0001-StgTrck0001-DatTrck0001": {"mappedId": "DatDest0001"}},
            "trackedEntityAttributesToTEI": {"AttSex00001": {"mappedId": "AttDest0002"}}
        }),
        json!({"programIndicators": [{"id": "PinAaaa0001", "program": {"id": "PrgTrck0001"},
            "expression": "#{StgTrck0001.DatTrck0001} + A{AttSex00001}",
            "filter": "d2:daysBetween(PS_EVENTDATE:StgTrck0001, V{event_date}) > 2"}]}),
    );
    let indicator = &mapped["programIndicators"][0];
    assert_eq!(
        indicator["expression"],
        "#{StgDest0001.DatDest0001} + A{AttDest0002}"
    );
    assert_eq!(
        indicator["filter"],
        "d2:daysBetween(PS_EVENTDATE:StgDest0001, V{event_date}) > 2"
    );
}
