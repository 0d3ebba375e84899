use leptos::prelude::*;
use leptos::task::spawn_local;
use mdsync_core::browse::{download_name, payload_document, RunProgress};
use mdsync_core::sync::{
    build_payloads, run_sync, CancellationToken, MetadataPicks, SyncJob, SyncProgress, SyncRequest,
};

use super::state::{RunState, SyncState};
use crate::components::dialog::ConfirmDialog;
use crate::components::mapping_apply::{check_before_run, CheckOutcome, MappingChecksDialog};
use crate::components::notice::NoticeKind;
use crate::components::progress_bar::ProgressBar;
use crate::l10n::messages::{run_error, storage_error};
use crate::pages::sync::download::{download_json, now_iso};
use crate::tr;

/// What stops a run before it starts, said to the user.
fn missing_input(state: SyncState) -> Option<String> {
    let lang = state.lang;
    if state.selection.with_untracked(|s| s.is_empty()) {
        Some(tr!(lang, sync.run.select_first))
    } else if state.destinations.with_untracked(Vec::is_empty) {
        Some(tr!(lang, sync.choose_destination))
    } else {
        None
    }
}

/// The page's picks as the request `core` runs (roles, instances and history are core's).
fn request(state: SyncState, dry_run: bool) -> SyncRequest {
    SyncRequest {
        origin: state.origin.get_untracked(),
        destinations: state.destinations.get_untracked(),
        job: SyncJob::Metadata {
            picks: MetadataPicks::Picked(state.selection.get_untracked()),
            options: state.options.get_untracked().to_options(dry_run),
        },
        rule: None,
        started: now_iso(),
    }
}

fn start(state: SyncState, dry_run: bool) {
    let Some(ctx) = state.context() else { return };
    let cancel = CancellationToken::new();
    state.notice.set(None);
    state.progress.set(RunProgress::default());
    state.run.set(RunState::Running {
        dry_run,
        cancel: cancel.clone(),
    });
    spawn_local(async move {
        let sink = move |event: SyncProgress| state.progress.update(|p| p.apply(event));
        let request = request(state, dry_run);
        let outcome = run_sync(
            &ctx.manager,
            &ctx.storage(),
            &request,
            &sink,
            &cancel,
            &crate::clock::BrowserClock,
        )
        .await;
        state.progress.update(RunProgress::finish);
        state.run.set(match outcome {
            Ok(outcome) => RunState::Finished {
                report: Box::new(outcome.report),
                history: outcome
                    .history
                    .map(|summary| summary.id)
                    .map_err(|e| storage_error(state.lang, &e)),
            },
            Err(error) => RunState::Failed(run_error(state.lang, &error)),
        });
    });
}

/// With "Apply mapping" on, core's mapping checks come first: nothing is written until the
/// user has seen what they found and chosen to go on. `on_outcome` is made by the component
/// (a callback made here would belong to the confirmation dialog, gone by then).
fn start_checked(
    state: SyncState,
    found: RwSignal<Option<mdsync_core::mapping::MappingCheck>>,
    on_outcome: Callback<CheckOutcome>,
) {
    if !state.options.with_untracked(|o| o.apply_mapping) {
        start(state, false);
        return;
    }
    let Some(ctx) = state.context() else { return };
    let lang = state.lang;
    state
        .notice
        .set(Some((NoticeKind::Info, tr!(lang, mapping.checks.checking))));
    check_before_run(
        lang,
        ctx.manager.clone(),
        ctx.storage(),
        request(state, false),
        found,
        on_outcome,
    );
}

