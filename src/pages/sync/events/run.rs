use leptos::prelude::*;
use mdsync_core::rules::RuleLastRun;
use mdsync_core::sync::{SyncJob, SyncProgress, SyncRequest};

use super::state::{EventsState, PagesRead};
use crate::components::dialog::ConfirmDialog;
use crate::components::notice::NoticeKind;
use crate::components::progress_bar::ProgressBar;
use crate::l10n::messages::events_input;
use crate::pages::sync::common::run::{cancel_run, start_run};
use crate::pages::sync::common::RunState;
use crate::pages::sync::download::now_iso;
use crate::{counted, tr};

/// What stops a run before it starts, said to the user (`core`'s checks of the selection,
/// then the destinations).
pub fn missing_input(state: EventsState) -> Option<String> {
    let lang = state.lang;
    let options = state.options.get_untracked();
    if let Err(error) = state.selection().check(&options) {
        Some(events_input(lang, &error))
    } else if state.destinations.with_untracked(Vec::is_empty) {
        Some(tr!(lang, sync.choose_destination))
    } else {
        None
    }
}

fn request(state: EventsState, dry_run: bool) -> SyncRequest {
    let mut options = state.options.get_untracked();
    options.dry_run = dry_run;
    SyncRequest {
        origin: state.origin.get_untracked(),
        destinations: state.destinations.get_untracked(),
        job: SyncJob::Events {
            selection: state.selection(),
            options,
            // A manual run has no rule, so no previous run to count from.
            last_run: RuleLastRun::default(),
        },
        rule: None,
        started: now_iso(),
    }
}

fn start(state: EventsState, dry_run: bool) {
    let Some(ctx) = state.context() else { return };
    state.notice.set(None);
    state.pages_read.set(PagesRead::default());
    let pages_read = state.pages_read;
    start_run(
        state.run_signals(),
        ctx,
        request(state, dry_run),
        dry_run,
        move |event| {
            if let SyncProgress::TrackerPages { pages, entities } = event {
                pages_read.set(PagesRead {
                    pages: *pages,
                    entities: *entities,
                });
            }
        },
    );
}

/// Dry run, Sync (after a confirmation that names the destinations), Cancel, and the
/// progress in pages and entities.
#[component]
pub fn EventsRun(state: EventsState) -> impl IntoView {
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
        let mut message = tr!(lang, events.confirm_message, destinations = names);
        if state.options.with_untracked(|o| o.new_uids) {
            message.push(' ');
            message.push_str(&tr!(lang, events.confirm_new_uids));
        }
        message
    };
    view! {
        <div class="toolbar">
            <button class="button" data-test="events-dry-run" disabled=running
                on:click=move |_| if check() { start(state, true) }>
                {tr!(lang, sync.run.dry_run)}
            </button>
            <button class="button button-primary" data-test="events-start" disabled=running
                on:click=move |_| if check() { state.confirming.set(true) }>
                {tr!(lang, sync.run.sync)}
            </button>
            <Show when=running>
                <button class="button button-destructive" data-test="events-cancel"
                    on:click=move |_| if cancel_run(state.run) {
                        state.notice.set(Some((NoticeKind::Info, tr!(lang, events.cancelling))));
                    }>
                    {tr!(lang, common.cancel)}
                </button>
            </Show>
            <super::save_as_rule::EventsSaveAsRule state/>
        </div>
        <Show when=move || !matches!(state.run.get(), RunState::Idle)>
            <ProgressBar progress=state.progress/>
            <p class="field-help" data-test="events-pages-read">
                {move || {
                    let read = state.pages_read.get();
                    tr!(
                        lang,
                        events.progress,
                        entities = counted!(lang, events.entities_read, read.entities),
                        pages = counted!(lang, events.pages, read.pages)
                    )
                }}
            </p>
        </Show>
        {move || match state.run.get() {
            RunState::Running { dry_run, .. } => Some(view! {
                <p class="field-help" data-test="events-running">
                    {if dry_run { tr!(lang, sync.run.dry_run_running) } else { tr!(lang, sync.run.sync_running) }}
                </p>
            }
            .into_any()),
            RunState::Failed(message) => Some(view! {
                <p class="field-error" data-test="events-run-error">{message}</p>
            }
            .into_any()),
            _ => None,
        }}
        {move || state.confirming.get().then(|| view! {
            <ConfirmDialog
                title=tr!(lang, events.confirm_title)
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
