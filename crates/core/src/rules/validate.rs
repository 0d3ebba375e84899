//! The editor's checks, step by step, each problem tied to the field where it is shown.

use std::fmt;

use super::model::{DatePeriod, MetadataRuleSelection, RuleDraft, RuleJob, RuleSummary};
use super::schedule::{CronSchedule, ScheduleError};
use crate::model::InstanceName;

/// The steps of the rule editor, as MDSync has them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub enum RuleStep {
    /// Name, code, description.
    General,
    /// What to sync.
    What,
    /// Origin and destinations.
    Instances,
    Schedule,
    Summary,
}

/// The field a problem is shown at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub enum RuleField {
    Name,
    Selection,
    /// The filter at this position of the selection's filters.
    Filter(usize),
    Origin,
    Destinations,
    Schedule,
    Enabled,
}

/// A problem of a draft; its `Display` is the English message (the app translates the value).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleProblem {
    #[error("Enter a name.")]
    NameMissing,
    #[error("A rule named \"{name}\" already exists; choose another name.")]
    NameTaken { name: String },
    #[error("Choose what to sync: objects one by one, a filter, or all objects of a type.")]
    NothingSelected,
    #[error("Choose the metadata type of filter {}.", index + 1)]
    FilterWithoutType { index: usize },
    #[error("Filter {}: a fixed period needs a start or an end date (YYYY-MM-DD).", index + 1)]
    FixedPeriodWithoutDates { index: usize },
    #[error("Filter {}: \"{date}\" is not a date (YYYY-MM-DD).", index + 1)]
    NotADate { index: usize, date: String },
    #[error("Filter {}: the period ends before it starts.", index + 1)]
    PeriodEndsBeforeStart { index: usize },
    #[error("Choose at least one destination.")]
    NoDestination,
    #[error("\"{name}\" is the origin; it cannot be a destination too.")]
    OriginIsDestination { name: String },
    #[error("A rule either sends from this instance or pulls from one other instance into it.")]
    PullNeedsThisInstance,
    #[error("The instance \"{id}\" does not exist (or is not shared with you); choose another.")]
    UnknownInstance { id: String },
    #[error(transparent)]
    Schedule(#[from] ScheduleError),
    #[error("A rule can only be scheduled with a valid schedule; enter one first.")]
    EnabledWithoutSchedule,
}

impl RuleProblem {
    pub fn step(&self) -> RuleStep {
        match self.field() {
            RuleField::Name => RuleStep::General,
            RuleField::Selection | RuleField::Filter(_) => RuleStep::What,
            RuleField::Origin | RuleField::Destinations => RuleStep::Instances,
            RuleField::Schedule | RuleField::Enabled => RuleStep::Schedule,
        }
    }

    pub fn field(&self) -> RuleField {
        use RuleProblem::*;
        match self {
            NameMissing | NameTaken { .. } => RuleField::Name,
            NothingSelected => RuleField::Selection,
            FilterWithoutType { index }
            | FixedPeriodWithoutDates { index }
            | NotADate { index, .. }
            | PeriodEndsBeforeStart { index } => RuleField::Filter(*index),
            NoDestination | OriginIsDestination { .. } => RuleField::Destinations,
            PullNeedsThisInstance => RuleField::Origin,
            UnknownInstance { .. } => RuleField::Destinations,
            Schedule(_) => RuleField::Schedule,
            EnabledWithoutSchedule => RuleField::Enabled,
        }
    }
}

/// Every problem of a draft, in step order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RuleProblems(pub Vec<RuleProblem>);

impl RuleProblems {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The problems of one step (the editor checks a step before moving on).
    pub fn of_step(&self, step: RuleStep) -> Vec<&RuleProblem> {
        self.0.iter().filter(|p| p.step() == step).collect()
    }

    /// The first problem at `field`, for the message under it.
    pub fn at(&self, field: RuleField) -> Option<&RuleProblem> {
        self.0.iter().find(|p| p.field() == field)
    }
}

impl fmt::Display for RuleProblems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let messages: Vec<String> = self.0.iter().map(ToString::to_string).collect();
        f.write_str(&messages.join(" "))
    }
}