fn download_payload(state: SyncState) {
    let Some(ctx) = state.context() else { return };
    let lang = state.lang;
    state.notice.set(Some((
        NoticeKind::Info,
        tr!(lang, sync.run.building_payload),
    )));
    spawn_local(async move {
        let built = async {
            let payloads = build_payloads(&ctx.manager, &ctx.storage(), &request(state, false))
                .await
                .map_err(|e| run_error(lang, &e))?;
            let name = match payloads.as_slice() {
                [single] => download_name("metadata-payload", &single.target),
                _ => download_name("metadata-payload", "all-destinations"),
            };
            download_json(&name, &payload_document(&payloads))
                .map_err(|detail| tr!(lang, sync.run.download_refused, detail = detail))?;
            Ok::<_, String>(name)
        }
        .await;
        state.notice.set(Some(match built {
            Ok(name) => (
                NoticeKind::Success,
                tr!(lang, sync.run.downloaded, name = name),
            ),
            Err(message) => (
                NoticeKind::Error,
                tr!(lang, sync.run.payload_failed, error = message),
            ),
        }));
    });
}

/// The buttons, the confirmation before a real sync, and the progress of a running one.
#[component]
pub fn RunControls(state: SyncState) -> impl IntoView {
    let lang = state.lang;
    let running = move || state.run.with(RunState::is_running);
    let mapping_checks = RwSignal::new(None);
    let on_checked = Callback::new(move |outcome| match outcome {
        CheckOutcome::Clear => {
            state.notice.set(None);
            start(state, false);
        }
        CheckOutcome::Found => state.notice.set(None),
        CheckOutcome::Failed(message) => state.notice.set(Some((NoticeKind::Error, message))),
    });
    let check = move || match missing_input(state) {
        Some(message) => {
            state.notice.set(Some((NoticeKind::Warning, message)));
            false
        }
        None => true,
    };
    let destination_names = move || {
        state
            .destinations
            .get_untracked()
            .iter()
            .map(|id| state.instance_name(id))
            .collect::<Vec<_>>()
            .join(", ")
    };
    view! {
        <div class="toolbar">
            <button class="button" data-test="sync-dry-run" disabled=running
                on:click=move |_| if check() { start(state, true) }>
                {tr!(lang, sync.run.dry_run)}
            </button>
            <button class="button button-primary" data-test="sync-start" disabled=running
                on:click=move |_| if check() { state.confirming.set(true) }>
                {tr!(lang, sync.run.sync)}
            </button>
            <button class="button" data-test="sync-download-payload" disabled=running
                on:click=move |_| if check() { download_payload(state) }>
                {tr!(lang, sync.run.download_payload)}
            </button>
            <super::save_as_rule::SaveAsRuleButton state/>
            <Show when=running>
                <button
                    class="button button-destructive"
                    data-test="sync-cancel"
                    on:click=move |_| {
                        if let RunState::Running { cancel, .. } = state.run.get_untracked() {
                            cancel.cancel();
                            state.notice.set(Some((NoticeKind::Info, tr!(lang, sync.run.cancelling))));
                        }
                    }
                >
                    {tr!(lang, common.cancel)}
                </button>
            </Show>
        </div>
        <Show when=move || !matches!(state.run.get(), RunState::Idle)>
            <ProgressBar progress=state.progress/>
        </Show>
        {move || match state.run.get() {
            RunState::Running { dry_run, .. } => Some(view! {
                <p class="field-help" data-test="sync-running">
                    {if dry_run { tr!(lang, sync.run.dry_run_running) } else { tr!(lang, sync.run.sync_running) }}
                </p>
            }
            .into_any()),
            RunState::Failed(message) => Some(view! {
                <p class="field-error" data-test="sync-run-error">{message}</p>
            }
            .into_any()),
            _ => None,
        }}
        {move || state.confirming.get().then(|| view! {
            <ConfirmDialog
                title=tr!(lang, sync.run.confirm_title)
                message=tr!(lang, sync.run.confirm_message, destinations = destination_names())
                confirm_label=tr!(lang, sync.run.sync)
                on_confirm=Callback::new(move |_| {
                    state.confirming.set(false);
                    start_checked(state, mapping_checks, on_checked);
                })
                on_cancel=Callback::new(move |_| state.confirming.set(false))
            />
        })}
        <MappingChecksDialog found=mapping_checks on_go_on=Callback::new(move |_| start(state, false))/>
    }
}
