//! Events and tracker across versions: the old `/api/events` and `/api/trackedEntityInstances`
//! (gone in 2.42) and the new `/api/tracker` (2.36+), checked against the recorded shapes.

mod data_support;

use data_support::*;
use dhis2_sim::metadata::MetadataStore;
use dhis2_sim::tracker::TrackerStore;
use dhis2_sim::{SimResponse, SimVersion};
use serde_json::{json, Value};

struct Instance {
    at: SimVersion,
    metadata: MetadataStore,
    tracker: TrackerStore,
}

impl Instance {
    fn new(at: &str) -> Self {
        let at = version(at);
        let mut metadata = MetadataStore::new(at, &[admin()]);
        insert_metadata(
            &mut metadata,
            &read_reference("payloads/setup/metadata.json"),
        );
        insert_metadata(
            &mut metadata,
            &read_reference("payloads/setup/tracker_metadata.json"),
        );
        Instance {
            at,
            metadata,
            tracker: TrackerStore::new(),
        }
    }

    fn try_send(&mut self, method: &str, url: &str, body: &Value) -> Option<SimResponse> {
        let bytes = serde_json::to_vec(body).unwrap();
        let (tracker, metadata) = (&mut self.tracker, &mut self.metadata);
        let mut answer = None;
        call_optional(self.at, method, url, &bytes, |ctx| {
            answer = tracker.handle(ctx, metadata);
        });
        answer
    }

    fn send(&mut self, method: &str, url: &str, body: &Value) -> (u16, Value) {
        let response = self
            .try_send(method, url, body)
            .unwrap_or_else(|| panic!("{method} {url} not handled"));
        (response.status, json_of(&response))
    }
}

/// Like `call`, for handlers that may decline.
fn call_optional(
    at: SimVersion,
    method: &str,
    url: &str,
    body: &[u8],
    handler: impl FnOnce(&dhis2_sim::RequestContext),
) {
    call(at, method, url, body, |ctx| {
        handler(ctx);
        Some(SimResponse::empty(200))
    });
}

fn old_events() -> Value {
    read_reference("payloads/tracker/events/events.json")
}

fn new_events() -> Value {
    read_reference("payloads/tracker/importer/events/events.json")
}

