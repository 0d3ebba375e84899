//! The metadata types of an instance, grouped (aggregated, tracker, org units …), as a list of
//! buttons; the chosen one is marked, and a count says what is picked of each.

use leptos::prelude::*;
use mdsync_core::browse::TypeCatalog;

/// `counts` holds (plural, label) for the types that have picks.
#[component]
pub fn TypeList(
    #[prop(into)] catalog: Signal<TypeCatalog>,
    #[prop(into)] current: Signal<Option<String>>,
    #[prop(into)] counts: Signal<Vec<(String, String)>>,
    on_pick: Callback<String>,
) -> impl IntoView {
    move || {
        catalog.with(|catalog| {
            catalog
                .groups()
                .iter()
                .map(|(group, entries)| {
                    let buttons = entries
                        .iter()
                        .map(|entry| {
                            let plural = entry.plural.clone();
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
                                        <span>{entry.label.clone()}</span>
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
                            <summary>{group.label()}</summary>
                            <ul>{buttons}</ul>
                        </details>
                    }
                })
                .collect_view()
        })
    }
}
