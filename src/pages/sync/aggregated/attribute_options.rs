use leptos::prelude::*;
use leptos::task::spawn_local;
use mdsync_core::sync::aggregated::origin::attribute_combo_choices;

use super::state::{AggregatedState, Loadable};
use crate::components::loading::Loading;
use crate::l10n::messages::{dhis2_error, instance_error};
use crate::tr;

/// Reads the origin's attribute category combos with their options (once per origin).
fn load_choices(state: AggregatedState) {
    let Some(ctx) = state.context() else { return };
    let origin = state.origin.get_untracked();
    let lang = state.lang;
    state.attribute_choices.set(Loadable::Loading);
    spawn_local(async move {
        let loaded = async {
            let (instance, _) = ctx
                .instance(&origin)
                .await
                .map_err(|e| instance_error(lang, &e))?;
            attribute_combo_choices(&instance.client)
                .await
                .map_err(|e| dhis2_error(lang, &e))
        }
        .await;
        if state.origin.get_untracked() != origin {
            return;
        }
        state.attribute_choices.set(match loaded {
            Ok(combos) => Loadable::Ready(combos),
            Err(message) => Loadable::Failed(message),
        });
    });
}

/// Which attribute options' values move: all, or the chosen category options of the origin's
/// attribute combos.
#[component]
pub fn AttributeOptionsPicker(state: AggregatedState) -> impl IntoView {
    let lang = state.lang;
    let chosen = move || state.attribute_chosen.get();
    let choose = move |on: bool| {
        state.attribute_chosen.set(on);
        if on && matches!(state.attribute_choices.get_untracked(), Loadable::Idle) {
            load_choices(state);
        }
    };
    let list = move || {
        match state.attribute_choices.get() {
        Loadable::Idle => ().into_any(),
        Loadable::Loading => view! { <Loading label=tr!(lang, aggregated.attributes.loading)/> }.into_any(),
        Loadable::Failed(message) => view! {
            <p class="field-help field-warning" data-test="aggregated-attributes-error">{message}</p>
        }
        .into_any(),
        Loadable::Ready(combos) if combos.is_empty() => view! {
            <p class="field-help" data-test="aggregated-attributes-none">{tr!(lang, aggregated.attributes.none)}</p>
        }
        .into_any(),
        Loadable::Ready(combos) => combos
            .into_iter()
            .map(|combo| {
                let options = combo
                    .options
                    .into_iter()
                    .map(|option| {
                        let id = option.id.clone();
                        let checked_id = id.clone();
                        view! {
                            <label class="sync-check">
                                <input type="checkbox" data-test="aggregated-attribute-option" value=id.clone()
                                    prop:checked=move || state.attribute_picked.with(|p| p.contains(&checked_id))
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        let id = id.clone();
                                        state.attribute_picked.update(|picked| {
                                            picked.retain(|p| *p != id);
                                            if on {
                                                picked.push(id);
                                            }
                                        });
                                    }/>
                                {option.name}
                            </label>
                        }
                    })
                    .collect_view();
                view! {
                    <fieldset class="sync-fieldset" data-test="aggregated-attribute-combo">
                        <legend>{combo.name}</legend>
                        {options}
                    </fieldset>
                }
            })
            .collect_view()
            .into_any(),
    }
    };
    view! {
        <fieldset class="sync-fieldset" data-test="aggregated-attributes">
            <legend>{tr!(lang, aggregated.attributes.title)}</legend>
            <label class="sync-check">
                <input type="radio" name="aggregated-attributes" data-test="aggregated-attributes-all"
                    prop:checked=move || !chosen()
                    on:change=move |_| choose(false)/>
                {tr!(lang, aggregated.attributes.all)}
            </label>
            <label class="sync-check">
                <input type="radio" name="aggregated-attributes" data-test="aggregated-attributes-chosen"
                    prop:checked=chosen
                    on:change=move |_| choose(true)/>
                {tr!(lang, aggregated.attributes.chosen)}
            </label>
            <span class="field-help">{tr!(lang, aggregated.attributes.help)}</span>
            <Show when=chosen>
                <div class="aggregated-attribute-options">{list}</div>
            </Show>
        </fieldset>
    }
}
