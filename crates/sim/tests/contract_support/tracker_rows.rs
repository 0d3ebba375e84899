//! Contract rows for the old tracker API (ImportSummaries and exports, 2.30–2.41), and the
//! payloads, helpers and explained exceptions the new tracker rows share.

use crate::{get, post, reference, Row, Seed, Step};
use dhis2_sim::tracker::convert::{to_old, Kind};
use serde_json::{json, Value};

pub(crate) const EVENTS: &str = "payloads/tracker/events/events.json";
pub(crate) const NEW_EVENTS: &str = "payloads/tracker/importer/events/events.json";
pub(crate) const ENTITIES: &str =
    "payloads/tracker/importer/trackedEntities/trackedEntitiesWithEnrollmentsAndEvents.json";

/// Old events: an unknown org unit (an ERROR summary with a description) and a value that is
/// not a number (a conflict), next to two good events.
fn old_events_with_errors() -> String {
    let mut events = reference(EVENTS);
    events["events"][0]["orgUnit"] = json!("NoSuchUnit1");
    events["events"][1]["dataValues"][0]["value"] = json!("not a number");
    events.to_string()
}

/// The reference tracked entities in the old API's form.
fn old_entities() -> Value {
    let payload = reference(ENTITIES);
    let entities: Vec<Value> = payload["trackedEntities"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|entity| to_old(entity, Kind::TrackedEntity))
        .collect();
    json!({ "trackedEntityInstances": entities })
}

/// Old tracked entities whose first event has a value that is not a number (a conflict in the
/// nested event summary; the entity itself imports).
fn old_entities_with_event_conflict() -> String {
    let mut entities = old_entities();
    entities["trackedEntityInstances"][0]["enrollments"][0]["events"][0]["dataValues"][0]
        ["value"] = json!("not a number");
    entities.to_string()
}

/// Old tracked entities whose first one has an unknown org unit.
fn old_entities_with_unknown_org_unit() -> String {
    let mut entities = old_entities();
    entities["trackedEntityInstances"][0]["orgUnit"] = json!("NoSuchUnit1");
    entities.to_string()
}

/// The reference payload at `relative` with only the first of its `key` list: the recordings
/// of one successful import (`imported`/`created` 1 of `total` 1).
pub(crate) fn first_only(relative: &str, key: &str) -> String {
    let mut payload = reference(relative);
    if let Some(list) = payload.get_mut(key).and_then(Value::as_array_mut) {
        list.truncate(1);
    }
    payload.to_string()
}

/// An org unit under Sierra Leone (in the accounts' capture scope) that no reference program is
/// assigned to, and the two programs the android SDK's conflict recordings name, assigned to Bo
/// only: the world those recordings were made in (E1029 / E1041 "… don't match").
pub(crate) fn recorded_world() -> Step {
    let body = json!({
        "organisationUnits": [{ "id": "ABJTilhqOCW", "name": "Unassigned facility",
            "shortName": "Unassigned facility", "openingDate": "2020-01-01T00:00:00.000",
            "parent": { "id": "ImspTQPwCqd" } }],
        "programs": [
            { "id": "q04UBOqq3rp", "name": "Recorded event program",
              "shortName": "Recorded event program", "programType": "WITHOUT_REGISTRATION",
              "organisationUnits": [{ "id": "O6uvpzGd5pu" }],
              "programStages": [{ "id": "RecStage001" }] },
            { "id": "IpHINAT79UW", "name": "Recorded tracker program",
              "shortName": "Recorded tracker program", "programType": "WITH_REGISTRATION",
              "trackedEntityType": { "id": "Q9GufDoplCL" },
              "organisationUnits": [{ "id": "O6uvpzGd5pu" }] }
        ],
        "programStages": [{ "id": "RecStage001", "name": "Recorded stage",
            "program": { "id": "q04UBOqq3rp" } }]
    });
    post("/api/metadata", &body.to_string())
}

/// A new-tracker event of the recorded event program.
pub(crate) fn recorded_event(uid: &str, unit: &str) -> Value {
    json!({ "event": uid, "program": "q04UBOqq3rp", "programStage": "RecStage001",
        "orgUnit": unit, "status": "ACTIVE", "occurredAt": "2023-01-10T00:00:00.000" })
}

/// An old-API event of the reference event program.
pub(crate) fn old_event(uid: &str, unit: &str) -> Value {
    json!({ "event": uid, "program": "Zd2rkv8FsWq", "programStage": "jKLB23QZS4I",
        "orgUnit": unit, "status": "ACTIVE", "eventDate": "2023-01-10" })
}

/// The reference tracked entities without enrollments (`trackedEntities.json`), old form.
pub(crate) fn old_bare_entities() -> String {
    let payload = reference("payloads/tracker/importer/trackedEntities/trackedEntities.json");
    let entities: Vec<Value> = payload["trackedEntities"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|entity| to_old(entity, Kind::TrackedEntity))
        .collect();
    json!({ "trackedEntityInstances": entities }).to_string()
}

