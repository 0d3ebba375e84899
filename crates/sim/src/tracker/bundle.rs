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
                    0 => {
                        let mut errors = check_tracked_entity(metadata, object);
                        if !importer.old_api {
                            errors.extend(mandatory_type_attributes(importer, &scope, object));
                        }
                        errors.extend(unique_attribute_errors(&scope, object, 0));
                        errors
                    }
                    1 => {
                        let owner = text(object, "trackedEntity").unwrap_or("");
                        let known = valid[0].contains(owner)
                            || scope.store.tracked_entities.contains_key(owner);
                        let mut errors =
                            check_enrollment(metadata, importer.version, object, known);
                        errors.extend(relation_errors(importer, &scope, object));
                        errors.extend(unique_attribute_errors(&scope, object, 1));
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
                            errors = relationship_ends(importer, &scope, &valid, &bundle, object);
                        } else if errors.is_empty() {
                            errors =
                                old_relationship_checks(importer, &scope, &valid, &bundle, object);
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

/// The ends of a relationship against its type's constraints (`RelationshipsValidationHook`,
/// 2.36–2.39; `relationship/ConstraintValidator`, 2.40+): each side must name the kind of
/// object its constraint wants (E4010: "requires a trackedEntity but a event was found"; the
/// first argument is the side, `from` or `to`, as DHIS2 passes it), that object must exist,
/// stored or valid in the payload (E4012), and a tracked entity must have the constraint's
/// type (E4014). An end is `{"trackedEntity": "uid"}` (2.36–2.40) or
/// `{"trackedEntity": {"trackedEntity": "uid"}}` (2.41+), and likewise for `enrollment` and
/// `event`. The messages' capitals changed in 2.40 ("Relationship Type" → "Relationship type").
fn relationship_ends(
    importer: Importer,
    scope: &Scope,
    valid: &[HashSet<String>; 4],
    bundle: &Bundle,
    relationship: &Value,
) -> Vec<TrackerError> {
    let uid = text(relationship, "relationship").unwrap_or("");
    let type_id = text(relationship, "relationshipType").unwrap_or("");
    let relationship_type = scope.metadata.get("relationshipTypes", type_id);
    let early = importer.version.minor <= 39;
    let mut errors = Vec::new();
    let mut push = |code: &'static str, message: String| {
        errors.push(TrackerError {
            code,
            message,
            tracker_type: "RELATIONSHIP",
            uid: uid.to_string(),
            old: OldFinding::Description(String::new()),
        })
    };
    const KINDS: [(usize, &str, &str); 3] = [
        (0, "trackedEntity", "TRACKED_ENTITY_INSTANCE"),
        (1, "enrollment", "PROGRAM_INSTANCE"),
        (2, "event", "PROGRAM_STAGE_INSTANCE"),
    ];
    for side in ["from", "to"] {
        let Some(end) = relationship.get(side) else {
            continue;
        };
        let named: Vec<(usize, &str, String)> = KINDS
            .iter()
            .filter_map(|&(type_index, key, _)| {
                let id = match end.get(key) {
                    Some(Value::String(id)) => id.clone(),
                    Some(Value::Object(inner)) => inner
                        .get(key)
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_string(),
                    _ => return None,
                };
                Some((type_index, key, id))
            })
            .collect();
        let constraint = relationship_type.and_then(|t| t.get(format!("{side}Constraint")));
        let wanted = constraint
            .and_then(|c| text(c, "relationshipEntity"))
            .and_then(|entity| KINDS.iter().find(|(_, _, name)| *name == entity));
        let Some(&(wanted_index, wanted_key, _)) = wanted else {
            continue;
        };
        let Some((_, _, id)) = named.iter().find(|(index, _, _)| *index == wanted_index) else {
            let found = named.first().map(|(_, key, _)| *key).unwrap_or("null");
            let lead = if early {
                "Relationship Type"
            } else {
                "Relationship type"
            };
            push(
                "E4010",
                format!(
                    "{lead} `{side}` constraint requires a {wanted_key} but a {found} was found."
                ),
            );
            continue;
        };
        let in_payload = valid[wanted_index].contains(id.as_str());
        let stored = scope.store.collection(wanted_index).get(id.as_str());
        if !in_payload && stored.is_none() {
            let linked = if early {
                "Relationship"
            } else {
                "relationship"
            };
            push(
                "E4012",
                format!("Could not find `{wanted_key}`: `{id}`, linked to {linked}."),
            );
            continue;
        }
        if wanted_index != 0 {
            continue;
        }
        let required = constraint
            .and_then(|c| c.get("trackedEntityType"))
            .and_then(crate::data_values::meta::uid_of);
        let actual = bundle.objects[0]
            .iter()
            .map(|(object, _)| object)
            .find(|object| text(object, "trackedEntity") == Some(id.as_str()))
            .or(stored)
            .and_then(|entity| text(entity, "trackedEntityType"));
        if let (Some(required), Some(actual)) = (required, actual) {
            if required != actual {
                let message = if early {
                    format!("Relationship Type `{side}` constraint requires a Tracked Entity having type `{required}` but `{actual}` was found.")
                } else {
                    format!("Relationship type `{side}` constraint requires a tracked entity having type `{required}` but `{actual}` was found.")
                };
                push("E4014", message);
            }
        }
    }
    errors
}

