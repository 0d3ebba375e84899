//! Metadata API of the simulator: schemas, the object store, list/one endpoints, metadata
//! export and import, sharing, deleted objects and async job tasks.

mod computed;
mod defaults;
mod deleted;
mod deletion;
mod export;
pub mod fields;
pub mod filter;
mod identifiable;
mod import;
mod inverse;
mod list;
mod message;
mod org_units;
pub mod schema;
mod sharing;
mod sharing_model;
mod store;
mod tasks;

use crate::{Account, RequestContext, SimResponse, SimVersion};
use schema::Catalog;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};

pub use import::{ImportOptions, ImportOutcome, Stats as ImportStats};
pub use tasks::JobBehaviour;

/// All metadata objects of one simulated instance, by plural name and UID.
#[derive(Debug, Clone)]
pub struct MetadataStore {
    version: SimVersion,
    catalog: Catalog,
    /// plural → uid → stored object (canonical form: references as `{id}`, sharing in `sharing`).
    objects: HashMap<String, BTreeMap<String, Value>>,
    deleted: Vec<Value>,
    tasks: tasks::Tasks,
    system_id: String,
}

impl MetadataStore {
    /// A store with DHIS2's default category objects and the users, roles and groups of
    /// `accounts`.
    pub fn new(version: SimVersion, accounts: &[Account]) -> Self {
        let mut store = MetadataStore {
            version,
            catalog: Catalog::for_version(version),
            objects: HashMap::new(),
            deleted: Vec::new(),
            tasks: tasks::Tasks::default(),
            system_id: crate::uid::generate_uid(),
        };
        defaults::add_default_categories(&mut store);
        defaults::add_accounts(&mut store, accounts);
        store
    }

    pub fn version(&self) -> SimVersion {
        self.version
    }

    /// The schemas of this version (what `/api/schemas` serves).
    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// Serves the metadata endpoints; `None` for paths that are not metadata.
    pub fn handle(&mut self, ctx: &RequestContext) -> Option<SimResponse> {
        let segments: Vec<&str> = ctx
            .segments
            .iter()
            .map(|segment| segment.strip_suffix(".json").unwrap_or(segment))
            .collect();
        let method = ctx.method.to_ascii_uppercase();
        match (method.as_str(), segments.as_slice()) {
            ("GET", ["schemas"]) => Some(self.schemas_response(ctx)),
            ("GET", ["schemas", name]) => Some(self.schema_response(ctx, name)),
            ("GET", ["metadata"]) if !ctx.user.has_authority("F_METADATA_EXPORT") => Some(
                message::respond(403, "Access is denied", None, self.version),
            ),
            ("GET", ["metadata"]) => Some(export::export_response(self, ctx)),
            // No authority guards the import itself: each object needs its type's authorities
            // (`SecurityCheck`); `F_METADATA_IMPORT` only opens the Import/Export app.
            ("POST", ["metadata"]) => Some(import::import_response(self, ctx)),
            ("GET", ["deletedObjects"]) => Some(deleted::list_response(self, ctx)),
            (_, ["sharing"]) => sharing::handle(self, ctx, &method),
            (_, ["identifiableObjects", id]) => Some(identifiable::handle(self, ctx, &method, id)),
            ("GET", ["system", "tasks", job_type]) => Some(self.tasks.all_response(job_type)),
            ("GET", ["system", "tasks", job_type, id]) => {
                Some(self.tasks.notifications_response(job_type, id))
            }
            ("GET", ["system", "taskSummaries", job_type, id]) => {
                Some(self.tasks.summary_response(job_type, id))
            }
            (_, [plural, rest @ ..]) if self.serves_endpoint(plural) => {
                list::handle(self, ctx, &method, plural, rest)
            }
            _ => None,
        }
    }

    fn serves_endpoint(&self, plural: &str) -> bool {
        self.catalog
            .by_plural(plural)
            .is_some_and(|schema| schema.metadata && schema.identifiable)
    }

    /// `/api/schemas[?fields=…]`.
    fn schemas_response(&self, ctx: &RequestContext) -> SimResponse {
        let mut document = self.catalog.to_json(ctx.base_url);
        let fields_text = ctx.query.all("fields").join(",");
        if !fields_text.is_empty() {
            let resolve = |_: &schema::Schema, _: &str| None;
            let filter = fields::FieldFilter {
                catalog: &self.catalog,
                resolve: &resolve,
            };
            let parsed = fields::parse(&fields_text);
            if let Some(Value::Array(schemas)) = document.get_mut("schemas") {
                for schema in schemas.iter_mut() {
                    *schema = filter.apply(&parsed, schema, None);
                }
            }
        }
        SimResponse::json(200, &document)
    }

    fn schema_response(&self, ctx: &RequestContext, name: &str) -> SimResponse {
        let schema = self
            .catalog
            .by_singular(name)
            .or_else(|| self.catalog.by_plural(name));
        match schema {
            Some(schema) => {
                let rendered = self
                    .catalog
                    .to_json(ctx.base_url)
                    .get("schemas")
                    .and_then(Value::as_array)
                    .and_then(|all| {
                        all.iter()
                            .find(|s| s.get("klass").and_then(Value::as_str) == Some(&schema.klass))
                            .cloned()
                    })
                    .unwrap_or(Value::Null);
                SimResponse::json(200, &rendered)
            }
            None => message::not_found(self.version, &format!("Type {name} does not exist.")),
        }
    }

    /// Inserts (or replaces) an object without reference checks, as the seed does; sets
    /// `created`/`lastUpdated` when missing and normalizes sharing and references. Sharing may
    /// be given in either form in every version.
    pub fn insert(&mut self, plural: &str, mut object: Value) -> Result<(), String> {
        let shareable = self.catalog.by_plural(plural).is_some_and(|s| s.shareable);
        if shareable && !self.version.at_least(36, 0) {
            if let Value::Object(map) = &mut object {
                sharing_model::sharing_to_legacy(map);
            }
        }
        self.insert_object(plural, object, None)
    }

    pub fn get(&self, plural: &str, id: &str) -> Option<&Value> {
        self.objects.get(plural)?.get(id)
    }

    pub fn list(&self, plural: &str) -> Vec<&Value> {
        self.objects
            .get(plural)
            .map(|objects| objects.values().collect())
            .unwrap_or_default()
    }

    pub fn find_by_code(&self, plural: &str, code: &str) -> Option<&Value> {
        self.objects
            .get(plural)?
            .values()
            .find(|object| object.get("code").and_then(Value::as_str) == Some(code))
    }

    /// How asynchronous jobs started from now on behave (polls before done, failure).
    pub fn set_job_behaviour(&mut self, behaviour: JobBehaviour) {
        self.tasks.set_behaviour(behaviour);
    }

    pub fn job_behaviour(&self) -> JobBehaviour {
        self.tasks.behaviour().clone()
    }

    /// Registers a finished asynchronous job of `job_type` (e.g. `DATAVALUE_IMPORT`) whose
    /// summary is `summary`, and returns the job-configuration response body of this version.
    pub fn add_task(&mut self, job_type: &str, summary: Value) -> Value {
        self.tasks.add(self.version, job_type, summary)
    }

    /// Imports a metadata payload as `POST /api/metadata` does and returns the raw import
    /// report (the DHIS2 `ImportReport` object, before version-specific wrapping).
    pub fn import_metadata(
        &mut self,
        user: &Account,
        payload: &Value,
        options: &ImportOptions,
    ) -> ImportOutcome {
        import::run(self, user, payload, options)
    }

    fn collection(&self, plural: &str) -> Option<&BTreeMap<String, Value>> {
        self.objects.get(plural)
    }
}
