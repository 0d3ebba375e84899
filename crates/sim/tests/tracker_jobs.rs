//! `/api/tracker?async=true` jobs take time (issue 11, item 4 for tracker): a job runs for at
//! least one poll (more with `pollsUntilDone`), its report exists once it is done, and a job set
//! to fail keeps nothing — with the notification texts of each version
//! (`DefaultTrackerImportService` 2.36–2.40, `TrackerImportJob` 2.41+; the 2.41 stages as
//! recorded in `imports/tracker-importer/job_response_completed.json`).

mod data_support;

use data_support::tracker::*;
use data_support::*;
use dhis2_sim::metadata::JobBehaviour;
use serde_json::Value;

fn start(instance: &mut Instance) -> String {
    let (status, body) = instance.send("POST", "/api/tracker", &new_events());
    assert_eq!(status, 200, "{body}");
    body["response"]["id"].as_str().unwrap().to_string()
}

fn poll(instance: &mut Instance, id: &str) -> Vec<Value> {
    let (_, notes) = instance.send("GET", &format!("/api/tracker/jobs/{id}"), &Value::Null);
    notes.as_array().cloned().unwrap()
}

fn messages(notes: &[Value]) -> Vec<String> {
    notes
        .iter()
        .map(|n| n["message"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_job_runs_for_the_configured_polls_before_its_report_exists() {
    let mut instance = Instance::new("2.39");
    instance.metadata.set_job_behaviour(JobBehaviour {
        polls_until_done: 3,
        fail_with: None,
    });
    let id = start(&mut instance);
    let report = format!("/api/tracker/jobs/{id}/report");
    for step in 0..3 {
        let notes = poll(&mut instance, &id);
        assert!(notes.iter().all(|n| n["completed"] == false), "poll {step}");
        let (status, _) = instance.send("GET", &report, &Value::Null);
        assert_eq!(status, 404, "no report while running (poll {step})");
    }
    let notes = poll(&mut instance, &id);
    assert_eq!(notes[0]["completed"], true);
    assert_eq!(
        messages(&notes),
        [
            "(admin) Import:Done took 0.001234 sec.",
            "(admin) Import:commit took 0.000900 sec.",
            "(admin) Import:programruleValidation took 0.000750 sec.",
            "(admin) Import:programrule took 0.000600 sec.",
            "(admin) Import:validation took 0.000450 sec.",
            "(admin) Import:preprocess took 0.000300 sec.",
            "(admin) Import:preheat took 0.000150 sec.",
            "(admin) Import:Start",
        ]
    );
    let (status, body) = instance.send("GET", &report, &Value::Null);
    assert_eq!(status, 200);
    assert_eq!(body["stats"]["created"], 4);
    assert_eq!(instance.tracker.event_count(), 4);
}

#[test]
fn the_2_41_job_reports_stages_and_the_counts() {
    let recorded = read_reference("recorded/imports/tracker-importer/job_response_completed.json");
    let mut instance = Instance::new("2.41");
    let id = start(&mut instance);
    let first = poll(&mut instance, &id);
    assert_eq!(first[0]["completed"], false, "running at the first poll");
    let notes = poll(&mut instance, &id);
    let recorded_messages = messages(recorded.as_array().unwrap());
    let simulated = messages(&notes);
    assert_eq!(
        simulated[0],
        "Import complete with status OK, 4 created, 0 updated, 0 deleted, 0 ignored"
    );
    assert_eq!(
        simulated[1..],
        recorded_messages[1..],
        "the stages, newest first, as a 2.41 server reports them"
    );
    assert_eq!(keys(&notes[0]), keys(&recorded[0]));
}

#[test]
fn a_failing_job_keeps_nothing_per_version() {
    for (at, last, level, report_status) in [
        (
            "2.40",
            "(admin) Import:Failed with exception: disk full",
            "INFO",
            200,
        ),
        ("2.41", "Process failed: disk full", "ERROR", 404),
    ] {
        let mut instance = Instance::new(at);
        instance.metadata.set_job_behaviour(JobBehaviour {
            polls_until_done: 0,
            fail_with: Some("disk full".into()),
        });
        let id = start(&mut instance);
        assert!(poll(&mut instance, &id)[0]["completed"] == false, "{at}");
        let notes = poll(&mut instance, &id);
        assert_eq!(notes[0]["message"], last, "{at}");
        assert_eq!(notes[0]["level"], level, "{at}");
        assert_eq!(notes[0]["completed"], true, "{at}");
        let (status, body) = instance.send(
            "GET",
            &format!("/api/tracker/jobs/{id}/report"),
            &Value::Null,
        );
        assert_eq!(status, report_status, "{at}: {body}");
        if status == 200 {
            assert_eq!(body["status"], "ERROR");
            assert_eq!(body["message"], "Exception:disk full");
        }
        assert_eq!(instance.tracker.event_count(), 0, "{at}: nothing kept");
    }
}
