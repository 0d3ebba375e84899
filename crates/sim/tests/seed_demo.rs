//! The demo seed: realistic, self-consistent, deterministic, and with a destination that
//! differs from the source the way real instances do.

mod data_support;

use data_support::*;
use dhis2_sim::data_values::DataValueStore;
use dhis2_sim::metadata::MetadataStore;
use dhis2_sim::seed::{apply, demo_metadata, DemoSide, Seed};
use dhis2_sim::tracker::TrackerStore;
use serde_json::Value;
use std::collections::{HashMap, HashSet};

struct Seeded {
    metadata: MetadataStore,
    values: DataValueStore,
    tracker: TrackerStore,
}

fn seeded(seed: Seed) -> Seeded {
    let at = version("2.41");
    let mut instance = Seeded {
        metadata: MetadataStore::new(at, &[admin()]),
        values: DataValueStore::new(),
        tracker: TrackerStore::new(),
    };
    apply(
        &seed,
        &mut instance.metadata,
        &mut instance.values,
        &mut instance.tracker,
    );
    instance
}

fn ids(metadata: &MetadataStore, plural: &str) -> HashSet<String> {
    metadata
        .list(plural)
        .into_iter()
        .filter_map(|o| o["id"].as_str().map(str::to_string))
        .collect()
}

#[test]
fn seeds_parse() {
    assert_eq!("empty".parse::<Seed>().unwrap(), Seed::Empty);
    assert_eq!(
        "demo".parse::<Seed>().unwrap(),
        Seed::Demo(DemoSide::Source)
    );
    assert_eq!(
        "demo-destination".parse::<Seed>().unwrap(),
        Seed::Demo(DemoSide::Destination)
    );
    let error = "demo2".parse::<Seed>().unwrap_err().to_string();
    assert!(
        error.contains("demo2") && error.contains("empty"),
        "{error}"
    );
    let empty = seeded(Seed::Empty);
    assert!(empty.values.is_empty() && empty.tracker.event_count() == 0);
}

