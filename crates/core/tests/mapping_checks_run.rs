//! The checks of "Apply mapping" before a metadata run: what the run would send is read, each
//! destination's mapping is checked against it and against what the destination holds, and
//! nothing is written anywhere. The demo destination keys some of the source's data elements
//! under other UIDs; one mapping entry points at an object the destination does not have.

#[path = "aggregated_common/mod.rs"]
mod aggregated_common;
#[path = "events_common/mod.rs"]
mod events_common;
mod support;

use std::sync::Arc;

use dhis2_sim::{DemoSide, InstanceConfig, Seed, Sim, SimVersion};
use mdsync_core::crypto::EncryptionKey;
use mdsync_core::dhis2::data_values::DataIdScheme;
use mdsync_core::dhis2::{Auth, Dhis2Client};
use mdsync_core::instances::{CredentialStore, InstanceForm, InstanceManager};
use mdsync_core::mapping::auto_map::MAPPABLE_FIELDS;
use mdsync_core::mapping::{
    auto_map, check_mapping_before_run, AutoMapOutcome, AutoMapScope, Finding, MappableObject,
    MappingCheck, MappingDictionary, MatchRule, OriginRow,
};
use mdsync_core::model::{AuthKind, Sharing, LOCAL_INSTANCE_ID};
use mdsync_core::rules::{DatePeriod, RuleLastRun};
use mdsync_core::storage::Storage;
use mdsync_core::sync::aggregated::{AggregatedSelection, AggregatedSyncOptions};
use mdsync_core::sync::events::{EventsSelection, EventsSyncOptions};
use mdsync_core::sync::metadata::{MetadataSelection, MetadataSyncOptions};
use mdsync_core::sync::{MetadataPicks, SyncJob, SyncRequest};
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

