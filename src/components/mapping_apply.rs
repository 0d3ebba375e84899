//! "Apply mapping" on a metadata sync (MDSync's `enableMapping`): a checkbox that is only
//! offered when there is a mapping to apply — for a push, one stored toward a chosen
//! destination; for a pull, the origin's (applied inverted). The stored mappings are read
//! through core's guarded storage. Before a run with it on, core's checks
//! (`mdsync_core::mapping::check_mapping_before_run`) are shown in [`MappingChecksDialog`].

use leptos::prelude::*;
use leptos::task::spawn_local;
use mdsync_core::access::Actor;
use mdsync_core::dhis2::{Transport, Version};
use mdsync_core::instances::InstanceManager;
use mdsync_core::mapping::{check_mapping_before_run, MappingCheck};
use mdsync_core::model::LOCAL_INSTANCE_ID;
use mdsync_core::storage::Storage;
use mdsync_core::sync::SyncRequest;
use serde_json::Value;

use crate::l10n::messages::{finding_text, named_instance, run_error, storage_error};
use crate::l10n::{use_language, Language};
use crate::services::Services;
use crate::{counted, tr};

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

/// The checkbox, disabled with the reason when no mapping applies. A switch that is off unless
/// turned on (metadata) is turned off when no mapping applies; one that is on unless turned
/// off (`keep_when_unavailable`: aggregated, where the mapping always applied) keeps its value
/// for when a destination with a mapping is chosen.
#[component]
pub fn ApplyMappingSwitch(
    services: Services,
    version: Version,
    actor: Actor,
    #[prop(into)] origin: Signal<String>,
    #[prop(into)] destinations: Signal<Vec<String>>,
    #[prop(into)] checked: Signal<bool>,
    on_change: Callback<bool>,
    #[prop(optional)] keep_when_unavailable: bool,
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
            if now != Availability::Available && checked.get_untracked() && !keep_when_unavailable {
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

/// How the checks before a run ended.
#[derive(Debug, Clone, PartialEq)]
pub enum CheckOutcome {
    /// Nothing to tell: the run may start.
    Clear,
    /// Findings, now in the dialog's signal: the user decides.
    Found,
    /// The checks could not be made (the message says why); the run does not start.
    Failed(String),
}

/// Runs core's mapping checks for `request` before a run. Findings go into `found` (shown by
/// [`MappingChecksDialog`]); `on_outcome` tells the page how it ended.
pub fn check_before_run<T: Transport + 'static>(
    lang: Language,
    manager: InstanceManager,
    storage: Storage<T>,
    request: SyncRequest,
    found: RwSignal<Option<MappingCheck>>,
    on_outcome: Callback<CheckOutcome>,
) {
    spawn_local(async move {
        match check_mapping_before_run(&manager, &storage, &request).await {
            Ok(check) if check.needs_decision() => {
                found.set(Some(check));
                on_outcome.run(CheckOutcome::Found);
            }
            Ok(_) => on_outcome.run(CheckOutcome::Clear),
            Err(error) => on_outcome.run(CheckOutcome::Failed(run_error(lang, &error))),
        }
    });
}

/// What the checks of "Apply mapping" found before a run, per destination, with "Go on" and
/// "Fix the mapping" (opens the Mapping panel for the instance whose mapping applies).
#[component]
pub fn MappingChecksDialog(
    found: RwSignal<Option<MappingCheck>>,
    on_go_on: Callback<()>,
) -> impl IntoView {
    let lang = use_language();
    move || {
        found.get().map(|check| {
            let fix_instance = check
                .destinations
                .first()
                .map(|d| d.mapping_instance.clone())
                .unwrap_or_default();
            let destinations = check
                .destinations
                .into_iter()
                .map(|destination| {
                    let findings = destination
                        .findings
                        .iter()
                        .map(|finding| {
                            let class = if finding.is_error() { "field-error" } else { "field-help" };
                            view! { <li class=class data-test="mapping-check-finding">{finding_text(lang, finding)}</li> }
                        })
                        .collect::<Vec<_>>();
                    let not_invertible = destination
                        .not_invertible
                        .iter()
                        .map(|entry| view! {
                            <li class="field-help" data-test="mapping-check-not-invertible">
                                {tr!(lang, mapping.checks.not_invertible, entry = entry.clone())}
                            </li>
                        })
                        .collect::<Vec<_>>();
                    let fix_href = format!("#/mapping?instance={}", destination.mapping_instance);
                    view! {
                        <section data-test="mapping-check-destination">
                            <h3>
                                {tr!(
                                    lang,
                                    mapping.checks.destination,
                                    name = named_instance(lang, &destination.destination_name),
                                    findings = counted!(lang, mapping.checks.findings, destination.findings.len())
                                )}
                                " "
                                <a href=fix_href data-test="mapping-check-fix-this"
                                    on:click=move |_| found.set(None)>
                                    {tr!(lang, mapping.checks.fix)}
                                </a>
                            </h3>
                            <ul class="mapping-check-list">{findings}{not_invertible}</ul>
                        </section>
                    }
                })
                .collect::<Vec<_>>();
            view! {
                <div class="modal-backdrop">
                    <div class="modal modal-wide" role="dialog" aria-modal="true" data-test="mapping-checks-dialog">
                        <h2 class="modal-title">{tr!(lang, mapping.checks.title)}</h2>
                        <p class="modal-message">{tr!(lang, mapping.checks.intro)}</p>
                        <div class="mapping-check-destinations">{destinations}</div>
                        <div class="modal-actions">
                            <button class="button" data-test="mapping-check-cancel"
                                on:click=move |_| found.set(None)>
                                {tr!(lang, common.cancel)}
                            </button>
                            <button class="button" data-test="mapping-check-fix"
                                on:click=move |_| {
                                    found.set(None);
                                    if let Some(window) = web_sys::window() {
                                        let _ = window
                                            .location()
                                            .set_hash(&format!("#/mapping?instance={fix_instance}"));
                                    }
                                }>
                                {tr!(lang, mapping.checks.fix)}
                            </button>
                            <button class="button button-primary" data-test="mapping-check-go-on"
                                on:click=move |_| {
                                    found.set(None);
                                    on_go_on.run(());
                                }>
                                {tr!(lang, mapping.checks.go_on)}
                            </button>
                        </div>
                    </div>
                </div>
            }
        })
    }
}