#[test]
fn source_is_a_realistic_consistent_country() {
    let source = seeded(Seed::Demo(DemoSide::Source));
    let metadata = &source.metadata;

    // Org unit tree: ~1,300 units over 4 named levels, paths matching parents.
    let units = metadata.list("organisationUnits");
    assert!(
        (1200..=1400).contains(&units.len()),
        "{} org units",
        units.len()
    );
    let by_id: HashMap<&str, &Value> = units
        .iter()
        .map(|u| (u["id"].as_str().unwrap(), *u))
        .collect();
    let mut per_level = [0usize; 5];
    for unit in &units {
        let level = unit["level"].as_u64().unwrap() as usize;
        per_level[level] += 1;
        let path = unit["path"].as_str().unwrap();
        assert_eq!(path.matches('/').count(), level, "{path}");
        assert!(path.ends_with(unit["id"].as_str().unwrap()));
        if level > 1 {
            let parent = by_id[unit["parent"]["id"].as_str().unwrap()];
            assert_eq!(
                format!(
                    "{}/{}",
                    parent["path"].as_str().unwrap(),
                    unit["id"].as_str().unwrap()
                ),
                path
            );
        }
    }
    assert_eq!(per_level[1], 1);
    assert!(
        per_level[2] >= 5 && per_level[3] >= 50 && per_level[4] >= 1000,
        "{per_level:?}"
    );
    let level_names: Vec<&str> = metadata
        .list("organisationUnitLevels")
        .iter()
        .map(|l| l["name"].as_str().unwrap())
        .collect();
    assert_eq!(level_names.len(), 4);
    assert!(metadata.list("organisationUnitGroups").len() >= 3);

    // Aggregate metadata.
    let elements = metadata.list("dataElements");
    let aggregate: Vec<&&Value> = elements
        .iter()
        .filter(|e| e["domainType"] == "AGGREGATE")
        .collect();
    assert!(
        (170..=230).contains(&aggregate.len()),
        "{} aggregate data elements",
        aggregate.len()
    );
    assert_eq!(metadata.list("dataSets").len(), 5);
    assert!(metadata.list("sections").len() >= 5);
    assert!(metadata.list("indicators").len() >= 15);
    assert!(metadata.list("indicatorTypes").len() >= 2);
    assert!(metadata
        .list("optionSets")
        .iter()
        .any(|s| s["name"] == "Stock status"));
    let combos: Vec<usize> = metadata
        .list("categoryCombos")
        .iter()
        .map(|c| c["categories"].as_array().unwrap().len())
        .collect();
    assert!(combos.contains(&2), "a sex × age combo exists: {combos:?}");
    // Every data set element exists; every COC names its combo.
    let element_ids = ids(metadata, "dataElements");
    for data_set in metadata.list("dataSets") {
        for member in data_set["dataSetElements"].as_array().unwrap() {
            assert!(element_ids.contains(member["dataElement"]["id"].as_str().unwrap()));
        }
    }

    // Data values: ~500,000, all referencing existing metadata and the element's own combos.
    let count = source.values.len();
    assert!((400_000..=650_000).contains(&count), "{count} values");
    let unit_ids = ids(metadata, "organisationUnits");
    let combo_of_element: HashMap<String, String> = elements
        .iter()
        .map(|e| {
            (
                e["id"].as_str().unwrap().to_string(),
                e["categoryCombo"]["id"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let combo_of_coc: HashMap<String, String> = metadata
        .list("categoryOptionCombos")
        .iter()
        .map(|c| {
            (
                c["id"].as_str().unwrap().to_string(),
                c["categoryCombo"]["id"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let mut periods = HashSet::new();
    for (element, period, unit, coc, value) in source.values.iter_values() {
        assert!(unit_ids.contains(unit), "{unit}");
        assert_eq!(
            combo_of_coc.get(coc),
            combo_of_element.get(element),
            "{element} {coc}"
        );
        assert!(!value.is_empty());
        periods.insert(period.to_string());
    }
    assert_eq!(periods.len(), 12);

    // Tracker data references existing programs, stages and org units.
    assert!(
        source.tracker.event_count() >= 2500,
        "{}",
        source.tracker.event_count()
    );
    assert_eq!(source.tracker.tracked_entity_count(), 500);
    assert_eq!(source.tracker.enrollment_count(), 500);
    let stages = ids(metadata, "programStages");
    let programs = ids(metadata, "programs");
    for event in source.tracker.events() {
        assert!(programs.contains(event["program"].as_str().unwrap()));
        assert!(stages.contains(event["programStage"].as_str().unwrap()));
        assert!(unit_ids.contains(event["orgUnit"].as_str().unwrap()));
        for value in event["dataValues"].as_array().unwrap() {
            assert!(element_ids.contains(value["dataElement"].as_str().unwrap()));
        }
    }
}

#[test]
fn the_same_seed_gives_the_same_instance() {
    assert_eq!(
        demo_metadata(DemoSide::Source),
        demo_metadata(DemoSide::Source)
    );
    let first = seeded(Seed::Demo(DemoSide::Source));
    let second = seeded(Seed::Demo(DemoSide::Source));
    assert_eq!(first.values.len(), second.values.len());
    assert!(first.values.iter_values().eq(second.values.iter_values()));
    assert!(first.tracker.events().eq(second.tracker.events()));
}

#[test]
fn destination_differs_like_a_real_second_instance() {
    let source = demo_metadata(DemoSide::Source);
    let destination = seeded(Seed::Demo(DemoSide::Destination));
    let named = |objects: &[(&str, Value)], plural: &str| -> HashMap<String, (String, String)> {
        objects
            .iter()
            .filter(|(p, _)| *p == plural)
            .map(|(_, o)| {
                (
                    o["name"].as_str().unwrap().to_string(),
                    (
                        o["id"].as_str().unwrap().to_string(),
                        o["code"].as_str().unwrap_or("").to_string(),
                    ),
                )
            })
            .collect()
    };
    let source_sets = named(&source, "dataSets");
    let destination_sets = ids(&destination.metadata, "dataSets");
    assert_eq!(
        destination_sets.len(),
        source_sets.len() - 1,
        "one data set is missing"
    );

    let source_elements = named(&source, "dataElements");
    let destination_elements = ids(&destination.metadata, "dataElements");
    let missing = source_elements
        .values()
        .filter(|(id, _)| !destination_elements.contains(id))
        .count();
    assert!(
        missing >= 40,
        "{missing} source data elements have no same-UID twin"
    );
    let destination_list = destination.metadata.list("dataElements");
    let other_uid_same_code = destination_list
        .iter()
        .filter(|e| {
            source_elements
                .values()
                .any(|(id, code)| e["code"].as_str() == Some(code) && e["id"].as_str() != Some(id))
        })
        .count();
    let other_code_same_uid = destination_list
        .iter()
        .filter(|e| {
            source_elements
                .values()
                .any(|(id, code)| e["id"].as_str() == Some(id) && e["code"].as_str() != Some(code))
        })
        .count();
    assert!(
        other_uid_same_code >= 2 && other_code_same_uid >= 2,
        "{other_uid_same_code} {other_code_same_uid}"
    );

    let source_units: HashSet<String> = source
        .iter()
        .filter(|(p, _)| *p == "organisationUnits")
        .map(|(_, o)| o["id"].as_str().unwrap().to_string())
        .collect();
    let moved_units = ids(&destination.metadata, "organisationUnits")
        .difference(&source_units)
        .count();
    assert!(
        moved_units >= 5,
        "{moved_units} org units with their own UIDs"
    );

    assert!(
        destination.values.len() < 20_000,
        "{} values",
        destination.values.len()
    );
    assert!(!destination.values.is_empty());
    assert_eq!(destination.tracker.event_count(), 0);
}

/// The demo accounts capture data like a deployment's: admin and the MetaData Sync users at the
/// top of the country, each data entry clerk in one province (DHIS2 refuses org units outside
/// the user's hierarchy with E7617 and users without `F_DATAVALUE_ADD` with 403); data sets and
/// category options share data write with everyone.
#[test]
fn demo_accounts_enter_data_where_they_are_placed() {
    use base64::Engine;
    use dhis2_sim::{InstanceConfig, Sim, SimRequest};
    let mut config = InstanceConfig::new("source", version("2.41"));
    config.seed = Seed::Demo(DemoSide::Source);
    let sim = Sim::new(config);
    let places = dhis2_sim::seed::org_unit_places(&Seed::Demo(DemoSide::Source));
    let (element, facility_of) = sim.with_stores(|metadata, _, _| {
        let data_set = metadata.list("dataSets")[0].clone();
        let element = data_set["dataSetElements"][0]["dataElement"]["id"]
            .as_str()
            .unwrap()
            .to_string();
        let assigned: Vec<String> = data_set["organisationUnits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["id"].as_str().unwrap().to_string())
            .collect();
        let facility_of = |province: &str| {
            metadata
                .list("organisationUnits")
                .into_iter()
                .find(|u| {
                    let path = u["path"].as_str().unwrap_or("");
                    path.contains(province)
                        && assigned
                            .iter()
                            .any(|a| Some(a.as_str()) == u["id"].as_str())
                })
                .and_then(|u| u["id"].as_str())
                .unwrap()
                .to_string()
        };
        (
            element,
            [
                facility_of(&places.clerk.0),
                facility_of(&places.outsider.0),
            ],
        )
    });
    let send = |user: &str, url: &str, body: Vec<u8>| {
        let token = base64::engine::general_purpose::STANDARD.encode(format!("{user}:district"));
        let response = sim
            .handle(
                SimRequest::new("POST", &format!("http://127.0.0.1{url}"))
                    .with_header("Authorization", &format!("Basic {token}"))
                    .with_header("X-Requested-With", "XMLHttpRequest")
                    .with_body(body),
            )
            .unwrap();
        let json = response.body_json().unwrap_or(Value::Null);
        (response.status, json)
    };
    let post = |user: &str, unit: &str| {
        let body = serde_json::json!({ "dataValues": [{ "dataElement": element, "period": "202501",
            "orgUnit": unit, "value": "7" }] });
        send(
            user,
            "/api/dataValueSets",
            serde_json::to_vec(&body).unwrap(),
        )
    };
    let [clerk_unit, outsider_unit] = facility_of;
    for user in ["admin", "configurator", "guest"] {
        let (status, body) = post(user, &clerk_unit);
        assert_eq!(status, 200, "{user}: {body}");
    }
    let (status, body) = post("guest", &outsider_unit);
    assert_eq!(status, 409);
    assert_eq!(
        body["response"]["conflicts"][0]["errorCode"], "E7617",
        "{body}"
    );
    let (status, _) = post("outsider", &outsider_unit);
    assert_eq!(status, 200);
    let (status, body) = post("executor", &clerk_unit);
    assert_eq!(
        (status, body["message"].clone()),
        (403, Value::from("Access is denied"))
    );
    // The strict switches are system settings, set through the platform's endpoint.
    let (status, _) = send(
        "admin",
        "/api/systemSettings/keyDataImportStrictOrganisationUnits",
        b"true".to_vec(),
    );
    assert_eq!(status, 200);
    let (status, body) = post("guest", &places.clerk.0);
    assert_eq!(status, 409);
    assert_eq!(
        body["response"]["conflicts"][0]["errorCode"], "E7636",
        "{body}"
    );
}
