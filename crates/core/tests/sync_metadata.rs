//! The metadata engine against the in-process simulator: real payloads imported into a source,
//! synced with their dependencies to empty targets across version pairs.

mod support;

use std::collections::BTreeSet;
use std::sync::Arc;

use dhis2_sim::Sim;
use mdsync_core::dhis2::metadata::{import_metadata, ImportOptions};
use mdsync_core::dhis2::{Dhis2Client, ImportStatus};
use mdsync_core::sync::metadata::{
    run_metadata_sync, MetadataSelection, MetadataSyncOptions, SyncInstance,
};
use mdsync_core::sync::{CancellationToken, NoProgress, SyncReport, TargetStatus};
use serde_json::Value;
use support::{block_on, client_for, reference_file, sim_named, SimTransport};

const AGGREGATE: &str = "payloads/aggregate/metadata.json";
const TRACKER: &str = "payloads/setup/tracker_metadata.json";

fn payload(relative: &str) -> Value {
    serde_json::from_slice(&reference_file(relative))
        .unwrap_or_else(|error| panic!("{relative} is not JSON: {error}"))
}

/// A source instance holding the given reference payloads.
fn source(version: &str, payloads: &[&str]) -> Arc<Sim> {
    let sim = sim_named("source", version);
    let client = client_for(&sim, "admin");
    for relative in payloads {
        let result = block_on(import_metadata(&client, &payload(relative), &ImportOptions::default()))
            .unwrap_or_else(|error| panic!("importing {relative} into the source: {error}"));
        assert_ne!(result.status, ImportStatus::Error, "source import of {relative}: {:?}", result.errors);
    }
    sim.clear_request_log();
    sim
}

fn instance(sim: &Arc<Sim>, name: &str) -> SyncInstance<SimTransport> {
    SyncInstance::new(name, client_for(sim, "admin"))
}

fn ids_of(payload: &Value, plural: &str) -> Vec<String> {
    payload[plural]
        .as_array()
        .map(|objects| objects.iter().filter_map(|o| o["id"].as_str().map(str::to_string)).collect())
        .unwrap_or_default()
}

fn sync(source: &Arc<Sim>, target: &Arc<Sim>, ids: &[String], options: &MetadataSyncOptions) -> SyncReport {
    let origin = instance(source, "source");
    let targets = [instance(target, "target")];
    let selection = MetadataSelection::ids(ids.iter().cloned());
    block_on(run_metadata_sync(&origin, &targets, &selection, options, &NoProgress, &CancellationToken::new()))
}

/// Every object of `plural` the target holds, by id, as `/api/{plural}/{id}` with owner fields.
fn exported(client: &Dhis2Client<SimTransport>, plural: &str, id: &str) -> Option<Value> {
    block_on(client.get_json::<Value>(&format!("api/{plural}/{id}?fields=:owner"))).ok()
}

/// The ids referenced by an object (any depth), to compare source and target references.
fn referenced_ids(value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            for (key, field) in map {
                if key == "id" {
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

fn assert_synced(report: &SyncReport) {
    assert!(report.errors.is_empty(), "origin errors: {:?}", report.errors);
    for target in &report.targets {
        assert!(
            matches!(target.status, TargetStatus::Success | TargetStatus::Warning),
            "{} ended {:?}: {:?} {:?}",
            target.target,
            target.status,
            target.errors,
            target.notes
        );
        assert!(target.errors.is_empty(), "{:?}", target.errors);
    }
}

/// Syncs every data set of the aggregate payload and checks that the target holds each
/// synced object with the same references.
fn aggregate_round_trip(source_version: &str, target_version: &str) {
    let source = source(source_version, &[AGGREGATE]);
    let target = sim_named("target", target_version);
    let data_sets = ids_of(&payload(AGGREGATE), "dataSets");
    let report = sync(&source, &target, &data_sets, &MetadataSyncOptions::default());
    assert_synced(&report);
    let created = report.targets[0].stats.created;
    assert!(created > 0, "nothing created: {:?}", report.targets[0]);
    assert_no_origin_writes(&source);

    let source_client = client_for(&source, "admin");
    let target_client = client_for(&target, "admin");
    let mut compared = 0;
    for (plural, count) in &report.objects_by_type {
        let Some(source_list) = block_on(source_client.get_json::<Value>(&format!("api/{plural}?fields=id&paging=false"))).ok() else {
            continue;
        };
        let _ = count;
        for id in ids_of(&source_list, plural) {
            let Some(on_target) = exported(&target_client, plural, &id) else {
                continue;
            };
            let on_source = exported(&source_client, plural, &id).unwrap_or(Value::Null);
            let (mut expected, mut actual) = (BTreeSet::new(), BTreeSet::new());
            referenced_ids(&on_source, &mut expected);
            referenced_ids(&on_target, &mut actual);
            // Sharing, users and org units are switched off by default: compare the rest.
            let relevant = |r: &String| {
                !["user:", "owner:", "lastUpdatedBy:", "createdBy:", "organisationUnits:", "userGroups:", "userGroupAccesses:", "sharing:"]
                    .iter()
                    .any(|prefix| r.starts_with(prefix))
            };
            let expected: BTreeSet<&String> = expected.iter().filter(|r| relevant(r)).collect();
            let actual: BTreeSet<&String> = actual.iter().filter(|r| relevant(r)).collect();
            assert_eq!(expected, actual, "{plural} {id}: references differ after {source_version} → {target_version}");
            compared += 1;
        }
    }
    assert!(compared as u64 >= created, "compared {compared} objects, created {created}");
}

fn assert_no_origin_writes(source: &Arc<Sim>) {
    let writes: Vec<_> = source.request_log().into_iter().filter(|r| r.method != "GET").collect();
    assert!(writes.is_empty(), "the origin was written to: {writes:?}");
}

#[test]
fn aggregate_2_30_to_2_38() {
    aggregate_round_trip("2.30", "2.38");
}

#[test]
fn aggregate_2_36_to_2_41() {
    aggregate_round_trip("2.36", "2.41");
}

#[test]
fn aggregate_2_38_to_2_38() {
    aggregate_round_trip("2.38", "2.38");
}

#[test]
fn aggregate_2_40_to_2_42() {
    aggregate_round_trip("2.40", "2.42");
}

#[test]
fn aggregate_2_41_to_2_36() {
    aggregate_round_trip("2.41", "2.36");
}

#[test]
fn aggregate_2_42_to_2_30() {
    aggregate_round_trip("2.42", "2.30");
}
