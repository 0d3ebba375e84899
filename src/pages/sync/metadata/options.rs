use leptos::prelude::*;
use leptos::task::spawn_local;
use mdsync_core::browse::rules_editor::{dependencies_per_type, set_override};
use mdsync_core::browse::{Choice, SyncOptionsForm};
use mdsync_core::dhis2::schemas::fetch_schemas;
use mdsync_core::dhis2::{SchemaRegistry, Version};

use super::state::{Loadable, SyncState};

/// A select box over one of the form's choices.
fn choice_select<C: Choice + Send + Sync>(
    state: SyncState,
    data_test: &'static str,
    label: &'static str,
    help: &'static str,
    get: fn(&SyncOptionsForm) -> C,
    set: fn(&mut SyncOptionsForm, C),
) -> impl IntoView {
    let options = C::ALL
        .iter()
        .map(|choice| {
            let value = choice.value();
            view! {
                <option value=value selected=move || state.options.with(|o| get(o).value() == value)>
                    {choice.label()}
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
            {(!help.is_empty()).then(|| view! { <span class="field-help">{help}</span> })}
        </div>
    }
}

/// A checkbox over one of the form's switches.
fn switch(
    state: SyncState,
    data_test: &'static str,
    label: &'static str,
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
                (view.name.clone(), version)
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
    spawn_local(async move {
        let read = async {
            let (instance, _) = ctx.instance(&origin).await?;
            fetch_schemas(&instance.client)
                .await
                .map_err(|e| e.to_string())
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
            return view! { <p class="field-help">"Pick objects to see their dependencies."</p> }
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
                        {choice.label}
                    </label>
                }
            }).collect_view();
            view! { <fieldset class="sync-rules-type"><legend>{block.label}</legend>{boxes}</fieldset> }
        }).collect_view().into_any()
    };
    view! {
        <details class="sync-option" data-test="opt-rules">
            <summary data-test="opt-rules-toggle" on:click=move |_| load_schemas(state)>"Dependencies per type"</summary>
            <p class="field-help">
                "Checked: synced as objects. Unchecked: kept as references, which must already \
                 exist on the destination."
            </p>
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
    let merge_note = move || {
        let versions = destination_versions(state);
        state.options.with(|o| {
            o.merge_mode_note(versions.iter().map(|(name, v)| (name.as_str(), v.as_ref())))
        })
    };
    view! {
        <div class="sync-options-grid">
            <div class="sync-options-column">
                <h3>"Dependencies"</h3>
                {switch(state, "opt-dependencies", "Include dependencies (what the selected objects need)",
                    |o| o.include_dependencies, |o, v| o.include_dependencies = v)}
                {switch(state, "opt-default-rules", "Use the default include / exclude rules",
                    |o| o.default_rules, |o, v| o.default_rules = v)}
                <Show when=move || !state.options.with(|o| o.default_rules)>
                    <p class="field-help" data-test="opt-rules-off-help">
                        "Without the default rules, only the selected objects are synced, plus \
                         what the sharing, users and organisation units choices below bring, \
                         and the dependencies checked per type."
                    </p>
                </Show>
                <RulesEditor state=state/>
                {switch(state, "opt-remove-defaults", "Leave out the default category objects",
                    |o| o.remove_default_category_objects, |o, v| o.remove_default_category_objects = v)}
                {choice_select(state, "opt-sharing", "Sharing settings", "",
                    |o| o.sharing, |o, v| o.sharing = v)}
                {choice_select(state, "opt-users", "Users", "",
                    |o| o.users, |o, v| o.users = v)}
                {choice_select(state, "opt-org-units", "Organisation units", "",
                    |o| o.org_units, |o, v| o.org_units = v)}
            </div>
            <div class="sync-options-column">
                <h3>"Import"</h3>
                {choice_select(state, "opt-strategy", "Import strategy", "",
                    |o| o.strategy, |o, v| o.strategy = v)}
                {choice_select(state, "opt-atomic", "Atomic mode",
                    "All or nothing: one invalid object stops the whole import.",
                    |o| o.atomic, |o, v| o.atomic = v)}
                {choice_select(state, "opt-merge", "Merge mode", "",
                    |o| o.merge_mode, |o, v| o.merge_mode = v)}
                {move || merge_note().map(|note| view! {
                    <p class="field-warning" data-test="opt-merge-note">{note}</p>
                })}
                {choice_select(state, "opt-identifier", "Identifier", "",
                    |o| o.identifier, |o, v| o.identifier = v)}
                {switch(state, "opt-skip-sharing", "Skip sharing (the destination keeps its own)",
                    |o| o.skip_sharing, |o, v| o.skip_sharing = v)}
            </div>
        </div>
    }
}
