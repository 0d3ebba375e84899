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
use crate::l10n::messages::{
    dhis2_error, instance_error, instance_name, open_error, panel_title, run_error, storage_error,
    type_label,
};
use crate::l10n::{use_language, Language};
use crate::services::Services;
use crate::session::Session;
use crate::{counted, tr};

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

fn plan_table(lang: Language, plan: &DeletionPlan) -> impl IntoView {
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
                    <td>{type_label(lang, &plural)}</td>
                    <td>{object.uid.clone()}</td>
                    <td>{object.code.clone().unwrap_or_default()}</td>
                    <td>{object.deleted_at.as_deref().map(|at| lang.date(at)).unwrap_or_default()}</td>
                    <td>{object.deleted_by.clone().unwrap_or_default()}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <p data-test="deleted-count">
            {counted!(lang, sync.deleted.replayable, plan.object_count())}
            {(!plan.skipped.is_empty()).then(|| format!(
                "; {}",
                counted!(lang, sync.deleted.skipped, plan.skipped.len())
            ))}
            "."
        </p>
        <table class="data-table" data-test="deleted-plan">
            <thead><tr>
                <th>{tr!(lang, sync.results.type_column)}</th>
                <th>{tr!(lang, sync.deleted.id)}</th>
                <th>{tr!(lang, sync.results.code)}</th>
                <th>{tr!(lang, sync.deleted.deleted_at)}</th>
                <th>{tr!(lang, sync.deleted.deleted_by)}</th>
            </tr></thead>
            <tbody>{rows}</tbody>
        </table>
    }
}

/// One line per object to delete (`Data elements fbfJHSPpUQD (DE_ANC1)`), at most `limit`,
/// then how many more: what the confirmation names.
fn describe_plan(lang: Language, plan: &DeletionPlan, limit: usize) -> String {
    let mut lines: Vec<String> = plan
        .by_type
        .iter()
        .flat_map(|(plural, objects)| {
            let label = type_label(lang, plural);
            objects.iter().map(move |object| match &object.code {
                Some(code) => format!("{label} {} ({code})", object.uid),
                None => format!("{label} {}", object.uid),
            })
        })
        .take(limit)
        .collect();
    let more = plan.object_count().saturating_sub(lines.len());
    if more > 0 {
        lines.push(tr!(
            lang,
            sync.deleted.and_more,
            count = lang.number(more as f64)
        ));
    }
    lines.join("\n")
}

