//! Helpers of the metadata engine tests (`sync_*.rs`): sources seeded with the reference
//! payloads, sync runs, and comparisons of what the target holds.
#![allow(dead_code)]

use std::collections::BTreeSet;
use std::sync::Arc;

use crate::support::{block_on, client_for, reference_file, sim_named, SimTransport};
use dhis2_sim::Sim;
use mdsync_core::clock::TestClock;
use mdsync_core::dhis2::metadata::{import_metadata, ImportOptions};
use mdsync_core::dhis2::{Dhis2Client, ImportStatus};
use mdsync_core::sync::metadata::{
    run_metadata_sync, MetadataSelection, MetadataSyncOptions, SyncInstance,
};
use mdsync_core::sync::{CancellationToken, NoProgress, SyncReport, SyncRuntime, TargetStatus};
use serde_json::Value;

pub const AGGREGATE: &str = "payloads/aggregate/metadata.json";
pub const TRACKER: &str = "payloads/setup/tracker_metadata.json";
/// Org units, levels and a few categories the other payloads point at (DHIS2's e2e tests
/// import it first, too).
pub const SETUP: &str = "payloads/setup/metadata.json";

pub fn payload(relative: &str) -> Value {
    serde_json::from_slice(&reference_file(relative))
        .unwrap_or_else(|error| panic!("{relative} is not JSON: {error}"))
}

/// A source instance holding the given reference payloads.
pub fn source(version: &str, payloads: &[&str]) -> Arc<Sim> {
    let sim = sim_named("source", version);
    let client = client_for(&sim, "admin");
    for relative in payloads {
        let result = block_on(import_metadata(
            &client,
            &payload(relative),
            &ImportOptions::default(),
        ))
        .unwrap_or_else(|error| panic!("importing {relative} into the source: {error}"));
        assert_ne!(
            result.status,
            ImportStatus::Error,
            "source import of {relative}: {} errors, first {:?}",
            result.errors.len(),
            result.errors.iter().take(3).collect::<Vec<_>>()
        );
    }
    sim.clear_request_log();
    sim
}

pub fn instance(sim: &Arc<Sim>, name: &str) -> SyncInstance<SimTransport> {
    SyncInstance::new(name, client_for(sim, "admin"))
}

pub fn ids_of(payload: &Value, plural: &str) -> Vec<String> {
    payload[plural]
        .as_array()
        .map(|objects| {
            objects
                .iter()
                .filter_map(|o| o["id"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

pub fn sync(
    source: &Arc<Sim>,
    target: &Arc<Sim>,
    ids: &[String],
    options: &MetadataSyncOptions,
) -> SyncReport {
    let origin = instance(source, "source");
    let targets = [instance(target, "target")];
    let selection = MetadataSelection::ids(ids.iter().cloned());
    let clock = TestClock::new();
    clock.run(run_metadata_sync(
        &origin,
        &targets,
        &selection,
        options,
        &SyncRuntime::new(&clock, &NoProgress, &CancellationToken::new()),
    ))
}

/// Every object of `plural` the target holds, by id, as `/api/{plural}/{id}` with owner fields.
pub fn exported(client: &Dhis2Client<SimTransport>, plural: &str, id: &str) -> Option<Value> {
    block_on(client.get_json::<Value>(&format!("api/{plural}/{id}?fields=:owner"))).ok()
}

/// Subtrees left out of the comparison: sharing and ownership (sharing is kept as references
/// by default, and servers drop user groups they do not have), and org units (removed by
/// default).
pub const NOT_COMPARED: &[&str] = &[
    "sharing",
    "user",
    "userGroupAccesses",
    "userAccesses",
    "lastUpdatedBy",
    "createdBy",
    "organisationUnits",
];

/// The ids referenced by an object (any depth), to compare source and target references.
pub fn referenced_ids(value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            for (key, field) in map {
                if key == "id" || NOT_COMPARED.contains(&key.as_str()) {
                    continue;
                }
                if let Some(id) = field.get("id").and_then(Value::as_str) {
                    out.insert(format!("{key}:{id}"));
                }
                referenced_ids(field, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|item| referenced_ids(item, out)),
        _ => {}
    }
}

pub fn assert_synced(report: &SyncReport) {
    assert!(
        report.errors.is_empty(),
        "origin errors: {:?}",
        report.errors
    );
    for target in &report.targets {
        assert!(
            matches!(target.status, TargetStatus::Success | TargetStatus::Warning),
            "{} ended {:?}: {} errors, first {:?}; notes {:?}",
            target.target,
            target.status,
            target.errors.len(),
            target.errors.iter().take(3).collect::<Vec<_>>(),
            target.notes
        );
        assert!(
            target.errors.is_empty(),
            "{} errors, first {:?}",
            target.errors.len(),
            target.errors.iter().take(3).collect::<Vec<_>>()
        );
    }
}

pub fn assert_no_origin_writes(source: &Arc<Sim>) {
    let writes: Vec<_> = source
        .request_log()
        .into_iter()
        .filter(|r| r.method != "GET")
        .collect();
    assert!(writes.is_empty(), "the origin was written to: {writes:?}");
}
