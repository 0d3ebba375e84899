//! What a sync did, per target: serializable, so it can be shown, stored in history and
//! downloaded.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::aggregated::{AggregatedRunDetails, AggregatedTargetDetails};
pub use super::notes::ReportNote;
pub use super::problems::SyncProblem;
use crate::dhis2::{Dhis2Error, ImportResult, ImportStats, ImportStatus};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum TargetStatus {
    Success,
    /// Written, but the server reported warnings or ignored objects.
    Warning,
    /// The server refused (part of) the payload, or answered with an error status.
    Error,
    /// The server could not be reached, or the connection broke mid-run.
    NetworkError,
    /// Stopped by the user between chunks; the report says what was written before.
    Cancelled,
}

impl TargetStatus {
    pub fn is_failure(self) -> bool {
        !matches!(self, TargetStatus::Success | TargetStatus::Warning)
    }
}

/// Import figures of one metadata type (by plural when known, else the server's class name).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TypeStats {
    pub type_name: String,
    pub stats: ImportStats,
}

/// One error, about one object when the server said which.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncError {
    pub object_id: Option<String>,
    pub object_type: Option<String>,
    pub property: Option<String>,
    /// The English sentence (the CLI, downloads), or the server's own message.
    pub message: String,
    pub code: Option<String>,
    /// When this app phrased the error: what it is, typed, so the app can say it in the user's
    /// language. `None` for the server's messages (and in entries stored before it existed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problem: Option<SyncProblem>,
}

impl SyncError {
    /// An error this app phrases; `message` is its English text.
    pub fn of(problem: impl Into<SyncProblem>) -> SyncError {
        let problem = problem.into();
        SyncError {
            object_id: None,
            object_type: None,
            property: None,
            message: problem.to_string(),
            code: match &problem {
                SyncProblem::Dhis2 {
                    error: Dhis2Error::Http { error_code, .. },
                } => error_code.clone(),
                _ => None,
            },
            problem: Some(problem),
        }
    }

    /// The same error about one object.
    pub fn about(mut self, object_id: &str) -> SyncError {
        self.object_id = Some(object_id.to_string());
        self
    }
}

/// What a dry run would do to one type on a target: DHIS2 counts nothing in VALIDATE mode, so
/// the engine asks the target which of the payload's objects it already has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DryRunPreview {
    pub type_name: String,
    /// Objects the target does not have yet.
    pub would_create: usize,
    /// Objects the target already has (by UID).
    pub would_update: usize,
}

/// One chunk sent to a target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChunkReport {
    pub index: usize,
    pub types: Vec<String>,
    pub objects: usize,
    pub bytes: usize,
    pub status: Option<ImportStatus>,
    pub http_status: Option<u16>,
}

/// Everything about one target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TargetReport {
    pub target: String,
    pub base_url: String,
    pub version: Option<String>,
    pub status: TargetStatus,
    pub stats: ImportStats,
    pub type_stats: Vec<TypeStats>,
    pub errors: Vec<SyncError>,
    pub chunks: Vec<ChunkReport>,
    pub chunks_planned: usize,
    /// Things the user should know (options the server ignores, dropped properties…).
    pub notes: Vec<ReportNote>,
    /// The server's answers as received, one per chunk.
    pub raw_responses: Vec<Value>,
    pub request_count: usize,
    /// Dry runs only: per type, what a real sync would create and update.
    #[serde(default)]
    pub dry_run_preview: Vec<DryRunPreview>,
    /// Requests sent again after a transient failure (and chunks sent again smaller).
    #[serde(default)]
    pub retries: usize,
    /// Why the work on this target stopped half-way for a reason that passes (the network,
    /// an expired session, a stop asked for): the run can be resumed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interruption: Option<String>,
    /// Aggregated syncs: slices, values and bytes, conflicts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aggregated: Option<AggregatedTargetDetails>,
}

impl TargetReport {
    pub fn new(target: &str, base_url: &str) -> Self {
        TargetReport {
            target: target.to_string(),
            base_url: base_url.to_string(),
            version: None,
            status: TargetStatus::Success,
            stats: ImportStats::default(),
            type_stats: Vec::new(),
            errors: Vec::new(),
            chunks: Vec::new(),
            chunks_planned: 0,
            notes: Vec::new(),
            raw_responses: Vec::new(),
            request_count: 0,
            dry_run_preview: Vec::new(),
            retries: 0,
            interruption: None,
            aggregated: None,
        }
    }

