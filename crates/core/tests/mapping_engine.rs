//! Mapping end to end against the simulator, in process: the demo's destination holds some data
//! elements and facilities under other UIDs (and some under other codes and names). Auto-map
//! finds them, the checks name what is left, and mapped data values and metadata land there.

mod support;

use std::collections::BTreeMap;
use std::sync::Arc;

use dhis2_sim::{DemoSide, InstanceConfig, Seed, Sim, SimVersion};
use mdsync_core::dhis2::metadata::{import_metadata, ImportOptions};
use mdsync_core::dhis2::schemas::fetch_schemas;
use mdsync_core::dhis2::{Dhis2Client, ImportStatus, Method};
use mdsync_core::mapping::auto_map::MAPPABLE_FIELDS;
use mdsync_core::mapping::checks::{
    ids_to_look_up, outgoing_of_data_values, read_destination_index,
};
use mdsync_core::mapping::{
    auto_map, check_mapping, read_mapping_context, AutoMapOutcome, AutoMapScope, DataValueSet,
    Finding, MappableObject, Mapper, MappingDictionary, MatchRule, OriginRow, PayloadKind,
};
use mdsync_core::sync::metadata::Payload;
use serde_json::{json, Value};
use support::{block_on, client_for, SimTransport};

fn demo(name: &str, side: DemoSide) -> Arc<Sim> {
    let mut config = InstanceConfig::new(name, "2.40".parse::<SimVersion>().unwrap());
    config.seed = Seed::Demo(side);
    config.base_url = format!("http://{name}.sim");
    Arc::new(Sim::new(config))
}

fn encoded(fields: &str) -> String {
    fields.replace('[', "%5B").replace(']', "%5D")
}

fn objects(client: &Dhis2Client<SimTransport>, plural: &str, filter: &str) -> Vec<MappableObject> {
    let path = format!(
        "api/{plural}?paging=false&fields={}{filter}",
        encoded(MAPPABLE_FIELDS)
    );
    let mut body: serde_json::Map<String, Value> = block_on(client.get_json(&path)).expect(plural);
    serde_json::from_value(body.remove(plural).unwrap_or_default()).expect("mappable objects")
}

/// Auto-maps one type; returns the origin ids that were matched otherwise than by id.
fn auto_map_type(
    mapping: &mut MappingDictionary,
    mapping_type: &str,
    origin: Vec<MappableObject>,
    destination: &[MappableObject],
) -> BTreeMap<String, (MatchRule, String)> {
    let rows: Vec<OriginRow> = origin.into_iter().filter_map(OriginRow::of).collect();
    let results = auto_map(
        mapping,
        mapping_type,
        &rows,
        destination,
        AutoMapScope::Unmapped,
        false,
    );
    results
        .into_iter()
        .filter_map(|row| match row.outcome {
            AutoMapOutcome::Mapped { rule, target, .. } if rule != MatchRule::SameId => {
                Some((row.key.to_string(), (rule, target.to_string())))
            }
            _ => None,
        })
        .collect()
}

fn post(client: &Dhis2Client<SimTransport>, path: &str, body: &Value) -> Value {
    let request = client.request(Method::Post, path).with_json(body);
    let response = block_on(client.execute(request)).expect("answer");
    serde_json::from_slice(&response.body).expect("JSON answer")
}

fn import_count(summary: &Value) -> &Value {
    summary
        .get("response")
        .unwrap_or(summary)
        .get("importCount")
        .expect("importCount")
}

