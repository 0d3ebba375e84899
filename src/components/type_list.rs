//! The metadata types of an instance, grouped (aggregated, tracker, org units …), as a list of
//! buttons; the chosen one is marked, and a count says what is picked of each.

use leptos::prelude::*;
use mdsync_core::browse::TypeCatalog;

use crate::l10n::messages::{type_group, type_label};
use crate::l10n::use_language;

/// `counts` holds (plural, label) for the types that have picks.
#[component]
pub fn TypeList(
    #[prop(into)] catalog: Signal<TypeCatalog>,
    #[prop(into)] current: Signal<Option<String>>,
    #[prop(into)] counts: Signal<Vec<(String, String)>>,
    on_pick: Callback<String>,
) -> impl IntoView {
    let lang = use_language();
    move || {
        catalog.with(|catalog| {
            catalog
                .groups()
                .iter()
                .map(|(group, entries)| {
                    // Named and sorted in the user's language.
                    let mut named: Vec<(String, String)> = entries
                        .iter()
                        .map(|entry| (type_label(lang, &entry.plural), entry.plural.clone()))
                        .collect();
                    named.sort_by_key(|(label, _)| label.to_lowercase());
                    let buttons = named
                        .into_iter()
                        .map(|(label, plural)| {
                            let plural_current = plural.clone();
                            let plural_count = plural.clone();
                            let is_current = move || current.with(|c| c.as_deref() == Some(plural_current.as_str()));
                            let count = move || {
                                counts.with(|all| {
                                    all.iter()
                                        .find(|(p, _)| *p == plural_count)
                                        .map(|(_, label)| label.clone())
                                })
                            };
                            view! {
                                <li>
                                    <button
                                        class="type-list-item"
                                        class:type-list-current=is_current.clone()
                                        aria-pressed=move || is_current().to_string()
                                        data-test=format!("type-{plural}")
                                        on:click=move |_| on_pick.run(plural.clone())
                                    >
                                        <span>{label}</span>
                                        {move || count().map(|label| view! {
                                            <span class="tag" data-test="type-count">{label}</span>
                                        })}
                                    </button>
                                </li>
                            }
                        })
                        .collect_view();
                    view! {
                        <details class="type-list-group" open=true data-test=format!("type-group-{}", group.key())>
                            <summary>{type_group(lang, *group)}</summary>
                            <ul>{buttons}</ul>
                        </details>
                    }
                })
                .collect_view()
        })
    }
}
