//! What the options do to a page, after the mapping: new UIDs (references inside the payload
//! follow), no geometry, no relationships; relationships nested in tracked entities lifted to
//! the payload's top level (DHIS2's new importer takes them there).

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use crate::dhis2::tracker::TrackerPayload;

/// Derives new UIDs from old ones: the same old UID gives the same new one for a whole run
/// (so a relationship read in a later page still points at the entity written earlier), with
/// no table that grows with the volume.
#[derive(Debug, Clone)]
pub struct NewUids {
    seed: u64,
}

const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

impl NewUids {
    /// `seed` is the run's (kept in its journal, so a resumed run derives the same UIDs).
    pub fn new(seed: &str) -> NewUids {
        NewUids {
            seed: fnv(seed.as_bytes(), 0xcbf2_9ce4_8422_2325),
        }
    }

    /// The new UID of `old`.
    pub fn of(&self, old: &str) -> String {
        let mut state = fnv(old.as_bytes(), self.seed);
        let mut out = String::with_capacity(11);
        for index in 0..11 {
            state = splitmix(state.wrapping_add(index));
            let range = if index == 0 {
                52
            } else {
                ALPHABET.len() as u64
            };
            out.push(ALPHABET[(state % range) as usize] as char);
        }
        out
    }
}

fn fnv(bytes: &[u8], start: u64) -> u64 {
    bytes.iter().fold(start, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn splitmix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Keys that hold the UID of a tracker object (its own or a reference to one).
const ID_KEYS: [&str; 4] = ["trackedEntity", "enrollment", "event", "relationship"];

/// Replaces every tracker object UID (own ids, references, relationship ends) with its new
/// one; notes lose their id (DHIS2 gives them one).
pub fn renew_uids(value: &mut Value, uids: &NewUids) {
    match value {
        Value::Object(object) => {
            for key in ID_KEYS {
                if let Some(Value::String(id)) = object.get_mut(key) {
                    *id = uids.of(id);
                }
            }
            if let Some(Value::Array(notes)) = object.get_mut("notes") {
                for note in notes.iter_mut().filter_map(Value::as_object_mut) {
                    note.remove("note");
                }
            }
            for (key, inner) in object.iter_mut() {
                if inner.is_array() || (matches!(key.as_str(), "from" | "to") && inner.is_object())
                {
                    renew_uids(inner, uids);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| renew_uids(item, uids)),
        _ => {}
    }
}

/// Removes `geometry` (and the old `coordinate`) at every level.
pub fn drop_geometry(value: &mut Value) {
    match value {
        Value::Object(object) => {
            object.remove("geometry");
            object.remove("coordinate");
            object
                .values_mut()
                .filter(|inner| inner.is_array())
                .for_each(drop_geometry);
        }
        Value::Array(items) => items.iter_mut().for_each(drop_geometry),
        _ => {}
    }
}

fn take_relationships(object: &mut Map<String, Value>, out: &mut Vec<Value>) {
    if let Some(Value::Array(relationships)) = object.remove("relationships") {
        out.extend(relationships);
    }
}

/// Lifts the relationships nested in entities, enrollments and events to the top level (each
/// once), or drops them all when `keep` is false.
pub fn lift_relationships(payload: &mut TrackerPayload, keep: bool) {
    let mut lifted = Vec::new();
    for entity in payload
        .tracked_entities
        .iter_mut()
        .filter_map(Value::as_object_mut)
    {
        take_relationships(entity, &mut lifted);
        if let Some(Value::Array(enrollments)) = entity.get_mut("enrollments") {
            for enrollment in enrollments.iter_mut().filter_map(Value::as_object_mut) {
                take_relationships(enrollment, &mut lifted);
                if let Some(Value::Array(events)) = enrollment.get_mut("events") {
                    for event in events.iter_mut().filter_map(Value::as_object_mut) {
                        take_relationships(event, &mut lifted);
                    }
                }
            }
        }
    }
    for event in payload.events.iter_mut().filter_map(Value::as_object_mut) {
        take_relationships(event, &mut lifted);
    }
    if !keep {
        payload.relationships.clear();
        return;
    }
    let mut seen: BTreeSet<String> = payload
        .relationships
        .iter()
        .filter_map(|r| r.get("relationship").and_then(Value::as_str))
        .map(str::to_string)
        .collect();
    for relationship in lifted {
        let id = relationship
            .get("relationship")
            .and_then(Value::as_str)
            .map(str::to_string);
        if id.is_none_or(|id| seen.insert(id)) {
            payload.relationships.push(relationship);
        }
    }
}

/// The ids a payload carries: its tracked entities, their enrollments, and every event.
fn payload_ids(payload: &TrackerPayload) -> BTreeSet<&str> {
    let mut ids = BTreeSet::new();
    for entity in &payload.tracked_entities {
        ids.extend(entity.get("trackedEntity").and_then(Value::as_str));
        for enrollment in entity
            .get("enrollments")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            ids.extend(enrollment.get("enrollment").and_then(Value::as_str));
            for event in enrollment
                .get("events")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                ids.extend(event.get("event").and_then(Value::as_str));
            }
        }
    }
    for event in &payload.events {
        ids.extend(event.get("event").and_then(Value::as_str));
    }
    ids
}

/// The ids an end of a relationship names (`{"trackedEntity": "…"}`, or nested one level
/// deeper as 2.41 writes it).
fn end_ids(end: Option<&Value>, out: &mut Vec<String>) {
    match end {
        Some(Value::String(id)) => out.push(id.clone()),
        Some(Value::Object(map)) => map.values().for_each(|v| end_ids(Some(v), out)),
        _ => {}
    }
}

/// Takes out of `payload` the relationships whose ends are neither in it nor `written` by an
/// earlier page: DHIS2 refuses a relationship to an object it does not hold yet (E4012), and
/// the other end may come in a later page. They are sent once every page was written.
pub fn defer_relationships(payload: &mut TrackerPayload, written: &BTreeSet<String>) -> Vec<Value> {
    if payload.relationships.is_empty() {
        return Vec::new();
    }
    let ids: BTreeSet<String> = written_ids(payload).collect();
    let (now, later): (Vec<Value>, Vec<Value>) = std::mem::take(&mut payload.relationships)
        .into_iter()
        .partition(|relationship| {
            relationship_ends(relationship).is_some_and(|ends| {
                ends.iter()
                    .all(|id| ids.contains(id) || written.contains(id))
            })
        });
    payload.relationships = now;
    later
}

/// The ids a relationship links (tracked entities, enrollments, events); `None` when it names
/// none.
pub fn relationship_ends(relationship: &Value) -> Option<Vec<String>> {
    let mut ends = Vec::new();
    end_ids(relationship.get("from"), &mut ends);
    end_ids(relationship.get("to"), &mut ends);
    (!ends.is_empty()).then_some(ends)
}

/// The ids of the tracked entities, enrollments and events a page carries.
pub fn written_ids(payload: &TrackerPayload) -> impl Iterator<Item = String> + '_ {
    payload_ids(payload).into_iter().map(str::to_string)
}

/// Keeps, in each entity's enrollments, only the events in `events` (chosen events).
pub fn keep_events(entity: &mut Value, events: &BTreeSet<String>) {
    let Some(Value::Array(enrollments)) = entity.get_mut("enrollments") else {
        return;
    };
    for enrollment in enrollments {
        if let Some(Value::Array(list)) = enrollment.get_mut("events") {
            list.retain(|event| {
                event
                    .get("event")
                    .and_then(Value::as_str)
                    .is_some_and(|id| events.contains(id))
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Uid;
    use serde_json::json;

    #[test]
    fn new_uids_are_valid_stable_and_keep_references() {
        let uids = NewUids::new("run-1");
        let fresh = uids.of("Tei0000Aaaa");
        assert!(Uid::is_valid(&fresh));
        assert_eq!(fresh, uids.of("Tei0000Aaaa"));
        assert_ne!(fresh, NewUids::new("run-2").of("Tei0000Aaaa"));
        let mut entity = json!({ "trackedEntity": "Tei0000Aaaa", "orgUnit": "Ou00000Aaaa",
            "enrollments": [{ "enrollment": "Enr0000Aaaa", "trackedEntity": "Tei0000Aaaa",
                "notes": [{ "note": "Not0000Aaaa", "value": "x" }],
                "events": [{ "event": "Evt0000Aaaa", "enrollment": "Enr0000Aaaa", "programStage": "Stg0000Aaaa" }] }],
            "relationships": [{ "relationship": "Rel0000Aaaa", "from": { "trackedEntity": "Tei0000Aaaa" },
                "to": { "event": "Evt0000Aaaa" } }] });
        renew_uids(&mut entity, &uids);
        let te = uids.of("Tei0000Aaaa");
        assert_eq!(entity["trackedEntity"], te.as_str());
        assert_eq!(entity["orgUnit"], "Ou00000Aaaa");
        let enrollment = &entity["enrollments"][0];
        assert_eq!(enrollment["trackedEntity"], te.as_str());
        assert_eq!(
            enrollment["events"][0]["enrollment"],
            enrollment["enrollment"]
        );
        assert_eq!(enrollment["events"][0]["programStage"], "Stg0000Aaaa");
        assert!(enrollment["notes"][0].get("note").is_none());
        assert_eq!(
            entity["relationships"][0]["from"]["trackedEntity"],
            te.as_str()
        );
        assert_eq!(
            entity["relationships"][0]["to"]["event"],
            enrollment["events"][0]["event"]
        );
    }

    #[test]
    fn relationships_are_lifted_once_or_dropped() {
        let relationship = json!({ "relationship": "Rel0000Aaaa" });
        let entity = json!({ "trackedEntity": "a", "geometry": {}, "relationships": [relationship],
            "enrollments": [{ "events": [{ "event": "e", "geometry": {}, "relationships": [relationship] }] }] });
        let mut payload = TrackerPayload {
            tracked_entities: vec![entity.clone(), entity],
            ..TrackerPayload::default()
        };
        drop_geometry(&mut payload.tracked_entities[0]);
        assert!(payload.tracked_entities[0].get("geometry").is_none());
        assert!(payload.tracked_entities[0]["enrollments"][0]["events"][0]
            .get("geometry")
            .is_none());
        let mut dropped = payload.clone();
        lift_relationships(&mut payload, true);
        assert_eq!(payload.relationships.len(), 1);
        assert!(payload.tracked_entities[1].get("relationships").is_none());
        lift_relationships(&mut dropped, false);
        assert!(dropped.relationships.is_empty());
    }
}
