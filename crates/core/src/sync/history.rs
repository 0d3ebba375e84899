//! Sync reports in history: a light summary in the `history` list, the full report (per-target
//! results, errors, raw responses) in `history-<id>`, through the storage layer.

use serde::{Deserialize, Serialize};

use super::report::{SyncKind, SyncReport, TargetStatus};
use crate::dhis2::Transport;
use crate::model::Uid;
use crate::storage::{Identified, Storage, StorageError};

/// One line of the history list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HistorySummary {
    pub id: String,
    pub kind: SyncKind,
    /// When the run started, as the caller's clock gave it (ISO 8601).
    pub date: String,
    /// Who ran it (username), or the scheduler.
    pub user: Option<String>,
    /// The rule it ran for, if any.
    pub rule_id: Option<String>,
    pub origin: String,
    pub status: TargetStatus,
    pub dry_run: bool,
    pub targets: Vec<HistoryTarget>,
    pub objects: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HistoryTarget {
    pub name: String,
    pub status: TargetStatus,
}

impl Identified for HistorySummary {
    fn id(&self) -> &str {
        &self.id
    }
}

/// Who and when, for a history entry.
#[derive(Debug, Clone, Default)]
pub struct RunContext {
    pub date: String,
    pub user: Option<String>,
    pub rule_id: Option<String>,
}

impl HistorySummary {
    pub fn of(id: &str, report: &SyncReport, context: &RunContext) -> Self {
        HistorySummary {
            id: id.to_string(),
            kind: report.kind,
            date: context.date.clone(),
            user: context.user.clone(),
            rule_id: context.rule_id.clone(),
            origin: report.origin.clone(),
            status: report.overall_status(),
            dry_run: report.dry_run,
            targets: report
                .targets
                .iter()
                .map(|t| HistoryTarget {
                    name: t.target.clone(),
                    status: t.status,
                })
                .collect(),
            objects: report.objects_by_type.iter().map(|(_, n)| n).sum(),
        }
    }
}

/// Saves a finished run; returns the summary written (its `id` finds the full report again).
pub async fn save_to_history<T: Transport>(
    storage: &Storage<T>,
    report: &SyncReport,
    context: &RunContext,
) -> Result<HistorySummary, StorageError> {
    let id = Uid::generate();
    let summary = HistorySummary::of(id.as_str(), report, context);
    storage
        .history::<HistorySummary, SyncReport>()
        .save(&summary, report)
        .await?;
    Ok(summary)
}

/// The full report of a history entry.
pub async fn load_from_history<T: Transport>(
    storage: &Storage<T>,
    id: &str,
) -> Result<Option<SyncReport>, StorageError> {
    storage
        .history::<HistorySummary, SyncReport>()
        .details(id)
        .await
}
