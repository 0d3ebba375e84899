//! Aggregated syncs through the one run operation (`run_sync`): the role is checked, the
//! mapping stored toward the remote is applied (inverted for a pull), history keeps the report
//! with its data stats, and a run cut short resumes without sending again what arrived.

mod aggregated_common;
mod support;

use std::sync::Arc;

use aggregated_common::*;
use dhis2_sim::{DemoSide, FaultKind, FaultRule, Sim};
use mdsync_core::clock::TestClock;
use mdsync_core::crypto::EncryptionKey;
use mdsync_core::dhis2::{Auth, Dhis2Client};
use mdsync_core::instances::{CredentialStore, InstanceForm, InstanceManager};
use mdsync_core::model::{AuthKind, Sharing, LOCAL_INSTANCE_ID};
use mdsync_core::rules::RuleLastRun;
use mdsync_core::storage::Storage;
use mdsync_core::sync::aggregated::AggregatedSyncOptions;
use mdsync_core::sync::{
    load_from_history, resume_sync, run_sync, CancellationToken, NoProgress, RunOutcome, SyncJob,
    SyncRequest, TargetStatus,
};
use support::{block_on, SimTransport, PASSWORD};

struct World {
    local: Arc<Sim>,
    remote: Arc<Sim>,
    storage: Storage<SimTransport>,
    manager: InstanceManager,
    remote_id: String,
}

