//! `POST /api/metadata`: report shapes per version, reference checks, atomic modes,
//! identifiers, strategies, validation-only imports and async jobs.

mod metadata_common;

use metadata_common::*;
use serde_json::{json, Value};

fn data_element(id: &str, name: &str, combo: &str) -> Value {
    json!({ "id": id, "name": name, "shortName": name, "code": name.to_uppercase().replace(' ', "_"),
            "valueType": "NUMBER", "domainType": "AGGREGATE", "aggregationType": "SUM",
            "categoryCombo": { "id": combo } })
}

fn dangling_payload() -> Value {
    json!({ "dataElements": [
        data_element("deGood00001", "Good one", "bjDvmb4bfuf"),
        data_element("deBad000001", "Bad one", "xxxxxxxxxxx"),
    ] })
}

#[test]
fn report_shape_follows_the_version() {
    let payload = json!({ "dataElements": [data_element("deShape0001", "Shape", "bjDvmb4bfuf")] });
    for minor in 30..=42 {
        let mut sim = Instance::new(minor);
        let response = sim.request(
            "POST",
            "/api/metadata",
            &serde_json::to_vec(&payload).unwrap(),
        );
        let body = response.body_json().unwrap();
        assert_eq!(response.status, 200, "2.{minor}");
        match minor {
            30..=36 => {
                assert!(body.get("importParams").is_some(), "2.{minor}: {body}");
                assert_eq!(body["importParams"]["username"], "admin");
                assert!(body.get("responseType").is_none());
                assert_eq!(body["stats"]["created"], 1);
            }
            37 => {
                assert_eq!(body["responseType"], "ImportReport", "2.{minor}");
                assert!(body.get("importParams").is_none());
                assert!(body.get("httpStatusCode").is_none());
            }
            _ => {
                assert_eq!(body["httpStatusCode"], 200, "2.{minor}");
                assert_eq!(body["status"], "OK");
                assert_eq!(body["response"]["responseType"], "ImportReport");
                assert_eq!(body["response"]["stats"]["created"], 1);
            }
        }
        let type_report = &report_of(&body)["typeReports"][0];
        assert_eq!(
            type_report["klass"],
            "org.hisp.dhis.dataelement.DataElement"
        );
        // Empty lists are omitted before 2.35 (§0.1) and written from 2.35.
        assert_eq!(
            type_report.get("objectReports").is_some(),
            minor >= 35,
            "2.{minor}"
        );
    }
}

#[test]
fn api_37_on_newer_servers_answers_plain() {
    let mut sim = Instance::new(40);
    let payload = dangling_payload();
    let response = sim.request(
        "POST",
        "/api/37/metadata",
        &serde_json::to_vec(&payload).unwrap(),
    );
    assert_eq!(response.status, 200);
    let body = response.body_json().unwrap();
    assert_eq!(body["responseType"], "ImportReport");
    assert_eq!(body["status"], "ERROR");
}

#[test]
fn dangling_reference_gives_e5002_and_atomic_all_commits_nothing() {
    for minor in [30, 35, 36, 38, 41, 42] {
        let mut sim = Instance::new(minor);
        let response = sim.request(
            "POST",
            "/api/metadata",
            &serde_json::to_vec(&dangling_payload()).unwrap(),
        );
        let body = response.body_json().unwrap();
        let report = report_of(&body);
        assert_eq!(report["status"], "ERROR", "2.{minor}");
        if minor >= 38 {
            assert_eq!(response.status, 409);
            assert_eq!(body["status"], "WARNING");
            assert_eq!(body["httpStatus"], "Conflict");
        } else {
            assert_eq!(response.status, 200);
        }
        let error = &report["typeReports"][0]["objectReports"][0]["errorReports"][0];
        assert_eq!(error["errorCode"], "E5002", "2.{minor}: {error}");
        assert_eq!(error["mainKlass"], "org.hisp.dhis.dataelement.DataElement");
        assert_eq!(error["errorKlass"], "org.hisp.dhis.category.CategoryCombo");
        assert_eq!(error["errorProperty"], "categoryCombo");
        assert_eq!(error["mainId"], "deBad000001");
        assert_eq!(
            error["message"],
            "Invalid reference [xxxxxxxxxxx] (CategoryCombo) on object Bad one [deBad000001] (DataElement) for association `categoryCombo`."
        );
        assert_eq!(
            error.get("errorProperties").is_some(),
            minor >= 35,
            "2.{minor}"
        );
        assert_eq!(error.get("args").is_some(), minor >= 41, "2.{minor}");
        assert_eq!(report["stats"]["created"], 0);
        assert_eq!(report["stats"]["ignored"], 1);
        assert!(
            sim.store.get("dataElements", "deGood00001").is_none(),
            "2.{minor}: ALL must commit nothing"
        );
    }
}

