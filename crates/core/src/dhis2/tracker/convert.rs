//! Between the two tracker shapes. The old API (`/api/events`, `/api/trackedEntityInstances`)
//! names things `eventDate`, `trackedEntityInstance`, `created`…; the new one (`/api/tracker`,
//! 2.36+) `occurredAt`, `trackedEntity`, `createdAt`… (DHIS2 docs, "Property names" of
//! `tracker-old.md`). Notes carry `storedDate` ⇄ `storedAt`; relationship items
//! `{trackedEntityInstance: {trackedEntityInstance: id}}` ⇄ `{trackedEntity: id}` (2.41 exports
//! `{trackedEntity: {trackedEntity: id, …}}`). 2.41 exports `assignedUser`, `createdBy` and
//! `updatedBy` as objects and lists an enrollment's program attributes in the enrollment; its
//! importer wants them there (MDSync #1028), where earlier versions want them on the entity.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use super::{TrackerApi, TrackerKind};

/// The shape of a JSON object, for the names that depend on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    TrackedEntity,
    Enrollment,
    Event,
    Relationship,
    DataValue,
    Attribute,
    Note,
}

impl Shape {
    fn of(kind: TrackerKind) -> Shape {
        match kind {
            TrackerKind::TrackedEntities => Shape::TrackedEntity,
            TrackerKind::Enrollments => Shape::Enrollment,
            TrackerKind::Events => Shape::Event,
            TrackerKind::Relationships => Shape::Relationship,
        }
    }

    /// The shape of the objects in the list `key` of this shape.
    fn child(self, key: &str) -> Option<Shape> {
        match (self, key) {
            (Shape::TrackedEntity, "enrollments") => Some(Shape::Enrollment),
            (Shape::TrackedEntity | Shape::Enrollment, "attributes") => Some(Shape::Attribute),
            (Shape::TrackedEntity | Shape::Enrollment | Shape::Event, "relationships") => {
                Some(Shape::Relationship)
            }
            (Shape::Enrollment, "events") => Some(Shape::Event),
            (Shape::Event, "dataValues") => Some(Shape::DataValue),
            (Shape::Enrollment | Shape::Event, "notes") => Some(Shape::Note),
            _ => None,
        }
    }

    /// (old name, new name) pairs.
    fn names(self) -> &'static [(&'static str, &'static str)] {
        const STAMPS: [(&str, &str); 4] = [
            ("created", "createdAt"),
            ("lastUpdated", "updatedAt"),
            ("createdAtClient", "createdAtClient"),
            ("lastUpdatedAtClient", "updatedAtClient"),
        ];
        match self {
            Shape::TrackedEntity => &[
                ("trackedEntityInstance", "trackedEntity"),
                ("created", "createdAt"),
                ("lastUpdated", "updatedAt"),
                ("lastUpdatedAtClient", "updatedAtClient"),
            ],
            Shape::Enrollment => &[
                ("trackedEntityInstance", "trackedEntity"),
                ("enrollmentDate", "enrolledAt"),
                ("incidentDate", "occurredAt"),
                ("completedDate", "completedAt"),
                ("followup", "followUp"),
                ("created", "createdAt"),
                ("lastUpdated", "updatedAt"),
                ("lastUpdatedAtClient", "updatedAtClient"),
            ],
            Shape::Event => &[
                ("trackedEntityInstance", "trackedEntity"),
                ("eventDate", "occurredAt"),
                ("dueDate", "scheduledAt"),
                ("completedDate", "completedAt"),
                ("created", "createdAt"),
                ("lastUpdated", "updatedAt"),
                ("lastUpdatedAtClient", "updatedAtClient"),
            ],
            Shape::Note => &[("storedDate", "storedAt")],
            Shape::Relationship | Shape::DataValue | Shape::Attribute => &STAMPS[..2],
        }
    }
}

fn renamed(shape: Shape, key: &str, to_new: bool) -> &str {
    shape
        .names()
        .iter()
        .find_map(|(old, new)| {
            if to_new {
                (key == *old).then_some(*new)
            } else {
                (key == *new).then_some(*old)
            }
        })
        .unwrap_or(key)
}

fn rename(value: Value, shape: Shape, to_new: bool) -> Value {
    let Value::Object(object) = value else {
        return value;
    };
    let mut out = Map::with_capacity(object.len());
    for (key, inner) in object {
        let inner = match (shape.child(&key), inner) {
            (Some(child), Value::Array(items)) => Value::Array(
                items
                    .into_iter()
                    .map(|item| rename(item, child, to_new))
                    .collect(),
            ),
            (_, Value::Object(item)) if shape == Shape::Relationship => {
                relationship_item(Value::Object(item), to_new)
            }
            (_, other) => other,
        };
        out.insert(renamed(shape, &key, to_new).to_string(), inner);
    }
    Value::Object(out)
}

