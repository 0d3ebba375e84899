//! Sync reports in history: one dataStore key per run, `history-<id>`, holding the summary the
//! list shows and the full report (per-target results, errors, raw responses capped in size).
//! A run writes its own key once and never rewrites a shared list, so history does not grow
//! into one ever-larger value, and a run-only user's write cannot touch anyone else's entries
//! (each key is owned by whoever ran the sync: [`crate::storage::KeyProtection::Record`]).
//!
//! Entries written before this layout (a `history` list beside report-only keys) are still
//! listed and read.

use serde::{Deserialize, Serialize};

use super::report::{SyncKind, SyncReport, TargetStatus};
use crate::access::{AccessDenied, Actor, Operation};
use crate::dhis2::Transport;
use crate::model::Uid;
use crate::storage::{keys, Storage, StorageError};

/// Raw server answers kept in a history entry, in bytes of JSON, for all targets together.
pub const RAW_RESPONSES_CAP: usize = 256 * 1024;

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

/// What `history-<id>` holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HistoryEntry {
    pub summary: HistorySummary,
    pub report: SyncReport,
    /// What the run was asked to do (and for which rule), as it was then; `None` for dry runs
    /// and entries written before it was kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameters: Option<RunParameters>,
}

/// The rule and the parameters of a run at the time it ran, for History's details.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RunParameters {
    /// The rule's name then (its id is in the summary).
    pub rule_name: Option<String>,
    /// The selection (resolved) and the options.
    pub job: super::journal::JournalJob,
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

/// The report as history keeps it: raw responses beyond `cap` bytes are left out, with a note
/// on the target saying how many (the full ones stay downloadable while the run is on screen).
pub fn capped_for_history(report: &SyncReport, cap: usize) -> SyncReport {
    let mut capped = report.clone();
    let mut used = 0usize;
    for target in &mut capped.targets {
        let mut kept = Vec::new();
        let (mut left_out, mut left_out_bytes) = (0usize, 0usize);
        for response in target.raw_responses.drain(..) {
            let size = serde_json::to_string(&response).map_or(0, |text| text.len());
            if used + size <= cap {
                used += size;
                kept.push(response);
            } else {
                left_out += 1;
                left_out_bytes += size;
            }
        }
        target.raw_responses = kept;
        if left_out > 0 {
            target.notes.push(super::ReportNote::RawResponsesLeftOut {
                responses: left_out,
                bytes: left_out_bytes,
            });
        }
    }
    capped
}

/// Saves a finished run in one write of its own key; returns the summary written (its `id`
/// finds the full report again).
pub async fn save_to_history<T: Transport>(
    storage: &Storage<T>,
    report: &SyncReport,
    context: &RunContext,
) -> Result<HistorySummary, StorageError> {
    let id = Uid::generate();
    let summary = HistorySummary::of(id.as_str(), report, context);
    let entry = HistoryEntry {
        summary: summary.clone(),
        report: capped_for_history(report, RAW_RESPONSES_CAP),
        parameters: None,
    };
    storage
        .write_new(&keys::history_entry(id.as_str()), &entry)
        .await?;
    Ok(summary)
}

/// Saves the report of the run `run_id` under that id, replacing what an earlier attempt of the
/// same run saved: a resumed run keeps one history entry, whose report covers the whole run.
pub async fn save_run_to_history<T: Transport>(
    storage: &Storage<T>,
    run_id: &str,
    report: &SyncReport,
    context: &RunContext,
) -> Result<HistorySummary, StorageError> {
    save_run_with_parameters(storage, run_id, report, context, None).await
}

/// [`save_run_to_history`], keeping the rule and parameters of the run with it.
pub async fn save_run_with_parameters<T: Transport>(
    storage: &Storage<T>,
    run_id: &str,
    report: &SyncReport,
    context: &RunContext,
    parameters: Option<RunParameters>,
) -> Result<HistorySummary, StorageError> {
    let summary = HistorySummary::of(run_id, report, context);
    let entry = HistoryEntry {
        summary: summary.clone(),
        report: capped_for_history(report, RAW_RESPONSES_CAP),
        parameters,
    };
    storage.write(&keys::history_entry(run_id), &entry).await?;
    Ok(summary)
}

/// An entry as stored: this layout, or a report alone (listed in the old `history` list).
#[derive(Deserialize)]
#[serde(untagged)]
enum StoredEntry {
    Entry(Box<HistoryEntry>),
    Legacy(Box<SyncReport>),
}

/// The full report of a history entry.
pub async fn load_from_history<T: Transport>(
    storage: &Storage<T>,
    id: &str,
) -> Result<Option<SyncReport>, StorageError> {
    Ok(storage
        .read::<StoredEntry>(&keys::history_entry(id))
        .await?
        .map(|stored| match stored {
            StoredEntry::Entry(entry) => entry.report,
            StoredEntry::Legacy(report) => *report,
        }))
}

/// Every history entry the user may read, newest first: configurators and administrators see
/// all, a run-only user the runs they made. One request on 2.38+ (the dataStore query API);
/// before, one per entry.
pub async fn list_history<T: Transport>(
    storage: &Storage<T>,
    actor: &Actor,
) -> Result<Vec<HistorySummary>, StorageError> {
    actor.authorize(Operation::ReadHistory).map_err(denied)?;
    let mut summaries = read_summaries(storage).await?;
    if actor.authorize(Operation::DeleteHistory).is_err() {
        let me = actor.me().username.as_str();
        summaries.retain(|summary| summary.user.as_deref() == Some(me));
    }
    summaries.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.id.cmp(&b.id)));
    Ok(summaries)
}

