//! What the History panel and `mdsync history` do beyond listing: filters and paging, the
//! history of one rule (which run-only users may read for the rules shared with them), and
//! deleting entries.

use super::history::{list_history, read_summaries, HistorySummary};
use super::report::{SyncKind, TargetStatus};
use crate::access::{Actor, Operation};
use crate::dhis2::Transport;
use crate::model::Sharing;
use crate::storage::{keys, Storage, StorageError};

/// The filters of the history table. Pages count from 1; dates are `YYYY-MM-DD`, inclusive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryQuery {
    pub kind: Option<SyncKind>,
    pub status: Option<TargetStatus>,
    pub rule_id: Option<String>,
    /// A username.
    pub user: Option<String>,
    pub from: Option<String>,
    pub until: Option<String>,
    pub page: usize,
    pub page_size: usize,
}

impl Default for HistoryQuery {
    fn default() -> Self {
        HistoryQuery {
            kind: None,
            status: None,
            rule_id: None,
            user: None,
            from: None,
            until: None,
            page: 1,
            page_size: 25,
        }
    }
}

/// One page of history, newest first.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryPage {
    pub entries: Vec<HistorySummary>,
    pub total: usize,
    pub page: usize,
    pub pages: usize,
}

impl HistoryQuery {
    pub fn matches(&self, entry: &HistorySummary) -> bool {
        let day = entry.date.get(..10).unwrap_or_default();
        self.kind.is_none_or(|kind| kind == entry.kind)
            && self.status.is_none_or(|status| status == entry.status)
            && self
                .rule_id
                .as_ref()
                .is_none_or(|id| entry.rule_id.as_ref() == Some(id))
            && self
                .user
                .as_ref()
                .is_none_or(|user| entry.user.as_ref() == Some(user))
            && self.from.as_deref().is_none_or(|from| day >= from)
            && self.until.as_deref().is_none_or(|until| day <= until)
    }

    /// The entries of the requested page (`entries` newest first, as listed).
    pub fn apply(&self, entries: &[HistorySummary]) -> HistoryPage {
        let matching: Vec<&HistorySummary> = entries.iter().filter(|e| self.matches(e)).collect();
        let total = matching.len();
        let size = self.page_size.max(1);
        let pages = total.div_ceil(size).max(1);
        let page = self.page.clamp(1, pages);
        HistoryPage {
            entries: matching
                .into_iter()
                .skip((page - 1) * size)
                .take(size)
                .cloned()
                .collect(),
            total,
            page,
            pages,
        }
    }
}

/// Every run of a rule the user may read, newest first: run-only users read the whole history
/// of the rules shared with them, whoever ran them (the scheduler included).
pub async fn list_rule_history<T: Transport>(
    storage: &Storage<T>,
    actor: &Actor,
    rule_id: &str,
    rule_name: &str,
    rule_sharing: &Sharing,
) -> Result<Vec<HistorySummary>, StorageError> {
    actor.authorize_on(Operation::ReadHistory, rule_name, rule_sharing, false)?;
    let mut entries: Vec<HistorySummary> = read_summaries(storage)
        .await?
        .into_iter()
        .filter(|entry| entry.rule_id.as_deref() == Some(rule_id))
        .collect();
    entries.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.id.cmp(&b.id)));
    Ok(entries)
}

/// What deleting history entries did.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct HistoryDeletion {
    pub deleted: Vec<String>,
    /// Entries DHIS2 kept, with the reason (an entry is owned by whoever ran it: only they and
    /// superusers may delete it).
    pub kept: Vec<(String, String)>,
}

/// Deletes history entries (configurators: entries they may see).
pub async fn delete_history<T: Transport>(
    storage: &Storage<T>,
    actor: &Actor,
    ids: &[String],
) -> Result<HistoryDeletion, StorageError> {
    actor
        .authorize(Operation::DeleteHistory)
        .map_err(StorageError::Denied)?;
    let visible = list_history(storage, actor).await?;
    let mut outcome = HistoryDeletion::default();
    for id in ids {
        if !visible.iter().any(|entry| entry.id == *id) {
            outcome
                .kept
                .push((id.clone(), "there is no such history entry".into()));
            continue;
        }
        match storage.remove(&keys::history_entry(id)).await {
            Ok(_) => outcome.deleted.push(id.clone()),
            Err(StorageError::Dhis2(error)) => outcome.kept.push((id.clone(), error.to_string())),
            Err(other) => return Err(other),
        }
    }
    Ok(outcome)
}
