//! The editor's checks, step by step, each problem tied to the field where it is shown.

use std::fmt;

use super::model::{DatePeriod, MetadataRuleSelection, RuleDraft, RuleJob, RuleSummary};
use super::schedule::{CronSchedule, ScheduleError};
use crate::model::{InstanceName, Uid};
use crate::sync::aggregated::{AggregatedSelection, AggregatedSyncOptions, AttributeOptions};
use crate::sync::events::{Chosen, EventsSelection};

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
    /// A data rule's organisation units.
    OrgUnits,
    /// A data rule's period (and "last updated since").
    Period,
    /// A data rule's options.
    Options,
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
    #[error("Choose the data: at least one data set, data element group or data element.")]
    NoData,
    #[error("Choose at least one program.")]
    NoProgram,
    #[error("Choose at least one organisation unit.")]
    NoOrgUnit,
    #[error(
        "\"{id}\" is not a DHIS2 identifier (11 letters or digits, a letter first); pick it again."
    )]
    NotAnId { id: String },
    #[error("Chosen {what} were asked for, but none is chosen: choose some, or take all.")]
    NoneChosen { what: ChosenObjects },
    #[error("A fixed period needs a start and an end date (YYYY-MM-DD).")]
    DataPeriodWithoutDates,
    #[error("\"{date}\" is not a date (YYYY-MM-DD).")]
    DataPeriodNotADate { date: String },
    #[error("The period ends before it starts; swap the dates.")]
    DataPeriodEndsBeforeStart,
    #[error("Indicators and program indicators only have values in aggregation mode: turn it on, or remove them.")]
    IndicatorsNeedAggregation,
    #[error("Values deleted at the origin are only known to raw syncs: turn aggregation mode off, or do not delete stale values.")]
    StaleNeedsRawMode,
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

/// The objects of an events rule chosen one by one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChosenObjects {
    Events,
    TrackedEntities,
}

impl fmt::Display for ChosenObjects {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ChosenObjects::Events => "events",
            ChosenObjects::TrackedEntities => "tracked entities",
        })
    }
}

impl RuleProblem {
    pub fn step(&self) -> RuleStep {
        match self.field() {
            RuleField::Name => RuleStep::General,
            RuleField::Selection
            | RuleField::Filter(_)
            | RuleField::OrgUnits
            | RuleField::Period
            | RuleField::Options => RuleStep::What,
            RuleField::Origin | RuleField::Destinations => RuleStep::Instances,
            RuleField::Schedule | RuleField::Enabled => RuleStep::Schedule,
        }
    }

    pub fn field(&self) -> RuleField {
        use RuleProblem::*;
        match self {
            NameMissing | NameTaken { .. } => RuleField::Name,
            NothingSelected | NoData | NoProgram | NotAnId { .. } | NoneChosen { .. } => {
                RuleField::Selection
            }
            IndicatorsNeedAggregation => RuleField::Selection,
            StaleNeedsRawMode => RuleField::Options,
            NoOrgUnit => RuleField::OrgUnits,
            DataPeriodWithoutDates | DataPeriodNotADate { .. } | DataPeriodEndsBeforeStart => {
                RuleField::Period
            }
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
        RuleJob::Aggregated { selection, options } => {
            check_aggregated(selection, options, &mut problems)
        }
        RuleJob::Events { selection, .. } => check_events(selection, &mut problems),
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

/// A data rule: the data, org units and a valid period (MDSync's checks, and the engine's).
fn check_aggregated(
    selection: &AggregatedSelection,
    options: &AggregatedSyncOptions,
    problems: &mut Vec<RuleProblem>,
) {
    let aggregation = options.aggregation.is_some();
    let indicators = !selection.indicators.is_empty() || !selection.program_indicators.is_empty();
    let data = !selection.data_sets.is_empty()
        || !selection.data_element_groups.is_empty()
        || !selection.data_elements.is_empty();
    if !(data || aggregation && indicators) {
        problems.push(RuleProblem::NoData);
    }
    if indicators && !aggregation {
        problems.push(RuleProblem::IndicatorsNeedAggregation);
    }
    if aggregation && options.delete_stale {
        problems.push(RuleProblem::StaleNeedsRawMode);
    }
    let chosen = match &selection.attribute_options {
        AttributeOptions::All => &[][..],
        AttributeOptions::Chosen { category_options } => category_options.as_slice(),
    };
    check_ids(
        selection
            .data_sets
            .iter()
            .chain(&selection.data_element_groups)
            .chain(&selection.data_elements)
            .chain(&selection.indicators)
            .chain(&selection.program_indicators)
            .chain(chosen),
        problems,
    );
    check_org_units(&selection.org_units, problems);
    check_data_period(&selection.period, problems);
    if let Some(since) = selection
        .last_updated_since
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        if parse_day(since).is_none() {
            problems.push(RuleProblem::DataPeriodNotADate { date: since.into() });
        }
    }
}

/// An events rule: programs, org units, a valid period, and objects when chosen one by one.
fn check_events(selection: &EventsSelection, problems: &mut Vec<RuleProblem>) {
    if selection.programs.is_empty() {
        problems.push(RuleProblem::NoProgram);
    }
    check_ids(
        selection
            .programs
            .iter()
            .chain(selection.events.ids())
            .chain(selection.tracked_entities.ids()),
        problems,
    );
    for (chosen, what) in [
        (&selection.events, ChosenObjects::Events),
        (&selection.tracked_entities, ChosenObjects::TrackedEntities),
    ] {
        if matches!(chosen, Chosen::Only { ids } if ids.is_empty()) {
            problems.push(RuleProblem::NoneChosen { what });
        }
    }
    check_org_units(&selection.org_units, problems);
    check_data_period(&selection.period, problems);
}

fn check_ids<'a>(ids: impl Iterator<Item = &'a String>, problems: &mut Vec<RuleProblem>) {
    if let Some(bad) = ids.into_iter().find(|id| !Uid::is_valid(id)) {
        problems.push(RuleProblem::NotAnId { id: bad.clone() });
    }
}

fn check_org_units(units: &[String], problems: &mut Vec<RuleProblem>) {
    if units.is_empty() {
        problems.push(RuleProblem::NoOrgUnit);
        return;
    }
    if let Some(bad) = units
        .iter()
        .find(|unit| !Uid::is_valid(unit.rsplit('/').next().unwrap_or(unit)))
    {
        problems.push(RuleProblem::NotAnId { id: bad.clone() });
    }
}

fn parse_day(text: &str) -> Option<jiff::civil::Date> {
    text.get(..10).and_then(|day| day.parse().ok())
}

/// A fixed period of a data rule needs both dates, in order.
fn check_data_period(period: &DatePeriod, problems: &mut Vec<RuleProblem>) {
    let DatePeriod::Fixed { start, end } = period else {
        return;
    };
    let given = |date: &Option<String>| {
        date.as_deref()
            .map(str::trim)
            .filter(|d| !d.is_empty())
            .map(str::to_string)
    };
    let (Some(start), Some(end)) = (given(start), given(end)) else {
        problems.push(RuleProblem::DataPeriodWithoutDates);
        return;
    };
    let mut days = Vec::new();
    for date in [&start, &end] {
        match parse_day(date) {
            Some(day) => days.push(day),
            None => problems.push(RuleProblem::DataPeriodNotADate { date: date.clone() }),
        }
    }
    if let [first, last] = days.as_slice() {
        if last < first {
            problems.push(RuleProblem::DataPeriodEndsBeforeStart);
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
