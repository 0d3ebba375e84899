//! Helpers of the aggregated engine tests: demo instances (the origin with a year of values, a
//! destination with the same metadata and no values), runs of the engine, and the values an
//! instance holds, read through its API.
#![allow(dead_code)]

use std::collections::BTreeSet;
use std::sync::Arc;

use crate::support::{block_on, client_for, SimTransport};
use dhis2_sim::seed::rng::uid;
use dhis2_sim::{DemoSide, InstanceConfig, Seed, Sim, SimVersion};
use mdsync_core::clock::TestClock;
use mdsync_core::dhis2::data_values::DataValueQuery;
use mdsync_core::mapping::DataValueSet;
use mdsync_core::rules::{DatePeriod, RuleLastRun};
use mdsync_core::sync::aggregated::{
    run_aggregated_sync, AggregatedJob, AggregatedSelection, AggregatedSyncOptions, TargetMapping,
};
use mdsync_core::sync::metadata::SyncInstance;
use mdsync_core::sync::{CancellationToken, NoProgress, ProgressSink, SyncReport, SyncRuntime};

/// 2025-06-15T10:00:00Z: "last year" is the demo's year, 2024.
pub const JUNE_2025: u64 = 1_749_981_600_000;

/// The demo's "Reproductive health" data set (ANC, deliveries, family planning).
pub fn anc_data_set() -> String {
    uid("ds:Reproductive health")
}

/// The demo's stock data set, which the demo destination lacks.
pub fn stock_data_set() -> String {
    uid("ds:Facility stock")
}

pub fn province(index: usize) -> String {
    uid(&format!("ou:province:{index}"))
}

pub fn district(province: usize, index: usize) -> String {
    uid(&format!("ou:district:{province}:{index}"))
}

/// A demo instance of `side` at `version`, `http://<name>.sim`.
pub fn demo(name: &str, version: &str, side: DemoSide) -> Arc<Sim> {
    let version: SimVersion = version.parse().expect("version");
    let mut config = InstanceConfig::new(name, version);
    config.seed = Seed::Demo(side);
    config.base_url = format!("http://{name}.sim");
    Arc::new(Sim::new(config))
}

/// A destination with the origin's metadata and no values yet.
pub fn empty_copy(name: &str, version: &str) -> Arc<Sim> {
    let sim = demo(name, version, DemoSide::Source);
    sim.with_stores(|_, values, _| values.clear());
    sim
}

pub fn instance(sim: &Arc<Sim>, name: &str) -> SyncInstance<SimTransport> {
    SyncInstance::new(name, client_for(sim, "admin"))
}

/// ANC for a district with its facilities, last year.
pub fn anc_district() -> AggregatedSelection {
    AggregatedSelection {
        data_sets: vec![anc_data_set()],
        org_units: vec![district(0, 0)],
        include_descendants: true,
        period: DatePeriod::LastYear,
        ..AggregatedSelection::default()
    }
}

/// Runs the engine from `origin` to `targets`, each with its mapping (empty when not given).
pub fn run_with(
    origin: &Arc<Sim>,
    targets: &[&Arc<Sim>],
    mappings: &[TargetMapping],
    selection: &AggregatedSelection,
    options: &AggregatedSyncOptions,
    progress: &dyn ProgressSink,
    cancel: &CancellationToken,
) -> SyncReport {
    let origin = instance(origin, "origin");
    let targets: Vec<_> = targets
        .iter()
        .enumerate()
        .map(|(index, sim)| instance(sim, &format!("destination {}", index + 1)))
        .collect();
    run_instances(
        &origin, &targets, mappings, selection, options, progress, cancel,
    )
}

/// Runs the engine between instances as given (any user).
pub fn run_instances(
    origin: &SyncInstance<SimTransport>,
    targets: &[SyncInstance<SimTransport>],
    mappings: &[TargetMapping],
    selection: &AggregatedSelection,
    options: &AggregatedSyncOptions,
    progress: &dyn ProgressSink,
    cancel: &CancellationToken,
) -> SyncReport {
    let mut mappings = mappings.to_vec();
    mappings.resize_with(targets.len(), TargetMapping::default);
    let job = AggregatedJob {
        selection: selection.clone(),
        options: options.clone(),
        last_run: RuleLastRun::default(),
        started_millis: JUNE_2025,
    };
    let clock = TestClock::starting_at(JUNE_2025);
    clock.run(run_aggregated_sync(
        origin,
        targets,
        &mappings,
        &job,
        &SyncRuntime::new(&clock, progress, cancel),
    ))
}

