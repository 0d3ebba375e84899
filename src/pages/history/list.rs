//! The list of runs: filters (kind, status, rule, user, dates), sort, paging, and deleting
//! several entries after a confirmation.

use std::collections::BTreeSet;

use leptos::prelude::*;
use leptos::task::spawn_local;
use mdsync_core::rules::rule_names as rule_names_of;
use mdsync_core::sync::report::SyncKind;
use mdsync_core::sync::{
    delete_history, list_history, HistoryQuery, HistorySort, HistorySummary, TargetStatus,
};

use super::context::HistoryContext;
use super::unfinished::UnfinishedRuns;
use crate::components::dialog::ConfirmDialog;
use crate::components::loading::Loading;
use crate::components::notice::{Notice, NoticeKind};
use crate::l10n::messages::{named_instance, storage_error, target_status};
use crate::l10n::{use_language, Language};
use crate::{counted, tr};

pub fn kind_label(lang: Language, kind: SyncKind) -> String {
    match kind {
        SyncKind::Metadata => tr!(lang, history.kinds.metadata),
        SyncKind::Deleted => tr!(lang, history.kinds.deleted),
        SyncKind::Aggregated => tr!(lang, history.kinds.aggregated),
        SyncKind::Events => tr!(lang, history.kinds.events),
    }
}

const KINDS: [(SyncKind, &str); 4] = [
    (SyncKind::Metadata, "metadata"),
    (SyncKind::Deleted, "deleted"),
    (SyncKind::Aggregated, "aggregated"),
    (SyncKind::Events, "events"),
];

const STATUSES: [TargetStatus; 5] = [
    TargetStatus::Success,
    TargetStatus::Warning,
    TargetStatus::Error,
    TargetStatus::NetworkError,
    TargetStatus::Cancelled,
];

#[derive(Clone)]
enum Entries {
    Loading,
    Ready(Vec<HistorySummary>),
    Failed(String),
}

fn load(context: HistoryContext, entries: RwSignal<Entries>, lang: Language) {
    spawn_local(async move {
        entries.set(
            match list_history(&context.storage(), &context.actor).await {
                Ok(list) => Entries::Ready(list),
                Err(error) => Entries::Failed(storage_error(lang, &error)),
            },
        );
    });
}

fn some_text(value: String) -> Option<String> {
    let value = value.trim().to_string();
    (!value.is_empty()).then_some(value)
}

/// The filters above the table.
#[component]
fn Filters(
    query: RwSignal<HistoryQuery>,
    users: Signal<Vec<String>>,
    rules: Signal<Vec<(String, String)>>,
) -> impl IntoView {
    let lang = use_language();
    let set = move |change: Box<dyn FnOnce(&mut HistoryQuery)>| {
        query.update(|q| {
            change(q);
            q.page = 1;
        })
    };
    view! {
        <div class="history-filters" data-test="history-filters">
            <label>
                {tr!(lang, history.filters.kind)}
                <select class="input" data-test="history-filter-kind" on:change=move |ev| {
                    let value = event_target_value(&ev);
                    let kind = KINDS.iter().find(|(_, key)| *key == value).map(|(kind, _)| *kind);
                    set(Box::new(move |q| q.kind = kind));
                }>
                    <option value="">{tr!(lang, history.filters.all)}</option>
                    {KINDS.iter().map(|(kind, key)| view! {
                        <option value=*key>{kind_label(lang, *kind)}</option>
                    }).collect_view()}
                </select>
            </label>
            <label>
                {tr!(lang, history.filters.status)}
                <select class="input" data-test="history-filter-status" on:change=move |ev| {
                    let value = event_target_value(&ev);
                    let status = STATUSES.iter().copied().find(|s| target_status(lang, *s).1 == value);
                    set(Box::new(move |q| q.status = status));
                }>
                    <option value="">{tr!(lang, history.filters.all)}</option>
                    {STATUSES.iter().map(|status| {
                        let (label, key) = target_status(lang, *status);
                        view! { <option value=key>{label}</option> }
                    }).collect_view()}
                </select>
            </label>
            <label>
                {tr!(lang, history.filters.rule)}
                <select class="input" data-test="history-filter-rule" on:change=move |ev| {
                    let rule = some_text(event_target_value(&ev));
                    set(Box::new(move |q| q.rule_id = rule));
                }>
                    <option value="">{tr!(lang, history.filters.all)}</option>
                    {move || rules.get().into_iter().map(|(id, name)| view! {
                        <option value=id>{name}</option>
                    }).collect_view()}
                </select>
            </label>
            <label>
                {tr!(lang, history.filters.user)}
                <select class="input" data-test="history-filter-user" on:change=move |ev| {
                    let user = some_text(event_target_value(&ev));
                    set(Box::new(move |q| q.user = user));
                }>
                    <option value="">{tr!(lang, history.filters.all)}</option>
                    {move || users.get().into_iter().map(|user| view! {
                        <option value=user.clone()>{user.clone()}</option>
                    }).collect_view()}
                </select>
            </label>
            <label>
                {tr!(lang, history.filters.from)}
                <input class="input" type="date" data-test="history-filter-from" on:input=move |ev| {
                    let from = some_text(event_target_value(&ev));
                    set(Box::new(move |q| q.from = from));
                }/>
            </label>
            <label>
                {tr!(lang, history.filters.until)}
                <input class="input" type="date" data-test="history-filter-until" on:input=move |ev| {
                    let until = some_text(event_target_value(&ev));
                    set(Box::new(move |q| q.until = until));
                }/>
            </label>
        </div>
    }
}

