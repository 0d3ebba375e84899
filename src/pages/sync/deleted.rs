//! `#/sync/deleted`: what was deleted on this instance (`/api/deletedObjects`), listed as a plan
//! the user reads, then deleted on the chosen destinations after a confirmation.

use leptos::prelude::*;
use leptos::task::spawn_local;
use mdsync_core::access::Panel;
use mdsync_core::browse::{is_iso_date, RunProgress};
use mdsync_core::model::{InstanceView, LOCAL_INSTANCE_ID};
use mdsync_core::sync::metadata::{plan_deletions, DeletionPlan};
use mdsync_core::sync::{
    run_sync, CancellationToken, SyncJob, SyncProgress, SyncReport, SyncRequest,
};

use super::context::SyncContext;
use super::download::now_iso;
use super::results::RunResults;
use crate::components::dialog::ConfirmDialog;
use crate::components::loading::Loading;
use crate::components::notice::{Notice, NoticeKind};
use crate::components::progress_bar::ProgressBar;
use crate::services::Services;
use crate::session::Session;

#[derive(Clone)]
enum PlanState {
    Idle,
    Loading,
    Ready(DeletionPlan),
    Failed(String),
}

#[derive(Clone)]
enum Outcome {
    Idle,
    Running(CancellationToken),
    Finished(Box<SyncReport>, Result<String, String>),
}