/// Three events with an attribute option combo whose option (`fjvZIRlTBrp`, public
/// `rw------`) the configurator may not write, the first `good` ones with the default combo,
/// posted by the configurator once the program is shared with everyone.
pub(crate) fn events_without_option_access(good: usize) -> (Vec<Step>, Step) {
    let sharing = json!({ "object": { "publicAccess": "rwrw----" } });
    let setup = vec![post(
        "/api/sharing?type=program&id=Zd2rkv8FsWq",
        &sharing.to_string(),
    )];
    let events: Vec<Value> = ["event1Id001", "event2Id001", "event3Id001"]
        .iter()
        .enumerate()
        .map(|(index, uid)| {
            let mut event = old_event(uid, "O6uvpzGd5pu");
            if index >= good {
                event["attributeOptionCombo"] = json!("igZVvNyxlTM");
            }
            event
        })
        .collect();
    let body = json!({ "events": events }).to_string();
    (
        setup,
        (
            "configurator",
            "POST",
            "/api/events".to_string(),
            Some(body),
        ),
    )
}

pub(crate) fn sync(body: String) -> Step {
    post("/api/tracker?async=false", &body)
}

pub(crate) fn entities_imported() -> Vec<Step> {
    vec![sync(reference(ENTITIES).to_string())]
}

/// The uid of the first enrollment of the reference tracked entities.
pub(crate) fn first_enrollment() -> String {
    reference(ENTITIES)["trackedEntities"][0]["enrollments"][0]["enrollment"]
        .as_str()
        .unwrap_or("missing")
        .to_string()
}

pub(crate) type Exceptions = &'static [(&'static str, &'static str)];

// Why a recorded key may be absent: the recording's objects had data the replayed reference
// payloads have not (DHIS2 leaves out null properties)...
pub(crate) const ONLY_COMPLETED: &str =
    "sent only for COMPLETED objects; the replayed ones are ACTIVE";
pub(crate) const NO_GEOMETRY: &str =
    "sent only when the object has a geometry; the payload has none";
pub(crate) const NO_NOTES: &str = "the recorded object has notes; the replayed payload has none";
pub(crate) const NO_RELATIONSHIPS: &str =
    "the recorded object has relationships; the payload has none";
pub(crate) const NOT_ASSIGNED: &str = "sent only for assigned events; the payload assigns none";
pub(crate) const CLIENT_DATES: &str = "sent only when the client gave it; the payload does not";
pub(crate) const NOT_SCHEDULED: &str = "sent only for scheduled events; the payload schedules none";
pub(crate) const EVENT_PROGRAM: &str =
    "sent only for events of tracker programs; the query reads an \
     event program";
pub(crate) const OLD_NAME: &str =
    "the (hand-made) recording puts the old API's trackedEntityInstance into a \
     new-tracker event; DHIS2 2.36+ sends trackedEntity";
pub(crate) const COORDINATES: &str =
    "pre-2.30 property, replaced by geometry; 2.39 does not send it";
// ...and where the simulator differs from DHIS2 (reported; the fixes belong in
// src/tracker/old_api.rs and new_import.rs, which were being refactored at the time).
pub(crate) const SIM_TOTAL: &str =
    "simulator differs: nested ImportSummaries (enrollments, events) lack \
     `total`, which 2.36 sends at every level like the top one";
pub(crate) const SIM_OPTIONS: &str =
    "simulator differs: ImportSummaries of rejected tracked entities lack \
     importOptions (accepted ones carry them)";
pub(crate) const SIM_STORED_BY: &str =
    "simulator differs: DHIS2 records the importing user as storedBy \
     when the payload gives none; the simulator stores the payload as sent";
pub(crate) const SIM_TIMESTAMPS: &str =
    "simulator differs: attribute and data values keep no server \
     created/lastUpdated timestamps";
pub(crate) const SIM_NESTED_EVENTS: &str =
    "simulator differs: events nested in a tracked entity lack the \
     href/orgUnitName the top-level event export has";
pub(crate) const SIM_ENROLLMENT: &str =
    "simulator differs: old-API enrollments lack the server-filled \
     trackedEntityType and orgUnitName";
pub(crate) const SIM_ENROLLMENT_NEW: &str =
    "simulator differs: enrollments lack the server-filled \
     orgUnitName";
pub(crate) const SIM_DEFAULT_COMBO: &str =
    "simulator differs: DHIS2 fills in the default attribute option \
     combo of an enrollment when the payload gives none; the simulator stores it as sent \
     (events get it on export: src/tracker/new_export.rs)";
pub(crate) const SIM_JOB_PARAMETERS: &str =
    "simulator differs: DHIS2 attaches the job's parameters to one \
     notification (dataType PARAMETERS); the simulator's notifications carry no data";

