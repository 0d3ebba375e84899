//! The checks DHIS2 runs on imported data values beyond existence and value type, posted as
//! DHIS2's own tests post them and expected as they assert: `DataValueSetServiceIntegrationTest`
//! (dhis2-core `dhis-test-integration`, 2.41.0; `dhis-service-dxf2` tests before),
//! `DataValueSetImportValidatorTest` (`dhis-service-dxf2`, for the conflict texts and objects).

mod data_support;

use data_support::world::*;
use data_support::{admin, json_of};
use serde_json::{json, Value};

fn conflict<'a>(summary: &'a Value, code: &str) -> &'a Value {
    summary["conflicts"]
        .as_array()
        .and_then(|all| all.iter().find(|c| c["errorCode"] == code))
        .unwrap_or_else(|| panic!("no {code} in {summary}"))
}

/// `testImportDataValuesWithOrgUnitOutsideHierarchy`: two conflicts (the completion without org
/// unit, and E7617 for both values in org unit C), one value imported.
#[test]
fn org_units_outside_the_users_hierarchy_are_refused() {
    let mut world = World::new("2.41");
    let summary = world.import("/api/dataValueSets", &set_e());
    assert_eq!(summary["status"], "WARNING");
    assert_eq!(
        summary["conflicts"].as_array().map(Vec::len),
        Some(2),
        "{summary}"
    );
    assert_eq!(
        summary["conflicts"][0],
        json!({ "object": "OrganisationUnit", "value": "Must be provided to complete data set" })
    );
    let outside = conflict(&summary, "E7617");
    assert_eq!(outside["indexes"], json!([1, 2]));
    assert_eq!(
        outside["objects"],
        json!({ "organisationUnit": OU_C, "user": USER_A })
    );
    assert_eq!(outside["property"], "orgUnit");
    assert_eq!(
        outside["value"],
        format!("Organisation unit: `{OU_C}` not in hierarchy of current user: `{USER_A}`")
    );
    assert_eq!(counts(&summary), [1, 0, 2, 0]);
    assert_eq!(world.values.len(), 1);

    // 2.30–2.36 name the user by username, in the plain form.
    let mut old = World::new("2.36");
    let summary = old.import("/api/dataValueSets", &set_e());
    assert!(
        summary["conflicts"]
            .as_array()
            .unwrap()
            .contains(&json!({ "object": OU_C,
            "value": "Organisation unit not in hierarchy of current user: usera" })),
        "{summary}"
    );
}

/// `testImportDataValuesWithStrictPeriods` … `WithStrictOrganisationUnits`: the non-strict
/// payload under each switch.
#[test]
fn strict_and_require_switches_refuse_what_they_name() {
    for (query, expected, imported) in [
        (
            "strictPeriods=true",
            vec![("E7632", json!([1])), ("E7632", json!([2]))],
            1,
        ),
        (
            "strictCategoryOptionCombos=true",
            vec![("E7634", json!([0]))],
            2,
        ),
        (
            "strictAttributeOptionCombos=true",
            vec![("E7635", json!([1]))],
            2,
        ),
        (
            "requireCategoryOptionCombo=true",
            vec![("E7630", json!([1, 2]))],
            1,
        ),
        (
            "requireAttributeOptionCombo=true",
            vec![("E7631", json!([0, 2]))],
            1,
        ),
        (
            "strictOrganisationUnits=true",
            vec![("E7636", json!([2]))],
            2,
        ),
    ] {
        let mut world = World::new("2.41");
        let summary = world.import(&format!("/api/dataValueSets?{query}"), &non_strict());
        let expected: Vec<(String, Value)> = expected
            .into_iter()
            .map(|(code, indexes)| (code.to_string(), indexes))
            .collect();
        assert_eq!(codes(&summary), expected, "{query}: {summary}");
        assert_eq!(summary["status"], "WARNING", "{query}");
        assert_eq!(counts(&summary)[0], imported, "{query}");
        assert_eq!(
            summary["importOptions"][query.trim_end_matches("=true")],
            true
        );
    }
    let mut world = World::new("2.41");
    let summary = world.import("/api/dataValueSets?strictPeriods=true", &non_strict());
    let period = &summary["conflicts"][0];
    assert_eq!(
        period["objects"],
        json!({ "period": "2012Q2", "dataElement": DE_B })
    );
    assert!(period.get("property").is_none(), "E7632 names no property");
    assert_eq!(
        period["value"],
        format!("Period type of period: `2012Q2` not valid for data element: `{DE_B}`")
    );
    let summary = World::new("2.41").import(
        "/api/dataValueSets?requireCategoryOptionCombo=true",
        &non_strict(),
    );
    assert!(summary["conflicts"][0].get("object").is_none());
    assert_eq!(summary["conflicts"][0]["objects"], json!({}));
}

