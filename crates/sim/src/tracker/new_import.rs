//! `POST /api/tracker` (2.36+): sync import reports and async jobs with `/api/tracker/jobs/{id}`
//! and `/api/tracker/jobs/{id}/report`.

use super::access::Importer;
use super::bundle::{apply, Action, Bundle, ObjectResult, Strategy, TYPES};
use super::jobs::TrackerJob;
use super::TrackerStore;
use crate::data_values::summary::web_message;
use crate::metadata::MetadataStore;
use crate::{RequestContext, SimResponse, SimVersion};
use serde_json::{json, Map, Value};

fn stats(results: &[&ObjectResult]) -> Value {
    let count = |action| results.iter().filter(|r| r.action == action).count();
    json!({
        "created": count(Action::Created),
        "updated": count(Action::Updated),
        "deleted": count(Action::Deleted),
        "ignored": count(Action::Ignored),
        "total": results.len(),
    })
}

/// How much the import report tells (`reportMode`, default `ERRORS`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportMode {
    Errors,
    Warnings,
    Full,
}

impl ReportMode {
    pub fn parse(text: Option<&str>) -> ReportMode {
        match text.map(str::to_ascii_uppercase).as_deref() {
            Some("FULL") => ReportMode::Full,
            Some("WARNINGS") => ReportMode::Warnings,
            _ => ReportMode::Errors,
        }
    }
}

/// The tracker import report of a finished import. `ERRORS` drops the warning list and
/// `FULL` adds the timings (2.36–2.40), as DHIS2's `buildImportReport` does.
pub fn report(version: SimVersion, results: &[ObjectResult], mode: ReportMode) -> Value {
    let errors: Vec<Value> = results
        .iter()
        .flat_map(|r| r.errors.iter())
        .map(|e| json!({ "message": e.message, "errorCode": e.code, "trackerType": e.tracker_type, "uid": e.uid }))
        .collect();
    let status = if errors.is_empty() { "OK" } else { "ERROR" };
    let all: Vec<&ObjectResult> = results.iter().collect();
    let mut body = Map::new();
    body.insert("status".into(), json!(status));
    body.insert(
        "validationReport".into(),
        if mode == ReportMode::Errors {
            json!({ "errorReports": errors })
        } else {
            json!({ "errorReports": errors, "warningReports": [] })
        },
    );
    body.insert("stats".into(), stats(&all));
    let committed = results.iter().any(|r| r.action != Action::Ignored);
    if errors.is_empty() || committed {
        let mut types = Map::new();
        for (type_index, (name, _, _)) in TYPES.iter().enumerate() {
            // The bundle report is the commit's: objects that failed validation
            // (atomicMode=OBJECT) never reach it, so its stats leave them out (recorded:
            // `imports/web_response_with_event_import_conflicts2_new.json`).
            let of_type: Vec<&ObjectResult> = results
                .iter()
                .filter(|r| r.type_index == type_index && r.action != Action::Ignored)
                .collect();
            let object_reports: Vec<Value> = of_type
                .iter()
                .map(|r| {
                    let mut report =
                        json!({ "trackerType": name, "uid": r.uid, "errorReports": [] });
                    // TrackerObjectReport carried the payload index up to 2.39.
                    if version.minor <= 39 {
                        report["index"] = json!(r.index);
                    }
                    report
                })
                .collect();
            types.insert(
                name.to_string(),
                json!({ "trackerType": name, "stats": stats(&of_type), "objectReports": object_reports }),
            );
        }
        let mut bundle_report = Map::new();
        // 2.36's TrackerBundleReport also carried status and stats (kept to 2.39 here).
        if version.minor <= 39 {
            let committed: Vec<&ObjectResult> = results
                .iter()
                .filter(|r| r.action != Action::Ignored)
                .collect();
            bundle_report.insert("status".into(), json!(status));
            bundle_report.insert("stats".into(), stats(&committed));
        }
        bundle_report.insert("typeReportMap".into(), Value::Object(types));
        body.insert("bundleReport".into(), Value::Object(bundle_report));
    }
    if mode == ReportMode::Full && version.minor <= 40 {
        body.insert(
            "timingsStats".into(),
            json!({ "timers": { "preheat": "0.001 sec.", "validation": "0.001 sec.", "commit": "0.001 sec.", "totalImport": "0.003 sec." } }),
        );
    }
    Value::Object(body)
}

