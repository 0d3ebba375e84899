use leptos::prelude::*;
use mdsync_core::browse::events::{EventColumn, ListedEvent};

use super::load::{load_events, save_columns};
use super::state::EventsState;
use crate::components::data_table::Pager;
use crate::components::loading::Loading;
use crate::l10n::Language;
use crate::pages::sync::common::Loadable;
use crate::{counted, tr};

pub fn column_title(lang: Language, column: EventColumn) -> String {
    match column {
        EventColumn::Program => tr!(lang, events.columns.program),
        EventColumn::OrgUnit => tr!(lang, events.columns.org_unit),
        EventColumn::Date => tr!(lang, events.columns.date),
        EventColumn::Status => tr!(lang, events.columns.status),
        EventColumn::StoredBy => tr!(lang, events.columns.stored_by),
        EventColumn::LastUpdated => tr!(lang, events.columns.last_updated),
        EventColumn::TrackedEntity => tr!(lang, events.columns.tracked_entity),
    }
}

fn cell(state: EventsState, event: &ListedEvent, column: EventColumn) -> String {
    match column {
        EventColumn::Program => state.program_name(&event.program),
        EventColumn::OrgUnit => {
            let named = state.org_units.with_untracked(|units| {
                units
                    .iter()
                    .find(|u| u.id == event.org_unit)
                    .map(|u| u.name.clone())
            });
            event
                .org_unit_name
                .clone()
                .or(named)
                .unwrap_or_else(|| event.org_unit.clone())
        }
        EventColumn::Date => event.date.clone(),
        EventColumn::Status => event.status.clone(),
        EventColumn::StoredBy => event.stored_by.clone(),
        EventColumn::LastUpdated => event.last_updated.clone(),
        EventColumn::TrackedEntity => event.tracked_entity.clone().unwrap_or_default(),
    }
}

/// The column chooser: the choice is kept in the user's dataStore.
#[component]
fn ColumnChooser(state: EventsState) -> impl IntoView {
    let lang = state.lang;
    let boxes = EventColumn::ALL
        .into_iter()
        .map(|column| {
            view! {
                <label class="sync-check">
                    <input
                        type="checkbox"
                        data-test=format!("events-column-{}", column.key())
                        prop:checked=move || state.columns.with(|c| c.shows(column))
                        on:change=move |_| {
                            state.columns.update(|c| c.toggle(column));
                            save_columns(state);
                        }
                    />
                    {column_title(lang, column)}
                </label>
            }
        })
        .collect_view();
    view! {
        <details class="events-columns" data-test="events-columns">
            <summary>{tr!(lang, events.choose_columns)}</summary>
            {boxes}
        </details>
    }
}

fn sort_by(state: EventsState, column: EventColumn) {
    state.table.update(|t| {
        t.descending = if t.order == column {
            !t.descending
        } else {
            false
        };
        t.order = column;
        t.page = 1;
    });
    load_events(state);
}

#[component]
fn EventRow(state: EventsState, event: ListedEvent) -> impl IntoView {
    let lang = state.lang;
    let id = event.id.clone();
    let checked = move || state.chosen_events.with(|c| c.iter().any(|e| e.id == id));
    let picked = StoredValue::new(event.clone());
    let shown = event.clone();
    let cells = move || {
        state.columns.with(|columns| {
            columns
                .visible
                .iter()
                .map(|column| {
                    view! { <td data-test=format!("events-cell-{}", column.key())>{cell(state, &shown, *column)}</td> }
                })
                .collect_view()
        })
    };
    view! {
        <tr data-test="data-table-row" data-id=event.id.clone()>
            <td class="sync-check-cell">
                <input
                    type="checkbox"
                    data-test="events-row-check"
                    aria-label=tr!(lang, events.choose_event, id = &event.id)
                    prop:checked=checked
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        let event = picked.get_value();
                        state.chosen_events.update(|c| {
                            c.retain(|x| x.id != event.id);
                            if on {
                                c.push(event.clone());
                            }
                        });
                    }
                />
            </td>
            {cells}
        </tr>
    }
}

/// The program and org unit the table lists (among the chosen ones).
fn table_filters(state: EventsState) -> impl IntoView {
    let lang = state.lang;
    let programs = move || {
        state
            .chosen_programs
            .get()
            .into_iter()
            .map(|id| {
                let name = state.program_name(&id);
                let selected = state.table.with_untracked(|t| t.program == id);
                view! { <option value=id selected=selected>{name}</option> }
            })
            .collect_view()
    };
    let units = move || {
        state
            .org_units
            .get()
            .into_iter()
            .map(|unit| {
                let selected = state.table.with_untracked(|t| t.org_unit == unit.id);
                view! { <option value=unit.id.clone() selected=selected>{unit.name.clone()}</option> }
            })
            .collect_view()
    };
    view! {
        <label>
            {tr!(lang, events.columns.program)}" "
            <select class="input" data-test="events-table-program"
                on:change=move |ev| {
                    let program = event_target_value(&ev);
                    state.table.update(|t| { t.program = program; t.page = 1; });
                    load_events(state);
                }>
                {programs}
            </select>
        </label>
        <label>
            {tr!(lang, events.columns.org_unit)}" "
            <select class="input" data-test="events-table-org-unit"
                on:change=move |ev| {
                    let unit = event_target_value(&ev);
                    state.table.update(|t| { t.org_unit = unit; t.page = 1; });
                    load_events(state);
                }>
                {units}
            </select>
        </label>
    }
}

