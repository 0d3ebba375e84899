//! `#/rules/<id>`: a rule in words (what, from where, to where, when, its last runs), with the
//! actions the user may take. The editor's summary step uses the same words.

use leptos::prelude::*;
use leptos::task::spawn_local;
use mdsync_core::clock::Clock;
use mdsync_core::rules::{
    get_rule, list_rules, CronSchedule, MetadataRuleSelection, Rule, RuleRow, ServerZone,
};

use super::context::RulesContext;
use super::data_words::job_words;
use super::list::{schedule_text, short_time};
use crate::clock::BrowserClock;
use crate::components::loading::Loading;
use crate::components::notice::{Notice, NoticeKind};
use crate::l10n::messages::rules::{kind_label, rule_error};
use crate::l10n::messages::{named_instance, target_status, type_label};
use crate::l10n::{use_language, Language};
use crate::{counted, tr};

/// What a rule syncs, in words: objects per type, whole types, filters.
pub fn selection_words(lang: Language, selection: &MetadataRuleSelection) -> Vec<String> {
    let mut lines = Vec::new();
    let mut by_type: Vec<(String, Vec<String>)> = Vec::new();
    for object in &selection.objects {
        let plural = object.plural.clone().unwrap_or_default();
        let name = if object.name.is_empty() {
            object.id.clone()
        } else {
            object.name.clone()
        };
        match by_type.iter_mut().find(|(p, _)| *p == plural) {
            Some((_, names)) => names.push(name),
            None => by_type.push((plural, vec![name])),
        }
    }
    for (plural, names) in by_type {
        let label = if plural.is_empty() {
            tr!(lang, rules.summary.unknown_type)
        } else {
            type_label(lang, &plural)
        };
        lines.push(format!("{label}: {}", names.join(", ")));
    }
    for plural in &selection.all_of_types {
        lines.push(tr!(
            lang,
            rules.summary.all_of,
            type_name = type_label(lang, plural)
        ));
    }
    if !selection.filters.is_empty() {
        lines.push(counted!(
            lang,
            rules.summary.filters,
            selection.filters.len()
        ));
    }
    if !selection.excluded_ids.is_empty() {
        lines.push(counted!(
            lang,
            rules.summary.excluded,
            selection.excluded_ids.len()
        ));
    }
    lines
}

/// The next three runs of a schedule in the server's time zone, as one line.
pub fn next_runs_text(schedule: Option<&str>, zone: &ServerZone) -> Option<String> {
    let schedule = CronSchedule::parse(schedule?).ok()?;
    let runs = schedule.next_runs(BrowserClock.now_millis(), zone, 3);
    let times: Vec<String> = runs
        .iter()
        .map(|r| r.local.get(..16).unwrap_or(&r.local).to_string())
        .collect();
    Some(format!("{} ({})", times.join(", "), zone.name()))
}

