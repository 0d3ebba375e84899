use leptos::prelude::*;

use super::page::origin_changed;
use super::state::{AggregatedState, Loadable};
use crate::components::loading::Loading;
use crate::components::notice::{Notice, NoticeKind};
use crate::l10n::messages::instance_name;
use crate::tr;

/// Origin (this instance = push, another = pull) and the destinations.
#[component]
pub fn InstanceChoice(state: AggregatedState) -> impl IntoView {
    let lang = state.lang;
    move || {
        match state.instances.get() {
        Loadable::Idle | Loadable::Loading => {
            view! { <Loading label=tr!(lang, instances.loading)/> }.into_any()
        }
        Loadable::Failed(message) => view! {
            <Notice kind=NoticeKind::Error title=tr!(lang, instances.could_not_load)>
                <p>{message}</p>
            </Notice>
        }
        .into_any(),
        Loadable::Ready(all) if all.len() < 2 => view! {
            <Notice kind=NoticeKind::Info title=tr!(lang, sync.instances.none_title) data_test="sync-no-instances">
                <p>
                    {tr!(lang, sync.instances.none_text)}" "
                    <a href="#/instances">{tr!(lang, sync.instances.add_one)}</a>
                </p>
            </Notice>
        }
        .into_any(),
        Loadable::Ready(all) => {
            let options = all
                .iter()
                .map(|view| {
                    let name = instance_name(lang, view);
                    let label = if view.is_local {
                        tr!(lang, sync.instances.push_from, name = name)
                    } else {
                        tr!(lang, sync.instances.pull_from, name = name)
                    };
                    view! {
                        <option value=view.id.clone() selected=view.id == state.origin.get_untracked()>
                            {label}
                        </option>
                    }
                })
                .collect_view();
            let destinations = all
                .iter()
                .map(|view| {
                    let id = view.id.clone();
                    let (id_checked, id_hidden, id_change) = (id.clone(), id.clone(), id.clone());
                    let local = state.context().filter(|_| view.is_local).map(|ctx| ctx.version);
                    let version = view
                        .version
                        .clone()
                        .or(local)
                        .map(|v| format!("DHIS2 {v}"))
                        .unwrap_or_else(|| tr!(lang, sync.instances.version_unknown));
                    let label = format!("{} — {} ({version})", instance_name(lang, view), view.url);
                    view! {
                        <label class="sync-check" data-test="sync-destination" data-id=id.clone()
                            hidden=move || state.origin.get() == id_hidden>
                            <input
                                type="checkbox"
                                data-test=format!("sync-destination-{id}")
                                prop:checked=move || state.destinations.with(|d| d.contains(&id_checked))
                                on:change=move |ev| {
                                    let checked = event_target_checked(&ev);
                                    state.destinations.update(|d| {
                                        d.retain(|x| *x != id_change);
                                        if checked {
                                            d.push(id_change.clone());
                                        }
                                    });
                                }
                            />
                            <span>{label}</span>
                        </label>
                    }
                })
                .collect_view();
            view! {
                <div class="field">
                    <label for="aggregated-origin">{tr!(lang, sync.instances.origin)}</label>
                    <select
                        id="aggregated-origin"
                        class="input"
                        data-test="sync-origin"
                        on:change=move |ev| {
                            let origin = event_target_value(&ev);
                            state.destinations.update(|d| d.retain(|x| *x != origin));
                            state.origin.set(origin);
                            origin_changed(state);
                        }
                    >
                        {options}
                    </select>
                    <span class="field-help">{tr!(lang, aggregated.origin_help)}</span>
                </div>
                <fieldset class="sync-fieldset">
                    <legend>{tr!(lang, sync.instances.destinations)}</legend>
                    {destinations}
                </fieldset>
            }
            .into_any()
        }
    }
    }
}
