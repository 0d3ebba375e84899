//! `#/rules`: the table of rules with search, filters, sort and paging, the actions on one or
//! several rules, the running rule's progress and report, and the scheduler's dot.

use leptos::prelude::*;
use leptos::task::spawn_local;
use mdsync_core::browse::RunProgress;
use mdsync_core::rules::{
    list_rules, CronSchedule, RuleListing, RuleQuery, RuleRow, ScheduleWords,
};
use mdsync_core::sync::{CancellationToken, SyncReport};

use super::actions;
use super::context::RulesContext;
use super::filters::RuleFilters;
use super::heartbeat::SchedulerDot;
use super::import::ImportButton;
use super::run::RunSection;
use crate::components::data_table::{Column, DataTable};
use crate::components::dialog::ConfirmDialog;
use crate::components::loading::Loading;
use crate::components::notice::{Notice, NoticeKind};
use crate::components::sharing::SharingDialog;
use crate::l10n::messages::rules::{rule_error, schedule_words};
use crate::l10n::messages::{named_instance, target_status};
use crate::l10n::Language;
use crate::table_model::TableRow;
use crate::tr;

/// A rule's run, as the list shows it.
#[derive(Debug, Clone)]
pub enum RuleRun {
    Idle,
    Running {
        name: String,
        cancel: CancellationToken,
    },
    Finished {
        name: String,
        report: Box<SyncReport>,
        history: Result<String, String>,
    },
    Failed {
        name: String,
        message: String,
    },
}

/// Every signal of the list; `Copy`, so actions take it by value.
#[derive(Clone, Copy)]
pub struct ListState {
    pub lang: Language,
    pub ctx: StoredValue<RulesContext>,
    pub listing: RwSignal<Option<Result<RuleListing, String>>>,
    pub filters: RwSignal<RuleQuery>,
    pub selected: RwSignal<Vec<String>>,
    pub notice: RwSignal<Option<(NoticeKind, String)>>,
    pub confirm_delete: RwSignal<Option<Vec<RuleRow>>>,
    pub confirm_run: RwSignal<Option<RuleRow>>,
    pub sharing: RwSignal<Option<RuleRow>>,
    /// Instances of a just-shared rule its new audience cannot use, offered for sharing.
    pub instance_gap: RwSignal<Option<super::instance_gap::InstanceGapOffer>>,
    pub run: RwSignal<RuleRun>,
    pub progress: RwSignal<RunProgress>,
}

impl ListState {
    pub fn ctx(&self) -> RulesContext {
        self.ctx.get_value()
    }

    /// A row by rule id.
    pub fn row(&self, id: &str) -> Option<RuleRow> {
        self.listing.with_untracked(|listing| match listing {
            Some(Ok(listing)) => listing.rows.iter().find(|r| r.summary.id == id).cloned(),
            _ => None,
        })
    }

    pub fn say(&self, kind: NoticeKind, message: String) {
        self.notice.set(Some((kind, message)));
    }
}

/// Reads the rules the user may see.
pub fn reload(state: ListState) {
    let ctx = state.ctx();
    spawn_local(async move {
        let listed = list_rules(ctx.manager(), &ctx.storage()).await;
        state.selected.update(|selected| {
            if let Ok(listing) = &listed {
                selected.retain(|id| listing.rows.iter().any(|r| r.summary.id == *id));
            }
        });
        state
            .listing
            .set(Some(listed.map_err(|e| rule_error(state.lang, &e))));
    });
}

/// Drops `?run=<id>` from the address without a `hashchange`: the router would draw the panel
/// anew and lose the run's report (a reload must not run the rule again either).
fn forget_run_request() {
    if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some("#/rules"));
    }
}

/// The rule id of `#/rules?run=<id>`.
fn run_requested() -> Option<String> {
    let hash = web_sys::window()?.location().hash().ok()?;
    let (_, query) = hash.split_once('?')?;
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix("run="))
        .filter(|id| !id.is_empty())
        .map(str::to_string)
}

/// `2026-03-01T02:00:00Z` as `2026-03-01 02:00` (sorts as it reads).
pub fn short_time(iso: &str) -> String {
    iso.get(..16).unwrap_or(iso).replace('T', " ")
}

