//! The import engine shared by the old and the new tracker API: flattens a payload, checks
//! every object, applies the import strategy and commits (all or per object).

use super::validate::{
    check_enrollment, check_event, check_tracked_entity, OldFinding, TrackerError,
};
use super::TrackerStore;
use crate::data_values::dates::{format_no_zone, now_millis};
use crate::metadata::MetadataStore;
use serde_json::{json, Value};
use std::collections::HashSet;

/// The four tracker object types, in import order.
pub const TYPES: [(&str, &str, &str); 4] = [
    ("TRACKED_ENTITY", "trackedEntities", "trackedEntity"),
    ("ENROLLMENT", "enrollments", "enrollment"),
    ("EVENT", "events", "event"),
    ("RELATIONSHIP", "relationships", "relationship"),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strategy {
    Create,
    Update,
    CreateAndUpdate,
    Delete,
}

impl Strategy {
    pub fn parse(text: Option<&str>) -> Strategy {
        match text.map(|t| t.trim().to_ascii_uppercase()).as_deref() {
            Some("CREATE") | Some("NEW") => Strategy::Create,
            Some("UPDATE") | Some("UPDATES") => Strategy::Update,
            Some("DELETE") | Some("DELETES") => Strategy::Delete,
            _ => Strategy::CreateAndUpdate,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Created,
    Updated,
    Deleted,
    Ignored,
}

/// What happened to one object of the payload.
#[derive(Debug, Clone)]
pub struct ObjectResult {
    /// Index into `TYPES`.
    pub type_index: usize,
    pub uid: String,
    /// Position among the objects of its type in the flattened payload.
    pub index: usize,
    /// UID of the object that nested it in the payload (tracked entity or enrollment).
    pub parent: Option<String>,
    pub action: Action,
    pub errors: Vec<TrackerError>,
}

/// Objects of a payload, flattened, each with its nesting parent.
#[derive(Debug, Default)]
pub struct Bundle {
    pub objects: [Vec<(Value, Option<String>)>; 4],
}

fn text<'v>(object: &'v Value, key: &str) -> Option<&'v str> {
    object
        .get(key)
        .and_then(Value::as_str)
        .filter(|t| !t.is_empty())
}

impl Bundle {
    /// Flattens a new-form payload (`trackedEntities[].enrollments[].events[]` or flat lists),
    /// giving objects without a UID a fresh one.
    pub fn flatten(payload: &Value, store: &mut TrackerStore) -> Bundle {
        let mut bundle = Bundle::default();
        for (index, (_, plural, _)) in TYPES.iter().enumerate() {
            for object in payload
                .get(*plural)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                bundle.push(index, object.clone(), None, store);
            }
        }
        bundle
    }

    fn push(
        &mut self,
        type_index: usize,
        mut object: Value,
        parent: Option<(&str, String)>,
        store: &mut TrackerStore,
    ) {
        let id_key = TYPES[type_index].2;
        if text(&object, id_key).is_none() {
            object[id_key] = json!(store.generate_uid());
        }
        let uid = text(&object, id_key).unwrap_or("").to_string();
        if let Some((key, value)) = &parent {
            if text(&object, key).is_none() {
                object[*key] = json!(value);
            }
        }
        let parent_uid = parent.map(|(_, value)| value);
        // Relationships nested in an entity, enrollment or event are imported as top-level
        // ones (they name both their ends).
        let nested_relationships = if type_index < 3 {
            take(&mut object, "relationships")
        } else {
            Vec::new()
        };
        let children: Vec<(usize, Value, &str)> = match type_index {
            0 => take(&mut object, "enrollments")
                .into_iter()
                .map(|c| (1, c, "trackedEntity"))
                .collect(),
            1 => take(&mut object, "events")
                .into_iter()
                .map(|c| (2, c, "enrollment"))
                .collect(),
            _ => Vec::new(),
        };
        let program = text(&object, "program").map(str::to_string);
        let tracked_entity = text(&object, "trackedEntity").map(str::to_string);
        self.objects[type_index].push((object, parent_uid));
        for (child_type, mut child, key) in children {
            if child_type == 2 {
                if let (Some(program), None) = (&program, text(&child, "program")) {
                    child["program"] = json!(program);
                }
                if let (Some(owner), None) = (&tracked_entity, text(&child, "trackedEntity")) {
                    child["trackedEntity"] = json!(owner);
                }
            }
            self.push(child_type, child, Some((key, uid.clone())), store);
        }
        for relationship in nested_relationships {
            let id = text(&relationship, "relationship").map(str::to_string);
            let known = id.as_ref().is_some_and(|id| {
                self.objects[3]
                    .iter()
                    .any(|(r, _)| text(r, "relationship") == Some(id.as_str()))
            });
            if !known {
                self.push(3, relationship, None, store);
            }
        }
    }
}

fn take(object: &mut Value, key: &str) -> Vec<Value> {
    match object.as_object_mut().and_then(|map| map.remove(key)) {
        Some(Value::Array(items)) => items,
        _ => Vec::new(),
    }
}

