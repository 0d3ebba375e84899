//! The security model, tried as an attacker would: a run-only user (`executor`), an app user
//! with no MetaData Sync role (`guest`), and a user without the app (`outsider`) against the
//! simulator, through `core` and straight at the DHIS2 API.

mod support;

use std::sync::Arc;

use dhis2_sim::Sim;
use mdsync_core::access::{AccessDenied, Operation, RequiredRole};
use mdsync_core::clock::TestClock;
use mdsync_core::crypto::EncryptionKey;
use mdsync_core::dhis2::{Auth, Dhis2Client, Method, Transport};
use mdsync_core::instances::{InstanceError, InstanceForm, InstanceManager};
use mdsync_core::model::{AuthKind, Sharing, LOCAL_INSTANCE_ID};
use mdsync_core::storage::{keys, Storage, StorageError, NAMESPACE};
use mdsync_core::sync::metadata::MetadataSelection;
use mdsync_core::sync::{
    run_sync, CancellationToken, MetadataPicks, NoProgress, RuleGrant, RunError, SyncJob,
    SyncRequest,
};
use support::{block_on, sim_named, SimTransport, PASSWORD};

const SECRET: &str = "remote-district-Secret-42";

struct World {
    local: Arc<Sim>,
    remote: Arc<Sim>,
    decoy: Arc<Sim>,
    key: EncryptionKey,
}

impl World {
    fn new() -> World {
        World {
            local: sim_named("local", "2.40"),
            remote: sim_named("remote", "2.40"),
            decoy: sim_named("decoy", "2.40"),
            key: EncryptionKey::generate().expect("randomness"),
        }
    }

    fn transport(&self) -> SimTransport {
        SimTransport::network(vec![
            Arc::clone(&self.local),
            Arc::clone(&self.remote),
            Arc::clone(&self.decoy),
        ])
    }

    fn client(&self, username: &str) -> Dhis2Client<SimTransport> {
        Dhis2Client::new(
            self.transport(),
            self.local.base_url(),
            Auth::Basic {
                username: username.into(),
                password: PASSWORD.into(),
            },
        )
    }

    /// Storage and manager as `username`; configurators bring the layout up to date, as the app
    /// does when they open it.
    fn open(&self, username: &str) -> (Storage<SimTransport>, InstanceManager) {
        let client = self.client(username);
        let me = block_on(client.me()).expect("me");
        let storage = block_on(Storage::connect(client)).expect("storage");
        let manager = InstanceManager::new(me, self.key.clone(), self.local.base_url())
            .with_local_auth(self.client(username).auth().clone());
        if manager.actor().authorize(Operation::EditInstance).is_ok() {
            block_on(storage.migrate()).expect("migrate");
        }
        (storage, manager)
    }

    /// A configurator saves the remote, shared (read) with every app user.
    fn configured_remote(&self) -> String {
        self.configure("Remote", &self.remote, SECRET)
    }

    /// Saves `sim` as an instance with the admin account and `password`.
    fn configure(&self, name: &str, sim: &Sim, password: &str) -> String {
        let (storage, configurator) = self.open("configurator");
        let form = InstanceForm {
            name: name.into(),
            url: sim.base_url().into(),
            description: String::new(),
            auth_kind: AuthKind::Basic,
            username: "admin".into(),
            secret: password.into(),
            sharing: Sharing {
                public_access: Sharing::PUBLIC_READ.into(),
                ..Sharing::default()
            },
        };
        block_on(configurator.create(&storage, &form))
            .expect("saved")
            .view
            .id
    }

    /// Sends a raw request to the local DHIS2 as `username` (an attacker using the API directly).
    fn raw(&self, username: &str, method: Method, path: &str, body: &str) -> u16 {
        let client = self.client(username);
        let mut request = client.request(method, path);
        if !body.is_empty() {
            request = request.with_body("application/json", body.as_bytes().to_vec());
        }
        block_on(client.transport().send(request))
            .expect("answered")
            .status
    }
}

fn metadata_request(origin: &str, destination: &str) -> SyncRequest {
    SyncRequest {
        origin: origin.into(),
        destinations: vec![destination.into()],
        job: SyncJob::Metadata {
            picks: MetadataPicks::Resolved(MetadataSelection::ids(["bjDvmb4bfuf".to_string()])),
            options: Default::default(),
        },
        rule: None,
        started: "2026-12-03T10:00:00Z".into(),
    }
}

