use leptos::prelude::*;
use leptos::task::spawn_local;
use mdsync_core::mapping::MappableObject;

use super::edit::{assign, assign_nested};
use super::fetch::{fetch, IdFilter, Listing};
use super::load::fetch_error;
use super::state::{Loadable, MappingState, NestedPick, RowsPage};
use crate::components::data_table::Pager;
use crate::components::loading::Loading;
use crate::components::org_unit_tree::{OrgUnitQuery, OrgUnitSource, OrgUnitTree};
use crate::l10n::messages::{dhis2_error, instance_error};
use crate::tr;
use mdsync_core::dhis2::org_units::{self, OrgUnitNode};
use mdsync_core::mapping::types::ORGANISATION_UNITS;

const PAGE_SIZE: u32 = 10;

/// The destination's organisation units, for the tree.
fn destination_units(state: MappingState) -> OrgUnitSource {
    OrgUnitSource::new(move |query| {
        let ctx = state.context();
        let instance = state.instance.get_untracked();
        let lang = state.lang;
        async move {
            let (Some(ctx), Some(instance)) = (ctx, instance) else {
                return Ok(Vec::new());
            };
            let client = ctx
                .client(&instance)
                .await
                .map_err(|e| instance_error(lang, &e))?;
            match query {
                OrgUnitQuery::Roots => org_units::fetch_roots(&client).await,
                OrgUnitQuery::Children(parent) => org_units::fetch_children(&client, &parent).await,
                OrgUnitQuery::Search { text, roots } => {
                    org_units::search(&client, &text, &roots).await
                }
            }
            .map_err(|e| dhis2_error(lang, &e))
        }
    })
}