fn plan_table(plan: &DeletionPlan) -> impl IntoView {
    let rows = plan
        .by_type
        .iter()
        .flat_map(|(plural, objects)| {
            objects
                .iter()
                .map(move |object| (plural.clone(), object.clone()))
        })
        .map(|(plural, object)| {
            view! {
                <tr data-test="deleted-row" data-id=object.uid.clone()>
                    <td>{plural}</td>
                    <td>{object.uid.clone()}</td>
                    <td>{object.code.clone().unwrap_or_default()}</td>
                    <td>{object.deleted_at.clone().unwrap_or_default()}</td>
                    <td>{object.deleted_by.clone().unwrap_or_default()}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <p data-test="deleted-count">
            {format!("{} deleted object(s) can be replayed", plan.object_count())}
            {(!plan.skipped.is_empty()).then(|| format!(
                "; {} deletion(s) of other kinds of objects are left out",
                plan.skipped.len()
            ))}
            "."
        </p>
        <table class="data-table" data-test="deleted-plan">
            <thead><tr>
                <th>"Type"</th><th>"Id"</th><th>"Code"</th><th>"Deleted at"</th><th>"Deleted by"</th>
            </tr></thead>
            <tbody>{rows}</tbody>
        </table>
    }
}

#[component]
pub fn DeletedSyncPage(session: Session) -> impl IntoView {
    if !session.role.can_configure() {
        return view! {
            <div class="page" data-test="sync-deleted-not-allowed">
                <Notice kind=NoticeKind::Warning title="Not available to your role">
                    <p>"Only configurators and administrators can replay deletions."</p>
                </Notice>
            </div>
        }
        .into_any();
    }
    let services = expect_context::<Services>();
    let ctx = RwSignal::new(None::<Result<SyncContext, String>>);
    let instances = RwSignal::new(Vec::<InstanceView>::new());
    let destinations = RwSignal::new(Vec::<String>::new());
    let since = RwSignal::new(String::new());
    let plan = RwSignal::new(PlanState::Idle);
    let outcome = RwSignal::new(Outcome::Idle);
    let progress = RwSignal::new(RunProgress::default());
    let confirming = RwSignal::new(false);
    let notice = RwSignal::new(None::<String>);
    spawn_local(async move {
        let opened = SyncContext::open(services, &session).await;
        if let Ok(opened) = &opened {
            match opened.manager.list(&opened.storage()).await {
                Ok(all) => instances.set(all.into_iter().filter(|v| !v.is_local).collect()),
                Err(error) => notice.set(Some(error.to_string())),
            }
        }
        ctx.set(Some(opened));
    });
    let context = move || match ctx.get_untracked() {
        Some(Ok(ctx)) => Some(ctx),
        _ => None,
    };

    let list = move |_| {
        let Some(ctx) = context() else { return };
        let date = since.get_untracked();
        if !date.is_empty() && !is_iso_date(&date) {
            notice.set(Some(format!("\"{date}\" is not a date (YYYY-MM-DD).")));
            return;
        }
        notice.set(None);
        plan.set(PlanState::Loading);
        spawn_local(async move {
            let listed = async {
                let (origin, _) = ctx.instance(LOCAL_INSTANCE_ID).await?;
                let since = Some(date.as_str()).filter(|d| !d.is_empty());
                plan_deletions(&origin, since)
                    .await
                    .map_err(|e| e.to_string())
            }
            .await;
            plan.set(match listed {
                Ok(listed) => PlanState::Ready(listed),
                Err(message) => PlanState::Failed(message),
            });
        });
    };

    let run = move |dry_run: bool| {
        let (Some(ctx), PlanState::Ready(planned)) = (context(), plan.get_untracked()) else {
            return;
        };
        if destinations.with_untracked(Vec::is_empty) {
            notice.set(Some("Choose at least one destination.".into()));
            return;
        }
        let cancel = CancellationToken::new();
        progress.set(RunProgress::default());
        outcome.set(Outcome::Running(cancel.clone()));
        spawn_local(async move {
            let request = SyncRequest {
                origin: LOCAL_INSTANCE_ID.to_string(),
                destinations: destinations.get_untracked(),
                job: SyncJob::Deletions {
                    plan: planned,
                    dry_run,
                },
                rule: None,
                started: now_iso(),
            };
            let sink = move |event: SyncProgress| progress.update(|p| p.apply(event));
            let ran = run_sync(&ctx.manager, &ctx.storage(), &request, &sink, &cancel).await;
            progress.update(RunProgress::finish);
            match ran {
                Ok(ran) => outcome.set(Outcome::Finished(
                    Box::new(ran.report),
                    ran.history
                        .map(|summary| summary.id)
                        .map_err(|e| e.to_string()),
                )),
                Err(error) => {
                    notice.set(Some(error.to_string()));
                    outcome.set(Outcome::Idle);
                }
            }
        });
    };
    let running = move || matches!(outcome.get(), Outcome::Running(_));
    let ready = move || matches!(plan.get(), PlanState::Ready(ref p) if p.object_count() > 0);
    let destination_names = move || {
        instances.with_untracked(|all| {
            all.iter()
                .filter(|v| destinations.with_untracked(|d| d.contains(&v.id)))
                .map(|v| v.name.clone())
                .collect::<Vec<_>>()
                .join(", ")
        })
    };

    view! {
        <div class="page sync-page" data-test="panel-sync-deleted">
            <p class="breadcrumb">
                <a href="#/">"MetaData Sync"</a>" / "
                <a href="#/sync">{Panel::Sync.title()}</a>" / Deleted objects"
            </p>
            <h1 class="page-title">"Deleted objects"</h1>
            {move || notice.get().map(|message| view! {
                <Notice kind=NoticeKind::Warning data_test="deleted-notice"><p>{message}</p></Notice>
            })}
            {move || match ctx.get() {
                None => view! { <Loading label="Opening the instances…"/> }.into_any(),
                Some(Err(message)) => view! {
                    <Notice kind=NoticeKind::Error title="The page cannot open"><p>{message}</p></Notice>
                }.into_any(),
                Some(Ok(_)) => view! {
                    <section class="sync-section card">
                        <h2 class="sync-section-title">"1. What was deleted here"</h2>
                        <div class="toolbar">
                            <label class="sync-inline">
                                "Deleted since "
                                <input class="input" type="date" data-test="deleted-since"
                                    prop:value=move || since.get()
                                    on:input=move |ev| since.set(event_target_value(&ev))/>
                            </label>
                            <button class="button" data-test="deleted-list" on:click=list>"List deletions"</button>
                        </div>
                        {move || match plan.get() {
                            PlanState::Idle => ().into_any(),
                            PlanState::Loading => view! { <Loading label="Reading the deleted objects…"/> }.into_any(),
                            PlanState::Failed(message) => view! {
                                <p class="field-error" data-test="deleted-error">{message}</p>
                            }.into_any(),
                            PlanState::Ready(planned) => plan_table(&planned).into_any(),
                        }}
                    </section>
                    <section class="sync-section card">
                        <h2 class="sync-section-title">"2. Delete on"</h2>
                        <fieldset class="sync-fieldset">
                            <legend>"Destinations"</legend>
                            {move || instances.get().into_iter().map(|view| {
                                let id = view.id.clone();
                                let checked_id = id.clone();
                                view! {
                                    <label class="sync-check">
                                        <input type="checkbox" data-test=format!("deleted-destination-{id}")
                                            prop:checked=move || destinations.with(|d| d.contains(&checked_id))
                                            on:change=move |ev| {
                                                let checked = event_target_checked(&ev);
                                                destinations.update(|d| {
                                                    d.retain(|x| *x != id);
                                                    if checked { d.push(id.clone()); }
                                                });
                                            }/>
                                        {format!("{} — {}", view.name, view.url)}
                                    </label>
                                }
                            }).collect_view()}
                        </fieldset>
                        <div class="toolbar">
                            <button class="button" data-test="deleted-dry-run"
                                disabled=move || running() || !ready()
                                on:click=move |_| run(true)>"Dry run"</button>
                            <button class="button button-destructive" data-test="deleted-start"
                                disabled=move || running() || !ready()
                                on:click=move |_| confirming.set(true)>"Delete on destinations"</button>
                            <Show when=running>
                                <button class="button" data-test="deleted-cancel" on:click=move |_| {
                                    if let Outcome::Running(cancel) = outcome.get_untracked() { cancel.cancel(); }
                                }>"Cancel"</button>
                            </Show>
                        </div>
                        <Show when=move || !matches!(outcome.get(), Outcome::Idle)>
                            <ProgressBar progress=progress/>
                        </Show>
                    </section>
                    {move || match outcome.get() {
                        Outcome::Finished(report, history) => view! { <RunResults report=*report history/> }.into_any(),
                        _ => ().into_any(),
                    }}
                }.into_any(),
            }}
            {move || confirming.get().then(|| {
                let (count, objects) = match plan.get_untracked() {
                    PlanState::Ready(p) => (p.object_count(), p.describe(25).join("\n")),
                    _ => (0, String::new()),
                };
                view! {
                    <ConfirmDialog
                        title="Delete on destinations"
                        message=format!(
                            "Delete {count} object(s) on {}? This cannot be undone there.\n\n{objects}",
                            destination_names(),
                        )
                        confirm_label="Delete"
                        on_confirm=Callback::new(move |_| { confirming.set(false); run(false); })
                        on_cancel=Callback::new(move |_| confirming.set(false))
                    />
                }
            })}
        </div>
    }
    .into_any()
}
