//! "Send program data as aggregated values": the events of a program become data values of the
//! aggregated data elements the mapping names, posted as a `dataValueSets` import — and no event
//! is written.

mod events_common;
mod support;

use std::collections::BTreeMap;
use std::sync::Arc;

use dhis2_sim::seed::rng::uid;
use dhis2_sim::Sim;
use events_common::*;
use mdsync_core::dhis2::data_values::DataValueQuery;
use mdsync_core::mapping::{DataValueSet, MappingDictionary};
use mdsync_core::sync::aggregated::{AggregationType, TargetMapping};
use mdsync_core::sync::events::{AsAggregated, EventsNote, EventsProblem, EventsSyncOptions};
use mdsync_core::sync::{CancellationToken, NoProgress, SyncProblem, TargetStatus};
use serde_json::{json, Value};
use support::{block_on, client_for};

fn stay() -> String {
    uid("de:tracker:Length of stay (days)")
}

/// An aggregated data element of the destination with the default category combo.
fn aggregated_element(sim: &Arc<Sim>) -> String {
    let client = client_for(sim, "admin");
    let answer: Value = block_on(client.get_json(
        "api/dataElements?paging=false&fields=id,domainType,valueType,categoryCombo%5Bid%5D",
    ))
    .expect("data elements");
    let default_combo: Value =
        block_on(client.get_json("api/categoryCombos?filter=name:eq:default&fields=id"))
            .expect("default combo");
    let default_combo = default_combo["categoryCombos"][0]["id"].clone();
    answer["dataElements"]
        .as_array()
        .expect("list")
        .iter()
        .find(|e| {
            e["domainType"] == "AGGREGATE"
                && e["valueType"]
                    .as_str()
                    .is_some_and(|t| t.contains("INTEGER") || t == "NUMBER")
                && e["categoryCombo"]["id"] == default_combo
        })
        .and_then(|e| e["id"].as_str())
        .expect("an aggregated number data element with the default combo")
        .to_string()
}

fn mapping_to(element: &str) -> TargetMapping {
    let key = format!("{}-{}", event_program(), stay());
    let mapping: MappingDictionary = serde_json::from_value(json!({
        "aggregatedDataElements": { key: { "mappedId": element } }
    }))
    .expect("mapping");
    TargetMapping {
        mapping,
        ..TargetMapping::default()
    }
}

fn as_aggregated(dry_run: bool) -> EventsSyncOptions {
    EventsSyncOptions {
        as_aggregated: Some(AsAggregated {
            aggregation_type: AggregationType::Monthly,
            program_indicators: true,
        }),
        dry_run,
        page_size: 500,
        ..EventsSyncOptions::default()
    }
}

/// What the origin's 2024 events add up to per month: the length of stay summed.
fn expected_stays(origin: &Arc<Sim>) -> BTreeMap<String, f64> {
    let mut sums = BTreeMap::new();
    for event in events_in_2024(origin, &event_program()).values() {
        let status = event["status"].as_str().unwrap_or("");
        if matches!(status, "SCHEDULE" | "SKIPPED" | "OVERDUE") {
            continue;
        }
        let month = event["occurredAt"].as_str().expect("date")[..7].replace('-', "");
        for (element, value) in values_of(event) {
            if element == stay() {
                *sums.entry(month.clone()).or_default() += value.parse::<f64>().expect("number");
            }
        }
    }
    sums
}

/// The destination's 2024 values of `element` at the country.
fn destination_values(sim: &Arc<Sim>, element: &str) -> BTreeMap<String, f64> {
    let query = DataValueQuery {
        data_elements: vec![element.into()],
        org_units: vec![country()],
        start_date: Some("2024-01-01".into()),
        end_date: Some("2024-12-31".into()),
        ..DataValueQuery::default()
    };
    let set: DataValueSet =
        block_on(client_for(sim, "admin").get_json(&query.path())).expect("values");
    set.data_values
        .into_iter()
        .map(|v| {
            let number = v.value.unwrap_or_default().parse().expect("number");
            (v.period.into(), number)
        })
        .collect()
}

fn run_mapped(
    origin: &Arc<Sim>,
    destination: &Arc<Sim>,
    mapping: TargetMapping,
    options: &EventsSyncOptions,
) -> mdsync_core::sync::SyncReport {
    run_with(
        origin,
        &[destination],
        &[mapping],
        &job(&selection(&event_program()), options),
        &NoProgress,
        &CancellationToken::new(),
    )
}

