//! The world of the fault matrix: a local instance (MetaData Sync's storage and history), a
//! source and a target, all on one [`TestClock`], configured through `core` as the app does,
//! and syncs run through `run_sync` / `resume_sync`.
#![allow(dead_code)]

use std::collections::BTreeSet;
use std::sync::Arc;

use dhis2_sim::metadata::MetadataStore;
use dhis2_sim::seed::rng::uid;
use dhis2_sim::{DemoSide, FaultRule, InstanceConfig, Seed, Sim, SimVersion};
use mdsync_core::clock::TestClock;
use mdsync_core::crypto::EncryptionKey;
use mdsync_core::dhis2::metadata::{import_metadata, ImportOptions, ImportStrategy};
use mdsync_core::dhis2::{Auth, Dhis2Client, ImportStatus};
use mdsync_core::instances::{InstanceForm, InstanceManager};
use mdsync_core::model::{AuthKind, Sharing};
use mdsync_core::rules::{DatePeriod, RuleLastRun};
use mdsync_core::storage::Storage;
use mdsync_core::sync::aggregated::{AggregatedSelection, AggregatedSyncOptions};
use mdsync_core::sync::events::{EventsSelection, EventsSyncOptions};
use mdsync_core::sync::metadata::{
    plan_deletions, ChunkLimits, MetadataSelection, MetadataSyncOptions, SyncInstance,
};
use mdsync_core::sync::{
    resume_sync, run_sync, CancellationToken, MetadataPicks, NoProgress, RunError, RunOutcome,
    SyncJob, SyncRequest,
};
use serde_json::{json, Value};

use crate::support::clocked::ClockedSimTransport;
use crate::support::{reference_file, sim_named, PASSWORD};

pub const AGGREGATE: &str = "payloads/aggregate/metadata.json";
pub const SETUP: &str = "payloads/setup/metadata.json";
/// Objects deleted on the source in the deletions world.
pub const DELETED: usize = 30;

/// 2025-06-15T10:00:00Z: "last year" of the data kinds is the demo's year, 2024.
pub const JUNE_2025: u64 = 1_749_981_600_000;

/// The sync kinds that exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Metadata,
    Deletions,
    /// Aggregated data values: three data sets of a district, last year (a slice each).
    Aggregated,
    /// Events of an event program in a province, pages of 50.
    Events,
    /// Tracked entities (enrollments, events) of a tracker program in a province, pages of 5.
    TrackedEntities,
}

impl Kind {
    pub const ALL: [Kind; 5] = [
        Kind::Metadata,
        Kind::Deletions,
        Kind::Aggregated,
        Kind::Events,
        Kind::TrackedEntities,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Kind::Metadata => "metadata",
            Kind::Deletions => "deletions",
            Kind::Aggregated => "aggregated",
            Kind::Events => "events",
            Kind::TrackedEntities => "tracked entities",
        }
    }

    /// Kinds whose data comes from the demo instances (origin with data, destination without).
    fn is_data(self) -> bool {
        matches!(
            self,
            Kind::Aggregated | Kind::Events | Kind::TrackedEntities
        )
    }
}

fn version() -> SimVersion {
    "2.40".parse().expect("version")
}

/// A demo instance at 2.40, `http://<name>.sim`, with the origin's metadata and data.
fn demo(name: &str) -> Arc<Sim> {
    let mut config = InstanceConfig::new(name, version());
    config.seed = Seed::Demo(DemoSide::Source);
    config.base_url = format!("http://{name}.sim");
    Arc::new(Sim::new(config))
}

pub fn event_program() -> String {
    uid("program:Inpatient morbidity and mortality")
}

pub fn tracker_program() -> String {
    uid("program:Child programme")
}

fn province_0() -> String {
    uid("ou:province:0")
}

pub struct World {
    pub kind: Kind,
    pub clock: TestClock,
    pub local: Arc<Sim>,
    pub source: Arc<Sim>,
    pub target: Arc<Sim>,
    key: EncryptionKey,
    source_id: String,
    target_id: String,
    /// The target's metadata as seeded (its data values and tracker data start empty): what
    /// [`World::reset`] puts back.
    target_seed: Option<MetadataStore>,
}

