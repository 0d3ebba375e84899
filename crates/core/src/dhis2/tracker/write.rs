//! One payload to one destination, with the API it has: `POST /api/tracker` (2.36+: sync or
//! as a job followed to its report, `atomicMode=OBJECT` so that one refused object does not
//! stop the rest) or, before 2.36, `POST /api/trackedEntityInstances` (entities with their
//! enrollments and events), `/api/events` and `/api/relationships` (`strategy=`, `dryRun=`).

use serde_json::{json, Value};

use super::convert::{for_import, ProgramAttributes};
use super::result::TrackerImport;
use super::{TrackerApi, TrackerKind};
use crate::clock::Clock;
use crate::dhis2::client::check_response;
use crate::dhis2::import_jobs::{wait_for_job, JobOutcome, JobPolling, StartedJob};
use crate::dhis2::{Dhis2Client, Dhis2Error, HttpResponse, Method, Transport};

/// What one write sends, in the engine's shape: tracked entities (with their enrollments and
/// their events), events of event programs, relationships.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TrackerPayload {
    pub tracked_entities: Vec<Value>,
    pub events: Vec<Value>,
    pub relationships: Vec<Value>,
}

impl TrackerPayload {
    pub fn is_empty(&self) -> bool {
        self.tracked_entities.is_empty() && self.events.is_empty() && self.relationships.is_empty()
    }

    /// Objects of every kind, nested ones included: (tracked entities, enrollments, events,
    /// relationships).
    pub fn counts(&self) -> [usize; 4] {
        let mut counts = [
            self.tracked_entities.len(),
            0,
            self.events.len(),
            self.relationships.len(),
        ];
        for entity in &self.tracked_entities {
            for enrollment in entity
                .get("enrollments")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                counts[1] += 1;
                counts[2] += enrollment
                    .get("events")
                    .and_then(Value::as_array)
                    .map_or(0, Vec::len);
            }
        }
        counts
    }
}

/// How a payload is written.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TrackerWriteOptions {
    /// Validate only (`importMode=VALIDATE`, old `dryRun=true`).
    pub dry_run: bool,
    /// No program rules, notifications or other side effects (`skipSideEffects`,
    /// `skipRuleEngine`; old `skipNotifications`).
    pub skip_side_effects: bool,
    /// As a job followed to its report (new API only; the old API is written synchronously).
    pub asynchronous: bool,
    /// The destination's programs' attributes, for 2.41+ enrollments.
    pub program_attributes: ProgramAttributes,
}

/// Writes `payload` to `client` with `api`; a failure of the request itself (unreachable,
/// refused login, a login page) is an `Err`, refused objects are in the result.
pub async fn write_tracker<T: Transport, C: Clock>(
    client: &Dhis2Client<T>,
    clock: &C,
    polling: &JobPolling,
    api: TrackerApi,
    payload: TrackerPayload,
    options: &TrackerWriteOptions,
) -> Result<TrackerImport, Dhis2Error> {
    let attributes = &options.program_attributes;
    let convert = |items: Vec<Value>, kind: TrackerKind| -> Vec<Value> {
        items
            .into_iter()
            .map(|item| for_import(item, kind, api, attributes))
            .collect()
    };
    let TrackerPayload {
        tracked_entities,
        events,
        relationships,
    } = payload;
    if api.is_old() {
        let mut import: Option<TrackerImport> = None;
        let parts = [
            (
                "trackedEntityInstances",
                TrackerKind::TrackedEntities,
                convert(tracked_entities, TrackerKind::TrackedEntities),
            ),
            (
                "events",
                TrackerKind::Events,
                convert(events, TrackerKind::Events),
            ),
            (
                "relationships",
                TrackerKind::Relationships,
                convert(relationships, TrackerKind::Relationships),
            ),
        ];
        for (endpoint, kind, items) in parts {
            if items.is_empty() {
                continue;
            }
            let body = json!({ endpoint: items });
            let result = post_old(client, endpoint, kind, &body, options).await?;
            match &mut import {
                Some(import) => import.merge(result),
                None => import = Some(result),
            }
        }
        return Ok(import.unwrap_or_else(|| TrackerImport::from_report(&json!({"status": "OK"}))));
    }
    let body = json!({
        "trackedEntities": convert(tracked_entities, TrackerKind::TrackedEntities),
        "events": convert(events, TrackerKind::Events),
        "relationships": convert(relationships, TrackerKind::Relationships),
    });
    post_new(client, clock, polling, &body, options).await
}

/// Parses a JSON answer, or says what came back instead.
fn answer_json(client_base: &str, url: &str, response: &HttpResponse) -> Result<Value, Dhis2Error> {
    // 409 carries the report; anything else unsuccessful (or not JSON) is an error.
    if response.status != 409 {
        check_response(client_base, url, response)?;
    }
    match serde_json::from_slice::<Value>(&response.body) {
        Ok(value) if value.is_object() => Ok(value),
        _ => {
            check_response(client_base, url, response)?;
            Err(Dhis2Error::NotJson {
                url: url.to_string(),
                status: response.status,
                snippet: response.text().chars().take(80).collect(),
            })
        }
    }
}

async fn post_old<T: Transport>(
    client: &Dhis2Client<T>,
    endpoint: &str,
    kind: TrackerKind,
    body: &Value,
    options: &TrackerWriteOptions,
) -> Result<TrackerImport, Dhis2Error> {
    let path = format!(
        "api/{endpoint}?strategy=CREATE_AND_UPDATE&dryRun={}&skipNotifications={}",
        options.dry_run, options.skip_side_effects
    );
    let request = client.request(Method::Post, &path).with_json(body);
    let url = request.url.clone();
    let response = client.execute(request).await?;
    let answer = answer_json(client.base_url(), &url, &response)?;
    Ok(TrackerImport::from_summaries(&answer, kind))
}

async fn post_new<T: Transport, C: Clock>(
    client: &Dhis2Client<T>,
    clock: &C,
    polling: &JobPolling,
    body: &Value,
    options: &TrackerWriteOptions,
) -> Result<TrackerImport, Dhis2Error> {
    let mode = if options.dry_run {
        "VALIDATE"
    } else {
        "COMMIT"
    };
    let side_effects = if options.skip_side_effects {
        "&skipSideEffects=true&skipRuleEngine=true"
    } else {
        ""
    };
    let path = format!(
        "api/tracker?async={}&importStrategy=CREATE_AND_UPDATE&atomicMode=OBJECT&importMode={mode}&reportMode=ERRORS{side_effects}",
        options.asynchronous
    );
    let request = client.request(Method::Post, &path).with_json(body);
    let url = request.url.clone();
    let response = client.execute(request).await?;
    let answer = answer_json(client.base_url(), &url, &response)?;
    if !options.asynchronous {
        return Ok(TrackerImport::from_report(&answer));
    }
    let Some(job) = StartedJob::from_answer(&answer) else {
        // Refused before a job started, or imported at once.
        return Ok(TrackerImport::from_report(&answer));
    };
    match wait_for_job(client, clock, &job, polling).await? {
        JobOutcome::Completed(summary) => {
            let report_url = client.url(&format!("api/tracker/jobs/{}/report", job.id));
            let report = answer_json(client.base_url(), &report_url, &summary)?;
            Ok(TrackerImport::from_report(&report))
        }
        JobOutcome::Failed { message } => Ok(TrackerImport::from_report(
            &json!({ "status": "ERROR", "message": message }),
        )),
    }
}
