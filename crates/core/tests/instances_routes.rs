//! Instances whose credential lives in a DHIS2 route of the local server (2.40+): the default
//! there, the encrypted dataStore before, a move from one to the other on request, and runs
//! that reach the remote through the route with no credential in the user's hands.

mod support;

use std::sync::Arc;

use dhis2_sim::routes::SimPeers;
use dhis2_sim::Sim;
use mdsync_core::access::Operation;
use mdsync_core::crypto::EncryptionKey;
use mdsync_core::dhis2::Auth;
use mdsync_core::instances::{
    CredentialStore, InstanceError, InstanceForm, InstanceManager, SaveWarning,
};
use mdsync_core::model::{AuthKind, Sharing, LOCAL_INSTANCE_ID};
use mdsync_core::storage::{keys, InstanceSecret, Storage, NAMESPACE};
use mdsync_core::sync::metadata::MetadataSelection;
use mdsync_core::sync::{
    run_sync, CancellationToken, MetadataPicks, NoProgress, RuleGrant, SyncJob, SyncRequest,
};
use support::{block_on, client_for, sim_named, SimTransport, PASSWORD};

struct World {
    local: Arc<Sim>,
    remote: Arc<Sim>,
    second: Arc<Sim>,
    _peers: SimPeers,
    key: EncryptionKey,
}

impl World {
    fn new(local_version: &str) -> World {
        let peers = SimPeers::new();
        let local = sim_named("local", local_version);
        let remote = sim_named("remote", "2.39");
        let second = sim_named("second", "2.38");
        peers.add(&remote);
        peers.add(&second);
        local.set_route_upstream(Some(peers.upstream()));
        // The simulator speaks plain http: allow it, as `route.remote_servers_allowed` would.
        local.set_route_remote_servers_allowed(vec!["http://*".into()]);
        World {
            local,
            remote,
            second,
            _peers: peers,
            key: EncryptionKey::generate().expect("randomness"),
        }
    }

    fn open(&self, username: &str) -> (Storage<SimTransport>, InstanceManager) {
        let transport = SimTransport::network(vec![
            Arc::clone(&self.local),
            Arc::clone(&self.remote),
            Arc::clone(&self.second),
        ]);
        let client = client_for(&self.local, username);
        let me = block_on(client.me()).expect("me");
        let local = mdsync_core::dhis2::Dhis2Client::new(
            transport,
            self.local.base_url(),
            Auth::Basic {
                username: username.into(),
                password: PASSWORD.into(),
            },
        );
        let storage = block_on(Storage::connect(local)).expect("storage");
        let manager = InstanceManager::new(me, self.key.clone(), self.local.base_url())
            .with_local_auth(Auth::Basic {
                username: username.into(),
                password: PASSWORD.into(),
            });
        if manager.actor().authorize(Operation::EditInstance).is_ok() {
            block_on(manager.prepare_storage(&storage)).expect("prepared");
        }
        (storage, manager)
    }

    fn secret_stored(&self, id: &str) -> bool {
        self.local
            .datastore_value(NAMESPACE, &keys::instance_secret(id))
            .is_some()
    }
}

fn form(name: &str, remote: &Sim) -> InstanceForm {
    InstanceForm {
        name: name.into(),
        url: remote.base_url().into(),
        description: String::new(),
        auth_kind: AuthKind::Basic,
        username: "admin".into(),
        secret: PASSWORD.into(),
        sharing: Sharing {
            public_access: Sharing::PUBLIC_READ.into(),
            ..Sharing::default()
        },
    }
}

