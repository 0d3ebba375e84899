//! Asynchronous metadata imports (`async=true`) followed through the task endpoints of each
//! version, on a test clock: jobs that take several polls, jobs that fail, and the result read
//! into the same normalised import result as a synchronous import.

mod support;
mod sync_common;

use std::time::Duration;

use dhis2_sim::metadata::JobBehaviour;
use mdsync_core::clock::TestClock;
use mdsync_core::dhis2::import_jobs::{import_metadata_async, JobPolling};
use mdsync_core::dhis2::metadata::{import_metadata, AsyncImport, ImportOptions};
use mdsync_core::dhis2::ImportStatus;
use mdsync_core::sync::metadata::{run_metadata_sync, MetadataSelection, MetadataSyncOptions};
use mdsync_core::sync::{CancellationToken, NoProgress, SyncRuntime, TargetStatus};
use serde_json::json;
use support::{block_on, client_for, sim_named};
use sync_common::*;

fn data_elements(prefix: &str) -> serde_json::Value {
    let elements: Vec<serde_json::Value> = (0..3)
        .map(|i| {
            json!({ "id": format!("{prefix}{i:04}"), "name": format!("{prefix} {i}"),
                "shortName": format!("{prefix} {i}"), "valueType": "NUMBER",
                "domainType": "AGGREGATE", "aggregationType": "SUM",
                "categoryCombo": { "id": "bjDvmb4bfuf" } })
        })
        .collect();
    json!({ "dataElements": elements })
}

#[test]
fn a_job_is_followed_until_done_and_reads_like_a_synchronous_import_in_every_version() {
    for version in ["2.30", "2.34", "2.37", "2.38", "2.40", "2.41", "2.42"] {
        let sim = sim_named("target", version);
        sim.set_job_behaviour(JobBehaviour {
            polls_until_done: 3,
            fail_with: None,
        });
        let client = client_for(&sim, "admin");
        let clock = TestClock::new();
        let body = serde_json::to_vec(&data_elements("deAsynA")).unwrap_or_default();
        let result = clock
            .run(import_metadata_async(
                &client,
                &clock,
                body,
                &ImportOptions::default(),
                &JobPolling::default(),
            ))
            .unwrap_or_else(|error| panic!("{version}: {error}"));
        let synchronous = block_on(import_metadata(
            &client_for(&sim_named("other", version), "admin"),
            &data_elements("deAsynA"),
            &ImportOptions::default(),
        ))
        .unwrap_or_else(|error| panic!("{version}: {error}"));
        assert_eq!(
            result.status,
            ImportStatus::Ok,
            "{version}: {:?} {}",
            result.errors,
            result.raw
        );
        assert_eq!(result.stats, synchronous.stats, "{version}");
        assert_eq!(result.type_stats, synchronous.type_stats, "{version}");
        let polls: Vec<Duration> = clock
            .sleeps()
            .into_iter()
            .filter(|d| *d < Duration::from_secs(60))
            .collect();
        assert_eq!(polls.len(), 4, "{version}: 3 polls running, the 4th done");
        assert!(
            polls.windows(2).all(|w| w[1] > w[0]),
            "{version}: the interval backs off: {polls:?}"
        );
        let log = sim.request_log();
        assert!(log
            .iter()
            .any(|r| r.method == "POST" && r.query.contains("async=true")));
        assert_eq!(
            log.iter()
                .filter(|r| r.path.starts_with("/api/system/tasks/METADATA_IMPORT/"))
                .count(),
            4,
            "{version}"
        );
    }
}

#[test]
fn a_failed_job_is_an_error_with_the_servers_message() {
    let sim = sim_named("target", "2.39");
    sim.set_job_behaviour(JobBehaviour {
        polls_until_done: 1,
        fail_with: Some("Java heap space".into()),
    });
    let clock = TestClock::new();
    let body = serde_json::to_vec(&data_elements("deAsynF")).unwrap_or_default();
    let result = clock
        .run(import_metadata_async(
            &client_for(&sim, "admin"),
            &clock,
            body,
            &ImportOptions::default(),
            &JobPolling::default(),
        ))
        .unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(result.status, ImportStatus::Error);
    assert_eq!(result.errors[0].message, "Process failed: Java heap space");
}

#[test]
fn a_sync_with_asynchronous_imports_writes_what_a_synchronous_one_does() {
    let source = source("2.40", &[SETUP, AGGREGATE]);
    let data_sets = ids_of(&payload(AGGREGATE), "dataSets");
    let target = sim_named("target", "2.38");
    target.set_job_behaviour(JobBehaviour {
        polls_until_done: 2,
        fail_with: None,
    });
    let mut options = MetadataSyncOptions::default();
    options.import.asynchronous = AsyncImport::Always;
    let clock = TestClock::new();
    let report = clock.run(run_metadata_sync(
        &instance(&source, "source"),
        &[instance(&target, "target")],
        &MetadataSelection::ids(data_sets.iter().cloned()),
        &options,
        &SyncRuntime::new(&clock, &NoProgress, &CancellationToken::new()),
    ));
    assert_synced(&report);
    let plain_target = sim_named("plain", "2.38");
    let plain = sync(
        &source,
        &plain_target,
        &data_sets,
        &MetadataSyncOptions::default(),
    );
    assert_eq!(report.targets[0].stats, plain.targets[0].stats);
    assert_eq!(report.targets[0].status, TargetStatus::Success);
    assert_eq!(report.targets[0].request_count, target.request_log().len());
}
