//! Aggregated data values, one test per rule. Names say which MDSync behaviour a test pins
//! (`mdsync_…`) or where we do better (`better_…`, with why).

use serde_json::{json, Value};

use super::*;
use crate::mapping::{decode_strict, MappingContext, MappingDictionary};

pub(crate) fn context() -> MappingContext {
    serde_json::from_value(json!({
        "originCategoryOptionCombos": [
            {"id": "HllvX50cXC0", "name": "default", "categoryCombo": {"id": "bjDvmb4bfuf"},
             "categoryOptions": [{"id": "xYerKDKCefk"}]},
            {"id": "CocMale0001", "categoryCombo": {"id": "CmbSex00001"},
             "categoryOptions": [{"id": "OptMale0001"}]},
            {"id": "CocFema0001", "categoryCombo": {"id": "CmbSex00001"},
             "categoryOptions": [{"id": "OptFema0001"}]},
            {"id": "CocMaU50001", "categoryCombo": {"id": "CmbAgeSex01"},
             "categoryOptions": [{"id": "OptMale0001"}, {"id": "OptAgeU5001"}]}
        ],
        "destinationCategoryOptionCombos": [
            {"id": "DstDefCoc01", "categoryCombo": {"id": "DstDefCmb01"},
             "categoryOptions": [{"id": "DstDefOpt01"}]},
            {"id": "DstMan00001", "categoryCombo": {"id": "DstSexCmb01"},
             "categoryOptions": [{"id": "DstOptMan01"}]},
            {"id": "DstWom00001", "categoryCombo": {"id": "DstSexCmb01"},
             "categoryOptions": [{"id": "DstOptWom01"}]},
            {"id": "DstMan00002", "categoryCombo": {"id": "DstOthCmb01"},
             "categoryOptions": [{"id": "DstOptMan01"}]},
            {"id": "DstMaU50001", "categoryCombo": {"id": "DstAgeSex01"},
             "categoryOptions": [{"id": "DstOptMan01"}, {"id": "OptAgeU5001"}]}
        ],
        "defaultIds": ["HllvX50cXC0", "bjDvmb4bfuf", "xYerKDKCefk", "GLevLNI9wkl"],
        "defaultCategoryOptionCombo": "DstDefCoc01"
    }))
    .expect("context")
}

pub(crate) fn mapping(value: Value) -> MappingDictionary {
    decode_strict(&value).expect("valid mapping").0
}

fn values() -> Value {
    json!([
        {"dataElement": "DatAaaa0001", "period": "202401", "orgUnit": "OrgAaaa0001",
         "categoryOptionCombo": "HllvX50cXC0", "attributeOptionCombo": "HllvX50cXC0",
         "value": "1", "comment": "note"},
        {"dataElement": "DatBbbb0001", "period": "202401", "orgUnit": "OrgAaaa0001",
         "categoryOptionCombo": "CocMale0001", "attributeOptionCombo": "HllvX50cXC0",
         "value": "YES"}
    ])
}

fn run(mapping_json: Value, values: Value) -> (Value, ApplyReport) {
    let dictionary = mapping(mapping_json);
    let context = context();
    let set: DataValueSet = serde_json::from_value(json!({ "dataValues": values })).unwrap();
    let Applied { payload, report } = Mapper::new(&dictionary, &context).data_values(set);
    (serde_json::to_value(payload.data_values).unwrap(), report)
}

#[test]
fn mdsync_empty_mapping_only_removes_the_origin_defaults() {
    let (mapped, report) = run(json!({}), values());
    assert_eq!(
        mapped,
        json!([
            {"dataElement": "DatAaaa0001", "period": "202401", "orgUnit": "OrgAaaa0001",
             "value": "1", "comment": "note"},
            {"dataElement": "DatBbbb0001", "period": "202401", "orgUnit": "OrgAaaa0001",
             "categoryOptionCombo": "CocMale0001", "value": "YES"}
        ])
    );
    assert_eq!((report.read, report.written), (2, 2));
}