/// A relationship's `from`/`to` in the target shape; other objects pass.
fn relationship_item(item: Value, to_new: bool) -> Value {
    let Value::Object(item) = item else {
        return item;
    };
    let mut out = Map::new();
    for (key, inner) in item {
        let new_key = match key.as_str() {
            "trackedEntityInstance" | "trackedEntity" => "trackedEntity",
            "enrollment" => "enrollment",
            "event" => "event",
            _ => {
                out.insert(key, inner);
                continue;
            }
        };
        // `{event: id}`, `{event: {event: id}}` and the old `{trackedEntityInstance:
        // {trackedEntityInstance: id}}` all name one id.
        let id = match &inner {
            Value::String(id) => Some(id.clone()),
            Value::Object(nested) => nested
                .get(key.as_str())
                .or_else(|| nested.get(new_key))
                .and_then(Value::as_str)
                .map(str::to_string),
            _ => None,
        };
        let Some(id) = id else {
            continue;
        };
        if to_new {
            out.insert(new_key.to_string(), Value::String(id));
        } else {
            let old_key = if new_key == "trackedEntity" {
                "trackedEntityInstance"
            } else {
                new_key
            };
            let mut nested = Map::new();
            nested.insert(old_key.to_string(), Value::String(id));
            out.insert(old_key.to_string(), Value::Object(nested));
        }
    }
    Value::Object(out)
}

/// An old-API object in the new shape.
pub fn from_old(value: Value, kind: TrackerKind) -> Value {
    rename(value, Shape::of(kind), true)
}

/// A new-shape object as the old API takes it.
pub fn to_old(value: Value, kind: TrackerKind) -> Value {
    rename(value, Shape::of(kind), false)
}

/// An object as the origin exported it, in the engine's shape: old names renamed, 2.41's user
/// objects reduced to their id, relationship items to ids, and an enrollment's attributes
/// moved to its tracked entity.
pub fn from_export(value: Value, kind: TrackerKind, api: TrackerApi) -> Value {
    let mut value = match api {
        TrackerApi::Old => from_old(value, kind),
        TrackerApi::New | TrackerApi::Modern => rename(value, Shape::of(kind), true),
    };
    if kind == TrackerKind::TrackedEntities {
        gather_attributes(&mut value);
        owners(&mut value);
    }
    value
}

/// Program owners as `{orgUnit, program, trackedEntity}` (the old API names the org unit
/// `ownerOrgUnit`); an entity exported without them (a user who may not see ownership) is owned
/// by the org units of its enrollments, as DHIS2 sets ownership at enrollment.
fn owners(entity: &mut Value) {
    let Some(entity) = entity.as_object_mut() else {
        return;
    };
    let id = text(entity, "trackedEntity").map(str::to_string);
    let mut list: Vec<Value> = match entity.remove("programOwners") {
        Some(Value::Array(list)) => list,
        _ => Vec::new(),
    };
    for owner in list.iter_mut().filter_map(Value::as_object_mut) {
        if let Some(unit) = owner.remove("ownerOrgUnit") {
            owner.insert("orgUnit".into(), unit);
        }
        if let Some(te) = owner.remove("trackedEntityInstance") {
            owner.insert("trackedEntity".into(), te);
        }
    }
    if list.is_empty() {
        for enrollment in entity
            .get("enrollments")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let (Some(program), Some(unit)) = (
                enrollment.get("program").and_then(Value::as_str),
                enrollment.get("orgUnit").and_then(Value::as_str),
            ) else {
                continue;
            };
            if list
                .iter()
                .any(|o| o.get("program").and_then(Value::as_str) == Some(program))
            {
                continue;
            }
            let mut owner = Map::new();
            owner.insert("orgUnit".into(), Value::String(unit.to_string()));
            if let Some(id) = &id {
                owner.insert("trackedEntity".into(), Value::String(id.clone()));
            }
            owner.insert("program".into(), Value::String(program.to_string()));
            list.push(Value::Object(owner));
        }
    }
    if !list.is_empty() {
        entity.insert("programOwners".into(), Value::Array(list));
    }
}

fn text<'v>(object: &'v Map<String, Value>, key: &str) -> Option<&'v str> {
    object.get(key).and_then(Value::as_str)
}

