//! The checks of "Apply mapping" before a metadata run: what the run would send is read, each
//! destination's mapping is checked against it and against what the destination holds, and
//! nothing is written anywhere. The demo destination keys some of the source's data elements
//! under other UIDs; one mapping entry points at an object the destination does not have.

#[path = "aggregated_common/mod.rs"]
mod aggregated_common;
#[path = "events_common/mod.rs"]
mod events_common;
mod support;

use dhis2_sim::Sim;
use mdsync_core::dhis2::data_values::DataIdScheme;
use mdsync_core::mapping::{check_mapping_before_run, Finding, MappingCheck};
use mdsync_core::model::LOCAL_INSTANCE_ID;
use mdsync_core::rules::{DatePeriod, RuleLastRun};
use mdsync_core::sync::aggregated::{AggregatedSelection, AggregatedSyncOptions};
use mdsync_core::sync::events::{EventsSelection, EventsSyncOptions};
use mdsync_core::sync::{SyncJob, SyncRequest};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use support::demo_pair::{
    auto_mapped_data_elements, data_set_with_a_moved_element, demo_pair, metadata_request, DemoPair,
};
use support::{block_on, client_for};

fn writes(sim: &Sim) -> usize {
    sim.request_log()
        .iter()
        .filter(|r| r.method != "GET")
        .count()
}

/// Core's checks of a metadata run of `data_set` toward the stored destination.
fn check_metadata(world: &DemoPair, data_set: &str, apply_mapping: bool) -> MappingCheck {
    let request = metadata_request(&world.dest_id, data_set, apply_mapping);
    block_on(check_mapping_before_run(
        &world.manager,
        &world.storage,
        &request,
    ))
    .expect("checked")
}

/// Stores `mapping` toward the destination; what both instances have been written so far.
fn store_mapping(world: &DemoPair, mapping: &(impl Serialize + DeserializeOwned)) -> usize {
    let storage = &world.storage;
    block_on(storage.change_mapping(world.manager.actor(), &world.dest_id, mapping))
        .expect("stored");
    writes(&world.destination) + writes(&world.source)
}

#[test]
fn the_checks_name_a_target_the_destination_lacks_before_anything_is_written() {
    let world = demo_pair();
    let (mapping, moved) = auto_mapped_data_elements(&world);
    let origin = client_for(&world.source, "admin");
    let data_set = data_set_with_a_moved_element(&origin, &moved);

    // Auto-mapped as the panel does it: nothing to tell.
    let before = store_mapping(&world, &mapping);
    let clean = check_metadata(&world, &data_set, true);
    assert_eq!(writes(&world.destination) + writes(&world.source), before);
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
    let before = store_mapping(&world, &stored);
    let check = check_metadata(&world, &data_set, true);
    assert!(check.needs_decision());
    let found = &check.destinations[0];
    assert_eq!(found.destination_id, world.dest_id);
    assert_eq!(found.destination_name, "Destination");
    assert_eq!(
        found.mapping_instance, world.dest_id,
        "a push fixes the world.destination's mapping"
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
        writes(&world.destination) + writes(&world.source),
        before,
        "the checks write nothing"
    );

    // Without "Apply mapping" there is nothing to check.
    let off = check_metadata(&world, &data_set, false);
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
    let world = demo_pair();
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

    // "Apply mapping" off: the mapping is not applied, so every moved data element is named
    // (the destination lacks their ids), mapped or not, and the missing data set still is.
    let unmapped_run = block_on(check_mapping_before_run(
        &world.manager,
        &world.storage,
        &aggregated_request(
            &world.dest_id,
            selection.clone(),
            AggregatedSyncOptions {
                apply_mapping: false,
                ..AggregatedSyncOptions::default()
            },
        ),
    ))
    .expect("checked");
    let found = findings(&unmapped_run);
    let elements = unmapped(&found, "dataElements");
    assert!(elements.contains(&left), "{found:?}");
    for (mapped, _) in &others {
        if in_set.to_string().contains(mapped.as_str()) {
            assert!(
                elements.contains(mapped),
                "{mapped} is not applied: {found:?}"
            );
        }
    }
    assert_eq!(
        unmapped(&found, "dataSets"),
        vec![aggregated_common::stock_data_set()]
    );

    // Codes instead of UIDs: nothing is checked by id.
    let by_code = block_on(check_mapping_before_run(
        &world.manager,
        &world.storage,
        &aggregated_request(
            &world.dest_id,
            selection.clone(),
            AggregatedSyncOptions {
                id_scheme: DataIdScheme::Code,
                ..AggregatedSyncOptions::default()
            },
        ),
    ))
    .expect("checked");
    assert!(!by_code.needs_decision());
}

/// Without any stored mapping, an aggregated run still names the data set the destination
/// lacks before writing (the "a data set the destination lacks" bad input).
#[test]
fn without_a_mapping_an_aggregated_run_names_the_data_set_the_destination_lacks() {
    let world = demo_pair();
    let selection = AggregatedSelection {
        data_sets: vec![aggregated_common::stock_data_set()],
        org_units: vec![aggregated_common::district(0, 0)],
        include_descendants: true,
        period: DatePeriod::LastYear,
        ..AggregatedSelection::default()
    };
    let check = block_on(check_mapping_before_run(
        &world.manager,
        &world.storage,
        &aggregated_request(&world.dest_id, selection, AggregatedSyncOptions::default()),
    ))
    .expect("checked");
    assert!(check.needs_decision());
    let found = findings(&check);
    assert_eq!(
        unmapped(&found, "dataSets"),
        vec![aggregated_common::stock_data_set()],
        "{found:?}"
    );
    assert_eq!(check.destinations[0].destination_id, world.dest_id);
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
    let world = demo_pair();
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
