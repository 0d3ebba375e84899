//! Old (`/api/events`, `/api/trackedEntityInstances`) and new (`/api/tracker`) property names.
//! The store keeps the new form; the old API converts on the way in and out.

use serde_json::{Map, Value};

/// Which tracker object a JSON object is, for the names that depend on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    TrackedEntity,
    Enrollment,
    Event,
    DataValue,
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
