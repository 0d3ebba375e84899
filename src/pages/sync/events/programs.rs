use leptos::prelude::*;

use super::load::load_events;
use super::state::EventsState;
use crate::components::loading::Loading;
use crate::pages::sync::common::Loadable;
use crate::{counted, tr};

/// The origin's programs, event and tracker, with a filter; each one a checkbox.
#[component]
pub fn ProgramPicker(state: EventsState) -> impl IntoView {
    let lang = state.lang;
    let filter = RwSignal::new(String::new());
    let list = move || match state.programs.get() {
        Loadable::Idle | Loadable::Loading => {
            view! { <Loading label=tr!(lang, events.programs_loading)/> }.into_any()
        }
        Loadable::Failed(message) => {
            view! { <p class="field-error" data-test="events-programs-error">{message}</p> }
                .into_any()
        }
        Loadable::Ready(all) if all.is_empty() => view! {
            <p class="field-help" data-test="events-no-programs">{tr!(lang, events.no_programs)}</p>
        }
        .into_any(),
        Loadable::Ready(all) => {
            let text = filter.get().to_lowercase();
            all.into_iter()
                .filter(|p| text.is_empty() || p.display_name.to_lowercase().contains(&text))
                .map(|program| {
                    let id = program.id.clone();
                    let (checked_id, change_id) = (id.clone(), id.clone());
                    let kind = if program.is_tracker() {
                        tr!(lang, events.tracker_program)
                    } else {
                        tr!(lang, events.event_program)
                    };
                    view! {
                        <label class="sync-check" data-test="events-program" data-id=id.clone()>
                            <input
                                type="checkbox"
                                data-test=format!("events-program-{id}")
                                prop:checked=move || state.chosen_programs.with(|c| c.contains(&checked_id))
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    state.chosen_programs.update(|c| {
                                        c.retain(|x| *x != change_id);
                                        if on {
                                            c.push(change_id.clone());
                                        }
                                    });
                                    // The table lists a chosen program: the first one by default.
                                    let listed = state.table.with_untracked(|t| t.program.clone());
                                    let chosen = state.chosen_programs.get_untracked();
                                    if !chosen.contains(&listed) {
                                        state.table.update(|t| {
                                            t.program = chosen.first().cloned().unwrap_or_default();
                                            t.page = 1;
                                        });
                                        state.chosen_events.update(|e| e.retain(|x| chosen.contains(&x.program)));
                                        load_events(state);
                                    }
                                }
                            />
                            <span>{program.display_name.clone()}</span>
                            " "
                            <span class="sync-badge" data-test="events-program-kind">{kind}</span>
                        </label>
                    }
                })
                .collect_view()
                .into_any()
        }
    };
    view! {
        <div class="field">
            <input
                class="input"
                type="search"
                placeholder=tr!(lang, events.filter_programs)
                aria-label=tr!(lang, events.filter_programs)
                data-test="events-program-filter"
                prop:value=move || filter.get()
                on:input=move |ev| filter.set(event_target_value(&ev))
            />
        </div>
        <div class="events-program-list" data-test="events-programs">{list}</div>
        <p class="field-help" data-test="events-programs-chosen">
            {move || counted!(lang, events.programs_chosen, state.chosen_programs.with(Vec::len))}
        </p>
    }
}
