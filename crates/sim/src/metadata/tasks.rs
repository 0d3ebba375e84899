//! Asynchronous jobs (`async=true` imports): the job-configuration response, the task
//! notifications (`/api/system/tasks/{type}/{id}`) and summaries (`/api/system/taskSummaries`).
//!
//! The import itself is done when the job is posted; what a client sees of it follows
//! [`JobBehaviour`]: by default the job is finished at the first poll. With `polls_until_done`
//! it reports progress that many polls first (its summary is an empty 200 meanwhile, as
//! DHIS2's `SystemController` answers before a summary exists); with `fail_with` it ends with
//! an `ERROR` notification "Process failed: …" and no summary, as `MetadataAsyncImporter` does
//! when an import throws (2.30–2.40). Notifications are newest first.

use crate::{clock, uid, SimResponse, SimVersion};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

/// How the jobs started from now on behave, as set by `POST /__sim/jobs`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct JobBehaviour {
    /// Polls of the notifications that say "running" before the job is complete.
    pub polls_until_done: u32,
    /// The job fails with this message instead of completing.
    pub fail_with: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Tasks {
    jobs: Vec<Job>,
    behaviour: JobBehaviour,
}

#[derive(Debug, Clone)]
struct Job {
    job_type: String,
    id: String,
    created: String,
    started_at: u64,
    /// Notifications so far, newest first.
    notifications: Vec<Value>,
    summary: Value,
    polls_left: u32,
    fail_with: Option<String>,
    finished: bool,
}

impl Job {
    fn notification(&self, level: &str, message: String, completed: bool) -> Value {
        json!({ "uid": uid::generate_uid(), "level": level, "category": self.job_type,
                "time": self.created, "message": message, "completed": completed, "id": self.id })
    }

    /// One poll of the notifications: the job moves on by a step.
    fn poll(&mut self) {
        if self.finished {
            return;
        }
        if self.polls_left > 0 {
            self.polls_left -= 1;
            let step = self.notifications.len();
            let message = match running_messages(&self.job_type) {
                // A scripted job says each of its stages once, then keeps running quietly.
                Some(script) => script.get(step - 1).map(|text| text.to_string()),
                None => Some(format!("Importing, step {step}")),
            };
            if let Some(message) = message {
                let running = self.notification("INFO", message, false);
                self.notifications.insert(0, running);
            }
            return;
        }
        self.finished = true;
        let last = match &self.fail_with {
            Some(reason) => self.notification("ERROR", format!("Process failed: {reason}"), true),
            None => self.completion(),
        };
        self.notifications.insert(0, last);
    }

    /// The last notification of a job that did not fail.
    fn completion(&self) -> Value {
        match self.job_type.as_str() {
            // `DefaultDataValueSetService.importDataValueSet` (2.30–2.41).
            "DATAVALUE_IMPORT" => {
                let aborted = self.summary.get("description").and_then(Value::as_str)
                    == Some("Import process was aborted");
                if aborted {
                    self.notification("WARN", "Import process aborted".into(), true)
                } else {
                    self.notification("INFO", "Import done".into(), true)
                }
            }
            // `DefaultAnalyticsTableGenerator.generateTables`: `Clock.time()` is
            // `DurationFormatUtils.formatDurationHMS`.
            "ANALYTICS_TABLE" => {
                let took = clock::now_millis().saturating_sub(self.started_at);
                let time = format!(
                    "{:02}:{:02}:{:02}.{:03}",
                    took / 3_600_000,
                    took / 60_000 % 60,
                    took / 1000 % 60,
                    took % 1000
                );
                self.notification("INFO", format!("Analytics tables updated: {time}"), true)
            }
            _ => {
                let status = self
                    .summary
                    .get("status")
                    .and_then(Value::as_str)
                    .unwrap_or("OK");
                self.notification(
                    "INFO",
                    format!("Import complete with status {status}"),
                    true,
                )
            }
        }
    }
}

/// The first notification of a job of this type.
fn start_message(job_type: &str) -> &'static str {
    match job_type {
        "DATAVALUE_IMPORT" => "Process started",
        "ANALYTICS_TABLE" => "Analytics table update process started",
        _ => "Import started",
    }
}