/// A sortable column header.
fn sort_header(
    lang: Language,
    query: RwSignal<HistoryQuery>,
    sort: HistorySort,
    key: &'static str,
    title: String,
) -> impl IntoView {
    let aria = move || {
        query.with(|q| match (q.sort == sort, q.descending) {
            (false, _) => "none",
            (true, true) => "descending",
            (true, false) => "ascending",
        })
    };
    let arrow = move || {
        query.with(|q| match (q.sort == sort, q.descending) {
            (false, _) => "",
            (true, true) => " ▼",
            (true, false) => " ▲",
        })
    };
    let _ = lang;
    view! {
        <th aria-sort=aria>
            <button data-test=format!("history-sort-{key}") on:click=move |_| query.update(|q| {
                if q.sort == sort {
                    q.descending = !q.descending;
                } else {
                    q.sort = sort;
                    q.descending = matches!(sort, HistorySort::Date | HistorySort::Objects);
                }
                q.page = 1;
            })>
                {title}{arrow}
            </button>
        </th>
    }
}

fn row(
    lang: Language,
    entry: HistorySummary,
    rule_name: Option<String>,
    selectable: bool,
    selected: RwSignal<BTreeSet<String>>,
) -> impl IntoView {
    let (status, status_key) = target_status(lang, entry.status);
    let id = entry.id.clone();
    let check_id = id.clone();
    let checked = {
        let id = id.clone();
        move || selected.with(|s| s.contains(&id))
    };
    let destinations = entry
        .targets
        .iter()
        .map(|t| named_instance(lang, &t.name))
        .collect::<Vec<_>>()
        .join(", ");
    view! {
        <tr data-test="history-row" data-id=id.clone() data-status=status_key>
            {selectable.then(|| view! {
                <td>
                    <input type="checkbox" data-test="history-row-check" prop:checked=checked
                        aria-label=tr!(lang, history.list.select_row)
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            let id = check_id.clone();
                            selected.update(|s| {
                                if on { s.insert(id); } else { s.remove(&id); }
                            });
                        }/>
                </td>
            })}
            <td data-test="history-date">{lang.date(&entry.date)}</td>
            <td data-test="history-kind">
                {kind_label(lang, entry.kind)}
                {entry.dry_run.then(|| format!(" ({})", tr!(lang, history.list.dry_run)))}
            </td>
            <td>{named_instance(lang, &entry.origin)}</td>
            <td>{destinations}</td>
            <td data-test="history-user">{entry.user.clone().unwrap_or_else(|| tr!(lang, history.list.no_user))}</td>
            <td data-test="history-rule">{rule_name.or_else(|| entry.rule_id.clone()).unwrap_or_default()}</td>
            <td><span class=format!("sync-status sync-status-{status_key}") data-test="history-status">{status}</span></td>
            <td>{lang.number(entry.objects as f64)}</td>
            <td><a class="button button-small" href=format!("#/history/{id}") data-test="history-details">
                {tr!(lang, history.list.details)}
            </a></td>
        </tr>
    }
}

