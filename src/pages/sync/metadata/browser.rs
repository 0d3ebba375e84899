use leptos::prelude::*;
use mdsync_core::browse::{SortField, TypeCatalog};
use mdsync_core::dhis2::metadata_list::ListedObject;

use super::page::{load_catalog, load_listing, open_type};
use super::state::{Loadable, SyncState};
use crate::components::loading::Loading;
use crate::components::notice::{Notice, NoticeKind};
use crate::components::type_list::TypeList;
use crate::l10n::messages::type_label;
use crate::pages::sync::common::listing_body::listing_body;
use crate::pages::sync::common::pager::ListingPager;
use crate::tr;

/// The origin's types on the left, the objects of the chosen type on the right.
#[component]
pub fn MetadataBrowser(state: SyncState) -> impl IntoView {
    let lang = state.lang;
    let catalog = Signal::derive(move || match state.catalog.get() {
        Loadable::Ready(catalog) => catalog,
        _ => TypeCatalog::default(),
    });
    let counts = Signal::derive(move || {
        state.selection.with(|selection| {
            selection
                .lines()
                .into_iter()
                .map(|line| {
                    let label = if line.all {
                        tr!(lang, sync.picked.all_count)
                    } else {
                        lang.number(line.objects.len() as f64)
                    };
                    (line.plural, label)
                })
                .collect::<Vec<_>>()
        })
    });
    let types = move || {
        match state.catalog.get() {
        Loadable::Idle | Loadable::Loading => {
            view! { <Loading label=tr!(lang, sync.browser.reading_types)/> }.into_any()
        }
        Loadable::Failed(message) => view! {
            <Notice kind=NoticeKind::Error title=tr!(lang, sync.browser.types_failed) data_test="sync-catalog-error">
                <p>{message}</p>
                <button class="button button-small" on:click=move |_| load_catalog(state)>{tr!(lang, sync.browser.try_again)}</button>
            </Notice>
        }
        .into_any(),
        Loadable::Ready(_) => view! {
            <TypeList
                catalog
                current=state.current_type
                counts
                on_pick=Callback::new(move |plural| open_type(state, plural))
            />
        }
        .into_any(),
    }
    };
    view! {
        <div class="sync-browser">
            <nav class="sync-types" data-test="sync-types" aria-label=move || tr!(lang, sync.browser.types)>{types}</nav>
            <div class="sync-objects">
                {move || match state.current_type.get() {
                    None => view! {
                        <p class="field-help" data-test="sync-pick-type">{tr!(lang, sync.browser.pick_type)}</p>
                    }
                    .into_any(),
                    Some(plural) => view! { <ObjectTable state plural/> }.into_any(),
                }}
            </div>
        </div>
    }
}

fn sort_arrow(state: SyncState, field: SortField) -> &'static str {
    state
        .request
        .with(|r| match (r.sort == field, r.descending) {
            (true, false) => " ▲",
            (true, true) => " ▼",
            (false, _) => "",
        })
}

