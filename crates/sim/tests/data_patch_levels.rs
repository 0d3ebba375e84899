//! Where the data value API answers differently from one DHIS2 patch to the next, each case
//! posted as dhis2-core's own tests post it and expected as they (or the source at the tag)
//! assert. Versions are patch-exact: `2.38.5` and `2.38.6` are different servers.

mod data_support;

use data_support::world::*;
use data_support::{admin, json_of};
use serde_json::{json, Value};

/// `DataValueSetServiceTest.testImportDataValuesIgnoredSkipNoChange` (renamed from
/// `…UpdatedSkipNoChange` by DHIS2-15254): `dataValueSetA.xml` imported twice. The second import
/// counts the three unchanged values as ignored from 2.38.6, 2.39.5, 2.40.3 and 2.41.0
/// (`dataValueUpdateShouldBeIgnored`), as updated before; a changed value is updated everywhere.
#[test]
fn identical_reimport_is_updated_until_dhis2_15254_and_ignored_after() {
    let cases = [
        ("2.30", [0, 3, 0, 0]),
        ("2.36", [0, 3, 0, 0]),
        ("2.37.10", [0, 3, 0, 0]),
        ("2.38.5", [0, 3, 0, 0]),
        ("2.38.6", [0, 0, 3, 0]),
        ("2.39.4", [0, 3, 0, 0]),
        ("2.39.5", [0, 0, 3, 0]),
        ("2.40.2", [0, 3, 0, 0]),
        ("2.40.3", [0, 0, 3, 0]),
        ("2.41.0", [0, 0, 3, 0]),
        ("2.42", [0, 0, 3, 0]),
    ];
    for (at, expected) in cases {
        let mut world = World::new(at);
        let first = world.import("/api/dataValueSets", &set_a());
        assert_eq!(counts(&first), [3, 0, 0, 0], "{at}: {first}");
        let again = world.import("/api/dataValueSets", &set_a());
        assert_eq!(counts(&again), expected, "{at}: {again}");
        assert_eq!(again["status"], "SUCCESS", "{at}");

        let mut changed = set_a();
        changed["dataValues"][0]["value"] = json!("20001");
        let third = world.import("/api/dataValueSets", &changed);
        // The two values left as they were follow the same rule.
        let unchanged_updated = if expected[1] == 3 { 2 } else { 0 };
        assert_eq!(
            third["importCount"]["updated"],
            1 + unchanged_updated,
            "{at}"
        );
    }
}

/// `DataValueSetImportValidatorTest.testValidateDataSetExists` (E7600, objects `{dataSet}`) and
/// `DefaultDataValueSetService.importDataValueSet`: an unknown header data set aborts before any
/// value is read — status ERROR, "Import process was aborted", an empty `ImportCount`, nothing
/// stored; 2.38+ wrap it in the 409 "An error occurred, please check import summary.".
#[test]
fn unknown_header_data_set_aborts_before_reading_values() {
    let mut payload = set_a();
    payload["dataSet"] = json!("NoSuchDSet1");
    for at in ["2.30", "2.36", "2.37", "2.38.6", "2.41", "2.42"] {
        let mut world = World::new(at);
        let answer = world.send_as(&user_a(), "POST", "/api/dataValueSets", &payload);
        let body = json_of(&answer);
        let summary = if world.at.minor >= 38 {
            assert_eq!(answer.status, 409, "{at}");
            assert_eq!(body["status"], "ERROR", "{at}");
            assert_eq!(
                body["message"],
                "An error occurred, please check import summary."
            );
            body["response"].clone()
        } else {
            assert_eq!(answer.status, 200, "{at}");
            body
        };
        assert_eq!(summary["status"], "ERROR", "{at}");
        assert_eq!(summary["description"], "Import process was aborted");
        assert_eq!(counts(&summary), [0, 0, 0, 0], "{at}: {summary}");
        assert_eq!(world.values.len(), 0, "{at}");
        let conflict = &summary["conflicts"][0];
        if world.at.minor >= 37 {
            assert_eq!(
                conflict,
                &json!({ "object": "NoSuchDSet1", "objects": { "dataSet": "NoSuchDSet1" },
                         "value": "Data set not found or not accessible: `NoSuchDSet1`",
                         "errorCode": "E7600", "property": "dataSet" })
            );
        } else {
            assert_eq!(
                conflict,
                &json!({ "object": "NoSuchDSet1", "value": "Data set not found or not accessible" })
            );
        }
        if world.at.minor >= 41 || (world.at.minor == 39 && world.at.patch >= 2) {
            assert_eq!(summary["rejectedIndexes"], json!([]), "{at}");
        }
    }
}

