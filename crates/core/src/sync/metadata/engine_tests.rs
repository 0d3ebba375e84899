//! The pipeline against the in-memory server (the simulator-based tests are in
//! `crates/core/tests/sync_*.rs`).

use serde_json::{json, Value};

use super::memory_server::{run_ready, MemoryServer};
use super::*;
use crate::clock::TestClock;
use crate::dhis2::{Auth, Dhis2Client};
use crate::sync::{CancellationToken, NoProgress, SyncReport, SyncRuntime, SyncStep, TargetStatus};

fn package(server: &MemoryServer) {
    server.insert(
        "categoryCombos",
        json!({"id": "bjDvmb4bfuf", "name": "default", "categories": [{"id": "GLevLNI9wkl"}]}),
    );
    server.insert(
        "categories",
        json!({"id": "GLevLNI9wkl", "name": "default"}),
    );
    server.insert(
        "categoryOptions",
        json!({"id": "coAAAAAAAA1", "name": "Male"}),
    );
    server.insert(
        "categories",
        json!({"id": "caAAAAAAAA1", "name": "Sex", "categoryOptions": [{"id": "coAAAAAAAA1"}]}),
    );
    server.insert(
        "categoryCombos",
        json!({"id": "ccAAAAAAAA1", "name": "Sex", "categories": [{"id": "caAAAAAAAA1"}]}),
    );
    server.insert(
        "categoryOptionCombos",
        json!({"id": "ocAAAAAAAA1", "name": "Male",
        "categoryCombo": {"id": "ccAAAAAAAA1"}, "categoryOptions": [{"id": "coAAAAAAAA1"}]}),
    );
    server.insert("dataElements", json!({"id": "deAAAAAAAA1", "name": "A", "categoryCombo": {"id": "ccAAAAAAAA1"},
        "href": "http://h", "displayName": "A", "sharing": {"owner": "usAAAAAAAA1", "public": "rw------", "users": {}, "userGroups": {}}}));
    server.insert(
        "dataElements",
        json!({"id": "deAAAAAAAA2", "name": "B", "categoryCombo": {"id": "bjDvmb4bfuf"}}),
    );
    server.insert("dataElements", json!({"id": "deAAAAAAAA3", "name": "C (only in an indicator)", "categoryCombo": {"id": "bjDvmb4bfuf"}}));
    server.insert(
        "indicatorTypes",
        json!({"id": "itAAAAAAAA1", "name": "Number"}),
    );
    server.insert(
        "indicators",
        json!({"id": "inAAAAAAAA1", "name": "I", "indicatorType": {"id": "itAAAAAAAA1"},
        "numerator": "#{deAAAAAAAA3.ocAAAAAAAA1}", "denominator": "1"}),
    );
    server.insert(
        "organisationUnits",
        json!({"id": "ouAAAAAAAA1", "name": "Root"}),
    );
    server.insert("dataSets", json!({"id": "dsAAAAAAAA1", "name": "DS", "categoryCombo": {"id": "bjDvmb4bfuf"},
        "dataSetElements": [{"dataElement": {"id": "deAAAAAAAA1"}}, {"dataElement": {"id": "deAAAAAAAA2"}}],
        "indicators": [{"id": "inAAAAAAAA1"}], "organisationUnits": [{"id": "ouAAAAAAAA1"}]}));
}