pub fn schedule_text(lang: Language, schedule: Option<&str>) -> String {
    match schedule {
        None => tr!(lang, rules.list.by_hand),
        Some(expression) => match CronSchedule::parse(expression) {
            Ok(schedule) => schedule_words(lang, &ScheduleWords::of(&schedule)),
            Err(_) => tr!(lang, rules.list.invalid_schedule, expression = expression),
        },
    }
}

fn table_row(lang: Language, row: &RuleRow) -> TableRow {
    let rule = &row.summary;
    let mut destinations: Vec<String> = rule
        .destinations
        .iter()
        .map(|d| named_instance(lang, d.label()))
        .collect();
    if !row.missing_instances.is_empty() {
        let missing: Vec<&str> = row.missing_instances.iter().map(|i| i.label()).collect();
        destinations.push(tr!(lang, rules.list.missing, names = missing.join(", ")));
    }
    let last = &row.last_run;
    let last_run = match (&last.last_executed, last.last_status) {
        (Some(at), Some(status)) => {
            format!("{} — {}", short_time(at), target_status(lang, status).0)
        }
        (Some(at), None) => short_time(at),
        _ => tr!(lang, rules.list.never),
    };
    TableRow {
        id: rule.id.clone(),
        cells: vec![
            rule.name.clone(),
            crate::l10n::messages::rules::kind_label(lang, rule.kind),
            named_instance(lang, rule.origin.label()),
            destinations.join(", "),
            schedule_text(lang, rule.schedule.as_deref()),
            if rule.enabled {
                tr!(lang, rules.list.enabled_yes)
            } else {
                tr!(lang, rules.list.enabled_no)
            },
            last_run,
            last.last_successful_sync
                .as_deref()
                .map(short_time)
                .unwrap_or_else(|| "—".into()),
        ],
        pinned: false,
    }
}

fn row_actions(state: ListState, id: String) -> AnyView {
    let lang = state.lang;
    let Some(row) = state.row(&id) else {
        return ().into_any();
    };
    let running = move || matches!(state.run.get(), RuleRun::Running { .. });
    let can_create = state.ctx.with_value(RulesContext::can_create);
    let editable = row.can_edit;
    let enabled = row.summary.enabled;
    // The payload a rule would send is built for metadata rules; data rules read their values
    // slice by slice at run time, so there is no one document to download.
    let has_payload = row.summary.kind == mdsync_core::rules::RuleKind::Metadata;
    let checked_id = id.clone();
    let toggle_id = id.clone();
    let details = format!("#/rules/{id}");
    let edit = format!("#/rules/{id}/edit");
    let (run_row, share_row, delete_row) = (row.clone(), row.clone(), row.clone());
    let (replicate_id, enable_id, payload_id, export_id) =
        (id.clone(), id.clone(), id.clone(), id.clone());
    view! {
        <input type="checkbox" data-test="rule-select" aria-label=tr!(lang, rules.list.select)
            prop:checked=move || state.selected.with(|s| s.contains(&checked_id))
            on:change=move |_| state.selected.update(|s| {
                if let Some(at) = s.iter().position(|x| *x == toggle_id) { s.remove(at); } else { s.push(toggle_id.clone()); }
            })/>
        <a class="button button-small" data-test="rule-details" href=details>{tr!(lang, rules.actions.details)}</a>
        <button class="button button-small button-primary" data-test="rule-run" disabled=running
            on:click=move |_| state.confirm_run.set(Some(run_row.clone()))>
            {tr!(lang, rules.actions.run)}
        </button>
        {has_payload.then(|| view! {
            <button class="button button-small" data-test="rule-payload"
                on:click=move |_| actions::download_payload(state, payload_id.clone())>
                {tr!(lang, rules.actions.payload)}
            </button>
        })}
        <button class="button button-small" data-test="rule-export"
            on:click=move |_| actions::export(state, vec![export_id.clone()])>
            {tr!(lang, rules.actions.export)}
        </button>
        {can_create.then(|| view! {
            <button class="button button-small" data-test="rule-replicate"
                on:click=move |_| actions::replicate(state, replicate_id.clone())>
                {tr!(lang, rules.actions.replicate)}
            </button>
        })}
        {editable.then(|| view! {
            <a class="button button-small" data-test="rule-edit" href=edit>{tr!(lang, rules.actions.edit)}</a>
            <button class="button button-small" data-test="rule-toggle"
                on:click=move |_| actions::set_enabled(state, enable_id.clone(), !enabled)>
                {if enabled { tr!(lang, rules.actions.disable) } else { tr!(lang, rules.actions.enable) }}
            </button>
            <button class="button button-small" data-test="rule-share"
                on:click=move |_| state.sharing.set(Some(share_row.clone()))>
                {tr!(lang, rules.actions.share)}
            </button>
            <button class="button button-small button-destructive" data-test="rule-delete"
                on:click=move |_| state.confirm_delete.set(Some(vec![delete_row.clone()]))>
                {tr!(lang, rules.actions.delete)}
            </button>
        })}
    }
    .into_any()
}

