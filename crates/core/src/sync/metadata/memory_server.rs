//! A minimal in-memory DHIS2 answering just what the metadata engine asks: system info,
//! schemas, `id:in` / `x.id:in` list filters, `/api/metadata` by ids, and imports (accepted
//! whole). It lets the benchmark and the unit tests run the pipeline without the simulator;
//! the engine tests in `crates/core/tests/sync_*.rs` use the real simulator.

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use serde_json::{json, Map, Value};

use crate::dhis2::{HttpRequest, HttpResponse, Method, Transport, TransportError};

/// One type of the server's schemas: (short class, plural, order, references).
/// A reference is (json key, target short class, collection, embedded).
pub type TypeSpec = (
    &'static str,
    &'static str,
    i64,
    &'static [(&'static str, &'static str, bool, bool)],
);

/// The types the benchmark and tests use, with DHIS2's import orders.
pub const TYPES: &[TypeSpec] = &[
    ("CategoryOption", "categoryOptions", 1140, &[]),
    (
        "Category",
        "categories",
        1170,
        &[("categoryOptions", "CategoryOption", true, false)],
    ),
    (
        "CategoryCombo",
        "categoryCombos",
        1180,
        &[("categories", "Category", true, false)],
    ),
    (
        "CategoryOptionCombo",
        "categoryOptionCombos",
        1190,
        &[
            ("categoryCombo", "CategoryCombo", false, false),
            ("categoryOptions", "CategoryOption", true, false),
        ],
    ),
    (
        "Option",
        "options",
        1040,
        &[("optionSet", "OptionSet", false, false)],
    ),
    (
        "OptionSet",
        "optionSets",
        1050,
        &[("options", "Option", true, false)],
    ),
    (
        "DataElement",
        "dataElements",
        1200,
        &[
            ("categoryCombo", "CategoryCombo", false, false),
            ("optionSet", "OptionSet", false, false),
        ],
    ),
    ("IndicatorType", "indicatorTypes", 1240, &[]),
    (
        "Indicator",
        "indicators",
        1250,
        &[("indicatorType", "IndicatorType", false, false)],
    ),
    (
        "DataSetElement",
        "dataSetElements",
        0,
        &[
            ("dataElement", "DataElement", false, false),
            ("categoryCombo", "CategoryCombo", false, false),
        ],
    ),
    (
        "DataSet",
        "dataSets",
        1310,
        &[
            ("categoryCombo", "CategoryCombo", false, false),
            ("dataSetElements", "DataSetElement", true, true),
            ("indicators", "Indicator", true, false),
            ("organisationUnits", "OrganisationUnit", true, false),
        ],
    ),
    (
        "OrganisationUnit",
        "organisationUnits",
        1100,
        &[("parent", "OrganisationUnit", false, false)],
    ),
];

const PACKAGE: &str = "org.hisp.dhis.sim";

/// Plain properties every type of the in-memory server has.
const COMMON_PROPERTIES: &[&str] = &[
    "id",
    "name",
    "code",
    "shortName",
    "created",
    "lastUpdated",
    "valueType",
    "numerator",
    "denominator",
    "publicAccess",
    "externalAccess",
    "userGroupAccesses",
    "userAccesses",
    "user",
];

/// The `/api/schemas` document of [`TYPES`].
pub fn schemas_json() -> Value {
    let schemas: Vec<Value> = TYPES
        .iter()
        .map(|(klass, plural, order, references)| {
            let mut properties: Vec<Value> = COMMON_PROPERTIES
                .iter()
                .map(|name| json!({"name": name, "propertyType": "TEXT", "klass": "java.lang.String"}))
                .collect();
            for (key, target, collection, embedded) in references.iter() {
                let target = format!("{PACKAGE}.{target}");
                properties.push(if *collection {
                    json!({"name": key, "collectionName": key, "propertyType": "COLLECTION",
                        "klass": "java.util.List", "itemKlass": target, "owner": true,
                        "embeddedObject": embedded, "collection": true})
                } else {
                    json!({"name": key, "propertyType": "REFERENCE", "klass": target, "owner": true})
                });
            }
            let singular = plural.trim_end_matches('s');
            json!({"klass": format!("{PACKAGE}.{klass}"), "singular": singular, "plural": plural,
                "metadata": *order > 0, "embeddedObject": *order == 0, "order": order,
                "properties": properties})
        })
        .collect();
    json!({ "schemas": schemas })
}

/// The in-memory server.
pub struct MemoryServer {
    pub version: String,
    pub objects: RefCell<BTreeMap<String, HashMap<String, Value>>>,
    pub requests: Cell<usize>,
    /// Bodies of the imports received.
    pub imports: RefCell<Vec<Value>>,
    /// Time spent answering (to tell the server's share from the engine's).
    pub busy: Cell<Duration>,
    /// CPU time of this thread spent answering, when the OS reports it (Linux).
    pub busy_cpu: Cell<Duration>,
    /// Every GET answer given, by URL (for [`ReplayTransport`]).
    pub recorded: RefCell<HashMap<String, Vec<u8>>>,
}

impl MemoryServer {
    pub fn new(version: &str) -> Self {
        MemoryServer {
            version: version.to_string(),
            objects: RefCell::new(BTreeMap::new()),
            requests: Cell::new(0),
            imports: RefCell::new(Vec::new()),
            busy: Cell::new(Duration::ZERO),
            busy_cpu: Cell::new(Duration::ZERO),
            recorded: RefCell::new(HashMap::new()),
        }
    }

    pub fn insert(&self, plural: &str, object: Value) {
        if let Some(id) = object.get("id").and_then(Value::as_str) {
            self.objects
                .borrow_mut()
                .entry(plural.to_string())
                .or_default()
                .insert(id.to_string(), object.clone());
        }
    }

