//! Browsing an origin's programs and events to pick what an events sync moves: the programs
//! (event and tracker), one server page of a program's events with its total and order, and
//! the columns each user chose for that table (kept in their user dataStore). The request
//! forms of each tracker API come from [`crate::dhis2::tracker::read`]; only the paging total,
//! the order and the list's own columns are added here.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::dhis2::tracker::read::{page_path, take_items, DateField, TrackerQuery};
use crate::dhis2::tracker::{TrackerApi, TrackerKind};
use crate::dhis2::user_datastore::{get_user_key, save_user_key};
use crate::dhis2::{Dhis2Client, Dhis2Error, Transport, Version};
use crate::rules::{DatePeriod, RuleLastRun, ServerZone};
use crate::storage::user_defaults::USER_NAMESPACE;
use crate::storage::StorageError;
use crate::sync::aggregated::{resolve_period, AggregatedSelection};
use crate::sync::events::{EventsPeriodField, TrackedEntitiesPeriodField};

/// The user dataStore key of the chosen-events table's columns.
pub const EVENT_COLUMNS_KEY: &str = "events-columns";
/// The most programs listed (an origin with more is searched in the Metadata page).
pub const MAX_PROGRAMS: usize = 1000;

/// A program of the origin, as the selection lists it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProgramChoice {
    pub id: String,
    #[serde(default)]
    pub display_name: String,
    /// `WITH_REGISTRATION` (tracker) or `WITHOUT_REGISTRATION` (event program).
    #[serde(default)]
    pub program_type: Option<String>,
}

impl ProgramChoice {
    pub fn is_tracker(&self) -> bool {
        self.program_type.as_deref() == Some("WITH_REGISTRATION")
    }
}

#[derive(Deserialize)]
struct ProgramList {
    #[serde(default)]
    programs: Vec<ProgramChoice>,
}

/// The origin's programs, by name (one bounded page).
pub async fn fetch_programs<T: Transport>(
    client: &Dhis2Client<T>,
) -> Result<Vec<ProgramChoice>, Dhis2Error> {
    let path = format!(
        "api/programs?fields=id,displayName,programType&order=displayName:asc&page=1&pageSize={MAX_PROGRAMS}"
    );
    let list: ProgramList = client.get_json(&path).await?;
    Ok(list.programs)
}

/// A column of the chosen-events table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum EventColumn {
    Program,
    OrgUnit,
    Date,
    Status,
    StoredBy,
    LastUpdated,
    TrackedEntity,
}

impl EventColumn {
    pub const ALL: [EventColumn; 7] = [
        EventColumn::Program,
        EventColumn::OrgUnit,
        EventColumn::Date,
        EventColumn::Status,
        EventColumn::StoredBy,
        EventColumn::LastUpdated,
        EventColumn::TrackedEntity,
    ];

    /// The columns shown until the user chooses.
    pub const DEFAULT: [EventColumn; 5] = [
        EventColumn::Program,
        EventColumn::OrgUnit,
        EventColumn::Date,
        EventColumn::Status,
        EventColumn::StoredBy,
    ];

    /// A stable name (`data-test`, CSS).
    pub fn key(self) -> &'static str {
        match self {
            EventColumn::Program => "program",
            EventColumn::OrgUnit => "orgUnit",
            EventColumn::Date => "date",
            EventColumn::Status => "status",
            EventColumn::StoredBy => "storedBy",
            EventColumn::LastUpdated => "lastUpdated",
            EventColumn::TrackedEntity => "trackedEntity",
        }
    }

    /// The field the server orders by, in the API's names.
    fn order_field(self, api: TrackerApi) -> &'static str {
        match (self, api.is_old()) {
            (EventColumn::Program, _) => "program",
            (EventColumn::OrgUnit, true) => "orgUnitName",
            (EventColumn::OrgUnit, false) => "orgUnit",
            (EventColumn::Date, true) => "eventDate",
            (EventColumn::Date, false) => "occurredAt",
            (EventColumn::Status, _) => "status",
            (EventColumn::StoredBy, _) => "storedBy",
            (EventColumn::LastUpdated, true) => "lastUpdated",
            (EventColumn::LastUpdated, false) => "updatedAt",
            (EventColumn::TrackedEntity, true) => "trackedEntityInstance",
            (EventColumn::TrackedEntity, false) => "trackedEntity",
        }
    }
}

