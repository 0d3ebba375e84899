//! A finished run goes to history through the storage layer and comes back whole.

mod support;
mod sync_common;

use mdsync_core::storage::Storage;
use mdsync_core::sync::metadata::MetadataSyncOptions;
use mdsync_core::access::Actor;
use mdsync_core::sync::{
    list_history, load_from_history, save_to_history, RunContext, TargetStatus,
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
    let admin = Actor::new(block_on(client_for(&source, "admin").me()).unwrap_or_else(|e| panic!("{e}")));
    let listed = block_on(list_history(&storage, &admin)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(listed, vec![summary]);
}
