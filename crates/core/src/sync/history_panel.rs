//! What the History panel and `mdsync history` do beyond listing: filters, sort and paging, the
//! history of one rule (which run-only users may read for the rules shared with them), one
//! entry in full, its errors as CSV, and deleting entries.

use std::cmp::Ordering;

use super::history::{list_history, read_summaries, HistoryEntry, HistorySummary};
use super::report::{SyncError, SyncKind, TargetStatus};
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
    /// The column to order by, and whether newest / largest first.
    pub sort: HistorySort,
    pub descending: bool,
}

/// What the history table can be ordered by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum HistorySort {
    #[default]
    Date,
    Kind,
    Status,
    User,
    Origin,
    Objects,
}

impl HistorySort {
    fn compare(self, a: &HistorySummary, b: &HistorySummary) -> Ordering {
        let kind = |s: &HistorySummary| format!("{:?}", s.kind);
        let status = |s: &HistorySummary| format!("{:?}", s.status);
        match self {
            HistorySort::Date => a.date.cmp(&b.date),
            HistorySort::Kind => kind(a).cmp(&kind(b)),
            HistorySort::Status => status(a).cmp(&status(b)),
            HistorySort::User => a.user.cmp(&b.user),
            HistorySort::Origin => a.origin.to_lowercase().cmp(&b.origin.to_lowercase()),
            HistorySort::Objects => a.objects.cmp(&b.objects),
        }
    }
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
            sort: HistorySort::Date,
            descending: true,
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

    /// The entries of the requested page, in the requested order.
    pub fn apply(&self, entries: &[HistorySummary]) -> HistoryPage {
        let mut matching: Vec<&HistorySummary> =
            entries.iter().filter(|e| self.matches(e)).collect();
        matching.sort_by(|a, b| {
            let order = self.sort.compare(a, b);
            if self.descending {
                order.reverse()
            } else {
                order
            }
            // Ties: newest first, then by id, so pages never shuffle.
            .then_with(|| b.date.cmp(&a.date))
            .then_with(|| a.id.cmp(&b.id))
        });
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

/// One history entry in full, if `actor` may read it: configurators and administrators every
/// entry, a run-only user the runs they made (what [`list_history`] shows them).
pub async fn read_history_entry<T: Transport>(
    storage: &Storage<T>,
    actor: &Actor,
    id: &str,
) -> Result<Option<HistoryEntry>, StorageError> {
    actor
        .authorize(Operation::ReadHistory)
        .map_err(StorageError::Denied)?;
    let Some(entry) = storage
        .read::<HistoryEntry>(&keys::history_entry(id))
        .await?
    else {
        return Ok(None);
    };
    let sees_all = actor.authorize(Operation::DeleteHistory).is_ok();
    let mine = entry.summary.user.as_deref() == Some(actor.me().username.as_str());
    Ok((sees_all || mine).then_some(entry))
}

/// An error as its reader sees it: the stored error, with its type and message phrased in the
/// reader's language (by the app; the CLI passes the English texts).
#[derive(Debug, Clone, PartialEq)]
pub struct ShownError<'e> {
    pub error: &'e SyncError,
    pub type_label: String,
    pub message: String,
}

/// The errors whose text, as shown, contains `search` (any column, case-insensitive); all when
/// empty. `show` phrases an error's type and message as the reader sees them, so that a reader
/// searches the words on the screen, not the English ones stored.
pub fn search_errors<'e>(
    errors: &'e [SyncError],
    search: &str,
    show: impl Fn(&SyncError) -> (String, String),
) -> Vec<ShownError<'e>> {
    let needle = search.trim().to_lowercase();
    errors
        .iter()
        .map(|error| {
            let (type_label, message) = show(error);
            ShownError {
                error,
                type_label,
                message,
            }
        })
        .filter(|shown| {
            needle.is_empty()
                || [
                    shown.error.object_id.as_deref(),
                    shown.error.object_type.as_deref(),
                    Some(shown.type_label.as_str()),
                    shown.error.property.as_deref(),
                    Some(shown.message.as_str()),
                    shown.error.code.as_deref(),
                ]
                .into_iter()
                .flatten()
                .any(|text| text.to_lowercase().contains(&needle))
        })
        .collect()
}

/// The type and message as stored (English, or the server's words): `show` for readers
/// without a language of their own, like the CLI.
pub fn stored_texts(error: &SyncError) -> (String, String) {
    (
        error.object_type.clone().unwrap_or_default(),
        error.message.clone(),
    )
}