fn columns(lang: Language) -> Vec<Column> {
    vec![
        Column::new("name", tr!(lang, rules.list.name)),
        Column::new("kind", tr!(lang, rules.list.kind)),
        Column::new("origin", tr!(lang, rules.list.origin)),
        Column::new("destinations", tr!(lang, rules.list.destinations)),
        Column::new("schedule", tr!(lang, rules.list.schedule)),
        Column::new("enabled", tr!(lang, rules.list.enabled)),
        Column::new("last-run", tr!(lang, rules.list.last_run)),
        Column::new("last-success", tr!(lang, rules.list.last_success)),
    ]
}

fn dialogs(state: ListState) -> impl IntoView {
    let lang = state.lang;
    view! {
        {move || state.confirm_delete.get().map(|rows| {
            let names: Vec<String> = rows.iter().map(|r| format!("“{}”", r.summary.name)).collect();
            let ids: Vec<String> = rows.iter().map(|r| r.summary.id.clone()).collect();
            view! {
                <ConfirmDialog
                    title=tr!(lang, rules.delete.title)
                    message=tr!(lang, rules.delete.message, names = names.join(", "))
                    confirm_label=tr!(lang, rules.actions.delete)
                    on_confirm=Callback::new(move |_| {
                        state.confirm_delete.set(None);
                        actions::delete(state, ids.clone());
                    })
                    on_cancel=Callback::new(move |_| state.confirm_delete.set(None))
                />
            }
        })}
        {move || state.confirm_run.get().map(|row| {
            let destinations: Vec<String> = row.summary.destinations.iter()
                .map(|d| named_instance(lang, d.label())).collect();
            let name = row.summary.name.clone();
            view! {
                <ConfirmDialog
                    title=tr!(lang, rules.run.confirm_title, name = name)
                    message=tr!(lang, rules.run.confirm_message, destinations = destinations.join(", "))
                    confirm_label=tr!(lang, rules.actions.run)
                    on_confirm=Callback::new(move |_| {
                        state.confirm_run.set(None);
                        super::run::start(state, row.clone());
                    })
                    on_cancel=Callback::new(move |_| state.confirm_run.set(None))
                />
            }
        })}
        {move || state.sharing.get().map(|row| {
            let id = row.summary.id.clone();
            view! {
                <SharingDialog
                    title=tr!(lang, rules.sharing.title, name = row.summary.name.clone())
                    sharing=row.summary.sharing.clone()
                    on_save=Callback::new(move |sharing| {
                        state.sharing.set(None);
                        actions::share(state, id.clone(), sharing);
                    })
                    on_cancel=Callback::new(move |_| state.sharing.set(None))
                />
            }
        })}
        <super::instance_gap::InstanceGapDialog state/>
    }
}

