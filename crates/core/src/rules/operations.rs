//! Reading rules, and the errors of every rule operation. Every operation takes the acting user (through the
//! [`InstanceManager`]) and refuses, with a typed reason, what their role or the rule's sharing
//! does not allow: configurators create and change rules shared with them for editing,
//! run-only users list and run the rules shared with them, administrators everything.

use super::model::{Rule, RuleInstance, RuleLastRun, RuleSummary};
use super::store::{read_details, read_last_runs, read_summaries, RuleLoadProblem};
use super::validate::RuleProblems;
use crate::access::{AccessDenied, Actor, Operation};
use crate::dhis2::Transport;
use crate::instances::{InstanceError, InstanceManager};
use crate::model::LOCAL_INSTANCE_ID;
use crate::storage::{Storage, StorageError};
use crate::sync::RunError;

/// Why a rule operation was refused or failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RuleError {
    #[error(transparent)]
    Denied(#[from] AccessDenied),
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error(transparent)]
    Instance(#[from] InstanceError),
    #[error("There is no rule \"{id}\", or it is not shared with you.")]
    NotFound { id: String },
    #[error("The rule \"{name}\" has no stored details ('rule-{id}'); edit and save it again.")]
    DetailsMissing { id: String, name: String },
    #[error("Check the rule: {0}")]
    Invalid(RuleProblems),
    #[error(
        "The rule \"{rule}\" cannot run: its {role} \"{name}\" (id {id}) no longer exists. Edit \
         the rule and choose another instance."
    )]
    InstanceDeleted {
        rule: String,
        role: InstanceRole,
        name: String,
        id: String,
    },
    #[error(transparent)]
    Run(#[from] RunError),
}

/// Where an instance stands in a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum InstanceRole {
    Origin,
    Destination,
}

impl std::fmt::Display for InstanceRole {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            InstanceRole::Origin => "origin",
            InstanceRole::Destination => "destination",
        })
    }
}

/// A line of the Rules table.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleRow {
    pub summary: RuleSummary,
    pub last_run: RuleLastRun,
    /// May the user edit, delete and share it (configurator with write sharing)?
    pub can_edit: bool,
    /// Instances of the rule that no longer exist (it cannot run until edited).
    pub missing_instances: Vec<RuleInstance>,
}

/// The rules a user sees, and the entries that could not be read.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize)]
pub struct RuleListing {
    pub rows: Vec<RuleRow>,
    pub problems: Vec<RuleLoadProblem>,
}

/// What a change did beyond its main effect (e.g. a key whose sharing DHIS2 kept as it was).
pub type RuleNotes = Vec<String>;

pub(crate) fn actor(manager: &InstanceManager) -> &Actor {
    manager.actor()
}

fn may_edit(actor: &Actor, rule: &RuleSummary) -> bool {
    actor
        .authorize_on(Operation::EditRule, &rule.name, &rule.sharing, true)
        .is_ok()
}

/// Every rule the user may see (shared with them for reading; administrators see all), with
/// its run record. Damaged entries are listed as problems; the others load.
pub async fn list_rules<T: Transport>(
    manager: &InstanceManager,
    storage: &Storage<T>,
) -> Result<RuleListing, RuleError> {
    let actor = actor(manager);
    actor.authorize(Operation::ListRules)?;
    let (summaries, mut problems) = read_summaries(storage).await?;
    let visible: Vec<RuleSummary> = summaries
        .into_iter()
        .filter(|rule| rule.sharing.can_read(actor.me()))
        .collect();
    let ids: Vec<String> = visible.iter().map(|rule| rule.id.clone()).collect();
    let (mut records, record_problems) = read_last_runs(storage, &ids).await?;
    problems.extend(record_problems);
    let stored_instances = storage.instances().list().await?;
    let rows = visible
        .into_iter()
        .map(|mut summary| {
            let missing = refresh_names(&mut summary, &stored_instances);
            RuleRow {
                can_edit: may_edit(actor, &summary),
                last_run: records.remove(&summary.id).unwrap_or_default(),
                missing_instances: missing,
                summary,
            }
        })
        .collect();
    Ok(RuleListing { rows, problems })
}

