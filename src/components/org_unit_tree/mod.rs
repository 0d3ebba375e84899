//! Organisation units as DHIS2 shows them: the user's roots, children read when a unit is
//! opened (never the whole hierarchy), a checkbox per unit, a search by name, and "include the
//! units below". Where the units come from is the caller's ([`OrgUnitSource`]), so the sync,
//! mapping and events pages share it.

mod node;
mod search;

use std::future::Future;
use std::rc::Rc;

use futures::future::LocalBoxFuture;
use leptos::prelude::*;
use leptos::task::spawn_local;
use mdsync_core::dhis2::org_units::OrgUnitNode;
use send_wrapper::SendWrapper;

use crate::components::loading::Loading;
use crate::l10n::use_language;
use crate::tr;
use node::TreeNode;
use search::TreeSearch;

/// What the tree asks its source for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OrgUnitQuery {
    /// The user's top units.
    Roots,
    /// The children of a unit.
    Children(String),
    /// Units whose name contains the text, below `roots`.
    Search { text: String, roots: Vec<String> },
}

/// Units, or the reason they could not be read (in the user's language).
pub type Loaded = Result<Vec<OrgUnitNode>, String>;

type LoadFn = dyn Fn(OrgUnitQuery) -> LocalBoxFuture<'static, Loaded>;

/// Where the tree reads units (an instance's client, usually).
#[derive(Clone)]
pub struct OrgUnitSource(SendWrapper<Rc<LoadFn>>);

impl OrgUnitSource {
    pub fn new<F, Fut>(load: F) -> Self
    where
        F: Fn(OrgUnitQuery) -> Fut + 'static,
        Fut: Future<Output = Loaded> + 'static,
    {
        OrgUnitSource(SendWrapper::new(Rc::new(move |query| {
            Box::pin(load(query)) as LocalBoxFuture<'static, Loaded>
        })))
    }

    pub fn load(&self, query: OrgUnitQuery) -> LocalBoxFuture<'static, Loaded> {
        (self.0)(query)
    }
}

/// Loading, loaded, or failed, for one list of units.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Units {
    Loading,
    Ready(Vec<OrgUnitNode>),
    Failed(String),
}

/// Reads `query` into `target`.
pub(crate) fn load_into(source: &OrgUnitSource, query: OrgUnitQuery, target: RwSignal<Units>) {
    target.set(Units::Loading);
    let loading = source.load(query);
    spawn_local(async move {
        target.set(match loading.await {
            Ok(units) => Units::Ready(units),
            Err(message) => Units::Failed(message),
        });
    });
}

/// Picks or unpicks a unit.
pub(crate) fn toggle(selected: RwSignal<Vec<OrgUnitNode>>, node: &OrgUnitNode, checked: bool) {
    selected.update(|units| {
        units.retain(|unit| unit.id != node.id);
        if checked {
            units.push(node.clone());
        }
    });
}

/// The tree. `selected`: the picked units (with names, for the chips); `include_descendants`,
/// when given, adds the "include the units below" switch.
#[component]
pub fn OrgUnitTree(
    source: OrgUnitSource,
    selected: RwSignal<Vec<OrgUnitNode>>,
    #[prop(optional)] include_descendants: Option<RwSignal<bool>>,
) -> impl IntoView {
    let lang = use_language();
    let roots = RwSignal::new(Units::Loading);
    load_into(&source, OrgUnitQuery::Roots, roots);
    let root_ids = Signal::derive(move || match roots.get() {
        Units::Ready(units) => units.into_iter().map(|u| u.id).collect(),
        _ => Vec::new(),
    });
    let tree = {
        let source = source.clone();
        move || {
            match roots.get() {
            Units::Loading => view! { <Loading label=tr!(lang, org_unit_tree.loading)/> }.into_any(),
            Units::Failed(message) => view! {
                <p class="field-error" data-test="org-unit-tree-error">{message}</p>
            }
            .into_any(),
            Units::Ready(units) if units.is_empty() => view! {
                <p class="field-help" data-test="org-unit-tree-empty">{tr!(lang, org_unit_tree.no_roots)}</p>
            }
            .into_any(),
            Units::Ready(units) => units
                .into_iter()
                .map(|node| view! { <TreeNode node source=source.clone() selected/> })
                .collect_view()
                .into_any(),
        }
        }
    };
    let chips = move || {
        selected
            .get()
            .into_iter()
            .map(|node| {
                let removed = node.clone();
                view! {
                    <span class="chip" data-test="org-unit-chip" data-id=node.id.clone()>
                        {node.name.clone()}
                        <button
                            class="chip-remove"
                            aria-label=tr!(lang, org_unit_tree.remove, name = &node.name)
                            on:click=move |_| toggle(selected, &removed, false)
                        >
                            "×"
                        </button>
                    </span>
                }
            })
            .collect_view()
    };
    view! {
        <div class="org-unit-tree" data-test="org-unit-tree">
            <TreeSearch source selected roots=root_ids/>
            <ul class="org-unit-tree-list" role="tree" aria-label=tr!(lang, org_unit_tree.label)>
                {tree}
            </ul>
            {include_descendants.map(|include| view! {
                <label class="sync-check">
                    <input
                        type="checkbox"
                        data-test="org-unit-tree-descendants"
                        prop:checked=move || include.get()
                        on:change=move |ev| include.set(event_target_checked(&ev))
                    />
                    {tr!(lang, org_unit_tree.include_descendants)}
                </label>
            })}
            <div class="org-unit-tree-selected" data-test="org-unit-tree-selected">
                <strong>{move || crate::counted!(lang, org_unit_tree.selected, selected.with(Vec::len))}</strong>
                " "
                <span class="sync-picked-chips">{chips}</span>
            </div>
        </div>
    }
}
