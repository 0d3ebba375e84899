use leptos::prelude::*;
use leptos::task::spawn_local;
use mdsync_core::browse::{download_name, payload_document};
use mdsync_core::sync::{build_payloads, MetadataPicks, SyncJob, SyncRequest};

use super::state::{RunState, SyncState};
use crate::components::notice::NoticeKind;
use crate::l10n::messages::run_error;
use crate::pages::sync::common::controls::{DataRunControls, RunControlsOf};
use crate::pages::sync::common::run::start_run;
use crate::pages::sync::context::SyncContext;
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
    state.notice.set(None);
    let job = request(state, dry_run);
    start_run(state.run_signals(), ctx, job, dry_run, |_| {});
}

/// With "Apply mapping" on, core's mapping checks come first (the request they look at):
/// nothing is written until the user has seen what they found and chosen to go on.
fn to_check(state: SyncState) -> Option<(SyncContext, SyncRequest)> {
    if !state.options.with_untracked(|o| o.apply_mapping) {
        return None;
    }
    Some((state.context()?, request(state, false)))
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

/// The buttons (the shared run controls, with "Download payload" and "Save as rule"), the
/// confirmation before a real sync, and the progress of a running one.
#[component]
pub fn RunControls(state: SyncState) -> impl IntoView {
    let lang = state.lang;
    let running = move || state.run.with(RunState::is_running);
    let destination_names = move || {
        state
            .destinations
            .get_untracked()
            .iter()
            .map(|id| state.instance_name(id))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let download = move |_| match missing_input(state) {
        Some(message) => state.notice.set(Some((NoticeKind::Warning, message))),
        None => download_payload(state),
    };
    let of = RunControlsOf {
        lang,
        prefix: "sync",
        run: state.run,
        progress: state.progress,
        confirming: state.confirming,
        notice: state.notice,
    };
    view! {
        <DataRunControls
            of
            confirm_title=tr!(lang, sync.run.confirm_title)
            cancelling=tr!(lang, sync.run.cancelling)
            missing_input=Callback::new(move |_| missing_input(state))
            confirm_message=Callback::new(move |_| tr!(lang, sync.run.confirm_message, destinations = destination_names()))
            start=Callback::new(move |dry_run| start(state, dry_run))
            to_check=Callback::new(move |_| to_check(state))
            save_as_rule=move || view! {
                <button class="button" data-test="sync-download-payload" disabled=running on:click=download>
                    {tr!(lang, sync.run.download_payload)}
                </button>
                <super::save_as_rule::SaveAsRuleButton state/>
            }
            progress_detail=|| ()
        />
    }
}
