//! Metadata attributes named by attribute values travel with the objects that carry them, as
//! in DHIS2's own `/api/{type}/{id}/metadata` export: a 2.39+ target refuses objects whose
//! attribute values name an attribute it lacks (E6012, `MetadataAttributeCheck`).

mod support;
mod sync_common;

use dhis2_sim::Sim;
use mdsync_core::dhis2::metadata::{import_metadata, ImportOptions};
use mdsync_core::dhis2::ImportStatus;
use mdsync_core::sync::metadata::MetadataSyncOptions;
use serde_json::{json, Value};
use std::sync::Arc;
use support::{block_on, client_for, sim_named};
use sync_common::*;

const ATTRIBUTE: &str = "atProgCode1";

/// A program attribute and the payload's programs carrying a value of it, imported into the
/// source.
fn source_with_attribute_values(version: &str) -> (Arc<Sim>, Vec<String>) {
    let source = source(version, &[SETUP, TRACKER]);
    let mut programs = payload(TRACKER)["programs"].clone();
    let ids = ids_of(&payload(TRACKER), "programs");
    for (index, program) in programs.as_array_mut().into_iter().flatten().enumerate() {
        program["attributeValues"] =
            json!([{ "value": format!("PRG-{index}"), "attribute": { "id": ATTRIBUTE } }]);
    }
    let attribute = json!({ "id": ATTRIBUTE, "name": "Programme code", "code": "PROGRAMME_CODE",
        "valueType": "TEXT", "programAttribute": true, "dataElementAttribute": true });
    let client = client_for(&source, "admin");
    let result = block_on(import_metadata(
        &client,
        &json!({ "attributes": [attribute], "programs": programs }),
        &ImportOptions::default(),
    ))
    .expect("the source takes the attribute and the programs");
    assert_eq!(
        result.status,
        ImportStatus::Ok,
        "source import: {:?}",
        result.errors
    );
    source.clear_request_log();
    (source, ids)
}

#[test]
fn a_target_without_the_attribute_refuses_its_values_from_2_39() {
    for (version, refused) in [("2.38", false), ("2.39", true), ("2.41", true)] {
        let target = sim_named("target", version);
        let program = json!({ "id": "progNoAttr1", "name": "Program with a stray value",
            "shortName": "Stray", "programType": "WITHOUT_REGISTRATION",
            "attributeValues": [{ "value": "X", "attribute": { "id": ATTRIBUTE } }] });
        let result = block_on(import_metadata(
            &client_for(&target, "admin"),
            &json!({ "programs": [program] }),
            &ImportOptions::default(),
        ))
        .expect("the target answers");
        let codes: Vec<String> = result.errors.iter().map(|e| format!("{e:?}")).collect();
        assert_eq!(
            codes.iter().any(|c| c.contains("E6012")),
            refused,
            "{version}: {codes:?}"
        );
    }
}

#[test]
fn attributes_named_by_attribute_values_arrive_with_the_programs() {
    for (source_version, target_version) in [("2.38", "2.41"), ("2.40", "2.39"), ("2.41", "2.38")] {
        let (source, programs) = source_with_attribute_values(source_version);
        let target = sim_named("target", target_version);
        let report = sync(&source, &target, &programs, &MetadataSyncOptions::default());
        assert_synced(&report);
        let client = client_for(&target, "admin");
        let attribute = exported(&client, "attributes", ATTRIBUTE)
            .unwrap_or_else(|| panic!("{source_version} → {target_version}: no attribute"));
        assert_eq!(attribute["programAttribute"], true);
        for id in &programs {
            let program = exported(&client, "programs", id)
                .unwrap_or_else(|| panic!("{source_version} → {target_version}: no {id}"));
            let values = program["attributeValues"].as_array().cloned();
            let named: Vec<Value> = values
                .unwrap_or_default()
                .into_iter()
                .map(|value| value["attribute"]["id"].clone())
                .collect();
            assert_eq!(named, vec![json!(ATTRIBUTE)], "{id} on {target_version}");
        }
    }
}
