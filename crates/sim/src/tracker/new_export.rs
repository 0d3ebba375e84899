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
    if with_events {
        let uid = enrollment
            .get("enrollment")
            .and_then(Value::as_str)
            .unwrap_or("");
        view["events"] = Value::Array(events_of(store, uid).map(event_view).collect());
    }
    view
}

/// A tracked entity with its enrollments (and their events) nested when asked for.
pub fn tracked_entity_view(store: &TrackerStore, entity: &Value, with_enrollments: bool) -> Value {
    let mut view = entity.clone();
    if with_enrollments {
        let uid = entity
            .get("trackedEntity")
            .and_then(Value::as_str)
            .unwrap_or("");
        view["enrollments"] = Value::Array(
            store
                .enrollments
                .values()
                .filter(|e| e.get("trackedEntity").and_then(Value::as_str) == Some(uid))
                .map(|e| enrollment_view(store, e, true))
                .collect(),
        );
    }
    view
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
    let items: Vec<Value> = match resource {
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
            store
                .events
                .values()
                .filter(|e| criteria.matches(e))
                .map(event_view)
                .collect()
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
            store
                .enrollments
                .values()
                .filter(|e| criteria.matches(e))
                .map(|e| enrollment_view(store, e, nested))
                .collect()
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
            store
                .tracked_entities
                .values()
                .filter(|te| criteria.matches(te))
                .filter(|te| {
                    let uid = te.get("trackedEntity").and_then(Value::as_str);
                    !by_enrollment
                        || store.enrollments.values().any(|e| {
                            e.get("trackedEntity").and_then(Value::as_str) == uid
                                && enrollment_criteria.matches(e)
                        })
                })
                .map(|te| tracked_entity_view(store, te, nested))
                .collect()
        }
        "relationships" => {
            let about = super::filter::ids(ctx, &["trackedEntity", "enrollment", "event"]);
            store
                .relationships
                .values()
                .filter(|r| {
                    about.is_empty() || about.iter().any(|id| r.to_string().contains(id.as_str()))
                })
                .cloned()
                .collect()
        }
        _ => return None,
    };
    let paging = Paging::read(ctx);
    let (page, total) = paging.slice(items);
    Some(SimResponse::json(
        200,
        &paging.new_envelope(ctx, resource, page, total),
    ))
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
