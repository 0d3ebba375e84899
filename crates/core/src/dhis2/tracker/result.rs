//! What a destination said about a tracker payload, from either API: counts per object type
//! and every rejected object with its code and message.
//!
//! - Old API: a WebMessage (409 when something failed) around `ImportSummaries`; each
//!   `ImportSummary` has `importCount`, `reference`, `conflicts[{object, value}]` or a
//!   `description`, and a tracked entity's nests `enrollments.importSummaries[]`, whose nest
//!   `events.importSummaries[]`.
//! - New API: `{status, stats, validationReport.errorReports[{errorCode, message, trackerType,
//!   uid}], bundleReport.typeReportMap.{TYPE}.stats}` (2.36–2.40 the same, with `index`).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::TrackerKind;
use crate::dhis2::{ImportStats, ImportStatus};

/// One object the destination refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TrackerObjectError {
    pub kind: Option<TrackerKind>,
    pub uid: Option<String>,
    /// `E1000`… (new API); the conflict's object (old API) when it names one.
    pub code: Option<String>,
    pub message: String,
}

/// The outcome of one tracker import.
#[derive(Debug, Clone, PartialEq)]
pub struct TrackerImport {
    pub status: ImportStatus,
    /// Per [`TrackerKind::ALL`], in that order.
    pub stats: [ImportStats; 4],
    pub errors: Vec<TrackerObjectError>,
    pub raw: Value,
}

fn number(value: &Value, key: &str) -> u64 {
    value.get(key).and_then(Value::as_u64).unwrap_or(0)
}

fn text(value: &Value, key: &str) -> Option<String> {
    value.get(key).and_then(Value::as_str).map(str::to_string)
}

/// `OK`/`SUCCESS`, `WARNING`, else an error.
fn parse_status(text: Option<&str>) -> ImportStatus {
    match text.map(str::to_ascii_uppercase).as_deref() {
        Some("OK") | Some("SUCCESS") => ImportStatus::Ok,
        Some("WARNING") => ImportStatus::Warning,
        _ => ImportStatus::Error,
    }
}

fn stats_of(value: &Value) -> ImportStats {
    let mut stats = ImportStats {
        created: number(value, "created"),
        updated: number(value, "updated"),
        deleted: number(value, "deleted"),
        ignored: number(value, "ignored"),
        total: number(value, "total"),
    };
    if stats.total == 0 {
        stats.total = stats.created + stats.updated + stats.deleted + stats.ignored;
    }
    stats
}

