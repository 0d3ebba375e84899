//! Reading and writing rules in the dataStore, leniently: a damaged entry is reported with its
//! key and the other rules still load; nothing damaged is ever rewritten.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::model::{RuleDetails, RuleLastRun, RuleSummary};
use crate::dhis2::Transport;
use crate::model::Sharing;
use crate::storage::{keys, KeyProtection, Storage, StorageError};

/// A rule entry that could not be read; the others loaded.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleLoadProblem {
    /// The dataStore key (`rules` for a damaged line of the list, `rule-<id>`, `last-run-<id>`).
    pub key: String,
    /// The rule's id, when it could be read.
    pub rule_id: Option<String>,
    pub reason: String,
}

impl fmt::Display for RuleLoadProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let which = match &self.rule_id {
            Some(id) if self.key == keys::RULES => format!("the rule {id} in '{}'", self.key),
            _ => format!("'{}'", self.key),
        };
        write!(
            f,
            "The dataStore entry {which} is damaged ({}); it was skipped and left as it is. \
             Repair or delete it with the Data Store Manager app.",
            self.reason
        )
    }
}

/// Every rule summary that reads, and the lines that do not.
pub(crate) async fn read_summaries<T: Transport>(
    storage: &Storage<T>,
) -> Result<(Vec<RuleSummary>, Vec<RuleLoadProblem>), StorageError> {
    let Some(value) = storage.read::<serde_json::Value>(keys::RULES).await? else {
        return Ok((Vec::new(), Vec::new()));
    };
    let serde_json::Value::Array(items) = value else {
        return Ok((
            Vec::new(),
            vec![RuleLoadProblem {
                key: keys::RULES.into(),
                rule_id: None,
                reason: "it is not a list".into(),
            }],
        ));
    };
    let mut summaries = Vec::new();
    let mut problems = Vec::new();
    for (position, item) in items.into_iter().enumerate() {
        let rule_id = item
            .get("id")
            .and_then(|id| id.as_str())
            .map(str::to_string);
        match serde_json::from_value::<RuleSummary>(item) {
            Ok(summary) => summaries.push(summary),
            Err(error) => problems.push(RuleLoadProblem {
                key: keys::RULES.into(),
                reason: match &rule_id {
                    Some(_) => error.to_string(),
                    None => format!("line {} of the list: {error}", position + 1),
                },
                rule_id,
            }),
        }
    }
    Ok((summaries, problems))
}

/// The job of a rule (`rule-<id>`); a damaged one is an error naming its key.
pub(crate) async fn read_details<T: Transport>(
    storage: &Storage<T>,
    id: &str,
) -> Result<Option<RuleDetails>, StorageError> {
    storage.read(&keys::rule(id)).await
}

/// What `last-run-<id>` holds; the record sits under one field so that the 2.38+ query API
/// reads every rule's record in one request.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct StoredLastRun {
    last_run: RuleLastRun,
}

const LAST_RUN_FIELD: &str = "lastRun";

/// The run records of `ids` (missing ones are empty), and the damaged ones.
pub(crate) async fn read_last_runs<T: Transport>(
    storage: &Storage<T>,
    ids: &[String],
) -> Result<(BTreeMap<String, RuleLastRun>, Vec<RuleLoadProblem>), StorageError> {
    let mut records = BTreeMap::new();
    let mut problems = Vec::new();
    let take =
        |id: &str,
         value: serde_json::Value,
         records: &mut BTreeMap<String, RuleLastRun>,
         problems: &mut Vec<RuleLoadProblem>| match serde_json::from_value(value) {
            Ok(record) => {
                records.insert(id.to_string(), record);
            }
            Err(error) => problems.push(RuleLoadProblem {
                key: keys::rule_last_run(id),
                rule_id: Some(id.to_string()),
                reason: error.to_string(),
            }),
        };
    let datastore = storage.datastore();
    if datastore.has_query_api() && ids.len() > 1 {
        for (key, value) in datastore.field_of_all(LAST_RUN_FIELD).await? {
            if let Some(id) = key.strip_prefix(keys::LAST_RUN_PREFIX) {
                if ids.iter().any(|wanted| wanted == id) {
                    take(id, value, &mut records, &mut problems);
                }
            }
        }
    } else {
        // Six at a time, as a browser would.
        for batch in ids.chunks(6) {
            let batch_keys: Vec<String> = batch.iter().map(|id| keys::rule_last_run(id)).collect();
            let reads = batch_keys
                .iter()
                .map(|key| storage.read::<serde_json::Value>(key));
            for (id, value) in batch.iter().zip(futures::future::join_all(reads).await) {
                match value {
                    Ok(Some(mut stored)) => take(
                        id,
                        stored[LAST_RUN_FIELD].take(),
                        &mut records,
                        &mut problems,
                    ),
                    Ok(None) => {}
                    Err(StorageError::Corrupt { reason, .. }) => problems.push(RuleLoadProblem {
                        key: keys::rule_last_run(id),
                        rule_id: Some(id.clone()),
                        reason,
                    }),
                    Err(other) => return Err(other),
                }
            }
        }
    }
    Ok((records, problems))
}

/// Writes a rule's run record; a new key is shared as the rule is.
pub(crate) async fn write_last_run<T: Transport>(
    storage: &Storage<T>,
    id: &str,
    record: &RuleLastRun,
    rule_sharing: &Sharing,
) -> Result<(), StorageError> {
    let protection = KeyProtection::RuleRunRecord {
        rule_sharing: rule_sharing.clone(),
    };
    let stored = StoredLastRun {
        last_run: record.clone(),
    };
    storage
        .write_with(&keys::rule_last_run(id), &stored, &protection)
        .await
        .map(|_| ())
}

/// The sharing of a stored rule (private when the rule is unknown): for re-protecting its run
/// record.
pub async fn stored_rule_sharing<T: Transport>(
    storage: &Storage<T>,
    id: &str,
) -> Result<Sharing, StorageError> {
    let (summaries, _) = read_summaries(storage).await?;
    Ok(summaries
        .into_iter()
        .find(|rule| rule.id == id)
        .map(|rule| rule.sharing)
        .unwrap_or_default())
}