/// All events, or the ones chosen in a table paged and sorted by the origin's server.
#[component]
pub fn ChosenEvents(state: EventsState) -> impl IntoView {
    let lang = state.lang;
    // New org units list other events.
    Effect::new(move |previous: Option<()>| {
        state.org_units.track();
        state.include_descendants.track();
        if previous.is_some() {
            state.table.update(|t| {
                t.page = 1;
                if !state
                    .org_units
                    .with_untracked(|u| u.iter().any(|u| u.id == t.org_unit))
                {
                    t.org_unit.clear();
                }
            });
            load_events(state);
        }
    });
    let only = move || state.only_chosen_events.get();
    let visible = move || state.columns.with(|c| c.visible.clone());
    let headers = move || {
        visible()
            .into_iter()
            .map(|column| {
                let sorted = move || state.table.with(|t| (t.order == column).then_some(t.descending));
                view! {
                    <th aria-sort=move || match sorted() {
                        Some(true) => "descending",
                        Some(false) => "ascending",
                        None => "none",
                    }>
                        <button class="data-table-sort" data-test=format!("events-sort-{}", column.key())
                            on:click=move |_| sort_by(state, column)>
                            {column_title(lang, column)}
                            {move || match sorted() {
                                Some(true) => " ↓",
                                Some(false) => " ↑",
                                None => "",
                            }}
                        </button>
                    </th>
                }
            })
            .collect_view()
    };
    let span = move || (visible().len() + 1).to_string();
    let body = move || {
        match state.listing.get() {
        Loadable::Idle => view! {
            <tr><td colspan=span class="data-table-empty" data-test="events-table-idle">{tr!(lang, events.table_needs)}</td></tr>
        }
        .into_any(),
        Loadable::Loading => view! {
            <tr><td colspan=span><Loading label=tr!(lang, common.loading)/></td></tr>
        }
        .into_any(),
        Loadable::Failed(message) => view! {
            <tr><td colspan=span class="data-table-empty" data-test="events-table-error">{message}</td></tr>
        }
        .into_any(),
        Loadable::Ready(page) if page.events.is_empty() => view! {
            <tr><td colspan=span class="data-table-empty" data-test="data-table-empty">{tr!(lang, events.no_events)}</td></tr>
        }
        .into_any(),
        Loadable::Ready(page) => page
            .events
            .into_iter()
            .map(|event| view! { <EventRow state event/> })
            .collect_view()
            .into_any(),
    }
    };
    let pager = move || match state.listing.get() {
        Loadable::Ready(page) => Some(page),
        _ => None,
    };
    let summary = Signal::derive(move || match pager() {
        Some(p) => match p.total {
            Some(total) => tr!(
                lang,
                sync.browser.page_of,
                page = lang.number(p.page as f64),
                pages = lang.number(p.page_count.max(1) as f64),
                objects = counted!(lang, events.events_count, total)
            ),
            None => tr!(lang, events.page, page = lang.number(p.page as f64)),
        },
        None => String::new(),
    });
    let added = move || state.entities_of_chosen_events();
    view! {
        <div class="field" role="radiogroup" aria-label=tr!(lang, events.which_events)>
            <label class="sync-check">
                <input type="radio" name="events-which" data-test="events-all"
                    prop:checked=move || !only()
                    on:change=move |_| state.only_chosen_events.set(false)/>
                {tr!(lang, events.all_events)}
            </label>
            <label class="sync-check">
                <input type="radio" name="events-which" data-test="events-only-chosen"
                    prop:checked=only
                    on:change=move |_| {
                        state.only_chosen_events.set(true);
                        load_events(state);
                    }/>
                {tr!(lang, events.chosen_events)}
            </label>
        </div>
        <Show when=only>
            <div class="data-table-wrap" data-test="events-table">
                <div class="data-table-toolbar events-table-toolbar">
                    {table_filters(state)}
                    <ColumnChooser state/>
                </div>
                <table class="data-table">
                    <thead><tr><th class="sync-check-cell"></th>{headers}</tr></thead>
                    <tbody>{body}</tbody>
                </table>
                <Pager
                    summary=summary
                    has_previous=Signal::derive(move || pager().is_some_and(|p| p.page > 1))
                    has_next=Signal::derive(move || pager().is_some_and(|p| p.has_next))
                    on_previous=Callback::new(move |_| {
                        state.table.update(|t| t.page = t.page.saturating_sub(1).max(1));
                        load_events(state);
                    })
                    on_next=Callback::new(move |_| {
                        state.table.update(|t| t.page += 1);
                        load_events(state);
                    })
                />
            </div>
            <p class="field-help" data-test="events-chosen-count">
                {move || counted!(lang, events.events_chosen, state.chosen_events.with(Vec::len))}
            </p>
            {move || (added() > 0).then(|| view! {
                <p class="field-help" data-test="events-entities-added">
                    {counted!(lang, events.entities_added, added())}
                </p>
            })}
        </Show>
    }
}