/// Moves the enrollments' attributes to the entity (values the entity already has win).
fn gather_attributes(entity: &mut Value) {
    let Some(entity) = entity.as_object_mut() else {
        return;
    };
    let mut moved: Vec<Value> = Vec::new();
    if let Some(Value::Array(enrollments)) = entity.get_mut("enrollments") {
        for enrollment in enrollments.iter_mut().filter_map(Value::as_object_mut) {
            if let Some(Value::Array(attributes)) = enrollment.remove("attributes") {
                moved.extend(attributes);
            }
        }
    }
    if moved.is_empty() {
        return;
    }
    let attributes = entity
        .entry("attributes")
        .or_insert_with(|| Value::Array(Vec::new()));
    if let Value::Array(attributes) = attributes {
        let mut known: BTreeSet<String> = attributes
            .iter()
            .filter_map(|a| a.get("attribute").and_then(Value::as_str))
            .map(str::to_string)
            .collect();
        for attribute in moved {
            let id = attribute
                .get("attribute")
                .and_then(Value::as_str)
                .map(str::to_string);
            if let Some(id) = id {
                if known.insert(id) {
                    attributes.push(attribute);
                }
            }
        }
    }
}

/// Fields the server sets itself; left out of what is written (and of comparisons).
const SERVER_OWNED: [&str; 17] = [
    "createdAt",
    "updatedAt",
    "createdAtClient",
    "updatedAtClient",
    "createdBy",
    "updatedBy",
    "createdByUserInfo",
    "lastUpdatedByUserInfo",
    "orgUnitName",
    "href",
    "deleted",
    "programOwners",
    "enrollmentStatus",
    "displayName",
    "valueType",
    "followup",
    "potentialDuplicate",
];

