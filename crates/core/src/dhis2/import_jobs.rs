//! Asynchronous imports (`async=true`): the server answers at once with a job, and the client
//! follows it until it is done, so no request stays open long enough for a proxy to cut it
//! (many cut at 60 seconds).
//!
//! Endpoints, by version (dhis2-core `SystemController`, `MetadataAsyncImporter` 2.30–2.40,
//! `MetadataImportJob` 2.41+, `TrackerImportController`):
//! - `POST /api/metadata?async=true` (and `/api/dataValueSets`) → a `JobConfiguration` web
//!   message: `response.id`, `response.jobType`, `response.relativeNotifierEndpoint`.
//! - `GET /api/system/tasks/{jobType}/{id}` → the job's notifications, newest first:
//!   `{level: INFO|WARN|ERROR…, message, completed, time, id}`. An unknown job gives `[]`
//!   (notifications live in memory: a restarted server forgets them).
//! - `GET /api/system/taskSummaries/{jobType}/{id}` → the summary (a raw `ImportReport` for
//!   metadata), once there is one; before that an empty body, `null` or `{}` with status 200.
//! - A job that failed ends with a completed notification of level `ERROR` ("Process failed: …"
//!   up to 2.40; "Import complete with status ERROR, …" from 2.41, with a summary).
//! - Tracker (2.36+): `GET /api/tracker/jobs/{id}` (notifications) and
//!   `GET /api/tracker/jobs/{id}/report` (the import report).

use std::time::Duration;

use serde_json::Value;

use super::client::check_response;
use super::metadata::ImportOptions;
use super::{Dhis2Client, Dhis2Error, HttpResponse, ImportError, ImportResult, ImportStats};
use super::{ImportStatus, Method, Transport};
use crate::clock::Clock;

/// How often a job is asked about, and how long the client waits for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JobPolling {
    /// The first wait; each further one is half as long again, up to `max_interval`.
    pub first_interval: Duration,
    pub max_interval: Duration,
    /// Give up (the job may still finish) after this long.
    pub give_up_after: Duration,
    /// Polls in a row with no notification at all before the job is taken as lost.
    pub max_unknown_polls: u32,
}

impl Default for JobPolling {
    fn default() -> Self {
        JobPolling {
            first_interval: Duration::from_secs(1),
            max_interval: Duration::from_secs(15),
            give_up_after: Duration::from_secs(4 * 60 * 60),
            max_unknown_polls: 20,
        }
    }
}

impl JobPolling {
    /// The wait after one of `interval`.
    pub fn next_interval(&self, interval: Duration) -> Duration {
        (interval + interval / 2).min(self.max_interval)
    }
}

/// Where a job is followed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobEndpoints {
    /// `system/tasks/{jobType}/{id}` and `system/taskSummaries/{jobType}/{id}`.
    SystemTask { job_type: String },
    /// `tracker/jobs/{id}` and `tracker/jobs/{id}/report`.
    Tracker,
}

impl JobEndpoints {
    fn notifications_path(&self, id: &str) -> String {
        match self {
            JobEndpoints::SystemTask { job_type } => format!("api/system/tasks/{job_type}/{id}"),
            JobEndpoints::Tracker => format!("api/tracker/jobs/{id}"),
        }
    }

    fn summary_path(&self, id: &str) -> String {
        match self {
            JobEndpoints::SystemTask { job_type } => {
                format!("api/system/taskSummaries/{job_type}/{id}")
            }
            JobEndpoints::Tracker => format!("api/tracker/jobs/{id}/report"),
        }
    }
}

/// A job the server started.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StartedJob {
    pub id: String,
    pub endpoints: JobEndpoints,
}

impl StartedJob {
    /// Reads the answer to an `async=true` request: the job configuration (wrapped in a
    /// WebMessage, or plain) or a tracker job.
    pub fn from_answer(value: &Value) -> Option<StartedJob> {
        let inner = value.get("response").unwrap_or(value);
        let id = inner.get("id").and_then(Value::as_str)?.to_string();
        let endpoints = match inner.get("jobType").and_then(Value::as_str) {
            Some(job_type) => JobEndpoints::SystemTask {
                job_type: job_type.to_string(),
            },
            None if inner.get("responseType").and_then(Value::as_str) == Some("TrackerJob")
                || inner.get("location").is_some() =>
            {
                JobEndpoints::Tracker
            }
            None => return None,
        };
        Some(StartedJob { id, endpoints })
    }
}

/// How a job ended.
#[derive(Debug, Clone, PartialEq)]
pub enum JobOutcome {
    /// Done, with the summary as the server gave it.
    Completed(HttpResponse),
    /// The server says the job failed and kept no summary; its last message says why.
    Failed { message: String },
}

