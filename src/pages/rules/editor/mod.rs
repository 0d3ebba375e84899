//! The rule editor, in MDSync's steps: general → what → instances → schedule → summary. "Next"
//! checks the step (`mdsync_core::rules::validate_rule`) and shows each problem at its field.

mod aggregated_what;
mod events_what;
mod filters;
mod state;
mod steps;

use leptos::prelude::*;
use mdsync_core::rules::RuleStep;

use super::context::RulesContext;
use crate::components::loading::Loading;
use crate::components::notice::{Notice, NoticeKind};
use crate::l10n::{use_language, Language};
use crate::pages::sync::metadata::state::Loadable;
use crate::tr;
use state::{load, save, EditorState, STEPS};

fn step_title(lang: Language, step: RuleStep) -> String {
    match step {
        RuleStep::General => tr!(lang, rules.steps.general),
        RuleStep::What => tr!(lang, rules.steps.what),
        RuleStep::Instances => tr!(lang, rules.steps.instances),
        RuleStep::Schedule => tr!(lang, rules.steps.schedule),
        RuleStep::Summary => tr!(lang, rules.steps.summary),
    }
}

fn step_key(step: RuleStep) -> &'static str {
    match step {
        RuleStep::General => "general",
        RuleStep::What => "what",
        RuleStep::Instances => "instances",
        RuleStep::Schedule => "schedule",
        RuleStep::Summary => "summary",
    }
}

fn position(step: RuleStep) -> usize {
    STEPS.iter().position(|s| *s == step).unwrap_or(0)
}

#[component]
pub fn RuleEditor(ctx: RulesContext, rule_id: Option<String>, from_sync: bool) -> impl IntoView {
    let lang = use_language();
    if !ctx.can_create() {
        return view! {
            <Notice kind=NoticeKind::Warning title=tr!(lang, rules.editor.not_for_you) data_test="rule-editor-refused">
                <p>{tr!(lang, rules.editor.run_only)}</p>
            </Notice>
        }
        .into_any();
    }
    let editing = rule_id.is_some();
    let state = EditorState::new(ctx, rule_id, lang);
    load(state, from_sync);
    let go_to = move |target: RuleStep| {
        // Forward only through checked steps; back at will.
        let current = state.step.get_untracked();
        if target <= current || state.check_through(STEPS[position(target) - 1]) {
            state.step.set(target);
        } else if let Some(first) = state
            .problems
            .with_untracked(|p| p.0.first().map(|p| p.step()))
        {
            state.step.set(first);
        }
    };
    let tabs = STEPS
        .into_iter()
        .enumerate()
        .map(|(index, step)| {
            let has_problem = move || state.problems.with(|p| !p.of_step(step).is_empty());
            view! {
                <li>
                    <button
                        class="rule-step"
                        class:rule-step-current=move || state.step.get() == step
                        class:rule-step-problem=has_problem
                        data-test=format!("rule-step-{}", step_key(step))
                        aria-current=move || (state.step.get() == step).then_some("step")
                        on:click=move |_| go_to(step)
                    >
                        {format!("{}. ", index + 1)}{step_title(lang, step)}
                    </button>
                </li>
            }
        })
        .collect_view();
    let body = move || {
        match state.loaded.get() {
        Loadable::Idle | Loadable::Loading => view! { <Loading label=tr!(lang, rules.loading)/> }.into_any(),
        Loadable::Failed(message) => view! {
            <Notice kind=NoticeKind::Error title=tr!(lang, rules.cannot_open_rule) data_test="rule-editor-error">
                <p>{message}</p>
            </Notice>
        }
        .into_any(),
        Loadable::Ready(()) => steps::current_step(state).into_any(),
    }
    };
    let nav = move || {
        let step = state.step.get();
        let index = position(step);
        let back = (index > 0).then(|| view! {
            <button class="button" data-test="rule-back-step" on:click=move |_| state.step.set(STEPS[index - 1])>
                {tr!(lang, rules.editor.previous)}
            </button>
        });
        let forward = if step == RuleStep::Summary {
            view! {
                <button class="button button-primary" data-test="rule-save" disabled=move || state.saving.get()
                    on:click=move |_| save(state, false)>
                    {tr!(lang, rules.editor.save)}
                </button>
                <button class="button" data-test="rule-save-run" disabled=move || state.saving.get()
                    on:click=move |_| save(state, true)>
                    {tr!(lang, rules.editor.save_and_run)}
                </button>
            }
            .into_any()
        } else {
            view! {
                <button class="button button-primary" data-test="rule-next" on:click=move |_| go_to(STEPS[index + 1])>
                    {tr!(lang, rules.editor.next)}
                </button>
            }
            .into_any()
        };
        view! {
            <div class="toolbar rule-editor-nav">
                <a class="button" href="#/rules" data-test="rule-editor-cancel">{tr!(lang, common.cancel)}</a>
                {back}
                {forward}
            </div>
        }
    };
    view! {
        <div data-test="rule-editor">
            <h1 class="page-title">
                {if editing { tr!(lang, rules.editor.edit_title) } else { tr!(lang, rules.editor.new_title) }}
            </h1>
            <ol class="rule-steps">{tabs}</ol>
            {body}
            {move || state.save_error.get().map(|message| view! {
                <Notice kind=NoticeKind::Error title=tr!(lang, rules.editor.not_saved) data_test="rule-save-error">
                    <p>{message}</p>
                </Notice>
            })}
            {nav}
        </div>
    }
    .into_any()
}