/// The switches are also system settings (`keyDataImportStrict…`), which DHIS2 or's with the
/// request; `importOptions` echoes the request only.
#[test]
fn system_settings_turn_the_switches_on_for_every_import() {
    let mut world = World::new("2.40");
    let admin = admin();
    let set = world.send_as(
        &admin,
        "POST",
        "/api/systemSettings/keyDataImportStrictCategoryOptionCombos?value=true",
        &Value::Null,
    );
    assert_eq!(
        json_of(&set)["message"],
        "System setting 'keyDataImportStrictCategoryOptionCombos' set to value 'true'."
    );
    let denied = world.send_as(
        &user_a(),
        "POST",
        "/api/systemSettings",
        &json!({ "keyDataImportStrictOrganisationUnits": true }),
    );
    assert_eq!(denied.status, 403);
    let summary = world.import("/api/dataValueSets", &non_strict());
    assert_eq!(codes(&summary), vec![("E7634".to_string(), json!([0]))]);
    assert_eq!(
        summary["importOptions"]["strictCategoryOptionCombos"],
        false
    );
}

/// `testImportDataValuesInvalidAttributeOptionComboDates` (option A open in February 2012
/// only) and `testImportDataValuesInvalidAttributeOptionComboOrgUnit` (option A restricted to
/// org units A and B); `testCheckDataValueOrgUnitValidForAttrOptionCombo` for E7639 itself.
#[test]
fn attribute_option_combos_limit_periods_and_org_units() {
    let mut world = World::new("2.41");
    world.change(
        "categoryOptions",
        CO_A,
        json!({ "startDate": "2012-02-01", "endDate": "2012-02-29" }),
    );
    let summary = world.import("/api/dataValueSets", &set_h());
    assert_eq!(
        codes(&summary),
        vec![
            ("E7638".to_string(), json!([0])),
            ("E7617".to_string(), json!([2]))
        ]
    );
    assert_eq!(counts(&summary), [1, 0, 2, 0]);
    assert_eq!(
        conflict(&summary, "E7638")["objects"],
        json!({ "period": "201201", "categoryOptionCombo": OC_A })
    );

    let mut world = World::new("2.41");
    world.change(
        "categoryOptions",
        CO_A,
        json!({ "organisationUnits": [{ "id": OU_A }, { "id": OU_B }] }),
    );
    let summary = world.import("/api/dataValueSets", &set_h());
    assert_eq!(codes(&summary), vec![("E7617".to_string(), json!([2]))]);
    assert_eq!(counts(&summary), [2, 0, 1, 0]);

    let mut world = World::new("2.41");
    world.change(
        "categoryOptions",
        CO_A,
        json!({ "organisationUnits": [{ "id": OU_B }] }),
    );
    let summary = world.import("/api/dataValueSets", &set_h());
    let refused = conflict(&summary, "E7639");
    assert_eq!(refused["indexes"], json!([0]));
    assert_eq!(
        refused["value"],
        format!("Organisation unit: `{OU_A}` is not valid for attribute option combo: `{OC_A}`")
    );
}

/// `testImportValueDataSetWriteFail`, `testImportValueCatComboFailDS` (no data write on the
/// data set: the import aborts), `testImportValueCatComboFail` (options readable only: E7614)
/// and `testImportValueCatComboOk`.
#[test]
fn data_write_sharing_on_data_sets_and_category_options() {
    let mut world = World::new("2.41");
    world.share("dataSets", DS_A, "--r-----");
    let summary = world.import("/api/dataValueSets", &set_a());
    assert_eq!(summary["status"], "ERROR");
    assert_eq!(summary["description"], "Import process was aborted");
    let refused = conflict(&summary, "E7601");
    assert_eq!(
        refused["value"],
        format!("User does not have write access for DataSet: `{DS_A}`")
    );
    // Aborted before any value is read: the summary keeps its empty `ImportCount`.
    assert_eq!(counts(&summary), [0, 0, 0, 0]);

    let mut world = World::new("2.41");
    world.share("categoryOptions", CO_A, "r-------");
    world.share("categoryOptions", CO_B, "r-------");
    let summary = world.import("/api/dataValueSets", &set_a_cat_combo());
    assert_eq!(summary["status"], "WARNING");
    assert_eq!(
        codes(&summary),
        vec![
            ("E7614".to_string(), json!([0])),
            ("E7614".to_string(), json!([1]))
        ]
    );
    assert_eq!(
        summary["conflicts"][0]["value"],
        format!("Category option combo: `{OC_A}` option not accessible: `{CO_A}`")
    );
    assert_eq!(
        summary["conflicts"][0]["objects"],
        json!({ "categoryOptionCombo": OC_A, "categoryOption": CO_A })
    );

    let mut world = World::new("2.41");
    world.share("categoryOptions", CO_A, "---w----");
    world.share("categoryOptions", CO_B, "---w----");
    let summary = world.import("/api/dataValueSets", &set_a_cat_combo());
    assert_eq!(counts(&summary), [3, 0, 0, 0], "{summary}");

    // Before 2.37 the refusal comes from `AggregateAccessManager.canWrite`.
    let mut old = World::new("2.35");
    old.share("categoryOptions", CO_A, "r-------");
    let summary = old.import("/api/dataValueSets", &set_a_cat_combo());
    assert_eq!(
        summary["conflicts"][0],
        json!({ "object": "dataValueSet",
                "value": format!("User has no data write access for CategoryOption: {CO_A}") })
    );
}

