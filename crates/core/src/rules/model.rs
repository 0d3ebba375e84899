//! A rule: a sync saved under a name — what, from where, to where, how, and when.
//!
//! Stored in three kinds of keys: the `rules` list holds a [`RuleSummary`] per rule (what the
//! Rules table and the scheduler need), `rule-<id>` holds the [`RuleJob`] (the selection of its
//! kind and its options), and `last-run-<id>` the rule's own record of its runs
//! ([`RuleLastRun`]), which every user allowed to run the rule may write.

use serde::{Deserialize, Serialize};

use crate::model::{Sharing, LOCAL_INSTANCE_ID, LOCAL_INSTANCE_NAME};
use crate::storage::Identified;
use crate::sync::aggregated::{AggregatedSelection, AggregatedSyncOptions};
use crate::sync::events::{EventsSelection, EventsSyncOptions};
use crate::sync::metadata::MetadataSyncOptions;
use crate::sync::TargetStatus;

/// The kinds of sync a rule can hold (MDSync's rule types; deletions are manual only). A rule
/// of a kind this version does not know is reported, not guessed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum RuleKind {
    Metadata,
    /// Aggregated data values.
    Aggregated,
    /// Events and tracker data of programs.
    Events,
}

impl RuleKind {
    pub const ALL: [RuleKind; 3] = [RuleKind::Metadata, RuleKind::Aggregated, RuleKind::Events];

    pub fn as_str(self) -> &'static str {
        match self {
            RuleKind::Metadata => "metadata",
            RuleKind::Aggregated => "aggregated",
            RuleKind::Events => "events",
        }
    }

    /// The kind named `text` (as [`RuleKind::as_str`] writes it).
    pub fn parse(text: &str) -> Option<RuleKind> {
        RuleKind::ALL
            .into_iter()
            .find(|kind| kind.as_str().eq_ignore_ascii_case(text.trim()))
    }
}

/// An instance named by a rule: its id, and its name when the rule was saved (so that a
/// deleted instance can still be named).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleInstance {
    pub id: String,
    #[serde(default)]
    pub name: String,
}

impl RuleInstance {
    pub fn local() -> RuleInstance {
        RuleInstance {
            id: LOCAL_INSTANCE_ID.into(),
            name: LOCAL_INSTANCE_NAME.into(),
        }
    }

    /// The name, or the id when no name is known.
    pub fn label(&self) -> &str {
        if self.name.is_empty() {
            &self.id
        } else {
            &self.name
        }
    }
}

/// One line of the `rules` list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleSummary {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub description: String,
    pub kind: RuleKind,
    pub origin: RuleInstance,
    pub destinations: Vec<RuleInstance>,
    /// Whether the scheduler runs it.
    #[serde(default)]
    pub enabled: bool,
    /// A cron expression (see [`super::CronSchedule`]); `None` for a rule run by hand only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule: Option<String>,
    /// When the schedule was last switched on or changed (ISO 8601): runs due before are not
    /// caught up.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheduled_since: Option<String>,
    pub sharing: Sharing,
    pub created: String,
    #[serde(default)]
    pub created_by: Option<String>,
    pub last_updated: String,
    #[serde(default)]
    pub last_updated_by: Option<String>,
}

impl Identified for RuleSummary {
    fn id(&self) -> &str {
        &self.id
    }
}

/// What a rule syncs and how, by kind. It holds no credential, ever.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum RuleJob {
    Metadata {
        selection: MetadataRuleSelection,
        #[serde(default)]
        options: MetadataSyncOptions,
    },
    /// The aggregated Sync page's selection and options, as they are.
    Aggregated {
        selection: AggregatedSelection,
        #[serde(default)]
        options: AggregatedSyncOptions,
    },
    /// The events Sync page's selection and options, as they are.
    Events {
        selection: EventsSelection,
        #[serde(default)]
        options: EventsSyncOptions,
    },
}

impl RuleJob {
    pub fn kind(&self) -> RuleKind {
        match self {
            RuleJob::Metadata { .. } => RuleKind::Metadata,
            RuleJob::Aggregated { .. } => RuleKind::Aggregated,
            RuleJob::Events { .. } => RuleKind::Events,
        }
    }

    pub fn dry_run(&self) -> bool {
        match self {
            RuleJob::Metadata { options, .. } => options.import.dry_run,
            RuleJob::Aggregated { options, .. } => options.dry_run,
            RuleJob::Events { options, .. } => options.dry_run,
        }
    }