/// A definition list of (label, value, data-test).
pub fn facts(items: Vec<(String, String, &'static str)>) -> impl IntoView {
    let rows = items
        .into_iter()
        .map(|(label, value, test)| {
            view! {
                <dt>{label}</dt>
                <dd data-test=test>{value}</dd>
            }
        })
        .collect_view();
    view! { <dl class="rule-facts">{rows}</dl> }
}

fn rule_facts(
    lang: Language,
    rule: &Rule,
    zone: &ServerZone,
) -> Vec<(String, String, &'static str)> {
    let summary = &rule.summary;
    let last = &rule.last_run;
    let last_run = match (&last.last_executed, last.last_status) {
        (Some(at), Some(status)) => format!(
            "{} — {} ({})",
            short_time(at),
            target_status(lang, status).0,
            last.last_executed_by.clone().unwrap_or_default()
        ),
        (Some(at), None) => short_time(at),
        _ => tr!(lang, rules.list.never),
    };
    let destinations: Vec<String> = summary
        .destinations
        .iter()
        .map(|d| named_instance(lang, d.label()))
        .collect();
    vec![
        (
            tr!(lang, rules.general.name),
            summary.name.clone(),
            "rule-fact-name",
        ),
        (
            tr!(lang, rules.general.code),
            summary.code.clone(),
            "rule-fact-code",
        ),
        (
            tr!(lang, rules.general.description),
            summary.description.clone(),
            "rule-fact-description",
        ),
        (
            tr!(lang, rules.list.kind),
            kind_label(lang, summary.kind),
            "rule-fact-kind",
        ),
        (
            tr!(lang, rules.list.origin),
            named_instance(lang, summary.origin.label()),
            "rule-fact-origin",
        ),
        (
            tr!(lang, rules.list.destinations),
            destinations.join(", "),
            "rule-fact-destinations",
        ),
        (
            tr!(lang, rules.summary.what),
            job_words(lang, &rule.job, &|id| id.to_string()).join("; "),
            "rule-fact-what",
        ),
        (
            tr!(lang, rules.list.schedule),
            schedule_text(lang, summary.schedule.as_deref()),
            "rule-fact-schedule",
        ),
        (
            tr!(lang, rules.summary.next_runs),
            next_runs_text(summary.schedule.as_deref(), zone).unwrap_or_else(|| "—".into()),
            "rule-fact-next-runs",
        ),
        (
            tr!(lang, rules.list.enabled),
            if summary.enabled {
                tr!(lang, rules.list.enabled_yes)
            } else {
                tr!(lang, rules.list.enabled_no)
            },
            "rule-fact-enabled",
        ),
        (
            tr!(lang, rules.list.last_run),
            last_run,
            "rule-fact-last-run",
        ),
        (
            tr!(lang, rules.list.last_success),
            last.last_successful_sync
                .as_deref()
                .map(short_time)
                .unwrap_or_else(|| "—".into()),
            "rule-fact-last-success",
        ),
        (
            tr!(lang, rules.summary.changed),
            format!(
                "{} ({})",
                short_time(&summary.last_updated),
                summary.last_updated_by.clone().unwrap_or_default()
            ),
            "rule-fact-changed",
        ),
    ]
}

#[component]
pub fn RuleDetailsPage(ctx: RulesContext, id: String) -> impl IntoView {
    let lang = use_language();
    let loaded = RwSignal::new(None::<Result<(Rule, Option<RuleRow>), String>>);
    let zone = StoredValue::new(ctx.zone.clone());
    {
        let id = id.clone();
        spawn_local(async move {
            let storage = ctx.storage();
            let rule = get_rule(ctx.manager(), &storage, &id).await;
            let row = list_rules(ctx.manager(), &storage)
                .await
                .ok()
                .and_then(|l| l.rows.into_iter().find(|r| r.summary.id == id));
            loaded.set(Some(
                rule.map(|r| (r, row)).map_err(|e| rule_error(lang, &e)),
            ));
        });
    }
    move || {
        match loaded.get() {
        None => view! { <Loading label=tr!(lang, rules.loading)/> }.into_any(),
        Some(Err(message)) => view! {
            <Notice kind=NoticeKind::Error title=tr!(lang, rules.cannot_open_rule) data_test="rule-details-error">
                <p>{message}</p>
                <p><a href="#/rules">{tr!(lang, rules.back)}</a></p>
            </Notice>
        }
        .into_any(),
        Some(Ok((rule, row))) => {
            let can_edit = row.as_ref().is_some_and(|r| r.can_edit);
            let edit = format!("#/rules/{}/edit", rule.summary.id);
            let missing: Vec<String> = row
                .map(|r| r.missing_instances.iter().map(|i| i.label().to_string()).collect())
                .unwrap_or_default();
            let facts_view = zone.with_value(|zone| facts(rule_facts(lang, &rule, zone)));
            view! {
                <div data-test="rule-details">
                    <h1 class="page-title">{rule.summary.name.clone()}</h1>
                    {(!missing.is_empty()).then(|| view! {
                        <Notice kind=NoticeKind::Warning title=tr!(lang, rules.details.missing_title)>
                            <p>{tr!(lang, rules.list.missing, names = missing.join(", "))}</p>
                        </Notice>
                    })}
                    {facts_view}
                    <div class="toolbar">
                        <a class="button" href="#/rules" data-test="rule-back">{tr!(lang, rules.back)}</a>
                        {can_edit.then(|| view! {
                            <a class="button button-primary" href=edit data-test="rule-details-edit">{tr!(lang, rules.actions.edit)}</a>
                        })}
                    </div>
                </div>
            }
            .into_any()
        }
    }
    }
}
