//! A rule's job in words, for every kind: the details page and the editor's summary. Names are
//! given by the caller where it knows them (the editor), else the ids are shown.

use mdsync_core::rules::{DatePeriod, RuleJob};
use mdsync_core::sync::aggregated::AttributeOptions;
use mdsync_core::sync::events::Chosen;

use super::details::selection_words;
use crate::components::period_picker::period_label;
use crate::l10n::messages::type_label;
use crate::l10n::Language;
use crate::{counted, tr};

/// The period in words ("Last year", "from 2024-01-01 to 2024-12-31").
pub fn period_words(lang: Language, period: &DatePeriod) -> String {
    match period {
        DatePeriod::Fixed { start, end } => tr!(
            lang,
            rules.summary.fixed_period,
            start = start
                .as_deref()
                .map(|d| d.get(..10).unwrap_or(d))
                .unwrap_or("…"),
            end = end
                .as_deref()
                .map(|d| d.get(..10).unwrap_or(d))
                .unwrap_or("…")
        ),
        other => period_label(lang, other),
    }
}

fn names(ids: &[String], name_of: &dyn Fn(&str) -> String) -> String {
    ids.iter()
        .map(|id| name_of(id))
        .collect::<Vec<_>>()
        .join(", ")
}

fn where_words(
    lang: Language,
    units: &[String],
    below: bool,
    name_of: &dyn Fn(&str) -> String,
) -> String {
    let mut text = tr!(lang, rules.summary.org_units, names = names(units, name_of));
    if below {
        text.push_str(&format!(" ({})", tr!(lang, rules.summary.with_descendants)));
    }
    text
}

/// What the job syncs, one line per part.
pub fn job_words(lang: Language, job: &RuleJob, name_of: &dyn Fn(&str) -> String) -> Vec<String> {
    let mut lines = Vec::new();
    match job {
        RuleJob::Metadata { selection, .. } => return selection_words(lang, selection),
        RuleJob::Aggregated { selection, options } => {
            for (plural, ids) in [
                ("dataSets", &selection.data_sets),
                ("dataElementGroups", &selection.data_element_groups),
                ("dataElements", &selection.data_elements),
                ("indicators", &selection.indicators),
                ("programIndicators", &selection.program_indicators),
            ] {
                if !ids.is_empty() {
                    lines.push(format!(
                        "{}: {}",
                        type_label(lang, plural),
                        names(ids, name_of)
                    ));
                }
            }
            lines.push(where_words(
                lang,
                &selection.org_unit_ids(),
                selection.include_descendants,
                name_of,
            ));
            lines.push(tr!(
                lang,
                rules.summary.period,
                period = period_words(lang, &selection.period)
            ));
            if let Some(since) = &selection.last_updated_since {
                lines.push(tr!(lang, rules.summary.changed_since, date = since));
            }
            if let AttributeOptions::Chosen { category_options } = &selection.attribute_options {
                lines.push(counted!(
                    lang,
                    rules.summary.attribute_options,
                    category_options.len()
                ));
            }
            if options.aggregation.is_some() {
                lines.push(tr!(lang, rules.summary.aggregation_mode));
            }
            if options.dry_run {
                lines.push(tr!(lang, rules.summary.dry_run));
            }
        }
        RuleJob::Events { selection, options } => {
            lines.push(tr!(
                lang,
                rules.summary.programs,
                names = names(&selection.programs, name_of)
            ));
            lines.push(where_words(
                lang,
                &selection.org_unit_ids(),
                selection.include_children,
                name_of,
            ));
            lines.push(tr!(
                lang,
                rules.summary.period,
                period = period_words(lang, &selection.period)
            ));
            lines.push(match &selection.events {
                Chosen::All => tr!(lang, rules.summary.all_events),
                Chosen::Only { ids } => counted!(lang, rules.summary.chosen_events, ids.len()),
            });
            lines.push(match &selection.tracked_entities {
                Chosen::All => tr!(lang, rules.summary.all_tracked_entities),
                Chosen::Only { ids } => {
                    counted!(lang, rules.summary.chosen_tracked_entities, ids.len())
                }
            });
            for (on, text) in [
                (
                    options.new_uids,
                    tr!(lang, rules.what.events_options.new_uids),
                ),
                (
                    options.exclude_geometry,
                    tr!(lang, rules.what.events_options.exclude_geometry),
                ),
                (
                    options.exclude_relationships,
                    tr!(lang, rules.what.events_options.exclude_relationships),
                ),
                (
                    options.skip_side_effects,
                    tr!(lang, rules.what.events_options.skip_side_effects),
                ),
                (options.dry_run, tr!(lang, rules.summary.dry_run)),
            ] {
                if on {
                    lines.push(text);
                }
            }
        }
    }
    lines
}