/// Removes the server-owned fields, at every level.
pub fn strip_server_owned(value: &mut Value) {
    match value {
        Value::Object(object) => {
            for key in SERVER_OWNED {
                object.remove(key);
            }
            // 2.41 exports the assigned user as an object; both importers take its id.
            if let Some(Value::Object(user)) = object.get("assignedUser") {
                match user.get("uid").and_then(Value::as_str) {
                    Some(uid) => {
                        let uid = Value::String(uid.to_string());
                        object.insert("assignedUser".into(), uid);
                    }
                    None => {
                        object.remove("assignedUser");
                    }
                }
            }
            for inner in object.values_mut() {
                if inner.is_array() {
                    strip_server_owned(inner);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(strip_server_owned),
        _ => {}
    }
}

/// The destination's program attributes: program → its tracked entity attributes, and the
/// attributes of tracked entity types (which stay on the entity).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProgramAttributes {
    pub by_program: BTreeMap<String, BTreeSet<String>>,
    pub of_types: BTreeSet<String>,
}

/// An object in the engine's shape as the destination's API takes it: server-owned fields
/// removed, then for 2.41+ each enrollment given its program's attributes (taken off the
/// entity), for the old API the old names.
pub fn for_import(
    mut value: Value,
    kind: TrackerKind,
    api: TrackerApi,
    program_attributes: &ProgramAttributes,
) -> Value {
    strip_server_owned(&mut value);
    match api {
        TrackerApi::Old => to_old(value, kind),
        TrackerApi::New => value,
        TrackerApi::Modern => {
            if kind == TrackerKind::TrackedEntities {
                place_program_attributes(&mut value, program_attributes);
            }
            value
        }
    }
}

/// 2.41+: the attributes of an enrollment's program go into the enrollment; those of the
/// tracked entity type stay on the entity too.
fn place_program_attributes(entity: &mut Value, program_attributes: &ProgramAttributes) {
    let Some(entity) = entity.as_object_mut() else {
        return;
    };
    let attributes: Vec<Value> = match entity.get("attributes") {
        Some(Value::Array(attributes)) => attributes.clone(),
        _ => return,
    };
    let id_of = |attribute: &Value| {
        attribute
            .get("attribute")
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    let mut moved: BTreeSet<String> = BTreeSet::new();
    if let Some(Value::Array(enrollments)) = entity.get_mut("enrollments") {
        for enrollment in enrollments.iter_mut().filter_map(Value::as_object_mut) {
            let Some(wanted) =
                text(enrollment, "program").and_then(|p| program_attributes.by_program.get(p))
            else {
                continue;
            };
            let values: Vec<Value> = attributes
                .iter()
                .filter(|attribute| id_of(attribute).is_some_and(|id| wanted.contains(&id)))
                .cloned()
                .collect();
            moved.extend(values.iter().filter_map(id_of));
            enrollment.insert("attributes".into(), Value::Array(values));
        }
    }
    let own: Vec<Value> = attributes
        .into_iter()
        .filter(|attribute| {
            id_of(attribute)
                .is_some_and(|id| !moved.contains(&id) || program_attributes.of_types.contains(&id))
        })
        .collect();
    entity.insert("attributes".into(), Value::Array(own));
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn old_names_become_new_at_every_level() {
        let old = json!({ "trackedEntityInstance": "t1", "created": "c", "attributes": [
            { "attribute": "a1", "value": "x", "lastUpdated": "u" }],
            "enrollments": [{ "enrollment": "e1", "enrollmentDate": "d1", "incidentDate": "d2",
                "notes": [{ "value": "n", "storedDate": "s" }],
                "events": [{ "event": "v1", "eventDate": "d3", "dueDate": "d4",
                    "dataValues": [{ "dataElement": "x", "lastUpdated": "u" }] }] }],
            "relationships": [{ "relationship": "r1", "relationshipType": "rt",
                "from": { "trackedEntityInstance": { "trackedEntityInstance": "t1" } },
                "to": { "event": { "event": "v1" } } }] });
        let new = from_old(old.clone(), TrackerKind::TrackedEntities);
        assert_eq!(new["trackedEntity"], "t1");
        assert_eq!(new["createdAt"], "c");
        assert_eq!(new["attributes"][0]["updatedAt"], "u");
        let enrollment = &new["enrollments"][0];
        assert_eq!(enrollment["enrolledAt"], "d1");
        assert_eq!(enrollment["occurredAt"], "d2");
        assert_eq!(enrollment["notes"][0]["storedAt"], "s");
        assert_eq!(enrollment["events"][0]["occurredAt"], "d3");
        assert_eq!(enrollment["events"][0]["scheduledAt"], "d4");
        assert_eq!(enrollment["events"][0]["dataValues"][0]["updatedAt"], "u");
        assert_eq!(
            new["relationships"][0]["from"],
            json!({ "trackedEntity": "t1" })
        );
        assert_eq!(new["relationships"][0]["to"], json!({ "event": "v1" }));
        assert_eq!(to_old(new, TrackerKind::TrackedEntities), old);
    }

    #[test]
    fn modern_exports_are_reduced_to_the_engine_shape() {
        let exported = json!({ "trackedEntity": "t1", "attributes": [{ "attribute": "a1", "value": "x" }],
            "enrollments": [{ "enrollment": "e1", "program": "p1",
                "attributes": [{ "attribute": "a1", "value": "x" }, { "attribute": "a2", "value": "y" }] }],
            "relationships": [{ "relationship": "r1",
                "from": { "trackedEntity": { "trackedEntity": "t1", "orgUnit": "o" } },
                "to": { "trackedEntity": { "trackedEntity": "t2" } } }] });
        let value = from_export(exported, TrackerKind::TrackedEntities, TrackerApi::Modern);
        assert_eq!(value["attributes"].as_array().map(Vec::len), Some(2));
        assert!(value["enrollments"][0].get("attributes").is_none());
        assert_eq!(
            value["relationships"][0]["from"],
            json!({ "trackedEntity": "t1" })
        );
    }

    #[test]
    fn program_attributes_go_into_enrollments_from_2_41_only() {
        let entity = json!({ "trackedEntity": "t1", "createdAt": "c", "attributes": [
            { "attribute": "name", "value": "Amina" }, { "attribute": "weight", "value": "3" }],
            "enrollments": [{ "enrollment": "e1", "program": "p1", "updatedAt": "u",
                "assignedUser": { "uid": "U1", "username": "x" } }] });
        let programs = ProgramAttributes {
            by_program: [(
                "p1".to_string(),
                ["weight".to_string(), "name".to_string()].into(),
            )]
            .into(),
            of_types: ["name".to_string()].into(),
        };
        let modern = for_import(
            entity.clone(),
            TrackerKind::TrackedEntities,
            TrackerApi::Modern,
            &programs,
        );
        assert_eq!(
            modern["attributes"],
            json!([{ "attribute": "name", "value": "Amina" }])
        );
        assert_eq!(
            modern["enrollments"][0]["attributes"],
            json!([{ "attribute": "name", "value": "Amina" }, { "attribute": "weight", "value": "3" }])
        );
        assert_eq!(modern["enrollments"][0]["assignedUser"], "U1");
        assert!(modern.get("createdAt").is_none());
        assert!(modern["enrollments"][0].get("updatedAt").is_none());
        let before = for_import(
            entity,
            TrackerKind::TrackedEntities,
            TrackerApi::New,
            &programs,
        );
        assert_eq!(before["attributes"].as_array().map(Vec::len), Some(2));
        assert!(before["enrollments"][0].get("attributes").is_none());
    }
}
