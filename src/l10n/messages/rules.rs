//! The Rules panel's words for what `core` decides: rule errors and editor problems, schedules
//! in words, import problems and the scheduler's status.

use mdsync_core::rules::{
    ChosenObjects, Frequency, ImportProblem, InstanceRole, RuleError, RuleKind, RuleProblem,
    ScheduleError, ScheduleWords, Weekday,
};

use super::access::access_denied;
use super::instances::instance_error;
use super::storage::storage_error;
use super::sync::run_error;
use crate::l10n::Language;
use crate::{counted, tr};

pub fn rule_error(lang: Language, error: &RuleError) -> String {
    match error {
        RuleError::Denied(denied) => access_denied(lang, denied),
        RuleError::Storage(error) => storage_error(lang, error),
        RuleError::Instance(error) => instance_error(lang, error),
        RuleError::NotFound { id } => tr!(lang, rules.errors.not_found, id = id),
        RuleError::DetailsMissing { id, name } => {
            tr!(lang, rules.errors.details_missing, id = id, name = name)
        }
        RuleError::Invalid(problems) => {
            let all: Vec<String> = problems.0.iter().map(|p| rule_problem(lang, p)).collect();
            tr!(lang, rules.errors.invalid, problems = all.join(" "))
        }
        RuleError::InstanceDeleted {
            rule,
            role,
            name,
            id,
        } => {
            let role = match role {
                InstanceRole::Origin => tr!(lang, rules.errors.role_origin),
                InstanceRole::Destination => tr!(lang, rules.errors.role_destination),
            };
            tr!(
                lang,
                rules.errors.instance_deleted,
                rule = rule,
                role = role,
                name = name,
                id = id
            )
        }
        RuleError::Run(error) => run_error(lang, error),
    }
}

pub fn kind_label(lang: Language, kind: RuleKind) -> String {
    match kind {
        RuleKind::Metadata => tr!(lang, rules.kinds.metadata),
        RuleKind::Aggregated => tr!(lang, rules.kinds.aggregated),
        RuleKind::Events => tr!(lang, rules.kinds.events),
    }
}

pub fn rule_problem(lang: Language, problem: &RuleProblem) -> String {
    match problem {
        RuleProblem::NameMissing => tr!(lang, rules.problems.name_missing),
        RuleProblem::NameTaken { name } => tr!(lang, rules.problems.name_taken, name = name),
        RuleProblem::NothingSelected => tr!(lang, rules.problems.nothing_selected),
        RuleProblem::FilterWithoutType { index } => {
            tr!(lang, rules.problems.filter_without_type, index = index + 1)
        }
        RuleProblem::FixedPeriodWithoutDates { index } => {
            tr!(lang, rules.problems.fixed_without_dates, index = index + 1)
        }
        RuleProblem::NotADate { index, date } => {
            tr!(
                lang,
                rules.problems.not_a_date,
                index = index + 1,
                date = date
            )
        }
        RuleProblem::PeriodEndsBeforeStart { index } => {
            tr!(lang, rules.problems.ends_before_start, index = index + 1)
        }
        RuleProblem::NoData => tr!(lang, rules.problems.no_data),
        RuleProblem::NoProgram => tr!(lang, rules.problems.no_program),
        RuleProblem::NoOrgUnit => tr!(lang, rules.problems.no_org_unit),
        RuleProblem::NotAnId { id } => tr!(lang, rules.problems.not_an_id, id = id),
        RuleProblem::NoneChosen { what } => match what {
            ChosenObjects::Events => tr!(lang, rules.problems.no_events_chosen),
            ChosenObjects::TrackedEntities => tr!(lang, rules.problems.no_tracked_entities_chosen),
        },
        RuleProblem::DataPeriodWithoutDates => tr!(lang, rules.problems.period_without_dates),
        RuleProblem::DataPeriodNotADate { date } => {
            tr!(lang, rules.problems.period_not_a_date, date = date)
        }
        RuleProblem::DataPeriodEndsBeforeStart => {
            tr!(lang, rules.problems.period_ends_before_start)
        }
        RuleProblem::IndicatorsNeedAggregation => {
            tr!(lang, rules.problems.indicators_need_aggregation)
        }
        RuleProblem::StaleNeedsRawMode => tr!(lang, rules.problems.stale_needs_raw_mode),
        RuleProblem::NoDestination => tr!(lang, rules.problems.no_destination),
        RuleProblem::OriginIsDestination { name } => {
            tr!(lang, rules.problems.origin_is_destination, name = name)
        }
        RuleProblem::PullNeedsThisInstance => tr!(lang, rules.problems.pull_needs_this_instance),
        RuleProblem::UnknownInstance { id } => tr!(lang, rules.problems.unknown_instance, id = id),
        RuleProblem::Schedule(error) => schedule_error(lang, error),
        RuleProblem::EnabledWithoutSchedule => tr!(lang, rules.problems.enabled_without_schedule),
    }
}