#[test]
fn mdsync_org_units_mapped_by_path_are_written_as_ids() {
    let (mapped, _) = run(
        json!({"organisationUnits": {"OrgAaaa0001": {
            "mappedId": "/OrgRoot0001/OrgDest0001", "mappedLevel": 2}}}),
        values(),
    );
    assert_eq!(mapped[0]["orgUnit"], "OrgDest0001");
    assert_eq!(mapped[1]["orgUnit"], "OrgDest0001");
}

#[test]
fn mdsync_data_elements_are_mapped() {
    let (mapped, _) = run(
        json!({"aggregatedDataElements": {"DatAaaa0001": {"mappedId": "DatDest0001"}}}),
        values(),
    );
    assert_eq!(mapped[0]["dataElement"], "DatDest0001");
    assert_eq!(mapped[1]["dataElement"], "DatBbbb0001");
}

#[test]
fn mdsync_option_combos_resolve_through_the_data_elements_category_options() {
    let (mapped, _) = run(
        json!({"aggregatedDataElements": {"DatBbbb0001": {"mappedId": "DatDest0002", "mapping": {
            "categoryCombos": {"CmbSex00001": {"mappedId": "DstSexCmb01"}},
            "categoryOptions": {"CatSex00001-OptMale0001": {"mappedId": "DstOptMan01"}}
        }}}}),
        values(),
    );
    // Two destination combos have the option: the mapped category combo picks one.
    assert_eq!(mapped[1]["categoryOptionCombo"], "DstMan00001");
}

#[test]
fn mdsync_option_combos_resolve_through_global_category_options() {
    let (mapped, _) = run(
        json!({"categoryOptions": {"CatSex00001-OptFema0001": {"mappedId": "DstOptWom01"}}}),
        json!([{"dataElement": "DatBbbb0001", "period": "202401", "orgUnit": "OrgAaaa0001",
                "categoryOptionCombo": "CocFema0001", "value": "2"}]),
    );
    // One candidate only: taken whatever its category combo.
    assert_eq!(mapped[0]["categoryOptionCombo"], "DstWom00001");
}

#[test]
fn mdsync_an_exact_option_combo_mapping_wins_and_the_item_level_before_the_global() {
    let (mapped, _) = run(
        json!({
            "categoryOptionCombos": {"CocMale0001": {"mappedId": "DstMan00002"}},
            "aggregatedDataElements": {"DatBbbb0001": {"mapping": {
                "categoryOptionCombos": {"CocMale0001": {"mappedId": "DstMan00001"}}}}}
        }),
        values(),
    );
    assert_eq!(mapped[1]["categoryOptionCombo"], "DstMan00001");
}

#[test]
fn mdsync_option_values_by_code_item_level_first_then_global_and_by_value() {
    let options =
        |code: &str| json!({"options": {"OptYes00001": {"code": "YES", "mappedCode": code}}});
    let (mapped, _) = run(
        json!({"aggregatedDataElements": {"DatBbbb0001": {"mapping": options("SI")}}}),
        values(),
    );
    assert_eq!(mapped[1]["value"], "SI");
    let (mapped, _) = run(options("OUI"), values());
    assert_eq!(mapped[1]["value"], "OUI");
    let mut both = options("OUI");
    both["aggregatedDataElements"] = json!({"DatBbbb0001": {"mapping": options("SI")}});
    let (mapped, _) = run(both, values());
    assert_eq!(
        mapped[1]["value"], "SI",
        "the data element's own mapping wins"
    );
    let by_value = json!({"options": {"OptYes00001": {"code": "YES", "mappedId": "MAPPED_BY_VALUE",
        "mappedCode": "MAPPED_BY_VALUE", "mappedValue": "1"}}});
    let (mapped, _) = run(by_value, values());
    assert_eq!(mapped[1]["value"], "1");
}

#[test]
fn mdsync_comments_are_mapped_through_options_too() {
    let (mapped, _) = run(
        json!({"options": {"OptNote0001": {"code": "note", "mappedCode": "nota"}}}),
        values(),
    );
    assert_eq!(mapped[0]["comment"], "nota");
}

