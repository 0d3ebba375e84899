//! Old (`/api/events`, `/api/trackedEntityInstances`) and new (`/api/tracker`) property names.
//! The store keeps the new form; the old API converts on the way in and out.

use serde_json::{json, Map, Value};

/// Which tracker object a JSON object is, for the names that depend on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    TrackedEntity,
    Enrollment,
    Event,
    DataValue,
    Relationship,
    Other,
}

/// (old, new) names shared by every kind.
const COMMON: [(&str, &str); 6] = [
    ("created", "createdAt"),
    ("lastUpdated", "updatedAt"),
    ("trackedEntityInstance", "trackedEntity"),
    ("lastUpdatedAtClient", "updatedAtClient"),
    ("completedDate", "completedAt"),
    ("deleted", "deleted"),
];

fn specific(kind: Kind) -> &'static [(&'static str, &'static str)] {
    match kind {
        Kind::Event => &[("eventDate", "occurredAt"), ("dueDate", "scheduledAt")],
        Kind::Enrollment => &[
            ("enrollmentDate", "enrolledAt"),
            ("incidentDate", "occurredAt"),
            ("followup", "followUp"),
        ],
        _ => &[],
    }
}

fn child_kind(key: &str) -> Kind {
    match key {
        "enrollments" => Kind::Enrollment,
        "events" => Kind::Event,
        "dataValues" => Kind::DataValue,
        "relationships" => Kind::Relationship,
        _ => Kind::Other,
    }
}

fn rename(value: &Value, kind: Kind, to_new: bool) -> Value {
    let Some(object) = value.as_object() else {
        return value.clone();
    };
    let mut out = Map::new();
    for (key, inner) in object {
        let pairs = COMMON.iter().chain(specific(kind).iter());
        let renamed = pairs
            .filter_map(|(old, new)| {
                if to_new {
                    (key == old).then_some(*new)
                } else {
                    (key == new).then_some(*old)
                }
            })
            .next()
            .unwrap_or(key.as_str());
        let converted = match inner {
            Value::Object(_) if kind == Kind::Relationship && (key == "from" || key == "to") => {
                relationship_item(inner, to_new)
            }
            Value::Array(items) if child_kind(key) != Kind::Other => Value::Array(
                items
                    .iter()
                    .map(|item| rename(item, child_kind(key), to_new))
                    .collect(),
            ),
            other => other.clone(),
        };
        out.insert(renamed.to_string(), converted);
    }
    Value::Object(out)
}

/// A relationship's `from`/`to`: old `{"trackedEntityInstance": {"trackedEntityInstance": id}}`
/// (and `{"event": {"event": id}}`) ⇄ the store's `{"trackedEntity": id}`. 2.41's object form
/// `{"trackedEntity": {"trackedEntity": id}}` is read as well.
pub fn relationship_item(item: &Value, to_new: bool) -> Value {
    let Some(object) = item.as_object() else {
        return item.clone();
    };
    let mut out = Map::new();
    for (key, inner) in object {
        let new_key = match key.as_str() {
            "trackedEntityInstance" | "trackedEntity" => "trackedEntity",
            "enrollment" => "enrollment",
            "event" => "event",
            _ => continue,
        };
        let id = inner.as_str().map(str::to_string).or_else(|| {
            inner
                .get(key.as_str())
                .or_else(|| inner.get(new_key))
                .and_then(Value::as_str)
                .map(str::to_string)
        });
        let Some(id) = id else { continue };
        if to_new {
            out.insert(new_key.to_string(), json!(id));
        } else {
            let old_key = if new_key == "trackedEntity" {
                "trackedEntityInstance"
            } else {
                new_key
            };
            out.insert(old_key.to_string(), json!({ old_key: id }));
        }
    }
    Value::Object(out)
}

/// A stored relationship item as 2.41+ exports it: `{"trackedEntity": {"trackedEntity": id}}`.
pub fn modern_relationship_item(item: &Value) -> Value {
    let Some(object) = item.as_object() else {
        return item.clone();
    };
    let mut out = Map::new();
    for (key, inner) in object {
        match inner.as_str() {
            Some(id) => out.insert(key.clone(), json!({ key.as_str(): id })),
            None => out.insert(key.clone(), inner.clone()),
        };
    }
    Value::Object(out)
}

/// Old-API object → store (new) form.
pub fn to_new(value: &Value, kind: Kind) -> Value {
    rename(value, kind, true)
}

/// Store (new) form → old-API object.
pub fn to_old(value: &Value, kind: Kind) -> Value {
    rename(value, kind, false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names_round_trip_per_kind() {
        let old = json!({ "trackedEntityInstance": "t1", "created": "c", "enrollments": [
            { "enrollment": "e1", "enrollmentDate": "d1", "incidentDate": "d2",
              "events": [{ "event": "v1", "eventDate": "d3", "dueDate": "d4",
                           "dataValues": [{ "dataElement": "x", "lastUpdated": "u" }] }] }] });
        let new = to_new(&old, Kind::TrackedEntity);
        assert_eq!(new["trackedEntity"], "t1");
        assert_eq!(new["createdAt"], "c");
        assert_eq!(new["enrollments"][0]["enrolledAt"], "d1");
        assert_eq!(new["enrollments"][0]["occurredAt"], "d2");
        assert_eq!(new["enrollments"][0]["events"][0]["occurredAt"], "d3");
        assert_eq!(
            new["enrollments"][0]["events"][0]["dataValues"][0]["updatedAt"],
            "u"
        );
        assert_eq!(to_old(&new, Kind::TrackedEntity), old);
    }
}
