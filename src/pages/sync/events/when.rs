use leptos::prelude::*;
use mdsync_core::sync::events::{EventsPeriodField, TrackedEntitiesPeriodField};

use super::load::load_events;
use super::state::EventsState;
use crate::components::period_picker::PeriodPicker;
use crate::tr;

/// The period, and which date of events and of tracked entities it applies to.
#[component]
pub fn EventsWhen(state: EventsState) -> impl IntoView {
    let lang = state.lang;
    // Another period or date lists other events.
    Effect::new(move |previous: Option<()>| {
        state.period.track();
        state.events_field.track();
        if previous.is_some() {
            state.table.update(|t| t.page = 1);
            load_events(state);
        }
    });
    let has_tracker = move || !state.tracker_programs().is_empty();
    view! {
        <PeriodPicker period=state.period/>
        <div class="field">
            <label for="events-period-field">{tr!(lang, events.events_date)}</label>
            <select id="events-period-field" class="input" data-test="events-period-field"
                on:change=move |ev| state.events_field.set(match event_target_value(&ev).as_str() {
                    "lastUpdated" => EventsPeriodField::LastUpdated,
                    _ => EventsPeriodField::Occurred,
                })>
                <option value="occurred" selected=move || state.events_field.get() == EventsPeriodField::Occurred>
                    {tr!(lang, events.date_occurred)}
                </option>
                <option value="lastUpdated" selected=move || state.events_field.get() == EventsPeriodField::LastUpdated>
                    {tr!(lang, events.date_last_updated)}
                </option>
            </select>
        </div>
        <div class="field" hidden=move || !has_tracker()>
            <label for="events-entities-period-field">{tr!(lang, events.entities_date)}</label>
            <select id="events-entities-period-field" class="input" data-test="events-entities-period-field"
                on:change=move |ev| state.entities_field.set(match event_target_value(&ev).as_str() {
                    "lastUpdated" => TrackedEntitiesPeriodField::LastUpdated,
                    _ => TrackedEntitiesPeriodField::Enrollment,
                })>
                <option value="enrollment" selected=move || state.entities_field.get() == TrackedEntitiesPeriodField::Enrollment>
                    {tr!(lang, events.date_enrollment)}
                </option>
                <option value="lastUpdated" selected=move || state.entities_field.get() == TrackedEntitiesPeriodField::LastUpdated>
                    {tr!(lang, events.date_last_updated)}
                </option>
            </select>
        </div>
    }
}