/// Searches the destination for the object of the right type that `origin` becomes — a row of
/// the chosen type, or, with `nested`, one of its nested items (a program's stage or data
/// element, a data element's category option or option), searched among the destination's
/// objects of the nested type.
#[component]
pub fn TargetPicker(
    state: MappingState,
    origin: MappableObject,
    #[prop(optional)] nested: Option<NestedPick>,
) -> impl IntoView {
    let lang = state.lang;
    let choice = state.choice.get_untracked();
    let (plural, type_filter) = match &nested {
        Some(pick) => (
            mdsync_core::mapping::types::type_info(&pick.nested_type)
                .map(|info| info.destination)
                .unwrap_or(choice.destination),
            None,
        ),
        None => (choice.destination, choice.destination_filter),
    };
    let by_tree = nested.is_none() && choice.mapping_type == ORGANISATION_UNITS;
    let nested = StoredValue::new(nested);
    let close = move || {
        state.picking.set(None);
        state.picking_nested.set(None);
    };
    let search = RwSignal::new(String::new());
    let page = RwSignal::new(1u32);
    let found = RwSignal::new(Loadable::<RowsPage>::Idle);
    let generation = RwSignal::new(0u64);
    let load = move || {
        let (Some(ctx), Some(instance)) = (state.context(), state.instance.get_untracked()) else {
            return;
        };
        let (text, number) = (search.get_untracked(), page.get_untracked());
        let this = generation.get_untracked() + 1;
        generation.set(this);
        found.set(Loadable::Loading);
        spawn_local(async move {
            let loaded = async {
                let client = ctx
                    .client(&instance)
                    .await
                    .map_err(|e| instance_error(lang, &e))?;
                let listing = Listing {
                    plural,
                    type_filter,
                    search: &text,
                    ids: &IdFilter::All,
                    page: Some(number),
                    page_size: PAGE_SIZE,
                };
                fetch(&client, &listing)
                    .await
                    .map_err(|e| fetch_error(lang, &e))
            }
            .await;
            if generation.get_untracked() == this {
                found.set(match loaded {
                    Ok((rows, pager)) => Loadable::Ready(RowsPage { rows, pager }),
                    Err(message) => Loadable::Failed(message),
                });
            }
        });
    };
    if !by_tree {
        load();
    }
    let origin_name = origin.label().to_string();
    let origin = StoredValue::new(origin);
    let choose = move |target: MappableObject| {
        let chosen = state
            .draft
            .try_update(|draft| match nested.get_value() {
                Some(pick) => assign_nested(
                    draft,
                    choice,
                    &pick.row_key,
                    &pick.nested_type,
                    &pick.nested_key,
                    &target,
                ),
                None => origin.with_value(|origin| assign(draft, choice, origin, &target)),
            })
            .unwrap_or(false);
        if chosen {
            close();
        } else {
            state.notice.set(Some((
                crate::components::notice::NoticeKind::Error,
                tr!(lang, mapping.panel.cannot_pick),
            )));
        }
    };
    let results = move || {
        match found.get() {
        Loadable::Idle => ().into_any(),
        Loadable::Loading => view! { <Loading label=tr!(lang, common.loading)/> }.into_any(),
        Loadable::Failed(message) => {
            view! { <p class="field-error" data-test="mapping-picker-error">{message}</p> }.into_any()
        }
        Loadable::Ready(listed) if listed.rows.is_empty() => view! {
            <p class="data-table-empty" data-test="mapping-picker-empty">{tr!(lang, mapping.panel.picker_none)}</p>
        }
        .into_any(),
        Loadable::Ready(listed) => listed
            .rows
            .into_iter()
            .map(|target| {
                let name = target.label().to_string();
                let detail = format!(
                    "{}{}",
                    target.code.clone().map(|c| format!("{c} · ")).unwrap_or_default(),
                    target.id.as_ref().map(|id| id.to_string()).unwrap_or_default()
                );
                view! {
                    <li class="mapping-picker-item" data-test="mapping-picker-item">
                        <span>{name}<span class="mapping-sub">{detail}</span></span>
                        <button class="button button-small button-primary" data-test="mapping-picker-choose"
                            on:click=move |_| choose(target.clone())>
                            {tr!(lang, mapping.panel.choose)}
                        </button>
                    </li>
                }
            })
            .collect_view()
            .into_any(),
    }
    };
    let pager = move || match found.get() {
        Loadable::Ready(listed) => Some(listed.pager),
        _ => None,
    };
    let tree = by_tree.then(|| {
        // Organisation units: the destination's hierarchy, opened a level at a time; the
        // unit ticked is the target.
        let picked = RwSignal::new(Vec::<OrgUnitNode>::new());
        Effect::new(move |_| {
            if let Some(node) = picked.with(|units| units.last().cloned()) {
                choose(MappableObject {
                    id: node.id.parse().ok(),
                    name: node.name.clone(),
                    path: Some(node.path.clone()),
                    level: node.level.map(u64::from),
                    ..MappableObject::default()
                });
            }
        });
        view! { <OrgUnitTree source=destination_units(state) selected=picked/> }
    });
    view! {
        <div class="modal-backdrop">
            <div class="modal mapping-picker" role="dialog" aria-modal="true" data-test="mapping-picker">
                <h2 class="modal-title">{tr!(lang, mapping.panel.picker_title, name = origin_name)}</h2>
                {tree}
                <Show when=move || !by_tree>
                <input class="input" type="search" data-test="mapping-picker-search"
                    placeholder=tr!(lang, mapping.panel.picker_search)
                    prop:value=move || search.get()
                    on:input=move |ev| {
                        search.set(event_target_value(&ev));
                        page.set(1);
                        load();
                    }/>
                <ul class="mapping-picker-list">{results}</ul>
                <Pager
                    summary=Signal::derive(move || pager().map(|p| tr!(lang, mapping.panel.page_of,
                        page = lang.number(f64::from(p.page)), pages = lang.number(f64::from(p.page_count.max(1))))).unwrap_or_default())
                    has_previous=Signal::derive(move || pager().is_some_and(|p| p.page > 1))
                    has_next=Signal::derive(move || pager().is_some_and(|p| p.page < p.page_count))
                    on_previous=Callback::new(move |_| { page.update(|p| *p = p.saturating_sub(1).max(1)); load(); })
                    on_next=Callback::new(move |_| { page.update(|p| *p += 1); load(); })
                />
                </Show>
                <div class="modal-actions">
                    <button class="button" data-test="mapping-picker-cancel" on:click=move |_| close()>
                        {tr!(lang, common.cancel)}
                    </button>
                </div>
            </div>
        </div>
    }
}
