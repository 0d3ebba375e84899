//! A sync's progress: the pipeline steps (prepare → read → transform → write → report) and a
//! bar with what is happening now.

use leptos::prelude::*;
use mdsync_core::browse::{step_label, RunProgress, STEPS};

#[component]
pub fn ProgressBar(#[prop(into)] progress: Signal<RunProgress>) -> impl IntoView {
    let steps = STEPS
        .iter()
        .map(|step| {
            let step = *step;
            let state = move || progress.with(|p| p.state_of(step).as_str());
            view! {
                <li class=move || format!("progress-step progress-step-{}", state()) data-state=state>
                    {step_label(step)}
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
                {move || progress.with(|p| p.describe())}
            </p>
        </div>
    }
}