/// What a draft is checked against: the other rules (names are unique) and the instances the
/// user may use (`None` skips the instance check, e.g. offline).
pub struct RuleContext<'a> {
    pub rules: &'a [RuleSummary],
    /// The rule being edited, whose own name does not count as taken.
    pub editing: Option<&'a str>,
    pub instances: Option<&'a [InstanceName]>,
}

/// Checks a whole draft.
pub fn validate_rule(draft: &RuleDraft, context: &RuleContext<'_>) -> RuleProblems {
    let mut problems = Vec::new();
    let name = draft.name.trim();
    if name.is_empty() {
        problems.push(RuleProblem::NameMissing);
    } else if context.rules.iter().any(|rule| {
        rule.name.trim().eq_ignore_ascii_case(name) && Some(rule.id.as_str()) != context.editing
    }) {
        problems.push(RuleProblem::NameTaken { name: name.into() });
    }
    match &draft.job {
        RuleJob::Metadata { selection, .. } => check_metadata(selection, &mut problems),
    }
    check_instances(draft, context, &mut problems);
    match draft
        .schedule
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(expression) => {
            if let Err(error) = CronSchedule::parse(expression) {
                problems.push(RuleProblem::Schedule(error));
            }
        }
        None if draft.enabled => problems.push(RuleProblem::EnabledWithoutSchedule),
        None => {}
    }
    RuleProblems(problems)
}

fn check_metadata(selection: &MetadataRuleSelection, problems: &mut Vec<RuleProblem>) {
    if selection.is_empty() {
        problems.push(RuleProblem::NothingSelected);
    }
    for (index, filter) in selection.filters.iter().enumerate() {
        if filter.metadata_type.trim().is_empty() {
            problems.push(RuleProblem::FilterWithoutType { index });
        }
        for period in [&filter.created, &filter.last_updated] {
            if let DatePeriod::Fixed { start, end } = period {
                check_fixed(index, start.as_deref(), end.as_deref(), problems);
            }
        }
    }
}

fn check_fixed(
    index: usize,
    start: Option<&str>,
    end: Option<&str>,
    problems: &mut Vec<RuleProblem>,
) {
    fn given(date: Option<&str>) -> Option<&str> {
        date.map(str::trim).filter(|d| !d.is_empty())
    }
    let (start, end) = (given(start), given(end));
    if start.is_none() && end.is_none() {
        problems.push(RuleProblem::FixedPeriodWithoutDates { index });
        return;
    }
    let mut dates = Vec::new();
    for date in [start, end].into_iter().flatten() {
        match date
            .get(..10)
            .and_then(|day| day.parse::<jiff::civil::Date>().ok())
        {
            Some(day) => dates.push(day),
            None => problems.push(RuleProblem::NotADate {
                index,
                date: date.into(),
            }),
        }
    }
    if let (Some(_), Some(_), [first, last]) = (start, end, dates.as_slice()) {
        if last < first {
            problems.push(RuleProblem::PeriodEndsBeforeStart { index });
        }
    }
}

fn check_instances(draft: &RuleDraft, context: &RuleContext<'_>, problems: &mut Vec<RuleProblem>) {
    let local = crate::model::LOCAL_INSTANCE_ID;
    if draft.destinations.is_empty() {
        problems.push(RuleProblem::NoDestination);
    }
    if draft.origin != local && draft.destinations.iter().any(|d| d != local) {
        problems.push(RuleProblem::PullNeedsThisInstance);
    }
    let name_of = |id: &str| {
        context
            .instances
            .and_then(|all| all.iter().find(|i| i.id == id))
            .map_or_else(|| id.to_string(), |i| i.name.clone())
    };
    if draft.destinations.contains(&draft.origin) {
        problems.push(RuleProblem::OriginIsDestination {
            name: name_of(&draft.origin),
        });
    }
    if let Some(known) = context.instances {
        for id in std::iter::once(&draft.origin).chain(&draft.destinations) {
            if !known.iter().any(|instance| instance.id == *id) {
                problems.push(RuleProblem::UnknownInstance { id: id.clone() });
            }
        }
    }
}
