//! The editor's steps. "What" and "Instances" are the metadata Sync page's own components.

use leptos::prelude::*;
use mdsync_core::rules::{RuleField, RuleJob, RuleStep};

use super::state::EditorState;
use crate::components::schedule::ScheduleField;
use crate::l10n::messages::named_instance;
use crate::l10n::messages::rules::rule_problem;
use crate::pages::rules::details::{facts, next_runs_text, selection_words};
use crate::pages::rules::list::schedule_text;
use crate::pages::sync::metadata::browser::MetadataBrowser;
use crate::pages::sync::metadata::instances::InstancePicker;
use crate::pages::sync::metadata::options::OptionsForm;
use crate::pages::sync::metadata::picked::PickedList;
use crate::tr;

/// The message of the first problem at `field`, under it.
fn field_error(state: EditorState, field: RuleField, test: &'static str) -> impl IntoView {
    let lang = state.lang;
    move || {
        state.problems.with(|problems| {
            problems.at(field).map(|problem| {
                view! { <p class="field-error" role="alert" data-test=test>{rule_problem(lang, problem)}</p> }
            })
        })
    }
}

fn text_input(
    label: String,
    value: RwSignal<String>,
    test: &'static str,
    required: bool,
) -> impl IntoView {
    view! {
        <label class="form-field">
            <span>{label}{required.then_some(" *")}</span>
            <input class="input" type="text" data-test=test required=required
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))/>
        </label>
    }
}

fn general(state: EditorState) -> impl IntoView {
    let lang = state.lang;
    view! {
        <section class="sync-section card" data-test="rule-general">
            {text_input(tr!(lang, rules.general.name), state.name, "rule-name", true)}
            {field_error(state, RuleField::Name, "rule-name-error")}
            {text_input(tr!(lang, rules.general.code), state.code, "rule-code", false)}
            <label class="form-field">
                <span>{tr!(lang, rules.general.description)}</span>
                <textarea class="input" data-test="rule-description" rows="3"
                    prop:value=move || state.description.get()
                    on:input=move |ev| state.description.set(event_target_value(&ev))></textarea>
            </label>
        </section>
    }
}

fn what(state: EditorState) -> impl IntoView {
    let lang = state.lang;
    let kept_filters = state
        .kept
        .with_value(|k| k.filters.len() + k.excluded_ids.len());
    let origin = move || state.sync.instance_name(&state.sync.origin.get());
    view! {
        <section class="sync-section card" data-test="rule-what">
            <p class="field-help">{move || tr!(lang, rules.what.browsing, origin = origin())}</p>
            {field_error(state, RuleField::Selection, "rule-selection-error")}
            <MetadataBrowser state=state.sync/>
            <PickedList state=state.sync/>
            {(kept_filters > 0).then(|| view! {
                <p class="field-help" data-test="rule-kept-filters">{tr!(lang, rules.what.kept_filters)}</p>
            })}
        </section>
        <section class="sync-section card" data-test="rule-options">
            <h2 class="sync-section-title">{tr!(lang, rules.what.options)}</h2>
            <OptionsForm state=state.sync/>
        </section>
    }
}

fn instances(state: EditorState) -> impl IntoView {
    let lang = state.lang;
    view! {
        <section class="sync-section card" data-test="rule-instances">
            <p class="field-help">{tr!(lang, rules.instances.help)}</p>
            <InstancePicker state=state.sync/>
            {field_error(state, RuleField::Origin, "rule-origin-error")}
            {field_error(state, RuleField::Destinations, "rule-destinations-error")}
        </section>
    }
}

fn schedule(state: EditorState) -> impl IntoView {
    let lang = state.lang;
    let zone = StoredValue::new(state.ctx.with_value(|c| c.zone.clone()));
    view! {
        <section class="sync-section card" data-test="rule-schedule">
            <ScheduleField value=state.schedule zone/>
            <label class="sync-check">
                <input type="checkbox" data-test="rule-enabled"
                    prop:checked=move || state.enabled.get()
                    on:change=move |ev| state.enabled.set(event_target_checked(&ev))/>
                {tr!(lang, rules.schedule.enabled)}
            </label>
            {field_error(state, RuleField::Enabled, "rule-enabled-error")}
            <p class="field-help">{tr!(lang, rules.schedule.enabled_help)}</p>
        </section>
    }
}

fn summary(state: EditorState) -> impl IntoView {
    let lang = state.lang;
    let draft = state.draft();
    let RuleJob::Metadata { selection, options } = &draft.job;
    let zone = state.ctx.with_value(|c| c.zone.clone());
    let destinations: Vec<String> = draft
        .destinations
        .iter()
        .map(|id| state.sync.instance_name(id))
        .collect();
    let items = vec![
        (
            tr!(lang, rules.general.name),
            draft.name.clone(),
            "rule-summary-name",
        ),
        (
            tr!(lang, rules.general.code),
            draft.code.clone(),
            "rule-summary-code",
        ),
        (
            tr!(lang, rules.general.description),
            draft.description.clone(),
            "rule-summary-description",
        ),
        (
            tr!(lang, rules.list.kind),
            tr!(lang, rules.kinds.metadata),
            "rule-summary-kind",
        ),
        (
            tr!(lang, rules.list.origin),
            named_instance(lang, &state.sync.instance_name(&draft.origin)),
            "rule-summary-origin",
        ),
        (
            tr!(lang, rules.list.destinations),
            destinations.join(", "),
            "rule-summary-destinations",
        ),
        (
            tr!(lang, rules.summary.what),
            selection_words(lang, selection).join("; "),
            "rule-summary-what",
        ),
        (
            tr!(lang, rules.summary.dependencies),
            if options.include_dependencies {
                tr!(lang, rules.list.enabled_yes)
            } else {
                tr!(lang, rules.list.enabled_no)
            },
            "rule-summary-dependencies",
        ),
        (
            tr!(lang, rules.list.schedule),
            schedule_text(lang, draft.schedule.as_deref()),
            "rule-summary-schedule",
        ),
        (
            tr!(lang, rules.summary.next_runs),
            next_runs_text(draft.schedule.as_deref(), &zone).unwrap_or_else(|| "—".into()),
            "rule-summary-next-runs",
        ),
        (
            tr!(lang, rules.list.enabled),
            if draft.enabled {
                tr!(lang, rules.list.enabled_yes)
            } else {
                tr!(lang, rules.list.enabled_no)
            },
            "rule-summary-enabled",
        ),
    ];
    view! {
        <section class="sync-section card" data-test="rule-summary">
            {facts(items)}
        </section>
    }
}

pub fn current_step(state: EditorState) -> impl IntoView {
    move || match state.step.get() {
        RuleStep::General => general(state).into_any(),
        RuleStep::What => what(state).into_any(),
        RuleStep::Instances => instances(state).into_any(),
        RuleStep::Schedule => schedule(state).into_any(),
        RuleStep::Summary => summary(state).into_any(),
    }
}