/// Errors as CSV (RFC 4180: quoted where needed, CRLF line ends), with a header row: object,
/// type, property, message, code — type and message as shown. Cells that a spreadsheet would
/// run as a formula are prefixed with `'`.
pub fn errors_csv(errors: &[ShownError]) -> String {
    let mut csv = String::from("object,type,property,message,code\r\n");
    for shown in errors {
        let error = shown.error;
        let cells = [
            error.object_id.as_deref().unwrap_or_default(),
            shown.type_label.as_str(),
            error.property.as_deref().unwrap_or_default(),
            shown.message.as_str(),
            error.code.as_deref().unwrap_or_default(),
        ];
        let line: Vec<String> = cells.iter().map(|cell| csv_cell(cell)).collect();
        csv.push_str(&line.join(","));
        csv.push_str("\r\n");
    }
    csv
}

fn csv_cell(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@']) {
        format!("'{text}")
    } else {
        text.to_string()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(id: &str, date: &str, status: TargetStatus, objects: usize) -> HistorySummary {
        HistorySummary {
            id: id.into(),
            kind: SyncKind::Metadata,
            date: date.into(),
            user: Some("admin".into()),
            rule_id: None,
            origin: "This instance".into(),
            status,
            dry_run: false,
            targets: Vec::new(),
            objects,
        }
    }

    fn error(id: &str, message: &str) -> SyncError {
        SyncError {
            object_id: Some(id.into()),
            object_type: Some("dataSets".into()),
            property: None,
            message: message.into(),
            code: Some("E5002".into()),
            problem: None,
        }
    }

    #[test]
    fn sorts_by_any_column_both_ways_newest_first_by_default() {
        let entries = vec![
            summary("a", "2026-12-01T10:00:00Z", TargetStatus::Success, 5),
            summary("b", "2026-12-03T10:00:00Z", TargetStatus::Error, 1),
            summary("c", "2026-12-02T10:00:00Z", TargetStatus::Warning, 9),
        ];
        let ids = |query: &HistoryQuery| -> Vec<String> {
            query
                .apply(&entries)
                .entries
                .into_iter()
                .map(|e| e.id)
                .collect()
        };
        assert_eq!(ids(&HistoryQuery::default()), ["b", "c", "a"]);
        let oldest_first = HistoryQuery {
            descending: false,
            ..HistoryQuery::default()
        };
        assert_eq!(ids(&oldest_first), ["a", "c", "b"]);
        let most_objects = HistoryQuery {
            sort: HistorySort::Objects,
            descending: true,
            ..HistoryQuery::default()
        };
        assert_eq!(ids(&most_objects), ["c", "a", "b"]);
        let by_status = HistoryQuery {
            sort: HistorySort::Status,
            descending: false,
            ..HistoryQuery::default()
        };
        assert_eq!(ids(&by_status), ["b", "a", "c"], "Error, Success, Warning");
    }

    #[test]
    fn errors_are_searched_in_every_column_and_written_as_safe_csv() {
        let errors = vec![
            error("abcDEF12345", "Invalid reference, \"x\" missing"),
            error("zzzZZZ12345", "=HYPERLINK(\"evil\")"),
        ];
        assert_eq!(search_errors(&errors, "", stored_texts).len(), 2);
        assert_eq!(search_errors(&errors, "abcdef", stored_texts).len(), 1);
        assert_eq!(search_errors(&errors, "e5002", stored_texts).len(), 2);
        assert_eq!(
            search_errors(&errors, "nothing like it", stored_texts).len(),
            0
        );
        // The reader searches the words on the screen: a translated message is found by its
        // translation, and the English stored text is not what the reader sees.
        let in_french = |error: &SyncError| {
            (
                "Ensembles de données".to_string(),
                format!(
                    "Référence invalide ({})",
                    error.object_id.clone().unwrap_or_default()
                ),
            )
        };
        assert_eq!(search_errors(&errors, "référence", in_french).len(), 2);
        assert_eq!(search_errors(&errors, "ensembles", in_french).len(), 2);
        assert_eq!(search_errors(&errors, "missing", in_french).len(), 0);
        let french_csv = errors_csv(&search_errors(&errors, "abcdef", in_french));
        assert!(
            french_csv.contains(
                "abcDEF12345,Ensembles de données,,Référence invalide (abcDEF12345),E5002"
            ),
            "{french_csv}"
        );
        let csv = errors_csv(&search_errors(&errors, "", stored_texts));
        let lines: Vec<&str> = csv.split("\r\n").collect();
        assert_eq!(lines[0], "object,type,property,message,code");
        assert_eq!(
            lines[1],
            "abcDEF12345,dataSets,,\"Invalid reference, \"\"x\"\" missing\",E5002"
        );
        // A formula is never run by the spreadsheet that opens the file.
        assert_eq!(
            lines[2],
            "zzzZZZ12345,dataSets,,\"'=HYPERLINK(\"\"evil\"\")\",E5002"
        );
        assert_eq!(lines.len(), 4, "a line end after the last row");
    }
}
