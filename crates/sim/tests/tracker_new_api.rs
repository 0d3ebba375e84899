//! The new tracker API (2.36+): `POST /api/tracker` reports and jobs, and the exports with
//! their 2.36–2.40 and 2.41+ envelopes, checked against the recorded shapes.

mod data_support;

use data_support::tracker::*;
use data_support::*;
use serde_json::{json, Value};

#[test]
fn new_tracker_sync_report_per_version() {
    let recorded = read_reference("recorded/imports/tracker-importer/event-ok-new.json");
    let mut early = Instance::new("2.36");
    assert!(Instance::new("2.35")
        .try_send("POST", "/api/tracker?async=false", &new_events())
        .is_none());
    let (status, body) = early.send("POST", "/api/tracker?async=false", &new_events());
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "OK");
    assert_eq!(body["stats"]["created"], 4);
    assert_eq!(
        keys(&body["validationReport"]),
        keys(&recorded["validationReport"]),
        "reportMode=ERRORS leaves the warnings out"
    );
    assert_eq!(keys(&body["bundleReport"]), keys(&recorded["bundleReport"]));
    let event_report = &body["bundleReport"]["typeReportMap"]["EVENT"];
    assert_eq!(
        keys(&event_report["objectReports"][0]),
        keys(&recorded["bundleReport"]["typeReportMap"]["EVENT"]["objectReports"][0])
    );
    assert_eq!(event_report["stats"]["created"], 4);

    let mut late = Instance::new("2.41");
    let (_, body) = late.send(
        "POST",
        "/api/tracker?async=false&reportMode=FULL",
        &new_events(),
    );
    assert!(body["bundleReport"].get("status").is_none());
    assert_eq!(body["validationReport"]["warningReports"], json!([]));
    assert!(body.get("timingsStats").is_none());
    assert!(
        body["bundleReport"]["typeReportMap"]["EVENT"]["objectReports"][0]
            .get("index")
            .is_none()
    );
    let (_, again) = late.send("POST", "/api/tracker?async=false", &new_events());
    assert_eq!(again["stats"]["updated"], 4);
}