/// The columns a user shows in the chosen-events table, in their order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventColumns {
    pub visible: Vec<EventColumn>,
}

impl Default for EventColumns {
    fn default() -> Self {
        EventColumns {
            visible: EventColumn::DEFAULT.to_vec(),
        }
    }
}

impl EventColumns {
    pub fn shows(&self, column: EventColumn) -> bool {
        self.visible.contains(&column)
    }

    /// Shows or hides a column, keeping the table's order; the last column stays.
    pub fn toggle(&mut self, column: EventColumn) {
        if self.shows(column) {
            if self.visible.len() > 1 {
                self.visible.retain(|c| *c != column);
            }
        } else {
            self.visible.push(column);
            self.visible
                .sort_by_key(|c| EventColumn::ALL.iter().position(|x| x == c));
        }
    }
}

/// The user's columns; the default ones when they never chose (or stored something this
/// version cannot read: a table is not worth an error).
pub async fn read_event_columns<T: Transport>(
    client: &Dhis2Client<T>,
) -> Result<EventColumns, StorageError> {
    let stored = get_user_key(client, USER_NAMESPACE, EVENT_COLUMNS_KEY).await?;
    Ok(stored
        .and_then(|value| serde_json::from_value::<EventColumns>(value).ok())
        .filter(|columns| !columns.visible.is_empty())
        .unwrap_or_default())
}

/// Saves the user's columns in their own user dataStore (nobody else reads it).
pub async fn save_event_columns<T: Transport>(
    client: &Dhis2Client<T>,
    columns: &EventColumns,
) -> Result<(), StorageError> {
    let value = serde_json::to_value(columns).map_err(|error| StorageError::Encode {
        key: EVENT_COLUMNS_KEY.into(),
        reason: error.to_string(),
    })?;
    save_user_key(client, USER_NAMESPACE, EVENT_COLUMNS_KEY, &value).await?;
    Ok(())
}

/// The date window of a period, for events or tracked entities, as the engine reads it (in
/// UTC: the listing is a preview, the run uses the server's zone).
pub fn period_window(
    period: &DatePeriod,
    field: DateField,
    now_millis: u64,
) -> Option<(DateField, String, String)> {
    if *period == DatePeriod::All {
        return None;
    }
    let selection = AggregatedSelection {
        period: period.clone(),
        ..AggregatedSelection::default()
    };
    let resolved = resolve_period(
        &selection,
        now_millis,
        &ServerZone::utc(),
        &RuleLastRun::default(),
    );
    let end = resolved.end.to_string();
    match resolved.last_updated {
        Some(since) => Some((DateField::Updated, since.get(..10)?.to_string(), end)),
        None => Some((field, resolved.start.to_string(), end)),
    }
}

/// The date field of an events period choice.
pub fn events_date_field(field: EventsPeriodField) -> DateField {
    match field {
        EventsPeriodField::Occurred => DateField::Occurred,
        EventsPeriodField::LastUpdated => DateField::Updated,
    }
}

/// The date field of a tracked entities period choice.
pub fn entities_date_field(field: TrackedEntitiesPeriodField) -> DateField {
    match field {
        TrackedEntitiesPeriodField::Enrollment => DateField::Enrolled,
        TrackedEntitiesPeriodField::LastUpdated => DateField::Updated,
    }
}

/// One page of a program's events, as the table asks for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventsListRequest {
    pub program: String,
    pub org_unit: String,
    pub descendants: bool,
    pub window: Option<(DateField, String, String)>,
    /// From 1.
    pub page: usize,
    pub page_size: usize,
    pub order: EventColumn,
    pub descending: bool,
}

impl EventsListRequest {
    /// The path and query: the engine's read of the API, with the total and the order.
    pub fn path(&self, api: TrackerApi) -> String {
        let query = TrackerQuery {
            program: self.program.clone(),
            org_unit: self.org_unit.clone(),
            descendants: self.descendants,
            window: self.window.clone(),
            ids: Vec::new(),
        };
        let base = page_path(
            api,
            TrackerKind::Events,
            &query,
            self.page.max(1),
            self.page_size.max(1),
        );
        let direction = if self.descending { "desc" } else { "asc" };
        format!(
            "{}&totalPages=true&order={}%3A{direction}",
            base.replace("&totalPages=false", ""),
            self.order.order_field(api)
        )
    }
}

