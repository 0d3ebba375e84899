//! One run, several targets: each gets its own payload version and its own status.

mod support;
mod sync_common;

use dhis2_sim::{FaultKind, FaultRule};
use mdsync_core::clock::TestClock;
use mdsync_core::sync::metadata::{run_metadata_sync, MetadataSelection, MetadataSyncOptions};
use mdsync_core::sync::{CancellationToken, NoProgress, SyncRuntime, TargetStatus};
use support::{client_for, sim_named};
use sync_common::*;

#[test]
fn each_target_gets_its_version_and_its_own_status() {
    let source = source("2.39", &[SETUP, AGGREGATE]);
    let old = sim_named("old", "2.30");
    let new = sim_named("new", "2.42");
    let broken = sim_named("broken", "2.40");
    broken.add_fault(FaultRule::new("/api/*", FaultKind::Drop));
    let data_sets = ids_of(&payload(AGGREGATE), "dataSets");
    let targets = [
        instance(&old, "old"),
        instance(&broken, "broken"),
        instance(&new, "new"),
    ];
    let clock = TestClock::new();
    let report = clock.run(run_metadata_sync(
        &instance(&source, "source"),
        &targets,
        &MetadataSelection::ids(data_sets.iter().cloned()),
        &MetadataSyncOptions::default(),
        &SyncRuntime::new(&clock, &NoProgress, &CancellationToken::new()),
    ));
    let statuses: Vec<TargetStatus> = report.targets.iter().map(|t| t.status).collect();
    assert_eq!(
        statuses,
        [
            TargetStatus::Success,
            TargetStatus::NetworkError,
            TargetStatus::Success
        ]
    );
    assert!(!report.succeeded(), "one target failed, so the run did");
    assert_eq!(report.targets[0].version.as_deref(), Some("2.30"));
    assert_eq!(report.targets[2].version.as_deref(), Some("2.42.0"));
    assert_eq!(
        report.targets[0].stats.created,
        report.targets[2].stats.created
    );
    // The old server received legacy sharing, the new one the sharing object.
    let on_old =
        exported(&client_for(&old, "admin"), "dataSets", &data_sets[0]).unwrap_or_default();
    let on_new =
        exported(&client_for(&new, "admin"), "dataSets", &data_sets[0]).unwrap_or_default();
    assert!(on_old.get("publicAccess").is_some(), "{on_old}");
    assert!(on_new.get("sharing").is_some(), "{on_new}");
    assert_no_origin_writes(&source);
}

#[test]
fn a_failing_origin_stops_the_run_before_any_target_is_written() {
    let source = source("2.41", &[SETUP, AGGREGATE]);
    let target = sim_named("target", "2.41");
    let mut rule = FaultRule::new("/api/dataElements", FaultKind::Status);
    rule.status = Some(500);
    source.add_fault(rule);
    let report = sync(
        &source,
        &target,
        &ids_of(&payload(AGGREGATE), "dataSets"),
        &MetadataSyncOptions::default(),
    );
    assert!(!report.succeeded());
    assert_eq!(report.overall_status(), TargetStatus::Error);
    assert!(
        report.errors.iter().any(|e| e.message.contains("500")),
        "{:?}",
        report.errors
    );
    assert!(report.targets.is_empty());
    assert!(
        target.request_log().is_empty(),
        "the target was not contacted"
    );
    assert_no_origin_writes(&source);
}
