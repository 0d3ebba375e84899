//! The demo pair with a stored destination: the demo source as this instance, the demo
//! destination (which keys some of the source's data elements under other UIDs, same codes)
//! saved as the instance "Destination"; and the pieces the mapping tests build on it.

use std::sync::Arc;

use dhis2_sim::{DemoSide, InstanceConfig, Seed, Sim, SimVersion};
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
use mdsync_core::sync::{MetadataPicks, SyncJob, SyncRequest};
use serde_json::Value;

use super::{block_on, client_for, SimTransport, PASSWORD};

/// A demo instance on DHIS2 2.40.
pub fn demo(name: &str, side: DemoSide) -> Arc<Sim> {
    let mut config = InstanceConfig::new(name, "2.40".parse::<SimVersion>().expect("version"));
    config.seed = Seed::Demo(side);
    config.base_url = format!("http://{name}.sim");
    Arc::new(Sim::new(config))
}

/// The data elements of an instance as the mapping panel reads them.
pub fn mappable(client: &Dhis2Client<SimTransport>) -> Vec<MappableObject> {
    let fields = MAPPABLE_FIELDS.replace('[', "%5B").replace(']', "%5D");
    let mut body: serde_json::Map<String, Value> =
        block_on(client.get_json(&format!("api/dataElements?paging=false&fields={fields}")))
            .expect("data elements");
    serde_json::from_value(body.remove("dataElements").unwrap_or_default()).expect("objects")
}

/// A data set of the source holding a data element the destination keys otherwise.
pub fn data_set_with_a_moved_element(
    origin: &Dhis2Client<SimTransport>,
    moved: &[String],
) -> String {
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

/// A metadata run of one data set from this instance to `destination`.
pub fn metadata_request(destination: &str, data_set: &str, apply_mapping: bool) -> SyncRequest {
    SyncRequest {
        origin: LOCAL_INSTANCE_ID.into(),
        destinations: vec![destination.into()],
        job: SyncJob::Metadata {
            picks: MetadataPicks::Resolved(
                MetadataSelection::ids([data_set.to_string()]).with_types(["dataSets".to_string()]),
            ),
            options: MetadataSyncOptions {
                apply_mapping,
                ..MetadataSyncOptions::default()
            },
        },
        rule: None,
        started: "2026-12-03T10:00:00Z".into(),
    }
}

pub struct DemoPair {
    pub source: Arc<Sim>,
    pub destination: Arc<Sim>,
    pub storage: Storage<SimTransport>,
    pub manager: InstanceManager,
    /// The id of the stored instance "Destination".
    pub dest_id: String,
}

/// The demo source as this instance, the demo destination saved as the instance "Destination".
pub fn demo_pair() -> DemoPair {
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
    DemoPair {
        source,
        destination,
        storage,
        manager,
        dest_id,
    }
}

/// The data element mapping as the panel's auto-map builds it (by id, then code, then name),
/// with the source ids it maps by code: the data elements the destination keys otherwise.
pub fn auto_mapped_data_elements(pair: &DemoPair) -> (MappingDictionary, Vec<String>) {
    let rows: Vec<OriginRow> = mappable(&client_for(&pair.source, "admin"))
        .into_iter()
        .filter_map(OriginRow::of)
        .collect();
    let mut mapping = MappingDictionary::default();
    let results = auto_map(
        &mut mapping,
        "aggregatedDataElements",
        &rows,
        &mappable(&client_for(&pair.destination, "admin")),
        AutoMapScope::Unmapped,
        false,
    );
    let moved = results
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
    (mapping, moved)
}
