use leptos::prelude::*;
use leptos::task::spawn_local;
use mdsync_core::sync::aggregated::origin::level_group_choices;

use super::state::{AggregatedState, Loadable};
use crate::components::loading::Loading;
use crate::l10n::messages::{dhis2_error, instance_error};
use crate::{counted, tr};

/// Groups listed at once; the filter finds the others.
const GROUPS_SHOWN: usize = 50;

/// Reads the origin's org unit levels and groups (once per origin).
fn load_choices(state: AggregatedState) {
    let Some(ctx) = state.context() else { return };
    let origin = state.origin.get_untracked();
    let lang = state.lang;
    state.level_group_choices.set(Loadable::Loading);
    spawn_local(async move {
        let loaded = async {
            let (instance, _) = ctx
                .instance(&origin)
                .await
                .map_err(|e| instance_error(lang, &e))?;
            level_group_choices(&instance.client)
                .await
                .map_err(|e| dhis2_error(lang, &e))
        }
        .await;
        if state.origin.get_untracked() != origin {
            return;
        }
        state.level_group_choices.set(match loaded {
            Ok(choices) => Loadable::Ready(choices),
            Err(message) => Loadable::Failed(message),
        });
    });
}

fn toggle<T: PartialEq + Send + Sync + 'static>(list: RwSignal<Vec<T>>, item: T, on: bool) {
    list.update(|items| {
        items.retain(|i| *i != item);
        if on {
            items.push(item);
        }
    });
}

/// Beside the tree: read the units at chosen levels and the members of chosen groups, within
/// the chosen units (the user's whole hierarchy when none is chosen), as DHIS2's analytics
/// apps pick them. Folded until opened; the origin's levels and groups are read then.
#[component]
pub fn LevelsGroupsPicker(state: AggregatedState) -> impl IntoView {
    let lang = state.lang;
    let filter = RwSignal::new(String::new());
    let chosen =
        move || state.org_unit_levels.with(Vec::len) + state.org_unit_groups.with(Vec::len);
    // Opening the fold reads the choices (once per origin).
    let opened = move |_| {
        if matches!(state.level_group_choices.get_untracked(), Loadable::Idle) {
            load_choices(state);
        }
    };
    let body = move || {
        match state.level_group_choices.get() {
        Loadable::Idle => ().into_any(),
        Loadable::Loading => {
            view! { <Loading label=tr!(lang, aggregated.levels_groups.loading)/> }.into_any()
        }
        Loadable::Failed(message) => view! {
            <p class="field-help field-warning" data-test="aggregated-levels-groups-error">{message}</p>
        }
        .into_any(),
        Loadable::Ready(choices) => {
            let levels = choices
                .levels
                .into_iter()
                .map(|choice| {
                    let level = choice.level;
                    view! {
                        <label class="sync-check">
                            <input type="checkbox" data-test="aggregated-level" value=level.to_string()
                                prop:checked=move || state.org_unit_levels.with(|l| l.contains(&level))
                                on:change=move |ev| toggle(state.org_unit_levels, level, event_target_checked(&ev))/>
                            {choice.name}
                        </label>
                    }
                })
                .collect_view();
            let groups = choices.groups;
            let no_groups = groups.is_empty();
            let shown = move || {
                let words = filter.get().to_lowercase();
                let matching: Vec<_> = groups
                    .iter()
                    .filter(|g| words.is_empty() || g.name.to_lowercase().contains(words.trim()))
                    .collect();
                let more = matching.len().saturating_sub(GROUPS_SHOWN);
                let rows = matching
                    .into_iter()
                    .take(GROUPS_SHOWN)
                    .map(|group| {
                        let id = group.id.clone();
                        let checked_id = id.clone();
                        view! {
                            <label class="sync-check">
                                <input type="checkbox" data-test="aggregated-group" value=id.clone()
                                    prop:checked=move || state.org_unit_groups.with(|g| g.contains(&checked_id))
                                    on:change=move |ev| toggle(state.org_unit_groups, id.clone(), event_target_checked(&ev))/>
                                {group.name.clone()}
                            </label>
                        }
                    })
                    .collect_view();
                view! {
                    {rows}
                    {(more > 0).then(|| view! {
                        <p class="field-help">{counted!(lang, aggregated.levels_groups.more_groups, more)}</p>
                    })}
                }
            };
            view! {
                <fieldset class="sync-fieldset" data-test="aggregated-levels">
                    <legend>{tr!(lang, aggregated.levels_groups.levels)}</legend>
                    {levels}
                </fieldset>
                <fieldset class="sync-fieldset" data-test="aggregated-groups">
                    <legend>{tr!(lang, aggregated.levels_groups.groups)}</legend>
                    {if no_groups {
                        view! { <p class="field-help">{tr!(lang, aggregated.levels_groups.no_groups)}</p> }.into_any()
                    } else {
                        view! {
                            <input type="search" class="input" data-test="aggregated-groups-filter"
                                placeholder=tr!(lang, aggregated.levels_groups.filter_groups)
                                aria-label=tr!(lang, aggregated.levels_groups.filter_groups)
                                prop:value=move || filter.get()
                                on:input=move |ev| filter.set(event_target_value(&ev))/>
                            <div class="org-unit-tree-list">{shown.clone()}</div>
                        }
                        .into_any()
                    }}
                </fieldset>
            }
            .into_any()
        }
    }
    };
    view! {
        <details class="sync-fieldset" data-test="aggregated-levels-groups">
            <summary on:click=opened data-test="aggregated-levels-groups-open">
                {tr!(lang, aggregated.levels_groups.title)}
                {move || (chosen() > 0).then(|| view! {
                    " "<span class="tag" data-test="aggregated-levels-groups-count">
                        {counted!(lang, aggregated.levels_groups.chosen, chosen())}
                    </span>
                })}
            </summary>
            <p class="field-help">{tr!(lang, aggregated.levels_groups.help)}</p>
            {body}
        </details>
    }
}