pub(crate) fn excepting(mut row: Row, exceptions: Exceptions) -> Row {
    row.exceptions = exceptions;
    row
}

pub(crate) fn row(
    recording: &'static str,
    version: &'static str,
    answer_at: &'static str,
    steps: fn(&Value) -> (Vec<Step>, Step),
) -> Row {
    Row {
        recording,
        version,
        seed: Seed::Tracker,
        answer_at,
        steps,
        exact: false,
        exceptions: &[],
    }
}

pub fn rows() -> Vec<Row> {
    let events_bad = |_: &Value| (vec![], post("/api/events", &old_events_with_errors()));
    let entities_ok = |_: &Value| {
        let body = old_entities().to_string();
        (vec![], post("/api/trackedEntityInstances", &body))
    };
    let entities_bad = |_: &Value| {
        let body = old_entities_with_event_conflict();
        (vec![], post("/api/trackedEntityInstances", &body))
    };
    let entity_bad = |_: &Value| {
        let body = old_entities_with_unknown_org_unit();
        (vec![], post("/api/trackedEntityInstances", &body))
    };
    vec![
        row(
            "imports/tracker-importer/event-ok-old.json",
            "2.36",
            "",
            |_| (vec![], post("/api/events", &first_only(EVENTS, "events"))),
        ),
        // Two events at an org unit the program is not assigned to.
        row(
            "imports/tracker-importer/event-conflict-old.json",
            "2.36",
            "",
            |_| {
                let body = json!({ "events": [old_event("STPIK5YTi4f", "ABJTilhqOCW"),
                    old_event("sjSyAZLTOfK", "ABJTilhqOCW")] });
                (
                    vec![recorded_world()],
                    post("/api/events", &body.to_string()),
                )
            },
        ),
        // A user who may write the program but not the attribute option combo's option.
        row(
            "imports/web_response_with_event_import_conflicts.json",
            "2.36",
            "",
            |_| events_without_option_access(0),
        ),
        row(
            "imports/web_response_with_event_import_conflicts2.json",
            "2.36",
            "",
            |_| events_without_option_access(1),
        ),
        row("imports/import_event.json", "2.36", "/response", events_bad),
        // Two entities without enrollments.
        excepting(
            row("imports/tracker-importer/tei-old.json", "2.36", "", |_| {
                (
                    vec![],
                    post("/api/trackedEntityInstances", &old_bare_entities()),
                )
            }),
            &[("$.response.importSummaries[].enrollments.total", SIM_TOTAL)],
        ),
        // The same two entities again: updated.
        row("imports/web_response.json", "2.36", "", |_| {
            let setup = vec![post("/api/trackedEntityInstances", &old_bare_entities())];
            (
                setup,
                post("/api/trackedEntityInstances", &old_bare_entities()),
            )
        }),
        // One entity with one enrollment and no events.
        excepting(
            row(
                "imports/web_response_with_empty_events.json",
                "2.36",
                "",
                |_| {
                    let mut entities = old_entities();
                    let list = entities["trackedEntityInstances"].as_array_mut();
                    if let Some(list) = list {
                        list.truncate(1);
                    }
                    entities["trackedEntityInstances"][0]["enrollments"][0]["events"] = json!([]);
                    (
                        vec![],
                        post("/api/trackedEntityInstances", &entities.to_string()),
                    )
                },
            ),
            &[
                ("$.response.importSummaries[].enrollments.total", SIM_TOTAL),
                (
                    "$.response.importSummaries[].enrollments.importSummaries[].events.total",
                    SIM_TOTAL,
                ),
            ],
        ),
        row(
            "imports/import_summaries.json",
            "2.36",
            "/response",
            entities_ok,
        ),
        row(
            "imports/import_summary_with_event_conflicts.json",
            "2.36",
            "/response/importSummaries/0",
            entities_bad,
        ),
        row(
            "imports/import_enrollment.json",
            "2.36",
            "/response/importSummaries/0/enrollments",
            entities_bad,
        ),
        row(
            "imports/web_response_with_import_conflicts.json",
            "2.36",
            "",
            entities_bad,
        ),
        row(
            "imports/web_response_with_import_conflicts_2.json",
            "2.36",
            "",
            entities_bad,
        ),
        row(
            "imports/web_response_with_import_conflicts_3.json",
            "2.36",
            "",
            entities_bad,
        ),
        excepting(
            row(
                "imports/import_summary_with_tei_conflicts.json",
                "2.36",
                "/response/importSummaries/0",
                entity_bad,
            ),
            &[("$.importOptions", SIM_OPTIONS)],
        ),
        excepting(
            row("event/events_1.json", "2.36", "", events_list),
            &[
                ("$.events[].completedDate", ONLY_COMPLETED),
                (
                    "$.events[].coordinate",
                    "the recorded event has a coordinate (pre-2.32 property, next to geometry); \
                     the replayed payload has none",
                ),
            ],
        ),
        excepting(
            row("event/events_with_uids.json", "2.36", "", events_list),
            &[
                ("$.events[].completedDate", ONLY_COMPLETED),
                ("$.events[].dataValues[].storedBy", SIM_STORED_BY),
                (
                    "$.events[].href",
                    "simulator differs: the old events list carries no href per event (the \
                     android SDK asks for it in `fields`); not relied upon by the sync",
                ),
            ],
        ),
        excepting(
            row("event/events.json", "2.36", "", events_list),
            &[
                ("$.events[].completedDate", ONLY_COMPLETED),
                ("$.events[].dataValues[].storedBy", SIM_STORED_BY),
                ("$.events[].geometry", NO_GEOMETRY),
                ("$.events[].notes", NO_NOTES),
                ("$.events[].relationships", NO_RELATIONSHIPS),
                ("$.events[].assignedUser", NOT_ASSIGNED),
                ("$.events[].trackedEntityInstance", EVENT_PROGRAM),
            ],
        ),
        excepting(
            row(
                "trackedentity/tracked_entity_instances.json",
                "2.39",
                "",
                |_| {
                    let path =
                        "/api/trackedEntityInstances?ou=O6uvpzGd5pu&program=f1AyMswryyQ&fields=*";
                    (entities_imported(), get("admin", path))
                },
            ),
            &[
                (
                    "$.trackedEntityInstances[].attributes[].created",
                    SIM_TIMESTAMPS,
                ),
                (
                    "$.trackedEntityInstances[].attributes[].lastUpdated",
                    SIM_TIMESTAMPS,
                ),
                ("$.trackedEntityInstances[].createdAtClient", CLIENT_DATES),
                (
                    "$.trackedEntityInstances[].lastUpdatedAtClient",
                    CLIENT_DATES,
                ),
                (
                    "$.trackedEntityInstances[].enrollments[].createdAtClient",
                    CLIENT_DATES,
                ),
                (
                    "$.trackedEntityInstances[].enrollments[].lastUpdatedAtClient",
                    CLIENT_DATES,
                ),
                (
                    "$.trackedEntityInstances[].enrollments[].events[].completedBy",
                    ONLY_COMPLETED,
                ),
                (
                    "$.trackedEntityInstances[].enrollments[].events[].completedDate",
                    ONLY_COMPLETED,
                ),
                (
                    "$.trackedEntityInstances[].enrollments[].events[].dataValues[].created",
                    SIM_TIMESTAMPS,
                ),
                (
                    "$.trackedEntityInstances[].enrollments[].events[].geometry",
                    NO_GEOMETRY,
                ),
                (
                    "$.trackedEntityInstances[].enrollments[].geometry",
                    NO_GEOMETRY,
                ),
                ("$.trackedEntityInstances[].geometry", NO_GEOMETRY),
                (
                    "$.trackedEntityInstances[].enrollments[].events[].href",
                    SIM_NESTED_EVENTS,
                ),
                (
                    "$.trackedEntityInstances[].enrollments[].events[].orgUnitName",
                    SIM_NESTED_EVENTS,
                ),
                (
                    "$.trackedEntityInstances[].enrollments[].events[].notes",
                    NO_NOTES,
                ),
                ("$.trackedEntityInstances[].enrollments[].notes", NO_NOTES),
                (
                    "$.trackedEntityInstances[].enrollments[].events[].storedBy",
                    SIM_STORED_BY,
                ),
                ("$.trackedEntityInstances[].relationships", NO_RELATIONSHIPS),
                ("$.trackedEntityInstances[].coordinates", COORDINATES),
            ],
        ),
        excepting(
            row("enrollment/enrollment.json", "2.39", "", |_| {
                let path = format!("/api/enrollments/{}", first_enrollment());
                (entities_imported(), get("admin", &path))
            }),
            &[
                ("$.completedDate", ONLY_COMPLETED),
                ("$.geometry", NO_GEOMETRY),
                ("$.notes", NO_NOTES),
                ("$.orgUnitName", SIM_ENROLLMENT),
                ("$.relationships", NO_RELATIONSHIPS),
                ("$.trackedEntityType", SIM_ENROLLMENT),
            ],
        ),
    ]
}

/// The old events list after the e2e events are imported (`event/events.json` and its android
/// SDK variants).
fn events_list(_: &Value) -> (Vec<Step>, Step) {
    let setup = vec![post("/api/events", &reference(EVENTS).to_string())];
    (
        setup,
        get(
            "admin",
            "/api/events?program=Zd2rkv8FsWq&orgUnit=ImspTQPwCqd&ouMode=DESCENDANTS&totalPages=true",
        ),
    )
}
