//! Data value import and analytics table jobs as a client follows them: polls before the end,
//! DHIS2's notification texts, failures, and the authority analytics asks for.

mod platform_support;

use dhis2_sim::metadata::JobBehaviour;
use platform_support::*;
use serde_json::{json, Value};

const VALUES: &str = r#"{"dataValues":[{"dataElement":"fbfJHSPpUQD","period":"202401",
    "orgUnit":"ImspTQPwCqd","value":"1"}]}"#;

fn seeded(version: &str) -> dhis2_sim::Sim {
    let sim = sim(version);
    sim.with_stores(|metadata, _, _| {
        let element = json!({ "id": "fbfJHSPpUQD", "name": "ANC 1st visit", "shortName": "ANC 1",
            "valueType": "NUMBER", "domainType": "AGGREGATE", "aggregationType": "SUM",
            "categoryCombo": { "id": "bjDvmb4bfuf" } });
        metadata
            .insert("dataElements", element)
            .expect("a data element");
        let unit = json!({ "id": "ImspTQPwCqd", "name": "Sierra Leone", "shortName": "SL",
            "openingDate": "1970-01-01" });
        metadata
            .insert("organisationUnits", unit)
            .expect("an org unit");
    });
    sim
}

fn messages(notifications: &Value) -> Vec<(String, String, bool)> {
    notifications
        .as_array()
        .into_iter()
        .flatten()
        .map(|n| {
            (
                n["level"].as_str().unwrap_or("").to_string(),
                n["message"].as_str().unwrap_or("").to_string(),
                n["completed"].as_bool().unwrap_or(false),
            )
        })
        .collect()
}

fn owned(list: &[(&str, &str, bool)]) -> Vec<(String, String, bool)> {
    list.iter()
        .map(|(l, m, c)| (l.to_string(), m.to_string(), *c))
        .collect()
}

/// `DataValueSetControllerTest.testPostJsonDataValueSet_Async` ("Initiated DATAVALUE_IMPORT"),
/// and the notifier calls of `DefaultDataValueSetService.importDataValueSet`: "Process
/// started", "Importing data values", then the completed "Import done" with the summary.
#[test]
fn an_async_data_value_import_runs_for_its_polls_then_reports_import_done() {
    let sim = seeded("2.41");
    sim.set_job_behaviour(JobBehaviour {
        polls_until_done: 3,
        fail_with: None,
    });
    let (status, started) = call(
        &sim,
        "admin",
        "POST",
        "/api/dataValueSets?async=true",
        Some(VALUES),
    );
    assert_eq!(status, 200);
    let message = started["message"].as_str().unwrap_or("");
    assert!(
        message.starts_with("Initiated DATAVALUE_IMPORT"),
        "{started}"
    );
    let id = started["response"]["id"]
        .as_str()
        .expect("a job id")
        .to_string();
    let tasks = format!("/api/system/tasks/DATAVALUE_IMPORT/{id}");
    let summary = format!("/api/system/taskSummaries/DATAVALUE_IMPORT/{id}");
    for poll in 1..=3 {
        let (_, notifications) = call(&sim, "admin", "GET", &tasks, None);
        assert_eq!(notifications[0]["completed"], false, "poll {poll}");
        let early = send(&sim, as_user("admin", "GET", &summary));
        assert!(early.body.is_empty(), "no summary while running");
    }
    let (_, notifications) = call(&sim, "admin", "GET", &tasks, None);
    assert_eq!(
        messages(&notifications),
        owned(&[
            ("INFO", "Import done", true),
            ("INFO", "Importing data values", false),
            ("INFO", "Process started", false),
        ])
    );
    let (_, done) = call(&sim, "admin", "GET", &summary, None);
    assert_eq!(done["responseType"], "ImportSummary");
    assert_eq!(done["importCount"]["imported"], 1);
}

