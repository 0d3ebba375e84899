//! Data values and tracker through the whole simulator (auth, dispatch, `.json` suffixes,
//! `/api/NN/` prefixes) on a demo-seeded instance.

use base64::Engine;
use dhis2_sim::{DemoSide, InstanceConfig, Seed, Sim, SimRequest, SimVersion};
use serde_json::Value;

fn demo(version: &str, side: DemoSide) -> Sim {
    let version: SimVersion = version.parse().expect("test versions are valid");
    let mut config = InstanceConfig::new("demo", version);
    config.seed = Seed::Demo(side);
    Sim::new(config)
}

fn get(sim: &Sim, url: &str) -> (u16, Value) {
    let token = base64::engine::general_purpose::STANDARD.encode("admin:district");
    let request = SimRequest::new("GET", url)
        .with_header("Authorization", &format!("Basic {token}"))
        .with_header("X-Requested-With", "XMLHttpRequest");
    let response = sim.handle(request).expect("no fault was injected");
    (response.status, response.body_json().unwrap_or(Value::Null))
}

/// (data set UID, first province UID, an event program UID) of a seeded instance.
fn demo_ids(sim: &Sim) -> (String, String, String) {
    sim.with_stores(|metadata, _, _| {
        let first = |plural: &str, key: &str, value: Value| {
            metadata
                .list(plural)
                .into_iter()
                .find(|o| o[key] == value)
                .and_then(|o| o["id"].as_str().map(str::to_string))
                .unwrap_or_default()
        };
        (
            first("dataSets", "code", "DS_RH".into()),
            first("organisationUnits", "level", 2.into()),
            first("programs", "programType", "WITHOUT_REGISTRATION".into()),
        )
    })
}

#[test]
fn demo_source_serves_values_events_and_analytics() {
    let sim = demo("2.41", DemoSide::Source);
    let (data_set, province, program) = demo_ids(&sim);
    let (status, body) = get(&sim, &format!("/api/dataValueSets.json?dataSet={data_set}&period=202403&orgUnit={province}&children=true"));
    assert_eq!(status, 200, "{body}");
    assert!(body["dataValues"].as_array().is_some_and(|v| v.len() > 100));

    let (status, body) = get(&sim, &format!("/api/analytics/dataValueSet.json?dimension=dx:{}&dimension=pe:2024Q1&dimension=ou:{province}",
        body["dataValues"][0]["dataElement"].as_str().unwrap_or_default()));
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["dataValues"].as_array().map(Vec::len), Some(1));

    let (status, body) = get(&sim, &format!("/api/tracker/events.json?program={program}&orgUnit={province}&orgUnitMode=DESCENDANTS&pageSize=5"));
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["events"].as_array().map(Vec::len), Some(5));
    assert_eq!(body["pager"]["pageSize"], 5);

    let (status, body) = get(
        &sim,
        &format!(
            "/api/events.json?program={program}&orgUnit={province}&ouMode=DESCENDANTS&pageSize=5"
        ),
    );
    assert_eq!(status, 200, "{body}");
    assert!(body["events"][0].get("eventDate").is_some());
}

#[test]
fn tracked_entities_through_old_and_new_endpoints() {
    let sim = demo("2.40", DemoSide::Source);
    let (program, country) = sim.with_stores(|metadata, _, _| {
        let id = |plural: &str, key: &str, value: Value| {
            metadata
                .list(plural)
                .into_iter()
                .find(|o| o[key] == value)
                .and_then(|o| o["id"].as_str().map(str::to_string))
                .unwrap_or_default()
        };
        (
            id("programs", "programType", "WITH_REGISTRATION".into()),
            id("organisationUnits", "level", 1.into()),
        )
    });
    let (status, body) = get(&sim, &format!("/api/trackedEntityInstances.json?ou={country}&ouMode=DESCENDANTS&program={program}&pageSize=10&totalPages=true"));
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["trackedEntityInstances"].as_array().map(Vec::len),
        Some(10)
    );
    assert_eq!(body["pager"]["total"], 500);
    let (status, body) = get(
        &sim,
        &format!(
            "/api/enrollments.json?ou={country}&ouMode=DESCENDANTS&program={program}&pageSize=3"
        ),
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["enrollments"].as_array().map(Vec::len), Some(3));
    let (status, body) = get(&sim, &format!("/api/tracker/trackedEntities?orgUnit={country}&ouMode=DESCENDANTS&program={program}&pageSize=7"));
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["instances"].as_array().map(Vec::len), Some(7));
}

#[test]
fn old_tracker_endpoints_are_gone_in_2_42() {
    let sim = demo("2.42", DemoSide::Destination);
    let (status, _) = get(&sim, "/api/events.json?ouMode=ACCESSIBLE");
    assert_eq!(status, 404);
    let (status, body) = get(&sim, "/api/tracker/events?orgUnitMode=ACCESSIBLE");
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["events"], Value::Array(Vec::new()));
}

#[test]
fn running_analytics_answers_a_pollable_job() {
    let sim = demo("2.39", DemoSide::Destination);
    let token = base64::engine::general_purpose::STANDARD.encode("admin:district");
    let request = SimRequest::new("POST", "/api/resourceTables/analytics?lastYears=2")
        .with_header("Authorization", &format!("Basic {token}"))
        .with_header("X-Requested-With", "XMLHttpRequest");
    let response = sim.handle(request).expect("no fault was injected");
    let body = response.body_json().unwrap_or(Value::Null);
    assert_eq!(response.status, 200, "{body}");
    assert_eq!(body["response"]["jobType"], "ANALYTICS_TABLE");
    let endpoint = body["response"]["relativeNotifierEndpoint"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let (status, notes) = get(&sim, &endpoint);
    assert_eq!(status, 200, "{notes}");
    assert_eq!(notes[0]["completed"], true);
}
