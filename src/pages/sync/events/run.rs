use leptos::prelude::*;
use mdsync_core::rules::RuleLastRun;
use mdsync_core::sync::{SyncJob, SyncProgress, SyncRequest};

use super::state::{EventsState, PagesRead};
use crate::l10n::messages::events_input;
use crate::pages::sync::common::controls::{DataRunControls, RunControlsOf};
use crate::pages::sync::common::run::start_run;
use crate::pages::sync::context::SyncContext;
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

/// The request whose mapping core checks before a real run (core leaves out what maps
/// nothing: no stored mapping, program data sent as aggregated values).
fn to_check(state: EventsState) -> Option<(SyncContext, SyncRequest)> {
    Some((state.context()?, request(state, false)))
}

/// Dry run, Sync (after a confirmation that names the destinations, then the mapping
/// checks), Cancel, and the progress in pages and entities.
#[component]
pub fn EventsRun(state: EventsState) -> impl IntoView {
    let lang = state.lang;
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
    let of = RunControlsOf {
        lang,
        prefix: "events",
        run: state.run,
        progress: state.progress,
        confirming: state.confirming,
        notice: state.notice,
    };
    view! {
        <DataRunControls
            of
            confirm_title=tr!(lang, events.confirm_title)
            cancelling=tr!(lang, events.cancelling)
            missing_input=Callback::new(move |_| missing_input(state))
            confirm_message=Callback::new(move |_| confirm_message())
            start=Callback::new(move |dry_run| start(state, dry_run))
            to_check=Callback::new(move |_| to_check(state))
            save_as_rule=move || view! { <super::save_as_rule::EventsSaveAsRule state/> }
            progress_detail=move || view! {
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
            }
        />
    }
}