/// `testCheckDataValueTodayNotPastPeriodExpiry`: a data set whose expiry days have passed
/// refuses the period (E7640) unless a lock exception opens it; `F_EDIT_EXPIRED` (and `ALL`)
/// and a superuser's `force=true` are not held back.
#[test]
fn expired_periods_are_locked_until_a_lock_exception_opens_them() {
    let mut world = World::new("2.41");
    world.change("dataSets", DS_A, json!({ "expiryDays": 10 }));
    let summary = world.import("/api/dataValueSets", &set_a());
    let locked = conflict(&summary, "E7640");
    assert_eq!(
        locked["objects"],
        json!({ "period": "201201", "dataSet": DS_A })
    );
    assert_eq!(
        locked["value"],
        format!("Current date is past expiry days for period: `201201`  and data set: `{DS_A}`")
    );
    assert_eq!(counts(&summary), [0, 0, 3, 0]);

    let opened = world.send_as(
        &admin(),
        "POST",
        &format!("/api/lockExceptions?ou={OU_A}&pe=201201&ds={DS_A}"),
        &Value::Null,
    );
    assert_eq!(opened.status, 201);
    assert_eq!(
        json_of(&opened)["message"],
        "LockException created successfully."
    );
    let summary = world.import("/api/dataValueSets", &set_a());
    assert_eq!(counts(&summary), [1, 0, 2, 0], "{summary}");

    let mut editor = user_a();
    editor.authorities.push("F_EDIT_EXPIRED".into());
    let response = world.send_as(&editor, "POST", "/api/dataValueSets", &set_a());
    assert_eq!(json_of(&response)["response"]["importCount"]["imported"], 2);

    let mut legacy = World::new("2.33");
    legacy.change("dataSets", DS_A, json!({ "expiryDays": 10 }));
    let summary = legacy.import("/api/dataValueSets", &set_a());
    assert!(summary["conflicts"].as_array().unwrap().contains(&json!({ "object": "201201",
        "value": format!("Current date is past expiry days for period 201201 and data set: {DS_A}") })));
}

/// `DataValueSetController`: `@PreAuthorize("hasRole('ALL') or hasRole('F_DATAVALUE_ADD')")`
/// (2.42: `@RequiresAuthority(anyOf = F_DATAVALUE_ADD)`).
#[test]
fn importing_needs_the_data_value_authority() {
    for (version, message) in [
        ("2.30", "Access is denied"),
        ("2.41", "Access is denied"),
        (
            "2.42",
            "Access is denied, requires one Authority from [F_DATAVALUE_ADD]",
        ),
    ] {
        let mut world = World::new(version);
        let mut reader = user_a();
        reader.authorities.clear();
        let response = world.send_as(&reader, "POST", "/api/dataValueSets", &set_a());
        assert_eq!(response.status, 403, "{version}");
        let body = json_of(&response);
        assert_eq!(body["message"], message, "{version}");
        assert_eq!(body["httpStatus"], "Forbidden");
        assert_eq!(world.values.len(), 0);
    }
}

/// DHIS2-14693 (`DataValueSetImportValidatorTest.testValidateDataSetExistsStrictDataElements`,
/// removed by the fix): strict data elements without a data set abort with E7602 until
/// 2.38.3, and from 2.38.4 check the data element's own data sets (E7633).
#[test]
fn strict_data_elements_fall_back_to_the_data_elements_data_sets_from_2_38_4() {
    let mut payload = set_a();
    payload.as_object_mut().unwrap().remove("dataSet");
    payload["dataValues"][2]["dataElement"] = json!(DE_F);
    payload["dataValues"][2]["value"] = json!("true");
    let mut before = World::new("2.38.3");
    let summary = before.import("/api/dataValueSets?strictDataElements=true", &payload);
    assert_eq!(summary["status"], "ERROR");
    assert_eq!(codes(&summary), vec![("E7602".to_string(), Value::Null)]);
    assert_eq!(
        summary["conflicts"][0]["value"],
        "A valid dataset is required"
    );

    let mut after = World::new("2.38.4");
    let summary = after.import("/api/dataValueSets?strictDataElements=true", &payload);
    assert_eq!(codes(&summary), vec![("E7633".to_string(), json!([2]))]);
    assert_eq!(
        summary["conflicts"][0]["value"],
        format!("Data element: `{DE_F}` is not part of dataset: ``")
    );
    assert_eq!(counts(&summary), [2, 0, 1, 0]);
    let summary =
        World::new("2.39.2").import("/api/dataValueSets?strictDataElements=true", &payload);
    assert!(summary["conflicts"][0]["value"]
        .as_str()
        .is_some_and(|text| text.contains("is not part of dataset(s)")));
}
