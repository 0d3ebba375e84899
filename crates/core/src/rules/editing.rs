//! Creating and changing rules: configurators, on the rules shared with them for editing.

use super::model::{Rule, RuleDetails, RuleDraft, RuleInstance, RuleJob, RuleLastRun, RuleSummary};
use super::operations::{actor, get_rule, load_rule, writable_summary, RuleError, RuleNotes};
use super::schedule::iso_utc;
use super::store::{read_summaries, write_last_run};
use super::validate::{validate_rule, RuleContext, RuleProblems};
use crate::access::Operation;
use crate::dhis2::Transport;
use crate::instances::InstanceManager;
use crate::model::{InstanceName, Sharing, Uid};
use crate::storage::{keys, KeyProtection, Storage};

async fn check_draft<T: Transport>(
    manager: &InstanceManager,
    storage: &Storage<T>,
    draft: &RuleDraft,
    editing: Option<&str>,
) -> Result<(Vec<RuleSummary>, Vec<InstanceName>), RuleError> {
    let (all, _) = read_summaries(storage).await?;
    let instances = manager.list_names(storage).await?;
    let problems = validate_rule(
        draft,
        &RuleContext {
            rules: &all,
            editing,
            instances: Some(&instances),
        },
    );
    if problems.is_empty() {
        Ok((all, instances))
    } else {
        Err(RuleError::Invalid(problems))
    }
}

fn instance_ref(id: &str, instances: &[InstanceName]) -> RuleInstance {
    RuleInstance {
        id: id.to_string(),
        name: instances
            .iter()
            .find(|i| i.id == id)
            .map(|i| i.name.clone())
            .unwrap_or_default(),
    }
}

fn summary_of(
    id: String,
    draft: &RuleDraft,
    instances: &[InstanceName],
    sharing: Sharing,
    created: (String, Option<String>),
    now: &str,
    me: &str,
) -> RuleSummary {
    let schedule = draft
        .schedule
        .as_deref()
        .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|s| !s.is_empty());
    RuleSummary {
        id,
        name: draft.name.trim().to_string(),
        code: draft.code.trim().to_string(),
        description: draft.description.trim().to_string(),
        kind: draft.job.kind(),
        origin: instance_ref(&draft.origin, instances),
        destinations: draft
            .destinations
            .iter()
            .map(|id| instance_ref(id, instances))
            .collect(),
        enabled: draft.enabled,
        schedule,
        scheduled_since: None,
        sharing,
        created: created.0,
        created_by: created.1,
        last_updated: now.to_string(),
        last_updated_by: Some(me.to_string()),
    }
}

/// Saves a new rule (configurators). New rules are private to their creator unless the draft
/// says otherwise.
pub async fn create_rule<T: Transport>(
    manager: &InstanceManager,
    storage: &Storage<T>,
    draft: &RuleDraft,
    now_millis: u64,
) -> Result<Rule, RuleError> {
    actor(manager).authorize(Operation::CreateRule)?;
    let (_, instances) = check_draft(manager, storage, draft, None).await?;
    let me = manager.me();
    let mut sharing = draft.sharing.clone().unwrap_or_default();
    sharing.owner = Some(me.id.clone());
    let now = iso_utc(now_millis);
    let mut summary = summary_of(
        Uid::generate().as_str().to_string(),
        draft,
        &instances,
        sharing,
        (now.clone(), Some(me.username.clone())),
        &now,
        &me.username,
    );
    if summary.enabled {
        summary.scheduled_since = Some(now);
    }
    save_new(storage, &summary, &draft.job).await
}

/// Writes a new rule: details, its (empty) run record shared as the rule, then the summary.
pub(crate) async fn save_new<T: Transport>(
    storage: &Storage<T>,
    summary: &RuleSummary,
    job: &RuleJob,
) -> Result<Rule, RuleError> {
    let details = RuleDetails { job: job.clone() };
    storage.write(&keys::rule(&summary.id), &details).await?;
    write_last_run(
        storage,
        &summary.id,
        &RuleLastRun::default(),
        &summary.sharing,
    )
    .await?;
    storage
        .rules::<RuleSummary, RuleDetails>()
        .save_summary(summary)
        .await?;
    Ok(Rule {
        summary: summary.clone(),
        job: job.clone(),
        last_run: RuleLastRun::default(),
    })
}

/// Changes a rule (configurators with write sharing). The run record is kept.
pub async fn update_rule<T: Transport>(
    manager: &InstanceManager,
    storage: &Storage<T>,
    id: &str,
    draft: &RuleDraft,
    now_millis: u64,
) -> Result<(Rule, RuleNotes), RuleError> {
    let stored = writable_summary(manager, storage, id, Operation::EditRule).await?;
    let (_, instances) = check_draft(manager, storage, draft, Some(id)).await?;
    let now = iso_utc(now_millis);
    let mut sharing = draft
        .sharing
        .clone()
        .unwrap_or_else(|| stored.sharing.clone());
    if sharing.owner.is_none() {
        sharing.owner = stored.sharing.owner.clone();
    }
    let sharing_changed = sharing != stored.sharing;
    if sharing_changed {
        actor(manager).authorize_on(Operation::ShareRule, &stored.name, &stored.sharing, true)?;
    }
    let mut summary = summary_of(
        id.to_string(),
        draft,
        &instances,
        sharing,
        (stored.created.clone(), stored.created_by.clone()),
        &now,
        &manager.me().username,
    );
    summary.scheduled_since = match (summary.enabled, stored.enabled) {
        (false, _) => None,
        (true, true) if summary.schedule == stored.schedule => stored.scheduled_since.clone(),
        (true, _) => Some(now),
    };
    storage
        .rules::<RuleSummary, RuleDetails>()
        .save(
            &summary,
            &RuleDetails {
                job: draft.job.clone(),
            },
        )
        .await?;
    let notes = if sharing_changed {
        reshare_run_record(storage, &summary).await
    } else {
        Vec::new()
    };
    let rule = load_rule(storage, summary).await?;
    Ok((rule, notes))
}