fn denied(error: AccessDenied) -> StorageError {
    StorageError::Denied(error)
}

pub(crate) async fn read_summaries<T: Transport>(
    storage: &Storage<T>,
) -> Result<Vec<HistorySummary>, StorageError> {
    let mut summaries: Vec<HistorySummary> = storage.read(keys::HISTORY).await?.unwrap_or_default();
    let datastore = storage.datastore();
    let is_entry = |key: &str| key.starts_with(keys::HISTORY_PREFIX);
    if datastore.has_query_api() {
        for (key, value) in datastore.field_of_all("summary").await? {
            if is_entry(&key) {
                summaries.push(
                    serde_json::from_value(value)
                        .map_err(|error| StorageError::corrupt(&key, error))?,
                );
            }
        }
    } else {
        let entry_keys: Vec<String> = storage
            .keys()
            .await?
            .into_iter()
            .filter(|key| is_entry(key))
            .collect();
        // Six at a time, as a browser would.
        for batch in entry_keys.chunks(6) {
            let reads = batch
                .iter()
                .map(|key| storage.read::<serde_json::Value>(key));
            for (key, value) in batch.iter().zip(futures::future::join_all(reads).await) {
                if let Some(summary) = value?.and_then(|value| value.get("summary").cloned()) {
                    summaries.push(
                        serde_json::from_value(summary)
                            .map_err(|error| StorageError::corrupt(key, error))?,
                    );
                }
            }
        }
    }
    summaries.sort_by(|a, b| a.id.cmp(&b.id));
    summaries.dedup_by(|a, b| a.id == b.id);
    Ok(summaries)
}

/// Deletes the entries older than the retention (`settings.historyRetentionDays`, counted back
/// from `today`, `YYYY-MM-DD`); `0` keeps everything. Administrators only (the entries are owned
/// by whoever ran them). Returns the ids removed.
pub async fn prune_history<T: Transport>(
    storage: &Storage<T>,
    actor: &Actor,
    today: &str,
) -> Result<Vec<String>, StorageError> {
    actor.authorize(Operation::PruneHistory).map_err(denied)?;
    let days = storage.settings().await?.history_retention_days;
    let Some(cutoff) = (days > 0).then(|| date_days_before(today, days)).flatten() else {
        return Ok(Vec::new());
    };
    let mut removed = Vec::new();
    for summary in read_summaries(storage).await? {
        if summary
            .date
            .get(..10)
            .is_some_and(|date| date < cutoff.as_str())
        {
            storage.remove(&keys::history_entry(&summary.id)).await?;
            removed.push(summary.id);
        }
    }
    if !removed.is_empty() {
        // Entries of the old layout are also listed in `history`.
        if let Some(mut legacy) = storage
            .read::<Vec<serde_json::Value>>(keys::HISTORY)
            .await?
        {
            let before = legacy.len();
            legacy.retain(|item| {
                !item
                    .get("id")
                    .and_then(|id| id.as_str())
                    .is_some_and(|id| removed.iter().any(|r| r == id))
            });
            if legacy.len() != before {
                storage.write(keys::HISTORY, &legacy).await?;
            }
        }
    }
    Ok(removed)
}

/// `YYYY-MM-DD` minus `days`, or `None` when `date` is not such a date.
fn date_days_before(date: &str, days: u32) -> Option<String> {
    let year: i64 = date.get(0..4)?.parse().ok()?;
    let month: i64 = date.get(5..7)?.parse().ok()?;
    let day: i64 = date.get(8..10)?.parse().ok()?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    // Days since 1970-01-01 and back (Howard Hinnant's civil-date algorithms).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let since_epoch = era * 146_097 + doe - 719_468 - i64::from(days);
    let z = since_epoch + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    Some(format!("{y:04}-{m:02}-{d:02}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::TargetReport;

    #[test]
    fn counts_days_back_across_months_years_and_leap_days() {
        assert_eq!(
            date_days_before("2026-12-03", 30).as_deref(),
            Some("2026-11-03")
        );
        assert_eq!(
            date_days_before("2026-01-10", 10).as_deref(),
            Some("2025-12-31")
        );
        assert_eq!(
            date_days_before("2024-03-01", 1).as_deref(),
            Some("2024-02-29")
        );
        assert_eq!(
            date_days_before("2023-03-01", 1).as_deref(),
            Some("2023-02-28")
        );
        assert_eq!(date_days_before("not a date", 1), None);
    }

    #[test]
    fn raw_responses_beyond_the_cap_are_left_out_with_a_note() {
        let mut report = SyncReport::new(SyncKind::Metadata, "origin");
        let mut target = TargetReport::new("dest", "http://dest");
        let big = serde_json::json!({ "text": "x".repeat(1000) });
        target.raw_responses = vec![big.clone(), big.clone(), big];
        report.targets.push(target);
        let capped = capped_for_history(&report, 2100);
        assert_eq!(capped.targets[0].raw_responses.len(), 2);
        assert!(
            matches!(
                capped.targets[0].notes[0],
                crate::sync::ReportNote::RawResponsesLeftOut { responses: 1, bytes } if bytes > 1000
            ),
            "{:?}",
            capped.targets[0].notes
        );
        // What is on screen keeps them all.
        assert_eq!(report.targets[0].raw_responses.len(), 3);
        let untouched = capped_for_history(&report, RAW_RESPONSES_CAP);
        assert_eq!(untouched, report);
    }
}