#[test]
fn atomic_none_commits_the_valid_objects() {
    let mut sim = Instance::new(39);
    let body = sim.import(&dangling_payload(), "atomicMode=NONE");
    let report = report_of(&body);
    assert_eq!(report["status"], "WARNING");
    assert_eq!(report["stats"]["created"], 1);
    assert_eq!(report["stats"]["ignored"], 1);
    assert!(sim.store.get("dataElements", "deGood00001").is_some());
    assert!(sim.store.get("dataElements", "deBad000001").is_none());
}

#[test]
fn validate_mode_commits_nothing() {
    let mut sim = Instance::new(38);
    let payload =
        json!({ "dataElements": [data_element("deValid0001", "Validated", "bjDvmb4bfuf")] });
    let body = sim.import(&payload, "importMode=VALIDATE");
    assert_eq!(report_of(&body)["status"], "OK");
    assert!(sim.store.get("dataElements", "deValid0001").is_none());
}

#[test]
fn code_identifier_matches_existing_objects_and_references() {
    let mut sim = Instance::new(36);
    sim.import(
        &json!({ "dataElements": [data_element("deCode00001", "Coded", "bjDvmb4bfuf")] }),
        "",
    );
    // Same code, other UID: with identifier=CODE it updates the existing object.
    let mut renamed = data_element("deOther0001", "Coded", "bjDvmb4bfuf");
    renamed["formName"] = json!("Renamed by code");
    let group = json!({ "id": "degCode0001", "name": "By code", "shortName": "By code",
                        "dataElements": [{ "code": "CODED" }] });
    let body = sim.import(
        &json!({ "dataElements": [renamed], "dataElementGroups": [group] }),
        "identifier=CODE",
    );
    let report = report_of(&body);
    assert_eq!(report["status"], "OK", "{body}");
    assert_eq!(report["stats"]["updated"], 1);
    assert_eq!(
        sim.store.get("dataElements", "deCode00001").unwrap()["formName"],
        "Renamed by code"
    );
    assert!(sim.store.get("dataElements", "deOther0001").is_none());
    let stored_group = sim.store.get("dataElementGroups", "degCode0001").unwrap();
    assert_eq!(
        stored_group["dataElements"],
        json!([{ "id": "deCode00001" }])
    );
}

#[test]
fn strategies_reject_what_they_cannot_do() {
    let mut sim = Instance::new(41);
    let payload =
        json!({ "dataElements": [data_element("deStrat0001", "Strategy", "bjDvmb4bfuf")] });
    let update_missing = sim.import(&payload, "importStrategy=UPDATE");
    assert_eq!(error_messages(&update_missing).len(), 1);
    assert!(
        error_messages(&update_missing)[0].starts_with("E5001"),
        "{update_missing}"
    );
    sim.import(&payload, "importStrategy=CREATE");
    let create_again = sim.import(&payload, "importStrategy=CREATE");
    assert!(
        error_messages(&create_again)[0].starts_with("E5000"),
        "{create_again}"
    );
    let delete = sim.import(&payload, "importStrategy=DELETE");
    assert_eq!(report_of(&delete)["stats"]["deleted"], 1);
    assert!(sim.store.get("dataElements", "deStrat0001").is_none());
    let deleted = sim.get_json("/api/deletedObjects?klass=DataElement");
    assert_eq!(deleted["deletedObjects"][0]["uid"], "deStrat0001");
    assert_eq!(deleted["deletedObjects"][0]["klass"], "DataElement");
    assert_eq!(deleted["pager"]["total"], 1);
    let later = sim.get_json("/api/deletedObjects?klass=DataElement&deletedAt=2999-01-01");
    assert_eq!(later["deletedObjects"], json!([]));
}

#[test]
fn required_and_unique_properties_are_checked() {
    let mut sim = Instance::new(33);
    let mut nameless = data_element("deNoName001", "x", "bjDvmb4bfuf");
    nameless.as_object_mut().unwrap().remove("name");
    let body = sim.import(&json!({ "dataElements": [nameless] }), "");
    let errors = error_messages(&body);
    assert_eq!(
        errors,
        vec!["E4000 Missing required property `name`.".to_string()]
    );
    sim.import(
        &json!({ "dataElements": [data_element("deUnique001", "Unique", "bjDvmb4bfuf")] }),
        "",
    );
    let clash = sim.import(
        &json!({ "dataElements": [data_element("deUnique002", "Unique", "bjDvmb4bfuf")] }),
        "",
    );
    let errors = error_messages(&clash);
    assert!(errors.iter().all(|e| e.starts_with("E5003")), "{errors:?}");
    assert!(
        errors
            .iter()
            .any(|e| e.contains("Property `name` with value `Unique`")),
        "{errors:?}"
    );
    let skipped = sim.import(
        &json!({ "dataElements": [data_element("deUnique003", "Unique", "bjDvmb4bfuf")] }),
        "skipValidation=true",
    );
    assert!(error_messages(&skipped).is_empty());
}