#[component]
pub fn RulesList(ctx: RulesContext) -> impl IntoView {
    let lang = crate::l10n::use_language();
    let can_create = ctx.can_create();
    let state = ListState {
        lang,
        ctx: StoredValue::new(ctx),
        listing: RwSignal::new(None),
        filters: RwSignal::new(RuleQuery {
            page_size: usize::MAX,
            ..RuleQuery::default()
        }),
        selected: RwSignal::new(Vec::new()),
        notice: RwSignal::new(None),
        confirm_delete: RwSignal::new(None),
        confirm_run: RwSignal::new(None),
        sharing: RwSignal::new(None),
        instance_gap: RwSignal::new(None),
        run: RwSignal::new(RuleRun::Idle),
        progress: RwSignal::new(RunProgress::default()),
    };
    reload(state);
    // "Save and run" in the editor lands here with `?run=<id>`: run it once it is listed.
    let pending_run = StoredValue::new(run_requested());
    Effect::new(move |_| {
        let Some(id) = pending_run.get_value() else {
            return;
        };
        let listed = state.listing.with(|l| matches!(l, Some(Ok(_))));
        if !listed {
            return;
        }
        pending_run.set_value(None);
        forget_run_request();
        if let Some(row) = state.row(&id) {
            super::run::start(state, row);
        }
    });
    let rows = Signal::derive(move || {
        state.listing.with(|listing| match listing {
            Some(Ok(listing)) => state.filters.with(|query| {
                query
                    .apply(&listing.rows)
                    .rows
                    .iter()
                    .map(|row| table_row(lang, row))
                    .collect()
            }),
            _ => Vec::new(),
        })
    });
    let selected_rows = move || -> Vec<RuleRow> {
        state
            .selected
            .get()
            .iter()
            .filter_map(|id| state.row(id))
            .collect()
    };
    let bulk = move || {
        let rows = selected_rows();
        (!rows.is_empty()).then(|| {
            let all_editable = rows.iter().all(|r| r.can_edit);
            let ids: Vec<String> = rows.iter().map(|r| r.summary.id.clone()).collect();
            let count = rows.len();
            view! {
                <span class="field-help" data-test="rules-selected">
                    {crate::counted!(lang, rules.list.selected, count)}
                </span>
                <button class="button" data-test="rules-export-selected"
                    on:click=move |_| actions::export(state, ids.clone())>
                    {tr!(lang, rules.actions.export_selected)}
                </button>
                {all_editable.then(|| view! {
                    <button class="button button-destructive" data-test="rules-delete-selected"
                        on:click=move |_| state.confirm_delete.set(Some(rows.clone()))>
                        {tr!(lang, rules.actions.delete_selected)}
                    </button>
                })}
            }
        })
    };
    let problems = move || {
        state.listing.with(|listing| match listing {
            Some(Ok(listing)) if !listing.problems.is_empty() => {
                let items = listing
                    .problems
                    .iter()
                    .map(|p| view! { <li>{tr!(lang, rules.list.damaged, key = p.key.clone(), reason = p.reason.clone())}</li> })
                    .collect_view();
                Some(view! {
                    <Notice kind=NoticeKind::Warning title=tr!(lang, rules.list.damaged_title) data_test="rules-problems">
                        <ul>{items}</ul>
                    </Notice>
                })
            }
            _ => None,
        })
    };
    let table = move || {
        match state.listing.get() {
        None => view! { <Loading label=tr!(lang, rules.loading)/> }.into_any(),
        Some(Err(message)) => view! {
            <Notice kind=NoticeKind::Error title=tr!(lang, rules.cannot_list) data_test="rules-error">
                <p>{message}</p>
            </Notice>
        }
        .into_any(),
        Some(Ok(listing)) => {
            let destinations = listing
                .rows
                .iter()
                .flat_map(|r| r.summary.destinations.clone())
                .fold(Vec::new(), |mut all, d| {
                    if !all.iter().any(|x: &mdsync_core::rules::RuleInstance| x.id == d.id) {
                        all.push(d);
                    }
                    all
                });
            view! {
                <RuleFilters filters=state.filters destinations/>
                <DataTable
                    columns=columns(lang)
                    rows=rows
                    page_size=10
                    actions=Callback::new(move |id: String| row_actions(state, id))
                    empty_message=tr!(lang, rules.list.empty)
                />
            }
            .into_any()
        }
    }
    };
    view! {
        <div class="rules-header">
            <h1 class="page-title">{tr!(lang, rules.title)}</h1>
            <SchedulerDot ctx=state.ctx() listing=state.listing/>
        </div>
        <p class="field-help">{if can_create { tr!(lang, rules.intro) } else { tr!(lang, rules.intro_run_only) }}</p>
        {move || state.notice.get().map(|(kind, message)| view! {
            <Notice kind data_test="rules-notice"><p>{message}</p></Notice>
        })}
        <div class="toolbar">
            {can_create.then(|| view! {
                <a class="button button-primary" data-test="rules-new" href="#/rules/new">{tr!(lang, rules.actions.create)}</a>
                <ImportButton state/>
            })}
            {bulk}
        </div>
        <RunSection state/>
        {problems}
        <div data-test="rules-table">{table}</div>
        {dialogs(state)}
    }
}
