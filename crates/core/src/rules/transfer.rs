//! Rules as files: export one or several rules as one JSON file (never a credential: a rule
//! holds none, and neither its sharing nor its run record travel), and import such files or
//! rules exported from MDSync. Imported rules are new rules of the importing user, their
//! schedule switched off; a rule that does not fit is reported and nothing is overwritten.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::editing::save_new;
use super::mdsync_data_import::place_untyped_data;
use super::mdsync_import::{convert, looks_like_mdsync};
use super::model::{Rule, RuleDraft, RuleInstance, RuleJob, RuleKind, RuleSummary};
use super::operations::{get_rule, RuleError};
use super::schedule::iso_utc;
use super::store::read_summaries;
use super::validate::{validate_rule, RuleContext, RuleProblems};
use crate::access::Operation;
use crate::dhis2::Transport;
use crate::instances::InstanceManager;
use crate::model::{InstanceName, Sharing, Uid};
use crate::storage::Storage;

/// The `format` of this app's rule files.
pub const EXPORT_FORMAT: &str = "metadata-sync-rules";

/// A rules file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleExport {
    pub format: String,
    pub version: u32,
    pub exported: String,
    pub rules: Vec<ExportedRule>,
}

/// One rule of a file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExportedRule {
    pub name: String,
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub description: String,
    pub kind: RuleKind,
    pub origin: RuleInstance,
    pub destinations: Vec<RuleInstance>,
    #[serde(default)]
    pub schedule: Option<String>,
    pub job: RuleJob,
}

/// Exports rules the user may see.
pub async fn export_rules<T: Transport>(
    manager: &InstanceManager,
    storage: &Storage<T>,
    ids: &[String],
    now_millis: u64,
) -> Result<RuleExport, RuleError> {
    let mut rules = Vec::new();
    for id in ids {
        let Rule { summary, job, .. } = get_rule(manager, storage, id).await?;
        rules.push(ExportedRule {
            name: summary.name,
            code: summary.code,
            description: summary.description,
            kind: summary.kind,
            origin: summary.origin,
            destinations: summary.destinations,
            schedule: summary.schedule,
            job,
        });
    }
    Ok(RuleExport {
        format: EXPORT_FORMAT.into(),
        version: 1,
        exported: iso_utc(now_millis),
        rules,
    })
}

/// A part of an imported file that did not become a rule.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ImportProblem {
    #[error("The file is not JSON: {reason}")]
    NotJson { reason: String },
    #[error(
        "The file holds no rule: it is neither a MetaData Sync rules file nor rules exported \
         from MDSync."
    )]
    NoRules,
    #[error("Item {} of the file is not a rule: {reason}", position + 1)]
    NotARule { position: usize, reason: String },
    #[error(
        "\"{rule}\": its {role} \"{instance}\" does not exist here (matched by id, then by name). \
         Add that instance, or edit the file, and import again."
    )]
    UnknownInstance {
        rule: String,
        role: &'static str,
        instance: String,
    },
    #[error(
        "\"{rule}\": the types of its data items could not be read from its origin ({reason}). \
         Check that the origin answers, and import again."
    )]
    DataNotReadable { rule: String, reason: String },
    #[error("\"{rule}\" was not imported: {problems}")]
    Invalid {
        rule: String,
        problems: RuleProblems,
    },
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ImportOutcome {
    pub created: Vec<RuleSummary>,
    pub problems: Vec<ImportProblem>,
    /// Parts of MDSync rules not taken over, per rule: `(rule name, part)`.
    pub not_imported: Vec<(String, String)>,
    /// Rules whose schedule was kept but switched off.
    pub schedule_switched_off: Vec<String>,
}

impl fmt::Display for ImportOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} rule(s) imported", self.created.len())?;
        if !self.problems.is_empty() {
            write!(f, ", {} problem(s)", self.problems.len())?;
        }
        f.write_str(".")
    }
}

/// A rule read from a file, before its instances are matched.
struct Incoming {
    name: String,
    code: String,
    description: String,
    origin: RuleInstance,
    destinations: Vec<RuleInstance>,
    job: RuleJob,
    schedule: Option<String>,
    not_imported: Vec<String>,
    /// An MDSync aggregated rule's data ids without types, looked up on the origin.
    untyped_data: Vec<String>,
}

/// Reads the rules of a file (this app's, an MDSync rule, or a list of MDSync rules).
fn read_file(text: &str) -> Result<Vec<Result<Incoming, ImportProblem>>, ImportProblem> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|error| ImportProblem::NotJson {
            reason: error.to_string(),
        })?;
    if value.get("format").and_then(|f| f.as_str()) == Some(EXPORT_FORMAT) {
        let file: RuleExport =
            serde_json::from_value(value).map_err(|error| ImportProblem::NotARule {
                position: 0,
                reason: error.to_string(),
            })?;
        return Ok(file
            .rules
            .into_iter()
            .map(|rule| {
                Ok(Incoming {
                    name: rule.name,
                    code: rule.code,
                    description: rule.description,
                    origin: rule.origin,
                    destinations: rule.destinations,
                    job: rule.job,
                    schedule: rule.schedule,
                    not_imported: Vec::new(),
                    untyped_data: Vec::new(),
                })
            })
            .collect());
    }
    let items = match value {
        serde_json::Value::Array(items) => items,
        object @ serde_json::Value::Object(_) if looks_like_mdsync(&object) => vec![object],
        _ => return Err(ImportProblem::NoRules),
    };
    let by_id = |id: String| RuleInstance {
        id,
        name: String::new(),
    };
    Ok(items
        .iter()
        .enumerate()
        .map(|(position, item)| {
            let rule = convert(item).map_err(|error| ImportProblem::NotARule {
                position,
                reason: error.to_string(),
            })?;
            Ok(Incoming {
                name: rule.name,
                code: rule.code,
                description: rule.description,
                origin: by_id(rule.origin),
                destinations: rule.destinations.into_iter().map(by_id).collect(),
                job: rule.job,
                schedule: rule.schedule,
                not_imported: rule.not_imported,
                untyped_data: rule.untyped_data,
            })
        })
        .collect())
}