#[test]
fn new_tracker_validation_errors_and_atomic_mode() {
    let recorded = read_reference("recorded/tracker/importer/jobreport-error.json");
    let mut instance = Instance::new("2.40");
    instance.metadata.insert("dataElements", json!({"id": "optDe000001", "name": "Sex (option)", "valueType": "TEXT", "optionSet": {"id": "FhjFRDxk1FG"}})).unwrap();
    let mut events = new_events();
    events["events"][0]["programStage"] = json!("NoSuchStage");
    events["events"][1]["dataValues"] = json!([{"dataElement": "optDe000001", "value": "Unknown"}]);
    events["events"][2]["dataValues"] = json!([{"dataElement": "optDe000001", "value": "TA_MALE"}]);
    let (status, body) = instance.send("POST", "/api/tracker?async=false", &events);
    assert_eq!(status, 409);
    assert_eq!(body["status"], "ERROR");
    assert!(body.get("bundleReport").is_none());
    let errors = body["validationReport"]["errorReports"].as_array().unwrap();
    assert_eq!(
        keys(&errors[0]),
        keys(&recorded["validationReport"]["errorReports"][0])
    );
    let codes: Vec<&str> = errors
        .iter()
        .map(|e| e["errorCode"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["E1013", "E1125"]);
    assert_eq!(body["stats"]["ignored"], 4);
    assert_eq!(
        instance.tracker.event_count(),
        0,
        "atomicMode=ALL commits nothing"
    );

    let (_, body) = instance.send(
        "POST",
        "/api/tracker?async=false&atomicMode=OBJECT",
        &events,
    );
    assert_eq!(body["stats"]["created"], 2);
    assert_eq!(instance.tracker.event_count(), 2);

    let unknown_type = json!({"trackedEntities": [{"trackedEntity": "Kj6vYde4LHh", "trackedEntityType": "NoSuchType1", "orgUnit": "O6uvpzGd5pu"}]});
    let (_, body) = instance.send("POST", "/api/tracker?async=false", &unknown_type);
    assert_eq!(
        body["validationReport"]["errorReports"][0]["errorCode"],
        "E1005"
    );
    assert_eq!(
        body["validationReport"]["errorReports"][0]["message"],
        "Could not find TrackedEntityType: `NoSuchType1`."
    );
}

#[test]
fn new_tracker_async_jobs_per_version() {
    let recorded = read_reference("recorded/imports/tracker-importer/job_response.json");
    let mut old = Instance::new("2.38");
    let (status, body) = old.send("POST", "/api/tracker", &new_events());
    assert_eq!(status, 200);
    assert_eq!(keys(&body), keys(&recorded));
    assert_eq!(keys(&body["response"]), keys(&recorded["response"]));
    let id = body["response"]["id"].as_str().unwrap().to_string();
    // The job runs for a poll, then ends (2.36–2.40 texts: `DefaultTrackerImportService`).
    let (_, notes) = old.send("GET", &format!("/api/tracker/jobs/{id}"), &Value::Null);
    assert_eq!(notes[0]["completed"], false);
    assert_eq!(
        notes[0]["message"],
        "(admin) Import:preheat took 0.000150 sec."
    );
    let (_, notes) = old.send("GET", &format!("/api/tracker/jobs/{id}"), &Value::Null);
    assert_eq!(notes[0]["completed"], true);
    assert_eq!(
        notes[0]["message"],
        "(admin) Import:Done took 0.001234 sec."
    );
    let (status, report) = old.send(
        "GET",
        &format!("/api/tracker/jobs/{id}/report?reportMode=ERRORS"),
        &Value::Null,
    );
    assert_eq!(status, 200);
    assert_eq!(report["stats"]["created"], 4);
    let (status, _) = old.send("GET", "/api/tracker/jobs/NoSuchJob01/report", &Value::Null);
    assert_eq!(status, 404);

    let mut new = Instance::new("2.41");
    let response = new.try_send("POST", "/api/tracker", &new_events()).unwrap();
    let body = json_of(&response);
    assert!(body["response"].get("responseType").is_none());
    assert_eq!(
        response.header("Location"),
        body["response"]["location"].as_str()
    );
}

#[test]
fn new_tracker_export_envelope_switches_at_2_41() {
    let payload = read_reference(
        "payloads/tracker/importer/trackedEntities/trackedEntitiesWithEnrollmentsAndEvents.json",
    );
    let lower = read_reference("recorded/event/new_tracker_importer_events_lower_v41.json");
    let higher =
        read_reference("recorded/event/new_tracker_importer_events_greater_equal_v41.json");
    for (at, recorded) in [("2.40", &lower), ("2.41", &higher), ("2.42", &higher)] {
        let mut instance = Instance::new(at);
        let (status, body) = instance.send("POST", "/api/tracker?async=false", &payload);
        assert_eq!(status, 200, "{at}: {body}");
        assert_eq!(
            body["stats"]["created"],
            2 + 2
                + body["bundleReport"]["typeReportMap"]["EVENT"]["stats"]["created"]
                    .as_u64()
                    .unwrap()
        );
        let (_, events) = instance.send(
            "GET",
            "/api/tracker/events?program=f1AyMswryyQ&orgUnit=O6uvpzGd5pu",
            &Value::Null,
        );
        assert_eq!(keys(&events), keys(recorded), "{at}");
        let (_, entities) = instance.send("GET", "/api/tracker/trackedEntities?program=f1AyMswryyQ&orgUnit=O6uvpzGd5pu&fields=*&totalPages=true", &Value::Null);
        let list_key = if at == "2.40" {
            "instances"
        } else {
            "trackedEntities"
        };
        let list = entities[list_key]
            .as_array()
            .unwrap_or_else(|| panic!("{at}: {entities}"));
        assert_eq!(list.len(), 2);
        assert!(list[0]["enrollments"][0]["events"]
            .as_array()
            .is_some_and(|e| !e.is_empty()));
        if at == "2.40" {
            assert_eq!(entities["total"], 2);
        } else {
            assert_eq!(entities["pager"]["total"], 2);
        }
        let (_, enrolled) = instance.send(
            "GET",
            "/api/tracker/trackedEntities?program=f1AyMswryyQ&orgUnit=O6uvpzGd5pu&enrollmentEnrolledAfter=2019-08-19&enrollmentEnrolledBefore=2019-08-19T23:59:59",
            &Value::Null,
        );
        assert_eq!(
            enrolled[list_key].as_array().map(Vec::len),
            Some(2),
            "{at}: {enrolled}"
        );
        let (_, later) = instance.send(
            "GET",
            "/api/tracker/trackedEntities?program=f1AyMswryyQ&orgUnit=O6uvpzGd5pu&enrollmentEnrolledAfter=2019-08-20",
            &Value::Null,
        );
        assert_eq!(
            later[list_key].as_array().map(Vec::len),
            Some(0),
            "{at}: {later}"
        );
        let (status, _) = instance.send(
            "GET",
            "/api/tracker/trackedEntities?orgUnit=O6uvpzGd5pu",
            &Value::Null,
        );
        assert_eq!(status, 400);
    }
}

#[test]
fn single_objects_and_old_enrollments() {
    let mut instance = Instance::new("2.41");
    let payload = read_reference(
        "payloads/tracker/importer/trackedEntities/trackedEntitiesWithEnrollmentsAndEvents.json",
    );
    instance.send("POST", "/api/tracker?async=false", &payload);
    let (status, event) = instance.send("GET", "/api/tracker/events/ZwwuwNp6gVd", &Value::Null);
    assert_eq!(status, 200);
    assert_eq!(event["enrollment"], "MNWZ6hnuhSw");
    let (status, missing) = instance.send("GET", "/api/tracker/events/NoSuchEvent", &Value::Null);
    assert_eq!(
        (status, missing["httpStatusCode"].as_u64()),
        (404, Some(404))
    );
    let (_, entity) = instance.send(
        "GET",
        "/api/tracker/trackedEntities/Kj6vYde4LHh?fields=*",
        &Value::Null,
    );
    assert_eq!(entity["enrollments"][0]["enrollment"], "MNWZ6hnuhSw");

    let (status, enrollments) = instance.send(
        "GET",
        "/api/enrollments?ou=O6uvpzGd5pu&program=f1AyMswryyQ",
        &Value::Null,
    );
    assert_eq!(status, 200);
    let list = enrollments["enrollments"].as_array().unwrap();
    assert_eq!(list.len(), 2);
    assert!(
        list[0].get("enrollmentDate").is_some() && list[0].get("trackedEntityInstance").is_some()
    );
}
