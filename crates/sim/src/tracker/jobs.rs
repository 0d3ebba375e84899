//! `/api/tracker?async=true` jobs: `GET /api/tracker/jobs/{id}` (notifications, newest first)
//! and `GET /api/tracker/jobs/{id}/report`.
//!
//! A job runs for at least one poll of its notifications (more with `POST /__sim/jobs`
//! `pollsUntilDone`, the data value and metadata jobs' setting); each poll reveals the next
//! stage, the last one the completion. Its report exists once it is done (404 before). With
//! `failWith` it keeps nothing it read and ends as DHIS2 ends a job that throws.
//!
//! Texts by version:
//! * 2.36–2.40 (`DefaultTrackerImportService` with the `Notifier`): "(user) Import:Start", one
//!   "(user) Import:<ops> took N sec." per stage (`TrackerTimingsStats` names), "(user)
//!   Import:Done took N sec." (completed); a failure "(user) Import:Failed with exception: …"
//!   with a report whose `message` is "Exception:…";
//! * 2.41+ (`TrackerImportJob` under `JobProgress`): "Tracker import started", the stages as a
//!   2.41 server names them ("Loading file resource" … "PostCommit", as recorded), then "Import
//!   complete with status OK, 1 created, …"; a failure "Process failed: …" and no report.

use super::bundle::{Action, ObjectResult};
use crate::data_values::dates::{format_no_zone, now_millis};
use crate::SimVersion;
use serde_json::{json, Value};

/// The stages a 2.36–2.40 import times (`TrackerTimingsStats`), in the order it runs them.
const OPS_BEFORE_41: [&str; 6] = [
    "preheat",
    "preprocess",
    "validation",
    "programrule",
    "programruleValidation",
    "commit",
];

/// The stages a 2.41+ import reports (recorded: `imports/tracker-importer/job_response_completed.json`).
const STAGES_41: [&str; 10] = [
    "Loading file resource",
    "Loading file content",
    "Running PreHeat",
    "Calculating Payload Size",
    "Running PreProcess",
    "Running Validation",
    "Running Rule Engine",
    "Running Rule Engine Validation",
    "Commit Transaction",
    "PostCommit",
];

/// One asynchronous tracker import.
#[derive(Debug, Clone)]
pub struct TrackerJob {
    version: SimVersion,
    username: String,
    /// What the import did (the report is built per request, in the `reportMode` asked for).
    pub results: Vec<ObjectResult>,
    /// Notifications so far, newest first.
    notes: Vec<Value>,
    /// Stages reported so far.
    stages_told: usize,
    polls_left: u32,
    fail_with: Option<String>,
    finished: bool,
}

impl TrackerJob {
    /// A job that has just started (its start notification only).
    pub fn start(
        id: &str,
        version: SimVersion,
        username: &str,
        results: Vec<ObjectResult>,
        polls_until_done: u32,
        fail_with: Option<String>,
    ) -> TrackerJob {
        let mut job = TrackerJob {
            version,
            username: username.to_string(),
            results,
            notes: Vec::new(),
            stages_told: 0,
            polls_left: polls_until_done.max(1),
            fail_with,
            finished: false,
        };
        let start = if version.minor >= 41 {
            "Tracker import started".to_string()
        } else {
            format!("({username}) Import:Start")
        };
        job.note(id, "INFO", start, false);
        job
    }

    fn note(&mut self, job_id: &str, level: &str, message: String, completed: bool) {
        let uid = crate::seed::rng::uid(&format!("{job_id}:note:{}", self.notes.len()));
        let time = format_no_zone(now_millis());
        self.notes.insert(
            0,
            json!({ "uid": uid, "level": level, "category": "TRACKER_IMPORT_JOB", "time": time,
                    "message": message, "completed": completed, "id": uid }),
        );
    }

    fn stage_count(&self) -> usize {
        if self.version.minor >= 41 {
            STAGES_41.len()
        } else {
            OPS_BEFORE_41.len()
        }
    }

    fn tell_stage(&mut self, job_id: &str) {
        let index = self.stages_told;
        if index >= self.stage_count() {
            return;
        }
        self.stages_told += 1;
        let message = if self.version.minor >= 41 {
            STAGES_41[index].to_string()
        } else {
            format!(
                "({}) Import:{} took {}",
                self.username,
                OPS_BEFORE_41[index],
                seconds(0.000_150 * (index as f64 + 1.0))
            )
        };
        self.note(job_id, "INFO", message, false);
    }

    /// One poll of the notifications: the job moves on by a stage, or ends.
    pub fn poll(&mut self, job_id: &str) {
        if self.finished {
            return;
        }
        if self.polls_left > 0 {
            self.polls_left -= 1;
            self.tell_stage(job_id);
            return;
        }
        self.finished = true;
        if let Some(reason) = self.fail_with.clone() {
            if self.version.minor >= 41 {
                self.note(job_id, "ERROR", format!("Process failed: {reason}"), true);
            } else {
                let message = format!("({}) Import:Failed with exception: {reason}", self.username);
                self.note(job_id, "INFO", message, true);
            }
            return;
        }
        while self.stages_told < self.stage_count() {
            self.tell_stage(job_id);
        }
        let message = if self.version.minor >= 41 {
            let count = |action| self.results.iter().filter(|r| r.action == action).count();
            let failed = self.results.iter().any(|r| !r.errors.is_empty());
            format!(
                "Import complete with status {}, {} created, {} updated, {} deleted, {} ignored",
                if failed { "ERROR" } else { "OK" },
                count(Action::Created),
                count(Action::Updated),
                count(Action::Deleted),
                count(Action::Ignored)
            )
        } else {
            format!(
                "({}) Import:Done took {}",
                self.username,
                seconds(0.001_234)
            )
        };
        self.note(job_id, "INFO", message, true);
    }

    /// The notifications, newest first.
    pub fn notes(&self) -> &[Value] {
        &self.notes
    }

    /// Whether the report exists: the job is done and (2.41+) did not fail.
    pub fn has_report(&self) -> bool {
        self.finished && (self.fail_with.is_none() || self.version.minor < 41)
    }

    /// The failure message a 2.36–2.40 report carries ("Exception:…").
    pub fn failure(&self) -> Option<String> {
        self.fail_with
            .as_ref()
            .map(|reason| format!("Exception:{reason}"))
    }
}

/// `SystemTimer.toString()`: seconds with six decimals.
fn seconds(value: f64) -> String {
    format!("{value:.6} sec.")
}
