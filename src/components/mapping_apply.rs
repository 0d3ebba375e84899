//! "Apply mapping" on a metadata sync (MDSync's `enableMapping`): a checkbox that is only
//! offered when there is a mapping to apply — for a push, one stored toward a chosen
//! destination; for a pull, the origin's (applied inverted). The stored mappings are read
//! through core's guarded storage.

use leptos::prelude::*;
use leptos::task::spawn_local;
use mdsync_core::access::Actor;
use mdsync_core::dhis2::Version;
use mdsync_core::model::LOCAL_INSTANCE_ID;
use mdsync_core::storage::Storage;
use serde_json::Value;

use crate::l10n::messages::storage_error;
use crate::l10n::use_language;
use crate::services::Services;
use crate::tr;

/// What the check of the stored mappings found.
#[derive(Debug, Clone, PartialEq)]
enum Availability {
    Checking,
    /// No destination chosen yet.
    NoDestination,
    Available,
    NoMapping {
        pull: bool,
    },
    Failed(String),
}

fn has_entries(stored: &Option<Value>) -> bool {
    matches!(stored, Some(Value::Object(types)) if types.values().any(|entries| {
        entries.as_object().is_some_and(|entries| !entries.is_empty())
    }))
}

/// The checkbox, disabled with the reason when no mapping applies.
#[component]
pub fn ApplyMappingSwitch(
    services: Services,
    version: Version,
    actor: Actor,
    #[prop(into)] origin: Signal<String>,
    #[prop(into)] destinations: Signal<Vec<String>>,
    #[prop(into)] checked: Signal<bool>,
    on_change: Callback<bool>,
) -> impl IntoView {
    let lang = use_language();
    let availability = RwSignal::new(Availability::Checking);
    let generation = RwSignal::new(0u64);
    let services = StoredValue::new(services);
    let actor = StoredValue::new(actor);
    Effect::new(move |_| {
        let origin = origin.get();
        let destinations = destinations.get();
        let this = generation.get_untracked() + 1;
        generation.set(this);
        let pull = origin != LOCAL_INSTANCE_ID;
        if destinations.is_empty() {
            availability.set(Availability::NoDestination);
            return;
        }
        availability.set(Availability::Checking);
        let storage = Storage::new(services.get_value().local_client(), version.clone());
        let actor = actor.get_value();
        spawn_local(async move {
            // A pull applies the origin's mapping, inverted; a push each destination's own.
            let remotes = if pull { vec![origin] } else { destinations };
            let mut found = Ok(false);
            for id in remotes {
                match storage.mapping_for::<Value>(&actor, &id).await {
                    Ok(stored) if has_entries(&stored) => {
                        found = Ok(true);
                        break;
                    }
                    Ok(_) => {}
                    Err(error) => {
                        found = Err(storage_error(lang, &error));
                        break;
                    }
                }
            }
            if generation.get_untracked() != this {
                return;
            }
            let now = match found {
                Ok(true) => Availability::Available,
                Ok(false) => Availability::NoMapping { pull },
                Err(message) => Availability::Failed(message),
            };
            if now != Availability::Available && checked.get_untracked() {
                on_change.run(false);
            }
            availability.set(now);
        });
    });
    let enabled = move || availability.with(|a| *a == Availability::Available);
    let explanation = move || match availability.get() {
        Availability::Checking | Availability::Available => None,
        Availability::NoDestination => Some(tr!(lang, mapping.apply.choose_destination)),
        Availability::NoMapping { pull: false } => Some(tr!(lang, mapping.apply.no_mapping)),
        Availability::NoMapping { pull: true } => Some(tr!(lang, mapping.apply.no_origin_mapping)),
        Availability::Failed(message) => {
            Some(tr!(lang, mapping.apply.check_failed, error = message))
        }
    };
    view! {
        <div class="sync-option" data-test="opt-apply-mapping-field">
            <label class="sync-check">
                <input
                    type="checkbox"
                    data-test="opt-apply-mapping"
                    disabled=move || !enabled()
                    prop:checked=move || checked.get() && enabled()
                    on:change=move |ev| on_change.run(event_target_checked(&ev))
                />
                {move || tr!(lang, mapping.apply.label)}
            </label>
            {move || explanation().map(|text| view! {
                <p class="field-help" data-test="opt-apply-mapping-help">
                    {text}" "<a href="#/mapping">{tr!(lang, mapping.apply.open_panel)}</a>
                </p>
            })}
        </div>
    }
}