#[test]
fn run_only_and_roleless_users_cannot_run_manual_syncs_and_nothing_reaches_the_remote() {
    let world = World::new();
    let remote_id = world.configured_remote();
    for username in ["executor", "guest"] {
        let (storage, manager) = world.open(username);
        world.remote.clear_request_log();
        let refused = block_on(run_sync(
            &manager,
            &storage,
            &metadata_request(LOCAL_INSTANCE_ID, &remote_id),
            &NoProgress,
            &CancellationToken::new(),
            &TestClock::new(),
        ))
        .expect_err("refused");
        assert!(
            matches!(
                refused,
                RunError::Denied(AccessDenied::MissingRole {
                    operation: Operation::RunMetadataSync,
                    required: RequiredRole::Configurator
                })
            ),
            "{username}: {refused:?}"
        );
        assert!(refused.to_string().contains("METADATA_SYNC_CONFIGURATOR"));
        assert!(world.remote.request_log().is_empty(), "{username}");
        // Nor do they get the credentials to call the remote themselves.
        assert!(matches!(
            block_on(manager.connection_target(&storage, &remote_id)),
            Err(InstanceError::Denied(_))
        ));
    }
}

#[test]
fn a_run_only_user_may_run_a_rule_shared_with_them_and_not_one_that_is_not() {
    let world = World::new();
    let remote_id = world.configure("Remote", &world.remote, PASSWORD);
    // Between two remotes: the run reads and writes with the accounts the configurator saved,
    // which core decrypts inside the run.
    let second_id = world.configure("Second", &world.decoy, PASSWORD);
    let (storage, executor) = world.open("executor");
    let private_rule = RuleGrant {
        id: "ruleAaaaaa1".into(),
        name: "Private rule".into(),
        sharing: Sharing::default(),
    };
    let mut request = metadata_request(&remote_id, &second_id);
    request.rule = Some(private_rule.clone());
    let refused = block_on(run_sync(
        &executor,
        &storage,
        &request,
        &NoProgress,
        &CancellationToken::new(),
        &TestClock::new(),
    ))
    .expect_err("not shared");
    assert!(matches!(
        refused,
        RunError::Denied(AccessDenied::NotShared { .. })
    ));

    request.rule = Some(RuleGrant {
        sharing: Sharing {
            public_access: Sharing::PUBLIC_READ.into(),
            ..Sharing::default()
        },
        ..private_rule
    });
    let ran = block_on(run_sync(
        &executor,
        &storage,
        &request,
        &NoProgress,
        &CancellationToken::new(),
        &TestClock::new(),
    ))
    .expect("a shared rule runs");
    let summary = ran.history.expect("history written");
    assert_eq!(summary.user.as_deref(), Some("executor"));
    assert_eq!(summary.rule_id.as_deref(), Some("ruleAaaaaa1"));
    assert_eq!(ran.report.targets.len(), 1, "{:?}", ran.report.errors);
    assert!(
        !ran.report.targets[0].status.is_failure(),
        "{:?}",
        ran.report.targets[0]
    );
    // The run reached both remotes with the credentials core decrypted for it.
    assert!(world
        .decoy
        .request_log()
        .iter()
        .any(|logged| logged.status == 200));
}

#[test]
fn an_origin_that_is_also_a_destination_is_refused_before_anything_is_read() {
    let world = World::new();
    let remote_id = world.configured_remote();
    let (storage, configurator) = world.open("configurator");
    world.remote.clear_request_log();
    let refused = block_on(run_sync(
        &configurator,
        &storage,
        &metadata_request(&remote_id, &remote_id),
        &NoProgress,
        &CancellationToken::new(),
        &TestClock::new(),
    ))
    .expect_err("same instance");
    assert!(matches!(refused, RunError::OriginIsDestination { .. }));
    assert!(world.remote.request_log().is_empty());
}

#[test]
fn app_users_cannot_rewrite_the_configuration_through_the_datastore_api() {
    let world = World::new();
    let remote_id = world.configured_remote();
    let decoy_url = world.decoy.base_url().to_string();
    let forged = format!(
        r#"[{{"id":"{remote_id}","name":"Remote","url":"{decoy_url}","auth":"basic","username":"admin","sharing":{{"publicAccess":"r-------"}}}}]"#
    );
    let instances_path = format!("api/dataStore/{NAMESPACE}/{}", keys::INSTANCES);
    for username in ["executor", "guest"] {
        assert_eq!(
            world.raw(username, Method::Put, &instances_path, &forged),
            403,
            "{username} rewrote the instances"
        );
        let secret_path = format!(
            "api/dataStore/{NAMESPACE}/{}",
            keys::instance_secret(&remote_id)
        );
        assert_eq!(
            world.raw(username, Method::Delete, &secret_path, ""),
            403,
            "{username} deleted a secret"
        );
        for key in [keys::SETTINGS, keys::SCHEMA, keys::RULES] {
            let path = format!("api/dataStore/{NAMESPACE}/{key}");
            assert_eq!(world.raw(username, Method::Put, &path, "{}"), 403, "{key}");
        }
    }
    // An outsider (no app role) is refused by core as well; DHIS2 keeps them out of the
    // namespace once the app is installed (the e2e specs cover that on the installed app).
    let (storage, outsider) = world.open("outsider");
    assert!(matches!(
        block_on(outsider.list_names(&storage)),
        Err(InstanceError::Denied(AccessDenied::MissingRole { .. }))
    ));
}

