use leptos::prelude::*;
use mdsync_core::dhis2::data_values::DataImportStrategy;
use mdsync_core::rules::RuleLastRun;
use mdsync_core::sync::{SyncJob, SyncRequest};

use super::state::{AggregatedState, RunState};
use crate::components::dialog::ConfirmDialog;
use crate::components::notice::NoticeKind;
use crate::components::progress_bar::ProgressBar;
use crate::l10n::messages::sync::aggregated_input;
use crate::pages::sync::common::run::{start_run, RunSignals};
use crate::pages::sync::download::now_iso;
use crate::tr;

/// What stops a run before it starts, said to the user (`core`'s checks of the selection,
/// then the destinations).
pub fn missing_input(state: AggregatedState) -> Option<String> {
    let lang = state.lang;
    let options = state.options.get_untracked();
    if let Err(error) = state.selection().check(&options) {
        Some(aggregated_input(lang, &error))
    } else if state.destinations.with_untracked(Vec::is_empty) {
        Some(tr!(lang, sync.choose_destination))
    } else {
        None
    }
}

fn request(state: AggregatedState, dry_run: bool) -> SyncRequest {
    let mut options = state.options.get_untracked();
    options.dry_run = dry_run;
    SyncRequest {
        origin: state.origin.get_untracked(),
        destinations: state.destinations.get_untracked(),
        job: SyncJob::Aggregated {
            selection: state.selection(),
            options,
            // A manual run has no rule, so no previous run to count from.
            last_run: RuleLastRun::default(),
        },
        rule: None,
        started: now_iso(),
    }
}

fn start(state: AggregatedState, dry_run: bool) {
    let Some(ctx) = state.context() else { return };
    state.notice.set(None);
    let signals = RunSignals {
        lang: state.lang,
        run: state.run,
        progress: state.progress,
    };
    start_run(signals, ctx, request(state, dry_run), dry_run, |_| {});
}

/// Dry run, Sync (after a confirmation that names the destinations, and says so when values
/// will be deleted), Cancel, and the progress.
#[component]
pub fn AggregatedRun(state: AggregatedState) -> impl IntoView {
    let lang = state.lang;
    let running = move || state.run.with(RunState::is_running);
    let check = move || match missing_input(state) {
        Some(message) => {
            state.notice.set(Some((NoticeKind::Warning, message)));
            false
        }
        None => {
            state.notice.set(None);
            true
        }
    };
    let confirm_message = move || {
        let names = state
            .destinations
            .get_untracked()
            .iter()
            .map(|id| state.instance_name(id))
            .collect::<Vec<_>>()
            .join(", ");
        let options = state.options.get_untracked();
        let mut message = tr!(lang, aggregated.confirm_message, destinations = names);
        if options.strategy == DataImportStrategy::Deletes || options.delete_stale {
            message.push(' ');
            message.push_str(&tr!(lang, aggregated.confirm_deletes));
        }
        message
    };
    view! {
        <div class="toolbar">
            <button class="button" data-test="aggregated-dry-run" disabled=running
                on:click=move |_| if check() { start(state, true) }>
                {tr!(lang, sync.run.dry_run)}
            </button>
            <button class="button button-primary" data-test="aggregated-start" disabled=running
                on:click=move |_| if check() { state.confirming.set(true) }>
                {tr!(lang, sync.run.sync)}
            </button>
            <Show when=running>
                <button class="button button-destructive" data-test="aggregated-cancel"
                    on:click=move |_| {
                        if let RunState::Running { cancel, .. } = state.run.get_untracked() {
                            cancel.cancel();
                            state.notice.set(Some((NoticeKind::Info, tr!(lang, aggregated.cancelling))));
                        }
                    }>
                    {tr!(lang, common.cancel)}
                </button>
            </Show>
            <super::save_as_rule::AggregatedSaveAsRule state/>
        </div>
        <Show when=move || !matches!(state.run.get(), RunState::Idle)>
            <ProgressBar progress=state.progress/>
            {move || state.progress.with(|p| p.values_moved).map(|values| view! {
                <p class="field-help" data-test="aggregated-values-moved">
                    {crate::counted!(lang, aggregated.values_moved, values)}
                </p>
            })}
        </Show>
        {move || match state.run.get() {
            RunState::Running { dry_run, .. } => Some(view! {
                <p class="field-help" data-test="aggregated-running">
                    {if dry_run { tr!(lang, sync.run.dry_run_running) } else { tr!(lang, sync.run.sync_running) }}
                </p>
            }
            .into_any()),
            RunState::Failed(message) => Some(view! {
                <p class="field-error" data-test="aggregated-run-error">{message}</p>
            }
            .into_any()),
            _ => None,
        }}
        {move || state.confirming.get().then(|| view! {
            <ConfirmDialog
                title=tr!(lang, aggregated.confirm_title)
                message=confirm_message()
                confirm_label=tr!(lang, sync.run.sync)
                on_confirm=Callback::new(move |_| {
                    state.confirming.set(false);
                    start(state, false);
                })
                on_cancel=Callback::new(move |_| state.confirming.set(false))
            />
        })}
    }
}
