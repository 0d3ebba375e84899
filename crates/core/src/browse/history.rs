//! Writing a manual metadata run to the history (`history` list + `history-<id>` details).
//!
//! The summary is light (what the history list shows); the details are the whole
//! [`SyncReport`], raw server answers included, so a run can be read again later.

use serde::{Deserialize, Serialize};

use crate::dhis2::Transport;
use crate::model::Uid;
use crate::storage::{Identified, Storage, StorageError};
use crate::sync::report::{SyncKind, SyncReport};
use crate::sync::TargetStatus;

/// One line of the `history` list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RunSummary {
    pub id: String,
    /// ISO 8601, from the clock of whoever ran it.
    pub date: String,
    pub user: String,
    pub kind: SyncKind,
    pub status: TargetStatus,
    pub dry_run: bool,
    pub origin: String,
    pub targets: Vec<String>,
    /// Types in the payload.
    pub types: Vec<String>,
    /// `None` for a manual run; a rule's id otherwise.
    #[serde(default)]
    pub rule_id: Option<String>,
}

impl Identified for RunSummary {
    fn id(&self) -> &str {
        &self.id
    }
}

impl RunSummary {
    /// The summary of a finished report; `date` is the caller's clock (core has none).
    pub fn of(report: &SyncReport, user: &str, date: &str) -> RunSummary {
        RunSummary {
            id: Uid::generate().to_string(),
            date: date.to_string(),
            user: user.to_string(),
            kind: report.kind,
            status: report.overall_status(),
            dry_run: report.dry_run,
            origin: report.origin.clone(),
            targets: report.targets.iter().map(|t| t.target.clone()).collect(),
            types: report.objects_by_type.iter().map(|(t, _)| t.clone()).collect(),
            rule_id: None,
        }
    }
}

/// Saves the run; returns its history id.
pub async fn record_run<T: Transport>(
    storage: &Storage<T>,
    report: &SyncReport,
    user: &str,
    date: &str,
) -> Result<String, StorageError> {
    let summary = RunSummary::of(report, user, date);
    storage
        .history::<RunSummary, SyncReport>()
        .save(&summary, report)
        .await?;
    Ok(summary.id)
}
