//! Helpers of the events engine tests: demo instances (the origin with the demo's event and
//! tracker programs and their data, a destination with the same metadata and no tracker data),
//! runs of the engine, and what an instance holds, read through its API and from its store.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::support::{client_for, SimTransport};
use dhis2_sim::seed::rng::uid;
use dhis2_sim::{DemoSide, InstanceConfig, Seed, Sim, SimVersion};
use mdsync_core::clock::TestClock;
use mdsync_core::dhis2::tracker::convert::strip_server_owned;
use mdsync_core::rules::{DatePeriod, RuleLastRun};
use mdsync_core::sync::aggregated::TargetMapping;
use mdsync_core::sync::events::{run_events_sync, EventsJob, EventsSelection, EventsSyncOptions};
use mdsync_core::sync::metadata::SyncInstance;
use mdsync_core::sync::{CancellationToken, NoProgress, ProgressSink, SyncReport, SyncRuntime};
use serde_json::Value;

/// 2025-06-15T10:00:00Z: "last year" is the demo's year, 2024.
pub const JUNE_2025: u64 = 1_749_981_600_000;

pub fn event_program() -> String {
    uid("program:Inpatient morbidity and mortality")
}

pub fn tracker_program() -> String {
    uid("program:Child programme")
}

pub fn country() -> String {
    uid("ou:country")
}

pub fn province(index: usize) -> String {
    uid(&format!("ou:province:{index}"))
}

/// A demo instance at `version`, `http://<name>.sim`.
pub fn demo(name: &str, version: &str) -> Arc<Sim> {
    let version: SimVersion = version.parse().expect("version");
    let mut config = InstanceConfig::new(name, version);
    config.seed = Seed::Demo(DemoSide::Source);
    config.base_url = format!("http://{name}.sim");
    Arc::new(Sim::new(config))
}

/// A destination with the origin's metadata and no tracker data.
pub fn empty_copy(name: &str, version: &str) -> Arc<Sim> {
    let sim = demo(name, version);
    sim.with_stores(|_, _, tracker| tracker.clear());
    sim
}

pub fn instance(sim: &Arc<Sim>, name: &str) -> SyncInstance<SimTransport> {
    SyncInstance::new(name, client_for(sim, "admin"))
}

/// A program for the whole country, last year.
pub fn selection(program: &str) -> EventsSelection {
    EventsSelection {
        programs: vec![program.to_string()],
        org_units: vec![country()],
        include_children: true,
        period: DatePeriod::LastYear,
        ..EventsSelection::default()
    }
}

pub fn job(selection: &EventsSelection, options: &EventsSyncOptions) -> EventsJob {
    EventsJob {
        selection: selection.clone(),
        options: options.clone(),
        last_run: RuleLastRun::default(),
        started_millis: JUNE_2025,
        uid_seed: "test-run".into(),
    }
}

/// Runs the engine from `origin` to each of `targets`, with `mappings` (empty when not given).
pub fn run_with(
    origin: &Arc<Sim>,
    targets: &[&Arc<Sim>],
    mappings: &[TargetMapping],
    job: &EventsJob,
    progress: &dyn ProgressSink,
    cancel: &CancellationToken,
) -> SyncReport {
    let origin = instance(origin, "origin");
    let targets: Vec<_> = targets
        .iter()
        .enumerate()
        .map(|(index, sim)| instance(sim, &format!("destination {}", index + 1)))
        .collect();
    let mut mappings = mappings.to_vec();
    mappings.resize_with(targets.len(), TargetMapping::default);
    let clock = TestClock::starting_at(JUNE_2025);
    clock.run(run_events_sync(
        &origin,
        &targets,
        &mappings,
        job,
        &SyncRuntime::new(&clock, progress, cancel),
    ))
}

pub fn run(
    origin: &Arc<Sim>,
    target: &Arc<Sim>,
    selection: &EventsSelection,
    options: &EventsSyncOptions,
) -> SyncReport {
    run_with(
        origin,
        &[target],
        &[],
        &job(selection, options),
        &NoProgress,
        &CancellationToken::new(),
    )
}

/// Objects of a store by id, without server-owned fields (what a sync must carry over).
fn comparable(objects: impl Iterator<Item = Value>, id_key: &str) -> BTreeMap<String, Value> {
    objects
        .map(|mut object| {
            strip_server_owned(&mut object);
            if let Some(map) = object.as_object_mut() {
                // Defaults a server fills in and the store keeps only once imported.
                for key in [
                    "attributeCategoryOptions",
                    "storedBy",
                    "notes",
                    "relationships",
                    "attributes",
                ] {
                    map.remove(key);
                }
            }
            let id = object
                .get(id_key)
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            (id, object)
        })
        .collect()
}

/// The events of `program` a sim holds, comparable.
pub fn events_of(sim: &Arc<Sim>, program: &str) -> BTreeMap<String, Value> {
    let events: Vec<Value> = sim.with_stores(|_, _, tracker| {
        tracker
            .events()
            .filter(|e| e.get("program").and_then(Value::as_str) == Some(program))
            .cloned()
            .collect()
    });
    comparable(events.into_iter(), "event")
}

