//! The schema registry decodes a real `/api/schemas` recording and the simulator's own
//! schemas of every version.

mod support;

use mdsync_core::dhis2::schemas::{fetch_schemas, ReferenceTarget};
use mdsync_core::dhis2::SchemaRegistry;
use support::{block_on, client_for, reference_file, sim_of};

#[test]
fn decodes_the_recorded_schemas() {
    let body = reference_file("recorded/common/api_schemas.json");
    let registry = SchemaRegistry::from_json(&body)
        .unwrap_or_else(|e| panic!("decoding api_schemas.json: {e}"));
    let raw: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
    let expected = raw["schemas"].as_array().map(Vec::len).unwrap_or(0);
    assert!(expected > 0);
    assert_eq!(registry.all().len(), expected);
    // The recording is trimmed to property names and types: every property is kept.
    let properties: usize = registry.all().iter().map(|s| s.properties.len()).sum();
    let raw_properties: usize = raw["schemas"]
        .as_array()
        .map(|all| {
            all.iter()
                .map(|s| s["properties"].as_array().map_or(0, Vec::len))
                .sum()
        })
        .unwrap_or(0);
    assert_eq!(properties, raw_properties);
    assert!(registry
        .all()
        .iter()
        .flat_map(|s| &s.properties)
        .any(|p| p.property_type == "COLLECTION"));
}

#[test]
fn decodes_the_simulator_schemas_of_every_version() {
    for version in ["2.30", "2.36", "2.38", "2.41", "2.42"] {
        let sim = sim_of(version);
        let registry = block_on(fetch_schemas(&client_for(&sim, "admin")))
            .unwrap_or_else(|e| panic!("{version}: {e}"));
        let types: Vec<&str> = registry
            .metadata_types()
            .iter()
            .filter_map(|s| s.plural.as_deref())
            .collect();
        for needed in [
            "dataElements",
            "dataSets",
            "categoryCombos",
            "programs",
            "programStages",
        ] {
            assert!(types.contains(&needed), "{version} lacks {needed}");
        }
        let position = |plural: &str| types.iter().position(|t| *t == plural);
        assert!(
            position("categoryCombos") < position("dataElements"),
            "{version}: import order"
        );
        assert!(
            position("dataElements") < position("dataSets"),
            "{version}: import order"
        );
        let data_set = registry
            .by_plural("dataSets")
            .unwrap_or_else(|| panic!("{version}: no dataSets"));
        let references = registry.references_of(data_set);
        assert!(references
            .iter()
            .any(|r| r.json_key == "dataSetElements"
                && matches!(r.target, ReferenceTarget::Embedded(_))));
        assert!(references.iter().any(|r| r.json_key == "categoryCombo"
            && r.target == ReferenceTarget::Type("categoryCombos".into())));
    }
}

#[test]
fn default_category_objects_are_found_by_name() {
    for version in ["2.30", "2.41"] {
        let sim = sim_of(version);
        let defaults = block_on(mdsync_core::sync::metadata::defaults::fetch_default_ids(
            &client_for(&sim, "admin"),
        ))
        .unwrap_or_else(|e| panic!("{version}: {e}"));
        let types: Vec<&str> = defaults.iter().map(|(plural, _)| plural.as_str()).collect();
        assert_eq!(
            types,
            [
                "categories",
                "categoryOptions",
                "categoryCombos",
                "categoryOptionCombos"
            ],
            "{version}"
        );
        let requests = sim.request_log().len();
        assert_eq!(requests, 1, "one request for all four types");
    }
}
