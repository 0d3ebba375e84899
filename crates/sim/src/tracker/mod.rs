//! Events and tracker: the old `/api/events`, `/api/trackedEntityInstances`, `/api/enrollments`
//! (2.30–2.41, gone in 2.42) and the new `/api/tracker` (2.36+), over one store.

mod access;
mod bundle;
pub mod convert;
mod filter;
mod jobs;
mod new_export;
mod new_import;
mod old_api;
mod ownership;
mod paging;
pub mod validate;

use crate::metadata::MetadataStore;
use crate::{RequestContext, SimResponse};
use serde_json::Value;
use std::collections::BTreeMap;

/// Events, tracked entities, enrollments and relationships of one simulated instance, in the
/// new tracker's property names (`occurredAt`, `trackedEntity`, …), stored flat.
#[derive(Debug, Default)]
pub struct TrackerStore {
    tracked_entities: BTreeMap<String, Value>,
    enrollments: BTreeMap<String, Value>,
    events: BTreeMap<String, Value>,
    relationships: BTreeMap<String, Value>,
    /// `/api/tracker` jobs by id.
    jobs: BTreeMap<String, jobs::TrackerJob>,
    /// Owners set by ownership transfers, by (tracked entity, program).
    owners: BTreeMap<(String, String), String>,
    /// Temporary owners granted by `/api/tracker/ownership/override`.
    temp_owners: Vec<ownership::TempOwner>,
    generated: u64,
}

impl TrackerStore {
    pub fn new() -> Self {
        TrackerStore::default()
    }

    /// Answers the tracker endpoints of this version; `None` for other paths (and for the
    /// old endpoints on 2.42, which DHIS2 removed, and `/api/tracker` before 2.36).
    pub fn handle(
        &mut self,
        ctx: &RequestContext,
        metadata: &mut MetadataStore,
    ) -> Option<SimResponse> {
        let first = ctx.segments.first()?.as_str();
        let first = first.strip_suffix(".json").unwrap_or(first);
        if first == "tracker" && ctx.segments.get(1).map(String::as_str) == Some("ownership") {
            return ownership::handle(self, ctx, metadata);
        }
        match first {
            "events" | "trackedEntityInstances" | "enrollments" | "relationships"
                if ctx.version.minor <= 41 =>
            {
                old_api::handle(self, ctx, metadata)
            }
            "tracker" if ctx.version.minor >= 36 => match (ctx.method, ctx.segments.len()) {
                ("POST", 1) => Some(new_import::post(self, ctx, metadata)),
                ("GET", _) if ctx.segments.get(1).map(String::as_str) == Some("jobs") => {
                    new_import::job(self, ctx)
                }
                ("GET", 2) => new_export::list(self, ctx, metadata),
                ("GET", 3) => new_export::one(self, ctx),
                _ => None,
            },
            _ => None,
        }
    }

    /// Stores a tracked entity (new form, no nested enrollments) without validation: seeds.
    pub fn insert_tracked_entity(&mut self, entity: Value) {
        if let Some(uid) = entity.get("trackedEntity").and_then(Value::as_str) {
            self.tracked_entities.insert(uid.to_string(), entity);
        }
    }

    /// Stores an enrollment (new form, no nested events) without validation: seeds.
    pub fn insert_enrollment(&mut self, enrollment: Value) {
        if let Some(uid) = enrollment.get("enrollment").and_then(Value::as_str) {
            self.enrollments.insert(uid.to_string(), enrollment);
        }
    }

    /// Stores an event (new form) without validation: seeds.
    pub fn insert_event(&mut self, event: Value) {
        if let Some(uid) = event.get("event").and_then(Value::as_str) {
            self.events.insert(uid.to_string(), event);
        }
    }

    /// Stores a relationship (store form: `from`/`to` as `{"trackedEntity": id}`) without
    /// validation: seeds and tests.
    pub fn insert_relationship(&mut self, relationship: Value) {
        if let Some(uid) = relationship.get("relationship").and_then(Value::as_str) {
            self.relationships.insert(uid.to_string(), relationship);
        }
    }

    /// Every stored relationship.
    pub fn relationships(&self) -> impl Iterator<Item = &Value> {
        self.relationships.values()
    }

    /// Removes every event, tracked entity, enrollment and relationship (an empty destination
    /// with the same metadata).
    pub fn clear(&mut self) {
        self.tracked_entities.clear();
        self.enrollments.clear();
        self.events.clear();
        self.relationships.clear();
        self.owners.clear();
        self.temp_owners.clear();
    }

    pub fn event_count(&self) -> usize {
        self.events.len()
    }

    pub fn tracked_entity_count(&self) -> usize {
        self.tracked_entities.len()
    }

    pub fn enrollment_count(&self) -> usize {
        self.enrollments.len()
    }

    /// Every stored event (new form).
    pub fn events(&self) -> impl Iterator<Item = &Value> {
        self.events.values()
    }

    /// Every stored tracked entity (new form, without enrollments).
    pub fn tracked_entities(&self) -> impl Iterator<Item = &Value> {
        self.tracked_entities.values()
    }

    /// Every stored enrollment (new form, without events).
    pub fn enrollments(&self) -> impl Iterator<Item = &Value> {
        self.enrollments.values()
    }

    fn collection(&self, type_index: usize) -> &BTreeMap<String, Value> {
        match type_index {
            0 => &self.tracked_entities,
            1 => &self.enrollments,
            2 => &self.events,
            _ => &self.relationships,
        }
    }

    fn collection_mut(&mut self, type_index: usize) -> &mut BTreeMap<String, Value> {
        match type_index {
            0 => &mut self.tracked_entities,
            1 => &mut self.enrollments,
            2 => &mut self.events,
            _ => &mut self.relationships,
        }
    }

    /// A fresh UID for objects posted without one (deterministic per store).
    fn generate_uid(&mut self) -> String {
        self.generated += 1;
        let salt = self.events.len() + self.tracked_entities.len() + self.jobs.len();
        crate::seed::rng::uid(&format!("tracker-generated:{}:{salt}", self.generated))
    }
}
