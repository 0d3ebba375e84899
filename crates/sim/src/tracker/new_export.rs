//! `GET /api/tracker/{events,trackedEntities,enrollments,relationships}` (2.36+), with the
//! 2.36–2.40 `instances` envelope and 2.41's `pager` envelope and renamed parameters.

use super::filter::{org_unit_scope, Criteria};
use super::paging::Paging;
use super::TrackerStore;
use crate::data_values::meta::DEFAULT_COMBO_UID;
use crate::data_values::summary::web_message;
use crate::metadata::MetadataStore;
use crate::{RequestContext, SimResponse};
use serde_json::Value;
use std::collections::{HashMap, HashSet};

fn wants(ctx: &RequestContext, nested: &str) -> bool {
    ctx.query.get("fields").is_some_and(|fields| {
        fields.split(',').any(|f| {
            let f = f.trim();
            f == "*" || f.starts_with(nested)
        })
    })
}

/// Events of an enrollment, for nesting.
fn events_of<'s>(
    store: &'s TrackerStore,
    enrollment: &'s str,
) -> impl Iterator<Item = &'s Value> + 's {
    store
        .events
        .values()
        .filter(move |e| e.get("enrollment").and_then(Value::as_str) == Some(enrollment))
}

/// Sets `key` to `value` unless the stored object has it.
fn fill_in(view: &mut Value, key: &str, value: Value) {
    if let Some(object) = view.as_object_mut() {
        object.entry(key).or_insert(value);
    }
}

/// An event as exported: DHIS2 stores the default attribute option combo when the payload gives
/// none, so every exported event has one (the contract test's recordings always do).
pub fn event_view(event: &Value) -> Value {
    let mut view = event.clone();
    fill_in(
        &mut view,
        "attributeOptionCombo",
        Value::from(DEFAULT_COMBO_UID),
    );
    view
}

/// An enrollment with its events nested when asked for. The follow-up flag is a non-null
/// boolean in DHIS2 (false unless set), so it is always exported.
pub fn enrollment_view(store: &TrackerStore, enrollment: &Value, with_events: bool) -> Value {
    let mut view = enrollment.clone();
    fill_in(&mut view, "followUp", Value::Bool(false));
    let uid = enrollment
        .get("enrollment")
        .and_then(Value::as_str)
        .unwrap_or("");
    // DHIS2 exports the relationships an enrollment is an end of (an empty list when none).
    let relationships: Vec<Value> = store
        .relationships
        .values()
        .filter(|relationship| {
            ["from", "to"].iter().any(|end| {
                relationship
                    .get(*end)
                    .and_then(Value::as_object)
                    .and_then(|item| item.get("enrollment"))
                    .and_then(Value::as_str)
                    == Some(uid)
            })
        })
        .cloned()
        .collect();
    fill_in(&mut view, "relationships", Value::Array(relationships));
    if with_events {
        view["events"] = Value::Array(events_of(store, uid).map(event_view).collect());
    }
    view
}

/// A tracked entity with its enrollments (and their events) and its relationships nested
/// when asked for.
pub fn tracked_entity_view(store: &TrackerStore, entity: &Value, with_enrollments: bool) -> Value {
    tracked_entity_views(store, &[entity], with_enrollments)
        .pop()
        .unwrap_or(Value::Null)
}

fn uid_of<'v>(object: &'v Value, key: &str) -> Option<&'v str> {
    object.get(key).and_then(Value::as_str)
}