/// This instance (the demo's origin, 2.39) with a remote saved as an instance.
fn world(remote: Arc<Sim>) -> World {
    let local = demo("local", "2.39", DemoSide::Source);
    let transport = SimTransport::network(vec![Arc::clone(&local), Arc::clone(&remote)]);
    let admin = Auth::Basic {
        username: "admin".into(),
        password: PASSWORD.into(),
    };
    let client = Dhis2Client::new(transport, local.base_url(), admin.clone());
    let me = block_on(client.me()).expect("me");
    let storage = block_on(Storage::connect(client)).expect("storage");
    let manager = InstanceManager::new(
        me,
        EncryptionKey::generate().expect("key"),
        local.base_url(),
    )
    .with_local_auth(admin);
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

impl World {
    fn run(&self, origin: &str, destination: &str, options: AggregatedSyncOptions) -> RunOutcome {
        let request = SyncRequest {
            origin: origin.into(),
            destinations: vec![destination.into()],
            job: SyncJob::Aggregated {
                selection: anc_district(),
                options,
                last_run: RuleLastRun::default(),
            },
            rule: None,
            started: "2025-06-15T10:00:00Z".into(),
        };
        let clock = TestClock::starting_at(JUNE_2025);
        clock
            .run(run_sync(
                &self.manager,
                &self.storage,
                &request,
                &NoProgress,
                &CancellationToken::new(),
                &clock,
            ))
            .expect("ran")
    }
}

#[test]
fn a_push_is_saved_to_history_with_its_data_stats() {
    let world = world(empty_copy("regional", "2.41"));
    let outcome = world.run(
        LOCAL_INSTANCE_ID,
        &world.remote_id,
        AggregatedSyncOptions::default(),
    );
    assert!(
        outcome.report.succeeded(),
        "{:?}",
        outcome.report.targets[0].errors
    );
    assert_eq!(
        district_values(&world.remote),
        district_values(&world.local)
    );
    let summary = outcome.history.expect("history written");
    let stored = block_on(load_from_history(&world.storage, &summary.id))
        .expect("read")
        .expect("entry");
    let stats = &stored
        .aggregated
        .as_ref()
        .expect("aggregated details")
        .stats;
    assert_eq!(
        stats.values_read as usize,
        district_values(&world.local).len()
    );
    assert!(stats.by_data_element.len() > 10);
    assert_eq!(
        stats
            .by_org_unit_level
            .iter()
            .map(|level| level.level)
            .collect::<Vec<_>>(),
        [4]
    );
    assert_eq!(summary.objects, stats.values_read as usize);
    assert!(!outcome.resumable);
}

/// The remote's values come into this instance, mapped back through the inverted mapping
/// stored toward the remote.
#[test]
fn a_pull_applies_the_remotes_mapping_inverted() {
    let remote = demo("regional", "2.40", DemoSide::Source);
    let world = world(remote);
    world.local.with_stores(|_, values, _| values.clear());
    // Stored toward the remote: this instance's element A is the remote's element B.
    let elements = dhis2_sim::seed::demo_metadata(DemoSide::Source)
        .into_iter()
        .filter(|(plural, o)| {
            *plural == "dataElements" && o["valueType"] == "INTEGER_ZERO_OR_POSITIVE"
        })
        .filter_map(|(_, o)| o["id"].as_str().map(str::to_string))
        .take(2)
        .collect::<Vec<_>>();
    let (here, there) = (elements[0].clone(), elements[1].clone());
    let mapping = mapping_of(&[(here.clone(), there.clone())], &[]).mapping;
    block_on(
        world
            .storage
            .change_mapping(world.manager.actor(), &world.remote_id, &mapping),
    )
    .expect("stored");
    let outcome = world.run(
        &world.remote_id,
        LOCAL_INSTANCE_ID,
        AggregatedSyncOptions::default(),
    );
    assert!(
        !outcome.report.targets[0].status.is_failure(),
        "{:?}",
        outcome.report.targets[0].errors
    );
    let remote_rows = district_values(&world.remote);
    let local_rows = district_values(&world.local);
    // The remote's `there` values arrive as `here`.
    let theirs: Vec<_> = remote_rows.iter().filter(|row| row.0 == there).collect();
    assert!(!theirs.is_empty());
    for (_, pe, ou, coc, aoc, value) in theirs {
        let mapped = (
            here.clone(),
            pe.clone(),
            ou.clone(),
            coc.clone(),
            aoc.clone(),
            value.clone(),
        );
        assert!(
            local_rows.contains(&mapped),
            "not pulled as {here}: {mapped:?}"
        );
    }
}

/// An expired session at the destination after the first slice: the run stops resumable; taken
/// up again, it sends only the slices that had not arrived.
#[test]
fn an_interrupted_run_resumes_without_sending_again_what_arrived() {
    let world = world(empty_copy("regional", "2.41"));
    world.remote.add_fault(FaultRule {
        method: Some("POST".into()),
        nth: Some(2),
        status: Some(401),
        ..FaultRule::new("/api/dataValueSets*", FaultKind::Status)
    });
    let options = AggregatedSyncOptions {
        // Two slices: two data sets.
        ..AggregatedSyncOptions::default()
    };
    let request = SyncRequest {
        origin: LOCAL_INSTANCE_ID.into(),
        destinations: vec![world.remote_id.clone()],
        job: SyncJob::Aggregated {
            selection: mdsync_core::sync::aggregated::AggregatedSelection {
                data_sets: vec![
                    anc_data_set(),
                    dhis2_sim::seed::rng::uid("ds:Malaria and HIV"),
                ],
                ..anc_district()
            },
            options,
            last_run: RuleLastRun::default(),
        },
        rule: None,
        started: "2025-06-15T10:00:00Z".into(),
    };
    let clock = TestClock::starting_at(JUNE_2025);
    let first = clock
        .run(run_sync(
            &world.manager,
            &world.storage,
            &request,
            &NoProgress,
            &CancellationToken::new(),
            &clock,
        ))
        .expect("ran");
    assert!(first.resumable, "{:?}", first.report.targets[0]);
    let run_id = first.report.run_id.clone().expect("run id");
    world.remote.clear_faults();
    world.remote.clear_request_log();
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
    assert_eq!(
        target.status,
        TargetStatus::Success,
        "{:?} {:?}",
        target.errors,
        target.notes
    );
    assert!(!resumed.resumable);
    assert_eq!(resumed.report.resumed, 1);
    // Only the second data set's slice went out again.
    assert_eq!(logged(&world.remote, "POST", "dataValueSets").0, 1);
    assert_eq!(
        district_values(&world.remote),
        district_values(&world.local)
    );
}