/// Puts the instances' current names into the rule; returns those that no longer exist.
fn refresh_names(
    summary: &mut RuleSummary,
    instances: &[crate::model::Instance],
) -> Vec<RuleInstance> {
    let mut missing = Vec::new();
    for reference in std::iter::once(&mut summary.origin).chain(summary.destinations.iter_mut()) {
        if reference.id == LOCAL_INSTANCE_ID {
            *reference = RuleInstance::local();
            continue;
        }
        match instances.iter().find(|i| i.id.as_str() == reference.id) {
            Some(instance) => reference.name = instance.name.clone(),
            None => missing.push(reference.clone()),
        }
    }
    missing
}

/// The names of the rules `actor` may see, by id (History names the rule of each run with
/// them). A damaged entry is left out; the Rules panel reports it.
pub async fn rule_names<T: Transport>(
    storage: &Storage<T>,
    actor: &Actor,
) -> Result<std::collections::BTreeMap<String, String>, RuleError> {
    actor.authorize(Operation::ListRules)?;
    let (summaries, _) = read_summaries(storage).await?;
    Ok(summaries
        .into_iter()
        .filter(|rule| rule.sharing.can_read(actor.me()))
        .map(|rule| (rule.id, rule.name))
        .collect())
}

/// One rule, whole (read sharing needed).
pub async fn get_rule<T: Transport>(
    manager: &InstanceManager,
    storage: &Storage<T>,
    id: &str,
) -> Result<Rule, RuleError> {
    actor(manager).authorize(Operation::ListRules)?;
    let summary = visible_summary(manager, storage, id).await?;
    load_rule(storage, summary).await
}

pub(crate) async fn load_rule<T: Transport>(
    storage: &Storage<T>,
    summary: RuleSummary,
) -> Result<Rule, RuleError> {
    let details =
        read_details(storage, &summary.id)
            .await?
            .ok_or_else(|| RuleError::DetailsMissing {
                id: summary.id.clone(),
                name: summary.name.clone(),
            })?;
    let (mut records, problems) =
        read_last_runs(storage, std::slice::from_ref(&summary.id)).await?;
    if let Some(problem) = problems.into_iter().next() {
        return Err(StorageError::Corrupt {
            key: problem.key,
            reason: problem.reason,
        }
        .into());
    }
    Ok(Rule {
        last_run: records.remove(&summary.id).unwrap_or_default(),
        job: details.job,
        summary,
    })
}

/// The stored summary of a rule the user may read.
pub(crate) async fn visible_summary<T: Transport>(
    manager: &InstanceManager,
    storage: &Storage<T>,
    id: &str,
) -> Result<RuleSummary, RuleError> {
    let (summaries, problems) = read_summaries(storage).await?;
    if let Some(problem) = problems.iter().find(|p| p.rule_id.as_deref() == Some(id)) {
        return Err(StorageError::Corrupt {
            key: problem.key.clone(),
            reason: problem.reason.clone(),
        }
        .into());
    }
    summaries
        .into_iter()
        .find(|rule| rule.id == id && rule.sharing.can_read(manager.me()))
        .ok_or_else(|| RuleError::NotFound { id: id.into() })
}

/// A stored rule the user may change with `operation` (role, then write sharing).
pub(crate) async fn writable_summary<T: Transport>(
    manager: &InstanceManager,
    storage: &Storage<T>,
    id: &str,
    operation: Operation,
) -> Result<RuleSummary, RuleError> {
    actor(manager).authorize(operation)?;
    let summary = visible_summary(manager, storage, id).await?;
    actor(manager).authorize_on(operation, &summary.name, &summary.sharing, true)?;
    Ok(summary)
}
