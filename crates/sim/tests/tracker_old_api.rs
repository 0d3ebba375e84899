//! The old tracker API (2.30–2.41, gone in 2.42): `/api/events`, `/api/trackedEntityInstances`,
//! `/api/enrollments`, checked against the recorded shapes.

mod data_support;

use data_support::tracker::*;
use data_support::*;
use serde_json::{json, Value};

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