#[test]
fn a_mapped_program_data_element_lands_as_monthly_values_and_no_event_is_written() {
    let origin = demo("origin", "2.41");
    let destination = empty_copy("destination", "2.40");
    let element = aggregated_element(&destination);
    let expected = expected_stays(&origin);
    assert!(expected.len() >= 10, "the demo has events most months");

    let report = run_mapped(
        &origin,
        &destination,
        mapping_to(&element),
        &as_aggregated(false),
    );
    let target = &report.targets[0];
    assert_eq!(target.status, TargetStatus::Success, "{report:#?}");
    assert_eq!(destination_values(&destination, &element), expected);
    assert_eq!(counts(&destination).2, 0, "no event was written");
    // Counted as an aggregated import: every value created, in a `dataValues` chunk.
    assert_eq!(target.stats.created as usize, expected.len());
    assert!(target.chunks.iter().all(|c| c.types == ["dataValues"]));
    let details = target.aggregated.as_ref().expect("aggregated details");
    assert_eq!(details.values_sent as usize, expected.len());
    let notes = &report.events.as_ref().expect("events details").notes;
    assert!(
        notes.iter().any(|note| matches!(note,
            EventsNote::AggregatedFromEvents { values, .. } if *values >= expected.len())),
        "{notes:?}"
    );
    // The other data elements of the program have no aggregated data element here: said.
    assert!(
        notes.iter().any(
            |note| matches!(note, EventsNote::NotMappedAsAggregated { count, .. } if *count > 0)
        ),
        "{notes:?}"
    );

    // A second run sends the same totals: nothing new is created.
    let again = run_mapped(
        &origin,
        &destination,
        mapping_to(&element),
        &as_aggregated(false),
    );
    assert_eq!(again.targets[0].stats.created, 0, "{again:#?}");
    assert_eq!(destination_values(&destination, &element), expected);
}

#[test]
fn a_dry_run_writes_nothing() {
    let origin = demo("origin", "2.41");
    let destination = empty_copy("destination", "2.40");
    let element = aggregated_element(&destination);
    let report = run_mapped(
        &origin,
        &destination,
        mapping_to(&element),
        &as_aggregated(true),
    );
    assert!(report.dry_run);
    let target = &report.targets[0];
    assert!(
        matches!(target.status, TargetStatus::Success | TargetStatus::Warning),
        "{report:#?}"
    );
    assert!(target.aggregated.as_ref().expect("details").values_sent > 0);
    assert!(destination_values(&destination, &element).is_empty());
    assert_eq!(counts(&destination).2, 0);
}

#[test]
fn without_a_mapped_aggregated_data_element_the_destination_is_told_before_anything_is_read() {
    let origin = demo("origin", "2.41");
    let destination = empty_copy("destination", "2.40");
    let report = run_mapped(
        &origin,
        &destination,
        TargetMapping::default(),
        &as_aggregated(false),
    );
    let target = &report.targets[0];
    assert_eq!(target.status, TargetStatus::Error);
    assert!(
        matches!(
            &target.errors[0].problem,
            Some(SyncProblem::Events {
                error: EventsProblem::NothingMappedAsAggregated { programs }
            }) if programs == &["Inpatient morbidity and mortality".to_string()]
        ),
        "{:?}",
        target.errors
    );
    assert_eq!(target.chunks.len(), 0);
    assert_eq!(report.events.as_ref().expect("details").pages_read, 0);
}

#[test]
fn the_option_is_off_in_stored_rules_and_round_trips() {
    let stored: EventsSyncOptions =
        serde_json::from_value(json!({"newUids": true, "pageSize": 100})).expect("old options");
    assert_eq!(stored.as_aggregated, None);
    assert!(!serde_json::to_string(&stored)
        .unwrap()
        .contains("asAggregated"));
    let options = as_aggregated(false);
    let json = serde_json::to_value(&options).unwrap();
    assert_eq!(json["asAggregated"]["aggregationType"], "MONTHLY");
    let back: EventsSyncOptions = serde_json::from_value(json).unwrap();
    assert_eq!(back, options);
}

#[test]
fn an_origin_failure_halfway_writes_no_partial_totals() {
    let origin = demo("origin", "2.41");
    let destination = empty_copy("destination", "2.40");
    let element = aggregated_element(&destination);
    origin.add_fault(dhis2_sim::FaultRule {
        method: Some("GET".into()),
        nth: Some(2),
        ..dhis2_sim::FaultRule::new("/api/tracker/events*", dhis2_sim::FaultKind::LoginPage)
    });
    let mut options = as_aggregated(false);
    options.page_size = 100;
    let report = run_mapped(&origin, &destination, mapping_to(&element), &options);
    origin.clear_faults();
    assert!(!report.succeeded());
    assert!(report.origin_interrupted);
    let details = report.events.as_ref().expect("details");
    assert!(details
        .notes
        .contains(&EventsNote::OriginStopped { pages: 1 }));
    // A sum of one page would overwrite the right total: nothing was sent.
    assert!(destination_values(&destination, &element).is_empty());
    assert_eq!(report.targets[0].stats.created, 0);
    assert!(report.targets[0].chunks.is_empty());
}