/// E1090: every attribute the tracked entity type marks mandatory is named in the payload's
/// attributes (`TrackedEntityAttributeValidationHook`, 2.36–2.39; `trackedentity/
/// AttributeValidator`, 2.40+), or, from 2.42 (`ValidationUtils.getTrackedEntityAttributes`),
/// among the stored entity's attributes too. The new importer only: the old one never checks
/// the type's mandatory attributes.
fn mandatory_type_attributes(
    importer: Importer,
    scope: &Scope,
    entity: &Value,
) -> Vec<TrackerError> {
    let uid = text(entity, "trackedEntity").unwrap_or("");
    let type_id = text(entity, "trackedEntityType").unwrap_or("");
    let Some(entity_type) = scope.metadata.get("trackedEntityTypes", type_id) else {
        return Vec::new();
    };
    let named = |object: Option<&Value>, attribute: &str| {
        object
            .and_then(|o| o.get("attributes"))
            .and_then(Value::as_array)
            .is_some_and(|list| list.iter().any(|a| text(a, "attribute") == Some(attribute)))
    };
    let stored = if importer.version.minor >= 42 {
        scope.store.tracked_entities.get(uid)
    } else {
        None
    };
    entity_type
        .get("trackedEntityTypeAttributes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|a| a.get("mandatory").and_then(Value::as_bool) == Some(true))
        .filter_map(|a| a.get("trackedEntityAttribute").and_then(crate::data_values::meta::uid_of))
        .filter(|attribute| !named(Some(entity), attribute) && !named(stored, attribute))
        .map(|attribute| TrackerError {
            code: "E1090",
            message: format!("Attribute: `{attribute}`, is mandatory in tracked entity type `{type_id}` but not declared in tracked entity `{uid}`."),
            tracker_type: "TRACKED_ENTITY",
            uid: uid.to_string(),
            old: OldFinding::Description(String::new()),
        })
        .collect()
}

/// E1064: a value of a unique attribute (`unique: true`) held by another stored tracked entity
/// — within the same org unit when the attribute is unique per org unit (`orgunitScope`) —
/// is refused (`AttributeValidationHook.validateAttributeUniqueness`, 2.36+; the old importer's
/// `TrackedEntityAttributeService.validateAttributeUniquenessWithinScope` conflict
/// `Attribute.value`: "Non-unique attribute value 'v' for attribute uid"). Checked on tracked
/// entities (`type_index` 0) and on enrollments' attributes (1, against their entity).
fn unique_attribute_errors(scope: &Scope, object: &Value, type_index: usize) -> Vec<TrackerError> {
    let (tracker_type, id_key) = if type_index == 0 {
        ("TRACKED_ENTITY", "trackedEntity")
    } else {
        ("ENROLLMENT", "enrollment")
    };
    let uid = text(object, id_key).unwrap_or("");
    let owner = text(object, "trackedEntity").unwrap_or("");
    let unit = if type_index == 0 {
        text(object, "orgUnit")
    } else {
        scope
            .entity_of(owner)
            .and_then(|entity| text(entity, "orgUnit"))
    }
    .unwrap_or("");
    let mut errors = Vec::new();
    for entry in object
        .get("attributes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let (Some(attribute_id), Some(value)) = (text(entry, "attribute"), text(entry, "value"))
        else {
            continue;
        };
        let Some(attribute) = scope.metadata.get("trackedEntityAttributes", attribute_id) else {
            continue;
        };
        if attribute.get("unique").and_then(Value::as_bool) != Some(true) {
            continue;
        }
        let per_unit = attribute.get("orgunitScope").and_then(Value::as_bool) == Some(true);
        let taken = scope.store.tracked_entities.values().any(|other| {
            text(other, "trackedEntity") != Some(owner)
                && (!per_unit || text(other, "orgUnit") == Some(unit))
                && other
                    .get("attributes")
                    .and_then(Value::as_array)
                    .is_some_and(|list| {
                        list.iter().any(|a| {
                            text(a, "attribute") == Some(attribute_id)
                                && text(a, "value") == Some(value)
                        })
                    })
        });
        if taken {
            errors.push(TrackerError {
                code: "E1064",
                message: format!(
                    "Non-unique attribute value `{value}` for attribute `{attribute_id}`"
                ),
                tracker_type,
                uid: uid.to_string(),
                old: OldFinding::Conflict(
                    "Attribute.value".to_string(),
                    format!("Non-unique attribute value '{value}' for attribute {attribute_id}"),
                ),
            });
        }
    }
    errors
}

/// The old importer's relationship checks (`AbstractRelationshipService.checkRelationship`,
/// 2.30–2.41): conflicts keyed by the relationship's UID for an end that does not exist or does
/// not fit the type's constraint ("TrackedEntityInstance 'x' not found.", "… has invalid
/// TrackedEntityType.", "ProgramInstance 'x' not found.", "ProgramStageInstance 'x' not
/// found."); then `DefaultTrackerAccessManager.canWrite(user, relationship)` (not for
/// superusers): data write on the relationship type and write access to tracked entity ends,
/// joined as a Java list into the description.
fn old_relationship_checks(
    importer: Importer,
    scope: &Scope,
    valid: &[HashSet<String>; 4],
    bundle: &Bundle,
    relationship: &Value,
) -> Vec<TrackerError> {
    let uid = text(relationship, "relationship").unwrap_or("");
    let type_id = text(relationship, "relationshipType").unwrap_or("");
    let Some(relationship_type) = scope.metadata.get("relationshipTypes", type_id) else {
        return Vec::new();
    };
    let find = |type_index: usize, id: &str| -> Option<&Value> {
        bundle.objects[type_index]
            .iter()
            .map(|(object, _)| object)
            .find(|object| {
                text(object, TYPES[type_index].2) == Some(id) && valid[type_index].contains(id)
            })
            .or_else(|| scope.store.collection(type_index).get(id))
    };
    let end_id = |end: &Value, key: &str| -> Option<String> {
        match end.get(key) {
            Some(Value::String(id)) => Some(id.clone()),
            Some(Value::Object(inner)) => {
                inner.get(key).and_then(Value::as_str).map(str::to_string)
            }
            _ => None,
        }
    };
    let mut errors = Vec::new();
    let mut conflict = |value: String| {
        errors.push(TrackerError {
            code: "E4012",
            message: String::new(),
            tracker_type: "RELATIONSHIP",
            uid: uid.to_string(),
            old: OldFinding::Conflict(uid.to_string(), value),
        })
    };
    let mut entity_ends = Vec::new();
    for side in ["from", "to"] {
        let (Some(end), Some(constraint)) = (
            relationship.get(side),
            relationship_type.get(format!("{side}Constraint")),
        ) else {
            continue;
        };
        let item = ["trackedEntity", "enrollment", "event"]
            .iter()
            .find_map(|key| end_id(end, key))
            .unwrap_or_default();
        match text(constraint, "relationshipEntity") {
            Some("TRACKED_ENTITY_INSTANCE") => match find(0, &item) {
                None => conflict(format!("TrackedEntityInstance '{item}' not found.")),
                Some(entity) => {
                    let wanted = constraint
                        .get("trackedEntityType")
                        .and_then(crate::data_values::meta::uid_of);
                    if wanted.as_deref() != text(entity, "trackedEntityType") {
                        conflict(format!(
                            "TrackedEntityInstance '{item}' has invalid TrackedEntityType."
                        ));
                    } else {
                        entity_ends.push(entity);
                    }
                }
            },
            Some("PROGRAM_INSTANCE") => match find(1, &item) {
                None => conflict(format!("ProgramInstance '{item}' not found.")),
                Some(enrollment) => {
                    let wanted = constraint
                        .get("program")
                        .and_then(crate::data_values::meta::uid_of);
                    if wanted.is_some() && wanted.as_deref() != text(enrollment, "program") {
                        conflict(format!("ProgramInstance '{item}' has invalid Program."));
                    }
                }
            },
            Some("PROGRAM_STAGE_INSTANCE") => match find(2, &item) {
                None => conflict(format!("ProgramStageInstance '{item}' not found.")),
                Some(event) => {
                    let stage = constraint
                        .get("programStage")
                        .and_then(crate::data_values::meta::uid_of);
                    if stage.is_some() && stage.as_deref() != text(event, "programStage") {
                        conflict(format!(
                            "ProgramStageInstance '{item}' has invalid ProgramStage."
                        ));
                    }
                }
            },
            _ => {}
        }
    }
    if !errors.is_empty() || importer.user.is_superuser() {
        return errors;
    }
    let user = importer.user;
    let mut texts = Vec::new();
    if !crate::data_values::checks::access::grants(relationship_type, user, 3) {
        texts.push(format!(
            "User has no data write access to relationshipType: {type_id}"
        ));
    }
    for entity in entity_ends {
        let unit = text(entity, "orgUnit").unwrap_or("");
        if scope.metadata.get("organisationUnits", unit).is_some()
            && !crate::data_values::checks::access::in_hierarchy(
                user,
                &super::ownership::ancestors(scope.metadata, unit),
            )
        {
            texts.push(format!(
                "User has no write access to organisation unit: {unit}"
            ));
        }
        let entity_type = text(entity, "trackedEntityType").unwrap_or("");
        if scope
            .metadata
            .get("trackedEntityTypes", entity_type)
            .is_some_and(|t| !crate::data_values::checks::access::grants(t, user, 3))
        {
            texts.push(format!(
                "User has no data write access to tracked entity: {entity_type}"
            ));
        }
    }
    if !texts.is_empty() {
        let description = format!("[{}]", texts.join(", "));
        errors.push(TrackerError {
            code: "E1000",
            message: description.clone(),
            tracker_type: "RELATIONSHIP",
            uid: uid.to_string(),
            old: OldFinding::Description(description),
        });
    }
    errors
}
