//! Starting a run from a page: the instances list, the origin's org unit tree, and the run
//! itself with its progress, cancel token and outcome.

use leptos::prelude::*;
use leptos::task::spawn_local;
use mdsync_core::browse::RunProgress;
use mdsync_core::dhis2::org_units;
use mdsync_core::model::InstanceView;
use mdsync_core::sync::{run_sync, CancellationToken, SyncProgress, SyncRequest};

use super::{Loadable, RunState};
use crate::components::org_unit_tree::{OrgUnitQuery, OrgUnitSource};
use crate::l10n::messages::{dhis2_error, instance_error, run_error, storage_error};
use crate::l10n::Language;
use crate::pages::sync::context::SyncContext;

/// Lists the instances the user may use.
pub fn load_instances(
    lang: Language,
    ctx: SyncContext,
    instances: RwSignal<Loadable<Vec<InstanceView>>>,
) {
    spawn_local(async move {
        let listed = ctx.manager.list(&ctx.storage()).await;
        instances.set(match listed {
            Ok(all) => Loadable::Ready(all),
            Err(error) => Loadable::Failed(instance_error(lang, &error)),
        });
    });
}

/// The tree reads the origin's units (with the page's context as it is at each read).
pub fn origin_org_units(
    lang: Language,
    ctx: RwSignal<Option<Result<SyncContext, String>>>,
    origin: String,
) -> OrgUnitSource {
    OrgUnitSource::new(move |query| {
        let origin = origin.clone();
        let ctx = super::opened(ctx);
        async move {
            let Some(ctx) = ctx else {
                return Ok(Vec::new());
            };
            let (instance, _) = ctx
                .instance(&origin)
                .await
                .map_err(|e| instance_error(lang, &e))?;
            let client = &instance.client;
            match query {
                OrgUnitQuery::Roots => org_units::fetch_roots(client).await,
                OrgUnitQuery::Children(parent) => org_units::fetch_children(client, &parent).await,
                OrgUnitQuery::Search { text, roots } => {
                    org_units::search(client, &text, &roots).await
                }
            }
            .map_err(|e| dhis2_error(lang, &e))
        }
    })
}

/// The signals a run reports into.
#[derive(Clone, Copy)]
pub struct RunSignals {
    pub lang: Language,
    pub run: RwSignal<RunState>,
    pub progress: RwSignal<RunProgress>,
}

/// Runs `request` (built by the page) through `core`, drawing its progress; `also` sees every
/// progress event too (a page's own figures).
pub fn start_run(
    signals: RunSignals,
    ctx: SyncContext,
    request: SyncRequest,
    dry_run: bool,
    also: impl Fn(&SyncProgress) + 'static,
) {
    let RunSignals {
        lang,
        run,
        progress,
    } = signals;
    let cancel = CancellationToken::new();
    progress.set(RunProgress::default());
    run.set(RunState::Running {
        dry_run,
        cancel: cancel.clone(),
    });
    spawn_local(async move {
        let sink = move |event: SyncProgress| {
            also(&event);
            progress.update(|p| p.apply(event));
        };
        let outcome = run_sync(
            &ctx.manager,
            &ctx.storage(),
            &request,
            &sink,
            &cancel,
            &crate::clock::BrowserClock,
        )
        .await;
        progress.update(RunProgress::finish);
        run.set(match outcome {
            Ok(outcome) => RunState::Finished {
                report: Box::new(outcome.report),
                history: outcome
                    .history
                    .map(|summary| summary.id)
                    .map_err(|e| storage_error(lang, &e)),
            },
            Err(error) => RunState::Failed(run_error(lang, &error)),
        });
    });
}

/// Stops a running run between pages or chunks; `true` when one was running.
pub fn cancel_run(run: RwSignal<RunState>) -> bool {
    if let RunState::Running { cancel, .. } = run.get_untracked() {
        cancel.cancel();
        true
    } else {
        false
    }
}
