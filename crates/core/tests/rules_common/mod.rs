//! Shared by the rules tests (`mod rules_common;`): a local DHIS2 (the app's dataStore, and the
//! origin) and a remote destination, simulated in-process on a test clock, users opened as the
//! app opens them, and rule drafts.
#![allow(dead_code)]

use std::future::Future;
use std::sync::Arc;

use dhis2_sim::Sim;
use mdsync_core::access::Operation;
use mdsync_core::clock::TestClock;
use mdsync_core::crypto::EncryptionKey;
use mdsync_core::dhis2::metadata::{import_metadata, ImportOptions};
use mdsync_core::dhis2::{Auth, Dhis2Client};
use mdsync_core::instances::{CredentialStore, InstanceForm, InstanceManager};
use mdsync_core::model::{AuthKind, Sharing, LOCAL_INSTANCE_ID};
use mdsync_core::rules::{parse_iso, MetadataRuleSelection, PickedObject, RuleDraft, RuleJob};
use mdsync_core::storage::Storage;

use crate::support::clocked::ClockedSimTransport;
use crate::support::{sim_named, PASSWORD};

/// 2026-12-03T10:00:00Z, a Thursday.
pub const START: &str = "2026-12-03T10:00:00Z";

/// Constants seeded on the local instance (the origin of the rules).
pub const CONSTANTS: [&str; 3] = ["ConstPiNum1", "ConstTauNm2", "ConstEulNm3"];

pub struct World {
    pub local: Arc<Sim>,
    pub remote: Arc<Sim>,
    pub key: EncryptionKey,
    pub clock: TestClock,
}

pub type Opened = (Storage<ClockedSimTransport>, InstanceManager);

impl World {
    pub fn new(version: &str) -> World {
        let world = World {
            local: sim_named("local", version),
            remote: sim_named("remote", version),
            key: EncryptionKey::generate().expect("randomness"),
            clock: TestClock::starting_at(parse_iso(START).expect("start")),
        };
        world.seed_constants();
        world
    }

    pub fn transport(&self) -> ClockedSimTransport {
        ClockedSimTransport::new(
            vec![Arc::clone(&self.local), Arc::clone(&self.remote)],
            self.clock.clone(),
        )
    }

    /// Runs a future on the test clock (time jumps whenever everything waits for it).
    pub fn run<F: Future>(&self, future: F) -> F::Output {
        self.clock.run(future)
    }

    pub fn client(&self, username: &str) -> Dhis2Client<ClockedSimTransport> {
        Dhis2Client::new(
            self.transport(),
            self.local.base_url(),
            Auth::Basic {
                username: username.into(),
                password: PASSWORD.into(),
            },
        )
    }

    /// Storage and manager as `username`; configurators bring the layout up to date first, as
    /// the app does when they open it.
    pub fn open(&self, username: &str) -> Opened {
        let client = self.client(username);
        let me = self.run(client.me()).expect("me");
        let storage = self
            .run(Storage::connect(client))
            .expect("storage")
            .acting_as(&me.id);
        let manager = InstanceManager::new(me, self.key.clone(), self.local.base_url())
            .with_local_auth(self.client(username).auth().clone());
        if manager.actor().authorize(Operation::EditInstance).is_ok() {
            self.run(storage.migrate()).expect("migrate");
        }
        (storage, manager)
    }

    /// A configurator saves the remote, usable by every app user.
    pub fn configured_remote(&self) -> String {
        let (storage, configurator) = self.open("configurator");
        let form = InstanceForm {
            name: "Remote".into(),
            url: self.remote.base_url().into(),
            description: String::new(),
            auth_kind: AuthKind::Basic,
            username: "admin".into(),
            secret: "district".into(),
            sharing: Sharing {
                public_access: Sharing::PUBLIC_READ.into(),
                ..Sharing::default()
            },
        };
        // The credential in the dataStore: runs reach the remote directly (no route upstream).
        self.run(configurator.create_with(&storage, &form, CredentialStore::DataStore))
            .expect("instance saved")
            .view
            .id
    }

    fn seed_constants(&self) {
        let constants: Vec<serde_json::Value> = CONSTANTS
            .iter()
            .enumerate()
            .map(|(n, id)| serde_json::json!({"id": id, "name": format!("Constant {n}"), "value": n}))
            .collect();
        let payload = serde_json::json!({ "constants": constants });
        let client = Dhis2Client::new(
            crate::support::SimTransport::new(Arc::clone(&self.local)),
            self.local.base_url(),
            Auth::Basic {
                username: "admin".into(),
                password: PASSWORD.into(),
            },
        );
        crate::support::block_on(import_metadata(
            &client,
            &payload,
            &ImportOptions::default(),
        ))
        .expect("constants imported");
    }

    /// Whether the remote holds the constant `id`.
    pub fn remote_has(&self, id: &str) -> bool {
        let client = Dhis2Client::new(
            crate::support::SimTransport::new(Arc::clone(&self.remote)),
            self.remote.base_url(),
            Auth::Basic {
                username: "admin".into(),
                password: PASSWORD.into(),
            },
        );
        crate::support::block_on(
            client.get_json::<serde_json::Value>(&format!("api/constants/{id}?fields=id")),
        )
        .is_ok()
    }

    /// A dataStore entry of the app on the local instance.
    pub fn stored(&self, key: &str) -> Option<serde_json::Value> {
        self.local.datastore_value("metadata-sync", key)
    }
}

/// A metadata rule from this instance to `destination`, of the seeded constants.
pub fn constants_rule(name: &str, destination: &str) -> RuleDraft {
    RuleDraft {
        name: name.into(),
        code: String::new(),
        description: String::new(),
        origin: LOCAL_INSTANCE_ID.into(),
        destinations: vec![destination.into()],
        job: RuleJob::Metadata {
            selection: MetadataRuleSelection {
                objects: CONSTANTS
                    .iter()
                    .map(|id| PickedObject {
                        id: id.to_string(),
                        plural: Some("constants".into()),
                        name: String::new(),
                    })
                    .collect(),
                ..MetadataRuleSelection::default()
            },
            options: Default::default(),
        },
        schedule: None,
        enabled: false,
        sharing: None,
    }
}

/// Sharing that lets every app user see and run a rule.
pub fn public_read() -> Sharing {
    Sharing {
        public_access: Sharing::PUBLIC_READ.into(),
        ..Sharing::default()
    }
}
