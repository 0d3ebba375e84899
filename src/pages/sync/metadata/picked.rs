use leptos::prelude::*;

use super::state::SyncState;
use crate::l10n::messages::type_label;
use crate::tr;

/// The running list of what is selected: per type, a count and removable chips.
#[component]
pub fn PickedList(state: SyncState) -> impl IntoView {
    let lang = state.lang;
    let label_of = move |plural: &str| type_label(lang, plural);
    let lines = move || {
        let lines = state.selection.with(|s| s.lines());
        if lines.is_empty() {
            return view! {
                <p class="field-help" data-test="sync-picked-empty">{tr!(lang, sync.picked.nothing)}</p>
            }
            .into_any();
        }
        lines
            .into_iter()
            .map(|line| {
                let plural = line.plural.clone();
                let remove_type = plural.clone();
                let count = if line.all {
                    tr!(lang, sync.picked.all_count)
                } else {
                    lang.number(line.objects.len() as f64)
                };
                let type_label = label_of(&line.plural);
                let chips = if line.all {
                    view! { <span class="chip" data-test="sync-picked-all">{tr!(lang, sync.picked.all_objects)}</span> }
                        .into_any()
                } else {
                    line.objects
                        .into_iter()
                        .map(|(id, name)| {
                            let plural = plural.clone();
                            let remove_id = id.clone();
                            view! {
                                <span class="chip" data-test="sync-picked-item" data-id=id>
                                    {name.clone()}
                                    <button
                                        class="chip-remove"
                                        aria-label=tr!(lang, sync.picked.remove_one, name = name)
                                        data-test="sync-picked-remove"
                                        on:click=move |_| state.selection.update(|s| s.remove(&plural, &remove_id))
                                    >
                                        "×"
                                    </button>
                                </span>
                            }
                        })
                        .collect_view()
                        .into_any()
                };
                view! {
                    <li class="sync-picked-line" data-test="sync-picked-line" data-type=plural.clone()>
                        <span class="sync-picked-type">{type_label}</span>
                        " "
                        <span class="tag" data-test="sync-picked-count">{count}</span>
                        <span class="sync-picked-chips">{chips}</span>
                        <button
                            class="button button-small"
                            data-test="sync-picked-clear-type"
                            on:click=move |_| state.selection.update(|s| s.clear_type(&remove_type))
                        >
                            {tr!(lang, sync.picked.remove)}
                        </button>
                    </li>
                }
            })
            .collect_view()
            .into_any()
    };
    view! {
        <div class="sync-picked" data-test="sync-picked">
            <h3>{move || tr!(lang, sync.picked.title)}</h3>
            <ul class="sync-picked-lines">{lines}</ul>
            <Show when=move || !state.selection.with(|s| s.is_empty())>
                <button class="button button-small" data-test="sync-picked-clear" on:click=move |_| state.selection.update(|s| s.clear())>
                    {move || tr!(lang, sync.picked.clear)}
                </button>
            </Show>
        </div>
    }
}