fn ids(payload: &Payload, plural: &str) -> Vec<String> {
    let mut ids: Vec<String> = payload
        .get(plural)
        .map(|objects| {
            objects
                .iter()
                .filter_map(|o| o["id"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    ids.sort();
    ids
}

#[test]
fn resolves_a_data_set_with_its_dependencies_in_few_requests() {
    let server = MemoryServer::new("2.40.1");
    package(&server);
    let client = Dhis2Client::new(&server, "http://origin", Auth::Session);
    let selection = MetadataSelection::ids(["dsAAAAAAAA1"]);
    let options = MetadataSyncOptions::default();
    let result = run_ready(read_origin(
        &client,
        &selection,
        &options,
        &NoProgress,
        &CancellationToken::new(),
    ));
    let package = result.unwrap_or_else(|e| panic!("{e}"));
    let payload = &package.payload;
    assert_eq!(ids(payload, "dataSets"), ["dsAAAAAAAA1"]);
    assert_eq!(
        ids(payload, "dataElements"),
        ["deAAAAAAAA1", "deAAAAAAAA2", "deAAAAAAAA3"]
    );
    assert_eq!(
        ids(payload, "categoryCombos"),
        ["ccAAAAAAAA1"],
        "default combo left out"
    );
    assert_eq!(ids(payload, "categories"), ["caAAAAAAAA1"]);
    assert_eq!(ids(payload, "categoryOptions"), ["coAAAAAAAA1"]);
    assert_eq!(ids(payload, "categoryOptionCombos"), ["ocAAAAAAAA1"]);
    assert_eq!(ids(payload, "indicators"), ["inAAAAAAAA1"]);
    assert_eq!(ids(payload, "indicatorTypes"), ["itAAAAAAAA1"]);
    assert!(payload.get("organisationUnits").is_none());
    let data_set = &payload["dataSets"][0];
    assert!(
        data_set.get("organisationUnits").is_none(),
        "org unit references removed"
    );
    let element = payload["dataElements"]
        .iter()
        .find(|o| o["id"] == "deAAAAAAAA1")
        .cloned()
        .unwrap_or(Value::Null);
    assert!(
        element["sharing"].get("owner").is_none(),
        "users removed by default"
    );
    assert!(package.resolved.default_ids.contains("bjDvmb4bfuf"));
}

#[test]
fn request_count_does_not_grow_with_the_number_of_objects() {
    let requests = |data_sets: usize, elements: usize| {
        let server = MemoryServer::new("2.40.1");
        let selected = super::bench::generate_package(&server, data_sets, elements);
        let client = Dhis2Client::new(&server, "http://origin", Auth::Session);
        let selection = MetadataSelection::ids(selected).with_types(["dataSets"]);
        let package = run_ready(read_origin(
            &client,
            &selection,
            &MetadataSyncOptions::default(),
            &NoProgress,
            &CancellationToken::new(),
        ))
        .unwrap_or_else(|e| panic!("{e}"));
        (
            server.requests.get(),
            package.payload.values().map(Vec::len).sum::<usize>(),
        )
    };
    let (small_requests, small_objects) = requests(2, 10);
    let (large_requests, large_objects) = requests(10, 100);
    assert!(
        large_objects > 3 * small_objects,
        "{small_objects} vs {large_objects}"
    );
    // One request per type per level: the count depends on the shape, not the size.
    assert!(
        large_requests <= small_requests + 2,
        "{small_requests} vs {large_requests}"
    );
    assert!(large_requests < 25);
}

#[test]
fn syncs_to_a_target_and_never_writes_to_the_origin() {
    let origin_server = MemoryServer::new("2.40.1");
    package(&origin_server);
    let target_server = MemoryServer::new("2.30");
    let origin = named("origin", &origin_server);
    let targets = [named("target", &target_server)];
    let selection = MetadataSelection::ids(["dsAAAAAAAA1"]);
    let options = MetadataSyncOptions::default();
    let report = run_ready(run_metadata_sync(
        &origin,
        &targets,
        &selection,
        &options,
        &SyncRuntime::new(&TestClock::new(), &NoProgress, &CancellationToken::new()),
    ));
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let target = &report.targets[0];
    assert_eq!(target.status, TargetStatus::Success, "{target:?}");
    assert_eq!(target.version.as_deref(), Some("2.30"));
    assert_eq!(target.stats.created, 10);
    assert!(origin_server.imports.borrow().is_empty());
    let imports = target_server.imports.borrow();
    assert_eq!(imports.len(), 1);
    let element = imports[0]["dataElements"]
        .as_array()
        .and_then(|a| a.iter().find(|o| o["id"] == "deAAAAAAAA1"))
        .cloned()
        .unwrap_or(Value::Null);
    assert_eq!(
        element["publicAccess"], "rw------",
        "legacy sharing for 2.30"
    );
    assert!(element.get("sharing").is_none());
    assert_eq!(report.origin_request_count, origin_server.requests.get());
    assert_eq!(target.request_count, target_server.requests.get());
}

/// An instance called `name`, served by `server` at `http://<name>`.
fn named<'a>(name: &str, server: &'a MemoryServer) -> SyncInstance<&'a MemoryServer> {
    SyncInstance::new(
        name,
        Dhis2Client::new(server, &format!("http://{name}"), Auth::Session),
    )
}

/// Syncs the packaged data set to `targets`, cancelling at the first progress event of `step`.
fn sync_cancelled_at(step: SyncStep, targets: &[(&str, &MemoryServer)]) -> SyncReport {
    let origin_server = MemoryServer::new("2.40.1");
    package(&origin_server);
    let origin = named("origin", &origin_server);
    let targets: Vec<_> = targets
        .iter()
        .map(|(name, server)| named(name, server))
        .collect();
    let cancel = CancellationToken::new();
    let cancel_at_step = |event: crate::sync::SyncProgress| {
        if matches!(event, crate::sync::SyncProgress::Step { step: reached, .. } if reached == step)
        {
            cancel.cancel();
        }
    };
    run_ready(run_metadata_sync(
        &origin,
        &targets,
        &MetadataSelection::ids(["dsAAAAAAAA1"]),
        &MetadataSyncOptions::default(),
        &SyncRuntime::new(&TestClock::new(), &cancel_at_step, &cancel),
    ))
}

#[test]
fn a_cancelled_sync_writes_nothing_and_says_so() {
    let target_server = MemoryServer::new("2.40.1");
    let report = sync_cancelled_at(SyncStep::Write, &[("target", &target_server)]);
    assert_eq!(report.targets[0].status, TargetStatus::Cancelled);
    assert!(target_server.imports.borrow().is_empty());
    assert!(!report.succeeded());
}

#[test]
fn cancelled_while_reading_every_target_says_cancelled_and_nothing_is_written() {
    let first = MemoryServer::new("2.40.1");
    let second = MemoryServer::new("2.41.0");
    let report = sync_cancelled_at(SyncStep::Read, &[("first", &first), ("second", &second)]);
    assert!(
        report.errors.is_empty(),
        "a cancel is no error: {:?}",
        report.errors
    );
    assert_eq!(report.overall_status(), TargetStatus::Cancelled);
    let statuses: Vec<_> = report
        .targets
        .iter()
        .map(|t| (t.target.as_str(), t.status))
        .collect();
    assert_eq!(
        statuses,
        [
            ("first", TargetStatus::Cancelled),
            ("second", TargetStatus::Cancelled)
        ]
    );
    assert_eq!(
        report.targets[0].notes,
        [crate::sync::ReportNote::CancelledBeforeWriting]
    );
    assert_eq!(
        first.requests.get() + second.requests.get(),
        0,
        "targets untouched"
    );
    assert!(!report.succeeded());
}

#[test]
fn download_payload_builds_without_sending() {
    let origin_server = MemoryServer::new("2.40.1");
    package(&origin_server);
    let target_server = MemoryServer::new("2.41.0");
    let origin = named("origin", &origin_server);
    let targets = [named("target", &target_server)];
    let payloads = run_ready(build_target_payloads(
        &origin,
        &targets,
        &MetadataSelection::ids(["dsAAAAAAAA1"]),
        &MetadataSyncOptions::default(),
    ))
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(payloads.len(), 1);
    assert_eq!(payloads[0].payload["dataSets"][0]["id"], "dsAAAAAAAA1");
    assert!(target_server.imports.borrow().is_empty());
}

#[test]
fn references_to_defaults_point_at_the_target_defaults() {
    let origin_server = MemoryServer::new("2.40.1");
    package(&origin_server);
    let target_server = MemoryServer::new("2.40.1");
    target_server.insert(
        "categoryCombos",
        json!({"id": "ccDefault01", "name": "default"}),
    );
    let origin = named("origin", &origin_server);
    let targets = [named("target", &target_server)];
    let report = run_ready(run_metadata_sync(
        &origin,
        &targets,
        &MetadataSelection::ids(["dsAAAAAAAA1"]),
        &MetadataSyncOptions::default(),
        &SyncRuntime::new(&TestClock::new(), &NoProgress, &CancellationToken::new()),
    ));
    assert!(report.succeeded(), "{report:?}");
    let imports = target_server.imports.borrow();
    assert_eq!(
        imports[0]["dataSets"][0]["categoryCombo"]["id"],
        "ccDefault01"
    );
    let element = imports[0]["dataElements"]
        .as_array()
        .and_then(|a| a.iter().find(|o| o["id"] == "deAAAAAAAA2"))
        .cloned()
        .unwrap_or(Value::Null);
    assert_eq!(element["categoryCombo"]["id"], "ccDefault01");
    assert!(imports[0].get("categoryCombos").is_some_and(|c| c
        .as_array()
        .is_some_and(|c| c.iter().all(|o| o["name"] != "default"))));
}