fn payload(relative: &str) -> Value {
    serde_json::from_slice(&reference_file(relative))
        .unwrap_or_else(|error| panic!("{relative} is not JSON: {error}"))
}

fn constants() -> Value {
    let constants: Vec<Value> = (0..DELETED)
        .map(|i| json!({"id": format!("constant{i:03}"), "name": format!("Constant {i}"), "value": i}))
        .collect();
    json!({ "constants": constants })
}

impl World {
    pub fn new(kind: Kind) -> World {
        let (source, target) = if kind.is_data() {
            let target = demo("target");
            target.with_stores(|_, values, tracker| {
                values.clear();
                tracker.clear();
            });
            (demo("source"), target)
        } else {
            (sim_named("source", "2.40"), sim_named("target", "2.40"))
        };
        let start = if kind.is_data() {
            JUNE_2025
        } else {
            1_700_000_000_000
        };
        let mut world = World {
            kind,
            clock: TestClock::starting_at(start),
            local: sim_named("local", "2.40"),
            source,
            target,
            key: EncryptionKey::generate().expect("randomness"),
            source_id: String::new(),
            target_id: String::new(),
            target_seed: None,
        };
        match kind {
            Kind::Metadata => {
                world.import(
                    &world.source,
                    &payload(SETUP),
                    ImportStrategy::CreateAndUpdate,
                );
                world.import(
                    &world.source,
                    &payload(AGGREGATE),
                    ImportStrategy::CreateAndUpdate,
                );
            }
            Kind::Deletions => {
                for sim in [&world.source, &world.target] {
                    world.import(sim, &constants(), ImportStrategy::CreateAndUpdate);
                }
                world.import(&world.source, &constants(), ImportStrategy::Delete);
            }
            Kind::Aggregated | Kind::Events | Kind::TrackedEntities => {}
        }
        world.source_id = world.configure("Source", &world.source);
        world.target_id = world.configure("Target", &world.target);
        world.target_seed = Some(world.target.with_stores(|metadata, _, _| metadata.clone()));
        for sim in [&world.local, &world.source, &world.target] {
            sim.clear_request_log();
        }
        world
    }

    /// Puts the target back as [`World::new`] left it and forgets faults and requests, so
    /// that one world serves run after run without seeding the demo again: a sync only reads
    /// the source (the matrix checks it), and writes to the target's metadata, data values and
    /// tracker data, which this restores. The local instance keeps its history, each entry
    /// under its own run id.
    pub fn reset(&self) {
        self.target.with_stores(|metadata, values, tracker| {
            if let Some(seed) = &self.target_seed {
                *metadata = seed.clone();
            }
            values.clear();
            tracker.clear();
        });
        self.clear_faults();
        for sim in [&self.local, &self.source, &self.target] {
            sim.clear_request_log();
        }
    }

    pub fn transport(&self) -> ClockedSimTransport {
        ClockedSimTransport::new(
            vec![
                Arc::clone(&self.local),
                Arc::clone(&self.source),
                Arc::clone(&self.target),
            ],
            self.clock.clone(),
        )
    }

    fn client_of(&self, sim: &Sim, username: &str) -> Dhis2Client<ClockedSimTransport> {
        Dhis2Client::new(
            self.transport(),
            sim.base_url(),
            Auth::Basic {
                username: username.into(),
                password: PASSWORD.into(),
            },
        )
    }

    fn import(&self, sim: &Sim, body: &Value, strategy: ImportStrategy) {
        let options = ImportOptions {
            strategy,
            ..Default::default()
        };
        let result = self
            .clock
            .run(import_metadata(
                &self.client_of(sim, "admin"),
                body,
                &options,
            ))
            .unwrap_or_else(|error| panic!("seeding {}: {error}", sim.name()));
        assert_ne!(
            result.status,
            ImportStatus::Error,
            "seeding {}: {:?}",
            sim.name(),
            result.errors
        );
    }