    /// Adds a chunk's import result; `type_name` turns a server class into a plural.
    pub fn add_import(&mut self, result: ImportResult, type_name: impl Fn(&str) -> String) {
        self.stats.add(&result.stats);
        for type_stats in &result.type_stats {
            let name = type_name(&type_stats.klass);
            match self.type_stats.iter_mut().find(|t| t.type_name == name) {
                Some(existing) => existing.stats.add(&type_stats.stats),
                None => self.type_stats.push(TypeStats {
                    type_name: name,
                    stats: type_stats.stats,
                }),
            }
        }
        for error in result.errors {
            self.errors.push(SyncError {
                object_id: error.object_id,
                object_type: error.object_klass.as_deref().map(&type_name),
                property: error.property,
                message: error.message,
                code: error.code,
                problem: None,
            });
        }
        let status = match result.status {
            ImportStatus::Ok => TargetStatus::Success,
            ImportStatus::Warning => TargetStatus::Warning,
            ImportStatus::Error => TargetStatus::Error,
        };
        self.raise(status);
        if result.stats.ignored > 0 {
            self.raise(TargetStatus::Warning);
        }
        self.raw_responses.push(result.raw);
    }

    /// Records a failure that stopped the work on this target.
    pub fn fail(&mut self, error: &Dhis2Error) {
        if interrupts(error) {
            self.interruption = Some(error.to_string());
        }
        self.raise(if error.is_network() {
            TargetStatus::NetworkError
        } else {
            TargetStatus::Error
        });
        self.errors.push(SyncError::of(error.clone()));
    }

    /// Picks up a report of an interrupted attempt for the attempt that resumes it: the
    /// interruption becomes a note, and the status is what the chunks that went through said.
    pub fn resume(&mut self) {
        let interruption = self.interruption.take();
        if let Some(message) = &interruption {
            let (cause, kept): (Vec<SyncError>, Vec<SyncError>) = std::mem::take(&mut self.errors)
                .into_iter()
                .partition(|error| &error.message == message);
            self.errors = kept;
            let error = cause.into_iter().next().unwrap_or(SyncError {
                object_id: None,
                object_type: None,
                property: None,
                message: message.clone(),
                code: None,
                problem: None,
            });
            self.notes
                .push(ReportNote::InterruptedThenResumed { error });
        }
        self.notes.retain(|note| !note.is_stop());
        // A chunk the interruption cut off was not imported: the resumed attempt sends it.
        self.chunks.retain(|chunk| chunk.status.is_some());
        for (index, chunk) in self.chunks.iter_mut().enumerate() {
            chunk.index = index;
        }
        self.status = TargetStatus::Success;
        let statuses: Vec<ImportStatus> = self.chunks.iter().filter_map(|c| c.status).collect();
        for status in statuses {
            self.raise(match status {
                ImportStatus::Ok => TargetStatus::Success,
                ImportStatus::Warning => TargetStatus::Warning,
                ImportStatus::Error => TargetStatus::Error,
            });
        }
        if self.stats.ignored > 0 || !self.errors.is_empty() {
            self.raise(TargetStatus::Warning);
        }
        self.chunks_planned = self.chunks.len();
    }

    /// Moves the status toward the worse one; it never improves.
    pub fn raise(&mut self, status: TargetStatus) {
        let rank = |s: TargetStatus| match s {
            TargetStatus::Success => 0,
            TargetStatus::Warning => 1,
            TargetStatus::Cancelled => 2,
            TargetStatus::Error => 3,
            TargetStatus::NetworkError => 4,
        };
        if rank(status) > rank(self.status) {
            self.status = status;
        }
    }
}

/// Failures after which the same run can go on later: the network, an expired session or
/// refused credentials (once fixed), a server job that was lost or too slow.
pub fn interrupts(error: &Dhis2Error) -> bool {
    error.is_network()
        || matches!(
            error,
            Dhis2Error::Unauthorized { .. }
                | Dhis2Error::LoginPage { .. }
                | Dhis2Error::JobLost { .. }
                | Dhis2Error::JobTimedOut { .. }
        )
        || matches!(error.status(), Some(502..=504))
}

/// Which kind of sync produced a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum SyncKind {
    Metadata,
    Deleted,
    Aggregated,
    Events,
}

