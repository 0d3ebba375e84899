use leptos::prelude::*;
use mdsync_core::dhis2::org_units::OrgUnitNode;

use super::{load_into, toggle, OrgUnitQuery, OrgUnitSource, Units};
use crate::l10n::use_language;
use crate::tr;

/// One unit: a caret that opens it (reading its children the first time), a checkbox, its name.
#[component]
pub fn TreeNode(
    node: OrgUnitNode,
    source: OrgUnitSource,
    selected: RwSignal<Vec<OrgUnitNode>>,
) -> AnyView {
    let lang = use_language();
    let open = RwSignal::new(false);
    let children = RwSignal::new(None::<RwSignal<Units>>);
    let can_open = node.has_children != Some(false);
    let id = node.id.clone();
    let toggle_open = {
        let source = source.clone();
        let id = id.clone();
        move |_| {
            if children.get_untracked().is_none() {
                let target = RwSignal::new(Units::Loading);
                load_into(&source, OrgUnitQuery::Children(id.clone()), target);
                children.set(Some(target));
            }
            open.update(|o| *o = !*o);
        }
    };
    let checked = {
        let id = id.clone();
        move || selected.with(|units| units.iter().any(|u| u.id == id))
    };
    let picked = node.clone();
    let list = move || {
        let target = children.get().filter(|_| open.get())?;
        Some(match target.get() {
            Units::Loading => view! {
                <li class="field-help">{tr!(lang, org_unit_tree.loading)}</li>
            }
            .into_any(),
            Units::Failed(message) => view! {
                <li class="field-error" data-test="org-unit-tree-error">{message}</li>
            }
            .into_any(),
            Units::Ready(units) if units.is_empty() => view! {
                <li class="field-help">{tr!(lang, org_unit_tree.no_children)}</li>
            }
            .into_any(),
            Units::Ready(units) => units
                .into_iter()
                .map(|node| view! { <TreeNode node source=source.clone() selected/> })
                .collect_view()
                .into_any(),
        })
    };
    view! {
        <li class="org-unit-node" role="treeitem" data-test="org-unit-node" data-id=id.clone()
            aria-expanded=move || can_open.then(|| open.get().to_string())>
            <div class="org-unit-row">
                {if can_open {
                    view! {
                        <button
                            class="org-unit-caret"
                            data-test="org-unit-open"
                            aria-label=tr!(lang, org_unit_tree.open, name = &node.name)
                            on:click=toggle_open
                        >
                            {move || if open.get() { "▾" } else { "▸" }}
                        </button>
                    }
                    .into_any()
                } else {
                    view! { <span class="org-unit-caret"></span> }.into_any()
                }}
                <label class="sync-check">
                    <input
                        type="checkbox"
                        data-test="org-unit-check"
                        prop:checked=checked
                        on:change=move |ev| toggle(selected, &picked, event_target_checked(&ev))
                    />
                    <span>{node.name.clone()}</span>
                </label>
            </div>
            <ul class="org-unit-children" role="group" data-test="org-unit-children">
                {list}
            </ul>
        </li>
    }
    .into_any()
}
