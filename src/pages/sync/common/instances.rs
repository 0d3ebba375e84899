use leptos::prelude::*;
use mdsync_core::model::InstanceView;

use super::Loadable;
use crate::components::loading::Loading;
use crate::components::notice::{Notice, NoticeKind};
use crate::l10n::messages::instance_name;
use crate::l10n::Language;
use crate::pages::sync::context::SyncContext;
use crate::tr;

/// Origin (this instance = push, another = pull) and the destinations (never the origin).
#[component]
pub fn InstancePicker(
    lang: Language,
    ctx: RwSignal<Option<Result<SyncContext, String>>>,
    instances: RwSignal<Loadable<Vec<InstanceView>>>,
    origin: RwSignal<String>,
    destinations: RwSignal<Vec<String>>,
    /// The origin select's id (one per page).
    select_id: &'static str,
    /// Says what the origin means on this page.
    #[prop(into)]
    origin_help: String,
    /// After the origin changed (and left the destinations).
    on_origin_change: Callback<()>,
) -> impl IntoView {
    let local_version = move || super::opened(ctx).map(|ctx| ctx.version);
    move || {
        match instances.get() {
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
                        <option value=view.id.clone() selected=view.id == origin.get_untracked()>
                            {label}
                        </option>
                    }
                })
                .collect_view();
            let choices = all
                .iter()
                .map(|view| {
                    let id = view.id.clone();
                    let (id_checked, id_hidden, id_change) = (id.clone(), id.clone(), id.clone());
                    let local = local_version().filter(|_| view.is_local);
                    let version = view
                        .version
                        .clone()
                        .or(local)
                        .map(|v| format!("DHIS2 {v}"))
                        .unwrap_or_else(|| tr!(lang, sync.instances.version_unknown));
                    let label = format!("{} — {} ({version})", instance_name(lang, view), view.url);
                    view! {
                        <label class="sync-check" data-test="sync-destination" data-id=id.clone()
                            hidden=move || origin.get() == id_hidden>
                            <input
                                type="checkbox"
                                data-test=format!("sync-destination-{id}")
                                prop:checked=move || destinations.with(|d| d.contains(&id_checked))
                                on:change=move |ev| {
                                    let checked = event_target_checked(&ev);
                                    destinations.update(|d| {
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
            let help = origin_help.clone();
            view! {
                <div class="field">
                    <label for=select_id>{tr!(lang, sync.instances.origin)}</label>
                    <select
                        id=select_id
                        class="input"
                        data-test="sync-origin"
                        on:change=move |ev| {
                            let chosen = event_target_value(&ev);
                            destinations.update(|d| d.retain(|x| *x != chosen));
                            origin.set(chosen);
                            on_origin_change.run(());
                        }
                    >
                        {options}
                    </select>
                    <span class="field-help">{help}</span>
                </div>
                <fieldset class="sync-fieldset">
                    <legend>{tr!(lang, sync.instances.destinations)}</legend>
                    {choices}
                </fieldset>
            }
            .into_any()
        }
    }
    }
}