#[test]
fn mapped_data_values_and_metadata_land_under_the_destinations_ids() {
    let source = demo("source", DemoSide::Source);
    let destination = demo("destination", DemoSide::Destination);
    let origin = client_for(&source, "admin");
    let target = client_for(&destination, "admin");

    // Auto-map: data elements and facilities the destination identifies otherwise.
    let mut mapping = MappingDictionary::default();
    let elements = auto_map_type(
        &mut mapping,
        "aggregatedDataElements",
        objects(&origin, "dataElements", ""),
        &objects(&target, "dataElements", ""),
    );
    let facilities = auto_map_type(
        &mut mapping,
        "organisationUnits",
        objects(&origin, "organisationUnits", "&filter=level:eq:4"),
        &objects(&target, "organisationUnits", "&filter=level:eq:4"),
    );
    assert!(
        elements
            .values()
            .any(|(rule, _)| *rule == MatchRule::SameCode),
        "moved data elements are found by code: {elements:?}"
    );
    let (facility, (rule, dest_facility)) = facilities
        .iter()
        .find(|(_, (rule, _))| *rule == MatchRule::SameCode)
        .map(|(k, v)| (k.clone(), v.clone()))
        .expect("a moved facility");
    assert_eq!(rule, MatchRule::SameCode);
    let unit = mapping.get("organisationUnits", &facility).unwrap();
    assert!(
        unit.mapped_id
            .as_ref()
            .unwrap()
            .as_str()
            .ends_with(&format!("/{dest_facility}")),
        "org units are mapped by path"
    );

    // Source values of the moved facility for a data set holding a moved data element.
    let data_sets: serde_json::Map<String, Value> =
        block_on(origin.get_json(
            "api/dataSets?paging=false&fields=id,dataSetElements%5BdataElement%5Bid%5D%5D",
        ))
        .unwrap();
    let data_set = data_sets["dataSets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|set| {
            set["dataSetElements"]
                .as_array()
                .unwrap()
                .iter()
                .any(|element| {
                    elements.contains_key(element["dataElement"]["id"].as_str().unwrap_or_default())
                })
        })
        .expect("a data set with a moved data element")["id"]
        .as_str()
        .unwrap()
        .to_string();
    let values: Value = block_on(origin.get_json(&format!(
        "api/dataValueSets?dataSet={data_set}&orgUnit={facility}&startDate=2024-01-01&endDate=2024-12-31"
    )))
    .unwrap();
    let set: DataValueSet =
        serde_json::from_value(json!({"dataValues": values["dataValues"]})).unwrap();
    assert!(!set.data_values.is_empty(), "the source has values there");
    let moved_values = set
        .data_values
        .iter()
        .filter(|value| elements.contains_key(value.data_element.as_str()))
        .count();

    // Checks: without a mapping the moved items are named; with it, nothing is in the way.
    let outgoing = outgoing_of_data_values(&set.data_values);
    let empty = MappingDictionary::default();
    let index = block_on(read_destination_index(
        &target,
        &ids_to_look_up(&empty, &outgoing),
    ))
    .unwrap();
    let findings = check_mapping(&empty, &outgoing, &index);
    assert!(findings.contains(&Finding::Unmapped {
        plural: "organisationUnits".into(),
        id: facility.clone()
    }));
    let index = block_on(read_destination_index(
        &target,
        &ids_to_look_up(&mapping, &outgoing),
    ))
    .unwrap();
    let errors: Vec<String> = check_mapping(&mapping, &outgoing, &index)
        .iter()
        .filter(|finding| finding.is_error())
        .map(ToString::to_string)
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");

    // Apply and write: every value arrives, under the destination's ids.
    let context = block_on(read_mapping_context(
        &origin,
        &target,
        PayloadKind::Aggregated,
    ))
    .unwrap();
    let sent = set.data_values.len();
    let mapped = Mapper::new(&mapping, &context).data_values(set);
    assert_eq!(mapped.report.written, sent);
    let payload = serde_json::to_value(&mapped.payload).unwrap();
    let summary = post(&target, "api/dataValueSets", &payload);
    let count = import_count(&summary);
    assert_eq!(
        count["imported"].as_u64().unwrap() + count["updated"].as_u64().unwrap(),
        sent as u64,
        "{summary}"
    );
    let landed: Value = block_on(target.get_json(&format!(
        "api/dataValueSets?dataSet={data_set}&orgUnit={dest_facility}&startDate=2024-01-01&endDate=2024-12-31"
    )))
    .unwrap();
    let landed = landed["dataValues"].as_array().unwrap();
    assert_eq!(landed.len(), sent);
    let under_moved_ids = landed
        .iter()
        .filter(|value| {
            elements
                .values()
                .any(|(_, id)| value["dataElement"].as_str() == Some(id.as_str()))
        })
        .count();
    assert_eq!(under_moved_ids, moved_values);
    assert!(moved_values > 0, "values of moved data elements were sent");

    // Metadata: the source's data set, its references mapped, imports at the destination.
    let exported: Value = block_on(origin.get_json(&format!(
        "api/dataSets/{data_set}?fields=id,name,code,shortName,periodType,categoryCombo%5Bid%5D,dataSetElements%5BdataElement%5Bid%5D%5D"
    )))
    .unwrap();
    let mut metadata: Payload = [("dataSets".to_string(), vec![exported])]
        .into_iter()
        .collect();
    let schemas = block_on(fetch_schemas(&target)).unwrap();
    let report = Mapper::new(&mapping, &context).metadata(&mut metadata, &schemas);
    assert!(report.references > 0, "{report:?}");
    let ids: Vec<&str> = metadata["dataSets"][0]["dataSetElements"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|element| element["dataElement"]["id"].as_str())
        .collect();
    assert!(
        ids.iter().all(|id| !elements.contains_key(*id)),
        "no origin-only id left"
    );
    let result = block_on(import_metadata(
        &target,
        &serde_json::to_value(&metadata).unwrap(),
        &ImportOptions::default(),
    ))
    .unwrap();
    assert_ne!(result.status, ImportStatus::Error, "{:?}", result.errors);
}