/// `DataValueImportConflict` / `DataValueSetImportConflict` with `ImportConflict.createConflict`:
/// `objects` is keyed by the schema's singular name of each object's class, whatever the
/// property (`DataValueSetImportValidatorTest.testValidateDataSetOrgUnitExists`,
/// `…AttrOptionComboExists`, `testValidateDataValueOrgUnitExists`, `…AttrOptionComboExists`,
/// `testValidateDataValueIsDefined`).
#[test]
fn conflict_objects_are_keyed_by_the_schema_singular() {
    let mut world = World::new("2.41");
    let mut header = set_a();
    header["orgUnit"] = json!("NoSuchUnit1");
    let summary = world.import("/api/dataValueSets", &header);
    assert_eq!(
        summary["conflicts"][0]["objects"],
        json!({ "organisationUnit": "NoSuchUnit1", "dataSet": DS_A })
    );
    assert_eq!(summary["conflicts"][0]["property"], "orgUnit");

    let mut header = set_a();
    header["attributeOptionCombo"] = json!("NoSuchAoc01");
    let summary = world.import("/api/dataValueSets", &header);
    assert_eq!(
        summary["conflicts"][0]["objects"],
        json!({ "categoryOptionCombo": "NoSuchAoc01", "dataSet": DS_A })
    );
    assert_eq!(summary["conflicts"][0]["errorCode"], "E7604");

    let values = json!({ "dataSet": DS_A, "dataValues": [
        { "dataElement": DE_A, "period": "201201", "orgUnit": "NoSuchUnit1", "value": "1" },
        { "dataElement": DE_A, "period": "201201", "orgUnit": OU_A, "value": "1",
          "attributeOptionCombo": "NoSuchAoc01" },
        { "dataElement": DE_A, "period": "201201", "orgUnit": OU_A } ] });
    let summary = world.import("/api/dataValueSets", &values);
    let objects: Vec<(Value, Value)> = summary["conflicts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["errorCode"].clone(), c["objects"].clone()))
        .collect();
    assert_eq!(
        objects,
        vec![
            (json!("E7612"), json!({ "organisationUnit": "NoSuchUnit1" })),
            (
                json!("E7615"),
                json!({ "categoryOptionCombo": "NoSuchAoc01" })
            ),
            (json!("E7618"), json!({ "dataElement": DE_A })),
        ]
    );
}

/// `DataValueSetServiceExportTest.testMissingDataSetElementGroup` (E2001),
/// `testMissingPeriodStartEndDate` (E2002), `testMissingOrgUnit` (E2006),
/// `testAtLestOneOrgUnitWithChildren` (E2008): 2.35 turned the plain
/// violations of `validate` into `ErrorCode`s, and the 409 WebMessage carries `errorCode` from
/// then on (`CrudControllerAdvice` → `conflict(message, errorCode)`); 2.30–2.34 say it in words.
#[test]
fn export_parameter_errors_carry_their_error_code_from_2_35() {
    let cases = [
        (
            "/api/dataValueSets?orgUnit=DiszpKrYNg8&period=201201",
            "E2001",
            "At least one data element, data set or data element group must be specified",
            "At least one valid data set or data element group must be specified",
        ),
        (
            "/api/dataValueSets?dataSet=pBOMPrpg1QX&orgUnit=DiszpKrYNg8",
            "E2002",
            "At least one period, start/end dates, last updated or last updated duration must be specified",
            "At least one valid period, start/end dates, last updated or last updated duration must be specified",
        ),
        (
            "/api/dataValueSets?dataSet=pBOMPrpg1QX&period=201201",
            "E2006",
            "At least one organisation unit or organisation unit group must be specified",
            "At least one valid organisation unit or organisation unit group must be specified",
        ),
        // `testAtLestOneOrgUnitWithChildren` (there with a group, here with no org unit at all:
        // E2006 then E2008, and the last violation found is the one thrown).
        (
            "/api/dataValueSets?dataSet=pBOMPrpg1QX&period=201201&children=true",
            "E2008",
            "At least one organisation unit must be specified when children are included",
            "At least one valid organisation unit must be specified when children is included",
        ),
    ];
    for at in ["2.30", "2.34.9", "2.35.0", "2.36", "2.38", "2.42"] {
        let mut world = World::new(at);
        for (url, code, modern, legacy) in cases {
            let answer = world.send_as(&admin(), "GET", url, &Value::Null);
            assert_eq!(answer.status, 409, "{at} {url}");
            let body = json_of(&answer);
            assert_eq!(body["httpStatus"], "Conflict");
            assert_eq!(body["status"], "ERROR");
            if world.at.minor >= 35 {
                assert_eq!(body["errorCode"], code, "{at} {url}");
                assert_eq!(body["message"], modern, "{at} {url}");
            } else {
                assert!(body.get("errorCode").is_none(), "{at} {url}: {body}");
                assert_eq!(body["message"], legacy, "{at} {url}");
            }
        }
    }
}

/// `StreamingJsonDataValueSet` (2.30–2.37) opens `dataValues` with the first value and skips
/// null header fields: an empty export is `{}`, a single-set export its header alone;
/// `JsonDataValueSetWriter` (2.38+) always writes `dataValues` and the header's `completeDate`,
/// null when the set is not complete (`DataValueSetServiceExportTest.testExportBasic` reads it).
#[test]
fn empty_exports_have_each_writers_shape() {
    let many = "/api/dataValueSets?dataSet=pBOMPrpg1QX&period=201201&orgUnit=DiszpKrYNg8&orgUnit=BdfsJfj87js";
    let single = "/api/dataValueSets?dataSet=pBOMPrpg1QX&period=201201&orgUnit=DiszpKrYNg8";
    for (at, many_body, single_body) in [
        (
            "2.30",
            json!({}),
            json!({ "dataSet": DS_A, "period": "201201", "orgUnit": OU_A }),
        ),
        (
            "2.36",
            json!({}),
            json!({ "dataSet": DS_A, "period": "201201", "orgUnit": OU_A }),
        ),
        (
            "2.37.10",
            json!({}),
            json!({ "dataSet": DS_A, "period": "201201", "orgUnit": OU_A }),
        ),
        (
            "2.38.0",
            json!({ "dataValues": [] }),
            json!({ "dataSet": DS_A, "completeDate": null, "period": "201201",
                    "orgUnit": OU_A, "dataValues": [] }),
        ),
        (
            "2.42",
            json!({ "dataValues": [] }),
            json!({ "dataSet": DS_A, "completeDate": null, "period": "201201",
                    "orgUnit": OU_A, "dataValues": [] }),
        ),
    ] {
        let mut world = World::new(at);
        let answer = world.send_as(&admin(), "GET", many, &Value::Null);
        assert_eq!(answer.status, 200, "{at}");
        assert_eq!(json_of(&answer), many_body, "{at}");
        let answer = world.send_as(&admin(), "GET", single, &Value::Null);
        assert_eq!(json_of(&answer), single_body, "{at}");
    }
}

/// `DataValueSetControllerTest.testPostJsonDataValueSet_Pre38` (2.38–2.41): `/api/37/…` answers
/// the plain `ImportSummary`; 2.42 dropped `withPlainResponseBefore(V38)` (and that test): every
/// API version gets the WebMessage (`testPostJsonDataValueSet`).
#[test]
fn api_37_answers_plain_until_2_41_and_the_web_message_in_2_42() {
    for (at, plain) in [
        ("2.37", true),
        ("2.38", true),
        ("2.41.9", true),
        ("2.42", false),
    ] {
        let mut world = World::new(at);
        let answer = world.send_as(&admin(), "POST", "/api/37/dataValueSets", &json!({}));
        assert_eq!(answer.status, 200, "{at}");
        let body = json_of(&answer);
        if plain {
            assert_eq!(body["responseType"], "ImportSummary", "{at}");
            assert_eq!(body["status"], "SUCCESS", "{at}");
        } else {
            assert_eq!(body["httpStatus"], "OK", "{at}");
            assert_eq!(body["message"], "Import was successful.");
            assert_eq!(body["response"]["responseType"], "ImportSummary");
        }
        let answer = world.send_as(&admin(), "POST", "/api/38/dataValueSets", &json!({}));
        let body = json_of(&answer);
        if world.at.minor >= 38 {
            assert_eq!(body["message"], "Import was successful.", "{at}");
        } else {
            assert_eq!(body["responseType"], "ImportSummary", "{at}");
        }
    }
}
