//! The import engine shared by the old and the new tracker API: flattens a payload, checks
//! every object, applies the import strategy and commits (all or per object).

use super::access::{self, Importer, Intent, Scope};
use super::validate::{
    check_enrollment, check_event, check_tracked_entity, object_arg, OldFinding, TrackerError,
};
use super::TrackerStore;
use crate::data_values::dates::{format_no_zone, now_millis};
use crate::metadata::MetadataStore;
use serde_json::{json, Value};
use std::collections::{HashMap, HashSet};

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
    importer: Importer,
    bundle: Bundle,
    strategy: Strategy,
    atomic_all: bool,
    commit: bool,
) -> Vec<ObjectResult> {
    let mut results = Vec::new();
    let mut valid: [HashSet<String>; 4] = Default::default();
    let scope = Scope {
        metadata,
        store: &*store,
        payload_entities: uid_map(&bundle.objects[0], "trackedEntity"),
        payload_enrollments: uid_map(&bundle.objects[1], "enrollment"),
    };
    for (type_index, objects) in bundle.objects.iter().enumerate() {
        for (index, (object, parent)) in objects.iter().enumerate() {
            let uid = text(object, TYPES[type_index].2).unwrap_or("").to_string();
            let stored = scope.store.collection(type_index).get(&uid);
            let exists = stored.is_some();
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
                        let known = valid[0].contains(owner)
                            || scope.store.tracked_entities.contains_key(owner);
                        let mut errors =
                            check_enrollment(metadata, importer.version, object, known);
                        errors.extend(relation_errors(importer, &scope, object));
                        errors
                    }
                    2 => {
                        let enrollment = text(object, "enrollment").unwrap_or("");
                        let known = valid[1].contains(enrollment)
                            || scope.store.enrollments.contains_key(enrollment);
                        check_event(metadata, importer.version, object, known)
                    }
                    _ => {
                        let mut errors = check_relationship(metadata, object);
                        if errors.is_empty() && !importer.old_api {
                            errors = relationship_ends(&scope, &valid, object);
                        }
                        errors
                    }
                };
            }
            // Access: the new importer reports every finding; the old importers stop at the
            // first failed check, so they look at access only when the rest passed.
            if type_index < 3 && (errors.is_empty() || !importer.old_api) {
                let intent = match (strategy, exists) {
                    (Strategy::Delete, _) => Intent::Delete,
                    (_, true) => Intent::Update,
                    _ => Intent::Create,
                };
                let creating_twice = matches!((strategy, exists), (Strategy::Create, true));
                let missing = matches!(
                    (strategy, exists),
                    (Strategy::Update | Strategy::Delete, false)
                );
                if !creating_twice && !missing {
                    let check =
                        [access::tracked_entity, access::enrollment, access::event][type_index];
                    errors.extend(check(importer, &scope, object, stored, intent));
                }
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
    drop(scope);
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

/// The objects of one type in a payload, by UID.
fn uid_map<'b>(objects: &'b [(Value, Option<String>)], key: &str) -> HashMap<&'b str, &'b Value> {
    objects
        .iter()
        .filter_map(|(object, _)| text(object, key).map(|uid| (uid, object)))
        .collect()
}