/// The stages a running job of this type reports, one per poll, as DHIS2's notifier does;
/// `None` for the metadata import's numbered steps.
fn running_messages(job_type: &str) -> Option<&'static [&'static str]> {
    match job_type {
        "DATAVALUE_IMPORT" => Some(&["Importing data values"]),
        "ANALYTICS_TABLE" => Some(&[
            "Updating resource tables",
            "Updating tables: DATA_VALUE",
            "Updating tables: COMPLETENESS",
            "Updating tables: COMPLETENESS_TARGET",
            "Updating tables: ORG_UNIT_TARGET",
        ]),
        _ => None,
    }
}

/// `METADATA_IMPORT` → `metadataImport`, as DHIS2 names its import jobs.
fn job_name(job_type: &str) -> String {
    match job_type {
        "DATAVALUE_IMPORT" => "dataValueImport".to_string(),
        other => {
            let mut out = String::new();
            for (index, word) in other.split('_').enumerate() {
                let lower = word.to_ascii_lowercase();
                if index == 0 {
                    out.push_str(&lower);
                } else {
                    let mut chars = lower.chars();
                    if let Some(first) = chars.next() {
                        out.extend(first.to_uppercase());
                        out.extend(chars);
                    }
                }
            }
            out
        }
    }
}

impl Tasks {
    /// How the jobs started from now on behave.
    pub fn set_behaviour(&mut self, behaviour: JobBehaviour) {
        self.behaviour = behaviour;
    }

    pub fn behaviour(&self) -> &JobBehaviour {
        &self.behaviour
    }

    pub fn add(&mut self, version: SimVersion, job_type: &str, summary: Value) -> Value {
        let id = uid::generate_uid();
        let created = clock::now_iso();
        let mut job = Job {
            job_type: job_type.to_string(),
            id: id.clone(),
            created: created.clone(),
            started_at: clock::now_millis(),
            notifications: Vec::new(),
            summary,
            polls_left: self.behaviour.polls_until_done,
            fail_with: self.behaviour.fail_with.clone(),
            finished: false,
        };
        let started = job.notification("INFO", start_message(job_type).to_string(), false);
        job.notifications.push(started);
        if job.polls_left == 0 && job.fail_with.is_none() {
            // By default a job is done before anyone asks, summary included.
            job.poll();
        }
        self.jobs.push(job);
        let name = job_name(job_type);
        let endpoint = format!("/api/system/tasks/{job_type}/{id}");
        let message = if version.at_least(41, 0) {
            format!("Initiated {job_type} ({id})")
        } else {
            format!("Initiated {name}")
        };
        let mut response = Map::new();
        response.insert("name".into(), json!(name));
        response.insert("id".into(), json!(id));
        response.insert("created".into(), json!(created));
        response.insert("jobType".into(), json!(job_type));
        response.insert("jobStatus".into(), json!("NOT_STARTED"));
        response.insert("relativeNotifierEndpoint".into(), json!(endpoint));
        json!({ "httpStatus": "OK", "httpStatusCode": 200, "status": "OK",
                "message": message, "response": response })
    }

    fn find(&self, job_type: &str, id: &str) -> Option<&Job> {
        self.jobs
            .iter()
            .find(|job| job.job_type == job_type && job.id == id)
    }

    pub fn all_response(&self, job_type: &str) -> SimResponse {
        let mut out = Map::new();
        for job in self.jobs.iter().filter(|job| job.job_type == job_type) {
            out.insert(job.id.clone(), Value::Array(job.notifications.clone()));
        }
        SimResponse::json(200, &Value::Object(out))
    }

    /// The job's notifications; each poll moves the job on. An unknown job: `[]`.
    pub fn notifications_response(&mut self, job_type: &str, id: &str) -> SimResponse {
        let job = self
            .jobs
            .iter_mut()
            .find(|job| job.job_type == job_type && job.id == id);
        let notifications = match job {
            Some(job) => {
                job.poll();
                Value::Array(job.notifications.clone())
            }
            None => json!([]),
        };
        SimResponse::json(200, &notifications)
    }

    /// The summary of a finished job; before that, or for a failed or unknown job, an empty 200.
    pub fn summary_response(&self, job_type: &str, id: &str) -> SimResponse {
        match self.find(job_type, id) {
            Some(job) if job.finished && job.fail_with.is_none() => {
                SimResponse::json(200, &job.summary)
            }
            _ => SimResponse::empty(200),
        }
    }
}
