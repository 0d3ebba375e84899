//! The filters above the rules table: kind, destination, enabled and last run
//! (`mdsync_core::rules::RuleQuery` applies them; the table then searches, sorts and pages).

use leptos::prelude::*;
use mdsync_core::rules::{LastRunFilter, RuleInstance, RuleKind, RuleQuery};

use crate::l10n::messages::named_instance;
use crate::l10n::messages::rules::kind_label;
use crate::l10n::use_language;
use crate::tr;

#[component]
pub fn RuleFilters(filters: RwSignal<RuleQuery>, destinations: Vec<RuleInstance>) -> impl IntoView {
    let lang = use_language();
    // By name, as the user reads them ("This instance" in their language).
    let mut destinations: Vec<(RuleInstance, String)> = destinations
        .into_iter()
        .map(|d| {
            let label = named_instance(lang, d.label());
            (d, label)
        })
        .collect();
    destinations.sort_by_key(|(_, label)| label.to_lowercase());
    let destination_options = destinations
        .into_iter()
        .map(|(d, label)| {
            let selected =
                filters.with_untracked(|f| f.destination.as_deref() == Some(d.id.as_str()));
            view! { <option value=d.id.clone() selected=selected>{label}</option> }
        })
        .collect_view();
    let since = RwSignal::new(String::new());
    let last_run_key = filters.with_untracked(|f| match &f.last_run {
        None => "",
        Some(LastRunFilter::Never) => "never",
        Some(LastRunFilter::Succeeded) => "succeeded",
        Some(LastRunFilter::Failed) => "failed",
        Some(LastRunFilter::Since(_)) => "since",
    });
    let last_run_mode = RwSignal::new(last_run_key.to_string());
    let apply_last_run = move || {
        let filter = match last_run_mode.get_untracked().as_str() {
            "never" => Some(LastRunFilter::Never),
            "succeeded" => Some(LastRunFilter::Succeeded),
            "failed" => Some(LastRunFilter::Failed),
            "since" => {
                let date = since.get_untracked();
                (date.len() == 10).then_some(LastRunFilter::Since(date))
            }
            _ => None,
        };
        filters.update(|f| f.last_run = filter);
    };
    view! {
        <div class="toolbar rules-filters" data-test="rules-filters">
            <label>{tr!(lang, rules.filters.kind)}" "
                <select class="input" data-test="rules-filter-kind" on:change=move |ev| {
                    let value = event_target_value(&ev);
                    filters.update(|f| f.kind = RuleKind::parse(&value));
                }>
                    <option value="">{tr!(lang, rules.filters.all)}</option>
                    {RuleKind::ALL.into_iter().map(|kind| view! {
                        <option value=kind.as_str()>{kind_label(lang, kind)}</option>
                    }).collect_view()}
                </select>
            </label>
            <label>{tr!(lang, rules.filters.destination)}" "
                <select class="input" data-test="rules-filter-destination" on:change=move |ev| {
                    let value = event_target_value(&ev);
                    filters.update(|f| f.destination = (!value.is_empty()).then_some(value));
                }>
                    <option value="">{tr!(lang, rules.filters.all)}</option>
                    {destination_options}
                </select>
            </label>
            <label>{tr!(lang, rules.filters.enabled)}" "
                <select class="input" data-test="rules-filter-enabled" on:change=move |ev| {
                    let value = event_target_value(&ev);
                    filters.update(|f| f.enabled = match value.as_str() {
                        "yes" => Some(true),
                        "no" => Some(false),
                        _ => None,
                    });
                }>
                    <option value="">{tr!(lang, rules.filters.all)}</option>
                    <option value="yes">{tr!(lang, rules.list.enabled_yes)}</option>
                    <option value="no">{tr!(lang, rules.list.enabled_no)}</option>
                </select>
            </label>
            <label>{tr!(lang, rules.filters.last_run)}" "
                <select class="input" data-test="rules-filter-last-run" on:change=move |ev| {
                    last_run_mode.set(event_target_value(&ev));
                    apply_last_run();
                }>
                    <option value="">{tr!(lang, rules.filters.all)}</option>
                    <option value="never">{tr!(lang, rules.filters.never)}</option>
                    <option value="succeeded">{tr!(lang, rules.filters.succeeded)}</option>
                    <option value="failed">{tr!(lang, rules.filters.failed)}</option>
                    <option value="since">{tr!(lang, rules.filters.since)}</option>
                </select>
            </label>
            <Show when=move || last_run_mode.get() == "since">
                <input class="input" type="date" data-test="rules-filter-since"
                    aria-label=tr!(lang, rules.filters.since)
                    on:change=move |ev| {
                        since.set(event_target_value(&ev));
                        apply_last_run();
                    }/>
            </Show>
        </div>
    }
}
