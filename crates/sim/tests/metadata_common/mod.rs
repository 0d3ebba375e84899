//! Helpers shared by the metadata tests: a simulated instance driven through
//! `MetadataStore::handle`, reference payloads, and a schema-aware export comparison.
#![allow(dead_code)]

#[path = "../reference_support/mod.rs"]
mod reference_support;
#[allow(unused_imports)] // not every suite uses both
pub use reference_support::{admin, reference_dir};

use dhis2_sim::metadata::MetadataStore;
use dhis2_sim::{Account, Query, RequestContext, SimResponse, SimVersion};
use serde_json::{Map, Value};
use std::collections::HashMap;

pub fn read_payload(dir: &std::path::Path, file: &str) -> Value {
    let path = dir.join("payloads").join(file);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
    serde_json::from_str(&text)
        .unwrap_or_else(|error| panic!("{} is not JSON: {error}", path.display()))
}

pub struct Instance {
    pub minor: u32,
    pub store: MetadataStore,
    pub user: Account,
}

pub const BASE_URL: &str = "http://127.0.0.1:8080";

impl Instance {
    pub fn new(minor: u32) -> Instance {
        let user = admin();
        Instance {
            minor,
            store: MetadataStore::new(SimVersion::new(minor, 0), std::slice::from_ref(&user)),
            user,
        }
    }

    /// Sends `method path?query` (path after `/api`, optionally `/37/…`) as `user`.
    pub fn request_as(
        &mut self,
        user: &Account,
        method: &str,
        url: &str,
        body: &[u8],
    ) -> Option<SimResponse> {
        let (path, query) = url.split_once('?').unwrap_or((url, ""));
        let mut segments: Vec<String> = path
            .trim_start_matches("/api/")
            .split('/')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        let api_version = segments.first().and_then(|s| s.parse::<u32>().ok());
        if api_version.is_some() {
            segments.remove(0);
        }
        let ctx = RequestContext {
            version: SimVersion::new(self.minor, 0),
            user,
            method,
            segments,
            api_version,
            query: Query::parse(query),
            body,
            base_url: BASE_URL,
        };
        self.store.handle(&ctx)
    }

    pub fn request(&mut self, method: &str, url: &str, body: &[u8]) -> SimResponse {
        let user = self.user.clone();
        self.request_as(&user, method, url, body)
            .unwrap_or_else(|| panic!("{method} {url} was not handled by the metadata module"))
    }

    pub fn get_json(&mut self, url: &str) -> Value {
        let response = self.request("GET", url, b"");
        assert_eq!(
            response.status,
            200,
            "GET {url}: {}",
            String::from_utf8_lossy(&response.body)
        );
        response.body_json().expect("JSON body")
    }

    /// `POST /api/metadata?{params}`; returns the response body.
    pub fn import(&mut self, payload: &Value, params: &str) -> Value {
        let body = serde_json::to_vec(payload).expect("payload serializes");
        let response = self.request("POST", &format!("/api/metadata?{params}"), &body);
        response.body_json().expect("import response is JSON")
    }
}

/// The ImportReport inside any version's response shape.
pub fn report_of(body: &Value) -> &Value {
    body.get("response")
        .filter(|r| r.get("typeReports").is_some() || r.get("stats").is_some())
        .unwrap_or(body)
}

pub fn report_stats(body: &Value, _minor: u32) -> Value {
    report_of(body).get("stats").cloned().unwrap_or(Value::Null)
}

pub fn error_messages(body: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for type_report in report_of(body)
        .get("typeReports")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        for object in type_report
            .get("objectReports")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            for error in object
                .get("errorReports")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                out.push(format!(
                    "{} {}",
                    error
                        .get("errorCode")
                        .and_then(Value::as_str)
                        .unwrap_or("?"),
                    error.get("message").and_then(Value::as_str).unwrap_or("?")
                ));
            }
        }
    }
    out
}

/// Fields the server sets or computes: not expected to come back as sent.
const SERVER_SET: &[&str] = &[
    "created",
    "lastUpdated",
    "href",
    "access",
    "displayName",
    "displayShortName",
    "displayDescription",
    "displayFormName",
    "lastUpdatedBy",
    "createdBy",
    "user",
    "favorite",
    "favorites",
    "password",
    "path",
    "level",
    "translations",
    "owner",
];

/// What the client learns from `/api/schemas`: owner properties and their item classes.
pub struct SchemaView {
    /// klass → property name → (owner, item or value klass, identifiable reference)
    properties: HashMap<String, HashMap<String, (bool, String, bool)>>,
    plural_to_klass: HashMap<String, String>,
}

impl SchemaView {
    pub fn load(sim: &mut Instance) -> SchemaView {
        let schemas = sim.get_json("/api/schemas");
        let mut properties = HashMap::new();
        let mut plural_to_klass = HashMap::new();
        for schema in schemas["schemas"].as_array().into_iter().flatten() {
            let klass = schema["klass"].as_str().unwrap_or_default().to_string();
            plural_to_klass.insert(
                schema["plural"].as_str().unwrap_or_default().to_string(),
                klass.clone(),
            );
            let props = schema["properties"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|p| {
                    let target = p
                        .get("itemKlass")
                        .or_else(|| p.get("klass"))
                        .and_then(Value::as_str);
                    (
                        p["name"].as_str().unwrap_or_default().to_string(),
                        (
                            p["owner"].as_bool().unwrap_or(false),
                            target.unwrap_or_default().to_string(),
                            p["identifiableObject"].as_bool().unwrap_or(false),
                        ),
                    )
                })
                .collect();
            properties.insert(klass, props);
        }
        SchemaView {
            properties,
            plural_to_klass,
        }
    }
}