/// The local id of an instance named in a file: same id, else same name.
fn match_instance(wanted: &RuleInstance, known: &[InstanceName]) -> Option<String> {
    known
        .iter()
        .find(|i| i.id == wanted.id)
        .or_else(|| {
            known.iter().find(|i| {
                !wanted.name.is_empty() && i.name.eq_ignore_ascii_case(wanted.name.trim())
            })
        })
        .map(|i| i.id.clone())
}

/// Imports the rules of a file as new rules of the user (configurators).
pub async fn import_rules<T: Transport>(
    manager: &InstanceManager,
    storage: &Storage<T>,
    text: &str,
    now_millis: u64,
) -> Result<ImportOutcome, RuleError> {
    manager.actor().authorize(Operation::CreateRule)?;
    let mut outcome = ImportOutcome::default();
    let incoming = match read_file(text) {
        Ok(incoming) => incoming,
        Err(problem) => {
            outcome.problems.push(problem);
            return Ok(outcome);
        }
    };
    let known = manager.list_names(storage).await?;
    let (mut all, _) = read_summaries(storage).await?;
    for item in incoming {
        let rule = match item {
            Ok(rule) => rule,
            Err(problem) => {
                outcome.problems.push(problem);
                continue;
            }
        };
        let unknown = |role, instance: &RuleInstance| ImportProblem::UnknownInstance {
            rule: rule.name.clone(),
            role,
            instance: instance.label().to_string(),
        };
        let Some(origin) = match_instance(&rule.origin, &known) else {
            outcome.problems.push(unknown("origin", &rule.origin));
            continue;
        };
        let mut destinations = Vec::new();
        for destination in &rule.destinations {
            match match_instance(destination, &known) {
                Some(id) => destinations.push(id),
                None => outcome.problems.push(unknown("destination", destination)),
            }
        }
        if destinations.len() != rule.destinations.len() {
            continue;
        }
        let mut job = rule.job.clone();
        let mut not_imported = rule.not_imported.clone();
        if let (false, RuleJob::Aggregated { selection, .. }) =
            (rule.untyped_data.is_empty(), &mut job)
        {
            let placed = match manager
                .target_for(storage, &origin, Operation::CreateRule)
                .await
            {
                Ok(target) => {
                    let client = target.client(storage.client().transport());
                    place_untyped_data(&client, &rule.untyped_data, selection)
                        .await
                        .map_err(|error| error.to_string())
                }
                Err(error) => Err(error.to_string()),
            };
            match placed {
                Ok(missing) => not_imported.extend(missing.into_iter().map(|id| {
                    format!("builder.metadataIds: {id} (no data set, data element (group) or indicator with this id on the origin)")
                })),
                Err(reason) => {
                    outcome.problems.push(ImportProblem::DataNotReadable {
                        rule: rule.name.clone(),
                        reason,
                    });
                    continue;
                }
            }
        }
        let draft = RuleDraft {
            name: rule.name.clone(),
            code: rule.code.clone(),
            description: rule.description.clone(),
            origin,
            destinations,
            job,
            schedule: rule.schedule.clone(),
            enabled: false,
            sharing: None,
        };
        let problems = validate_rule(
            &draft,
            &RuleContext {
                rules: &all,
                editing: None,
                instances: Some(&known),
            },
        );
        if !problems.is_empty() {
            outcome.problems.push(ImportProblem::Invalid {
                rule: rule.name.clone(),
                problems,
            });
            continue;
        }
        let summary = new_summary(manager, &draft, &known, now_millis);
        save_new(storage, &summary, &draft.job).await?;
        if summary.schedule.is_some() {
            outcome.schedule_switched_off.push(summary.name.clone());
        }
        for part in not_imported {
            outcome.not_imported.push((summary.name.clone(), part));
        }
        all.push(summary.clone());
        outcome.created.push(summary);
    }
    Ok(outcome)
}

fn new_summary(
    manager: &InstanceManager,
    draft: &RuleDraft,
    known: &[InstanceName],
    now_millis: u64,
) -> RuleSummary {
    let now = iso_utc(now_millis);
    let me = manager.me();
    let reference = |id: &String| RuleInstance {
        id: id.clone(),
        name: known
            .iter()
            .find(|i| i.id == *id)
            .map(|i| i.name.clone())
            .unwrap_or_default(),
    };
    RuleSummary {
        id: Uid::generate().as_str().to_string(),
        name: draft.name.trim().to_string(),
        code: draft.code.trim().to_string(),
        description: draft.description.trim().to_string(),
        kind: draft.job.kind(),
        origin: reference(&draft.origin),
        destinations: draft.destinations.iter().map(reference).collect(),
        enabled: false,
        schedule: draft
            .schedule
            .as_deref()
            .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|s| !s.is_empty()),
        scheduled_since: None,
        sharing: Sharing {
            owner: Some(me.id.clone()),
            ..Sharing::default()
        },
        created: now.clone(),
        created_by: Some(me.username.clone()),
        last_updated: now,
        last_updated_by: Some(me.username.clone()),
    }
}