/// The `catch` of `DefaultDataValueSetService.importDataValueSet`: an ERROR notification
/// "Process failed: …" and no summary; the failed job keeps no value.
#[test]
fn a_failed_data_value_job_ends_in_error_and_keeps_nothing() {
    let sim = seeded("2.38.6");
    sim.set_job_behaviour(JobBehaviour {
        polls_until_done: 1,
        fail_with: Some("could not execute batch".into()),
    });
    let (_, started) = call(
        &sim,
        "admin",
        "POST",
        "/api/dataValueSets?async=true",
        Some(VALUES),
    );
    assert_eq!(started["message"], "Initiated dataValueImport");
    let id = started["response"]["id"]
        .as_str()
        .expect("a job id")
        .to_string();
    let tasks = format!("/api/system/tasks/DATAVALUE_IMPORT/{id}");
    call(&sim, "admin", "GET", &tasks, None);
    let (_, notifications) = call(&sim, "admin", "GET", &tasks, None);
    assert_eq!(
        messages(&notifications)[0],
        (
            "ERROR".to_string(),
            "Process failed: could not execute batch".to_string(),
            true
        )
    );
    let summary = send(
        &sim,
        as_user(
            "admin",
            "GET",
            &format!("/api/system/taskSummaries/DATAVALUE_IMPORT/{id}"),
        ),
    );
    assert!(summary.body.is_empty());
    sim.with_stores(|_, values, _| assert_eq!(values.len(), 0));
}

/// An aborted import (unknown header data set) ends with the WARN "Import process aborted".
#[test]
fn an_aborted_async_import_ends_with_a_warning() {
    let sim = seeded("2.40");
    let body = r#"{"dataSet":"NoSuchDSet1","dataValues":[]}"#;
    let (_, started) = call(
        &sim,
        "admin",
        "POST",
        "/api/dataValueSets?async=true",
        Some(body),
    );
    let id = started["response"]["id"]
        .as_str()
        .expect("a job id")
        .to_string();
    let tasks = format!("/api/system/tasks/DATAVALUE_IMPORT/{id}");
    let (_, notifications) = call(&sim, "admin", "GET", &tasks, None);
    assert_eq!(
        messages(&notifications)[0],
        (
            "WARN".to_string(),
            "Import process aborted".to_string(),
            true
        )
    );
}

/// `ResourceTableController.analytics`: `hasRole('ALL') or hasRole('F_PERFORM_MAINTENANCE')`
/// (2.42 `@RequiresAuthority(anyOf = F_PERFORM_MAINTENANCE)`); the ANALYTICS_TABLE job reports
/// `DefaultAnalyticsTableGenerator`'s stages and ends with "Analytics tables updated: …".
#[test]
fn analytics_tables_need_maintenance_authority_and_take_their_polls() {
    for (version, denied) in [
        ("2.30", "Access is denied"),
        ("2.41", "Access is denied"),
        (
            "2.42",
            "Access is denied, requires one Authority from [F_PERFORM_MAINTENANCE]",
        ),
    ] {
        let sim = seeded(version);
        let (status, body) = call(
            &sim,
            "configurator",
            "POST",
            "/api/resourceTables/analytics",
            None,
        );
        assert_eq!(status, 403, "{version}");
        assert_eq!(body["message"], denied, "{version}");

        sim.set_job_behaviour(JobBehaviour {
            polls_until_done: 2,
            fail_with: None,
        });
        let (status, started) = call(&sim, "admin", "POST", "/api/resourceTables/analytics", None);
        assert_eq!(status, 200, "{version}");
        assert_eq!(started["response"]["jobType"], "ANALYTICS_TABLE");
        let id = started["response"]["id"]
            .as_str()
            .expect("a job id")
            .to_string();
        let tasks = format!("/api/system/tasks/ANALYTICS_TABLE/{id}");
        let (_, first) = call(&sim, "admin", "GET", &tasks, None);
        assert_eq!(
            messages(&first),
            owned(&[
                ("INFO", "Updating resource tables", false),
                ("INFO", "Analytics table update process started", false),
            ]),
            "{version}"
        );
        call(&sim, "admin", "GET", &tasks, None);
        let (_, done) = call(&sim, "admin", "GET", &tasks, None);
        let last = &messages(&done)[0];
        assert!(last.2, "{version}: {done}");
        assert!(
            last.1.starts_with("Analytics tables updated: 00:00:"),
            "{version}: {}",
            last.1
        );
    }
}
