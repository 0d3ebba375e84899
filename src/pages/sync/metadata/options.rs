use leptos::prelude::*;
use leptos::task::spawn_local;
use mdsync_core::browse::rules_editor::{dependencies_per_type, set_override};
use mdsync_core::browse::{Choice, SyncOptionsForm};
use mdsync_core::dhis2::schemas::fetch_schemas;
use mdsync_core::dhis2::{SchemaRegistry, Version};

use super::state::{Loadable, SyncState};
use crate::components::mapping_apply::ApplyMappingSwitch;
use crate::l10n::messages::{dhis2_error, instance_error, type_label, ChoiceText};
use crate::tr;

/// A select box over one of the form's choices.
fn choice_select<C: Choice + ChoiceText + Send + Sync>(
    state: SyncState,
    data_test: &'static str,
    label: String,
    help: Option<String>,
    get: fn(&SyncOptionsForm) -> C,
    set: fn(&mut SyncOptionsForm, C),
) -> impl IntoView {
    let options = C::ALL
        .iter()
        .map(|choice| {
            let value = choice.value();
            view! {
                <option value=value selected=move || state.options.with(|o| get(o).value() == value)>
                    {choice.text(state.lang)}
                </option>
            }
        })
        .collect_view();
    view! {
        <div class="field sync-option">
            <label>
                {label}
                <select
                    class="input"
                    data-test=data_test
                    prop:value=move || state.options.with(|o| get(o).value())
                    on:change=move |ev| {
                        if let Some(choice) = C::from_value(&event_target_value(&ev)) {
                            state.options.update(|o| set(o, choice));
                        }
                    }
                >
                    {options}
                </select>
            </label>
            {help.map(|help| view! { <span class="field-help">{help}</span> })}
        </div>
    }
}

/// A checkbox over one of the form's switches.
fn switch(
    state: SyncState,
    data_test: &'static str,
    label: String,
    get: fn(&SyncOptionsForm) -> bool,
    set: fn(&mut SyncOptionsForm, bool),
) -> impl IntoView {
    view! {
        <label class="sync-check sync-option">
            <input
                type="checkbox"
                data-test=data_test
                prop:checked=move || state.options.with(get)
                on:change=move |ev| {
                    let checked = event_target_checked(&ev);
                    state.options.update(|o| set(o, checked));
                }
            />
            {label}
        </label>
    }
}

/// The versions of the chosen destinations, as far as known.
fn destination_versions(state: SyncState) -> Vec<(String, Option<Version>)> {
    let local_version = state.context().map(|ctx| ctx.version);
    let Loadable::Ready(all) = state.instances.get() else {
        return Vec::new();
    };
    state.destinations.with(|ids| {
        all.iter()
            .filter(|view| ids.contains(&view.id))
            .map(|view| {
                let version = view
                    .version
                    .clone()
                    .or_else(|| view.is_local.then(|| local_version.clone()).flatten());
                (
                    crate::l10n::messages::instance_name(state.lang, view),
                    version,
                )
            })
            .collect()
    })
}

/// Reads the origin's schemas once, so every reference of a selected type can be listed.
fn load_schemas(state: SyncState) {
    let origin = state.origin.get_untracked();
    let loaded = state.schemas.with_untracked(|loaded| match loaded {
        Loadable::Ready((id, _)) => *id == origin,
        Loadable::Loading => true,
        _ => false,
    });
    let Some(ctx) = state.context().filter(|_| !loaded) else {
        return;
    };
    state.schemas.set(Loadable::Loading);
    let lang = state.lang;
    spawn_local(async move {
        let read = async {
            let (instance, _) = ctx
                .instance(&origin)
                .await
                .map_err(|e| instance_error(lang, &e))?;
            fetch_schemas(&instance.client)
                .await
                .map_err(|e| dhis2_error(lang, &e))
        }
        .await;
        state.schemas.set(match read {
            Ok(registry) => Loadable::Ready((origin, registry)),
            Err(message) => Loadable::Failed(message),
        });
    });
}

