//! The storage layer against the simulator, on the versions whose dataStore differs.

mod support;

use std::sync::Arc;

use dhis2_sim::{FaultKind, FaultRule, Sim};
use mdsync_core::dhis2::WriteOutcome;
use mdsync_core::model::{AuthKind, Instance, Sharing, Uid};
use mdsync_core::storage::{
    keys, Identified, Settings, Storage, StorageError, LATEST_SCHEMA_VERSION, NAMESPACE,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use support::{block_on, client_for, sim_of, SimTransport};

const VERSIONS: [&str; 5] = ["2.30", "2.37", "2.38.0", "2.40", "2.41"];

fn storage(sim: &Arc<Sim>) -> Storage<SimTransport> {
    block_on(Storage::connect(client_for(sim, "admin"))).expect("storage opens")
}

fn stored(sim: &Sim, key: &str) -> Option<serde_json::Value> {
    sim.datastore_value(NAMESPACE, key)
}

fn instance(name: &str, url: &str) -> Instance {
    Instance {
        id: Uid::generate(),
        name: name.into(),
        url: url.into(),
        description: String::new(),
        auth_kind: AuthKind::Basic,
        username: Some("admin".into()),
        version: None,
        sharing: Sharing::default(),
        route: None,
        timeouts: None,
    }
}

#[test]
fn instances_are_created_updated_and_deleted_on_every_version() {
    for version in VERSIONS {
        let sim = sim_of(version);
        let storage = storage(&sim);
        assert_eq!(
            storage.server_version().to_string(),
            sim.version().to_string()
        );
        let repository = storage.instances();
        assert!(block_on(repository.list()).expect("empty list").is_empty());

        let mut first = instance("Training", "https://training.example.org");
        let second = instance("Production", "https://hmis.example.org");
        block_on(repository.save(&first)).expect("create");
        block_on(repository.save(&second)).expect("add");
        first.description = "for courses".into();
        block_on(repository.save(&first)).expect("update");

        let list = block_on(repository.list()).expect("list");
        assert_eq!(list, vec![first.clone(), second.clone()], "{version}");
        let raw = stored(&sim, keys::INSTANCES).expect("stored");
        assert_eq!(raw[0]["description"], "for courses", "{version}");
        assert_eq!(raw[0]["auth"], "basic", "{version}");

        assert!(block_on(repository.delete(first.id.as_str())).expect("delete"));
        assert!(!block_on(repository.delete(first.id.as_str())).expect("second delete"));
        assert_eq!(
            block_on(repository.list()).expect("list"),
            vec![second],
            "{version}"
        );
    }
}

#[test]
fn put_on_a_missing_key_creates_it_only_from_the_upsert_releases() {
    for (version, upserts) in [
        ("2.30", false),
        ("2.37", false),
        ("2.38.0", false),
        ("2.38.5", true),
        ("2.39.3", true),
        ("2.40", false),
        ("2.40.1", true),
        ("2.41", true),
    ] {
        let sim = sim_of(version);
        let storage = storage(&sim);
        let store = storage.datastore();
        let outcome = block_on(store.update("fresh", &json!({"a": 1}))).expect("put");
        let expected = upserts.then_some(WriteOutcome::Created);
        assert_eq!(outcome, expected, "{version}");
        assert_eq!(stored(&sim, "fresh").is_some(), upserts, "{version}");

        // `save` gets there on every version, and `save_new` in one request.
        sim.clear_request_log();
        let outcome = block_on(store.save_new("brand-new", &json!([1, 2]))).expect("save_new");
        assert_eq!(outcome, WriteOutcome::Created, "{version}");
        let log = sim.request_log();
        assert_eq!(log.len(), 1, "{version}: {log:?}");
        assert_eq!(
            log[0].method,
            if upserts { "PUT" } else { "POST" },
            "{version}"
        );
        assert_eq!(
            block_on(store.save("brand-new", &json!([3]))).expect("save"),
            WriteOutcome::Updated
        );
        assert_eq!(stored(&sim, "brand-new"), Some(json!([3])), "{version}");
    }
}

#[test]
fn creating_an_existing_key_is_refused_and_leaves_it() {
    for version in VERSIONS {
        let sim = sim_of(version);
        let storage = storage(&sim);
        let store = storage.datastore();
        assert!(block_on(store.create("once", &json!("first"))).expect("create"));
        assert!(!block_on(store.create("once", &json!("second"))).expect("409"));
        assert_eq!(stored(&sim, "once"), Some(json!("first")), "{version}");
        assert_eq!(
            block_on(store.get("missing")).expect("404"),
            None,
            "{version}"
        );
        assert!(block_on(store.keys())
            .expect("keys")
            .contains(&"once".to_string()));
    }
}

#[test]
fn a_corrupt_entry_is_reported_by_key_and_never_overwritten() {
    for version in VERSIONS {
        let sim = sim_of(version);
        let storage = storage(&sim);
        block_on(
            storage
                .datastore()
                .save(keys::INSTANCES, &json!({"not": "a list"})),
        )
        .expect("raw write");
        let error = block_on(storage.instances().list()).expect_err("corrupt");
        match &error {
            StorageError::Corrupt { key, .. } => assert_eq!(key, keys::INSTANCES),
            other => panic!("{version}: expected Corrupt, got {other:?}"),
        }
        assert!(error.to_string().contains("'instances'"), "{error}");
        let save = block_on(storage.instances().save(&instance("A", "https://a.org")));
        assert!(
            matches!(save, Err(StorageError::Corrupt { .. })),
            "{version}"
        );
        assert_eq!(
            stored(&sim, keys::INSTANCES),
            Some(json!({"not": "a list"}))
        );

        block_on(storage.datastore().save(keys::SCHEMA, &json!("v2"))).expect("raw write");
        let migrate = block_on(storage.migrate()).expect_err("corrupt schema");
        assert!(
            matches!(&migrate, StorageError::Corrupt { key, .. } if key == keys::SCHEMA),
            "{version}: {migrate:?}"
        );
    }
}

#[test]
fn an_unknown_schema_version_stops_everything_and_changes_nothing() {
    for version in VERSIONS {
        let sim = sim_of(version);
        let storage = storage(&sim);
        block_on(
            storage
                .datastore()
                .save(keys::SCHEMA, &json!({"version": 99})),
        )
        .expect("raw write");
        let error = block_on(storage.migrate()).expect_err("newer layout");
        assert_eq!(
            error,
            StorageError::UnknownSchemaVersion {
                found: 99,
                supported: LATEST_SCHEMA_VERSION
            },
            "{version}"
        );
        assert!(error.to_string().contains("newer MetaData Sync"));
        assert!(block_on(storage.require_current_schema()).is_err());
        assert_eq!(stored(&sim, keys::SCHEMA), Some(json!({"version": 99})));
        assert_eq!(
            stored(&sim, keys::INSTANCES),
            None,
            "{version}: nothing created"
        );
    }
}

#[test]
fn a_fresh_namespace_migrates_to_the_latest_layout_once() {
    for version in VERSIONS {
        let sim = sim_of(version);
        let storage = storage(&sim);
        let status = block_on(storage.schema_status()).expect("status");
        assert_eq!((status.current, status.is_current()), (0, false));
        assert!(matches!(
            block_on(storage.require_current_schema()),
            Err(StorageError::MigrationNeeded { found: 0, .. })
        ));

        let report = block_on(storage.migrate()).expect("migrate");
        assert_eq!(
            (report.from, report.to),
            (0, LATEST_SCHEMA_VERSION),
            "{version}"
        );
        assert_eq!(report.steps_run.len(), 7, "{version}: {report:?}");
        assert_eq!(
            stored(&sim, keys::SCHEMA),
            Some(json!({"version": LATEST_SCHEMA_VERSION}))
        );
        assert_eq!(stored(&sim, keys::INSTANCES), Some(json!([])));
        assert_eq!(stored(&sim, keys::RULES), Some(json!([])));
        assert_eq!(stored(&sim, keys::HISTORY), Some(json!([])));
        let settings = block_on(storage.settings()).expect("settings");
        assert_eq!(
            settings.history_retention_days,
            Settings::DEFAULT_RETENTION_DAYS
        );

        let again = block_on(storage.migrate()).expect("second run");
        assert!(again.steps_run.is_empty() && again.steps_resumed.is_empty());
        assert!(block_on(storage.require_current_schema()).is_ok());
    }
}

#[test]
fn an_interrupted_migration_resumes_where_it_stopped() {
    for version in VERSIONS {
        let sim = sim_of(version);
        let storage = storage(&sim);
        let history_path = format!("/api/dataStore/{NAMESPACE}/{}", keys::HISTORY);
        let mut fault = FaultRule::new(&history_path, FaultKind::Drop);
        fault.times = Some(1);
        sim.add_fault(fault);

        let error = block_on(storage.migrate()).expect_err("dropped connection");
        match &error {
            StorageError::MigrationStep {
                version: 1, step, ..
            } => {
                assert_eq!(step, "create-history-list")
            }
            other => panic!("{version}: expected MigrationStep, got {other:?}"),
        }
        assert!(error.to_string().contains("continues where it stopped"));
        assert_eq!(
            stored(&sim, keys::SCHEMA),
            Some(json!({"version": 0, "migration": {"target": 1,
                "completedSteps": ["create-instance-list", "create-rule-list"]}})),
            "{version}"
        );
        let status = block_on(storage.schema_status()).expect("status");
        assert!(status.interrupted.is_some());

        let report = block_on(storage.migrate()).expect("resumes");
        assert_eq!(
            report.steps_resumed,
            vec!["1:create-instance-list", "1:create-rule-list"],
            "{version}"
        );
        assert_eq!(report.steps_run[0], "1:create-history-list");
        assert_eq!(report.to, LATEST_SCHEMA_VERSION);
        assert_eq!(
            stored(&sim, keys::SCHEMA),
            Some(json!({"version": LATEST_SCHEMA_VERSION}))
        );
        assert_eq!(stored(&sim, keys::HISTORY), Some(json!([])));
    }
}

#[test]
fn the_second_migration_normalises_stored_instance_urls() {
    let sim = sim_of("2.38.0");
    let storage = storage(&sim);
    let store = storage.datastore();
    block_on(store.save(keys::SCHEMA, &json!({"version": 1}))).expect("raw");
    block_on(store.save(keys::SETTINGS, &json!({"defaultDryRun": true}))).expect("raw");
    let id = Uid::generate();
    let old = json!([{ "id": id, "name": "HMIS", "url": "https://hmis.example.org/dhis/api/",
                       "auth": "token", "sharing": {"publicAccess": "r-------"} }]);
    block_on(store.save(keys::INSTANCES, &old)).expect("raw");

    let report = block_on(storage.migrate()).expect("migrate");
    assert_eq!((report.from, report.to), (1, LATEST_SCHEMA_VERSION));
    assert_eq!(
        report.steps_run,
        vec![
            "2:normalise-instance-urls",
            "2:write-retention-default",
            "3:protect-keys"
        ]
    );
    let instances = block_on(storage.instances().list()).expect("list");
    assert_eq!(instances[0].url, "https://hmis.example.org/dhis");
    assert_eq!(instances[0].auth_kind, AuthKind::Token);
    let settings = stored(&sim, keys::SETTINGS).expect("settings");
    assert_eq!(
        settings,
        json!({"defaultDryRun": true, "historyRetentionDays": 90})
    );
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct RuleSummary {
    id: String,
    name: String,
}

impl Identified for RuleSummary {
    fn id(&self) -> &str {
        &self.id
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct RuleDetails {
    types: Vec<String>,
}

#[test]
fn rules_history_mappings_and_settings_round_trip() {
    for version in VERSIONS {
        let sim = sim_of(version);
        let storage = storage(&sim);
        block_on(storage.migrate()).expect("migrate");

        let rules = storage.rules::<RuleSummary, RuleDetails>();
        let summary = RuleSummary {
            id: "rUle0000001".into(),
            name: "Weekly".into(),
        };
        let details = RuleDetails {
            types: vec!["dataElements".into()],
        };
        block_on(rules.save(&summary, &details)).expect("save rule");
        assert_eq!(block_on(rules.list()).expect("list"), vec![summary.clone()]);
        assert_eq!(
            block_on(rules.details("rUle0000001")).expect("details"),
            Some(details.clone())
        );
        assert!(stored(&sim, "rule-rUle0000001").is_some(), "{version}");
        let renamed = RuleSummary {
            name: "Daily".into(),
            ..summary.clone()
        };
        block_on(rules.save_summary(&renamed)).expect("rename");
        assert_eq!(
            block_on(rules.summary("rUle0000001")).expect("get"),
            Some(renamed)
        );
        assert!(block_on(rules.delete("rUle0000001")).expect("delete"));
        assert!(block_on(rules.list()).expect("list").is_empty());
        assert_eq!(stored(&sim, "rule-rUle0000001"), None);

        let mappings = storage.mappings::<serde_json::Value>();
        let mapping = json!({"dataElements": {"a": "b"}});
        block_on(mappings.save("tArget00001", &mapping)).expect("save mapping");
        assert_eq!(
            block_on(mappings.get("tArget00001")).expect("get"),
            Some(mapping)
        );
        assert_eq!(block_on(mappings.get("nothing0001")).expect("get"), None);

        let mut settings = block_on(storage.settings()).expect("settings");
        settings.history_retention_days = 7;
        settings
            .other
            .insert("fromNewerVersion".into(), json!("kept"));
        block_on(storage.save_settings(&settings)).expect("save settings");
        assert_eq!(block_on(storage.settings()).expect("settings"), settings);
        assert_eq!(
            stored(&sim, keys::SETTINGS).expect("raw")["fromNewerVersion"],
            "kept"
        );
    }
}