    fn answer(&self, request: &HttpRequest) -> Value {
        let path_and_query = request.url.split_once("/api/").map_or("", |(_, rest)| rest);
        let (path, query) = path_and_query
            .split_once('?')
            .unwrap_or((path_and_query, ""));
        let decoded = query.replace("%5B", "[").replace("%5D", "]");
        let filter = decoded
            .split('&')
            .find_map(|pair| pair.strip_prefix("filter="))
            .and_then(|f| f.split_once(":in:["))
            .map(|(property, ids)| {
                (
                    property.to_string(),
                    ids.trim_end_matches(']')
                        .split(',')
                        .map(str::to_string)
                        .collect::<Vec<_>>(),
                )
            });
        match (request.method, path) {
            (Method::Get, "system/info") => json!({"version": self.version}),
            (Method::Get, "schemas") => schemas_json(),
            (Method::Post, "metadata") => self.import(request),
            (Method::Get, "metadata") => {
                let by_name = decoded
                    .split('&')
                    .find_map(|pair| pair.strip_prefix("filter=name:eq:"));
                let mut body = Map::new();
                for (plural, objects) in self.objects.borrow().iter() {
                    let found = match by_name {
                        Some(name) => objects
                            .values()
                            .filter(|o| o["name"] == name)
                            .cloned()
                            .collect(),
                        None => select(objects, filter.as_ref()),
                    };
                    if !found.is_empty() {
                        body.insert(plural.clone(), Value::Array(found));
                    }
                }
                Value::Object(body)
            }
            (Method::Get, plural) => {
                let objects = self.objects.borrow();
                let found = objects
                    .get(plural)
                    .map(|objects| select(objects, filter.as_ref()))
                    .unwrap_or_default();
                json!({ plural: found })
            }
            _ => json!({}),
        }
    }

    fn import(&self, request: &HttpRequest) -> Value {
        let body: Value = request
            .body
            .as_deref()
            .and_then(|b| serde_json::from_slice(b).ok())
            .unwrap_or(Value::Null);
        let total: usize = body
            .as_object()
            .map(|m| m.values().filter_map(Value::as_array).map(Vec::len).sum())
            .unwrap_or(0);
        self.imports.borrow_mut().push(body);
        json!({"httpStatus": "OK", "httpStatusCode": 200, "status": "OK",
            "response": {"responseType": "ImportReport", "status": "OK",
                "stats": {"created": total, "updated": 0, "deleted": 0, "ignored": 0, "total": total},
                "typeReports": []}})
    }
}

fn select(objects: &HashMap<String, Value>, filter: Option<&(String, Vec<String>)>) -> Vec<Value> {
    let Some((property, ids)) = filter else {
        return objects.values().cloned().collect();
    };
    if property == "id" {
        return ids
            .iter()
            .filter_map(|id| objects.get(id).cloned())
            .collect();
    }
    let parent = property.trim_end_matches(".id");
    objects
        .values()
        .filter(|o| {
            o.get(parent)
                .and_then(|p| p.get("id"))
                .and_then(Value::as_str)
                .is_some_and(|id| ids.iter().any(|wanted| wanted == id))
        })
        .cloned()
        .collect()
}

impl Transport for MemoryServer {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let started = std::time::Instant::now();
        let started_cpu = thread_cpu_time();
        self.requests.set(self.requests.get() + 1);
        let mut answer = self.answer(&request);
        if request.url.contains("fields=:owner") {
            // Like DHIS2, `:owner` leaves out what is computed rather than stored.
            super::cleanup::strip_server_owned(&mut answer, false);
        }
        let body = serde_json::to_vec(&answer).unwrap_or_default();
        if request.method == Method::Get {
            self.recorded
                .borrow_mut()
                .insert(request.url.clone(), body.clone());
        }
        self.busy.set(self.busy.get() + started.elapsed());
        if let (Some(before), Some(after)) = (started_cpu, thread_cpu_time()) {
            self.busy_cpu
                .set(self.busy_cpu.get() + after.saturating_sub(before));
        }
        Ok(HttpResponse {
            status: 200,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body,
        })
    }
}

/// Runs a future whose awaits complete at once (the in-memory server never waits).
pub fn run_ready<F: std::future::Future>(future: F) -> F::Output {
    let mut future = std::pin::pin!(future);
    let mut context = std::task::Context::from_waker(std::task::Waker::noop());
    loop {
        if let std::task::Poll::Ready(output) = future.as_mut().poll(&mut context) {
            return output;
        }
    }
}

/// CPU time the current thread has run, from `/proc/thread-self/schedstat` (nanoseconds, Linux):
/// steadier than wall time on a machine shared with other work.
pub fn thread_cpu_time() -> Option<Duration> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let nanos: u64 = text.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(nanos))
}

/// Answers GET requests with what a [`MemoryServer`] answered before, so that timing the engine
/// does not time the server.
pub struct ReplayTransport {
    answers: HashMap<String, Vec<u8>>,
    pub requests: Cell<usize>,
}

impl ReplayTransport {
    pub fn of(server: &MemoryServer) -> Self {
        ReplayTransport {
            answers: server.recorded.borrow().clone(),
            requests: Cell::new(0),
        }
    }
}

impl Transport for ReplayTransport {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        self.requests.set(self.requests.get() + 1);
        match self.answers.get(&request.url) {
            Some(body) => Ok(HttpResponse {
                status: 200,
                headers: vec![("Content-Type".into(), "application/json".into())],
                body: body.clone(),
            }),
            None => Err(TransportError::Unreachable {
                url: request.url,
                reason: "not recorded".into(),
            }),
        }
    }
}
