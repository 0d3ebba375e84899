//! Instances through the manager, against simulated instances: roles, validation, secrets.

mod support;

use std::sync::Arc;

use dhis2_sim::Sim;
use mdsync_core::access::{AccessDenied, Operation};
use mdsync_core::crypto::{CryptoError, EncryptionKey};
use mdsync_core::dhis2::{Auth, Dhis2Client, Transport};
use mdsync_core::instances::{
    CredentialStore, FormField, InstanceError, InstanceForm, InstanceManager,
};
use mdsync_core::model::{AccessEntry, AuthKind, Sharing, LOCAL_INSTANCE_ID, LOCAL_INSTANCE_NAME};
use mdsync_core::storage::{keys, Storage, StorageError, NAMESPACE};
use support::{block_on, sim_named, InFlight, SimTransport, PASSWORD};

/// The MetaData Sync users group every simulated configurator and executor belongs to.
const SYNC_GROUP: &str = "uGrpMdSync1";

struct World {
    local: Arc<Sim>,
    remote: Arc<Sim>,
    key: EncryptionKey,
}

impl World {
    fn new(local_version: &str) -> World {
        World {
            local: sim_named("local", local_version),
            remote: sim_named("remote", "2.40"),
            key: EncryptionKey::generate().expect("randomness"),
        }
    }

    fn transport(&self) -> SimTransport {
        SimTransport::network(vec![Arc::clone(&self.local), Arc::clone(&self.remote)])
    }

    /// A client of the local instance over `transport`, as `username`.
    fn local_client<T: Transport>(&self, transport: T, username: &str) -> Dhis2Client<T> {
        Dhis2Client::new(
            transport,
            self.local.base_url(),
            Auth::Basic {
                username: username.into(),
                password: PASSWORD.into(),
            },
        )
    }

    /// Storage on the local instance and a manager, as `username`.
    fn open(&self, username: &str) -> (Storage<SimTransport>, InstanceManager) {
        let client = self.local_client(self.transport(), username);
        let me = block_on(client.me()).expect("me");
        let storage = block_on(Storage::connect(client)).expect("storage");
        block_on(storage.migrate()).expect("migrate");
        let manager = InstanceManager::new(me, self.key.clone(), self.local.base_url());
        (storage, manager)
    }

    fn values(&self) -> Vec<(String, String)> {
        let admin = self.local_client(self.transport(), "admin");
        let storage = Storage::new(admin, "2.40".parse().expect("version"));
        block_on(storage.keys())
            .expect("keys")
            .into_iter()
            .map(|key| {
                let value = self.local.datastore_value(NAMESPACE, &key).expect("value");
                (key, value.to_string())
            })
            .collect()
    }
}

fn form(name: &str, url: &str, password: &str) -> InstanceForm {
    InstanceForm {
        name: name.into(),
        url: url.into(),
        description: "the remote".into(),
        auth_kind: AuthKind::Basic,
        username: "admin".into(),
        secret: password.into(),
        sharing: Sharing::default(),
    }
}

