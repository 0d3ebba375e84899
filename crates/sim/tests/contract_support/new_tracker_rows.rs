//! Contract rows for the new tracker API (2.36+): sync import reports, async jobs and their
//! notifications and reports, and the `/api/tracker/*` exports with their 2.41 envelope switch.

use crate::tracker_rows::*;
use crate::{get, post, reference, Row};
use serde_json::{json, Value};

pub fn rows() -> Vec<Row> {
    let job = |_: &Value| {
        (
            vec![],
            post("/api/tracker", &reference(NEW_EVENTS).to_string()),
        )
    };
    // A job runs for one poll: the setup polls once, the request sees it done.
    let job_notes = |_: &Value| {
        let setup = vec![
            post("/api/tracker", &reference(NEW_EVENTS).to_string()),
            get("admin", "/api/tracker/jobs/{job}"),
        ];
        (setup, get("admin", "/api/tracker/jobs/{job}"))
    };
    // One event imported before, then again as a job: "0 created, 1 updated".
    let job_notes_update = |_: &Value| {
        let setup = vec![
            sync(first_only(NEW_EVENTS, "events")),
            post("/api/tracker", &first_only(NEW_EVENTS, "events")),
            get("admin", "/api/tracker/jobs/{job}"),
        ];
        (setup, get("admin", "/api/tracker/jobs/{job}"))
    };
    let job_report = |_: &Value| {
        let setup = vec![
            post("/api/tracker", &reference(NEW_EVENTS).to_string()),
            get("admin", "/api/tracker/jobs/{job}"),
            get("admin", "/api/tracker/jobs/{job}"),
        ];
        (setup, get("admin", "/api/tracker/jobs/{job}/report"))
    };
    // An event of a tracker program without an enrollment (E1033).
    let job_report_bad = |_: &Value| {
        let event = json!({ "events": [{ "event": "PXi7gfVIk1p", "program": "f1AyMswryyQ",
            "programStage": "nlXNK4b7LVr", "orgUnit": "O6uvpzGd5pu", "status": "ACTIVE",
            "occurredAt": "2023-01-10T00:00:00.000" }] });
        let setup = vec![
            post("/api/tracker", &event.to_string()),
            get("admin", "/api/tracker/jobs/{job}"),
            get("admin", "/api/tracker/jobs/{job}"),
        ];
        (setup, get("admin", "/api/tracker/jobs/{job}/report"))
    };
    let events_export = |_: &Value| {
        let setup = vec![sync(reference(NEW_EVENTS).to_string())];
        (
            setup,
            get(
                "admin",
                "/api/tracker/events?program=Zd2rkv8FsWq&orgUnit=ImspTQPwCqd&ouMode=DESCENDANTS",
            ),
        )
    };
    let entities_export = |_: &Value| {
        let path = "/api/tracker/trackedEntities?program=f1AyMswryyQ&orgUnit=O6uvpzGd5pu&fields=*";
        (entities_imported(), get("admin", path))
    };
    vec![
        row(
            "imports/tracker-importer/event-ok-new.json",
            "2.36",
            "",
            |_| (vec![], sync(first_only(NEW_EVENTS, "events"))),
        ),
        // The recorded messages name objects as "OrganisationUnit (uid)": 2.36–2.37.
        row(
            "imports/tracker-importer/event-conflict-new.json",
            "2.37",
            "",
            |_| {
                let body = json!({ "events": [recorded_event("STPIK5YTi4f", "ABJTilhqOCW")] });
                (vec![recorded_world()], sync(body.to_string()))
            },
        ),
        row(
            "imports/web_response_with_event_import_conflicts_new.json",
            "2.37",
            "",
            |_| {
                let body = unassigned_events(&[], &["event1Id", "event2Id", "event3Id"]);
                (vec![recorded_world()], sync(body))
            },
        ),
        // One good event is created next to the failed ones: atomicMode=OBJECT.
        row(
            "imports/web_response_with_event_import_conflicts2_new.json",
            "2.37",
            "",
            |_| {
                let body = unassigned_events(&["event1Id"], &["event2Id", "event3Id"]);
                (
                    vec![recorded_world()],
                    post("/api/tracker?async=false&atomicMode=OBJECT", &body),
                )
            },
        ),
        row("imports/tracker-importer/tei-new.json", "2.36", "", |_| {
            let body = first_only(
                "payloads/tracker/importer/trackedEntities/trackedEntities.json",
                "trackedEntities",
            );
            (vec![], sync(body))
        }),
        // An entity whose enrollment's org unit is not one of the program's (E1041); atomic
        // mode ALL ignores both.
        row(
            "imports/tracker-importer/tei-with-enrollment-error-new.json",
            "2.37",
            "",
            |_| {
                let body = json!({ "trackedEntities": [{ "trackedEntity": "TeRecorded1",
                    "trackedEntityType": "Q9GufDoplCL", "orgUnit": "O6uvpzGd5pu",
                    "enrollments": [{ "enrollment": "XJPm2lZzxtq", "program": "IpHINAT79UW",
                        "orgUnit": "ABJTilhqOCW", "status": "ACTIVE",
                        "enrolledAt": "2023-01-01T00:00:00.000",
                        "occurredAt": "2023-01-01T00:00:00.000" }] }] });
                (vec![recorded_world()], sync(body.to_string()))
            },
        ),
        row(
            "imports/tracker-importer/job_response.json",
            "2.38",
            "",
            job,
        ),
        excepting(
            row(
                "imports/tracker-importer/job_response_completed.json",
                "2.41",
                "",
                job_notes_update,
            ),
            &[
                ("$[].data", SIM_JOB_PARAMETERS),
                ("$[].dataType", SIM_JOB_PARAMETERS),
            ],
        ),
        excepting(
            row("tracker/importer/jobinfo.json", "2.38", "/0", job_notes),
            &[(
                "$.message",
                "the recording's user (android) and import time (0.360910 sec.) are the \
                 recording server's: the simulator's job says \"(admin) Import:Done took … sec.\"",
            )],
        ),
        row(
            "tracker/importer/jobreport-success.json",
            "2.38",
            "",
            job_report,
        ),
        row(
            "tracker/importer/jobreport-error.json",
            "2.38",
            "",
            job_report_bad,
        ),
        excepting(
            row(
                "event/new_tracker_importer_events_lower_v41.json",
                "2.40",
                "",
                events_export,
            ),
            &[
                ("$.instances[].scheduledAt", NOT_SCHEDULED),
                ("$.instances[].trackedEntityInstance", OLD_NAME),
            ],
        ),
        excepting(
            row(
                "event/new_tracker_importer_events_greater_equal_v41.json",
                "2.41",
                "",
                events_export,
            ),
            &[
                ("$.events[].scheduledAt", NOT_SCHEDULED),
                ("$.events[].trackedEntityInstance", OLD_NAME),
            ],
        ),
        row(
            "trackedentity/new_tracker_importer_tracked_entities_lower_v41.json",
            "2.40",
            "",
            entities_export,
        ),
        row(
            "trackedentity/new_tracker_importer_tracked_entities_greater_equal_v41.json",
            "2.41",
            "",
            entities_export,
        ),
        excepting(
            row(
                "enrollment/new_tracker_importer_enrollment.json",
                "2.41",
                "",
                |_| {
                    let path = format!("/api/tracker/enrollments/{}?fields=*", first_enrollment());
                    (entities_imported(), get("admin", &path))
                },
            ),
            &[
                ("$.attributeOptionCombo", SIM_DEFAULT_COMBO),
                ("$.completedAt", ONLY_COMPLETED),
                ("$.completedBy", ONLY_COMPLETED),
                ("$.createdAtClient", CLIENT_DATES),
                ("$.updatedAtClient", CLIENT_DATES),
                ("$.orgUnitName", SIM_ENROLLMENT_NEW),
            ],
        ),
    ]
}

/// Events at an org unit the recorded program is not assigned to (E1029), by uid, after the
/// `good` ones at an assigned org unit.
fn unassigned_events(good: &[&str], bad: &[&str]) -> String {
    let mut events: Vec<Value> = good
        .iter()
        .map(|uid| recorded_event(uid, "O6uvpzGd5pu"))
        .collect();
    events.extend(bad.iter().map(|uid| recorded_event(uid, "ABJTilhqOCW")));
    json!({ "events": events }).to_string()
}
