use leptos::prelude::*;
use mdsync_core::dhis2::metadata_list::ListedObject;

use super::page::load_listing;
use super::state::{AggregatedState, PickedData, DATA_KINDS};
use crate::l10n::messages::type_label;
use crate::pages::sync::common::listing_body::listing_body;
use crate::pages::sync::common::pager::ListingPager;
use crate::{counted, tr};

/// Indicators and program indicators only have values in aggregation mode.
fn needs_aggregation(plural: &str) -> bool {
    matches!(plural, "indicators" | "programIndicators")
}

fn open_kind(state: AggregatedState, plural: &'static str) {
    state
        .request
        .set(mdsync_core::browse::ListRequest::new(plural));
    load_listing(state);
}

/// What to sync: a tab per kind of data, the origin's objects of that kind (searched and paged
/// on the server), a checkbox per row, the picked ones as chips.
#[component]
pub fn DataPicker(state: AggregatedState) -> impl IntoView {
    let lang = state.lang;
    let aggregated = move || state.options.with(|o| o.aggregation.is_some());
    // Leaving aggregation mode on an indicator tab goes back to data sets.
    Effect::new(move |_| {
        if !aggregated()
            && state
                .request
                .with_untracked(|r| needs_aggregation(&r.plural))
        {
            open_kind(state, DATA_KINDS[0]);
        }
    });
    let tabs = DATA_KINDS
        .iter()
        .map(|plural| {
            let plural: &'static str = plural;
            let current = move || state.request.with(|r| r.plural == plural);
            view! {
                <button
                    class=move || if current() { "button button-small button-primary" } else { "button button-small" }
                    data-test=format!("aggregated-kind-{plural}")
                    hidden=move || needs_aggregation(plural) && !aggregated()
                    aria-pressed=move || current().to_string()
                    on:click=move |_| open_kind(state, plural)
                >
                    {type_label(lang, plural)}
                </button>
            }
        })
        .collect_view();
    let body = listing_body(
        lang,
        state.listing,
        "3",
        "aggregated-list-error",
        move |object| view! { <DataRow state object/> }.into_any(),
    );
    let chips = move || {
        state
            .picked
            .get()
            .into_iter()
            .map(|item| {
                let removed = item.clone();
                view! {
                    <span class="chip" data-test="aggregated-picked" data-id=item.id.clone()>
                        {format!("{} ({})", item.name, type_label(lang, item.plural))}
                        <button
                            class="chip-remove"
                            aria-label=tr!(lang, aggregated.remove, name = &item.name)
                            on:click=move |_| state.picked.update(|p| p.retain(|x| *x != removed))
                        >
                            "×"
                        </button>
                    </span>
                }
            })
            .collect_view()
    };
    view! {
        <div class="toolbar" role="group" aria-label=tr!(lang, aggregated.data_kinds)>{tabs}</div>
        <div class="data-table-wrap" data-test="aggregated-objects">
            <div class="data-table-toolbar">
                <input
                    class="input"
                    type="search"
                    placeholder=tr!(lang, sync.browser.search)
                    data-test="aggregated-search"
                    prop:value=move || state.request.with(|r| r.search.clone())
                    on:input=move |ev| {
                        state.request.update(|r| r.set_search(event_target_value(&ev)));
                        load_listing(state);
                    }
                />
            </div>
            <table class="data-table">
                <thead>
                    <tr>
                        <th class="sync-check-cell"></th>
                        <th>{tr!(lang, sync.browser.name)}</th>
                        <th>{tr!(lang, sync.browser.code)}</th>
                    </tr>
                </thead>
                <tbody>{body}</tbody>
            </table>
            <ListingPager
                lang
                listing=state.listing
                request=state.request
                on_page=Callback::new(move |_| load_listing(state))
            />
        </div>
        <div class="sync-picked" data-test="aggregated-picked-list">
            <strong>{move || counted!(lang, aggregated.picked, state.picked.with(Vec::len))}</strong>
            " "
            <span class="sync-picked-chips">{chips}</span>
        </div>
    }
}

#[component]
fn DataRow(state: AggregatedState, object: ListedObject) -> impl IntoView {
    let lang = state.lang;
    let plural = state.request.with_untracked(|r| r.plural.clone());
    let Some(plural) = DATA_KINDS.iter().copied().find(|k| *k == plural) else {
        return ().into_any();
    };
    let id = object.id.clone();
    let checked = move || state.picked.with(|p| p.iter().any(|x| x.id == id));
    let item = PickedData {
        plural,
        id: object.id.clone(),
        name: object.display_name.clone(),
    };
    view! {
        <tr data-test="data-table-row" data-id=object.id.clone()>
            <td class="sync-check-cell">
                <input
                    type="checkbox"
                    data-test="aggregated-row-check"
                    aria-label=tr!(lang, sync.browser.select_object, name = &object.display_name)
                    prop:checked=checked
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        state.picked.update(|p| {
                            p.retain(|x| x.id != item.id);
                            if on {
                                p.push(item.clone());
                            }
                        });
                    }
                />
            </td>
            <td>{object.display_name.clone()}</td>
            <td>{object.code.clone().unwrap_or_default()}</td>
        </tr>
    }
    .into_any()
}