/// Gives the run record the rule's new sharing. DHIS2 lets only the key's owner (or a
/// superuser) change it; when it refuses, the rule's sharing still holds in `core`, and the
/// note says how to bring the key in line.
async fn reshare_run_record<T: Transport>(storage: &Storage<T>, rule: &RuleSummary) -> RuleNotes {
    let key = keys::rule_last_run(&rule.id);
    let protection = KeyProtection::RuleRunRecord {
        rule_sharing: rule.sharing.clone(),
    };
    match storage.protect(&key, &protection).await {
        Ok(()) => Vec::new(),
        Err(error) => vec![format!(
            "The sharing of \"{}\" is saved. DHIS2 kept the old access of its run record \
             ('{key}'): {error} An administrator applies it with `mdsync migrate` or by opening \
             the app.",
            rule.name
        )],
    }
}

/// Changes who may see, run and edit a rule (configurators with write sharing).
pub async fn share_rule<T: Transport>(
    manager: &InstanceManager,
    storage: &Storage<T>,
    id: &str,
    sharing: &Sharing,
) -> Result<RuleNotes, RuleError> {
    let mut summary = writable_summary(manager, storage, id, Operation::ShareRule).await?;
    let mut sharing = sharing.clone();
    if sharing.owner.is_none() {
        sharing.owner = summary.sharing.owner.clone();
    }
    summary.sharing = sharing;
    storage
        .rules::<RuleSummary, RuleDetails>()
        .save_summary(&summary)
        .await?;
    Ok(reshare_run_record(storage, &summary).await)
}

/// Switches a rule's schedule on or off. Switching on needs a valid schedule.
pub async fn set_enabled<T: Transport>(
    manager: &InstanceManager,
    storage: &Storage<T>,
    id: &str,
    enabled: bool,
    now_millis: u64,
) -> Result<RuleSummary, RuleError> {
    let mut summary = writable_summary(manager, storage, id, Operation::EditRule).await?;
    if enabled {
        let problem = match summary.schedule.as_deref() {
            None => Some(super::RuleProblem::EnabledWithoutSchedule),
            Some(expression) => super::CronSchedule::parse(expression)
                .err()
                .map(super::RuleProblem::Schedule),
        };
        if let Some(problem) = problem {
            return Err(RuleError::Invalid(RuleProblems(vec![problem])));
        }
    }
    if summary.enabled != enabled {
        summary.enabled = enabled;
        summary.scheduled_since = enabled.then(|| iso_utc(now_millis));
        summary.last_updated = iso_utc(now_millis);
        summary.last_updated_by = Some(manager.me().username.clone());
        storage
            .rules::<RuleSummary, RuleDetails>()
            .save_summary(&summary)
            .await?;
    }
    Ok(summary)
}

/// Deletes rules (configurators with write sharing on each). All are checked before any is
/// deleted; returns the names deleted, for the confirmation.
pub async fn delete_rules<T: Transport>(
    manager: &InstanceManager,
    storage: &Storage<T>,
    ids: &[String],
) -> Result<Vec<String>, RuleError> {
    let mut doomed = Vec::new();
    for id in ids {
        doomed.push(writable_summary(manager, storage, id, Operation::DeleteRule).await?);
    }
    let collection = storage.rules::<RuleSummary, RuleDetails>();
    let mut names = Vec::new();
    for rule in doomed {
        collection.delete(&rule.id).await?;
        storage.remove(&keys::rule_last_run(&rule.id)).await?;
        names.push(rule.name);
    }
    Ok(names)
}

/// "Copy of …": the same rule under a free name, without its run record, owned by the user,
/// with its schedule off.
pub async fn replicate_rule<T: Transport>(
    manager: &InstanceManager,
    storage: &Storage<T>,
    id: &str,
    now_millis: u64,
) -> Result<Rule, RuleError> {
    actor(manager).authorize(Operation::CreateRule)?;
    let original = get_rule(manager, storage, id).await?;
    let (all, _) = read_summaries(storage).await?;
    let mut summary = original.summary.clone();
    summary.id = Uid::generate().as_str().to_string();
    summary.name = copy_name(&original.summary.name, &all);
    summary.enabled = false;
    summary.scheduled_since = None;
    summary.sharing.owner = Some(manager.me().id.clone());
    let now = iso_utc(now_millis);
    summary.created = now.clone();
    summary.created_by = Some(manager.me().username.clone());
    summary.last_updated = now;
    summary.last_updated_by = Some(manager.me().username.clone());
    save_new(storage, &summary, &original.job).await
}

/// "Copy of X", or "Copy of X (2)", … — the first name not taken.
pub(crate) fn copy_name(original: &str, all: &[RuleSummary]) -> String {
    let taken = |name: &str| all.iter().any(|r| r.name.eq_ignore_ascii_case(name));
    let base = format!("Copy of {original}");
    if !taken(&base) {
        return base;
    }
    (2..)
        .map(|n| format!("{base} ({n})"))
        .find(|name| !taken(name))
        .unwrap_or(base)
}