impl TrackerImport {
    /// Reads a new-API import report (also a job's `/report`).
    pub fn from_report(report: &Value) -> TrackerImport {
        let mut stats: [ImportStats; 4] = Default::default();
        let types = report.pointer("/bundleReport/typeReportMap");
        for kind in TrackerKind::ALL {
            if let Some(type_report) = types.and_then(|t| t.get(kind.tracker_type())) {
                stats[kind.index()] = stats_of(type_report.get("stats").unwrap_or(&Value::Null));
            }
        }
        let errors: Vec<TrackerObjectError> = report
            .pointer("/validationReport/errorReports")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|error| TrackerObjectError {
                kind: error
                    .get("trackerType")
                    .and_then(Value::as_str)
                    .and_then(TrackerKind::from_tracker_type),
                uid: text(error, "uid"),
                code: text(error, "errorCode"),
                message: text(error, "message").unwrap_or_default(),
            })
            .collect();
        // Objects refused are counted as ignored of their type (the per-type stats of an
        // import that committed nothing are absent).
        for kind in TrackerKind::ALL {
            let mut refused: Vec<&str> = errors
                .iter()
                .filter(|e| e.kind == Some(kind))
                .filter_map(|e| e.uid.as_deref())
                .collect();
            refused.sort_unstable();
            refused.dedup();
            let stats = &mut stats[kind.index()];
            let refused = refused.len() as u64;
            if stats.ignored < refused {
                stats.total += refused - stats.ignored;
                stats.ignored = refused;
            }
        }
        let mut status = parse_status(report.get("status").and_then(Value::as_str));
        if errors.is_empty() {
            if let Some(message) = text(report, "message").filter(|_| status == ImportStatus::Error)
            {
                return TrackerImport {
                    status,
                    stats,
                    errors: vec![TrackerObjectError {
                        kind: None,
                        uid: None,
                        code: None,
                        message,
                    }],
                    raw: report.clone(),
                };
            }
        } else {
            // Some objects refused, the others written (`atomicMode=OBJECT`): a warning; all
            // refused: an error.
            let written = stats.iter().any(|s| s.created + s.updated + s.deleted > 0);
            if status == ImportStatus::Ok || written {
                status = ImportStatus::Warning;
            }
        }
        TrackerImport {
            status,
            stats,
            errors,
            raw: report.clone(),
        }
    }

    /// Reads an old-API answer (`ImportSummaries`, in a WebMessage or not) about objects of
    /// `kind` (tracked entities nest enrollments and events).
    pub fn from_summaries(answer: &Value, kind: TrackerKind) -> TrackerImport {
        let summaries = answer.get("response").unwrap_or(answer);
        let mut import = TrackerImport {
            status: ImportStatus::Ok,
            stats: Default::default(),
            errors: Vec::new(),
            raw: answer.clone(),
        };
        if summaries.get("importSummaries").is_none()
            && summaries.get("responseType").and_then(Value::as_str) == Some("ImportSummary")
        {
            import.add_summary(summaries, kind);
        } else {
            import.add_summaries(summaries, kind);
        }
        if import.errors.is_empty() && summaries.get("importSummaries").is_none() {
            // A WebMessage with no summary at all: the server refused the request.
            let status = parse_status(answer.get("status").and_then(Value::as_str));
            if status == ImportStatus::Error {
                import.status = ImportStatus::Error;
                import.errors.push(TrackerObjectError {
                    kind: None,
                    uid: None,
                    code: None,
                    message: text(answer, "message").unwrap_or_else(|| "Import failed".into()),
                });
            }
        }
        import
    }

    fn add_summaries(&mut self, summaries: &Value, kind: TrackerKind) {
        for summary in summaries
            .get("importSummaries")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            self.add_summary(summary, kind);
        }
    }

    fn add_summary(&mut self, summary: &Value, kind: TrackerKind) {
        let count = summary.get("importCount").unwrap_or(&Value::Null);
        let stats = &mut self.stats[kind.index()];
        let created = number(count, "imported");
        let updated = number(count, "updated");
        let deleted = number(count, "deleted");
        let mut ignored = number(count, "ignored");
        let failed = summary.get("status").and_then(Value::as_str) == Some("ERROR");
        if failed && created + updated + deleted + ignored == 0 {
            ignored = 1;
        }
        stats.created += created;
        stats.updated += updated;
        stats.deleted += deleted;
        stats.ignored += ignored;
        stats.total += created + updated + deleted + ignored;
        let uid = text(summary, "reference");
        let conflicts: Vec<&Value> = summary
            .get("conflicts")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .collect();
        for conflict in &conflicts {
            self.errors.push(TrackerObjectError {
                kind: Some(kind),
                uid: uid.clone(),
                code: text(conflict, "object"),
                message: text(conflict, "value").unwrap_or_default(),
            });
        }
        if failed && conflicts.is_empty() {
            self.errors.push(TrackerObjectError {
                kind: Some(kind),
                uid: uid.clone(),
                code: None,
                message: text(summary, "description").unwrap_or_else(|| "Not imported".into()),
            });
        }
        let status = parse_status(summary.get("status").and_then(Value::as_str));
        self.raise(if failed || ignored > 0 {
            ImportStatus::Warning
        } else {
            status
        });
        let nested = match kind {
            TrackerKind::TrackedEntities => Some(("enrollments", TrackerKind::Enrollments)),
            TrackerKind::Enrollments => Some(("events", TrackerKind::Events)),
            _ => None,
        };
        if let Some((key, child)) = nested {
            if let Some(children) = summary.get(key) {
                self.add_summaries(children, child);
            }
        }
    }

    fn raise(&mut self, status: ImportStatus) {
        self.status = self.status.worst(status);
    }

    /// Counts of all types together.
    pub fn total(&self) -> ImportStats {
        let mut total = ImportStats::default();
        for stats in &self.stats {
            total.add(stats);
        }
        total
    }

    /// Adds another import's counts and errors (pages of one destination).
    pub fn merge(&mut self, other: TrackerImport) {
        for (mine, theirs) in self.stats.iter_mut().zip(other.stats.iter()) {
            mine.add(theirs);
        }
        self.errors.extend(other.errors);
        self.raise(other.status);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn new_reports_count_per_type_and_list_every_error() {
        let report = json!({ "status": "ERROR", "stats": { "created": 1, "ignored": 1, "total": 2 },
            "validationReport": { "errorReports": [{ "message": "Could not find Program: `x`, linked to Event.",
                "errorCode": "E1010", "trackerType": "EVENT", "uid": "ev2" }] },
            "bundleReport": { "typeReportMap": { "EVENT": { "stats": { "created": 1, "total": 1 } } } } });
        let import = TrackerImport::from_report(&report);
        let events = import.stats[TrackerKind::Events.index()];
        assert_eq!((events.created, events.ignored, events.total), (1, 1, 2));
        assert_eq!(import.errors[0].code.as_deref(), Some("E1010"));
        assert_eq!(import.errors[0].uid.as_deref(), Some("ev2"));
        assert_eq!(import.status, ImportStatus::Warning);
    }

    #[test]
    fn old_summaries_nest_enrollments_and_events() {
        let answer = json!({ "httpStatusCode": 409, "status": "ERROR", "response": {
            "responseType": "ImportSummaries", "status": "ERROR", "importSummaries": [
              { "responseType": "ImportSummary", "status": "SUCCESS", "reference": "te1",
                "importCount": { "imported": 1, "updated": 0, "ignored": 0, "deleted": 0 },
                "enrollments": { "importSummaries": [{ "status": "SUCCESS", "reference": "en1",
                    "importCount": { "imported": 0, "updated": 1, "ignored": 0, "deleted": 0 },
                    "events": { "importSummaries": [{ "status": "ERROR", "reference": "ev1",
                        "description": "Event.programStage does not point to a valid programStage: x",
                        "importCount": { "imported": 0, "updated": 0, "ignored": 1, "deleted": 0 } }] } }] } },
              { "status": "ERROR", "reference": "te2", "conflicts": [{ "object": "TrackedEntityInstance.orgUnit", "value": "Invalid org unit ID: x" }],
                "importCount": { "imported": 0, "updated": 0, "ignored": 1, "deleted": 0 } }] } });
        let import = TrackerImport::from_summaries(&answer, TrackerKind::TrackedEntities);
        assert_eq!(import.stats[0].created, 1);
        assert_eq!(import.stats[0].ignored, 1);
        assert_eq!(import.stats[1].updated, 1);
        assert_eq!(import.stats[2].ignored, 1);
        assert_eq!(import.errors.len(), 2);
        assert_eq!(import.errors[0].kind, Some(TrackerKind::Events));
        assert_eq!(
            import.errors[1].code.as_deref(),
            Some("TrackedEntityInstance.orgUnit")
        );
        assert_eq!(import.status, ImportStatus::Warning);
    }
}