/// `#/history`: interrupted runs first, then every run the user may read.
#[component]
pub fn HistoryList(context: HistoryContext) -> impl IntoView {
    let lang = use_language();
    let entries = RwSignal::new(Entries::Loading);
    let query = RwSignal::new(HistoryQuery {
        page_size: 20,
        ..HistoryQuery::default()
    });
    let selected = RwSignal::new(BTreeSet::<String>::new());
    let confirming = RwSignal::new(false);
    let notice = RwSignal::new(None::<(NoticeKind, String)>);
    let can_delete = context.can_delete();
    load(context.clone(), entries, lang);

    let all = Memo::new(move |_| match entries.get() {
        Entries::Ready(list) => list,
        _ => Vec::new(),
    });
    let distinct = move |pick: fn(&HistorySummary) -> Option<String>| {
        Signal::derive(move || {
            all.with(|list| {
                list.iter()
                    .filter_map(pick)
                    .collect::<BTreeSet<_>>()
                    .into_iter()
                    .collect::<Vec<_>>()
            })
        })
    };
    let users = distinct(|e| e.user.clone());
    // Rules by name (a deleted rule, or one not shared with the user, by its id).
    let rule_names = RwSignal::new(std::collections::BTreeMap::<String, String>::new());
    {
        let context = context.clone();
        spawn_local(async move {
            if let Ok(names) = rule_names_of(&context.storage(), &context.actor).await {
                rule_names.set(names);
            }
        });
    }
    let rule_ids = distinct(|e| e.rule_id.clone());
    let rules = Signal::derive(move || {
        let mut labelled: Vec<(String, String)> = rule_ids
            .get()
            .into_iter()
            .map(|id| {
                let name = rule_names.with(|names| names.get(&id).cloned());
                (id.clone(), name.unwrap_or(id))
            })
            .collect();
        labelled.sort_by_key(|(_, name)| name.to_lowercase());
        labelled
    });
    let page = Memo::new(move |_| query.with(|q| all.with(|list| q.apply(list))));

    let delete_context = context.clone();
    let delete = move || {
        let context = delete_context.clone();
        let ids: Vec<String> = selected.get_untracked().into_iter().collect();
        spawn_local(async move {
            match delete_history(&context.storage(), &context.actor, &ids).await {
                Ok(outcome) => {
                    let mut message = counted!(lang, history.list.deleted, outcome.deleted.len());
                    if !outcome.kept.is_empty() {
                        message.push(' ');
                        message.push_str(&counted!(lang, history.list.kept, outcome.kept.len()));
                    }
                    let kind = if outcome.kept.is_empty() {
                        NoticeKind::Success
                    } else {
                        NoticeKind::Warning
                    };
                    notice.set(Some((kind, message)));
                    selected.set(BTreeSet::new());
                    entries.update(|e| {
                        if let Entries::Ready(list) = e {
                            list.retain(|entry| !outcome.deleted.contains(&entry.id));
                        }
                    });
                }
                Err(error) => notice.set(Some((NoticeKind::Error, storage_error(lang, &error)))),
            }
        });
    };
    let delete = StoredValue::new(delete);

    let page_ids =
        move || page.with(|p| p.entries.iter().map(|e| e.id.clone()).collect::<Vec<_>>());
    let all_on_page = move || {
        let ids = page_ids();
        !ids.is_empty() && selected.with(|s| ids.iter().all(|id| s.contains(id)))
    };

    let table = move || {
        match entries.get() {
        Entries::Loading => view! { <Loading label=tr!(lang, history.list.loading)/> }.into_any(),
        Entries::Failed(message) => view! {
            <Notice kind=NoticeKind::Error title=tr!(lang, history.list.failed) data_test="history-load-error">
                <p>{message}</p>
            </Notice>
        }
        .into_any(),
        Entries::Ready(_) => view! {
            <table class="data-table" data-test="history-table">
                <thead><tr>
                    {can_delete.then(|| view! {
                        <th><input type="checkbox" data-test="history-check-page"
                            aria-label=tr!(lang, history.list.select_page)
                            prop:checked=all_on_page
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                let ids = page_ids();
                                selected.update(|s| for id in ids {
                                    if on { s.insert(id); } else { s.remove(&id); }
                                });
                            }/></th>
                    })}
                    {sort_header(lang, query, HistorySort::Date, "date", tr!(lang, history.columns.date))}
                    {sort_header(lang, query, HistorySort::Kind, "kind", tr!(lang, history.columns.kind))}
                    {sort_header(lang, query, HistorySort::Origin, "origin", tr!(lang, history.columns.origin))}
                    <th>{tr!(lang, history.columns.destinations)}</th>
                    {sort_header(lang, query, HistorySort::User, "user", tr!(lang, history.columns.user))}
                    <th>{tr!(lang, history.columns.rule)}</th>
                    {sort_header(lang, query, HistorySort::Status, "status", tr!(lang, history.columns.status))}
                    {sort_header(lang, query, HistorySort::Objects, "objects", tr!(lang, history.columns.objects))}
                    <th>{tr!(lang, common.actions)}</th>
                </tr></thead>
                <tbody>
                    {move || {
                        let current = page.get();
                        if current.entries.is_empty() {
                            let message = if all.with(Vec::is_empty) {
                                tr!(lang, history.list.empty)
                            } else {
                                tr!(lang, history.list.no_match)
                            };
                            return view! {
                                <tr><td colspan="10" class="data-table-empty" data-test="history-empty">{message}</td></tr>
                            }.into_any();
                        }
                        current.entries.into_iter()
                            .map(|entry| {
                                let name = entry.rule_id.as_ref().and_then(|id| {
                                    rule_names.with(|names| names.get(id).cloned())
                                });
                                row(lang, entry, name, can_delete, selected)
                            })
                            .collect_view()
                            .into_any()
                    }}
                </tbody>
            </table>
            <div class="data-table-pager">
                <span data-test="history-page-summary">{move || page.with(|p| tr!(
                    lang,
                    history.list.page_of,
                    page = lang.number(p.page as f64),
                    pages = lang.number(p.pages as f64),
                    total = counted!(lang, history.list.runs, p.total)
                ))}</span>
                <button class="button button-small" data-test="history-previous"
                    disabled=move || page.with(|p| p.page <= 1)
                    on:click=move |_| query.update(|q| q.page = q.page.saturating_sub(1).max(1))>
                    {tr!(lang, common.previous)}
                </button>
                <button class="button button-small" data-test="history-next"
                    disabled=move || page.with(|p| p.page >= p.pages)
                    on:click=move |_| {
                        let last = page.with_untracked(|p| p.pages);
                        query.update(|q| q.page = (q.page + 1).min(last))
                    }>
                    {tr!(lang, common.next)}
                </button>
            </div>
        }
        .into_any(),
    }
    };

    view! {
        <div class="page" data-test="panel-history">
            <p class="breadcrumb"><a href="#/">"MetaData Sync"</a>" / "{tr!(lang, history.title)}</p>
            <h1 class="page-title">{tr!(lang, history.title)}</h1>
            <UnfinishedRuns context=context.clone()/>
            {move || notice.get().map(|(kind, message)| view! {
                <Notice kind data_test="history-notice"><p>{message}</p></Notice>
            })}
            <Filters query users rules/>
            {can_delete.then(|| view! {
                <div class="toolbar">
                    <button class="button button-destructive" data-test="history-delete"
                        disabled=move || selected.with(BTreeSet::is_empty)
                        on:click=move |_| confirming.set(true)>
                        {move || counted!(lang, history.list.delete_selected, selected.with(BTreeSet::len))}
                    </button>
                </div>
            })}
            {table}
            {move || confirming.get().then(|| view! {
                <ConfirmDialog
                    title=tr!(lang, history.list.confirm_title)
                    message=counted!(lang, history.list.confirm_message, selected.with_untracked(BTreeSet::len))
                    confirm_label=tr!(lang, history.list.delete)
                    on_confirm=Callback::new(move |_| {
                        confirming.set(false);
                        delete.with_value(|delete| delete());
                    })
                    on_cancel=Callback::new(move |_| confirming.set(false))
                />
            })}
        </div>
    }
}
