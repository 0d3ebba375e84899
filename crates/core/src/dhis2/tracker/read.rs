//! One page of events or tracked entities from an instance, with the API it has, in the
//! engine's shape ([`super::convert::from_export`]). Every read is paged (`page`, `pageSize`):
//! no answer holds more than one page.
//!
//! | | events | tracked entities |
//! |---|---|---|
//! | old | `events?orgUnit&ouMode&startDate&endDate&event=a;b` | `trackedEntityInstances?ou&ouMode&programStartDate&trackedEntityInstance=a;b&fields=*` |
//! | 2.36–2.40 | `tracker/events?orgUnit&ouMode&occurredAfter&event=a;b` | `tracker/trackedEntities?orgUnit&ouMode&enrollmentEnrolledAfter&trackedEntity=a;b&fields=*` |
//! | 2.41+ | `tracker/events?orgUnit&orgUnitMode&occurredAfter&events=a,b` | `tracker/trackedEntities?orgUnits&orgUnitMode&enrollmentEnrolledAfter&trackedEntities=a,b&fields=*` |
//!
//! Last updated: `lastUpdatedStartDate`/`lastUpdatedEndDate` (old), `updatedAfter`/`updatedBefore`
//! (new). Date-only bounds include their whole last day, as DHIS2 reads them.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::convert::from_export;
use super::{TrackerApi, TrackerKind};
use crate::dhis2::{Dhis2Client, Dhis2Error, Transport};

/// Which date of an object a window applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum DateField {
    /// The event's date (`occurredAt`, old `eventDate`).
    Occurred,
    /// The enrollment date of the tracked entity's enrollment in the program.
    Enrolled,
    /// Last updated.
    Updated,
}

/// What one read asks for: one program under one org unit, in an optional date window,
/// optionally only some objects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrackerQuery {
    pub program: String,
    pub org_unit: String,
    /// The org unit and everything below it (else the org unit only).
    pub descendants: bool,
    /// (field, first day, last day), `yyyy-MM-dd`.
    pub window: Option<(DateField, String, String)>,
    /// Only these objects (empty: all).
    pub ids: Vec<String>,
}

/// A page of objects in the engine's shape; `last` when no page follows.
#[derive(Debug, Clone, PartialEq)]
pub struct TrackerPage {
    pub items: Vec<Value>,
    pub last: bool,
}

fn encode(text: &str) -> String {
    url_escape(text)
}

fn url_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(byte as char)
            }
            other => out.push_str(&format!("%{other:02X}")),
        }
    }
    out
}

fn window_params(
    api: TrackerApi,
    kind: TrackerKind,
    query: &TrackerQuery,
) -> Vec<(String, String)> {
    let Some((field, start, end)) = &query.window else {
        return Vec::new();
    };
    let (after, before) = match (api, kind, field) {
        (TrackerApi::Old, _, DateField::Updated) => ("lastUpdatedStartDate", "lastUpdatedEndDate"),
        (_, _, DateField::Updated) => ("updatedAfter", "updatedBefore"),
        (TrackerApi::Old, TrackerKind::Events, _) => ("startDate", "endDate"),
        (TrackerApi::Old, _, _) => ("programStartDate", "programEndDate"),
        (_, TrackerKind::Events, _) => ("occurredAfter", "occurredBefore"),
        (_, _, _) => ("enrollmentEnrolledAfter", "enrollmentEnrolledBefore"),
    };
    vec![
        (after.to_string(), start.clone()),
        (before.to_string(), end.clone()),
    ]
}

/// The path and query of one page.
pub fn page_path(
    api: TrackerApi,
    kind: TrackerKind,
    query: &TrackerQuery,
    page: usize,
    page_size: usize,
) -> String {
    let mode = if query.descendants {
        "DESCENDANTS"
    } else {
        "SELECTED"
    };
    let mut params: Vec<(String, String)> = vec![("program".into(), query.program.clone())];
    let events = kind == TrackerKind::Events;
    let (path, unit_key, mode_key, ids_key, separator) = match (api, events) {
        (TrackerApi::Old, true) => ("api/events", "orgUnit", "ouMode", "event", ";"),
        (TrackerApi::Old, false) => (
            "api/trackedEntityInstances",
            "ou",
            "ouMode",
            "trackedEntityInstance",
            ";",
        ),
        (TrackerApi::New, true) => ("api/tracker/events", "orgUnit", "ouMode", "event", ";"),
        (TrackerApi::New, false) => (
            "api/tracker/trackedEntities",
            "orgUnit",
            "ouMode",
            "trackedEntity",
            ";",
        ),
        (TrackerApi::Modern, true) => (
            "api/tracker/events",
            "orgUnit",
            "orgUnitMode",
            "events",
            ",",
        ),
        (TrackerApi::Modern, false) => (
            "api/tracker/trackedEntities",
            "orgUnits",
            "orgUnitMode",
            "trackedEntities",
            ",",
        ),
    };
    params.push((unit_key.into(), query.org_unit.clone()));
    params.push((mode_key.into(), mode.into()));
    params.extend(window_params(api, kind, query));
    if !query.ids.is_empty() {
        params.push((ids_key.into(), query.ids.join(separator)));
    }
    if !events {
        params.push(("fields".into(), "*".into()));
    }
    params.push(("page".into(), page.to_string()));
    params.push(("pageSize".into(), page_size.to_string()));
    if api.is_old() {
        params.push(("totalPages".into(), "false".into()));
    }
    let query: Vec<String> = params
        .iter()
        .map(|(key, value)| format!("{key}={}", encode(value)))
        .collect();
    format!("{path}?{}", query.join("&"))
}

