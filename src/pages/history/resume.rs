//! `#/history/resume/<runId>`: takes up an interrupted run, with progress and Cancel, and shows
//! the report of the whole run.

use leptos::prelude::*;
use leptos::task::spawn_local;
use mdsync_core::browse::RunProgress;
use mdsync_core::sync::{resume_sync, CancellationToken, SyncProgress, SyncReport};

use super::context::HistoryContext;
use super::report::ReportView;
use crate::components::notice::{Notice, NoticeKind};
use crate::components::progress_bar::ProgressBar;
use crate::components::resume_notice::ResumeOffer;
use crate::l10n::messages::{open_error, run_error, storage_error, target_status};
use crate::l10n::use_language;
use crate::tr;

#[derive(Clone)]
enum ResumeState {
    Running(CancellationToken),
    Finished {
        report: Box<SyncReport>,
        history: Result<String, String>,
        resumable: bool,
    },
    Failed(String),
}

#[component]
pub fn ResumeRun(context: HistoryContext, run_id: String) -> impl IntoView {
    let lang = use_language();
    let progress = RwSignal::new(RunProgress::default());
    let state = RwSignal::new(ResumeState::Failed(String::new()));
    let cancelling = RwSignal::new(false);
    let offer = use_context::<ResumeOffer>();
    let run_id = StoredValue::new(run_id);
    let start = move || {
        let context = context.clone();
        let run_id = run_id.get_value();
        let cancel = CancellationToken::new();
        progress.set(RunProgress::default());
        cancelling.set(false);
        state.set(ResumeState::Running(cancel.clone()));
        spawn_local(async move {
            let manager = match context.manager().await {
                Ok(manager) => manager,
                Err(error) => {
                    state.set(ResumeState::Failed(open_error(lang, &error)));
                    return;
                }
            };
            let sink = move |event: SyncProgress| progress.update(|p| p.apply(event));
            let outcome = resume_sync(
                &manager,
                &context.storage(),
                &run_id,
                &sink,
                &cancel,
                &crate::clock::BrowserClock,
            )
            .await;
            progress.update(RunProgress::finish);
            state.set(match outcome {
                Ok(outcome) => {
                    if !outcome.resumable {
                        if let Some(offer) = offer {
                            offer
                                .runs
                                .update(|runs| runs.retain(|run| run.id != run_id));
                        }
                    }
                    ResumeState::Finished {
                        history: outcome
                            .history
                            .map(|summary| summary.id)
                            .map_err(|error| storage_error(lang, &error)),
                        resumable: outcome.resumable,
                        report: Box::new(outcome.report),
                    }
                }
                Err(error) => ResumeState::Failed(run_error(lang, &error)),
            });
        });
    };
    let start = StoredValue::new(start);
    start.with_value(|start| start());
    let running = move || matches!(state.get(), ResumeState::Running(_));
    view! {
        <div class="page" data-test="history-resume-page">
            <p class="breadcrumb">
                <a href="#/">"MetaData Sync"</a>" / "
                <a href="#/history" data-test="history-back">{tr!(lang, history.title)}</a>" / "
                {tr!(lang, resume.title)}
            </p>
            <h1 class="page-title">{tr!(lang, resume.title)}</h1>
            <ProgressBar progress/>
            <Show when=running>
                <p class="field-help" data-test="resume-running">{tr!(lang, resume.running)}</p>
                <div class="toolbar">
                    <button class="button button-destructive" data-test="resume-cancel"
                        disabled=move || cancelling.get()
                        on:click=move |_| {
                            if let ResumeState::Running(cancel) = state.get_untracked() {
                                cancel.cancel();
                                cancelling.set(true);
                            }
                        }>
                        {tr!(lang, common.cancel)}
                    </button>
                    {move || cancelling.get().then(|| view! {
                        <span class="field-help">{tr!(lang, resume.cancelling)}</span>
                    })}
                </div>
            </Show>
            {move || match state.get() {
                ResumeState::Running(_) => None,
                ResumeState::Failed(message) => Some(view! {
                    <Notice kind=NoticeKind::Error title=tr!(lang, resume.failed) data_test="resume-error">
                        <p>{message}</p>
                    </Notice>
                }
                .into_any()),
                ResumeState::Finished { report, history, resumable } => {
                    let (status, status_key) = target_status(lang, report.overall_status());
                    Some(view! {
                        <section class="card sync-section" data-test="resume-results" data-status=status_key>
                            <h2 class="sync-section-title">
                                {tr!(lang, resume.finished)}" "
                                <span class=format!("sync-status sync-status-{status_key}") data-test="resume-status">{status}</span>
                            </h2>
                            {resumable.then(|| view! {
                                <Notice kind=NoticeKind::Warning data_test="resume-again-notice">
                                    <p>{tr!(lang, resume.interrupted_again)}</p>
                                    <p class="notice-actions">
                                        <button class="button button-primary" data-test="resume-again"
                                            on:click=move |_| start.with_value(|start| start())>
                                            {tr!(lang, resume.resume)}
                                        </button>
                                    </p>
                                </Notice>
                            })}
                            <ReportView report=*report/>
                            {match history {
                                Ok(id) => view! {
                                    <p class="field-help">
                                        <a href=format!("#/history/{id}") data-test="resume-history-link">
                                            {tr!(lang, resume.in_history)}
                                        </a>
                                    </p>
                                }
                                .into_any(),
                                Err(message) => view! {
                                    <Notice kind=NoticeKind::Warning title=tr!(lang, sync.results.history_failed)>
                                        <p>{message}</p>
                                    </Notice>
                                }
                                .into_any(),
                            }}
                        </section>
                    }
                    .into_any())
                }
            }}
        </div>
    }
}