#[test]
fn async_import_is_served_by_tasks_and_summaries() {
    for minor in [30, 38, 41] {
        let mut sim = Instance::new(minor);
        let payload =
            json!({ "dataElements": [data_element("deAsync0001", "Async", "bjDvmb4bfuf")] });
        let response = sim.request(
            "POST",
            "/api/metadata?async=true",
            &serde_json::to_vec(&payload).unwrap(),
        );
        assert_eq!(response.status, 200);
        assert_eq!(
            response.header("Location").is_some(),
            minor >= 41,
            "2.{minor}"
        );
        let body = response.body_json().unwrap();
        assert_eq!(body["response"]["jobType"], "METADATA_IMPORT");
        let endpoint = body["response"]["relativeNotifierEndpoint"]
            .as_str()
            .unwrap()
            .to_string();
        let id = body["response"]["id"].as_str().unwrap().to_string();
        let notifications = sim.get_json(&endpoint);
        assert_eq!(notifications[0]["completed"], true, "2.{minor}");
        let summary = sim.get_json(&format!("/api/system/taskSummaries/METADATA_IMPORT/{id}"));
        assert_eq!(summary["stats"]["created"], 1, "2.{minor}");
        assert!(summary.get("importParams").is_some());
        assert!(sim.store.get("dataElements", "deAsync0001").is_some());
    }
}

#[test]
fn users_are_flattened_from_238_and_credentials_are_accepted() {
    let role = json!({ "id": "roleUser001", "name": "Clerk", "authorities": ["F_DATAVALUE_ADD"] });
    let legacy_user = json!({ "id": "userLegacy1", "firstName": "Ada", "surname": "Lovelace",
        "userCredentials": { "username": "ada", "password": "Secret123!", "userRoles": [{ "id": "roleUser001" }] } });
    for minor in [35, 37, 38, 42] {
        let mut sim = Instance::new(minor);
        let body = sim.import(
            &json!({ "userRoles": [role.clone()], "users": [legacy_user.clone()] }),
            "",
        );
        assert!(error_messages(&body).is_empty(), "2.{minor}: {body}");
        let user = sim.get_json("/api/users/userLegacy1?fields=:owner");
        if minor >= 38 {
            assert_eq!(user["username"], "ada", "2.{minor}: {user}");
            assert_eq!(user["userRoles"], json!([{ "id": "roleUser001" }]));
        } else {
            assert_eq!(
                user["userCredentials"]["username"], "ada",
                "2.{minor}: {user}"
            );
        }
        assert!(
            user.get("password").is_none() && user["userCredentials"].get("password").is_none()
        );
        let twin = json!({ "id": "userTwin001", "firstName": "Ada", "surname": "Twin",
            "userCredentials": { "username": "ada", "userRoles": [{ "id": "roleUser001" }] } });
        let body = sim.import(&json!({ "users": [twin] }), "");
        let errors = error_messages(&body);
        assert!(
            errors.len() == 1 && errors[0].starts_with("E5003") && errors[0].contains("`ada`"),
            "2.{minor}: {errors:?}"
        );
        let dangling = json!({ "id": "userLegacy2", "firstName": "B", "surname": "C",
            "userCredentials": { "username": "bc", "userRoles": [{ "id": "roleMissing" }] } });
        let body = sim.import(&json!({ "users": [dangling] }), "");
        assert!(
            error_messages(&body).iter().any(|e| e.starts_with("E5002")),
            "2.{minor}: {body}"
        );
    }
}

#[test]
fn single_object_endpoints_create_update_and_delete() {
    let mut sim = Instance::new(40);
    let created = sim.request(
        "POST",
        "/api/dataElements",
        &serde_json::to_vec(&data_element("deSingle001", "Single", "bjDvmb4bfuf")).unwrap(),
    );
    assert_eq!(created.status, 201);
    let body = created.body_json().unwrap();
    assert_eq!(body["response"]["responseType"], "ObjectReport");
    assert_eq!(body["response"]["uid"], "deSingle001");
    let mut changed = data_element("deSingle001", "Single renamed", "bjDvmb4bfuf");
    changed.as_object_mut().unwrap().remove("id");
    let updated = sim.request(
        "PUT",
        "/api/dataElements/deSingle001",
        &serde_json::to_vec(&changed).unwrap(),
    );
    assert_eq!(updated.status, 200);
    assert_eq!(
        sim.store.get("dataElements", "deSingle001").unwrap()["name"],
        "Single renamed"
    );
    assert_eq!(
        sim.request("DELETE", "/api/dataElements/deSingle001", b"")
            .status,
        200
    );
    assert_eq!(
        sim.request("GET", "/api/dataElements/deSingle001", b"")
            .status,
        404
    );
}
