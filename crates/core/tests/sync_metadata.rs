//! The metadata engine against the in-process simulator: real payloads imported into a source,
//! synced with their dependencies to empty targets across version pairs.

mod support;
mod sync_common;

use std::collections::BTreeSet;

use mdsync_core::dhis2::metadata::CONCURRENT_READS;
use mdsync_core::dhis2::{Auth, Dhis2Client};
use mdsync_core::sync::metadata::{
    build_target_payloads, MetadataSelection, MetadataSyncOptions, SyncInstance,
};
use serde_json::Value;
use support::{block_on, client_for, sim_named, InFlight, SimTransport, PASSWORD};
use sync_common::*;

/// What the payload file itself says a data set needs: its data elements, their non-default
/// category combos, those combos' categories and options, and the data set's indicators.
fn expected_closure(file: &Value, data_set: &Value) -> BTreeSet<String> {
    let by_id = |plural: &str, id: &str| -> Option<Value> {
        file[plural]
            .as_array()?
            .iter()
            .find(|o| o["id"] == id)
            .cloned()
    };
    let is_default = |o: &Value| o["name"] == "default";
    let mut needed = BTreeSet::new();
    let elements = data_set["dataSetElements"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    for element in elements {
        let Some(id) = element["dataElement"]["id"].as_str() else {
            continue;
        };
        needed.insert(id.to_string());
        let Some(data_element) = by_id("dataElements", id) else {
            continue;
        };
        let Some(combo_id) = data_element["categoryCombo"]["id"].as_str() else {
            continue;
        };
        let Some(combo) = by_id("categoryCombos", combo_id).filter(|c| !is_default(c)) else {
            continue;
        };
        needed.insert(combo_id.to_string());
        for category in combo["categories"].as_array().cloned().unwrap_or_default() {
            let Some(category_id) = category["id"].as_str() else {
                continue;
            };
            needed.insert(category_id.to_string());
            let options = by_id("categories", category_id).map(|c| c["categoryOptions"].clone());
            for option in options
                .and_then(|o| o.as_array().cloned())
                .unwrap_or_default()
            {
                needed.extend(option["id"].as_str().map(str::to_string));
            }
        }
    }
    for indicator in data_set["indicators"]
        .as_array()
        .cloned()
        .unwrap_or_default()
    {
        needed.extend(indicator["id"].as_str().map(str::to_string));
    }
    needed
}

/// Syncs every data set of the aggregate payload and checks that the target holds each
/// synced object, with the same references, and everything the data sets need.
fn aggregate_round_trip(source_version: &str, target_version: &str) {
    let source = source(source_version, &[SETUP, AGGREGATE]);
    let target = sim_named("target", target_version);
    let file = payload(AGGREGATE);
    let data_sets = ids_of(&file, "dataSets");
    let planned = block_on(build_target_payloads(
        &instance(&source, "source"),
        &[instance(&target, "target")],
        &MetadataSelection::ids(data_sets.iter().cloned()),
        &MetadataSyncOptions::default(),
    ))
    .unwrap_or_else(|error| panic!("building the payload: {error}"));
    let report = sync(
        &source,
        &target,
        &data_sets,
        &MetadataSyncOptions::default(),
    );
    assert_synced(&report);
    assert!(
        report.targets[0].stats.created > 0,
        "nothing created: {:?}",
        report.targets[0]
    );
    assert_no_origin_writes(&source);

    let synced: Vec<(String, String)> = planned[0]
        .payload
        .as_object()
        .map(|types| {
            types
                .iter()
                .flat_map(|(plural, _)| {
                    ids_of(&planned[0].payload, plural)
                        .into_iter()
                        .map(move |id| (plural.clone(), id))
                })
                .collect()
        })
        .unwrap_or_default();
    let synced_ids: BTreeSet<String> = synced.iter().map(|(_, id)| id.clone()).collect();
    for data_set in file["dataSets"].as_array().cloned().unwrap_or_default() {
        let missing: Vec<String> = expected_closure(&file, &data_set)
            .difference(&synced_ids)
            .cloned()
            .collect();
        assert!(
            missing.is_empty(),
            "{} needs {missing:?}, which were not synced",
            data_set["id"]
        );
    }
    let source_client = client_for(&source, "admin");
    let target_client = client_for(&target, "admin");
    for (plural, id) in &synced {
        let on_target = exported(&target_client, plural, id).unwrap_or_else(|| {
            panic!("{plural} {id} was synced but is not on the {target_version} target")
        });
        let on_source = exported(&source_client, plural, id).unwrap_or(Value::Null);
        let (mut expected, mut actual) = (BTreeSet::new(), BTreeSet::new());
        referenced_ids(&on_source, &mut expected);
        referenced_ids(&on_target, &mut actual);
        assert_eq!(
            expected, actual,
            "{plural} {id}: references differ after {source_version} → {target_version}"
        );
        assert_eq!(on_source["name"], on_target["name"], "{plural} {id}");
    }
    let written = report.targets[0].stats.created + report.targets[0].stats.updated;
    assert_eq!(
        written as usize,
        synced.len(),
        "every synced object was written once"
    );
}

#[test]
fn each_level_of_dependencies_is_read_together_and_the_payload_is_the_same() {
    let source = source("2.40", &[SETUP, AGGREGATE]);
    let target = sim_named("target", "2.40");
    let data_sets = ids_of(&payload(AGGREGATE), "dataSets");
    let selection = MetadataSelection::ids(data_sets.iter().cloned());
    let options = MetadataSyncOptions::default();
    let watched = InFlight::new(SimTransport::new(std::sync::Arc::clone(&source)));
    let watched_origin = SyncInstance::new(
        "source",
        Dhis2Client::new(
            watched.clone(),
            source.base_url(),
            Auth::Basic {
                username: "admin".into(),
                password: PASSWORD.into(),
            },
        ),
    );
    let targets = [instance(&target, "target")];
    let concurrent = block_on(build_target_payloads(
        &watched_origin,
        &targets,
        &selection,
        &options,
    ))
    .expect("payload");
    let most = watched.most_in_flight();
    assert!(
        (2..=CONCURRENT_READS).contains(&most),
        "reads of a level overlap, at most {CONCURRENT_READS} at once: {most}"
    );
    assert!(
        watched.round_trips() < watched.requests(),
        "{} requests in {} round trips",
        watched.requests(),
        watched.round_trips()
    );
    println!(
        "{} origin requests in {} round trips",
        watched.requests(),
        watched.round_trips()
    );
    // The same payload as when every answer comes before the next request goes out.
    let one_by_one = block_on(build_target_payloads(
        &instance(&source, "source"),
        &targets,
        &selection,
        &options,
    ))
    .expect("payload");
    assert_eq!(concurrent[0].payload, one_by_one[0].payload);
}

#[test]
fn aggregate_2_30_to_2_38() {
    aggregate_round_trip("2.30", "2.38");
}

#[test]
fn aggregate_2_36_to_2_41() {
    aggregate_round_trip("2.36", "2.41");
}

#[test]
fn aggregate_2_38_to_2_38() {
    aggregate_round_trip("2.38", "2.38");
}

#[test]
fn aggregate_2_40_to_2_42() {
    aggregate_round_trip("2.40", "2.42");
}

#[test]
fn aggregate_2_41_to_2_36() {
    aggregate_round_trip("2.41", "2.36");
}

#[test]
fn aggregate_2_42_to_2_30() {
    aggregate_round_trip("2.42", "2.30");
}

/// The UIDs an expression names after `#{`, before any `.`.
fn data_elements_in(expression: &str) -> Vec<String> {
    expression
        .split("#{")
        .skip(1)
        .filter_map(|rest| rest.split(['}', '.']).next())
        .map(str::to_string)
        .collect()
}

#[test]
fn indicators_and_validation_rules_bring_the_data_elements_their_expressions_name() {
    let source = source("2.40", &[SETUP, AGGREGATE]);
    let target = sim_named("target", "2.40");
    let file = payload(AGGREGATE);
    let mut selected = ids_of(&file, "indicators");
    selected.extend(ids_of(&file, "validationRules"));
    let report = sync(&source, &target, &selected, &MetadataSyncOptions::default());
    assert_synced(&report);
    let client = client_for(&target, "admin");
    let mut named = BTreeSet::new();
    for indicator in file["indicators"].as_array().cloned().unwrap_or_default() {
        for side in ["numerator", "denominator"] {
            named.extend(data_elements_in(
                indicator[side].as_str().unwrap_or_default(),
            ));
        }
        let kind = indicator["indicatorType"]["id"]
            .as_str()
            .unwrap_or_default();
        assert!(
            exported(&client, "indicatorTypes", kind).is_some(),
            "indicator type {kind}"
        );
    }
    for rule in file["validationRules"]
        .as_array()
        .cloned()
        .unwrap_or_default()
    {
        for side in ["leftSide", "rightSide"] {
            named.extend(data_elements_in(
                rule[side]["expression"].as_str().unwrap_or_default(),
            ));
        }
    }
    assert!(
        named.len() > 5,
        "the payload's expressions name data elements"
    );
    for id in &named {
        assert!(
            exported(&client, "dataElements", id).is_some(),
            "data element {id} named in an expression"
        );
    }
}