/// "Dependencies per type": which referenced types of each selected type come along as objects.
#[component]
fn RulesEditor(state: SyncState) -> impl IntoView {
    let lang = state.lang;
    let listed = move || {
        let types: Vec<String> = state
            .selection
            .with(|s| s.lines().into_iter().map(|line| line.plural).collect());
        let empty = SchemaRegistry::default();
        state.schemas.with(|loaded| {
            let registry = match loaded {
                Loadable::Ready((_, registry)) => registry,
                _ => &empty,
            };
            state.options.with(|o| {
                let types = types.iter().map(String::as_str);
                dependencies_per_type(types, registry, &o.base_rules(), &o.rule_overrides)
            })
        })
    };
    let blocks = move || {
        let listed = listed();
        if listed.is_empty() {
            return view! { <p class="field-help">{tr!(lang, sync.options.pick_to_see_dependencies)}</p> }
                .into_any();
        }
        listed.into_iter().map(|block| {
            let boxes = block.dependencies.into_iter().map(|choice| {
                let (from, to) = (block.from.clone(), choice.to.clone());
                view! {
                    <label class="sync-check">
                        <input type="checkbox" data-test=format!("rule-{from}-{to}")
                            prop:checked=choice.included
                            on:change=move |ev| {
                                let checked = event_target_checked(&ev);
                                state.options.update(|o| {
                                    let base = o.base_rules();
                                    set_override(&mut o.rule_overrides, &base, &from, &to, checked);
                                });
                            }/>
                        {type_label(lang, &choice.to)}
                    </label>
                }
            }).collect_view();
            view! { <fieldset class="sync-rules-type"><legend>{type_label(lang, &block.from)}</legend>{boxes}</fieldset> }
        }).collect_view().into_any()
    };
    view! {
        <details class="sync-option" data-test="opt-rules">
            <summary data-test="opt-rules-toggle" on:click=move |_| load_schemas(state)>{tr!(lang, sync.options.per_type)}</summary>
            <p class="field-help">{tr!(lang, sync.options.per_type_help)}</p>
            {move || {
                let failed = state.schemas.with(|loaded| match loaded {
                    Loadable::Failed(message) => Some(message.clone()),
                    _ => None,
                });
                failed.map(|message| view! { <p class="field-warning">{message}</p> })
            }}
            {blocks}
        </details>
    }
}

#[component]
pub fn OptionsForm(state: SyncState) -> impl IntoView {
    let lang = state.lang;
    let merge_note = move || {
        let versions = destination_versions(state);
        let ignoring = state.options.with(|o| {
            o.merge_mode_ignored_by(versions.iter().map(|(name, v)| (name.as_str(), v.as_ref())))
                .join(", ")
        });
        (!ignoring.is_empty()).then(|| tr!(lang, sync.options.merge_note, names = ignoring))
    };
    view! {
        <div class="sync-options-grid">
            <div class="sync-options-column">
                <h3>{tr!(lang, sync.options.dependencies)}</h3>
                {switch(state, "opt-dependencies", tr!(lang, sync.options.include_dependencies),
                    |o| o.include_dependencies, |o, v| o.include_dependencies = v)}
                {switch(state, "opt-default-rules", tr!(lang, sync.options.default_rules),
                    |o| o.default_rules, |o, v| o.default_rules = v)}
                <Show when=move || !state.options.with(|o| o.default_rules)>
                    <p class="field-help" data-test="opt-rules-off-help">
                        {tr!(lang, sync.options.default_rules_off)}
                    </p>
                </Show>
                <RulesEditor state=state/>
                {switch(state, "opt-remove-defaults", tr!(lang, sync.options.remove_defaults),
                    |o| o.remove_default_category_objects, |o, v| o.remove_default_category_objects = v)}
                {choice_select(state, "opt-sharing", tr!(lang, sync.options.sharing), None,
                    |o| o.sharing, |o, v| o.sharing = v)}
                {choice_select(state, "opt-users", tr!(lang, sync.options.users), None,
                    |o| o.users, |o, v| o.users = v)}
                {choice_select(state, "opt-org-units", tr!(lang, sync.options.org_units), None,
                    |o| o.org_units, |o, v| o.org_units = v)}
            </div>
            <div class="sync-options-column">
                <h3>{tr!(lang, sync.options.import)}</h3>
                {choice_select(state, "opt-strategy", tr!(lang, sync.options.strategy), None,
                    |o| o.strategy, |o, v| o.strategy = v)}
                {choice_select(state, "opt-atomic", tr!(lang, sync.options.atomic),
                    Some(tr!(lang, sync.options.atomic_help)),
                    |o| o.atomic, |o, v| o.atomic = v)}
                {choice_select(state, "opt-merge", tr!(lang, sync.options.merge), None,
                    |o| o.merge_mode, |o, v| o.merge_mode = v)}
                {move || merge_note().map(|note| view! {
                    <p class="field-warning" data-test="opt-merge-note">{note}</p>
                })}
                {choice_select(state, "opt-identifier", tr!(lang, sync.options.identifier), None,
                    |o| o.identifier, |o, v| o.identifier = v)}
                {switch(state, "opt-skip-sharing", tr!(lang, sync.options.skip_sharing),
                    |o| o.skip_sharing, |o, v| o.skip_sharing = v)}
                {state.context().map(|ctx| view! {
                    <ApplyMappingSwitch
                        services=ctx.services.clone()
                        version=ctx.version.clone()
                        actor=ctx.manager.actor().clone()
                        origin=state.origin
                        destinations=state.destinations
                        checked=Signal::derive(move || state.options.with(|o| o.apply_mapping))
                        on_change=Callback::new(move |on| state.options.update(|o| o.apply_mapping = on))
                    />
                })}
            </div>
        </div>
    }
}
