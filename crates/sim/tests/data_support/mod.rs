//! Shared helpers of the data value, tracker and seed tests: reference files, a superuser and
//! request contexts built without the platform layer.
#![allow(dead_code)]

pub mod tracker;

use dhis2_sim::metadata::MetadataStore;
use dhis2_sim::{Account, Query, RequestContext, SimResponse, SimVersion};
use serde_json::Value;
use std::path::PathBuf;

/// `$DHIS2_REFERENCE_DIR`, else the `shared/dhis2-reference` folder next to the repository.
pub fn reference_dir() -> PathBuf {
    if let Ok(dir) = std::env::var("DHIS2_REFERENCE_DIR") {
        let dir = PathBuf::from(dir);
        assert!(
            dir.is_dir(),
            "DHIS2_REFERENCE_DIR={} is not a directory",
            dir.display()
        );
        return dir;
    }
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let found = manifest
        .ancestors()
        .map(|ancestor| ancestor.join("shared").join("dhis2-reference"))
        .find(|candidate| candidate.is_dir());
    match found {
        Some(dir) => dir,
        None => panic!(
            "DHIS2 reference data not found: looked for shared/dhis2-reference in every folder above {}; \
             set DHIS2_REFERENCE_DIR to its location",
            manifest.display()
        ),
    }
}

pub fn read_reference(relative: &str) -> Value {
    let path = reference_dir().join(relative);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("cannot read reference file {}: {error}", path.display()));
    serde_json::from_str(&text)
        .unwrap_or_else(|error| panic!("reference file {} is not JSON: {error}", path.display()))
}

pub fn admin() -> Account {
    Account {
        id: "M5zQapPyTZI".into(),
        username: "admin".into(),
        password: "district".into(),
        first_name: "John".into(),
        surname: "Traore".into(),
        user_roles: vec![("yrB6vc5Ip3r".into(), "Superuser".into())],
        authorities: vec!["ALL".into()],
        user_groups: Vec::new(),
        organisation_units: vec![("ImspTQPwCqd".into(), "/ImspTQPwCqd".into())],
    }
}

pub fn version(text: &str) -> SimVersion {
    text.parse().expect("test versions are valid")
}

/// Inserts every object of a metadata payload (`{"dataElements": [...], ...}`).
pub fn insert_metadata(store: &mut MetadataStore, payload: &Value) {
    let Some(object) = payload.as_object() else {
        return;
    };
    for (plural, objects) in object {
        for item in objects.as_array().into_iter().flatten() {
            store
                .insert(plural, item.clone())
                .unwrap_or_else(|error| panic!("cannot insert {plural}: {error}"));
        }
    }
}

/// A metadata store holding the aggregate reference metadata and the setup org units.
pub fn aggregate_metadata(at: SimVersion) -> MetadataStore {
    let mut store = MetadataStore::new(at, &[admin()]);
    insert_metadata(&mut store, &read_reference("payloads/setup/metadata.json"));
    insert_metadata(
        &mut store,
        &read_reference("payloads/aggregate/metadata.json"),
    );
    store
}

/// Calls `handler` with a context for `method url` (e.g. `/api/37/dataValueSets?x=1`).
pub fn call<F>(at: SimVersion, method: &str, url: &str, body: &[u8], handler: F) -> SimResponse
where
    F: FnOnce(&RequestContext) -> Option<SimResponse>,
{
    let user = admin();
    let (path, query) = url.split_once('?').unwrap_or((url, ""));
    let mut segments: Vec<String> = path
        .trim_start_matches('/')
        .split('/')
        .skip(1)
        .map(str::to_string)
        .collect();
    let api_version = segments.first().and_then(|first| first.parse::<u32>().ok());
    if api_version.is_some() {
        segments.remove(0);
    }
    let ctx = RequestContext {
        version: at,
        user: &user,
        method,
        segments,
        api_version,
        query: Query::parse(query),
        body,
        base_url: "http://127.0.0.1:8080",
    };
    handler(&ctx).unwrap_or_else(|| panic!("{method} {url} was not handled"))
}

pub fn json_of(response: &SimResponse) -> Value {
    response.body_json().expect("the simulator answers JSON")
}

/// Keys of a JSON object, sorted.
pub fn keys(value: &Value) -> Vec<String> {
    let mut keys: Vec<String> = value
        .as_object()
        .map(|object| object.keys().cloned().collect())
        .unwrap_or_default();
    keys.sort();
    keys
}