/// Differences between what `payload` imported and what `/api/metadata` exports now.
pub fn export_differences(sim: &mut Instance, view: &SchemaView, payload: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for (plural, items) in payload.as_object().into_iter().flatten() {
        let (Some(items), Some(klass)) = (items.as_array(), view.plural_to_klass.get(plural))
        else {
            continue;
        };
        let export = sim.get_json(&format!("/api/metadata?{plural}=true&paging=false"));
        let exported: HashMap<&str, &Value> = export
            .get(plural)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|o| Some((o.get("id")?.as_str()?, o)))
            .collect();
        for item in items {
            let id = item.get("id").and_then(Value::as_str).unwrap_or_default();
            match exported.get(id) {
                None => out.push(format!("{plural}/{id} missing from export")),
                Some(back) => {
                    compare_object(view, klass, item, back, &format!("{plural}/{id}"), &mut out)
                }
            }
        }
    }
    out
}

fn compare_object(
    view: &SchemaView,
    klass: &str,
    sent: &Value,
    back: &Value,
    at: &str,
    out: &mut Vec<String>,
) {
    let (Some(sent), Some(back)) = (sent.as_object(), back.as_object()) else {
        return;
    };
    let props = view.properties.get(klass);
    for (key, value) in sent {
        if SERVER_SET.contains(&key.as_str()) {
            continue;
        }
        let property = props.and_then(|p| p.get(key));
        if props.is_some() && !property.is_some_and(|(owner, _, _)| *owner) {
            continue; // not a property DHIS2 keeps (or not an owned one)
        }
        let here = format!("{at}.{key}");
        match back.get(key) {
            None if is_empty(value) => {}
            None => out.push(format!("{here}: sent {value}, not exported")),
            Some(returned) if key == "sharing" => compare_sharing(value, returned, &here, out),
            Some(returned) => {
                let (_, target, reference) = property.cloned().unwrap_or_default();
                compare_value(view, &target, reference, value, returned, &here, out)
            }
        }
    }
}

fn compare_value(
    view: &SchemaView,
    klass: &str,
    reference: bool,
    sent: &Value,
    back: &Value,
    at: &str,
    out: &mut Vec<String>,
) {
    match (sent, back) {
        (Value::Array(a), Value::Array(b)) => {
            if a.len() != b.len() {
                out.push(format!(
                    "{at}: {} items sent, {} exported",
                    a.len(),
                    b.len()
                ));
                return;
            }
            let by_id: HashMap<&str, &Value> = b
                .iter()
                .filter_map(|o| Some((o.get("id")?.as_str()?, o)))
                .collect();
            for (index, item) in a.iter().enumerate() {
                let matched = item
                    .get("id")
                    .and_then(Value::as_str)
                    .and_then(|id| by_id.get(id).copied())
                    .or_else(|| b.iter().find(|candidate| *candidate == item))
                    .unwrap_or(&b[index]);
                compare_value(
                    view,
                    klass,
                    reference,
                    item,
                    matched,
                    &format!("{at}[{index}]"),
                    out,
                );
            }
        }
        (Value::Object(a), Value::Object(_)) if reference && a.contains_key("id") => {
            if a.get("id") != back.get("id") {
                out.push(format!(
                    "{at}: reference {} exported as {}",
                    a["id"], back["id"]
                ));
            }
        }
        (Value::Object(_), Value::Object(_)) => compare_object(view, klass, sent, back, at, out),
        (Value::Number(a), Value::Number(b)) if a.as_f64() == b.as_f64() => {}
        _ if sent == back => {}
        _ => out.push(format!("{at}: sent {sent}, exported {back}")),
    }
}

fn compare_sharing(sent: &Value, back: &Value, at: &str, out: &mut Vec<String>) {
    for key in ["public", "external"] {
        if let Some(value) = sent.get(key) {
            if back.get(key) != Some(value) {
                out.push(format!(
                    "{at}.{key}: sent {value}, exported {:?}",
                    back.get(key)
                ));
            }
        }
    }
    for key in ["users", "userGroups"] {
        for (id, entry) in sent
            .get(key)
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let exported = back
                .get(key)
                .and_then(|m| m.get(id))
                .and_then(|e| e.get("access"));
            if exported != entry.get("access") {
                out.push(format!(
                    "{at}.{key}.{id}: sent {entry}, exported {exported:?}"
                ));
            }
        }
    }
}

fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Array(items) => items.is_empty(),
        Value::Object(map) => map.is_empty(),
        _ => false,
    }
}

/// A JSON object from pairs, for building small payloads.
pub fn object(pairs: &[(&str, Value)]) -> Value {
    Value::Object(
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect::<Map<_, _>>(),
    )
}