/// The list in an answer: the entity's key (old API, 2.41+) or `instances` (2.36–2.40).
pub fn take_items(body: &mut Value, api: TrackerApi, kind: TrackerKind) -> Option<Vec<Value>> {
    let keys: &[&str] = match (api, kind) {
        (TrackerApi::Old, TrackerKind::TrackedEntities) => &["trackedEntityInstances"],
        (TrackerApi::Old, _) => &[kind.plural()],
        (_, _) => &[kind.plural(), "instances"],
    };
    let object = body.as_object_mut()?;
    keys.iter().find_map(|key| match object.remove(*key) {
        Some(Value::Array(items)) => Some(items),
        _ => None,
    })
}

async fn read_page<T: Transport>(
    client: &Dhis2Client<T>,
    api: TrackerApi,
    kind: TrackerKind,
    query: &TrackerQuery,
    page: usize,
    page_size: usize,
) -> Result<TrackerPage, Dhis2Error> {
    let path = page_path(api, kind, query, page, page_size);
    let mut body: Value = client.get_json(&path).await?;
    let items = take_items(&mut body, api, kind).ok_or_else(|| Dhis2Error::Decode {
        url: client.url(&path),
        reason: format!("no list of {} in the answer", kind.plural()),
    })?;
    let last = items.len() < page_size;
    Ok(TrackerPage {
        items: items
            .into_iter()
            .map(|item| from_export(item, kind, api))
            .collect(),
        last,
    })
}

/// Page `page` (from 1) of a program's events.
pub async fn read_events_page<T: Transport>(
    client: &Dhis2Client<T>,
    api: TrackerApi,
    query: &TrackerQuery,
    page: usize,
    page_size: usize,
) -> Result<TrackerPage, Dhis2Error> {
    read_page(client, api, TrackerKind::Events, query, page, page_size).await
}

/// Page `page` (from 1) of a program's tracked entities, each with its enrollments, their
/// events and its relationships.
pub async fn read_tracked_entities_page<T: Transport>(
    client: &Dhis2Client<T>,
    api: TrackerApi,
    query: &TrackerQuery,
    page: usize,
    page_size: usize,
) -> Result<TrackerPage, Dhis2Error> {
    read_page(
        client,
        api,
        TrackerKind::TrackedEntities,
        query,
        page,
        page_size,
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query() -> TrackerQuery {
        TrackerQuery {
            program: "Prg".into(),
            org_unit: "Ou1".into(),
            descendants: true,
            window: Some((
                DateField::Occurred,
                "2024-01-01".into(),
                "2024-12-31".into(),
            )),
            ids: vec!["a".into(), "b".into()],
        }
    }

    #[test]
    fn each_api_gets_its_parameter_names() {
        let old = page_path(TrackerApi::Old, TrackerKind::Events, &query(), 2, 100);
        assert_eq!(old, "api/events?program=Prg&orgUnit=Ou1&ouMode=DESCENDANTS&startDate=2024-01-01&endDate=2024-12-31&event=a%3Bb&page=2&pageSize=100&totalPages=false");
        let new = page_path(TrackerApi::New, TrackerKind::Events, &query(), 1, 50);
        assert!(new.starts_with("api/tracker/events?program=Prg&orgUnit=Ou1&ouMode=DESCENDANTS&occurredAfter=2024-01-01&occurredBefore=2024-12-31&event=a%3Bb"));
        let modern = page_path(
            TrackerApi::Modern,
            TrackerKind::TrackedEntities,
            &query(),
            1,
            50,
        );
        assert!(modern.starts_with("api/tracker/trackedEntities?program=Prg&orgUnits=Ou1&orgUnitMode=DESCENDANTS&enrollmentEnrolledAfter=2024-01-01&enrollmentEnrolledBefore=2024-12-31&trackedEntities=a%2Cb&fields=%2A"));
        let mut updated = query();
        updated.window = Some((DateField::Updated, "2024-01-01".into(), "2024-12-31".into()));
        let old_tei = page_path(
            TrackerApi::Old,
            TrackerKind::TrackedEntities,
            &updated,
            1,
            50,
        );
        assert!(old_tei.contains("ou=Ou1&ouMode=DESCENDANTS&lastUpdatedStartDate=2024-01-01"));
    }

    #[test]
    fn every_envelope_is_read() {
        let mut old = serde_json::json!({ "pager": {}, "trackedEntityInstances": [{}] });
        assert_eq!(
            take_items(&mut old, TrackerApi::Old, TrackerKind::TrackedEntities).map(|i| i.len()),
            Some(1)
        );
        let mut new = serde_json::json!({ "page": 1, "instances": [{}, {}] });
        assert_eq!(
            take_items(&mut new, TrackerApi::New, TrackerKind::Events).map(|i| i.len()),
            Some(2)
        );
        let mut modern = serde_json::json!({ "pager": {}, "events": [] });
        assert_eq!(
            take_items(&mut modern, TrackerApi::Modern, TrackerKind::Events).map(|i| i.len()),
            Some(0)
        );
        let mut html = serde_json::json!("oops");
        assert!(take_items(&mut html, TrackerApi::Modern, TrackerKind::Events).is_none());
    }
}