pub fn run(
    origin: &Arc<Sim>,
    target: &Arc<Sim>,
    selection: &AggregatedSelection,
    options: &AggregatedSyncOptions,
) -> SyncReport {
    run_with(
        origin,
        &[target],
        &[],
        selection,
        options,
        &NoProgress,
        &CancellationToken::new(),
    )
}

/// A value as compared between instances: element, period, org unit, option combo, attribute
/// option combo, value.
pub type Row = (String, String, String, String, String, String);

/// The values `sim` holds for a data set, org units (with descendants) and dates.
pub fn values_of(
    sim: &Arc<Sim>,
    data_set: &str,
    org_unit: &str,
    start: &str,
    end: &str,
) -> BTreeSet<Row> {
    let query = DataValueQuery {
        data_sets: vec![data_set.into()],
        org_units: vec![org_unit.into()],
        children: true,
        start_date: Some(start.into()),
        end_date: Some(end.into()),
        ..DataValueQuery::default()
    };
    let client = client_for(sim, "admin");
    let set: DataValueSet = block_on(client.get_json(&query.path())).expect("values");
    set.data_values
        .into_iter()
        .map(|v| {
            (
                v.data_element.into(),
                v.period.into(),
                v.org_unit.into(),
                v.category_option_combo.unwrap_or_default().into(),
                v.attribute_option_combo.unwrap_or_default().into(),
                v.value.unwrap_or_default().into(),
            )
        })
        .collect()
}

/// The year of the demo's values for one district's subtree.
pub fn district_values(sim: &Arc<Sim>) -> BTreeSet<Row> {
    values_of(
        sim,
        &anc_data_set(),
        &district(0, 0),
        "2024-01-01",
        "2024-12-31",
    )
}

/// Requests of a method to a path in the log, and the bytes they carried.
pub fn logged(sim: &Arc<Sim>, method: &str, path_end: &str) -> (usize, usize) {
    let log = sim.request_log();
    let matching: Vec<_> = log
        .iter()
        .filter(|r| r.method == method && r.path.trim_end_matches(".json").ends_with(path_end))
        .collect();
    (
        matching.len(),
        matching.iter().map(|r| r.request_bytes).sum(),
    )
}

/// Origin id → destination id of the demo objects of `plural` that the destination holds
/// under another id (matched by code).
pub fn moved_ids(plural: &str) -> Vec<(String, String)> {
    use dhis2_sim::seed::demo_metadata;
    let by_code = |side| -> std::collections::BTreeMap<String, String> {
        demo_metadata(side)
            .into_iter()
            .filter(|(p, _)| *p == plural)
            .filter_map(|(_, o)| {
                Some((
                    o["code"].as_str()?.to_string(),
                    o["id"].as_str()?.to_string(),
                ))
            })
            .collect()
    };
    let destination = by_code(DemoSide::Destination);
    by_code(DemoSide::Source)
        .into_iter()
        .filter_map(|(code, id)| {
            let there = destination.get(&code)?;
            (there != &id).then(|| (id, there.clone()))
        })
        .collect()
}

/// The district holding a facility (by the facility's demo code, e.g. `OU_F00097`).
pub fn district_of(facility_code: &str) -> String {
    dhis2_sim::seed::demo_metadata(DemoSide::Source)
        .into_iter()
        .find(|(p, o)| *p == "organisationUnits" && o["code"] == facility_code)
        .and_then(|(_, o)| o["parent"]["id"].as_str().map(str::to_string))
        .expect("facility")
}

/// A mapping of data elements and org units, origin id → destination id.
pub fn mapping_of(elements: &[(String, String)], units: &[(String, String)]) -> TargetMapping {
    let entries = |pairs: &[(String, String)]| -> serde_json::Map<String, serde_json::Value> {
        pairs
            .iter()
            .map(|(from, to)| (from.clone(), serde_json::json!({ "mappedId": to })))
            .collect()
    };
    let value = serde_json::json!({
        "aggregatedDataElements": entries(elements),
        "organisationUnits": entries(units),
    });
    let (mapping, _) = mdsync_core::mapping::decode_strict(&value).expect("mapping");
    TargetMapping {
        mapping,
        ..TargetMapping::default()
    }
}