#[test]
fn on_2_40_and_later_the_credential_goes_into_a_route_and_runs_go_through_it() {
    let world = World::new("2.41");
    let (storage, admin) = world.open("admin");
    let remote = block_on(admin.create(&storage, &form("Remote", &world.remote))).expect("saved");
    let second = block_on(admin.create(&storage, &form("Second", &world.second))).expect("saved");
    assert!(!mentions_route(&remote.warnings), "{:?}", remote.warnings);
    assert!(remote.view.through_route && remote.view.has_secret);
    assert!(!world.secret_stored(&remote.view.id), "no dataStore secret");
    // The route is the instance's, and DHIS2 never gives its password back.
    let routes = world
        .local
        .request_log()
        .into_iter()
        .filter(|logged| logged.path.starts_with("/api/routes"))
        .count();
    assert!(routes >= 2);

    // A connection test goes through the route too.
    let diagnosis = block_on(admin.test_saved(&storage, &remote.view.id, None)).expect("tested");
    assert!(
        matches!(
            diagnosis,
            mdsync_core::instances::ConnectionDiagnosis::Connected { .. }
        ),
        "{diagnosis:?}"
    );

    // A run-only user runs a rule shared with them between the two routed remotes: core opens
    // the instances through the routes with the executor's own local account.
    let (storage, executor) = world.open("executor");
    world.remote.clear_request_log();
    let request = SyncRequest {
        origin: remote.view.id.clone(),
        destinations: vec![second.view.id.clone()],
        job: SyncJob::Metadata {
            picks: MetadataPicks::Resolved(MetadataSelection::ids(["bjDvmb4bfuf".to_string()])),
            options: Default::default(),
        },
        rule: Some(RuleGrant {
            id: "ruleAaaaaa1".into(),
            name: "Shared rule".into(),
            sharing: Sharing {
                public_access: Sharing::PUBLIC_READ.into(),
                ..Sharing::default()
            },
        }),
        started: "2026-12-03T10:00:00Z".into(),
    };
    let ran = block_on(run_sync(
        &executor,
        &storage,
        &request,
        &NoProgress,
        &CancellationToken::new(),
        &mdsync_core::clock::TestClock::new(),
    ))
    .expect("ran");
    assert!(ran.report.errors.is_empty(), "{:?}", ran.report.errors);
    assert!(
        !ran.report.targets[0].status.is_failure(),
        "{:?}",
        ran.report.targets[0]
    );
    assert!(
        !world.remote.request_log().is_empty(),
        "the origin was read"
    );

    // Deleting the instance deletes its route.
    let (storage, admin) = world.open("admin");
    block_on(admin.delete(&storage, &remote.view.id)).expect("deleted");
    let routes = block_on(
        storage
            .client()
            .routes(storage.server_version())
            .expect("routes")
            .list(),
    )
    .expect("listed");
    assert!(routes.iter().all(|route| route.id != remote.view.id));
    let _ = LOCAL_INSTANCE_ID;
}

#[test]
fn a_route_the_server_refuses_falls_back_to_the_datastore_and_says_why() {
    let world = World::new("2.41");
    // The simulated configurator holds no F_ROUTE_* authority, as in a DHIS2 where the
    // administrator has not added it to the METADATA_SYNC_CONFIGURATOR role.
    let (storage, configurator) = world.open("configurator");
    let saved = block_on(configurator.create(&storage, &form("Remote", &world.remote)))
        .expect("saved anyway");
    assert!(!saved.view.through_route);
    assert!(world.secret_stored(&saved.view.id));
    assert!(mentions_route(&saved.warnings), "{:?}", saved.warnings);
    assert!(
        saved
            .warnings
            .iter()
            .any(|w| w.to_string().contains("F_ROUTE_PRIVATE_ADD")),
        "the authority to ask for is named: {:?}",
        saved.warnings
    );

    let refused = block_on(configurator.create_with(
        &storage,
        &form("Routed", &world.second),
        CredentialStore::Route,
    ))
    .expect_err("a route was asked for");
    assert!(matches!(refused, InstanceError::Route(_)), "{refused:?}");

    // An administrator moves it into a route on request; the dataStore secret goes.
    let (storage, admin) = world.open("admin");
    block_on(admin.move_to_route(&storage, &saved.view.id)).expect("moved");
    assert!(!world.secret_stored(&saved.view.id));
    let view = block_on(admin.get(&storage, &saved.view.id)).expect("view");
    assert!(view.through_route);
    // And back: the password must be given again.
    block_on(admin.move_to_datastore(
        &storage,
        &saved.view.id,
        &InstanceSecret::Password(PASSWORD.into()),
    ))
    .expect("moved back");
    assert!(world.secret_stored(&saved.view.id));
    let view = block_on(admin.get(&storage, &saved.view.id)).expect("view");
    assert!(!view.through_route);
}

#[test]
fn before_2_40_the_credential_stays_encrypted_in_the_datastore() {
    let world = World::new("2.39");
    let (storage, admin) = world.open("admin");
    let saved = block_on(admin.create(&storage, &form("Remote", &world.remote))).expect("saved");
    assert!(!mentions_route(&saved.warnings), "{:?}", saved.warnings);
    assert!(!saved.view.through_route);
    assert!(world.secret_stored(&saved.view.id));
}

/// Whether a warning says the route could not be used (others, like plain http, may stand).
fn mentions_route(warnings: &[SaveWarning]) -> bool {
    warnings
        .iter()
        .any(|warning| warning.to_string().contains("DHIS2 route"))
}