/// Follows `job` until it is done, waiting longer between polls as it goes.
pub async fn wait_for_job<T: Transport, C: Clock>(
    client: &Dhis2Client<T>,
    clock: &C,
    job: &StartedJob,
    polling: &JobPolling,
) -> Result<JobOutcome, Dhis2Error> {
    let started = clock.now_millis();
    let mut interval = polling.first_interval;
    let mut unknown_polls = 0;
    let mut completed_without_summary = 0;
    loop {
        clock.sleep(interval).await;
        interval = polling.next_interval(interval);
        let notifications: Value = client
            .get_json(&job.endpoints.notifications_path(&job.id))
            .await?;
        let notifications = notifications.as_array().cloned().unwrap_or_default();
        if notifications.is_empty() {
            unknown_polls += 1;
            if unknown_polls >= polling.max_unknown_polls {
                return Err(Dhis2Error::JobLost {
                    base_url: client.base_url().to_string(),
                    job: job.id.clone(),
                });
            }
        } else {
            unknown_polls = 0;
        }
        let completed = notifications
            .iter()
            .find(|n| n.get("completed").and_then(Value::as_bool) == Some(true));
        if let Some(last) = completed {
            let summary = read_summary(client, &job.endpoints.summary_path(&job.id)).await?;
            let failed = notifications
                .iter()
                .any(|n| n.get("level").and_then(Value::as_str) == Some("ERROR"));
            match summary {
                Some(response) => return Ok(JobOutcome::Completed(response)),
                None if failed || completed_without_summary >= 3 => {
                    let message = last
                        .get("message")
                        .and_then(Value::as_str)
                        .unwrap_or("The import job failed without a summary.")
                        .to_string();
                    return Ok(JobOutcome::Failed { message });
                }
                None => completed_without_summary += 1,
            }
        }
        let waited = Duration::from_millis(clock.now_millis().saturating_sub(started));
        if waited >= polling.give_up_after {
            return Err(Dhis2Error::JobTimedOut {
                base_url: client.base_url().to_string(),
                job: job.id.clone(),
                minutes: waited.as_secs() / 60,
            });
        }
    }
}

/// The summary, or `None` while the server has none (empty body, `null`, `{}`).
async fn read_summary<T: Transport>(
    client: &Dhis2Client<T>,
    path: &str,
) -> Result<Option<HttpResponse>, Dhis2Error> {
    let request = client.request(Method::Get, path);
    let url = request.url.clone();
    let response = client.execute(request).await?;
    check_response(client.base_url(), &url, &response)?;
    let text = response.text();
    let trimmed = text.trim();
    let empty = trimmed.is_empty()
        || trimmed == "null"
        || matches!(serde_json::from_str::<Value>(trimmed), Ok(Value::Object(map)) if map.is_empty());
    Ok((!empty).then_some(response))
}

/// `POST /api/metadata?async=true`, followed to the end; the summary is read into the same
/// [`ImportResult`] as a synchronous import's answer.
pub async fn import_metadata_async<T: Transport, C: Clock>(
    client: &Dhis2Client<T>,
    clock: &C,
    body: Vec<u8>,
    options: &ImportOptions,
    polling: &JobPolling,
) -> Result<ImportResult, Dhis2Error> {
    let request = client
        .request(
            Method::Post,
            &format!("api/metadata?{}&async=true", options.query()),
        )
        .with_body("application/json", body);
    let url = request.url.clone();
    let response = client.execute(request).await?;
    let value: Option<Value> = serde_json::from_slice(&response.body).ok();
    let job = value.as_ref().and_then(StartedJob::from_answer);
    let Some(job) = job.filter(|_| response.is_success()) else {
        // Refused before any job started (401, 409, a login page…), or imported at once.
        if matches!(response.status, 401 | 403) || (300..400).contains(&response.status) {
            check_response(client.base_url(), &url, &response)?;
        }
        return ImportResult::from_response(&url, &response);
    };
    let summary_url = client.url(&job.endpoints.summary_path(&job.id));
    match wait_for_job(client, clock, &job, polling).await? {
        JobOutcome::Completed(summary) => ImportResult::from_response(&summary_url, &summary),
        JobOutcome::Failed { message } => Ok(failed_job(message)),
    }
}

/// The result of a job that failed as a whole.
fn failed_job(message: String) -> ImportResult {
    ImportResult {
        status: ImportStatus::Error,
        stats: ImportStats::default(),
        type_stats: Vec::new(),
        errors: vec![ImportError {
            object_id: None,
            object_klass: None,
            property: None,
            message: message.clone(),
            code: None,
            index: None,
        }],
        http_status: 200,
        message: Some(message.clone()),
        raw: serde_json::json!({ "status": "ERROR", "message": message }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_started_jobs_of_every_shape() {
        let wrapped = json!({"httpStatus": "OK", "status": "OK", "response": {
            "id": "cb48ri1yBy2", "jobType": "METADATA_IMPORT", "jobStatus": "NOT_STARTED",
            "relativeNotifierEndpoint": "/api/system/tasks/METADATA_IMPORT/cb48ri1yBy2"}});
        let job = StartedJob::from_answer(&wrapped).unwrap();
        assert_eq!(job.id, "cb48ri1yBy2");
        assert_eq!(
            job.endpoints.notifications_path(&job.id),
            "api/system/tasks/METADATA_IMPORT/cb48ri1yBy2"
        );
        let tracker = json!({"status": "OK", "response": {"responseType": "TrackerJob",
            "id": "LkXBUdIgbe3", "location": "https://host/api/tracker/jobs/LkXBUdIgbe3"}});
        let job = StartedJob::from_answer(&tracker).unwrap();
        assert_eq!(job.endpoints, JobEndpoints::Tracker);
        assert_eq!(
            job.endpoints.summary_path(&job.id),
            "api/tracker/jobs/LkXBUdIgbe3/report"
        );
        assert!(StartedJob::from_answer(&json!({"status": "OK", "stats": {}})).is_none());
    }

    #[test]
    fn polling_backs_off_to_its_cap() {
        let polling = JobPolling::default();
        let mut interval = polling.first_interval;
        let mut waits = Vec::new();
        for _ in 0..10 {
            waits.push(interval);
            interval = polling.next_interval(interval);
        }
        assert!(waits.windows(2).all(|w| w[1] >= w[0]));
        assert_eq!(waits[1], Duration::from_millis(1500));
        assert_eq!(*waits.last().unwrap(), polling.max_interval);
    }
}
