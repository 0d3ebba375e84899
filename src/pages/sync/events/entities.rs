use leptos::prelude::*;

use super::state::EventsState;
use crate::{counted, tr};

/// For tracker programs: all their tracked entities in the org units and period, or only the
/// ones listed (the entities of chosen events are added by the sync either way).
#[component]
pub fn ChosenEntities(state: EventsState) -> impl IntoView {
    let lang = state.lang;
    let has_tracker = move || !state.tracker_programs().is_empty();
    let only = move || state.only_chosen_entities.get();
    let listed = move || {
        state.chosen_entities.with(|text| {
            text.split(|c: char| c == ',' || c == ';' || c.is_whitespace())
                .filter(|id| !id.is_empty())
                .count()
        })
    };
    view! {
        <Show when=has_tracker fallback=move || view! {
            <p class="field-help" data-test="events-no-tracker">{tr!(lang, events.no_tracker_program)}</p>
        }>
            <div class="field" role="radiogroup" aria-label=tr!(lang, events.which_entities)>
                <label class="sync-check">
                    <input type="radio" name="events-entities" data-test="events-all-entities"
                        prop:checked=move || !only()
                        on:change=move |_| state.only_chosen_entities.set(false)/>
                    {tr!(lang, events.all_entities)}
                </label>
                <label class="sync-check">
                    <input type="radio" name="events-entities" data-test="events-only-entities"
                        prop:checked=only
                        on:change=move |_| state.only_chosen_entities.set(true)/>
                    {tr!(lang, events.chosen_entities)}
                </label>
            </div>
            <Show when=only>
                <div class="field">
                    <label for="events-entity-ids">{tr!(lang, events.entity_ids)}</label>
                    <textarea id="events-entity-ids" class="input" rows="3" data-test="events-entity-ids"
                        prop:value=move || state.chosen_entities.get()
                        on:input=move |ev| state.chosen_entities.set(event_target_value(&ev))/>
                    <span class="field-help">
                        {move || counted!(lang, events.entities_listed, listed())}
                        " "{tr!(lang, events.entity_ids_help)}
                    </span>
                </div>
            </Show>
        </Show>
    }
}
