use leptos::prelude::*;
use mdsync_core::sync::events::selection::AsAggregated;

use super::state::EventsState;
use crate::pages::sync::common::options::{aggregation_text, option_switch, AGGREGATION_TYPES};
use crate::tr;

/// How the objects are written.
#[component]
pub fn EventsOptions(state: EventsState) -> impl IntoView {
    let lang = state.lang;
    view! {
        {option_switch(state.options, "events-new-uids", tr!(lang, events.options.new_uids), tr!(lang, events.options.new_uids_help),
            |o| o.new_uids, |o, on| o.new_uids = on)}
        {option_switch(state.options, "events-no-geometry", tr!(lang, events.options.no_geometry), tr!(lang, events.options.no_geometry_help),
            |o| o.exclude_geometry, |o, on| o.exclude_geometry = on)}
        {option_switch(state.options, "events-no-relationships", tr!(lang, events.options.no_relationships), tr!(lang, events.options.no_relationships_help),
            |o| o.exclude_relationships, |o, on| o.exclude_relationships = on)}
        {option_switch(state.options, "events-skip-side-effects", tr!(lang, events.options.skip_side_effects), tr!(lang, events.options.skip_side_effects_help),
            |o| o.skip_side_effects, |o, on| o.skip_side_effects = on)}
        {option_switch(state.options, "events-async", tr!(lang, events.options.async_import), tr!(lang, events.options.async_import_help),
            |o| o.async_import, |o, on| o.async_import = on)}
        <AsAggregatedOption state/>
    }
}

/// "Send program data as aggregated values": the events' values added up per period into the
/// mapped aggregated data elements, imported as data values.
#[component]
pub fn AsAggregatedOption(state: EventsState) -> impl IntoView {
    let lang = state.lang;
    let on = move || state.options.with(|o| o.as_aggregated.is_some());
    let choices = move || {
        AGGREGATION_TYPES
        .iter()
        .map(|(key, kind)| {
            let (key, kind) = (*key, *kind);
            view! {
                <option value=key selected=move || state.options.with(|o| o.as_aggregated.as_ref().is_some_and(|a| a.aggregation_type == kind))>
                    {aggregation_text(lang, kind)}
                </option>
            }
        })
        .collect_view()
    };
    view! {
        <div class="field">
            <label class="sync-check">
                <input
                    type="checkbox"
                    data-test="events-as-aggregated"
                    prop:checked=on
                    on:change=move |ev| {
                        let checked = event_target_checked(&ev);
                        state.options.update(|o| o.as_aggregated = checked.then(AsAggregated::default));
                    }
                />
                {tr!(lang, events.options.as_aggregated)}
            </label>
            <span class="field-help">{tr!(lang, events.options.as_aggregated_help)}</span>
        </div>
        <Show when=on>
            <div class="field sync-option">
                <label>
                    {tr!(lang, aggregated.options.aggregation_type)}
                    <select class="input" data-test="events-aggregation-type"
                        on:change=move |ev| {
                            let key = event_target_value(&ev);
                            if let Some((_, kind)) = AGGREGATION_TYPES.iter().find(|(k, _)| *k == key) {
                                state.options.update(|o| {
                                    if let Some(a) = o.as_aggregated.as_mut() {
                                        a.aggregation_type = *kind;
                                    }
                                });
                            }
                        }>
                        {choices}
                    </select>
                </label>
            </div>
            <label class="sync-check">
                <input
                    type="checkbox"
                    data-test="events-as-aggregated-indicators"
                    prop:checked=move || state.options.with(|o| o.as_aggregated.as_ref().is_some_and(|a| a.program_indicators))
                    on:change=move |ev| {
                        let checked = event_target_checked(&ev);
                        state.options.update(|o| {
                            if let Some(a) = o.as_aggregated.as_mut() {
                                a.program_indicators = checked;
                            }
                        });
                    }
                />
                {tr!(lang, events.options.as_aggregated_indicators)}
            </label>
        </Show>
    }
}
