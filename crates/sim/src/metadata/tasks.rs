//! Asynchronous jobs (`async=true` imports): the job-configuration response, the task
//! notifications (`/api/system/tasks/{type}/{id}`) and summaries (`/api/system/taskSummaries`).
//! Jobs of the simulator finish at once, so their notifications already say completed.

use crate::{clock, uid, SimResponse, SimVersion};
use serde_json::{json, Map, Value};

#[derive(Debug, Clone, Default)]
pub struct Tasks {
    jobs: Vec<Job>,
}

#[derive(Debug, Clone)]
struct Job {
    job_type: String,
    id: String,
    notifications: Vec<Value>,
    summary: Value,
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
    pub fn add(&mut self, version: SimVersion, job_type: &str, summary: Value) -> Value {
        let id = uid::generate_uid();
        let created = clock::now_iso();
        let status = summary
            .get("status")
            .and_then(Value::as_str)
            .unwrap_or("OK");
        let notification = |message: String, completed: bool| {
            json!({ "uid": uid::generate_uid(), "level": "INFO", "category": job_type,
                    "time": created, "message": message, "completed": completed, "id": id })
        };
        let notifications = vec![
            notification(format!("Import complete with status {status}"), true),
            notification("Import started".to_string(), false),
        ];
        self.jobs.push(Job {
            job_type: job_type.to_string(),
            id: id.clone(),
            notifications,
            summary,
        });
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

    pub fn notifications_response(&self, job_type: &str, id: &str) -> SimResponse {
        let notifications = self
            .find(job_type, id)
            .map(|job| Value::Array(job.notifications.clone()))
            .unwrap_or(json!([]));
        SimResponse::json(200, &notifications)
    }

    pub fn summary_response(&self, job_type: &str, id: &str) -> SimResponse {
        let summary = self
            .find(job_type, id)
            .map(|job| job.summary.clone())
            .unwrap_or(json!({}));
        SimResponse::json(200, &summary)
    }
}