    /// An empty job of `kind`, with the default options (the editor's start).
    pub fn empty(kind: RuleKind) -> RuleJob {
        match kind {
            RuleKind::Metadata => RuleJob::Metadata {
                selection: MetadataRuleSelection::default(),
                options: MetadataSyncOptions::default(),
            },
            RuleKind::Aggregated => RuleJob::Aggregated {
                selection: AggregatedSelection::default(),
                options: AggregatedSyncOptions::default(),
            },
            RuleKind::Events => RuleJob::Events {
                selection: EventsSelection::default(),
                options: EventsSyncOptions::default(),
            },
        }
    }
}

/// What `rule-<id>` holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleDetails {
    pub job: RuleJob,
}

/// The objects of a metadata rule: picked one by one, whole types, and filters resolved on the
/// origin at each run.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct MetadataRuleSelection {
    pub objects: Vec<PickedObject>,
    /// Types synced whole (plural API names, `dataSets`).
    pub all_of_types: Vec<String>,
    pub filters: Vec<MetadataFilter>,
    /// Ids never synced, whatever picks them.
    pub excluded_ids: Vec<String>,
    /// Types of the picked objects when they are not known one by one (MDSync's
    /// `metadataTypes`); speeds up the first read.
    pub types: Vec<String>,
}

impl MetadataRuleSelection {
    pub fn is_empty(&self) -> bool {
        self.objects.is_empty() && self.all_of_types.is_empty() && self.filters.is_empty()
    }
}

/// One object picked by hand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PickedObject {
    pub id: String,
    /// Its type (plural), when known.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub plural: Option<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
}

/// Objects of one type chosen by what they are called and when they changed (MDSync's filter
/// rules).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MetadataFilter {
    /// Plural API name (`dataElements`).
    pub metadata_type: String,
    /// Matched against name, code and description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<TextMatch>,
    #[serde(default)]
    pub created: DatePeriod,
    #[serde(default)]
    pub last_updated: DatePeriod,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TextMatch {
    #[serde(rename = "where")]
    pub position: TextPosition,
    pub value: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum TextPosition {
    StartsWith,
    Contains,
    EndsWith,
}

/// A period of dates, by MDSync's names; relative ones are counted at each run, in the server's
/// time zone.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(tag = "period", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DatePeriod {
    #[default]
    All,
    Fixed {
        #[serde(default, rename = "startDate")]
        start: Option<String>,
        #[serde(default, rename = "endDate")]
        end: Option<String>,
    },
    /// Since the rule last ran (whatever its result).
    SinceLastExecutedDate,
    /// Since the rule's last run that succeeded everywhere ([`RuleLastRun::last_successful_sync`]).
    SinceLastSuccessfulSync,
    Today,
    Yesterday,
    #[serde(rename = "LAST_7_DAYS")]
    Last7Days,
    #[serde(rename = "LAST_14_DAYS")]
    Last14Days,
    ThisWeek,
    LastWeek,
    ThisMonth,
    LastMonth,
    ThisQuarter,
    LastQuarter,
    ThisYear,
    LastYear,
}

/// The rule's own record of its runs (`last-run-<id>`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RuleLastRun {
    /// When the last run started (ISO 8601, UTC).
    pub last_executed: Option<String>,
    /// Who ran it (username; the scheduler's account for scheduled runs).
    pub last_executed_by: Option<String>,
    pub last_status: Option<TargetStatus>,
    /// Its history entry.
    pub last_history_id: Option<String>,
    /// When the last run that succeeded on every destination started.
    pub last_successful_sync: Option<String>,
}

/// A whole rule as the details page and the editor show it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Rule {
    pub summary: RuleSummary,
    pub job: RuleJob,
    pub last_run: RuleLastRun,
}

/// What the user fills in the editor (or a CLI import gives): everything but the ids, dates and
/// run record, which `core` keeps.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleDraft {
    pub name: String,
    pub code: String,
    pub description: String,
    pub origin: String,
    pub destinations: Vec<String>,
    pub job: RuleJob,
    /// A cron expression; see [`super::Frequency::cron`] for the presets.
    pub schedule: Option<String>,
    pub enabled: bool,
    /// `None` keeps the current sharing (new rules: private to their creator).
    pub sharing: Option<Sharing>,
}

impl RuleDraft {
    /// A draft of `rule` as stored, to edit.
    pub fn of(rule: &Rule) -> RuleDraft {
        RuleDraft {
            name: rule.summary.name.clone(),
            code: rule.summary.code.clone(),
            description: rule.summary.description.clone(),
            origin: rule.summary.origin.id.clone(),
            destinations: rule
                .summary
                .destinations
                .iter()
                .map(|d| d.id.clone())
                .collect(),
            job: rule.job.clone(),
            schedule: rule.summary.schedule.clone(),
            enabled: rule.summary.enabled,
            sharing: Some(rule.summary.sharing.clone()),
        }
    }
}
