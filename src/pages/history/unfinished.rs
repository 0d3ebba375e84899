//! Runs that started and did not finish (their journal is still there): Resume, or Discard.

use leptos::prelude::*;
use leptos::task::spawn_local;
use mdsync_core::sync::{discard_run, unfinished_runs_for, UnfinishedRun};

use super::context::HistoryContext;
use crate::components::dialog::ConfirmDialog;
use crate::components::notice::{Notice, NoticeKind};
use crate::components::resume_notice::ResumeOffer;
use crate::l10n::messages::{named_instance, storage_error};
use crate::l10n::use_language;
use crate::{counted, tr};

/// The interrupted runs the user may see; nothing when there are none.
#[component]
pub fn UnfinishedRuns(context: HistoryContext) -> impl IntoView {
    let lang = use_language();
    let runs = RwSignal::new(Vec::<UnfinishedRun>::new());
    let problem = RwSignal::new(None::<String>);
    let confirming = RwSignal::new(None::<UnfinishedRun>);
    let offer = use_context::<ResumeOffer>();
    {
        let context = context.clone();
        spawn_local(async move {
            match unfinished_runs_for(&context.storage(), &context.actor).await {
                Ok(list) => runs.set(list),
                Err(error) => problem.set(Some(storage_error(lang, &error))),
            }
        });
    }
    let discard = StoredValue::new(move |id: String| {
        let context = context.clone();
        spawn_local(async move {
            match discard_run(&context.storage(), &context.actor, &id).await {
                Ok(_) => {
                    runs.update(|list| list.retain(|run| run.id != id));
                    // The home page's offer, if it is still showing this run.
                    if let Some(offer) = offer {
                        offer.runs.update(|list| list.retain(|run| run.id != id));
                    }
                }
                Err(error) => problem.set(Some(storage_error(lang, &error))),
            }
        });
    });
    let rows = move || {
        runs.get()
            .into_iter()
            .map(|run| {
                let id = run.id.clone();
                let to_discard = run.clone();
                view! {
                    <tr data-test="history-unfinished-row" data-id=id.clone()>
                        <td>{lang.date(&run.started)}</td>
                        <td>{named_instance(lang, &run.origin_name)}</td>
                        <td>{counted!(lang, resume.destinations, run.destinations)}</td>
                        <td>{run.user.clone().unwrap_or_default()}</td>
                        <td>{counted!(lang, resume.objects_arrived, run.written)}</td>
                        <td>{lang.number(f64::from(run.attempts))}</td>
                        <td><div class="row-actions">
                            {if run.resumable {
                                view! {
                                    <a class="button button-small button-primary" data-test="history-resume"
                                        href=format!("#/history/resume/{id}")>
                                        {tr!(lang, resume.resume)}
                                    </a>
                                }.into_any()
                            } else {
                                view! { <span class="field-help">{tr!(lang, resume.not_resumable)}</span> }.into_any()
                            }}
                            <button class="button button-small" data-test="history-discard"
                                on:click=move |_| confirming.set(Some(to_discard.clone()))>
                                {tr!(lang, resume.discard)}
                            </button>
                        </div></td>
                    </tr>
                }
            })
            .collect_view()
    };
    view! {
        {move || problem.get().map(|message| view! {
            <Notice kind=NoticeKind::Error title=tr!(lang, resume.list_failed)><p>{message}</p></Notice>
        })}
        <Show when=move || runs.with(|list| !list.is_empty())>
            <section class="card history-unfinished" data-test="history-unfinished">
                <h2 class="sync-section-title">{tr!(lang, resume.unfinished_title)}</h2>
                <p class="field-help">{tr!(lang, resume.unfinished_help)}</p>
                <table class="data-table">
                    <thead><tr>
                        <th>{tr!(lang, history.columns.date)}</th>
                        <th>{tr!(lang, history.columns.origin)}</th>
                        <th>{tr!(lang, history.columns.destinations)}</th>
                        <th>{tr!(lang, history.columns.user)}</th>
                        <th>{tr!(lang, resume.arrived)}</th>
                        <th>{tr!(lang, resume.attempts)}</th>
                        <th>{tr!(lang, common.actions)}</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </section>
        </Show>
        {move || confirming.get().map(|run| {
            let id = run.id.clone();
            view! {
                <ConfirmDialog
                    title=tr!(lang, resume.discard_title)
                    message=tr!(lang, resume.discard_message, date = lang.date(&run.started))
                    confirm_label=tr!(lang, resume.discard)
                    on_confirm=Callback::new(move |_| {
                        confirming.set(None);
                        discard.with_value(|discard| discard(id.clone()));
                    })
                    on_cancel=Callback::new(move |_| confirming.set(None))
                />
            }
        })}
    }
}
