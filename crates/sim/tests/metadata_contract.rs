//! Contract with real responses: every property of the metadata objects recorded from real
//! DHIS2 servers (android SDK fixtures, `recorded/`) is one the simulator's schemas know, so the
//! simulator can serve it. A few properties of pre-2.30 servers or of hand-edited fixtures are
//! listed as exceptions with the reason.

mod metadata_common;
#[path = "contract_support/metadata_recordings.rs"]
mod metadata_recordings;

use metadata_common::*;
use metadata_recordings::RECORDED;
use serde_json::Value;
use std::collections::{BTreeSet, HashMap};

/// (type, property): why the simulator does not serve it.
const NOT_MODELLED: &[(&str, &str, &str)] = &[
    ("programs", "dataEntryMethod", "pre-2.30 program property"),
    ("programs", "registration", "pre-2.30 program property"),
    ("programs", "relationshipFromA", "pre-2.30 program property"),
    ("programs", "relationshipText", "pre-2.30 program property"),
    ("programs", "relationshipType", "pre-2.30 program property"),
    (
        "programStages",
        "captureCoordinates",
        "replaced by featureType in 2.30",
    ),
    (
        "dataElements",
        "numberType",
        "pre-2.30 data element property",
    ),
    (
        "dataElements",
        "legendSet",
        "single legend set, replaced by legendSets",
    ),
    (
        "dataElements",
        "dimension",
        "fixture artefact: data elements are items, not dimensions",
    ),
    (
        "organisationUnits",
        "deleted",
        "android SDK's own flag, not a DHIS2 property",
    ),
    (
        "organisationUnitGroups",
        "featureType",
        "geometry replaced featureType in 2.32",
    ),
    ("organisationUnitGroups", "legendSets", "fixture artefact"),
];

/// Sharing keys the SDK fixtures carry on types that are not shareable in DHIS2.
const SHARING_ARTEFACTS: &[&str] = &["externalAccess", "userGroupAccesses"];

fn objects<'a>(document: &'a Value, plural: &str) -> Vec<&'a Value> {
    match document.get(plural).and_then(Value::as_array) {
        Some(items) => items.iter().collect(),
        None => vec![document],
    }
}

#[test]
fn recorded_metadata_properties_are_known_to_the_simulator() {
    let dir = reference_dir().join("recorded");
    let mut sim = Instance::new(41);
    let schemas = sim.get_json("/api/schemas?fields=plural,properties[name]");
    let known: HashMap<String, BTreeSet<String>> = schemas["schemas"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|schema| {
            let names = schema["properties"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|p| p["name"].as_str().map(str::to_string))
                .collect();
            (
                schema["plural"].as_str().unwrap_or_default().to_string(),
                names,
            )
        })
        .collect();
    // Properties the simulator computes on output without a schema entry.
    let computed = [
        "dimensionItem",
        "dimensionItemType",
        "dimension",
        "dimensionType",
        "allItems",
        "optionSetValue",
        "displayFormName",
        "displayShortName",
        "displayDescription",
    ];
    let mut unknown = Vec::new();
    for (file, plural) in RECORDED {
        let path = dir.join(file);
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
        let document: Value = serde_json::from_str(&text).expect("recorded JSON");
        let properties = known
            .get(*plural)
            .unwrap_or_else(|| panic!("no schema for {plural}"));
        for object in objects(&document, plural) {
            for key in object.as_object().into_iter().flatten().map(|(k, _)| k) {
                let excused = computed.contains(&key.as_str())
                    || SHARING_ARTEFACTS.contains(&key.as_str())
                    || NOT_MODELLED.iter().any(|(t, p, _)| t == plural && p == key);
                if !properties.contains(key) && !excused {
                    unknown.push(format!("{file}: {plural}.{key}"));
                }
            }
        }
    }
    unknown.sort();
    unknown.dedup();
    assert!(
        unknown.is_empty(),
        "properties the simulator does not know:\n{}",
        unknown.join("\n")
    );
}

/// JSON Schemas DHIS2 publishes per version (`json-schemas/`), by simulated minor version.
const PUBLISHED: &[(u32, &str)] = &[
    (35, "v2.35.13"),
    (36, "v2.36.11"),
    (37, "v2.37.7"),
    (38, "v2.38.1"),
    (39, "v2.39.1"),
    (40, "v40.0"),
];

/// Properties the simulator's schemas list although the published JSON Schema lacks them.
const SCHEMA_EXTRAS: &[(&str, &str, &str)] = &[
    (
        "categoryCombo",
        "isDefault",
        "computed flag real servers send (android SDK fixtures)",
    ),
    (
        "categoryOptionCombo",
        "name",
        "generated name real servers send",
    ),
    ("user", "name", "computed display name real servers send"),
];

fn property_names(value: &Value) -> BTreeSet<String> {
    value
        .get("properties")
        .and_then(Value::as_object)
        .map(|map| map.keys().cloned().collect())
        .unwrap_or_default()
}