#[test]
fn a_configurator_creates_edits_replicates_and_deletes() {
    for version in ["2.30", "2.37", "2.38.0", "2.40", "2.41"] {
        let world = World::new(version);
        let (storage, manager) = world.open("configurator");
        let created = block_on(manager.create_with(
            &storage,
            &form("Remote", "http://remote.sim/api/", PASSWORD),
            CredentialStore::DataStore,
        ))
        .expect("create");
        assert_eq!(created.view.url, "http://remote.sim", "{version}");
        assert!(created.view.has_secret && !created.view.is_local);
        // The only warning is about plain http: the secret's sharing was applied.
        assert_eq!(
            created.warnings.len(),
            1,
            "{version}: {:?}",
            created.warnings
        );
        assert!(
            created.warnings[0].to_string().contains("http://"),
            "{version}"
        );
        let id = created.view.id.clone();

        let list = block_on(manager.list(&storage)).expect("list");
        assert_eq!(list.len(), 2);
        assert_eq!(
            (list[0].id.as_str(), list[0].name.as_str()),
            (LOCAL_INSTANCE_ID, LOCAL_INSTANCE_NAME)
        );
        assert!(list[0].is_local && !list[0].editable());
        assert_eq!(list[1].id, id);
        assert_eq!(
            list[1].sharing.owner.as_deref(),
            Some(manager.me().id.as_str())
        );

        // Edit with the secret left empty: the stored one is kept.
        let mut edit = block_on(manager.edit_form(&storage, &id)).expect("edit form");
        assert!(edit.secret.is_empty());
        edit.name = "Remote HMIS".into();
        let updated = block_on(manager.update(&storage, &id, &edit)).expect("update");
        assert_eq!(updated.view.name, "Remote HMIS");
        let target = block_on(manager.connection_target(&storage, &id)).expect("target");
        assert_eq!(
            target.auth,
            Auth::Basic {
                username: "admin".into(),
                password: PASSWORD.into()
            }
        );

        let copy = block_on(manager.replicate(&storage, &id)).expect("replicate");
        assert_eq!(copy.view.name, "Copy of Remote HMIS");
        assert!(copy.view.has_secret);
        assert_ne!(copy.view.id, id);
        let again = block_on(manager.replicate(&storage, &id)).expect("replicate again");
        assert_eq!(again.view.name, "Copy of Remote HMIS (2)");
        let copied = block_on(manager.connection_target(&storage, &copy.view.id)).expect("target");
        assert_eq!(copied.auth, target.auth);

        block_on(manager.delete(&storage, &id)).expect("delete");
        let names: Vec<String> = block_on(manager.list(&storage))
            .expect("list")
            .into_iter()
            .map(|view| view.name)
            .collect();
        assert_eq!(
            names,
            vec![
                LOCAL_INSTANCE_NAME,
                "Copy of Remote HMIS",
                "Copy of Remote HMIS (2)"
            ]
        );
        assert_eq!(
            world
                .local
                .datastore_value(NAMESPACE, &keys::instance_secret(&id)),
            None
        );
        assert!(matches!(
            block_on(manager.delete(&storage, &id)),
            Err(InstanceError::NotFound { .. })
        ));
    }
}

#[test]
fn listing_reads_instances_and_secret_keys_in_one_round_trip() {
    let world = World::new("2.41");
    let (storage, manager) = world.open("configurator");
    block_on(manager.create_with(
        &storage,
        &form("Remote", "http://remote.sim", PASSWORD),
        CredentialStore::DataStore,
    ))
    .expect("create");
    let watched = InFlight::new(world.transport());
    let client = world.local_client(watched.clone(), "configurator");
    let storage = Storage::new(client, "2.41".parse().expect("version"));
    let list = block_on(manager.list(&storage)).expect("list");
    assert_eq!(list.len(), 2);
    assert!(
        list[1].has_secret,
        "the secret key was found: {:?}",
        list[1]
    );
    assert_eq!(watched.most_in_flight(), 2, "both reads at once");
    assert_eq!(watched.round_trips(), 1);
}

#[test]
fn the_form_reports_every_problem_on_its_field() {
    let world = World::new("2.41");
    let (storage, manager) = world.open("admin");
    block_on(manager.create_with(
        &storage,
        &form("Remote", "http://remote.sim", PASSWORD),
        CredentialStore::DataStore,
    ))
    .expect("create");

    let bad = InstanceForm {
        name: "  remote ".into(),
        url: "remote.sim".into(),
        username: String::new(),
        secret: String::new(),
        ..form("", "", "")
    };
    let Err(InstanceError::Invalid(errors)) =
        block_on(manager.create_with(&storage, &bad, CredentialStore::DataStore))
    else {
        panic!("expected field errors");
    };
    assert!(errors
        .for_field(FormField::Name)
        .is_some_and(|m| m.contains("already exists")));
    assert!(errors
        .for_field(FormField::Url)
        .is_some_and(|m| m.contains("https://remote.sim")));
    assert!(errors.for_field(FormField::Username).is_some());
    assert!(errors
        .for_field(FormField::Secret)
        .is_some_and(|m| m.contains("password")));

    let local_name = form(LOCAL_INSTANCE_NAME, "https://x.org", "p");
    let Err(InstanceError::Invalid(errors)) =
        block_on(manager.create_with(&storage, &local_name, CredentialStore::DataStore))
    else {
        panic!("expected a name error");
    };
    assert!(errors.for_field(FormField::Name).is_some());

    let bad_sharing = InstanceForm {
        sharing: Sharing {
            public_access: "yes".into(),
            ..Sharing::default()
        },
        ..form("Other", "https://other.example.org", "p")
    };
    assert!(matches!(
        block_on(manager.create_with(&storage, &bad_sharing, CredentialStore::DataStore)),
        Err(InstanceError::Invalid(errors)) if errors.for_field(FormField::Sharing).is_some()
    ));

    // Switching to a token without giving one is refused.
    let id = block_on(manager.list(&storage)).expect("list")[1]
        .id
        .clone();
    let mut edit = block_on(manager.edit_form(&storage, &id)).expect("form");
    edit.auth_kind = AuthKind::Token;
    let Err(InstanceError::Invalid(errors)) = block_on(manager.update(&storage, &id, &edit)) else {
        panic!("expected a secret error");
    };
    assert!(errors
        .for_field(FormField::Secret)
        .is_some_and(|m| m.contains("authentication method changed")));
}

