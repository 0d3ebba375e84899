use leptos::prelude::*;
use mdsync_core::dhis2::Version;
use mdsync_core::model::InstanceView;

use super::page::load_catalog;
use super::state::{Loadable, SyncState};
use crate::components::loading::Loading;
use crate::components::notice::{Notice, NoticeKind};

fn version_text(view: &InstanceView, local_version: Option<&Version>) -> String {
    let version = view
        .version
        .as_ref()
        .or(local_version.filter(|_| view.is_local));
    version
        .map(|v| format!("DHIS2 {v}"))
        .unwrap_or_else(|| "version not known yet: test its connection".to_string())
}

/// Origin (this instance = push, another = pull) and the destinations.
#[component]
pub fn InstancePicker(state: SyncState) -> impl IntoView {
    move || {
        match state.instances.get() {
        Loadable::Idle | Loadable::Loading => {
            view! { <Loading label="Loading instances…"/> }.into_any()
        }
        Loadable::Failed(message) => view! {
            <Notice kind=NoticeKind::Error title="The instances could not be loaded">
                <p>{message}</p>
            </Notice>
        }
        .into_any(),
        Loadable::Ready(all) if all.len() < 2 => view! {
            <Notice kind=NoticeKind::Info title="No other instance yet" data_test="sync-no-instances">
                <p>
                    "A sync needs a second instance. "
                    <a href="#/instances">"Add one on the Instances page"</a>
                    " first."
                </p>
            </Notice>
        }
        .into_any(),
        Loadable::Ready(all) => {
            let local_version = state.context().map(|ctx| ctx.version);
            let options = all
                .iter()
                .map(|view| {
                    let label = if view.is_local {
                        format!("{} (push from here)", view.name)
                    } else {
                        format!("{} (pull into the destinations)", view.name)
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
                    let label = format!("{} — {} ({})", view.name, view.url, version_text(view, local_version.as_ref()));
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
                    <label for="sync-origin">"Origin"</label>
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
                        "Metadata is read from the origin. Picking another instance pulls from it."
                    </span>
                </div>
                <fieldset class="sync-fieldset">
                    <legend>"Destinations"</legend>
                    {destinations}
                </fieldset>
            }
            .into_any()
        }
    }
    }
}