/// Tracked entities as exported, nested when asked for: one pass over the enrollments, events
/// and relationships for all of them (a page), not one per entity.
pub fn tracked_entity_views(
    store: &TrackerStore,
    entities: &[&Value],
    with_enrollments: bool,
) -> Vec<Value> {
    if !with_enrollments {
        return entities.iter().map(|e| (*e).clone()).collect();
    }
    let wanted: HashSet<&str> = entities
        .iter()
        .filter_map(|e| uid_of(e, "trackedEntity"))
        .collect();
    let mut enrollments: HashMap<&str, Vec<&Value>> = HashMap::new();
    for enrollment in store.enrollments.values() {
        if let Some(owner) = uid_of(enrollment, "trackedEntity").filter(|o| wanted.contains(o)) {
            enrollments.entry(owner).or_default().push(enrollment);
        }
    }
    let enrollment_ids: HashSet<&str> = enrollments
        .values()
        .flatten()
        .filter_map(|e| uid_of(e, "enrollment"))
        .collect();
    let mut events: HashMap<&str, Vec<Value>> = HashMap::new();
    for event in store.events.values() {
        if let Some(enrollment) = uid_of(event, "enrollment").filter(|e| enrollment_ids.contains(e))
        {
            events
                .entry(enrollment)
                .or_default()
                .push(event_view(event));
        }
    }
    let mut relationships: HashMap<&str, Vec<Value>> = HashMap::new();
    for relationship in store.relationships.values() {
        let mut ends: Vec<&str> = ["from", "to"]
            .iter()
            .filter_map(|end| relationship.get(*end)?.as_object())
            .flat_map(|item| item.values().filter_map(Value::as_str))
            .filter(|id| wanted.contains(id))
            .collect();
        ends.dedup();
        for end in ends {
            relationships
                .entry(end)
                .or_default()
                .push(relationship.clone());
        }
    }
    entities
        .iter()
        .map(|entity| {
            let mut view = (*entity).clone();
            let uid = uid_of(entity, "trackedEntity").unwrap_or("");
            let own = enrollments.get(uid).cloned().unwrap_or_default();
            view["relationships"] = Value::Array(relationships.remove(uid).unwrap_or_default());
            // Ownership: DHIS2 makes the enrolling org unit the owner of the entity in the
            // program.
            let mut owners: Vec<Value> = Vec::new();
            for enrollment in &own {
                let program = enrollment.get("program").cloned().unwrap_or(Value::Null);
                if owners.iter().any(|o| o["program"] == program) {
                    continue;
                }
                // An ownership transfer moves the owner (`/api/tracker/ownership/transfer`).
                let unit = program
                    .as_str()
                    .and_then(|p| store.transferred_owner(uid, p))
                    .map(|u| serde_json::json!(u))
                    .or_else(|| enrollment.get("orgUnit").cloned())
                    .unwrap_or(Value::Null);
                owners.push(serde_json::json!({
                    "orgUnit": unit,
                    "trackedEntity": uid, "program": program }));
            }
            view["programOwners"] = Value::Array(owners);
            view["enrollments"] = Value::Array(
                own.iter()
                    .map(|enrollment| {
                        let mut nested = enrollment_view(store, enrollment, false);
                        let id = uid_of(enrollment, "enrollment").unwrap_or("");
                        nested["events"] = Value::Array(events.remove(id).unwrap_or_default());
                        nested
                    })
                    .collect(),
            );
            view
        })
        .collect()
}

