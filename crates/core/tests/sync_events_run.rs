//! Events syncs through the one run operation (`run_sync`): the role is checked, history keeps
//! the report with its per-program figures, and a run cut short resumes (pages that arrived are
//! not sent again; the rest is create-or-update, so nothing arrives twice, new UIDs included).

mod events_common;
mod support;

use std::sync::Arc;

use dhis2_sim::Sim;
use events_common::*;
use mdsync_core::access::{AccessDenied, Operation};
use mdsync_core::clock::TestClock;
use mdsync_core::crypto::EncryptionKey;
use mdsync_core::dhis2::{Auth, Dhis2Client};
use mdsync_core::instances::{CredentialStore, InstanceForm, InstanceManager};
use mdsync_core::model::{AuthKind, Sharing, LOCAL_INSTANCE_ID};
use mdsync_core::rules::RuleLastRun;
use mdsync_core::storage::Storage;
use mdsync_core::sync::events::{EventsSelection, EventsSyncOptions};
use mdsync_core::sync::{
    load_from_history, resume_sync, run_sync, CancellationToken, NoProgress, RunError, RunOutcome,
    SyncJob, SyncRequest, TargetStatus,
};
use support::{block_on, SimTransport, PASSWORD};

struct World {
    local: Arc<Sim>,
    remote: Arc<Sim>,
    storage: Storage<SimTransport>,
    manager: InstanceManager,
    remote_id: String,
}

fn auth(username: &str) -> Auth {
    Auth::Basic {
        username: username.into(),
        password: PASSWORD.into(),
    }
}

/// This instance (the demo's origin, 2.38) with a remote saved as an instance.
fn world(remote: Arc<Sim>) -> World {
    let local = demo("local", "2.38");
    let transport = SimTransport::network(vec![Arc::clone(&local), Arc::clone(&remote)]);
    let client = Dhis2Client::new(transport, local.base_url(), auth("admin"));
    let me = block_on(client.me()).expect("me");
    let storage = block_on(Storage::connect(client)).expect("storage");
    let manager = InstanceManager::new(
        me,
        EncryptionKey::generate().expect("key"),
        local.base_url(),
    )
    .with_local_auth(auth("admin"));
    block_on(manager.prepare_storage(&storage)).expect("prepared");
    let form = InstanceForm {
        name: "Regional".into(),
        url: remote.base_url().into(),
        description: String::new(),
        auth_kind: AuthKind::Basic,
        username: "admin".into(),
        secret: PASSWORD.into(),
        sharing: Sharing::default(),
    };
    let remote_id = block_on(manager.create_with(&storage, &form, CredentialStore::DataStore))
        .expect("saved")
        .view
        .id;
    World {
        local,
        remote,
        storage,
        manager,
        remote_id,
    }
}

fn province_programs() -> EventsSelection {
    EventsSelection {
        programs: vec![event_program(), tracker_program()],
        org_units: vec![province(0)],
        ..selection(&event_program())
    }
}

impl World {
    fn request(&self, options: EventsSyncOptions) -> SyncRequest {
        SyncRequest {
            origin: LOCAL_INSTANCE_ID.into(),
            destinations: vec![self.remote_id.clone()],
            job: SyncJob::Events {
                selection: province_programs(),
                options,
                last_run: RuleLastRun::default(),
            },
            rule: None,
            started: "2025-06-15T10:00:00Z".into(),
        }
    }

    fn run(
        &self,
        manager: &InstanceManager,
        request: &SyncRequest,
    ) -> Result<RunOutcome, RunError> {
        let clock = TestClock::starting_at(JUNE_2025);
        clock.run(run_sync(
            manager,
            &self.storage,
            request,
            &NoProgress,
            &CancellationToken::new(),
            &clock,
        ))
    }
}

#[test]
fn a_push_is_saved_to_history_with_its_figures_per_program() {
    let world = world(empty_copy("regional", "2.41"));
    let outcome = world
        .run(&world.manager, &world.request(EventsSyncOptions::default()))
        .expect("ran");
    let report = &outcome.report;
    assert!(report.succeeded(), "{:?}", report.targets[0].errors);
    let summary = outcome.history.expect("history written");
    let stored = block_on(load_from_history(&world.storage, &summary.id))
        .expect("read")
        .expect("entry");
    let programs = &stored.events.as_ref().expect("events details").programs;
    assert_eq!(programs.len(), 2);
    assert!(programs[0].events > 0 && !programs[0].tracker);
    assert!(programs[1].tracked_entities > 0 && programs[1].tracker);
    let (entities, _, events, _) = counts(&world.remote);
    assert_eq!(entities as u64, programs[1].tracked_entities);
    assert_eq!(events as u64, programs[0].events + programs[1].events);
    assert!(!outcome.resumable);
    let _ = &world.local;
}

#[test]
fn a_run_only_user_cannot_run_an_events_sync_and_nothing_reaches_the_remote() {
    let world = world(empty_copy("regional", "2.41"));
    let transport =
        SimTransport::network(vec![Arc::clone(&world.local), Arc::clone(&world.remote)]);
    let client = Dhis2Client::new(transport, world.local.base_url(), auth("executor"));
    let me = block_on(client.me()).expect("me");
    let executor = InstanceManager::new(
        me,
        EncryptionKey::generate().expect("key"),
        world.local.base_url(),
    )
    .with_local_auth(auth("executor"));
    world.remote.clear_request_log();
    let refused = world
        .run(&executor, &world.request(EventsSyncOptions::default()))
        .expect_err("refused");
    assert!(
        matches!(
            refused,
            RunError::Denied(AccessDenied::MissingRole {
                operation: Operation::RunEventsSync,
                ..
            })
        ),
        "{refused:?}"
    );
    assert!(world.remote.request_log().is_empty());
}

/// An expired session at the destination after the first write: the run stops resumable; taken
/// up again, it finishes, and with new UIDs nothing arrives twice.
#[test]
fn an_interrupted_run_resumes_and_nothing_arrives_twice() {
    let world = world(empty_copy("regional", "2.40"));
    world.remote.add_fault(dhis2_sim::FaultRule {
        method: Some("POST".into()),
        nth: Some(2),
        times: Some(1),
        status: Some(401),
        ..dhis2_sim::FaultRule::new("/api/tracker*", dhis2_sim::FaultKind::Status)
    });
    let options = EventsSyncOptions {
        new_uids: true,
        page_size: 100,
        ..EventsSyncOptions::default()
    };
    let first = world
        .run(&world.manager, &world.request(options))
        .expect("ran");
    assert!(first.resumable, "{:?}", first.report.targets[0]);
    assert!(first.report.targets[0].interruption.is_some());
    let before = counts(&world.remote);
    assert!(before.2 > 0, "the first page arrived");
    let run_id = first.report.run_id.clone().expect("run id");
    let clock = TestClock::starting_at(JUNE_2025);
    let resumed = clock
        .run(resume_sync(
            &world.manager,
            &world.storage,
            &run_id,
            &NoProgress,
            &CancellationToken::new(),
            &clock,
        ))
        .expect("resumed");
    let target = &resumed.report.targets[0];
    assert_eq!(target.status, TargetStatus::Success, "{:?}", target.errors);
    assert_eq!(resumed.report.resumed, 1);
    let programs = &resumed.report.events.as_ref().unwrap().programs;
    let (entities, _, events, _) = counts(&world.remote);
    assert_eq!(
        entities as u64, programs[1].tracked_entities,
        "no entity twice"
    );
    assert_eq!(
        events as u64,
        programs[0].events + programs[1].events,
        "no event twice"
    );
}