    /// Storage and manager of the local instance as `username`.
    pub fn open(&self, username: &str) -> (Storage<ClockedSimTransport>, InstanceManager) {
        let client = self.client_of(&self.local, username);
        let me = self.clock.run(client.me()).expect("me");
        let storage = self.clock.run(Storage::connect(client)).expect("storage");
        let manager = InstanceManager::new(me, self.key.clone(), self.local.base_url())
            .with_local_auth(self.client_of(&self.local, username).auth().clone());
        if username != "executor" {
            self.clock.run(storage.migrate()).expect("migrate");
        }
        (storage, manager)
    }

    fn configure(&self, name: &str, sim: &Sim) -> String {
        let (storage, configurator) = self.open("configurator");
        let form = InstanceForm {
            name: name.into(),
            url: sim.base_url().into(),
            description: String::new(),
            auth_kind: AuthKind::Basic,
            username: "admin".into(),
            secret: PASSWORD.into(),
            sharing: Sharing {
                public_access: Sharing::PUBLIC_READ.into(),
                ..Sharing::default()
            },
        };
        self.clock
            .run(configurator.create(&storage, &form))
            .expect("instance saved")
            .view
            .id
    }

    /// The job of this world's kind: the aggregate data sets, or the source's deletions.
    fn request(&self) -> SyncRequest {
        let job = match self.kind {
            Kind::Metadata => {
                let ids: Vec<String> = payload(AGGREGATE)["dataSets"]
                    .as_array()
                    .map(|sets| {
                        sets.iter()
                            .filter_map(|set| set["id"].as_str().map(str::to_string))
                            .collect()
                    })
                    .unwrap_or_default();
                SyncJob::Metadata {
                    picks: MetadataPicks::Resolved(MetadataSelection::ids(ids)),
                    options: MetadataSyncOptions {
                        chunks: small_chunks(25),
                        ..Default::default()
                    },
                }
            }
            Kind::Deletions => {
                let origin = SyncInstance::new("Source", self.client_of(&self.source, "admin"));
                let mut plan = self
                    .clock
                    .run(plan_deletions(&origin, None))
                    .expect("deletions planned");
                plan.chunk_limits = small_chunks(10);
                self.source.clear_request_log();
                SyncJob::Deletions {
                    plan,
                    dry_run: false,
                }
            }
            Kind::Aggregated => SyncJob::Aggregated {
                selection: AggregatedSelection {
                    data_sets: vec![
                        uid("ds:Reproductive health"),
                        uid("ds:Child health and immunization"),
                        uid("ds:Malaria and HIV"),
                    ],
                    org_units: vec![uid("ou:district:0:0")],
                    include_descendants: true,
                    period: DatePeriod::LastYear,
                    ..AggregatedSelection::default()
                },
                options: AggregatedSyncOptions::default(),
                last_run: RuleLastRun::default(),
            },
            Kind::Events | Kind::TrackedEntities => {
                let (program, page_size) = if self.kind == Kind::Events {
                    (event_program(), 50)
                } else {
                    (tracker_program(), 5)
                };
                SyncJob::Events {
                    selection: EventsSelection {
                        programs: vec![program],
                        org_units: vec![province_0()],
                        include_children: true,
                        period: DatePeriod::LastYear,
                        ..EventsSelection::default()
                    },
                    options: EventsSyncOptions {
                        page_size,
                        ..EventsSyncOptions::default()
                    },
                    last_run: RuleLastRun::default(),
                }
            }
        };
        SyncRequest {
            origin: self.source_id.clone(),
            destinations: vec![self.target_id.clone()],
            job,
            rule: None,
            started: "2026-12-03T10:00:00Z".into(),
        }
    }

    /// A run as the administrator.
    pub fn run(&self) -> Result<RunOutcome, RunError> {
        let request = self.request();
        let (storage, manager) = self.open("admin");
        self.clock.run(run_sync(
            &manager,
            &storage,
            &request,
            &NoProgress,
            &CancellationToken::new(),
            &self.clock,
        ))
    }