fn request(destination: &str, data_set: &str, apply_mapping: bool) -> SyncRequest {
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

fn writes(sim: &Sim) -> usize {
    sim.request_log()
        .iter()
        .filter(|r| r.method != "GET")
        .count()
}

struct World {
    source: Arc<Sim>,
    destination: Arc<Sim>,
    storage: Storage<SimTransport>,
    manager: InstanceManager,
    dest_id: String,
}

/// The demo source as this instance, the demo destination saved as the instance "Destination".
fn world() -> World {
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
    World {
        source,
        destination,
        storage,
        manager,
        dest_id,
    }
}

#[test]
fn the_checks_name_a_target_the_destination_lacks_before_anything_is_written() {
    let World {
        source,
        destination,
        storage,
        manager,
        dest_id,
    } = world();
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
    let data_set = data_set_with_a_moved_element(&origin, &moved);

    // Auto-mapped as the panel does it: nothing to tell.
    block_on(storage.change_mapping(manager.actor(), &dest_id, &mapping)).expect("stored");
    let before = writes(&destination) + writes(&source);
    let clean = block_on(check_mapping_before_run(
        &manager,
        &storage,
        &request(&dest_id, &data_set, true),
    ))
    .expect("checked");
    assert_eq!(writes(&destination) + writes(&source), before);
    assert!(
        !clean
            .destinations
            .iter()
            .flat_map(|d| &d.findings)
            .any(|f| matches!(f, Finding::TargetMissing { .. })),
        "{clean:?}"
    );

    // One entry now points at an object the destination does not have (deleted there).
    let mut stored: Value = serde_json::to_value(&mapping).expect("json");
    let broken = moved
        .iter()
        .find(|id| {
            let listed: Value = block_on(origin.get_json(&format!(
                "api/dataSets/{data_set}?fields=dataSetElements%5BdataElement%5Bid%5D%5D"
            )))
            .expect("data set");
            listed.to_string().contains(id.as_str())
        })
        .expect("a moved element of the data set")
        .clone();
    stored["aggregatedDataElements"][&broken]["mappedId"] = Value::from("GoNe0000001");
    block_on(storage.change_mapping(manager.actor(), &dest_id, &stored)).expect("stored");
    let before = writes(&destination) + writes(&source);
    let check = block_on(check_mapping_before_run(
        &manager,
        &storage,
        &request(&dest_id, &data_set, true),
    ))
    .expect("checked");
    assert!(check.needs_decision());
    let found = &check.destinations[0];
    assert_eq!(found.destination_id, dest_id);
    assert_eq!(found.destination_name, "Destination");
    assert_eq!(
        found.mapping_instance, dest_id,
        "a push fixes the destination's mapping"
    );
    assert!(
        found.findings.iter().any(|f| matches!(
            f,
            Finding::TargetMissing { entry, target }
                if target == "GoNe0000001" && entry.to_string().contains(broken.as_str())
        )),
        "{:?}",
        found.findings
    );
    assert!(found.errors() >= 1);
    assert_eq!(
        writes(&destination) + writes(&source),
        before,
        "the checks write nothing"
    );

    // Without "Apply mapping" there is nothing to check.
    let off = block_on(check_mapping_before_run(
        &manager,
        &storage,
        &request(&dest_id, &data_set, false),
    ))
    .expect("checked");
    assert!(!off.needs_decision());
    assert_eq!(off.total(), 0);
}

fn aggregated_request(
    destination: &str,
    selection: AggregatedSelection,
    options: AggregatedSyncOptions,
) -> SyncRequest {
    SyncRequest {
        origin: LOCAL_INSTANCE_ID.into(),
        destinations: vec![destination.into()],
        job: SyncJob::Aggregated {
            selection,
            options,
            last_run: RuleLastRun::default(),
        },
        rule: None,
        started: "2026-12-03T10:00:00Z".into(),
    }
}

fn findings(check: &MappingCheck) -> Vec<Finding> {
    check
        .destinations
        .iter()
        .flat_map(|d| d.findings.clone())
        .collect()
}

fn unmapped(findings: &[Finding], plural: &str) -> Vec<String> {
    findings
        .iter()
        .filter_map(|f| match f {
            Finding::Unmapped { plural: p, id } if p == plural => Some(id.clone()),
            _ => None,
        })
        .collect()
}

/// The demo destination keys some data elements under other ids and lacks the stock data set:
/// an aggregated run names, before writing, the data element left unmapped and the data set
/// it lacks; mapped ones and those it holds by id are not named.
#[test]
fn an_aggregated_run_names_the_unmapped_data_element_and_the_missing_data_set() {
    let world = world();
    let origin = client_for(&world.source, "admin");
    let moved = aggregated_common::moved_ids("dataElements");
    let moved_ids: Vec<String> = moved.iter().map(|(from, _)| from.clone()).collect();
    let data_set = data_set_with_a_moved_element(&origin, &moved_ids);
    let in_set: Value = block_on(origin.get_json(&format!(
        "api/dataSets/{data_set}?fields=dataSetElements%5BdataElement%5Bid%5D%5D"
    )))
    .expect("data set");
    let left = moved_ids
        .iter()
        .find(|id| in_set.to_string().contains(id.as_str()))
        .expect("a moved element of the data set")
        .clone();
    let others: Vec<(String, String)> = moved
        .iter()
        .filter(|(from, _)| from != &left)
        .cloned()
        .collect();
    let mapping = aggregated_common::mapping_of(&others, &[]).mapping;
    block_on(
        world
            .storage
            .change_mapping(world.manager.actor(), &world.dest_id, &mapping),
    )
    .expect("stored");

    let selection = AggregatedSelection {
        data_sets: vec![data_set.clone(), aggregated_common::stock_data_set()],
        org_units: vec![aggregated_common::district(0, 0)],
        include_descendants: true,
        period: DatePeriod::LastYear,
        ..AggregatedSelection::default()
    };
    let before = writes(&world.destination) + writes(&world.source);
    let check = block_on(check_mapping_before_run(
        &world.manager,
        &world.storage,
        &aggregated_request(
            &world.dest_id,
            selection.clone(),
            AggregatedSyncOptions::default(),
        ),
    ))
    .expect("checked");
    assert_eq!(
        writes(&world.destination) + writes(&world.source),
        before,
        "the checks write nothing"
    );
    assert!(check.needs_decision());
    let found = findings(&check);
    let elements = unmapped(&found, "dataElements");
    assert!(elements.contains(&left), "{found:?}");
    for (mapped, _) in &others {
        assert!(!elements.contains(mapped), "{mapped} is mapped: {found:?}");
    }
    assert_eq!(
        unmapped(&found, "dataSets"),
        vec![aggregated_common::stock_data_set()],
        "the data set the destination lacks, and only it"
    );
    // The stock data elements are not at the destination either.
    let stock: Value = block_on(origin.get_json(&format!(
        "api/dataSets/{}?fields=dataSetElements%5BdataElement%5Bid%5D%5D",
        aggregated_common::stock_data_set()
    )))
    .expect("stock data set");
    let first_stock = stock["dataSetElements"][0]["dataElement"]["id"]
        .as_str()
        .expect("a stock data element");
    assert!(elements.iter().any(|id| id == first_stock), "{found:?}");
    assert!(
        unmapped(&found, "organisationUnits").is_empty(),
        "the district is at the destination: {found:?}"
    );

    // "Apply mapping" off, or codes instead of UIDs: the run maps nothing, nothing to check.
    for options in [
        AggregatedSyncOptions {
            apply_mapping: false,
            ..AggregatedSyncOptions::default()
        },
        AggregatedSyncOptions {
            id_scheme: DataIdScheme::Code,
            ..AggregatedSyncOptions::default()
        },
    ] {
        let off = block_on(check_mapping_before_run(
            &world.manager,
            &world.storage,
            &aggregated_request(&world.dest_id, selection.clone(), options),
        ))
        .expect("checked");
        assert!(!off.needs_decision());
    }
}

fn events_request(destination: &str, selection: EventsSelection) -> SyncRequest {
    SyncRequest {
        origin: LOCAL_INSTANCE_ID.into(),
        destinations: vec![destination.into()],
        job: SyncJob::Events {
            selection,
            options: EventsSyncOptions::default(),
            last_run: RuleLastRun::default(),
        },
        rule: None,
        started: "2026-12-03T10:00:00Z".into(),
    }
}

/// An events run: a stage mapped (nested in its program's entry) onto a stage the destination
/// lacks, and a facility the destination holds under another id, left unmapped, are named per
/// item before anything is written; the tracker program, its tracked entity type and
/// attributes, all at the destination by id, are not.
#[test]
fn an_events_run_names_a_missing_stage_target_and_an_unmapped_facility() {
    let world = world();
    let origin = client_for(&world.source, "admin");
    let event_program = events_common::event_program();
    let tracker_program = events_common::tracker_program();
    let program: Value = block_on(origin.get_json(&format!(
        "api/programs/{event_program}?fields=programStages%5Bid%5D"
    )))
    .expect("program");
    let stage = program["programStages"][0]["id"]
        .as_str()
        .expect("a stage")
        .to_string();
    let (facility, _) = aggregated_common::moved_ids("organisationUnits")
        .into_iter()
        .next()
        .expect("a facility with another id at the destination");
    let stored = serde_json::json!({
        "eventPrograms": {
            event_program.clone(): {
                "mappedId": event_program,
                "mapping": { "programStages": { stage.clone(): { "mappedId": "GoNe0000002" } } }
            }
        }
    });
    block_on(
        world
            .storage
            .change_mapping(world.manager.actor(), &world.dest_id, &stored),
    )
    .expect("stored");
    let selection = EventsSelection {
        programs: vec![event_program.clone(), tracker_program],
        org_units: vec![facility.clone(), events_common::province(0)],
        period: DatePeriod::LastYear,
        ..EventsSelection::default()
    };
    let before = writes(&world.destination) + writes(&world.source);
    let check = block_on(check_mapping_before_run(
        &world.manager,
        &world.storage,
        &events_request(&world.dest_id, selection),
    ))
    .expect("checked");
    assert_eq!(
        writes(&world.destination) + writes(&world.source),
        before,
        "the checks write nothing"
    );
    let found = findings(&check);
    assert!(
        found.iter().any(|f| matches!(
            f,
            Finding::TargetMissing { entry, target }
                if target == "GoNe0000002" && entry.to_string().contains(stage.as_str())
        )),
        "{found:?}"
    );
    assert_eq!(unmapped(&found, "organisationUnits"), vec![facility]);
    assert!(
        unmapped(&found, "programStages").is_empty(),
        "the stage is mapped in its program's entry: {found:?}"
    );
    for plural in [
        "programs",
        "trackedEntityTypes",
        "trackedEntityAttributes",
        "dataElements",
    ] {
        assert!(
            unmapped(&found, plural).is_empty(),
            "both sides hold the programs' {plural}: {found:?}"
        );
    }
}
