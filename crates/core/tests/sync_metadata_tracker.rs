//! Programs synced with their dependencies (stages, attributes, tracked entity type, rules,
//! indicators) between versions.

mod support;
mod sync_common;

use std::collections::BTreeSet;

use mdsync_core::sync::metadata::MetadataSyncOptions;
use mdsync_core::sync::ReportNote;
use serde_json::Value;
use support::{client_for, sim_named};
use sync_common::*;

/// What the payload file says a program needs, by (plural, id).
fn program_closure(file: &Value, program: &Value) -> BTreeSet<(String, String)> {
    let program_id = program["id"].as_str().unwrap_or_default();
    let mut needed = BTreeSet::new();
    let mut add = |plural: &str, id: Option<&str>| {
        if let Some(id) = id {
            needed.insert((plural.to_string(), id.to_string()));
        }
    };
    add(
        "trackedEntityTypes",
        program["trackedEntityType"]["id"].as_str(),
    );
    for attribute in program["programTrackedEntityAttributes"]
        .as_array()
        .cloned()
        .unwrap_or_default()
    {
        add(
            "trackedEntityAttributes",
            attribute["trackedEntityAttribute"]["id"].as_str(),
        );
    }
    for stage in program["programStages"]
        .as_array()
        .cloned()
        .unwrap_or_default()
    {
        add("programStages", stage["id"].as_str());
    }
    for plural in ["programRules", "programIndicators", "programRuleVariables"] {
        for object in file[plural].as_array().cloned().unwrap_or_default() {
            if object["program"]["id"] == program_id {
                add(plural, object["id"].as_str());
            }
        }
    }
    needed
}

fn tracker_round_trip(source_version: &str, target_version: &str) {
    let source = source(source_version, &[SETUP, TRACKER]);
    let target = sim_named("target", target_version);
    let file = payload(TRACKER);
    let programs = ids_of(&file, "programs");
    let report = sync(&source, &target, &programs, &MetadataSyncOptions::default());
    assert_synced(&report);
    assert_no_origin_writes(&source);
    let notes = &report.targets[0].notes;
    let target_client = client_for(&target, "admin");
    let source_client = client_for(&source, "admin");
    for program in file["programs"].as_array().cloned().unwrap_or_default() {
        let id = program["id"].as_str().unwrap_or_default();
        assert!(
            exported(&target_client, "programs", id).is_some(),
            "program {id} not on target"
        );
        for (plural, needed) in program_closure(&file, &program) {
            let on_target = exported(&target_client, &plural, &needed).unwrap_or_else(|| {
                panic!("program {id} needs {plural} {needed}, not on the {target_version} target")
            });
            let on_source = exported(&source_client, &plural, &needed).unwrap_or(Value::Null);
            let (mut expected, mut actual) = (BTreeSet::new(), BTreeSet::new());
            referenced_ids(&on_source, &mut expected);
            referenced_ids(&on_target, &mut actual);
            // Properties the older target does not have are dropped, and the report says so.
            expected.retain(|reference: &String| {
                let key = reference.split(':').next().unwrap_or_default();
                !notes.iter().any(|note| {
                    matches!(
                        note,
                        ReportNote::PropertyDropped { plural: p, property, .. }
                            if *p == plural && property == key
                    )
                })
            });
            assert_eq!(
                expected, actual,
                "{plural} {needed}: references differ after {source_version} → {target_version}"
            );
        }
    }
}

#[test]
fn programs_2_30_to_2_38() {
    tracker_round_trip("2.30", "2.38");
}

#[test]
fn programs_2_38_to_2_38() {
    tracker_round_trip("2.38", "2.38");
}

#[test]
fn programs_2_41_to_2_36() {
    tracker_round_trip("2.41", "2.36");
}

#[test]
fn programs_2_42_to_2_30() {
    tracker_round_trip("2.42", "2.30");
}

#[test]
fn programs_survive_small_chunks() {
    // Programs and their stages point at each other: a chunk boundary between them would fail.
    let source = source("2.40", &[SETUP, TRACKER]);
    let target = sim_named("target", "2.40");
    let options = MetadataSyncOptions {
        chunks: mdsync_core::sync::metadata::ChunkLimits {
            max_objects: 5,
            max_bytes: 1 << 20,
        },
        ..Default::default()
    };
    let report = sync(
        &source,
        &target,
        &ids_of(&payload(TRACKER), "programs"),
        &options,
    );
    assert_synced(&report);
    let target_report = &report.targets[0];
    assert!(
        target_report.chunks.len() > 2,
        "{} chunks",
        target_report.chunks.len()
    );
    let with_programs: Vec<_> = target_report
        .chunks
        .iter()
        .filter(|chunk| chunk.types.iter().any(|t| t == "programs"))
        .collect();
    assert_eq!(with_programs.len(), 1, "all programs travel in one chunk");
    assert!(with_programs[0].types.iter().any(|t| t == "programStages"));
}
