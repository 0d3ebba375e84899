//! The editor's steps. "What" offers the kind of sync and shows the Sync pages' own selection
//! components of that kind; "Instances" is the metadata Sync page's instance picker.

use leptos::prelude::*;
use mdsync_core::rules::{RuleField, RuleJob, RuleKind, RuleStep};

use super::aggregated_what::aggregated_what;
use super::events_what::events_what;
use super::filters::filters_editor;
use super::state::EditorState;
use crate::components::schedule::ScheduleField;
use crate::l10n::messages::named_instance;
use crate::l10n::messages::rules::kind_label;
use crate::l10n::messages::rules::rule_problem;
use crate::pages::rules::data_words::job_words;
use crate::pages::rules::details::{facts, next_runs_text};
use crate::pages::rules::list::schedule_text;
use crate::pages::sync::metadata::browser::MetadataBrowser;
use crate::pages::sync::metadata::instances::InstancePicker;
use crate::pages::sync::metadata::options::OptionsForm;
use crate::pages::sync::metadata::picked::PickedList;
use crate::tr;

/// The message of the first problem at `field`, under it.
pub(super) fn field_error(
    state: EditorState,
    field: RuleField,
    test: &'static str,
) -> impl IntoView {
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

/// The kind of sync: a choice of three; each kind keeps its own picks.
fn kind_choice(state: EditorState) -> impl IntoView {
    let lang = state.lang;
    let choices = RuleKind::ALL
        .into_iter()
        .map(|kind| {
            view! {
                <label class="sync-check">
                    <input type="radio" name="rule-kind" data-test=format!("rule-kind-{}", kind.as_str())
                        prop:checked=move || state.kind.get() == kind
                        on:change=move |_| {
                            state.kind.set(kind);
                            state.problems.set(Default::default());
                        }/>
                    {kind_label(lang, kind)}
                </label>
            }
        })
        .collect_view();
    view! {
        <fieldset class="sync-section card rule-kind" data-test="rule-kind">
            <legend class="sync-section-title">{tr!(lang, rules.what.kind)}</legend>
            {choices}
        </fieldset>
    }
}

fn what(state: EditorState) -> impl IntoView {
    view! {
        {kind_choice(state)}
        {move || match state.kind.get() {
            RuleKind::Metadata => metadata_what(state).into_any(),
            RuleKind::Aggregated => aggregated_what(state).into_any(),
            RuleKind::Events => events_what(state).into_any(),
        }}
    }
}

fn metadata_what(state: EditorState) -> impl IntoView {
    let lang = state.lang;
    let kept_exclusions = state.kept.with_value(|k| k.excluded_ids.len());
    let origin = move || state.sync.instance_name(&state.sync.origin.get());
    view! {
        <section class="sync-section card" data-test="rule-what">
            <p class="field-help">{move || tr!(lang, rules.what.browsing, origin = origin())}</p>
            {field_error(state, RuleField::Selection, "rule-selection-error")}
            <MetadataBrowser state=state.sync/>
            <PickedList state=state.sync/>
            {(kept_exclusions > 0).then(|| view! {
                <p class="field-help" data-test="rule-kept-filters">{tr!(lang, rules.what.kept_filters)}</p>
            })}
        </section>
        {filters_editor(state)}
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
    let zone = state.ctx.with_value(|c| c.zone.clone());
    let destinations: Vec<String> = draft
        .destinations
        .iter()
        .map(|id| state.sync.instance_name(id))
        .collect();
    let mut items = vec![
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
            kind_label(lang, draft.job.kind()),
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
            job_words(lang, &draft.job, &|id| name_of(state, id)).join("; "),
            "rule-summary-what",
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
    if let RuleJob::Metadata { options, .. } = &draft.job {
        items.insert(
            7,
            (
                tr!(lang, rules.summary.dependencies),
                if options.include_dependencies {
                    tr!(lang, rules.list.enabled_yes)
                } else {
                    tr!(lang, rules.list.enabled_no)
                },
                "rule-summary-dependencies",
            ),
        );
    }
    view! {
        <section class="sync-section card" data-test="rule-summary">
            {facts(items)}
        </section>
    }
}

/// The name the editor knows for an id (picked data, org units, programs), else the id.
fn name_of(state: EditorState, id: &str) -> String {
    let page = state.aggregated;
    page.picked
        .with_untracked(|picked| picked.iter().find(|p| p.id == id).map(|p| p.name.clone()))
        .or_else(|| {
            page.org_units
                .with_untracked(|units| units.iter().find(|u| u.id == id).map(|u| u.name.clone()))
        })
        .or_else(|| {
            state
                .events
                .org_units
                .with_untracked(|units| units.iter().find(|u| u.id == id).map(|u| u.name.clone()))
        })
        .or_else(|| {
            state
                .events
                .programs
                .with_untracked(|programs| match programs {
                    crate::pages::sync::metadata::state::Loadable::Ready(all) => all
                        .iter()
                        .find(|p| p.id == id)
                        .map(|p| p.display_name.clone()),
                    _ => None,
                })
        })
        .unwrap_or_else(|| id.to_string())
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
