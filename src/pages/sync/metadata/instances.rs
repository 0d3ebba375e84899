use leptos::prelude::*;
use mdsync_core::dhis2::Version;
use mdsync_core::model::InstanceView;

use super::page::load_catalog;
use super::state::{Loadable, SyncState};
use crate::components::loading::Loading;
use crate::components::notice::{Notice, NoticeKind};
use crate::l10n::messages::instance_name;
use crate::l10n::Language;
use crate::tr;

fn version_text(lang: Language, view: &InstanceView, local_version: Option<&Version>) -> String {
    let version = view
        .version
        .as_ref()
        .or(local_version.filter(|_| view.is_local));
    version
        .map(|v| format!("DHIS2 {v}"))
        .unwrap_or_else(|| tr!(lang, sync.instances.version_unknown))
}

/// Origin (this instance = push, another = pull) and the destinations.
#[component]
pub fn InstancePicker(state: SyncState) -> impl IntoView {
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
            let local_version = state.context().map(|ctx| ctx.version);
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
                    let id_checked = id.clone();
                    let id_hidden = id.clone();
                    let id_change = id.clone();
                    let label = format!(
                        "{} — {} ({})",
                        instance_name(lang, view),
                        view.url,
                        version_text(lang, view, local_version.as_ref())
                    );
                    view! {
                        <label
                            class="sync-check"
                            data-test="sync-destination"
                            data-id=id.clone()
                            hidden=move || state.origin.get() == id_hidden
                        >
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
                    <label for="sync-origin">{tr!(lang, sync.instances.origin)}</label>
                    <select
                        id="sync-origin"
                        class="input"
                        data-test="sync-origin"
                        on:change=move |ev| {
                            let origin = event_target_value(&ev);
                            state.destinations.update(|d| d.retain(|x| *x != origin));
                            state.origin.set(origin);
                            load_catalog(state);
                        }
                    >
                        {options}
                    </select>
                    <span class="field-help">
                        {tr!(lang, sync.instances.origin_help)}
                    </span>
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
