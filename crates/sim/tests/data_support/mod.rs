//! Shared helpers of the data value, tracker and seed tests: reference files, a superuser and
//! request contexts built without the platform layer.
#![allow(dead_code)]

#[path = "../reference_support/mod.rs"]
mod reference_support;
#[allow(unused_imports)] // not every suite uses both
pub use reference_support::{admin, reference_dir};

pub mod tracker;
pub mod world;

use dhis2_sim::metadata::MetadataStore;
use dhis2_sim::{Account, Query, RequestContext, SimResponse, SimVersion};
use serde_json::Value;

pub fn read_reference(relative: &str) -> Value {
    let path = reference_dir().join(relative);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("cannot read reference file {}: {error}", path.display()));
    serde_json::from_str(&text)
        .unwrap_or_else(|error| panic!("reference file {} is not JSON: {error}", path.display()))
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
    call_as(at, &admin(), method, url, body, handler)
}

/// [`call`] as `user`.
pub fn call_as<F>(
    at: SimVersion,
    user: &Account,
    method: &str,
    url: &str,
    body: &[u8],
    handler: F,
) -> SimResponse
where
    F: FnOnce(&RequestContext) -> Option<SimResponse>,
{
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
        user,
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
