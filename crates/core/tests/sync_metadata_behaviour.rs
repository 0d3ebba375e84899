//! How the metadata engine behaves beyond the happy path: repeated syncs, dangling
//! references, faults mid-run, dry runs, cancellation, request counts and deletions.

mod support;
mod sync_common;

use std::sync::Arc;

use dhis2_sim::{FaultKind, FaultRule, Sim};
use mdsync_core::clock::TestClock;
use mdsync_core::dhis2::metadata::{import_metadata, ImportOptions, ImportStrategy};
use mdsync_core::sync::metadata::{
    execute_deletions, plan_deletions, run_metadata_sync, ChunkLimits, MetadataSelection,
    MetadataSyncOptions,
};
use mdsync_core::sync::{
    CancellationToken, NoProgress, ReportNote, SyncProgress, SyncRuntime, SyncStep, TargetStatus,
};
use serde_json::{json, Value};
use support::{block_on, client_for, sim_named};
use sync_common::*;

fn data_sets() -> Vec<String> {
    ids_of(&payload(AGGREGATE), "dataSets")
}

/// Options with small chunks, so a sync takes several requests to write.
fn small_chunks() -> MetadataSyncOptions {
    MetadataSyncOptions {
        chunks: ChunkLimits {
            max_objects: 25,
            max_bytes: 1 << 20,
        },
        ..Default::default()
    }
}

fn count_on(sim: &Arc<Sim>, plural: &str) -> usize {
    let list: Value = block_on(
        client_for(sim, "admin").get_json(&format!("api/{plural}?fields=id&paging=false")),
    )
    .unwrap_or(Value::Null);
    ids_of(&list, plural).len()
}

#[test]
fn a_second_identical_sync_creates_nothing() {
    let source = source("2.40", &[SETUP, AGGREGATE]);
    let target = sim_named("target", "2.40");
    let first = sync(
        &source,
        &target,
        &data_sets(),
        &MetadataSyncOptions::default(),
    );
    assert_synced(&first);
    assert!(first.targets[0].stats.created > 0);
    let second = sync(
        &source,
        &target,
        &data_sets(),
        &MetadataSyncOptions::default(),
    );
    assert_synced(&second);
    let stats = second.targets[0].stats;
    assert_eq!(stats.created, 0, "{stats:?}");
    assert_eq!(stats.total, first.targets[0].stats.total);
}

#[test]
fn a_dangling_reference_is_reported_per_object_as_e5002() {
    let source = source("2.38", &[SETUP, AGGREGATE]);
    let target = sim_named("target", "2.41");
    let file = payload(AGGREGATE);
    let element = file["dataElements"]
        .as_array()
        .and_then(|all| {
            all.iter()
                .find(|de| de["categoryCombo"]["id"] != "bjDvmb4bfuf")
        })
        .cloned()
        .unwrap_or(Value::Null);
    let id = element["id"].as_str().unwrap_or_default().to_string();
    let options = MetadataSyncOptions {
        include_dependencies: false,
        ..Default::default()
    };
    let report = sync(&source, &target, std::slice::from_ref(&id), &options);
    let result = &report.targets[0];
    assert_eq!(result.status, TargetStatus::Error, "{result:?}");
    assert!(!report.succeeded());
    let error = result
        .errors
        .iter()
        .find(|e| e.code.as_deref() == Some("E5002"))
        .unwrap_or_else(|| panic!("no E5002 in {:?}", result.errors));
    assert_eq!(error.object_id.as_deref(), Some(id.as_str()));
    assert_eq!(error.object_type.as_deref(), Some("dataElements"));
    assert_eq!(error.property.as_deref(), Some("categoryCombo"));
    assert_eq!(count_on(&target, "dataElements"), 0);
}

fn faulty_write(kind: FaultKind, status: Option<u16>) -> (mdsync_core::sync::SyncReport, Arc<Sim>) {
    let source = source("2.39", &[SETUP, AGGREGATE]);
    let target = sim_named("target", "2.39");
    let mut rule = FaultRule::new("/api/metadata", kind);
    rule.method = Some("POST".into());
    rule.status = status;
    rule.nth = Some(2);
    rule.times = Some(1);
    target.add_fault(rule);
    let report = sync(&source, &target, &data_sets(), &small_chunks());
    assert_no_origin_writes(&source);
    (report, target)
}