/// How an enrollment relates to its program and tracked entity: a program without
/// registration takes no enrollment (E1014, new importer), and the entity's type must be the
/// program's (E1022; the old importer says "Tracked entity instance must have same tracked
/// entity as program").
fn relation_errors(importer: Importer, scope: &Scope, enrollment: &Value) -> Vec<TrackerError> {
    let uid = text(enrollment, "enrollment").unwrap_or("");
    let program_id = text(enrollment, "program").unwrap_or("");
    let Some(program) = scope.metadata.get("programs", program_id) else {
        return Vec::new();
    };
    let error = |code: &'static str, message: String, old: String| TrackerError {
        code,
        message,
        tracker_type: "ENROLLMENT",
        uid: uid.to_string(),
        old: OldFinding::Description(old),
    };
    if text(program, "programType") != Some("WITH_REGISTRATION") {
        if importer.old_api {
            return Vec::new();
        }
        return vec![error(
            "E1014",
            format!("Provided Program: `{}`, is a Program without registration. An Enrollment cannot be created into Program without registration.", object_arg(importer.version, "Program", program_id)),
            String::new(),
        )];
    }
    let wanted = program
        .get("trackedEntityType")
        .and_then(crate::data_values::meta::uid_of);
    let entity_id = text(enrollment, "trackedEntity").unwrap_or("");
    let payload_entity = scope.payload_entities.get(entity_id).copied();
    let stored_entity = scope.store.tracked_entities.get(entity_id);
    let actual = payload_entity
        .or(stored_entity)
        .and_then(|entity| text(entity, "trackedEntityType"));
    // E1018: every mandatory program attribute has a value, in the enrollment or on the
    // entity (payload or stored), as the enrollment `AttributeValidator` merges them.
    let mut errors = Vec::new();
    let has_value = |object: Option<&Value>, attribute: &str| {
        object
            .and_then(|o| o.get("attributes"))
            .and_then(Value::as_array)
            .is_some_and(|values| {
                values
                    .iter()
                    .any(|v| text(v, "attribute") == Some(attribute) && text(v, "value").is_some())
            })
    };
    for attribute in program
        .get("programTrackedEntityAttributes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|a| a.get("mandatory").and_then(Value::as_bool) == Some(true))
        .filter_map(|a| {
            a.get("trackedEntityAttribute")
                .and_then(crate::data_values::meta::uid_of)
        })
    {
        if [Some(enrollment), payload_entity, stored_entity]
            .into_iter()
            .any(|object| has_value(object, &attribute))
        {
            continue;
        }
        errors.push(TrackerError {
            code: "E1018",
            message: format!("Attribute: `{attribute}`, is mandatory in program `{}` but not declared in enrollment `{uid}`.", object_arg(importer.version, "Program", program_id)),
            tracker_type: "ENROLLMENT",
            uid: uid.to_string(),
            old: OldFinding::Conflict(
                "Attribute.attribute".to_string(),
                format!("Missing mandatory attribute {attribute}"),
            ),
        });
    }
    match (wanted.as_deref(), actual) {
        (Some(wanted), Some(actual)) if wanted != actual => {
            let name = if importer.version.minor >= 41 {
                "TrackedEntity"
            } else {
                "TrackedEntityInstance"
            };
            errors.push(error(
                "E1022",
                format!(
                    "{name}: `{entity_id}`, must have same TrackedEntityType as Program `{}`.",
                    object_arg(importer.version, "Program", program_id)
                ),
                format!("Tracked entity instance must have same tracked entity as program: {program_id}"),
            ));
        }
        _ => {}
    }
    errors
}

/// E4012: both ends of a relationship must exist, stored or valid in the payload
/// (`relationship/LinkValidator`… `ExistenceValidator` of the new importer). An end is
/// `{"trackedEntity": "uid"}` (2.36–2.40) or `{"trackedEntity": {"trackedEntity": "uid"}}`
/// (2.41+), and likewise for `enrollment` and `event`.
fn relationship_ends(
    scope: &Scope,
    valid: &[HashSet<String>; 4],
    relationship: &Value,
) -> Vec<TrackerError> {
    let uid = text(relationship, "relationship").unwrap_or("");
    let mut errors = Vec::new();
    for side in ["from", "to"] {
        let Some(end) = relationship.get(side) else {
            continue;
        };
        for (type_index, key) in [(0, "trackedEntity"), (1, "enrollment"), (2, "event")] {
            let id = match end.get(key) {
                Some(Value::String(id)) => id.as_str(),
                Some(Value::Object(inner)) => {
                    inner.get(key).and_then(Value::as_str).unwrap_or_default()
                }
                _ => continue,
            };
            if valid[type_index].contains(id) || scope.store.collection(type_index).contains_key(id)
            {
                continue;
            }
            errors.push(TrackerError {
                code: "E4012",
                message: format!("Could not find `{key}`: `{id}`, linked to relationship."),
                tracker_type: "RELATIONSHIP",
                uid: uid.to_string(),
                old: OldFinding::Description(String::new()),
            });
        }
    }
    errors
}