#[test]
fn old_event_import_answers_import_summaries_in_a_web_message() {
    let recorded = read_reference("recorded/imports/tracker-importer/event-ok-old.json");
    for at in ["2.30", "2.35", "2.41"] {
        let mut instance = Instance::new(at);
        let (status, body) = instance.send("POST", "/api/events", &old_events());
        assert_eq!(status, 200, "{at}: {body}");
        assert_eq!(keys(&body), keys(&recorded));
        assert_eq!(body["message"], "Import was successful.");
        let response = &body["response"];
        assert_eq!(keys(response), keys(&recorded["response"]));
        assert_eq!(response["imported"], 4);
        assert_eq!(response["total"], 4);
        let mut references: Vec<&str> = response["importSummaries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["reference"].as_str().unwrap())
            .collect();
        references.sort();
        assert_eq!(
            references,
            ["XVPPQHHIE1q", "lwBnlOXhd9P", "pHhZHG4go5k", "uairHTqZ5ye"]
        );
        let summary = &response["importSummaries"][0];
        if at == "2.30" {
            assert!(summary.get("conflicts").is_none(), "2.30 omits empty lists");
        } else {
            assert_eq!(
                keys(summary),
                keys(&recorded["response"]["importSummaries"][0])
            );
        }
        assert!(summary["href"]
            .as_str()
            .unwrap()
            .starts_with("http://127.0.0.1:8080/api/events/"));
    }
}

#[test]
fn old_api_reads_strategy_not_import_strategy() {
    let mut instance = Instance::new("2.38");
    instance.send("POST", "/api/events", &old_events());
    let (status, body) = instance.send("POST", "/api/events?importStrategy=CREATE", &old_events());
    assert_eq!(status, 200);
    assert_eq!(body["response"]["updated"], 4);
    let (status, body) = instance.send("POST", "/api/events?strategy=CREATE", &old_events());
    assert_eq!(status, 409);
    assert_eq!(body["status"], "ERROR");
    assert_eq!(
        body["message"],
        "An error occurred, please check import summary."
    );
    assert_eq!(body["response"]["ignored"], 4);
    let (_, body) = instance.send("POST", "/api/events?strategy=DELETE", &old_events());
    assert_eq!(body["response"]["deleted"], 4);
    assert_eq!(instance.tracker.event_count(), 0);
}

#[test]
fn old_event_errors_give_descriptions_and_conflicts() {
    let recorded = read_reference("recorded/imports/tracker-importer/event-conflict-old.json");
    let mut instance = Instance::new("2.36");
    let mut events = old_events();
    events["events"][0]["orgUnit"] = json!("NoSuchUnit1");
    events["events"][1]["dataValues"][0]["value"] = json!("not a number");
    let (status, body) = instance.send("POST", "/api/events", &events);
    assert_eq!(status, 409);
    let summaries = body["response"]["importSummaries"].as_array().unwrap();
    let failed: Vec<&Value> = summaries
        .iter()
        .filter(|s| s["status"] == "ERROR")
        .collect();
    assert_eq!(failed.len(), 2);
    assert_eq!(
        keys(failed[0]),
        keys(&recorded["response"]["importSummaries"][0])
    );
    assert_eq!(
        failed[0]["description"],
        "Event.orgUnit does not point to a valid organisation unit: NoSuchUnit1"
    );
    assert_eq!(
        failed[1]["conflicts"][0],
        json!({"object": "BuZ5LGNfGEU", "value": "value_not_numeric"})
    );
    assert_eq!(body["response"]["imported"], 2);
}

#[test]
fn old_event_export_has_pager_and_old_names_until_2_41() {
    let mut instance = Instance::new("2.41");
    instance.send("POST", "/api/events", &old_events());
    let (status, body) = instance.send(
        "GET",
        "/api/events?program=Zd2rkv8FsWq&orgUnit=ImspTQPwCqd&ouMode=DESCENDANTS&pageSize=3",
        &Value::Null,
    );
    assert_eq!(status, 200);
    assert_eq!(body["pager"]["pageSize"], 3);
    let events = body["events"].as_array().unwrap();
    assert_eq!(events.len(), 3);
    assert!(events[0].get("eventDate").is_some() && events[0].get("occurredAt").is_none());
    assert_eq!(events[0]["orgUnitName"], "Bo");
    let (_, all) = instance.send(
        "GET",
        "/api/events.json?program=Zd2rkv8FsWq&orgUnit=O6uvpzGd5pu&skipPaging=true",
        &Value::Null,
    );
    assert!(all.get("pager").is_none());
    assert_eq!(all["events"].as_array().unwrap().len(), 4);
    let (_, one) = instance.send("GET", "/api/events/uairHTqZ5ye", &Value::Null);
    assert_eq!(one["dataValues"].as_array().unwrap().len(), 4);

    let mut removed = Instance::new("2.42");
    assert!(removed
        .try_send("GET", "/api/events?program=Zd2rkv8FsWq", &Value::Null)
        .is_none());
    assert!(removed
        .try_send("POST", "/api/trackedEntityInstances", &json!({}))
        .is_none());
}

#[test]
fn old_tracked_entity_import_nests_enrollment_and_event_summaries() {
    let mut instance = Instance::new("2.39");
    let payload = read_reference(
        "payloads/tracker/importer/trackedEntities/trackedEntitiesWithEnrollmentsAndEvents.json",
    );
    let old = json!({ "trackedEntityInstances": payload["trackedEntities"].as_array().unwrap().iter()
        .map(|te| dhis2_sim::tracker::convert::to_old(te, dhis2_sim::tracker::convert::Kind::TrackedEntity)).collect::<Vec<_>>() });
    let (status, body) = instance.send("POST", "/api/trackedEntityInstances", &old);
    assert_eq!(status, 200, "{body}");
    let first = &body["response"]["importSummaries"][0];
    assert_eq!(first["enrollments"]["responseType"], "ImportSummaries");
    assert_eq!(
        first["enrollments"]["importSummaries"][0]["events"]["imported"],
        1
    );

    let (status, missing) = instance.send(
        "GET",
        "/api/trackedEntityInstances?program=f1AyMswryyQ",
        &Value::Null,
    );
    assert_eq!(status, 409);
    assert_eq!(
        missing["message"],
        "At least one organisation unit must be specified"
    );
    let (_, listed) = instance.send(
        "GET",
        "/api/trackedEntityInstances?ou=O6uvpzGd5pu&program=f1AyMswryyQ&fields=*",
        &Value::Null,
    );
    let entities = listed["trackedEntityInstances"].as_array().unwrap();
    assert_eq!(entities.len(), 2);
    assert!(entities[0].get("trackedEntityInstance").is_some());
    assert!(entities[0]["enrollments"][0]
        .get("enrollmentDate")
        .is_some());
}

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
    let (_, notes) = old.send("GET", &format!("/api/tracker/jobs/{id}"), &Value::Null);
    assert_eq!(notes[0]["completed"], true);
    assert_eq!(
        notes[0]["message"],
        "Import complete with status OK, 4 created, 0 updated, 0 deleted, 0 ignored"
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
        let (status, _) = instance.send(
            "GET",
            "/api/tracker/trackedEntities?orgUnit=O6uvpzGd5pu",
            &Value::Null,
        );
        assert_eq!(status, 400);
    }
}