#[test]
fn schema_properties_exist_in_the_published_json_schemas() {
    let dir = reference_dir().join("json-schemas");
    let mut unknown = Vec::new();
    let mut compared = 0;
    for (minor, folder) in PUBLISHED {
        let mut sim = Instance::new(*minor);
        let schemas = sim.get_json("/api/schemas?fields=singular,properties[name]");
        for schema in schemas["schemas"].as_array().into_iter().flatten() {
            let singular = schema["singular"].as_str().unwrap_or_default();
            let capitalized = format!("{}{}", singular[..1].to_uppercase(), &singular[1..]);
            let file = [singular, capitalized.as_str()]
                .iter()
                .map(|name| dir.join(folder).join(format!("{name}.json")))
                .find(|path| path.is_file());
            let Some(file) = file else { continue };
            let text = std::fs::read_to_string(&file).expect("readable JSON Schema");
            let published = property_names(&serde_json::from_str(&text).expect("JSON Schema"));
            compared += 1;
            for property in schema["properties"].as_array().into_iter().flatten() {
                let name = property["name"].as_str().unwrap_or_default();
                let excused = SCHEMA_EXTRAS
                    .iter()
                    .any(|(s, p, _)| *s == singular && *p == name);
                if !published.contains(name) && !excused {
                    unknown.push(format!("2.{minor} {singular}.{name}"));
                }
            }
        }
    }
    assert!(compared > 150, "only {compared} schemas compared");
    assert!(
        unknown.is_empty(),
        "not in DHIS2's published schemas:\n{}",
        unknown.join("\n")
    );
}

/// Keys of `value` missing from the published schema `file` of `folder`.
fn unpublished_keys(dir: &std::path::Path, folder: &str, file: &str, value: &Value) -> Vec<String> {
    // 2.35–2.39 publish `errorReport.json`, 40 publishes `ErrorReport.json`.
    let capitalized = format!("{}{}", file[..1].to_uppercase(), &file[1..]);
    let path = [file, capitalized.as_str()]
        .iter()
        .map(|name| dir.join(folder).join(name))
        .find(|path| path.is_file())
        .unwrap_or_else(|| dir.join(folder).join(file));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
    let published = property_names(&serde_json::from_str(&text).expect("JSON Schema"));
    value
        .as_object()
        .into_iter()
        .flatten()
        .map(|(key, _)| key.clone())
        .filter(|key| !published.contains(key))
        .map(|key| format!("{folder}/{file}: {key}"))
        .collect()
}

#[test]
fn import_responses_use_only_published_properties() {
    let dir = reference_dir().join("json-schemas");
    let mut unknown = Vec::new();
    let payload = serde_json::json!({ "dataElements": [{
        "id": "deContract1", "name": "Contract", "shortName": "Contract", "valueType": "NUMBER",
        "domainType": "AGGREGATE", "aggregationType": "SUM", "categoryCombo": { "id": "xxxxxxxxxxx" } }] });
    for (minor, folder) in PUBLISHED {
        let mut sim = Instance::new(*minor);
        let body = sim.import(&payload, "importReportMode=FULL");
        let report = report_of(&body);
        let envelope_file = match minor {
            37..=39 => "importReportWebMessageResponse.json",
            _ => "importReport.json",
        };
        let check = |file: &str, value: &Value, unknown: &mut Vec<String>| {
            unknown.extend(unpublished_keys(&dir, folder, file, value));
        };
        if body.get("httpStatusCode").is_some() {
            check("webMessage.json", &body, &mut unknown);
        }
        // 40 publishes no separate web-message form of the report: it adds `responseType`.
        let mut plain = report.clone();
        if *minor >= 40 {
            plain.as_object_mut().map(|map| map.remove("responseType"));
        }
        check(envelope_file, &plain, &mut unknown);
        check("stats.json", &report["stats"], &mut unknown);
        check("typeReport.json", &report["typeReports"][0], &mut unknown);
        check(
            "objectReport.json",
            &report["typeReports"][0]["objectReports"][0],
            &mut unknown,
        );
        let error = &report["typeReports"][0]["objectReports"][0]["errorReports"][0];
        assert_eq!(error["errorCode"], "E5002", "2.{minor}");
        check("errorReport.json", error, &mut unknown);
        if *minor <= 36 {
            check(
                "metadataImportParams.json",
                &report["importParams"],
                &mut unknown,
            );
        }
        let accepted = sim.request("POST", "/api/metadata?async=true", b"{}");
        let job = accepted.body_json().expect("job response");
        if *minor < 40 {
            check(
                "jobConfigurationWebMessageResponse.json",
                &job["response"],
                &mut unknown,
            );
        }
        {
            let endpoint = job["response"]["relativeNotifierEndpoint"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            let notifications = sim.get_json(&endpoint);
            check("notification.json", &notifications[0], &mut unknown);
            let list = sim.get_json("/api/dataElements?pageSize=1");
            check("pager.json", &list["pager"], &mut unknown);
        }
    }
    assert!(
        unknown.is_empty(),
        "not in DHIS2's published schemas:\n{}",
        unknown.join("\n")
    );
}