/// An event as the table shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedEvent {
    pub id: String,
    pub program: String,
    pub org_unit: String,
    /// The org unit's name where the API gives it (old API, 2.36–2.40).
    pub org_unit_name: Option<String>,
    /// `yyyy-MM-dd` of the event's date.
    pub date: String,
    pub status: String,
    pub stored_by: String,
    pub last_updated: String,
    /// Tracker programs: the event's tracked entity.
    pub tracked_entity: Option<String>,
}

/// A page of the table, with the total where the server counted it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventsListPage {
    pub events: Vec<ListedEvent>,
    pub page: usize,
    pub page_count: usize,
    pub total: Option<usize>,
    pub has_next: bool,
}

fn text(value: &Value, keys: &[&str]) -> String {
    keys.iter()
        .find_map(|key| value.get(*key).and_then(Value::as_str))
        .unwrap_or_default()
        .to_string()
}

fn day(text: String) -> String {
    text.get(..10).map(str::to_string).unwrap_or(text)
}

fn listed(value: &Value) -> Option<ListedEvent> {
    let id = text(value, &["event"]);
    if id.is_empty() {
        return None;
    }
    // 2.41 exports `storedBy` as text and users as objects; older ones as text.
    let stored_by = text(value, &["storedBy"]);
    let tracked_entity = text(value, &["trackedEntity", "trackedEntityInstance"]);
    Some(ListedEvent {
        id,
        program: text(value, &["program"]),
        org_unit: text(value, &["orgUnit"]),
        org_unit_name: Some(text(value, &["orgUnitName"])).filter(|n| !n.is_empty()),
        date: day(text(value, &["occurredAt", "eventDate"])),
        status: text(value, &["status"]),
        stored_by,
        last_updated: day(text(value, &["updatedAt", "lastUpdated"])),
        tracked_entity: Some(tracked_entity).filter(|t| !t.is_empty()),
    })
}

fn count(value: Option<&Value>, key: &str) -> Option<usize> {
    value
        .and_then(|v| v.get(key))
        .and_then(Value::as_u64)
        .and_then(|n| usize::try_from(n).ok())
}

/// Reads an answer of [`EventsListRequest::path`]: the list of each API's envelope and its
/// pager (`pager` in the old API and 2.41+, top-level in 2.36–2.40).
pub fn decode_events_list(
    mut body: Value,
    api: TrackerApi,
    request: &EventsListRequest,
) -> Option<EventsListPage> {
    let items = take_items(&mut body, api, TrackerKind::Events)?;
    let pager = body.get("pager").or(Some(&body));
    let total = count(pager, "total");
    let page_size = count(pager, "pageSize").unwrap_or(request.page_size).max(1);
    let page = count(pager, "page").unwrap_or(request.page).max(1);
    let page_count = count(pager, "pageCount")
        .or_else(|| total.map(|t| t.div_ceil(page_size)))
        .unwrap_or(page);
    let has_next = match total {
        Some(_) => page < page_count,
        None => items.len() >= page_size,
    };
    Some(EventsListPage {
        events: items.iter().filter_map(listed).collect(),
        page,
        page_count,
        total,
        has_next,
    })
}