#[test]
fn a_secret_whose_instance_was_pointed_elsewhere_is_never_sent() {
    let world = World::new();
    let remote_id = world.configured_remote();
    // Suppose the entry is changed anyway (a superuser's script, an old server without entry
    // sharing): the URL now names a decoy the configurator never set.
    let (admin_storage, _) = world.open("admin");
    let mut instances = block_on(admin_storage.instances().list()).expect("instances");
    instances[0].url = world.decoy.base_url().to_string();
    block_on(admin_storage.instances().replace_all(&instances)).expect("rewritten");

    world.decoy.clear_request_log();
    let (storage, configurator) = world.open("configurator");
    let refused =
        block_on(configurator.test_saved(&storage, &remote_id, None)).expect_err("not decrypted");
    assert!(matches!(
        refused,
        InstanceError::Storage(StorageError::SecretBoundElsewhere { .. })
    ));
    assert!(refused
        .to_string()
        .contains("enter the password or token again"));
    let ran = block_on(run_sync(
        &configurator,
        &storage,
        &metadata_request(LOCAL_INSTANCE_ID, &remote_id),
        &NoProgress,
        &CancellationToken::new(),
        &TestClock::new(),
    ));
    assert!(ran.is_err());
    assert!(
        world.decoy.request_log().is_empty(),
        "the decoy was contacted: {:?}",
        world.decoy.request_log()
    );
}

#[test]
fn a_secret_copied_from_another_instance_does_not_decrypt() {
    let world = World::new();
    let first = world.configured_remote();
    let (storage, configurator) = world.open("configurator");
    let second = block_on(configurator.replicate(&storage, &first))
        .expect("copy")
        .view
        .id;
    let stolen = world
        .local
        .datastore_value(NAMESPACE, &keys::instance_secret(&first))
        .expect("first secret");
    let (admin_storage, _) = world.open("admin");
    block_on(admin_storage.write(&keys::instance_secret(&second), &stolen)).expect("copied");
    let refused =
        block_on(configurator.test_saved(&storage, &second, None)).expect_err("bound to first");
    assert!(matches!(
        refused,
        InstanceError::Storage(StorageError::SecretBoundElsewhere { .. })
    ));
}

#[test]
fn no_key_of_the_namespace_holds_a_secret_in_clear() {
    let world = World::new();
    let remote_id = world.configured_remote();
    let (storage, configurator) = world.open("configurator");
    let ran = block_on(run_sync(
        &configurator,
        &storage,
        &metadata_request(LOCAL_INSTANCE_ID, &remote_id),
        &NoProgress,
        &CancellationToken::new(),
        &TestClock::new(),
    ))
    .expect("ran");
    ran.history.expect("history written");
    let keys = block_on(storage.keys()).expect("keys");
    assert!(keys.iter().any(|key| key.starts_with(keys::HISTORY_PREFIX)));
    for key in keys {
        let value = world
            .local
            .datastore_value(NAMESPACE, &key)
            .expect("value")
            .to_string();
        assert!(!value.contains(SECRET), "{key} holds the password in clear");
    }
}

#[test]
fn settings_and_mappings_are_changed_only_by_the_roles_that_may() {
    let world = World::new();
    let remote_id = world.configured_remote();
    let mapping = serde_json::json!({"aggregatedDataElements": {}});
    for username in ["executor", "guest"] {
        let (storage, user) = world.open(username);
        let actor = user.actor();
        let refused =
            block_on(storage.change_mapping(actor, &remote_id, &mapping)).expect_err("mapping");
        assert!(matches!(refused, StorageError::Denied(_)), "{username}");
        assert!(block_on(storage.mapping_for::<serde_json::Value>(actor, &remote_id)).is_err());
        let settings = block_on(storage.settings()).expect("settings");
        assert!(block_on(storage.change_settings(actor, &settings)).is_err());
    }
    let (storage, configurator) = world.open("configurator");
    let actor = configurator.actor();
    block_on(storage.change_mapping(actor, &remote_id, &mapping)).expect("configurators map");
    assert_eq!(
        block_on(storage.mapping_for::<serde_json::Value>(actor, &remote_id)).expect("read"),
        Some(mapping)
    );
    let settings = block_on(storage.settings_for(actor)).expect("settings");
    let refused = block_on(storage.change_settings(actor, &settings)).expect_err("admins only");
    assert!(refused.to_string().contains("ALL"), "{refused}");
    let (storage, admin) = world.open("admin");
    block_on(storage.change_settings(admin.actor(), &settings)).expect("admins change settings");
}
