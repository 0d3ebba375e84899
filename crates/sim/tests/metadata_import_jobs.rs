//! Asynchronous metadata imports as a client follows them: jobs that take several polls, that
//! fail, and the summary that exists only once they are done.

mod metadata_common;

use dhis2_sim::metadata::JobBehaviour;
use metadata_common::*;
use serde_json::json;

fn start_job(sim: &mut Instance) -> String {
    let payload = json!({ "dataElements": [{ "id": "deJobs00001", "name": "Jobs", "shortName": "Jobs",
        "valueType": "NUMBER", "domainType": "AGGREGATE", "aggregationType": "SUM",
        "categoryCombo": { "id": "bjDvmb4bfuf" } }] });
    let response = sim.request(
        "POST",
        "/api/metadata?async=true",
        &serde_json::to_vec(&payload).unwrap(),
    );
    let body = response.body_json().unwrap();
    body["response"]["id"].as_str().unwrap().to_string()
}

#[test]
fn a_job_reports_progress_for_the_polls_it_takes_then_its_summary() {
    let mut sim = Instance::new(40);
    sim.store.set_job_behaviour(JobBehaviour {
        polls_until_done: 2,
        fail_with: None,
    });
    let id = start_job(&mut sim);
    let tasks = format!("/api/system/tasks/METADATA_IMPORT/{id}");
    let summary = format!("/api/system/taskSummaries/METADATA_IMPORT/{id}");
    for poll in 1..=2 {
        let notifications = sim.get_json(&tasks);
        assert_eq!(notifications[0]["completed"], false, "poll {poll}");
        assert_eq!(notifications[0]["level"], "INFO");
        let early = sim.request("GET", &summary, b"");
        assert_eq!(early.status, 200);
        assert!(early.body.is_empty(), "no summary before the job is done");
    }
    let notifications = sim.get_json(&tasks);
    assert_eq!(notifications[0]["completed"], true);
    assert_eq!(notifications.as_array().map(Vec::len), Some(4));
    assert_eq!(sim.get_json(&summary)["stats"]["created"], 1);
}

#[test]
fn a_failed_job_ends_with_an_error_notification_and_no_summary() {
    let mut sim = Instance::new(38);
    sim.store.set_job_behaviour(JobBehaviour {
        polls_until_done: 0,
        fail_with: Some("Java heap space".into()),
    });
    let id = start_job(&mut sim);
    let notifications = sim.get_json(&format!("/api/system/tasks/METADATA_IMPORT/{id}"));
    assert_eq!(notifications[0]["level"], "ERROR");
    assert_eq!(notifications[0]["completed"], true);
    assert_eq!(
        notifications[0]["message"],
        "Process failed: Java heap space"
    );
    let summary = sim.request(
        "GET",
        &format!("/api/system/taskSummaries/METADATA_IMPORT/{id}"),
        b"",
    );
    assert!(summary.body.is_empty());
    let unknown = sim.get_json("/api/system/tasks/METADATA_IMPORT/unknownJob1");
    assert_eq!(unknown, json!([]));
}

#[test]
fn jobs_are_set_up_through_the_harness_endpoint() {
    let sim = dhis2_sim::Sim::new(dhis2_sim::InstanceConfig::new(
        "jobs",
        "2.41".parse().expect("version"),
    ));
    let set = dhis2_sim::SimRequest::new("POST", "/__sim/jobs")
        .with_body(br#"{"pollsUntilDone": 4, "failWith": "disk full"}"#.to_vec());
    assert_eq!(sim.handle(set).map(|r| r.status).ok(), Some(200));
    assert_eq!(
        sim.job_behaviour(),
        JobBehaviour {
            polls_until_done: 4,
            fail_with: Some("disk full".into()),
        }
    );
    let refused = dhis2_sim::SimRequest::new("POST", "/__sim/jobs")
        .with_body(br#"{"pollsUntilDone": "soon"}"#.to_vec());
    assert_eq!(sim.handle(refused).map(|r| r.status).ok(), Some(400));
}
