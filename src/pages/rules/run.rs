//! Running a rule now from the list: the engine's progress with Cancel, then the report (the
//! Sync page's results component) and the rule's run record refreshed.

use leptos::prelude::*;
use leptos::task::spawn_local;
use mdsync_core::browse::RunProgress;
use mdsync_core::rules::{run_rule, RuleRow};
use mdsync_core::sync::{CancellationToken, SyncProgress};

use super::list::{reload, ListState, RuleRun};
use crate::components::notice::{Notice, NoticeKind};
use crate::components::progress_bar::ProgressBar;
use crate::l10n::messages::rules::rule_error;
use crate::l10n::messages::storage_error;
use crate::pages::sync::results::RunResults;
use crate::tr;

/// Runs `row`'s rule as the user (`core` checks that it is shared with them).
pub fn start(state: ListState, row: RuleRow) {
    let ctx = state.ctx();
    let lang = state.lang;
    let cancel = CancellationToken::new();
    let name = row.summary.name.clone();
    state.progress.set(RunProgress::default());
    state.run.set(RuleRun::Running {
        name: name.clone(),
        cancel: cancel.clone(),
    });
    spawn_local(async move {
        let sink = move |event: SyncProgress| state.progress.update(|p| p.apply(event));
        let outcome = run_rule(
            ctx.manager(),
            &ctx.storage(),
            &row.summary.id,
            &sink,
            &cancel,
            &crate::clock::BrowserClock,
        )
        .await;
        state.progress.update(RunProgress::finish);
        state.run.set(match outcome {
            Ok(outcome) => RuleRun::Finished {
                name,
                report: Box::new(outcome.report),
                history: outcome
                    .history
                    .map(|h| h.id)
                    .map_err(|e| storage_error(lang, &e)),
            },
            Err(error) => RuleRun::Failed {
                name,
                message: rule_error(lang, &error),
            },
        });
        reload(state);
    });
}

#[component]
pub fn RunSection(state: ListState) -> impl IntoView {
    let lang = state.lang;
    move || {
        match state.run.get() {
        RuleRun::Idle => ().into_any(),
        RuleRun::Running { name, cancel } => view! {
            <section class="sync-section card" data-test="rule-running">
                <h2 class="sync-section-title">{tr!(lang, rules.run.running, name = name)}</h2>
                <ProgressBar progress=state.progress/>
                <button class="button button-destructive" data-test="rule-run-cancel"
                    on:click=move |_| {
                        cancel.cancel();
                        state.say(NoticeKind::Info, tr!(lang, rules.run.cancelling));
                    }>
                    {tr!(lang, common.cancel)}
                </button>
            </section>
        }
        .into_any(),
        RuleRun::Failed { name, message } => view! {
            <Notice kind=NoticeKind::Error title=tr!(lang, rules.run.failed, name = name) data_test="rule-run-error">
                <p>{message}</p>
            </Notice>
        }
        .into_any(),
        RuleRun::Finished {
            name,
            report,
            history,
        } => view! {
            <div data-test="rule-run-report">
                <h2 class="sync-section-title">{tr!(lang, rules.run.report_of, name = name)}</h2>
                <RunResults report=*report history/>
                <button class="button" data-test="rule-run-close" on:click=move |_| state.run.set(RuleRun::Idle)>
                    {tr!(lang, rules.run.close)}
                </button>
            </div>
        }
        .into_any(),
    }
    }
}