/// Events of `program` dated in 2024 at the origin.
pub fn events_in_2024(sim: &Arc<Sim>, program: &str) -> BTreeMap<String, Value> {
    events_of(sim, program)
        .into_iter()
        .filter(|(_, e)| {
            e.get("occurredAt")
                .and_then(Value::as_str)
                .is_some_and(|d| d.starts_with("2024"))
        })
        .collect()
}

pub fn counts(sim: &Arc<Sim>) -> (usize, usize, usize, usize) {
    sim.with_stores(|_, _, tracker| {
        (
            tracker.tracked_entity_count(),
            tracker.enrollment_count(),
            tracker.event_count(),
            tracker.relationships().count(),
        )
    })
}

/// The data values of an event, as (data element, value) pairs, sorted.
pub fn values_of(event: &Value) -> Vec<(String, String)> {
    let mut values: Vec<(String, String)> = event
        .get("dataValues")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|v| {
            (
                v.get("dataElement")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
                v.get("value")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
            )
        })
        .collect();
    values.sort();
    values
}

/// Relationship type "Sibling of" (person to person) on each sim, and `count` relationships
/// between pairs of the origin's children.
pub fn add_relationships(origin: &Arc<Sim>, others: &[&Arc<Sim>], count: usize) -> Vec<String> {
    let relationship_type = uid("relationshipType:sibling");
    let person = uid("tet:Person");
    for sim in std::iter::once(origin).chain(others.iter().copied()) {
        sim.with_stores(|metadata, _, _| {
            metadata
                .insert(
                    "relationshipTypes",
                    serde_json::json!({ "id": relationship_type, "name": "Sibling of",
                        "fromConstraint": { "relationshipEntity": "TRACKED_ENTITY_INSTANCE", "trackedEntityType": { "id": person } },
                        "toConstraint": { "relationshipEntity": "TRACKED_ENTITY_INSTANCE", "trackedEntityType": { "id": person } } }),
                )
                .expect("relationship type");
        });
    }
    let mut ids = Vec::new();
    origin.with_stores(|_, _, tracker| {
        for index in 0..count {
            let id = uid(&format!("relationship:sibling:{index}"));
            tracker.insert_relationship(serde_json::json!({
                "relationship": id, "relationshipType": relationship_type,
                "createdAt": "2024-06-01T10:00:00.000", "updatedAt": "2024-06-01T10:00:00.000",
                "from": { "trackedEntity": uid(&format!("te:child:{}", 2 * index)) },
                "to": { "trackedEntity": uid(&format!("te:child:{}", 2 * index + 1)) },
            }));
            ids.push(id);
        }
    });
    ids
}

/// Every tracked entity of `program` under the country, read through the instance's API with
/// the engine's reader (so in one shape whatever the version), without server-owned fields.
pub fn entities_via_api(sim: &Arc<Sim>, program: &str) -> BTreeMap<String, Value> {
    use mdsync_core::dhis2::tracker::{read_tracked_entities_page, TrackerApi, TrackerQuery};
    let client = client_for(sim, "admin");
    let version = crate::support::block_on(client.system_info())
        .expect("info")
        .version;
    let api = TrackerApi::for_version(&version);
    let query = TrackerQuery {
        program: program.to_string(),
        org_unit: country(),
        descendants: true,
        window: None,
        ids: Vec::new(),
    };
    let mut out = BTreeMap::new();
    for page in 1.. {
        let read =
            crate::support::block_on(read_tracked_entities_page(&client, api, &query, page, 100))
                .expect("page");
        for mut entity in read.items {
            strip_server_owned(&mut entity);
            normalise(&mut entity);
            let id = entity["trackedEntity"].as_str().unwrap_or("").to_string();
            out.insert(id, entity);
        }
        if read.last {
            break;
        }
    }
    out
}

/// Sorts the lists of an entity by id and drops what a server fills in by itself.
fn normalise(value: &mut Value) {
    if let Some(object) = value.as_object_mut() {
        for key in [
            "attributeCategoryOptions",
            "attributeOptionCombo",
            "storedBy",
            "notes",
            "followUp",
        ] {
            object.remove(key);
        }
        for (key, inner) in object.iter_mut() {
            if let Value::Array(items) = inner {
                items.iter_mut().for_each(normalise);
                let sort_key = match key.as_str() {
                    "attributes" => "attribute",
                    "dataValues" => "dataElement",
                    "enrollments" => "enrollment",
                    "events" => "event",
                    "relationships" => "relationship",
                    _ => continue,
                };
                items.sort_by(|a, b| {
                    a.get(sort_key)
                        .and_then(Value::as_str)
                        .cmp(&b.get(sort_key).and_then(Value::as_str))
                });
            }
        }
        for key in ["createdAt", "updatedAt", "storedBy", "providedElsewhere"] {
            if let Some(Value::Array(values)) = object.get_mut("dataValues") {
                for value in values.iter_mut().filter_map(Value::as_object_mut) {
                    value.remove(key);
                }
            }
        }
    }
}