#[test]
fn mdsync_every_exclusion_drops_the_value() {
    let cases = [
        (
            json!({"aggregatedDataElements": {"DatAaaa0001": {"mappedId": "DISABLED"}}}),
            Exclusion::DataElement,
        ),
        (
            json!({"organisationUnits": {"OrgAaaa0001": {"mappedId": "DISABLED"}}}),
            Exclusion::OrgUnit,
        ),
        (
            json!({"options": {"OptYes00001": {"code": "YES", "mappedId": "DISABLED", "mappedCode": "DISABLED"}}}),
            Exclusion::OptionValue,
        ),
        (
            json!({"aggregatedDataElements": {"DatBbbb0001": {"mapping": {"options": {
            "OptYes00001": {"code": "YES", "mappedId": "DISABLED", "mappedCode": "DISABLED"}}}}}}),
            Exclusion::OptionValue,
        ),
        (
            json!({"categoryOptionCombos": {"CocMale0001": {"mappedId": "DISABLED"}}}),
            Exclusion::CategoryOptionCombo,
        ),
    ];
    for (mapping_json, why) in cases {
        let (mapped, report) = run(mapping_json.clone(), values());
        let left = if why == Exclusion::OrgUnit { 0 } else { 1 };
        assert_eq!(mapped.as_array().unwrap().len(), left, "{mapping_json}");
        assert_eq!(
            report.excluded[&(ItemKind::DataValue, why)],
            2 - left,
            "{mapping_json}"
        );
    }
}

#[test]
fn mdsync_indicators_and_program_indicators_become_data_elements() {
    let (mapped, _) = run(
        json!({"aggregatedDataElements": {"IndAaaa0001": {"mappedId": "DatDest0001", "mapping": {
            "categoryOptionCombos": {"HllvX50cXC0": {"mappedId": "DstMan00001"}},
            "attributeOptionCombos": {"HllvX50cXC0": {"mappedId": "DstWom00001"}}}}}}),
        json!([{"dataElement": "IndAaaa0001", "period": "2024", "orgUnit": "OrgAaaa0001",
                "categoryOptionCombo": "IndAaaa0001.HllvX50cXC0",
                "attributeOptionCombo": "IndAaaa0001.HllvX50cXC0", "value": "7.5"}]),
    );
    assert_eq!(
        mapped,
        json!([{"dataElement": "DatDest0001", "period": "2024", "orgUnit": "OrgAaaa0001",
                "categoryOptionCombo": "DstMan00001", "attributeOptionCombo": "DstWom00001",
                "value": "7.5"}])
    );
}

#[test]
fn mdsync_a_compound_option_combo_without_mapping_is_unpacked() {
    let (mapped, _) = run(
        json!({}),
        json!([{"dataElement": "IndAaaa0001", "period": "2024", "orgUnit": "OrgAaaa0001",
                "categoryOptionCombo": "IndAaaa0001.CocMale0001", "value": "3"}]),
    );
    assert_eq!(mapped[0]["categoryOptionCombo"], "CocMale0001");
}

#[test]
fn mdsync_program_data_elements_to_aggregated_use_the_program_dash_element_key() {
    let (mapped, _) = run(
        json!({"aggregatedDataElements": {"PrgAaaa0001-DatAaaa0001": {"mappedId": "DatDest0001"}}}),
        json!([{"dataElement": "PrgAaaa0001.DatAaaa0001", "period": "2024", "orgUnit": "OrgAaaa0001",
                "value": "3"}]),
    );
    assert_eq!(mapped[0]["dataElement"], "DatDest0001");
}

#[test]
fn better_program_dot_element_values_read_their_entrys_nested_mapping() {
    // MDSync reads the nested mapping under the dotted id and never finds it.
    let (mapped, _) = run(
        json!({"aggregatedDataElements": {"PrgAaaa0001-DatAaaa0001": {"mappedId": "DatDest0001",
            "mapping": {"options": {"OptYes00001": {"code": "YES", "mappedCode": "SI"}}}}}}),
        json!([{"dataElement": "PrgAaaa0001.DatAaaa0001", "period": "2024", "orgUnit": "OrgAaaa0001",
                "value": "YES"}]),
    );
    assert_eq!(mapped[0]["value"], "SI");
}

