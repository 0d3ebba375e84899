//! Contract rows for the new tracker API (2.36+): sync import reports, async jobs and their
//! notifications and reports, and the `/api/tracker/*` exports with their 2.41 envelope switch.

use crate::tracker_rows::*;
use crate::{get, post, reference, Row};
use serde_json::Value;

pub fn rows() -> Vec<Row> {
    let events_bad = |_: &Value| (vec![], sync(new_events_with_errors()));
    let entities_ok = |_: &Value| (vec![], sync(reference(ENTITIES).to_string()));
    let job = |_: &Value| {
        (
            vec![],
            post("/api/tracker", &reference(NEW_EVENTS).to_string()),
        )
    };
    let job_notes = |_: &Value| {
        let setup = vec![post("/api/tracker", &reference(NEW_EVENTS).to_string())];
        (setup, get("admin", "/api/tracker/jobs/{job}"))
    };
    let job_report = |_: &Value| {
        let setup = vec![post("/api/tracker", &reference(NEW_EVENTS).to_string())];
        (setup, get("admin", "/api/tracker/jobs/{job}/report"))
    };
    let job_report_bad = |_: &Value| {
        let setup = vec![post("/api/tracker", &new_events_with_errors())];
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
        row(
            "imports/tracker-importer/event-conflict-new.json",
            "2.40",
            "",
            events_bad,
        ),
        row(
            "imports/web_response_with_event_import_conflicts_new.json",
            "2.40",
            "",
            events_bad,
        ),
        // One good event is created next to the failed ones: atomicMode=OBJECT.
        row(
            "imports/web_response_with_event_import_conflicts2_new.json",
            "2.36",
            "",
            |_| {
                let body = new_events_with_errors();
                (
                    vec![],
                    post("/api/tracker?async=false&atomicMode=OBJECT", &body),
                )
            },
        ),
        row(
            "imports/tracker-importer/tei-new.json",
            "2.36",
            "",
            entities_ok,
        ),
        row(
            "imports/tracker-importer/tei-with-enrollment-error-new.json",
            "2.40",
            "",
            |_| (vec![], sync(entities_with_enrollment_error())),
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
                "2.38",
                "",
                job_notes,
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
                "simulator differs: DHIS2 before 2.41 ends a tracker job with the user and the \
                 timings (`DefaultTrackerImportService.endImport`: \"… Import:Done\"); the \
                 simulator writes 2.41's \"Import complete with status …\" on every version",
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