/// The objects of one type: search, "last updated since", sort, pages, a checkbox per row.
#[component]
fn ObjectTable(state: SyncState, plural: String) -> impl IntoView {
    let lang = state.lang;
    let label = move || type_label(lang, &state.current_type.get().unwrap_or_default());
    let rows = Memo::new(move |_| match state.listing.get() {
        Loadable::Ready(page) => page.objects,
        _ => Vec::new(),
    });
    let all_of_type = {
        let plural = plural.clone();
        move || state.selection.with(|s| s.is_all(&plural))
    };
    let page_selected = {
        let plural = plural.clone();
        move || rows.with(|rows| state.selection.with(|s| s.page_selected(&plural, rows)))
    };
    let toggle_all = {
        let plural = plural.clone();
        move |ev| {
            let checked = event_target_checked(&ev);
            state.selection.update(|s| s.set_all(&plural, checked));
        }
    };
    let toggle_page = {
        let plural = plural.clone();
        move |_| {
            rows.with_untracked(|rows| state.selection.update(|s| s.toggle_page(&plural, rows)))
        }
    };
    let sort = move |field: SortField| {
        state.request.update(|r| r.toggle_sort(field));
        load_listing(state);
    };
    let body = {
        let plural = plural.clone();
        listing_body(
            lang,
            state.listing,
            "4",
            "sync-objects-error",
            move |object| view! { <ObjectRow state plural=plural.clone() object/> }.into_any(),
        )
    };
    view! {
        <div class="data-table-wrap" data-test="sync-objects">
            <div class="data-table-toolbar sync-objects-toolbar">
                <strong data-test="sync-objects-type">{label}</strong>
                <input
                    class="input"
                    type="search"
                    placeholder=move || tr!(lang, sync.browser.search)
                    data-test="sync-search"
                    prop:value=move || state.request.with(|r| r.search.clone())
                    on:input=move |ev| {
                        state.request.update(|r| r.set_search(event_target_value(&ev)));
                        load_listing(state);
                    }
                />
                <label class="sync-inline">
                    {move || tr!(lang, sync.browser.updated_since)}" "
                    <input
                        class="input"
                        type="date"
                        data-test="sync-since"
                        prop:value=move || state.request.with(|r| r.updated_since.clone())
                        on:input=move |ev| {
                            state.request.update(|r| r.set_updated_since(event_target_value(&ev)));
                            load_listing(state);
                        }
                    />
                </label>
                <label class="sync-check">
                    <input type="checkbox" data-test="sync-all-of-type" prop:checked=all_of_type.clone() on:change=toggle_all/>
                    {move || tr!(lang, sync.browser.all_of_type)}
                </label>
            </div>
            <table class="data-table">
                <thead>
                    <tr>
                        <th class="sync-check-cell">
                            <input
                                type="checkbox"
                                aria-label=move || tr!(lang, sync.browser.select_page)
                                title=move || tr!(lang, sync.browser.select_page)
                                data-test="sync-select-page"
                                disabled=all_of_type.clone()
                                prop:checked=page_selected
                                on:change=toggle_page
                            />
                        </th>
                        <th><button data-test="sync-sort-name" on:click=move |_| sort(SortField::Name)>{move || tr!(lang, sync.browser.name)}{move || sort_arrow(state, SortField::Name)}</button></th>
                        <th><button data-test="sync-sort-code" on:click=move |_| sort(SortField::Code)>{move || tr!(lang, sync.browser.code)}{move || sort_arrow(state, SortField::Code)}</button></th>
                        <th><button data-test="sync-sort-lastUpdated" on:click=move |_| sort(SortField::LastUpdated)>{move || tr!(lang, sync.browser.last_updated)}{move || sort_arrow(state, SortField::LastUpdated)}</button></th>
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
    }
}

#[component]
fn ObjectRow(state: SyncState, plural: String, object: ListedObject) -> impl IntoView {
    let lang = state.lang;
    let checked = {
        let plural = plural.clone();
        let id = object.id.clone();
        move || state.selection.with(|s| s.is_selected(&plural, &id))
    };
    let disabled = {
        let plural = plural.clone();
        move || state.selection.with(|s| s.is_all(&plural))
    };
    let toggled = object.clone();
    let updated = object
        .last_updated
        .as_deref()
        .map(|date| lang.date(&date.chars().take(10).collect::<String>()))
        .unwrap_or_default();
    view! {
        <tr data-test="data-table-row" data-id=object.id.clone()>
            <td class="sync-check-cell">
                <input
                    type="checkbox"
                    data-test="sync-row-check"
                    aria-label=tr!(lang, sync.browser.select_object, name = &object.display_name)
                    prop:checked=checked
                    disabled=disabled
                    on:change=move |_| state.selection.update(|s| s.toggle(&plural, &toggled))
                />
            </td>
            <td>{object.display_name.clone()}</td>
            <td>{object.code.clone().unwrap_or_default()}</td>
            <td>{updated}</td>
        </tr>
    }
}
