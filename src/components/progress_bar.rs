//! A sync's progress: the pipeline steps (prepare → read → transform → write → report) and a
//! bar with what is happening now.

use leptos::prelude::*;
use mdsync_core::browse::{RunProgress, STEPS};

use crate::l10n::messages::sync::retry_reason;
use crate::l10n::messages::{named_instance, step_label};
use crate::l10n::{use_language, Language};
use crate::tr;

/// "Write — Destination (2 of 5)", with the retry under way, if any. The engine's own
/// sentences restate the step, so the line is built from the facts.
fn describe(lang: Language, progress: &RunProgress) -> String {
    let Some(step) = progress.step else {
        return tr!(lang, sync.progress.starting);
    };
    let mut text = step_label(lang, step);
    if let Some(target) = &progress.target {
        text.push_str(" — ");
        text.push_str(&named_instance(lang, target));
    }
    if let Some((done, total)) = progress.units {
        text.push(' ');
        text.push_str(&tr!(
            lang,
            sync.progress.units,
            done = lang.number(done as f64),
            total = lang.number(total as f64)
        ));
    }
    if let Some(retry) = &progress.retry {
        text.push_str(" — ");
        text.push_str(&tr!(
            lang,
            sync.retry.retrying,
            attempt = retry.attempt,
            max = retry.max_attempts,
            reason = retry_reason(lang, retry.reason)
        ));
    }
    text
}

#[component]
pub fn ProgressBar(#[prop(into)] progress: Signal<RunProgress>) -> impl IntoView {
    let lang = use_language();
    let steps = STEPS
        .iter()
        .map(|step| {
            let step = *step;
            let state = move || progress.with(|p| p.state_of(step).as_str());
            view! {
                <li class=move || format!("progress-step progress-step-{}", state()) data-state=state>
                    {move || step_label(lang, step)}
                </li>
            }
        })
        .collect_view();
    let percent = move || progress.with(|p| p.percent());
    view! {
        <div class="progress" data-test="sync-progress">
            <ol class="progress-steps">{steps}</ol>
            <div
                class="progress-track"
                role="progressbar"
                aria-valuemin="0"
                aria-valuemax="100"
                aria-valuenow=move || percent().to_string()
            >
                <div class="progress-fill" style=move || format!("width: {}%", percent())></div>
            </div>
            <p class="progress-text" data-test="sync-progress-text" aria-live="polite">
                {move || progress.with(|p| describe(lang, p))}
            </p>
        </div>
    }
}