#[test]
fn this_instance_is_listed_but_never_changed() {
    let world = World::new("2.38.0");
    let (storage, manager) = world.open("admin");
    let form = form("Anything", "https://x.org", "p");
    assert!(matches!(
        block_on(manager.update(&storage, LOCAL_INSTANCE_ID, &form)),
        Err(InstanceError::LocalInstance { .. })
    ));
    assert!(matches!(
        block_on(manager.delete(&storage, LOCAL_INSTANCE_ID)),
        Err(InstanceError::LocalInstance { .. })
    ));
    assert!(matches!(
        block_on(manager.replicate(&storage, LOCAL_INSTANCE_ID)),
        Err(InstanceError::LocalInstance { .. })
    ));
    let local = block_on(manager.connection_target(&storage, LOCAL_INSTANCE_ID)).expect("local");
    assert_eq!(
        (local.url.as_str(), &local.auth),
        (world.local.base_url(), &Auth::Session)
    );
}

#[test]
fn run_only_users_see_shared_names_and_change_nothing() {
    let world = World::new("2.41");
    let (storage, configurator) = world.open("configurator");
    let shared = InstanceForm {
        sharing: Sharing {
            user_group_accesses: vec![AccessEntry {
                id: SYNC_GROUP.into(),
                name: String::new(),
                access: "r-------".into(),
            }],
            ..Sharing::default()
        },
        ..form("Shared", "http://remote.sim", PASSWORD)
    };
    block_on(configurator.create_with(&storage, &shared, CredentialStore::DataStore))
        .expect("shared");
    let private = block_on(configurator.create_with(
        &storage,
        &form("Private", "http://remote.sim", "x"),
        CredentialStore::DataStore,
    ))
    .expect("private");

    let (storage, executor) = world.open("executor");
    let names = block_on(executor.list_names(&storage)).expect("names");
    let names: Vec<&str> = names.iter().map(|n| n.name.as_str()).collect();
    assert_eq!(names, vec![LOCAL_INSTANCE_NAME, "Shared"]);
    assert!(matches!(
        block_on(executor.list(&storage)),
        Err(InstanceError::Denied(AccessDenied::MissingRole { .. }))
    ));
    let refused = block_on(executor.create_with(
        &storage,
        &form("Mine", "https://x.org", "p"),
        CredentialStore::DataStore,
    ));
    assert!(matches!(
        refused,
        Err(InstanceError::Denied(AccessDenied::MissingRole { .. }))
    ));
    assert!(refused
        .expect_err("refused")
        .to_string()
        .contains("METADATA_SYNC_CONFIGURATOR"));
    assert!(matches!(
        block_on(executor.delete(&storage, &private.view.id)),
        Err(InstanceError::Denied(AccessDenied::MissingRole { .. }))
    ));
    // The executor runs rules through core's run operation; core never hands them the
    // decrypted credentials of an instance, shared with them or not.
    let shared_id = block_on(executor.list_names(&storage)).expect("names")[1]
        .id
        .clone();
    for id in [&shared_id, &private.view.id] {
        let refused = block_on(executor.connection_target(&storage, id)).expect_err("refused");
        assert!(matches!(
            refused,
            InstanceError::Denied(AccessDenied::MissingRole {
                operation: Operation::UseInstanceCredentials,
                ..
            })
        ));
    }

    let (storage, guest) = world.open_guest();
    assert!(matches!(
        block_on(guest.list_names(&storage)),
        Err(InstanceError::Denied(AccessDenied::MissingRole { .. }))
    ));
}

