//! What runs once the app is open, from its own chunk (so the first load stays the shell):
//! history retention for administrators, finding the interrupted runs to offer on the home
//! page (a run still going elsewhere is shown, not offered), and giving the browser transport
//! each instance's connect limit.

use leptos::prelude::*;
use leptos::task::spawn_local;
use mdsync_core::access::Operation;
use mdsync_core::clock::Clock;
use mdsync_core::sync::{
    discard_run, prune_history, unfinished_runs_for, RunActivity, UnfinishedRun,
};

use super::context::HistoryContext;
use super::download::today;
use crate::components::resume_notice::{OfferedRun, ResumeOffer};
use crate::l10n::messages::storage_error;
use crate::services::Services;
use crate::session::Session;

fn offered(run: UnfinishedRun, now_millis: u64) -> OfferedRun {
    let running_seconds_ago = match run.activity(now_millis) {
        RunActivity::Running { seconds_ago } => Some(seconds_ago),
        RunActivity::Interrupted => None,
    };
    OfferedRun {
        running_seconds_ago,
        id: run.id,
        started: run.started,
        origin_name: run.origin_name,
        destinations: run.destinations,
        written: run.written,
    }
}

/// Finds the runs to offer for resuming, then applies the retention (administrators).
pub fn run(session: Session, services: Services, offer: ResumeOffer) {
    let lang = offer.lang;
    let context = HistoryContext::new(services, session);
    spawn_local(async move {
        let storage = context.storage();
        match unfinished_runs_for(&storage, &context.actor).await {
            Ok(runs) => {
                let now = crate::clock::BrowserClock.now_millis();
                offer.runs.set(
                    runs.into_iter()
                        .filter(|run| run.resumable)
                        .map(|run| offered(run, now))
                        .collect(),
                )
            }
            Err(error) => leptos::logging::warn!("Interrupted runs were not looked for: {error}"),
        }
        // Each instance's connect limit, for the browser transport's reads from it.
        if let Ok(instances) = storage.instances().list().await {
            for instance in instances {
                let limits = instance.timeouts.unwrap_or_default();
                crate::transport::set_connect_timeout(&instance.url, limits.connect());
            }
        }
        let discarding = context.clone();
        offer.discard.set(Some(Callback::new(move |id: String| {
            let context = discarding.clone();
            spawn_local(async move {
                match discard_run(&context.storage(), &context.actor, &id).await {
                    Ok(_) => {
                        offer.problem.set(None);
                        offer.runs.update(|runs| runs.retain(|run| run.id != id));
                    }
                    Err(error) => offer.problem.set(Some(storage_error(lang, &error))),
                }
            });
        })));
        if context.actor.authorize(Operation::PruneHistory).is_ok() {
            if let Err(error) = prune_history(&storage, &context.actor, &today()).await {
                leptos::logging::warn!("History retention was not applied: {error}");
            }
        }
    });
}
