//! What the options of the aggregated and events pages share: a checkbox over one switch of
//! the options, with what it does, and the time steps of aggregation.

use leptos::prelude::*;
use mdsync_core::sync::aggregated::AggregationType;

use crate::l10n::Language;
use crate::tr;

/// The time steps of aggregation, with their value in the page's select boxes.
pub const AGGREGATION_TYPES: [(&str, AggregationType); 5] = [
    ("daily", AggregationType::Daily),
    ("weekly", AggregationType::Weekly),
    ("monthly", AggregationType::Monthly),
    ("quarterly", AggregationType::Quarterly),
    ("yearly", AggregationType::Yearly),
];

/// A time step as the user reads it.
pub fn aggregation_text(lang: Language, kind: AggregationType) -> String {
    match kind {
        AggregationType::Daily => tr!(lang, aggregated.options.daily),
        AggregationType::Weekly => tr!(lang, aggregated.options.weekly),
        AggregationType::Monthly => tr!(lang, aggregated.options.monthly),
        AggregationType::Quarterly => tr!(lang, aggregated.options.quarterly),
        AggregationType::Yearly => tr!(lang, aggregated.options.yearly),
    }
}

/// `get`/`set` read and write the switch in the page's options.
pub fn option_switch<O: Send + Sync + 'static>(
    options: RwSignal<O>,
    data_test: &'static str,
    label: String,
    help: String,
    get: fn(&O) -> bool,
    set: fn(&mut O, bool),
) -> impl IntoView {
    view! {
        <div class="field">
            <label class="sync-check">
                <input
                    type="checkbox"
                    data-test=data_test
                    prop:checked=move || options.with(get)
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        options.update(|o| set(o, on));
                    }
                />
                {label}
            </label>
            <span class="field-help">{help}</span>
        </div>
    }
}