#[test]
fn a_dropped_connection_mid_write_is_retried_and_the_sync_completes() {
    let (report, target_sim) = faulty_write(FaultKind::Drop, None);
    let target = &report.targets[0];
    assert_eq!(target.status, TargetStatus::Success, "{:?}", target.errors);
    assert_eq!(target.retries, 1, "the dropped import is sent once more");
    assert_eq!(target.chunks.len(), target.chunks_planned);
    let posts = target_sim
        .request_log()
        .into_iter()
        .filter(|r| r.method == "POST")
        .count();
    assert_eq!(posts, target.chunks.len() + 1);
    assert_eq!(target.request_count, target_sim.request_log().len());
}

#[test]
fn a_server_error_mid_run_is_an_error_never_a_success() {
    let (report, _) = faulty_write(FaultKind::Status, Some(500));
    let target = &report.targets[0];
    assert_eq!(target.status, TargetStatus::Error, "{target:?}");
    assert!(
        target.errors.iter().any(|e| e.message.contains("500")),
        "{:?}",
        target.errors
    );
    assert_eq!(target.chunks.len(), 2);
}

#[test]
fn requests_are_batched_and_counted_like_the_server_logs_them() {
    let source = source("2.40", &[SETUP, AGGREGATE, TRACKER]);
    let target = sim_named("target", "2.38");
    let mut ids = data_sets();
    ids.extend(ids_of(&payload(TRACKER), "programs"));
    let report = sync(&source, &target, &ids, &MetadataSyncOptions::default());
    assert_synced(&report);
    let objects: usize = report.objects_by_type.iter().map(|(_, n)| n).sum();
    let origin_log = source.request_log();
    assert_eq!(report.origin_request_count, origin_log.len());
    assert_eq!(report.targets[0].request_count, target.request_log().len());
    assert!(
        origin_log.len() * 4 < objects,
        "{} requests for {objects} objects",
        origin_log.len()
    );
    let posts = target
        .request_log()
        .into_iter()
        .filter(|r| r.method == "POST")
        .count();
    assert_eq!(posts, report.targets[0].chunks.len());
}

#[test]
fn a_dry_run_validates_and_writes_nothing() {
    let source = source("2.41", &[SETUP, AGGREGATE]);
    let target = sim_named("target", "2.41");
    let mut options = MetadataSyncOptions::default();
    options.import.dry_run = true;
    let report = sync(&source, &target, &data_sets(), &options);
    assert_synced(&report);
    assert!(report.dry_run);
    assert_eq!(count_on(&target, "dataSets"), 0);
    assert_eq!(count_on(&target, "dataElements"), 0);
    let posts: Vec<_> = target
        .request_log()
        .into_iter()
        .filter(|r| r.method == "POST")
        .collect();
    assert!(
        posts
            .iter()
            .all(|r| r.query.contains("importMode=VALIDATE")),
        "{posts:?}"
    );
    // DHIS2 counts nothing in VALIDATE mode: the preview says what a sync would do.
    let expected_data_sets = data_sets().len();
    let preview_of = |report: &mdsync_core::sync::SyncReport, plural: &str| {
        report.targets[0]
            .dry_run_preview
            .iter()
            .find(|p| p.type_name == plural)
            .map(|p| (p.would_create, p.would_update))
    };
    assert_eq!(
        preview_of(&report, "dataSets"),
        Some((expected_data_sets, 0))
    );
    let sent_elements = report
        .objects_by_type
        .iter()
        .find(|(plural, _)| plural == "dataElements")
        .map(|(_, count)| *count)
        .unwrap_or(0);
    assert!(sent_elements > 0);
    assert_eq!(
        preview_of(&report, "dataElements"),
        Some((sent_elements, 0))
    );

    // Once synced for real, the same dry run would only update.
    options.import.dry_run = false;
    assert_synced(&sync(&source, &target, &data_sets(), &options));
    options.import.dry_run = true;
    let again = sync(&source, &target, &data_sets(), &options);
    assert_eq!(
        preview_of(&again, "dataSets"),
        Some((0, expected_data_sets))
    );
    assert_eq!(preview_of(&again, "dataElements"), Some((0, sent_elements)));
}

