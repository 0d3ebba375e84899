//! "Apply mapping" on a metadata sync, through the one run operation: the demo destination
//! holds some of the source's data elements under other UIDs (same codes), so a plain sync of a
//! data set that uses them is refused there (E5003: the code is taken); with the mapping stored
//! toward the destination, the data set arrives and points at the destination's own objects.

mod support;

use std::sync::Arc;

use dhis2_sim::{DemoSide, InstanceConfig, Seed, Sim, SimVersion};
use mdsync_core::clock::TestClock;
use mdsync_core::crypto::EncryptionKey;
use mdsync_core::dhis2::{Auth, Dhis2Client};
use mdsync_core::instances::{CredentialStore, InstanceForm, InstanceManager};
use mdsync_core::mapping::auto_map::MAPPABLE_FIELDS;
use mdsync_core::mapping::{
    auto_map, AutoMapOutcome, AutoMapScope, MappableObject, MappingDictionary, MatchRule, OriginRow,
};
use mdsync_core::model::{AuthKind, Sharing, LOCAL_INSTANCE_ID};
use mdsync_core::storage::Storage;
use mdsync_core::sync::metadata::{MetadataSelection, MetadataSyncOptions};
use mdsync_core::sync::{
    run_sync, CancellationToken, MetadataPicks, NoProgress, ReportNote, RunOutcome, SyncJob,
    SyncRequest,
};
use serde_json::Value;
use support::{block_on, client_for, SimTransport, PASSWORD};

fn demo(name: &str, side: DemoSide) -> Arc<Sim> {
    let mut config = InstanceConfig::new(name, "2.40".parse::<SimVersion>().expect("version"));
    config.seed = Seed::Demo(side);
    config.base_url = format!("http://{name}.sim");
    Arc::new(Sim::new(config))
}

fn mappable(client: &Dhis2Client<SimTransport>) -> Vec<MappableObject> {
    let fields = MAPPABLE_FIELDS.replace('[', "%5B").replace(']', "%5D");
    let mut body: serde_json::Map<String, Value> =
        block_on(client.get_json(&format!("api/dataElements?paging=false&fields={fields}")))
            .expect("data elements");
    serde_json::from_value(body.remove("dataElements").unwrap_or_default()).expect("objects")
}

/// A data set of the source holding a data element the destination keys otherwise.
fn data_set_with_a_moved_element(origin: &Dhis2Client<SimTransport>, moved: &[String]) -> String {
    let listed: Value =
        block_on(origin.get_json(
            "api/dataSets?paging=false&fields=id,dataSetElements%5BdataElement%5Bid%5D%5D",
        ))
        .expect("data sets");
    listed["dataSets"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|set| {
            set["dataSetElements"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|e| moved.iter().any(|id| e["dataElement"]["id"] == id.as_str()))
        })
        .and_then(|set| set["id"].as_str())
        .expect("a data set with a moved data element")
        .to_string()
}

fn sync(
    storage: &Storage<SimTransport>,
    manager: &InstanceManager,
    destination: &str,
    data_set: &str,
    apply_mapping: bool,
) -> RunOutcome {
    let options = MetadataSyncOptions {
        apply_mapping,
        ..MetadataSyncOptions::default()
    };
    let request = SyncRequest {
        origin: LOCAL_INSTANCE_ID.into(),
        destinations: vec![destination.into()],
        job: SyncJob::Metadata {
            picks: MetadataPicks::Resolved(
                MetadataSelection::ids([data_set.to_string()]).with_types(["dataSets".to_string()]),
            ),
            options,
        },
        rule: None,
        started: "2026-12-03T10:00:00Z".into(),
    };
    block_on(run_sync(
        manager,
        storage,
        &request,
        &NoProgress,
        &CancellationToken::new(),
        &TestClock::new(),
    ))
    .expect("ran")
}

#[test]
fn applying_the_stored_mapping_lands_the_data_set_on_the_destinations_own_objects() {
    let source = demo("source", DemoSide::Source);
    let destination = demo("destination", DemoSide::Destination);
    let transport = SimTransport::network(vec![Arc::clone(&source), Arc::clone(&destination)]);
    let admin = Auth::Basic {
        username: "admin".into(),
        password: PASSWORD.into(),
    };
    let local = Dhis2Client::new(transport, source.base_url(), admin.clone());
    let me = block_on(local.me()).expect("me");
    let storage = block_on(Storage::connect(local)).expect("storage");
    let manager = InstanceManager::new(
        me,
        EncryptionKey::generate().expect("key"),
        source.base_url(),
    )
    .with_local_auth(admin);
    block_on(manager.prepare_storage(&storage)).expect("prepared");
    let form = InstanceForm {
        name: "Destination".into(),
        url: destination.base_url().into(),
        description: String::new(),
        auth_kind: AuthKind::Basic,
        username: "admin".into(),
        secret: PASSWORD.into(),
        sharing: Sharing::default(),
    };
    let dest_id = block_on(manager.create_with(&storage, &form, CredentialStore::DataStore))
        .expect("saved")
        .view
        .id;

    // The mapping, as the panel's auto-map would build it: by id, then code, then name.
    let origin = client_for(&source, "admin");
    let rows: Vec<OriginRow> = mappable(&origin)
        .into_iter()
        .filter_map(OriginRow::of)
        .collect();
    let mut mapping = MappingDictionary::default();
    let results = auto_map(
        &mut mapping,
        "aggregatedDataElements",
        &rows,
        &mappable(&client_for(&destination, "admin")),
        AutoMapScope::Unmapped,
        false,
    );
    let moved: Vec<String> = results
        .iter()
        .filter(|row| {
            matches!(
                row.outcome,
                AutoMapOutcome::Mapped {
                    rule: MatchRule::SameCode,
                    ..
                }
            )
        })
        .map(|row| row.key.as_str().to_string())
        .collect();
    assert!(!moved.is_empty(), "the demo moves some data elements");
    let data_set = data_set_with_a_moved_element(&origin, &moved);

    // Without the mapping, the destination refuses the moved elements (their code is taken).
    let plain = sync(&storage, &manager, &dest_id, &data_set, false);
    let target = &plain.report.targets[0];
    assert!(
        target
            .errors
            .iter()
            .any(|e| e.code.as_deref() == Some("E5003")),
        "{:?}",
        target.errors
    );

    block_on(storage.change_mapping(manager.actor(), &dest_id, &mapping)).expect("stored");
    let mapped = sync(&storage, &manager, &dest_id, &data_set, true);
    let target = &mapped.report.targets[0];
    assert!(
        !target
            .errors
            .iter()
            .any(|e| e.code.as_deref() == Some("E5003")),
        "{:?}",
        target.errors
    );
    assert!(
        target
            .notes
            .iter()
            .any(|note| matches!(note, ReportNote::MappingApplied { .. })),
        "{:?}",
        target.notes
    );
    // The data set now points at the destination's own data element.
    let arrived: Value = block_on(client_for(&destination, "admin").get_json(&format!(
        "api/dataSets/{data_set}?fields=dataSetElements%5BdataElement%5Bid%5D%5D"
    )))
    .expect("the data set arrived");
    let element_ids: Vec<&str> = arrived["dataSetElements"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["dataElement"]["id"].as_str())
        .collect();
    for origin_id in &moved {
        assert!(
            !element_ids.contains(&origin_id.as_str()),
            "{origin_id} was not mapped"
        );
    }
}