#[component]
pub fn DeletedSyncPage(session: Session) -> impl IntoView {
    let lang = use_language();
    if !session.role.can_configure() {
        return view! {
            <div class="page" data-test="sync-deleted-not-allowed">
                <Notice kind=NoticeKind::Warning title=tr!(lang, sync.not_for_your_role)>
                    <p>{tr!(lang, sync.deleted.only_configurators)}</p>
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
        let opened = SyncContext::open(services, &session)
            .await
            .map_err(|e| open_error(lang, &e));
        if let Ok(opened) = &opened {
            match opened.manager.list(&opened.storage()).await {
                Ok(all) => instances.set(all.into_iter().filter(|v| !v.is_local).collect()),
                Err(error) => notice.set(Some(instance_error(lang, &error))),
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
            notice.set(Some(tr!(lang, sync.deleted.not_a_date, date = date)));
            return;
        }
        notice.set(None);
        plan.set(PlanState::Loading);
        spawn_local(async move {
            let listed = async {
                let (origin, _) = ctx
                    .instance(LOCAL_INSTANCE_ID)
                    .await
                    .map_err(|e| instance_error(lang, &e))?;
                let since = Some(date.as_str()).filter(|d| !d.is_empty());
                plan_deletions(&origin, since)
                    .await
                    .map_err(|e| dhis2_error(lang, &e))
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
            notice.set(Some(tr!(lang, sync.choose_destination)));
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
            let ran = run_sync(
                &ctx.manager,
                &ctx.storage(),
                &request,
                &sink,
                &cancel,
                &crate::clock::BrowserClock,
            )
            .await;
            progress.update(RunProgress::finish);
            match ran {
                Ok(ran) => outcome.set(Outcome::Finished(
                    Box::new(ran.report),
                    ran.history
                        .map(|summary| summary.id)
                        .map_err(|e| storage_error(lang, &e)),
                )),
                Err(error) => {
                    notice.set(Some(run_error(lang, &error)));
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
                .map(|v| instance_name(lang, v))
                .collect::<Vec<_>>()
                .join(", ")
        })
    };

    view! {
        <div class="page sync-page" data-test="panel-sync-deleted">
            <p class="breadcrumb">
                <a href="#/">"MetaData Sync"</a>" / "
                <a href="#/sync">{panel_title(lang, Panel::Sync)}</a>" / "{tr!(lang, sync.menu.deleted_title)}
            </p>
            <h1 class="page-title">{tr!(lang, sync.menu.deleted_title)}</h1>
            {move || notice.get().map(|message| view! {
                <Notice kind=NoticeKind::Warning data_test="deleted-notice"><p>{message}</p></Notice>
            })}
            {move || match ctx.get() {
                None => view! { <Loading label=tr!(lang, instances.opening)/> }.into_any(),
                Some(Err(message)) => view! {
                    <Notice kind=NoticeKind::Error title=tr!(lang, sync.deleted.cannot_open)><p>{message}</p></Notice>
                }.into_any(),
                Some(Ok(_)) => view! {
                    <section class="sync-section card">
                        <h2 class="sync-section-title">{tr!(lang, sync.deleted.section_what)}</h2>
                        <div class="toolbar">
                            <label class="sync-inline">
                                {tr!(lang, sync.deleted.since)}" "
                                <input class="input" type="date" data-test="deleted-since"
                                    prop:value=move || since.get()
                                    on:input=move |ev| since.set(event_target_value(&ev))/>
                            </label>
                            <button class="button" data-test="deleted-list" on:click=list>{tr!(lang, sync.deleted.list)}</button>
                        </div>
                        {move || match plan.get() {
                            PlanState::Idle => ().into_any(),
                            PlanState::Loading => view! { <Loading label=tr!(lang, sync.deleted.reading)/> }.into_any(),
                            PlanState::Failed(message) => view! {
                                <p class="field-error" data-test="deleted-error">{message}</p>
                            }.into_any(),
                            PlanState::Ready(planned) => plan_table(lang, &planned).into_any(),
                        }}
                    </section>
                    <section class="sync-section card">
                        <h2 class="sync-section-title">{tr!(lang, sync.deleted.section_where)}</h2>
                        <fieldset class="sync-fieldset">
                            <legend>{tr!(lang, sync.instances.destinations)}</legend>
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
                                        {format!("{} — {}", instance_name(lang, &view), view.url)}
                                    </label>
                                }
                            }).collect_view()}
                        </fieldset>
                        <div class="toolbar">
                            <button class="button" data-test="deleted-dry-run"
                                disabled=move || running() || !ready()
                                on:click=move |_| run(true)>{tr!(lang, sync.run.dry_run)}</button>
                            <button class="button button-destructive" data-test="deleted-start"
                                disabled=move || running() || !ready()
                                on:click=move |_| confirming.set(true)>{tr!(lang, sync.deleted.start)}</button>
                            <Show when=running>
                                <button class="button" data-test="deleted-cancel" on:click=move |_| {
                                    if let Outcome::Running(cancel) = outcome.get_untracked() { cancel.cancel(); }
                                }>{tr!(lang, common.cancel)}</button>
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
                    PlanState::Ready(p) => (p.object_count(), describe_plan(lang, &p, 25)),
                    _ => (0, String::new()),
                };
                view! {
                    <ConfirmDialog
                        title=tr!(lang, sync.deleted.start)
                        message=format!(
                            "{}\n\n{objects}",
                            tr!(
                                lang,
                                sync.deleted.confirm,
                                objects = counted!(lang, sync.objects, count),
                                destinations = destination_names()
                            )
                        )
                        confirm_label=tr!(lang, instances.actions.delete)
                        on_confirm=Callback::new(move |_| { confirming.set(false); run(false); })
                        on_cancel=Callback::new(move |_| confirming.set(false))
                    />
                }
            })}
        </div>
    }
    .into_any()
}