#[test]
fn cancelling_between_chunks_stops_and_reports_what_was_done() {
    let source = source("2.40", &[SETUP, AGGREGATE]);
    let target = sim_named("target", "2.40");
    let cancel = CancellationToken::new();
    let cancel_after_first_chunk = |event: SyncProgress| {
        if let SyncProgress::Advance {
            step: SyncStep::Write,
            done: 1,
            ..
        } = event
        {
            cancel.cancel();
        }
    };
    let origin = instance(&source, "source");
    let targets = [instance(&target, "target")];
    let clock = TestClock::new();
    let report = clock.run(run_metadata_sync(
        &origin,
        &targets,
        &MetadataSelection::ids(data_sets()),
        &small_chunks(),
        &SyncRuntime::new(&clock, &cancel_after_first_chunk, &cancel),
    ));
    let result = &report.targets[0];
    assert_eq!(result.status, TargetStatus::Cancelled);
    assert_eq!(result.chunks.len(), 1);
    assert!(result.chunks_planned > 1);
    assert!(
        result.notes.iter().any(|n| matches!(
            n,
            ReportNote::Cancelled { sent: 1, planned } if *planned == result.chunks_planned
        )),
        "{:?}",
        result.notes
    );
    let posts = target
        .request_log()
        .into_iter()
        .filter(|r| r.method == "POST")
        .count();
    assert_eq!(posts, 1);
}

#[test]
fn deletions_are_planned_then_replayed_on_the_targets() {
    let source = source("2.40", &[SETUP, AGGREGATE]);
    let target = sim_named("target", "2.40");
    let indicator = ids_of(&payload(AGGREGATE), "indicators")
        .into_iter()
        .next()
        .unwrap_or_default();
    assert_synced(&sync(
        &source,
        &target,
        std::slice::from_ref(&indicator),
        &MetadataSyncOptions::default(),
    ));
    assert!(exported(&client_for(&target, "admin"), "indicators", &indicator).is_some());
    // Delete the indicator on the source (and from the group that holds it).
    let delete = ImportOptions {
        strategy: ImportStrategy::Delete,
        ..Default::default()
    };
    let body = json!({"indicators": [{"id": indicator}]});
    let deleted = block_on(import_metadata(
        &client_for(&source, "admin"),
        &body,
        &delete,
    ))
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(deleted.stats.deleted, 1, "{deleted:?}");

    let origin = instance(&source, "source");
    let plan = block_on(plan_deletions(&origin, None)).unwrap_or_else(|e| panic!("{e}"));
    let planned: Vec<&str> = plan
        .by_type
        .get("indicators")
        .map(|o| o.iter().map(|d| d.uid.as_str()).collect())
        .unwrap_or_default();
    assert_eq!(planned, vec![indicator.as_str()]);
    let clock = TestClock::new();
    let report = clock.run(execute_deletions(
        &plan,
        &[instance(&target, "target")],
        false,
        &SyncRuntime::new(&clock, &NoProgress, &CancellationToken::new()),
    ));
    assert!(report.succeeded(), "{:?}", report.targets);
    assert_eq!(report.targets[0].stats.deleted, 1);
    assert!(exported(&client_for(&target, "admin"), "indicators", &indicator).is_none());

    // Replaying the same plan finds nothing left to delete: a warning, not an error.
    let again = clock.run(execute_deletions(
        &plan,
        &[instance(&target, "target")],
        false,
        &SyncRuntime::new(&clock, &NoProgress, &CancellationToken::new()),
    ));
    assert_eq!(
        again.targets[0].status,
        TargetStatus::Warning,
        "{:?}",
        again.targets[0]
    );
    assert!(again.targets[0]
        .notes
        .iter()
        .any(|n| matches!(n, ReportNote::AlreadyAbsent { objects } if *objects > 0)));
    assert!(again.succeeded());
}