/// One page of the table from the origin, with the API of its version.
pub async fn fetch_events_list<T: Transport>(
    client: &Dhis2Client<T>,
    version: &Version,
    request: &EventsListRequest,
) -> Result<EventsListPage, Dhis2Error> {
    let api = TrackerApi::for_version(version);
    let path = request.path(api);
    let body: Value = client.get_json(&path).await?;
    decode_events_list(body, api, request).ok_or_else(|| Dhis2Error::Decode {
        url: client.url(&path),
        reason: "no list of events in the answer".into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn request() -> EventsListRequest {
        EventsListRequest {
            program: "eBAyeGv0exc".into(),
            org_unit: "ImspTQPwCqd".into(),
            descendants: true,
            window: Some((
                DateField::Occurred,
                "2025-01-01".into(),
                "2025-12-31".into(),
            )),
            page: 2,
            page_size: 20,
            order: EventColumn::Date,
            descending: true,
        }
    }

    #[test]
    fn each_api_is_asked_with_its_names_a_total_and_an_order() {
        let old = request().path(TrackerApi::Old);
        assert!(old.starts_with("api/events?program=eBAyeGv0exc&orgUnit=ImspTQPwCqd&ouMode=DESCENDANTS&startDate=2025-01-01"));
        assert!(old.ends_with("&page=2&pageSize=20&totalPages=true&order=eventDate%3Adesc"));
        assert!(!old.contains("totalPages=false"));
        let modern = request().path(TrackerApi::Modern);
        assert!(modern.contains("orgUnitMode=DESCENDANTS&occurredAfter=2025-01-01"));
        assert!(modern.ends_with("&totalPages=true&order=occurredAt%3Adesc"));
        let mut by_unit = request();
        by_unit.order = EventColumn::OrgUnit;
        by_unit.descending = false;
        assert!(by_unit
            .path(TrackerApi::Old)
            .ends_with("order=orgUnitName%3Aasc"));
        assert!(by_unit
            .path(TrackerApi::New)
            .ends_with("order=orgUnit%3Aasc"));
    }

    #[test]
    fn every_envelope_gives_rows_and_a_pager() {
        let old = json!({
            "pager": {"page": 2, "pageCount": 3, "total": 45, "pageSize": 20},
            "events": [{"event": "Evt00000001", "program": "eBAyeGv0exc", "orgUnit": "DiszpKrYNg8",
                "orgUnitName": "Ngelehun CHC", "eventDate": "2025-03-04T00:00:00.000",
                "status": "COMPLETED", "storedBy": "admin", "lastUpdated": "2025-03-05T10:00:00.000"}]
        });
        let page = decode_events_list(old, TrackerApi::Old, &request()).expect("old");
        assert_eq!((page.page, page.page_count, page.total), (2, 3, Some(45)));
        assert!(page.has_next);
        let event = &page.events[0];
        assert_eq!(event.date, "2025-03-04");
        assert_eq!(event.org_unit_name.as_deref(), Some("Ngelehun CHC"));
        assert_eq!(event.last_updated, "2025-03-05");
        let new = json!({"page": 3, "pageSize": 20, "total": 45, "pageCount": 3,
            "instances": [{"event": "Evt00000002", "occurredAt": "2025-04-01T00:00:00",
                "trackedEntity": "Tei00000001", "status": "ACTIVE"}]});
        let page = decode_events_list(new, TrackerApi::New, &request()).expect("new");
        assert!(!page.has_next);
        assert_eq!(
            page.events[0].tracked_entity.as_deref(),
            Some("Tei00000001")
        );
        let modern = json!({"pager": {"page": 1, "pageSize": 20}, "events": [{"event": "E1"}]});
        let page = decode_events_list(modern, TrackerApi::Modern, &request()).expect("modern");
        assert_eq!((page.total, page.has_next), (None, false));
        assert!(decode_events_list(json!("<html>"), TrackerApi::Modern, &request()).is_none());
    }

    #[test]
    fn columns_toggle_in_table_order_and_never_all_go() {
        let mut columns = EventColumns::default();
        columns.toggle(EventColumn::TrackedEntity);
        columns.toggle(EventColumn::LastUpdated);
        assert_eq!(
            columns.visible[5..],
            [EventColumn::LastUpdated, EventColumn::TrackedEntity]
        );
        for column in EventColumn::ALL {
            columns.toggle(column);
        }
        assert_eq!(columns.visible.len(), 1);
        let stored = serde_json::to_value(&columns).expect("json");
        let back: EventColumns = serde_json::from_value(stored).expect("back");
        assert_eq!(back, columns);
    }

    #[test]
    fn a_period_becomes_the_window_of_its_field() {
        // 2026-06-15 at noon, UTC.
        let now = 1_781_524_800_000;
        let window = period_window(&DatePeriod::LastYear, DateField::Occurred, now);
        assert_eq!(
            window,
            Some((
                DateField::Occurred,
                "2025-01-01".into(),
                "2025-12-31".into()
            ))
        );
        assert_eq!(
            period_window(&DatePeriod::All, DateField::Enrolled, now),
            None
        );
        assert_eq!(
            events_date_field(EventsPeriodField::LastUpdated),
            DateField::Updated
        );
    }
}
