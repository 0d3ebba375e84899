use leptos::prelude::*;
use mdsync_core::dhis2::org_units::OrgUnitNode;

use super::{load_into, toggle, OrgUnitQuery, OrgUnitSource, Units};
use crate::l10n::use_language;
use crate::tr;

/// A search by name (on Enter or the button), its results with a checkbox each.
#[component]
pub fn TreeSearch(
    source: OrgUnitSource,
    selected: RwSignal<Vec<OrgUnitNode>>,
    #[prop(into)] roots: Signal<Vec<String>>,
) -> impl IntoView {
    let lang = use_language();
    let text = RwSignal::new(String::new());
    let results = RwSignal::new(None::<RwSignal<Units>>);
    let run = move || {
        let query = text.get_untracked();
        if query.trim().is_empty() {
            results.set(None);
            return;
        }
        let target = RwSignal::new(Units::Loading);
        load_into(
            &source,
            OrgUnitQuery::Search {
                text: query,
                roots: roots.get_untracked(),
            },
            target,
        );
        results.set(Some(target));
    };
    let found = move || {
        let target = results.get()?;
        Some(match target.get() {
            Units::Loading => view! { <p class="field-help">{tr!(lang, org_unit_tree.searching)}</p> }.into_any(),
            Units::Failed(message) => view! {
                <p class="field-error" data-test="org-unit-tree-error">{message}</p>
            }
            .into_any(),
            Units::Ready(units) if units.is_empty() => view! {
                <p class="field-help" data-test="org-unit-search-none">{tr!(lang, org_unit_tree.no_match)}</p>
            }
            .into_any(),
            Units::Ready(units) => view! {
                <ul class="org-unit-search-results" data-test="org-unit-search-results">
                    {units
                        .into_iter()
                        .map(|node| {
                            let id = node.id.clone();
                            let picked = node.clone();
                            let level = node
                                .level
                                .map(|level| tr!(lang, org_unit_tree.level, level = level))
                                .unwrap_or_default();
                            view! {
                                <li data-test="org-unit-search-result" data-id=node.id.clone()>
                                    <label class="sync-check">
                                        <input
                                            type="checkbox"
                                            data-test="org-unit-check"
                                            prop:checked=move || selected.with(|u| u.iter().any(|u| u.id == id))
                                            on:change=move |ev| toggle(selected, &picked, event_target_checked(&ev))
                                        />
                                        <span>{node.name.clone()}</span>
                                        <span class="field-help">{level}</span>
                                    </label>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            }
            .into_any(),
        })
    };
    view! {
        <form
            class="org-unit-search data-table-toolbar"
            on:submit=move |ev| {
                ev.prevent_default();
                run();
            }
        >
            <input
                class="input"
                type="search"
                data-test="org-unit-search"
                placeholder=tr!(lang, org_unit_tree.search)
                prop:value=move || text.get()
                on:input=move |ev| {
                    text.set(event_target_value(&ev));
                    if text.with_untracked(|t| t.trim().is_empty()) {
                        results.set(None);
                    }
                }
            />
            <button class="button button-small" type="submit" data-test="org-unit-search-go">
                {tr!(lang, org_unit_tree.search_button)}
            </button>
        </form>
        {found}
    }
}
