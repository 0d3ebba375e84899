//! Every metadata payload of DHIS2's own test suites imports without errors into every
//! simulated version 2.30 … 2.42 and exports back equal, modulo server-set fields.

mod metadata_common;

use metadata_common::*;
use serde_json::{json, Value};

/// DHIS2's integration test creates the category `Gender` in Java before importing
/// `catcombo_with_multiple_option_combos.json`; on an empty database the payload fails with E5002
/// on real DHIS2 as well, so the test inserts that category first.
fn prerequisites(sim: &mut Instance, file: &str) {
    if file == "dxf2/catcombo_with_multiple_option_combos.json" {
        let gender = json!({ "id": "cX5k9anHEHd", "name": "Gender", "shortName": "Gender",
                             "dataDimensionType": "DISAGGREGATION", "categoryOptions": [] });
        sim.store
            .insert("categories", gender)
            .expect("category inserts");
    }
}

/// Payload groups imported in order into one fresh instance (later files reference earlier ones).
const GROUPS: &[&[&str]] = &[
    &[
        "setup/metadata.json",
        "aggregate/metadata.json",
        "setup/userRoles.json",
        "setup/userGroups.json",
        "setup/users.json",
        "setup/tracker_metadata.json",
        "tracker/eventProgram.json",
        "metadata/adex-metadata.json",
    ],
    &["dxf2/dataset_with_sections_and_data_elements.json"],
    &["dxf2/dataset_with_accesses.json"],
    &["dxf2/catcombo_with_multiple_option_combos.json"],
    &["dxf2/aggregate_data_exchange.json"],
    &["metadata/orgunits/ou_with_group_and_set.json"],
];

#[test]
fn every_payload_imports_cleanly_into_every_version() {
    let dir = reference_dir();
    let mut failures = Vec::new();
    for minor in 30..=42 {
        for group in GROUPS {
            let mut sim = Instance::new(minor);
            for file in *group {
                let payload = read_payload(&dir, file);
                prerequisites(&mut sim, file);
                let outcome = sim.import(&payload, "");
                let errors = error_messages(&outcome);
                if !errors.is_empty() {
                    failures.push(format!("2.{minor} {file}: {errors:#?}"));
                }
                let stats = report_stats(&outcome, minor);
                if stats["ignored"] != json!(0) {
                    failures.push(format!("2.{minor} {file}: ignored objects in {stats}"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn imported_payloads_export_back_equal() {
    let dir = reference_dir();
    let mut failures = Vec::new();
    for minor in 30..=42 {
        let view = SchemaView::load(&mut Instance::new(minor));
        for group in GROUPS {
            let mut sim = Instance::new(minor);
            for file in *group {
                let payload = read_payload(&dir, file);
                prerequisites(&mut sim, file);
                sim.import(&payload, "");
                let differences = export_differences(&mut sim, &view, &payload);
                if !differences.is_empty() {
                    failures.push(format!("2.{minor} {file}:\n  {}", differences.join("\n  ")));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn reimporting_a_payload_updates_every_object() {
    let dir = reference_dir();
    let payload = read_payload(&dir, "setup/metadata.json");
    let objects: u64 = payload
        .as_object()
        .into_iter()
        .flatten()
        .filter_map(|(_, v)| v.as_array())
        .map(|items| items.len() as u64)
        .sum();
    for minor in [30, 36, 38, 42] {
        let mut sim = Instance::new(minor);
        let first = sim.import(&payload, "");
        let again = sim.import(&payload, "");
        let stats = |report: &Value| report_stats(report, minor);
        // Objects the payload shares with a fresh database (the default category objects)
        // count as updated on the first import already.
        let first_stats = stats(&first);
        let first_total = first_stats["created"].as_u64().unwrap_or(0)
            + first_stats["updated"].as_u64().unwrap_or(0);
        assert_eq!(first_total, objects, "2.{minor}: {first_stats}");
        assert!(
            first_stats["created"].as_u64().unwrap_or(0) > 0,
            "2.{minor}"
        );
        assert_eq!(stats(&again)["updated"], json!(objects), "2.{minor}");
        assert_eq!(stats(&again)["created"], json!(0), "2.{minor}");
    }
}

#[test]
fn export_comparison_notices_lost_or_changed_properties() {
    let dir = reference_dir();
    let payload = read_payload(&dir, "dxf2/dataset_with_sections_and_data_elements.json");
    let mut sim = Instance::new(41);
    sim.import(&payload, "");
    let view = SchemaView::load(&mut sim);
    assert!(export_differences(&mut sim, &view, &payload).is_empty());
    let id = payload["dataSets"][0]["id"].as_str().unwrap().to_string();
    let mut changed = sim.store.get("dataSets", &id).unwrap().clone();
    changed["dataSetElements"] = json!([]);
    changed["periodType"] = json!("Weekly");
    sim.store.insert("dataSets", changed).unwrap();
    let differences = export_differences(&mut sim, &view, &payload);
    assert!(
        differences.iter().any(|d| d.contains("dataSetElements")),
        "{differences:?}"
    );
    assert!(
        differences.iter().any(|d| d.contains("periodType")),
        "{differences:?}"
    );
}