pub fn schedule_error(lang: Language, error: &ScheduleError) -> String {
    match error {
        ScheduleError::Empty => tr!(lang, rules.schedule.errors.empty),
        ScheduleError::FieldCount { expression, found } => tr!(
            lang,
            rules.schedule.errors.field_count,
            expression = expression,
            found = found
        ),
        ScheduleError::Invalid { expression, reason } => tr!(
            lang,
            rules.schedule.errors.invalid,
            expression = expression,
            reason = reason
        ),
        ScheduleError::NeverFires { expression } => {
            tr!(
                lang,
                rules.schedule.errors.never_fires,
                expression = expression
            )
        }
        ScheduleError::UnknownTimeZone { name } => {
            tr!(lang, rules.schedule.errors.unknown_zone, name = name)
        }
    }
}

pub fn weekday(lang: Language, day: Weekday) -> String {
    match day {
        Weekday::Sunday => tr!(lang, rules.schedule.days.sunday),
        Weekday::Monday => tr!(lang, rules.schedule.days.monday),
        Weekday::Tuesday => tr!(lang, rules.schedule.days.tuesday),
        Weekday::Wednesday => tr!(lang, rules.schedule.days.wednesday),
        Weekday::Thursday => tr!(lang, rules.schedule.days.thursday),
        Weekday::Friday => tr!(lang, rules.schedule.days.friday),
        Weekday::Saturday => tr!(lang, rules.schedule.days.saturday),
    }
}

pub fn month(lang: Language, month: u8) -> String {
    match month {
        1 => tr!(lang, rules.schedule.months.january),
        2 => tr!(lang, rules.schedule.months.february),
        3 => tr!(lang, rules.schedule.months.march),
        4 => tr!(lang, rules.schedule.months.april),
        5 => tr!(lang, rules.schedule.months.may),
        6 => tr!(lang, rules.schedule.months.june),
        7 => tr!(lang, rules.schedule.months.july),
        8 => tr!(lang, rules.schedule.months.august),
        9 => tr!(lang, rules.schedule.months.september),
        10 => tr!(lang, rules.schedule.months.october),
        11 => tr!(lang, rules.schedule.months.november),
        _ => tr!(lang, rules.schedule.months.december),
    }
}

/// A schedule in the user's language. A custom expression `core` cannot name is given with
/// the cron parser's English description, marked as such.
pub fn schedule_words(lang: Language, words: &ScheduleWords) -> String {
    match words {
        ScheduleWords::Preset { frequency } => {
            let at = frequency.at().to_string();
            match *frequency {
                Frequency::Daily { .. } => tr!(lang, rules.schedule.words.daily, at = at),
                Frequency::Weekly { on, .. } => {
                    tr!(
                        lang,
                        rules.schedule.words.weekly,
                        day = weekday(lang, on),
                        at = at
                    )
                }
                Frequency::Monthly { day, .. } => {
                    tr!(lang, rules.schedule.words.monthly, day = day, at = at)
                }
                Frequency::Quarterly { day, .. } => {
                    tr!(lang, rules.schedule.words.quarterly, day = day, at = at)
                }
                Frequency::Yearly { month: m, day, .. } => tr!(
                    lang,
                    rules.schedule.words.yearly,
                    month = month(lang, m),
                    day = day,
                    at = at
                ),
            }
        }
        ScheduleWords::EverySeconds { seconds } => {
            if *seconds == 1 {
                tr!(lang, rules.schedule.words.every_second)
            } else {
                counted!(lang, rules.schedule.words.every_seconds, *seconds)
            }
        }
        ScheduleWords::EveryMinutes { minutes } => {
            if *minutes == 1 {
                tr!(lang, rules.schedule.words.every_minute)
            } else {
                counted!(lang, rules.schedule.words.every_minutes, *minutes)
            }
        }
        ScheduleWords::EveryHours { hours } => {
            if *hours == 1 {
                tr!(lang, rules.schedule.words.every_hour)
            } else {
                counted!(lang, rules.schedule.words.every_hours, *hours)
            }
        }
        ScheduleWords::Custom { english } => {
            tr!(lang, rules.schedule.words.custom, english = english)
        }
    }
}

pub fn import_problem(lang: Language, problem: &ImportProblem) -> String {
    match problem {
        ImportProblem::NotJson { reason } => tr!(lang, rules.import.not_json, reason = reason),
        ImportProblem::NoRules => tr!(lang, rules.import.no_rules),
        ImportProblem::NotARule { position, reason } => tr!(
            lang,
            rules.import.not_a_rule,
            position = position + 1,
            reason = reason
        ),
        ImportProblem::UnknownInstance {
            rule,
            role,
            instance,
        } => {
            let role = if *role == "origin" {
                tr!(lang, rules.errors.role_origin)
            } else {
                tr!(lang, rules.errors.role_destination)
            };
            tr!(
                lang,
                rules.import.unknown_instance,
                rule = rule,
                role = role,
                instance = instance
            )
        }
        ImportProblem::DataNotReadable { rule, reason } => tr!(
            lang,
            rules.import.data_not_readable,
            rule = rule,
            reason = reason
        ),
        ImportProblem::Invalid { rule, problems } => {
            let all: Vec<String> = problems.0.iter().map(|p| rule_problem(lang, p)).collect();
            tr!(
                lang,
                rules.import.invalid,
                rule = rule,
                problems = all.join(" ")
            )
        }
    }
}