/// The request body as JSON, or the 400 web message DHIS2 answers when it is not JSON (both
/// tracker APIs answer alike).
pub(super) fn parse_json_body(ctx: &RequestContext) -> Result<Value, SimResponse> {
    serde_json::from_slice(ctx.body).map_err(|error| {
        web_message(
            ctx.version,
            400,
            &format!("JSON parse error: {error}"),
            None,
        )
    })
}

/// Answers `POST /api/tracker`.
pub fn post(
    store: &mut TrackerStore,
    ctx: &RequestContext,
    metadata: &MetadataStore,
) -> SimResponse {
    let payload = match parse_json_body(ctx) {
        Ok(payload) => payload,
        Err(response) => return response,
    };
    let strategy = Strategy::parse(ctx.query.get("importStrategy"));
    let atomic_all = !ctx
        .query
        .get("atomicMode")
        .is_some_and(|m| m.eq_ignore_ascii_case("OBJECT"));
    let commit = !ctx
        .query
        .get("importMode")
        .is_some_and(|m| m.eq_ignore_ascii_case("VALIDATE"));
    let mode = ReportMode::parse(ctx.query.get("reportMode"));
    let asynchronous = !ctx
        .query
        .get("async")
        .is_some_and(|a| a.eq_ignore_ascii_case("false"));
    // A job set to fail (`POST /__sim/jobs` `failWith`) keeps nothing it read.
    let behaviour = metadata.job_behaviour();
    let failing = asynchronous && behaviour.fail_with.is_some();
    let bundle = Bundle::flatten(&payload, store);
    let importer = Importer {
        user: ctx.user,
        version: ctx.version,
        old_api: false,
    };
    let results = apply(
        store,
        metadata,
        importer,
        bundle,
        strategy,
        atomic_all,
        commit && !failing,
    );
    if !asynchronous {
        let body = report(ctx.version, &results, mode);
        let status = if body["status"] == "ERROR" { 409 } else { 200 };
        return SimResponse::json(status, &body);
    }
    let id = store.generate_uid();
    let job = TrackerJob::start(
        &id,
        ctx.version,
        &ctx.user.username,
        results,
        behaviour.polls_until_done,
        behaviour.fail_with,
    );
    store.jobs.insert(id.clone(), job);
    let location = format!("{}/api/tracker/jobs/{id}", ctx.base_url);
    let mut response = json!({ "id": id, "location": location });
    if ctx.version.minor <= 40 {
        response["responseType"] = json!("TrackerJob");
    }
    let message = json!({ "httpStatus": "OK", "httpStatusCode": 200, "status": "OK",
        "message": "Tracker job added", "response": response });
    let answer = SimResponse::json(200, &message);
    if ctx.version.minor >= 41 {
        answer.with_header("Location", &location)
    } else {
        answer
    }
}

/// Answers `GET /api/tracker/jobs/{id}` (each poll moves the job on) and
/// `GET /api/tracker/jobs/{id}/report` (404 until the job is done).
pub fn job(store: &mut TrackerStore, ctx: &RequestContext) -> Option<SimResponse> {
    let id = ctx.segments.get(2)?.clone();
    let mode = ReportMode::parse(ctx.query.get("reportMode"));
    match ctx.segments.get(3).map(String::as_str) {
        Some("report") => {
            let report = store.jobs.get(&id).filter(|job| job.has_report()).map(|job| {
                match job.failure() {
                    Some(message) => json!({ "status": "ERROR", "message": message,
                        "validationReport": { "errorReports": [] },
                        "stats": { "created": 0, "updated": 0, "deleted": 0, "ignored": 0, "total": 0 } }),
                    None => report(ctx.version, &job.results, mode),
                }
            });
            Some(match report {
                Some(report) => SimResponse::json(200, &report),
                None => web_message(
                    ctx.version,
                    404,
                    &format!("Tracker job report with id `{id}` not found"),
                    Some("E1005"),
                ),
            })
        }
        None => {
            let notes = match store.jobs.get_mut(&id) {
                Some(job) => {
                    job.poll(&id);
                    Value::Array(job.notes().to_vec())
                }
                None => json!([]),
            };
            Some(SimResponse::json(200, &notes))
        }
        Some(_) => None,
    }
}
