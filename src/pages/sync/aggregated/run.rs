use leptos::prelude::*;
use mdsync_core::dhis2::data_values::DataImportStrategy;
use mdsync_core::rules::RuleLastRun;
use mdsync_core::sync::{SyncJob, SyncRequest};

use super::state::AggregatedState;
use crate::l10n::messages::sync::aggregated_input;
use crate::pages::sync::common::controls::{DataRunControls, RunControlsOf};
use crate::pages::sync::common::run::{start_run, RunSignals};
use crate::pages::sync::context::SyncContext;
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

/// The request whose mapping core checks before a real run ("Apply mapping" on).
fn to_check(state: AggregatedState) -> Option<(SyncContext, SyncRequest)> {
    Some((state.context()?, request(state, false)))
}

/// Dry run, Sync (after a confirmation that names the destinations, and says so when values
/// will be deleted, then the mapping checks), Cancel, and the progress.
#[component]
pub fn AggregatedRun(state: AggregatedState) -> impl IntoView {
    let lang = state.lang;
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
    let of = RunControlsOf {
        lang,
        prefix: "aggregated",
        run: state.run,
        progress: state.progress,
        confirming: state.confirming,
        notice: state.notice,
    };
    view! {
        <DataRunControls
            of
            confirm_title=tr!(lang, aggregated.confirm_title)
            cancelling=tr!(lang, aggregated.cancelling)
            missing_input=Callback::new(move |_| missing_input(state))
            confirm_message=Callback::new(move |_| confirm_message())
            start=Callback::new(move |dry_run| start(state, dry_run))
            to_check=Callback::new(move |_| to_check(state))
            save_as_rule=move || view! { <super::save_as_rule::AggregatedSaveAsRule state/> }
            progress_detail=move || move || state.progress.with(|p| p.values_moved).map(|values| view! {
                <p class="field-help" data-test="aggregated-values-moved">
                    {crate::counted!(lang, aggregated.values_moved, values)}
                </p>
            })
        />
    }
}