#[test]
fn mdsync_two_origin_items_on_one_destination_item_keep_the_first() {
    let (mapped, report) = run(
        json!({"aggregatedDataElements": {"DatAaaa0001": {"mappedId": "DatDest0001"},
                                          "DatBbbb0001": {"mappedId": "DatDest0001"}}}),
        json!([
            {"dataElement": "DatAaaa0001", "period": "2024", "orgUnit": "OrgAaaa0001", "value": "1"},
            {"dataElement": "DatBbbb0001", "period": "2024", "orgUnit": "OrgAaaa0001", "value": "2"}
        ]),
    );
    assert_eq!(mapped.as_array().unwrap().len(), 1);
    assert_eq!(mapped[0]["value"], "1");
    assert_eq!(report.duplicates, 1);
}

#[test]
fn better_values_differing_only_by_attribute_option_combo_are_all_kept() {
    // MDSync's duplicate key leaves the attribute option combo out and loses the second value.
    let (mapped, report) = run(
        json!({}),
        json!([
            {"dataElement": "DatAaaa0001", "period": "2024", "orgUnit": "OrgAaaa0001",
             "attributeOptionCombo": "CocMale0001", "value": "1"},
            {"dataElement": "DatAaaa0001", "period": "2024", "orgUnit": "OrgAaaa0001",
             "attributeOptionCombo": "CocFema0001", "value": "2"}
        ]),
    );
    assert_eq!(mapped.as_array().unwrap().len(), 2);
    assert_eq!(report.duplicates, 0);
}

#[test]
fn better_a_disabled_category_option_excludes_the_value() {
    // MDSync's test for it (`_.some` over key strings) never matches: it sends the origin combo.
    let (mapped, report) = run(
        json!({"categoryOptions": {"CatSex00001-OptMale0001": {"mappedId": "DISABLED"}}}),
        values(),
    );
    assert_eq!(mapped.as_array().unwrap().len(), 1);
    assert_eq!(
        report.excluded[&(ItemKind::DataValue, Exclusion::CategoryOptionCombo)],
        1
    );
}

#[test]
fn better_category_options_mapped_at_both_levels_combine_and_unmapped_ones_stay() {
    // MDSync looks at each level alone: neither has every option, so it finds no combo.
    let (mapped, _) = run(
        json!({"categoryOptions": {"CatSex00001-OptMale0001": {"mappedId": "DstOptMan01"}}}),
        json!([{"dataElement": "DatAaaa0001", "period": "2024", "orgUnit": "OrgAaaa0001",
                "categoryOptionCombo": "CocMaU50001", "value": "4"}]),
    );
    assert_eq!(mapped[0]["categoryOptionCombo"], "DstMaU50001");
}

#[test]
fn better_values_are_only_dropped_by_mappings_and_absent_values_stay_absent() {
    // MDSync drops a text value that reads "DISABLED" and writes `""` for a missing value.
    let (mapped, _) = run(
        json!({}),
        json!([
            {"dataElement": "DatAaaa0001", "period": "2024", "orgUnit": "OrgAaaa0001", "value": "DISABLED"},
            {"dataElement": "DatBbbb0001", "period": "2024", "orgUnit": "OrgAaaa0001", "comment": "c"}
        ]),
    );
    assert_eq!(mapped[0]["value"], "DISABLED");
    assert!(mapped[1].get("value").is_none());
}

#[test]
fn better_by_value_without_a_value_leaves_the_option_alone() {
    // MDSync writes the text "MAPPED_BY_VALUE" into the data value.
    let (mapped, _) = run(
        json!({"options": {"OptYes00001": {"code": "YES", "mappedId": "MAPPED_BY_VALUE",
            "mappedCode": "MAPPED_BY_VALUE"}}}),
        values(),
    );
    assert_eq!(mapped[1]["value"], "YES");
}
