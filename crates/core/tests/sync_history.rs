//! A finished run goes to history through the storage layer and comes back whole.

mod support;
mod sync_common;

use mdsync_core::access::Actor;
use mdsync_core::storage::Storage;
use mdsync_core::sync::metadata::MetadataSyncOptions;
use mdsync_core::sync::report::SyncKind;
use mdsync_core::sync::{
    list_history, load_from_history, prune_history, save_to_history, RunContext, SyncReport,
    TargetStatus,
};
use support::{block_on, client_for, sim_named};
use sync_common::*;

#[test]
fn a_run_is_saved_to_history_and_read_back() {
    let source = source("2.40", &[SETUP, AGGREGATE]);
    let target = sim_named("target", "2.38");
    let data_sets = ids_of(&payload(AGGREGATE), "dataSets");
    let report = sync(
        &source,
        &target,
        &data_sets,
        &MetadataSyncOptions::default(),
    );
    assert_synced(&report);

    // History lives in the dataStore of the instance the app runs in (here, the source).
    let storage =
        block_on(Storage::connect(client_for(&source, "admin"))).unwrap_or_else(|e| panic!("{e}"));
    let context = RunContext {
        date: "2026-11-25T02:00:00Z".into(),
        user: Some("admin".into()),
        rule_id: None,
    };
    let summary =
        block_on(save_to_history(&storage, &report, &context)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(summary.status, report.overall_status());
    assert_eq!(summary.targets.len(), 1);
    assert_eq!(summary.targets[0].status, report.targets[0].status);
    assert!(matches!(
        summary.status,
        TargetStatus::Success | TargetStatus::Warning
    ));

    let stored = block_on(load_from_history(&storage, &summary.id))
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|| panic!("history-{} is missing", summary.id));
    assert_eq!(stored, report);
    // One key per run, holding the summary the list shows; no shared list is rewritten.
    let entry = source
        .datastore_value("metadata-sync", &format!("history-{}", summary.id))
        .unwrap_or_default();
    assert_eq!(entry["summary"]["id"], summary.id.as_str());
    assert_eq!(entry["summary"]["origin"], "source");
    let admin =
        Actor::new(block_on(client_for(&source, "admin").me()).unwrap_or_else(|e| panic!("{e}")));
    let listed = block_on(list_history(&storage, &admin)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(listed, vec![summary]);
}

#[test]
fn old_entries_are_pruned_by_administrators_after_the_retention_days() {
    let local = sim_named("local", "2.36");
    let storage =
        block_on(Storage::connect(client_for(&local, "admin"))).unwrap_or_else(|e| panic!("{e}"));
    block_on(storage.migrate()).unwrap_or_else(|e| panic!("{e}"));
    let mut settings = block_on(storage.settings()).unwrap_or_else(|e| panic!("{e}"));
    settings.history_retention_days = 30;
    block_on(storage.save_settings(&settings)).unwrap_or_else(|e| panic!("{e}"));
    let report = SyncReport::new(SyncKind::Metadata, "local");
    let save = |date: &str| {
        let context = RunContext {
            date: date.into(),
            user: Some("admin".into()),
            rule_id: None,
        };
        block_on(save_to_history(&storage, &report, &context)).unwrap_or_else(|e| panic!("{e}"))
    };
    let old = save("2026-10-01T02:00:00Z");
    let recent = save("2026-11-20T02:00:00Z");

    let executor =
        Actor::new(block_on(client_for(&local, "executor").me()).unwrap_or_else(|e| panic!("{e}")));
    assert!(block_on(prune_history(&storage, &executor, "2026-12-03")).is_err());
    let admin =
        Actor::new(block_on(client_for(&local, "admin").me()).unwrap_or_else(|e| panic!("{e}")));
    let removed =
        block_on(prune_history(&storage, &admin, "2026-12-03")).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(removed, vec![old.id.clone()]);
    // 2.36 has no dataStore query API: the list reads entry by entry, newest first.
    let listed = block_on(list_history(&storage, &admin)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(listed, vec![recent.clone()]);
    // A run-only user lists only the runs they made.
    assert!(block_on(list_history(&storage, &executor))
        .unwrap_or_else(|e| panic!("{e}"))
        .is_empty());
}