impl World {
    /// The guest may not migrate; the data was migrated by others already.
    fn open_guest(&self) -> (Storage<SimTransport>, InstanceManager) {
        let client = Dhis2Client::new(
            self.transport(),
            self.local.base_url(),
            Auth::Basic {
                username: "guest".into(),
                password: PASSWORD.into(),
            },
        );
        let me = block_on(client.me()).expect("me");
        let storage = block_on(Storage::connect(client)).expect("storage");
        (
            storage,
            InstanceManager::new(me, self.key.clone(), self.local.base_url()),
        )
    }
}

#[test]
fn the_secret_key_is_shared_like_its_instance() {
    let world = World::new("2.40");
    let (storage, configurator) = world.open("configurator");
    let created = block_on(configurator.create_with(
        &storage,
        &form("Remote", "http://remote.sim", PASSWORD),
        CredentialStore::DataStore,
    ))
    .expect("create");
    let id = created.view.id.clone();
    let secret_key = keys::instance_secret(&id);
    let metadata = block_on(storage.datastore().metadata(&secret_key))
        .expect("metadata")
        .expect("exists");
    let sharing = block_on(storage.client().sharing("dataStore", &metadata.id)).expect("sharing");
    assert_eq!(sharing.public_access, Sharing::PRIVATE);

    // Private: the executor's own requests cannot even read the encrypted value.
    let (executor_storage, _) = world.open("executor");
    assert!(block_on(executor_storage.datastore().get(&secret_key)).is_err());

    let mut edit = block_on(configurator.edit_form(&storage, &id)).expect("form");
    edit.sharing.user_group_accesses.push(AccessEntry {
        id: SYNC_GROUP.into(),
        name: String::new(),
        access: "r-------".into(),
    });
    block_on(configurator.update(&storage, &id, &edit)).expect("share");
    let sharing = block_on(storage.client().sharing("dataStore", &metadata.id)).expect("sharing");
    assert_eq!(sharing.user_group_accesses.len(), 1);
    assert_eq!(sharing.user_group_accesses[0].id, SYNC_GROUP);
    assert!(block_on(executor_storage.datastore().get(&secret_key))
        .expect("readable now")
        .is_some());
}

#[test]
fn no_password_or_token_is_stored_or_shown_in_clear() {
    let world = World::new("2.41");
    let (storage, manager) = world.open("admin");
    let password = "Pa55-word-that-must-not-leak";
    let token = "d2pat_abcdefghijklmnopqrstuvwxyz0123451234567890";
    block_on(manager.create_with(
        &storage,
        &form("Basic one", "https://a.example.org", password),
        CredentialStore::DataStore,
    ))
    .expect("basic");
    let with_token = InstanceForm {
        auth_kind: AuthKind::Token,
        username: String::new(),
        secret: token.into(),
        ..form("Token one", "https://b.example.org", "")
    };
    block_on(manager.create_with(&storage, &with_token, CredentialStore::DataStore))
        .expect("token");

    let values = world.values();
    assert!(values.len() >= 4, "{values:?}");
    assert_eq!(
        values
            .iter()
            .filter(|(key, _)| key.starts_with(keys::SECRET_PREFIX))
            .count(),
        2
    );
    for (key, value) in &values {
        for secret in [password, token, "abcdefghijklmnopqrstuvwxyz"] {
            assert!(
                !value.contains(secret),
                "{key} holds a secret in clear: {value}"
            );
        }
    }
    let views = block_on(manager.list(&storage)).expect("list");
    let shown = serde_json::to_string(&views).expect("json");
    assert!(!shown.contains(password) && !shown.contains(token));
    assert!(views.iter().skip(1).all(|view| view.has_secret));
    assert!(!format!("{views:?}").contains(password));
}

#[test]
fn a_wrong_key_says_so() {
    let world = World::new("2.38.0");
    let (storage, manager) = world.open("admin");
    let created = block_on(manager.create_with(
        &storage,
        &form("Remote", "http://remote.sim", PASSWORD),
        CredentialStore::DataStore,
    ))
    .expect("create");
    let other = InstanceManager::new(
        manager.me().clone(),
        EncryptionKey::generate().expect("randomness"),
        world.local.base_url(),
    );
    let error =
        block_on(other.connection_target(&storage, &created.view.id)).expect_err("wrong key");
    assert!(
        matches!(
            &error,
            InstanceError::Storage(StorageError::Secret {
                source: CryptoError::WrongKey,
                ..
            })
        ),
        "{error:?}"
    );
    assert!(error.to_string().contains("another encryption key"));
}