/// Answers the new tracker export endpoints.
pub fn list(
    store: &TrackerStore,
    ctx: &RequestContext,
    metadata: &MetadataStore,
) -> Option<SimResponse> {
    let resource = ctx.segments.get(1)?.as_str();
    let resource = resource.strip_suffix(".json").unwrap_or(resource);
    let modern = ctx.version.minor >= 41;
    let scope = org_unit_scope(ctx, metadata, &["orgUnit", "orgUnits"]);
    let mut criteria = Criteria::new(scope);
    criteria.equal(ctx, "program", &["program"]);
    criteria.window(ctx, "updatedAt", &["updatedAfter"], &["updatedBefore"]);
    let paging = Paging::read(ctx);
    let (items, total): (Vec<Value>, usize) = match resource {
        "events" => {
            criteria.equal(ctx, "programStage", &["programStage"]);
            criteria.equal(ctx, "status", &["status"]);
            criteria.equal(
                ctx,
                "trackedEntity",
                &["trackedEntity", "trackedEntityInstance"],
            );
            criteria.equal(ctx, "enrollment", &["enrollment", "enrollments"]);
            criteria.equal(
                ctx,
                "event",
                if modern {
                    &["events", "event"]
                } else {
                    &["event"]
                },
            );
            criteria.window(
                ctx,
                "occurredAt",
                &["occurredAfter", "startDate"],
                &["occurredBefore", "endDate"],
            );
            criteria.window(
                ctx,
                "scheduledAt",
                &["scheduledAfter"],
                &["scheduledBefore"],
            );
            let matching: Vec<&Value> = store
                .events
                .values()
                .filter(|e| criteria.matches(e))
                .collect();
            let (page, total) = paging.slice(matching);
            (page.into_iter().map(event_view).collect(), total)
        }
        "enrollments" => {
            criteria.equal(
                ctx,
                "trackedEntity",
                &["trackedEntity", "trackedEntityInstance"],
            );
            criteria.equal(ctx, "status", &["programStatus", "status"]);
            criteria.equal(ctx, "enrollment", &["enrollment", "enrollments"]);
            let nested = wants(ctx, "events");
            let matching: Vec<&Value> = store
                .enrollments
                .values()
                .filter(|e| criteria.matches(e))
                .collect();
            let (page, total) = paging.slice(matching);
            (
                page.into_iter()
                    .map(|e| enrollment_view(store, e, nested))
                    .collect(),
                total,
            )
        }
        "trackedEntities" => {
            let has_program = ctx.query.get("program").is_some();
            let has_type = ctx.query.get("trackedEntityType").is_some();
            let listed = !super::filter::ids(
                ctx,
                &["trackedEntity", "trackedEntities", "trackedEntityInstance"],
            )
            .is_empty();
            if !has_program && !has_type && !listed {
                let message = if modern {
                    "Either `program`, `trackedEntityType` or `trackedEntities` should be specified"
                } else {
                    "Either Program or Tracked entity type should be specified"
                };
                return Some(web_message(ctx.version, 400, message, None));
            }
            criteria.equal(ctx, "trackedEntityType", &["trackedEntityType"]);
            criteria.equal(
                ctx,
                "trackedEntity",
                &["trackedEntity", "trackedEntities", "trackedEntityInstance"],
            );
            criteria.equal.retain(|(field, _)| *field != "program");
            // Program and enrollment dates are properties of the tracked entity's enrollments.
            let mut enrollment_criteria = Criteria::new(None);
            enrollment_criteria.equal(ctx, "program", &["program"]);
            enrollment_criteria.window(
                ctx,
                "enrolledAt",
                &["enrollmentEnrolledAfter", "programStartDate"],
                &["enrollmentEnrolledBefore", "programEndDate"],
            );
            let by_enrollment =
                !enrollment_criteria.equal.is_empty() || !enrollment_criteria.windows.is_empty();
            let nested = wants(ctx, "enrollments");
            // Entities with a matching enrollment, in one pass over the enrollments.
            let enrolled: HashSet<&str> = store
                .enrollments
                .values()
                .filter(|e| enrollment_criteria.matches(e))
                .filter_map(|e| uid_of(e, "trackedEntity"))
                .collect();
            let matching: Vec<&Value> = store
                .tracked_entities
                .values()
                .filter(|te| criteria.matches(te))
                .filter(|te| {
                    !by_enrollment
                        || uid_of(te, "trackedEntity").is_some_and(|uid| enrolled.contains(uid))
                })
                .collect();
            let (page, total) = paging.slice(matching);
            (tracked_entity_views(store, &page, nested), total)
        }
        "relationships" => {
            let about = super::filter::ids(ctx, &["trackedEntity", "enrollment", "event"]);
            let matching: Vec<&Value> = store
                .relationships
                .values()
                .filter(|r| {
                    about.is_empty() || about.iter().any(|id| r.to_string().contains(id.as_str()))
                })
                .collect();
            let (page, total) = paging.slice(matching);
            (page.into_iter().cloned().collect(), total)
        }
        _ => return None,
    };
    let items = if modern {
        items.into_iter().map(modern_relationships).collect()
    } else {
        items
    };
    Some(SimResponse::json(
        200,
        &paging.new_envelope(ctx, resource, items, total),
    ))
}

/// 2.41+ exports relationship items as objects (`{"trackedEntity": {"trackedEntity": id}}`),
/// in a relationship and in the relationships nested in a tracked entity.
fn modern_relationships(mut object: Value) -> Value {
    let convert = |relationship: &mut Value| {
        for end in ["from", "to"] {
            if let Some(item) = relationship.get(end) {
                let modern = super::convert::modern_relationship_item(item);
                relationship[end] = modern;
            }
        }
    };
    if object.get("relationshipType").is_some() {
        convert(&mut object);
    } else if let Some(Value::Array(relationships)) = object.get_mut("relationships") {
        relationships.iter_mut().for_each(convert);
    }
    object
}

/// Answers `GET /api/tracker/{events,trackedEntities,enrollments}/{uid}`.
pub fn one(store: &TrackerStore, ctx: &RequestContext) -> Option<SimResponse> {
    let uid = ctx.segments.get(2)?;
    let (name, found) = match ctx.segments.get(1)?.as_str() {
        "events" => ("Event", store.events.get(uid).map(event_view)),
        "enrollments" => (
            "Enrollment",
            store
                .enrollments
                .get(uid)
                .map(|e| enrollment_view(store, e, wants(ctx, "events"))),
        ),
        "trackedEntities" => (
            "TrackedEntity",
            store
                .tracked_entities
                .get(uid)
                .map(|te| tracked_entity_view(store, te, wants(ctx, "enrollments"))),
        ),
        _ => return None,
    };
    Some(match found {
        Some(object) => SimResponse::json(200, &object),
        None => web_message(
            ctx.version,
            404,
            &format!("{name} with id {uid} could not be found."),
            Some("E1005"),
        ),
    })
}