fn existence_error(type_index: usize, uid: &str, exists: bool) -> TrackerError {
    let (tracker_type, name) = (
        TYPES[type_index].0,
        ["TrackedEntity", "Enrollment", "Event", "Relationship"][type_index],
    );
    let (code, message) = match (type_index, exists) {
        (0, true) => ("E1002", format!("TrackedEntity: `{uid}`, already exists.")),
        (0, false) => ("E1063", format!("TrackedEntity: `{uid}`, does not exist.")),
        (1, true) => ("E1080", format!("Enrollment: `{uid}`, already exists.")),
        (1, false) => ("E1081", format!("Enrollment: `{uid}`, does not exist.")),
        (2, true) => ("E1030", format!("Event: `{uid}`, already exists.")),
        (2, false) => ("E1032", format!("Event: `{uid}`, does not exist.")),
        (_, true) => ("E4015", format!("Relationship: `{uid}`, already exists.")),
        (_, false) => ("E4016", format!("Relationship: `{uid}`, does not exist.")),
    };
    let old = if exists {
        format!("{name} {uid} already exists")
    } else {
        format!("{name} {uid} does not exist")
    };
    TrackerError {
        code,
        message,
        tracker_type,
        uid: uid.to_string(),
        old: OldFinding::Description(old),
    }
}

/// Validates and (when `commit`) applies a bundle. With `atomic_all`, one error anywhere
/// means nothing is written and every object is ignored.
pub fn apply(
    store: &mut TrackerStore,
    metadata: &MetadataStore,
    bundle: Bundle,
    strategy: Strategy,
    atomic_all: bool,
    commit: bool,
) -> Vec<ObjectResult> {
    let mut results = Vec::new();
    let mut valid: [HashSet<String>; 4] = Default::default();
    for (type_index, objects) in bundle.objects.iter().enumerate() {
        for (index, (object, parent)) in objects.iter().enumerate() {
            let uid = text(object, TYPES[type_index].2).unwrap_or("").to_string();
            let exists = store.collection(type_index).contains_key(&uid);
            let mut errors = match (strategy, exists) {
                (Strategy::Create, true) => vec![existence_error(type_index, &uid, true)],
                (Strategy::Update | Strategy::Delete, false) => {
                    vec![existence_error(type_index, &uid, false)]
                }
                _ => Vec::new(),
            };
            if errors.is_empty() && strategy != Strategy::Delete {
                errors = match type_index {
                    0 => check_tracked_entity(metadata, object),
                    1 => {
                        let owner = text(object, "trackedEntity").unwrap_or("");
                        let known =
                            valid[0].contains(owner) || store.tracked_entities.contains_key(owner);
                        check_enrollment(metadata, object, known)
                    }
                    2 => {
                        let enrollment = text(object, "enrollment").unwrap_or("");
                        let known = valid[1].contains(enrollment)
                            || store.enrollments.contains_key(enrollment);
                        check_event(metadata, object, known)
                    }
                    _ => check_relationship(metadata, object),
                };
            }
            let action = match (errors.is_empty(), strategy, exists) {
                (false, _, _) => Action::Ignored,
                (true, Strategy::Delete, _) => Action::Deleted,
                (true, _, true) => Action::Updated,
                (true, _, false) => Action::Created,
            };
            if errors.is_empty() {
                valid[type_index].insert(uid.clone());
            }
            results.push(ObjectResult {
                type_index,
                uid,
                index,
                parent: parent.clone(),
                action,
                errors,
            });
        }
    }
    let failed = results.iter().any(|r| !r.errors.is_empty());
    if atomic_all && failed {
        for result in &mut results {
            result.action = Action::Ignored;
        }
    }
    if commit {
        let now = format_no_zone(now_millis());
        let mut objects = bundle.objects;
        for result in &results {
            let (object, _) = &mut objects[result.type_index][result.index];
            match result.action {
                Action::Ignored => {}
                Action::Deleted => {
                    store.collection_mut(result.type_index).remove(&result.uid);
                }
                Action::Created | Action::Updated => {
                    let created = store
                        .collection(result.type_index)
                        .get(&result.uid)
                        .and_then(|old| old.get("createdAt").cloned())
                        .unwrap_or_else(|| json!(now));
                    object["createdAt"] = created;
                    object["updatedAt"] = json!(now);
                    let stored = std::mem::take(object);
                    store
                        .collection_mut(result.type_index)
                        .insert(result.uid.clone(), stored);
                }
            }
        }
    }
    results
}

fn check_relationship(metadata: &MetadataStore, relationship: &Value) -> Vec<TrackerError> {
    let uid = text(relationship, "relationship").unwrap_or("");
    let type_id = text(relationship, "relationshipType").unwrap_or("");
    if metadata.get("relationshipTypes", type_id).is_some() {
        return Vec::new();
    }
    vec![TrackerError {
        code: "E4006",
        message: format!("Could not find `RelationshipType`: `{type_id}`."),
        tracker_type: "RELATIONSHIP",
        uid: uid.to_string(),
        old: OldFinding::Description(format!("Invalid relationship type {type_id}")),
    }]
}