    /// A run as the administrator, with its progress and stop in the test's hands.
    pub fn run_with(
        &self,
        progress: &dyn mdsync_core::sync::ProgressSink,
        cancel: &CancellationToken,
    ) -> Result<RunOutcome, RunError> {
        let request = self.request();
        let (storage, manager) = self.open("admin");
        self.clock.run(run_sync(
            &manager,
            &storage,
            &request,
            progress,
            cancel,
            &self.clock,
        ))
    }

    pub fn resume(&self, run_id: &str) -> Result<RunOutcome, RunError> {
        let (storage, manager) = self.open("admin");
        self.clock.run(resume_sync(
            &manager,
            &storage,
            run_id,
            &NoProgress,
            &CancellationToken::new(),
            &self.clock,
        ))
    }

    pub fn fault(&self, sim: &Sim, rule: FaultRule) {
        sim.add_fault(rule);
    }

    pub fn clear_faults(&self) {
        for sim in [&self.local, &self.source, &self.target] {
            sim.clear_faults();
        }
    }

    /// What the target holds of what the kind touches: every object of the payload's types
    /// (id and name), or the constants still there.
    pub fn target_state(&self) -> BTreeSet<String> {
        if self.kind.is_data() {
            return self.target_data();
        }
        let client = self.client_of(&self.target, "admin");
        let types: Vec<String> = match self.kind {
            Kind::Metadata => payload(AGGREGATE)
                .as_object()
                .map(|object| object.keys().filter(|k| *k != "system").cloned().collect())
                .unwrap_or_default(),
            _ => vec!["constants".to_string()],
        };
        let mut state = BTreeSet::new();
        for plural in types {
            let path = format!("api/{plural}?fields=id,name&paging=false");
            let Ok(body) = self.clock.run(client.get_json::<Value>(&path)) else {
                continue;
            };
            for object in body[&plural].as_array().into_iter().flatten() {
                state.insert(format!("{plural}:{}:{}", object["id"], object["name"]));
            }
        }
        state
    }

    /// The data the target holds: every live value; every tracked entity, enrollment and
    /// event by id (an object written twice under a new id would show), events with values.
    fn target_data(&self) -> BTreeSet<String> {
        self.target.with_stores(|_, values, tracker| {
            let mut state: BTreeSet<String> = values
                .iter_values()
                .map(|(de, pe, ou, coc, value)| format!("value:{de}:{pe}:{ou}:{coc}={value}"))
                .collect();
            let id = |object: &Value, key: &str| object[key].as_str().unwrap_or("?").to_string();
            for entity in tracker.tracked_entities() {
                state.insert(format!("trackedEntity:{}", id(entity, "trackedEntity")));
            }
            for enrollment in tracker.enrollments() {
                state.insert(format!("enrollment:{}", id(enrollment, "enrollment")));
            }
            for event in tracker.events() {
                let mut data: Vec<String> = event["dataValues"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|v| format!("{}={}", v["dataElement"], v["value"]))
                    .collect();
                data.sort();
                state.insert(format!("event:{}:{}", id(event, "event"), data.join(",")));
            }
            state
        })
    }

    /// Requests that could have written to the source.
    pub fn writes_to_origin(&self) -> Vec<String> {
        self.source
            .request_log()
            .into_iter()
            .filter(|r| r.method != "GET")
            .map(|r| format!("{} {}", r.method, r.path))
            .collect()
    }

    /// Requests a replacing fault answered (or dropped), on every instance.
    pub fn faults_fired(&self) -> usize {
        [&self.local, &self.source, &self.target]
            .iter()
            .flat_map(|sim| sim.request_log())
            .filter(|r| r.fault.is_some())
            .count()
    }

    /// POSTs the target received.
    pub fn target_posts(&self) -> usize {
        self.target
            .request_log()
            .iter()
            .filter(|r| r.method == "POST")
            .count()
    }

    /// POSTs the target answered itself (no fault in the way) with a success.
    pub fn target_posts_answered(&self) -> usize {
        self.target
            .request_log()
            .iter()
            .filter(|r| r.method == "POST" && r.fault.is_none() && (200..300).contains(&r.status))
            .count()
    }
}

pub fn small_chunks(max_objects: usize) -> ChunkLimits {
    ChunkLimits {
        max_objects,
        max_bytes: 1 << 20,
    }
}