/// A whole run: origin, what was selected, and one report per target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncReport {
    pub kind: SyncKind,
    pub origin: String,
    pub origin_version: Option<String>,
    pub dry_run: bool,
    /// Objects in the payload, by type (before per-target transforms).
    pub objects_by_type: Vec<(String, usize)>,
    /// References kept but not synced (expected to exist on the targets).
    pub references_only: usize,
    /// Requests made to the origin (all reads).
    pub origin_request_count: usize,
    /// Reads of the origin sent again after a transient failure.
    #[serde(default)]
    pub origin_retries: usize,
    /// The run's id while it can be resumed (its journal is `run-<id>`); resumed runs keep it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_id: Option<String>,
    /// How many times the run was resumed after an interruption.
    #[serde(default)]
    pub resumed: u32,
    /// The origin could not be read for a reason that passes: the run can be resumed.
    #[serde(default)]
    pub origin_interrupted: bool,
    /// Aggregated syncs: the period read, slices and data stats.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aggregated: Option<AggregatedRunDetails>,
    /// Events syncs: the dates read, pages, per-program figures, notes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub events: Option<super::events::EventsRunDetails>,
    pub targets: Vec<TargetReport>,
    /// Problems before any target was touched (origin unreachable…).
    pub errors: Vec<SyncError>,
}

impl SyncReport {
    pub fn new(kind: SyncKind, origin: &str) -> Self {
        SyncReport {
            kind,
            origin: origin.to_string(),
            origin_version: None,
            dry_run: false,
            objects_by_type: Vec::new(),
            references_only: 0,
            origin_request_count: 0,
            origin_retries: 0,
            run_id: None,
            resumed: 0,
            origin_interrupted: false,
            aggregated: None,
            events: None,
            targets: Vec::new(),
            errors: Vec::new(),
        }
    }

    /// The worst target status; an origin failure is an error whatever the targets say.
    pub fn overall_status(&self) -> TargetStatus {
        let mut overall = TargetReport::new("", "");
        if !self.errors.is_empty() || self.targets.is_empty() {
            overall.raise(TargetStatus::Error);
        }
        for target in &self.targets {
            overall.raise(target.status);
        }
        overall.status
    }

    pub fn succeeded(&self) -> bool {
        !self.overall_status().is_failure()
    }

    /// Whether the run stopped half-way for a reason that passes, so that resuming it makes
    /// sense (a stop the user asked for included).
    pub fn resumable(&self) -> bool {
        self.origin_interrupted
            || self.targets.iter().any(|target| {
                target.interruption.is_some() || target.status == TargetStatus::Cancelled
            })
    }

    /// Retries of the whole run, origin and targets.
    pub fn retries(&self) -> usize {
        self.origin_retries + self.targets.iter().map(|t| t.retries).sum::<usize>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_history_entry_written_before_typed_notes_still_reads() {
        // A target as history stored it when notes were sentences and errors had no problem.
        let old = r#"{
            "target": "Training", "baseUrl": "https://t.example", "version": "2.40.3",
            "status": "warning", "stats": {"created": 1, "updated": 0, "deleted": 0, "ignored": 2, "total": 3},
            "typeStats": [], "chunks": [], "chunksPlanned": 1, "rawResponses": [], "requestCount": 3,
            "errors": [{"objectId": "fbfJHSPpUQD", "objectType": "dataElements", "property": null,
                        "message": "Property `name` is required", "code": "E4000"}],
            "notes": ["DHIS2 2.40.3 has no visualizations: 2 object(s) left out."]
        }"#;
        let target: TargetReport = serde_json::from_str(old).unwrap();
        assert_eq!(
            target.notes,
            [ReportNote::Other(
                "DHIS2 2.40.3 has no visualizations: 2 object(s) left out.".into()
            )]
        );
        assert_eq!(target.errors[0].problem, None);
        assert_eq!(target.errors[0].code.as_deref(), Some("E4000"));
        // Written again, it reads back the same.
        let text = serde_json::to_string(&target).unwrap();
        assert_eq!(serde_json::from_str::<TargetReport>(&text).unwrap(), target);
    }

    #[test]
    fn resuming_turns_the_interruption_into_a_typed_note_and_drops_the_stop_notes() {
        let mut target = TargetReport::new("Training", "https://t.example");
        target.notes = vec![
            ReportNote::StoppedAfterChunk {
                sent: 1,
                planned: 3,
            },
            ReportNote::Other("Cancelled: 1 of 3 chunk(s) were sent before the stop.".into()),
            ReportNote::MergeModeIgnored {
                version: "2.41.0".into(),
            },
        ];
        let error = Dhis2Error::Unauthorized {
            base_url: "https://t.example".into(),
        };
        target.fail(&error);
        assert!(target.interruption.is_some());
        assert_eq!(
            target.errors[0].problem,
            Some(SyncProblem::Dhis2 {
                error: error.clone()
            })
        );
        target.resume();
        assert!(target.errors.is_empty(), "{:?}", target.errors);
        assert_eq!(
            target.notes,
            [
                ReportNote::MergeModeIgnored {
                    version: "2.41.0".into()
                },
                ReportNote::InterruptedThenResumed {
                    error: SyncError::of(error)
                },
            ]
        );
        assert_eq!(target.status, TargetStatus::Success);
    }
}
