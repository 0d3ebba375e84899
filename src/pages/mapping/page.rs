use leptos::prelude::*;
use leptos::task::spawn_local;
use mdsync_core::access::Panel;
use mdsync_core::instances::InstanceManager;
use mdsync_core::storage::Storage;

use super::leave_guard::LeaveGuard;
use super::load::{auto_map_rows, load_instances, load_rows, open_instance, save};
use super::picker::TargetPicker;
use super::state::{Loadable, MappingContext, MappingState, StatusFilter};
use super::summary::AutoMapReport;
use super::table::MappingTable;
use super::transfer::{export, ImportMapping};
use super::types::{choice_named, Section};
use crate::components::loading::Loading;
use crate::components::notice::{Notice, NoticeKind};
use crate::l10n::messages::{instance_name, open_error, panel_title};
use crate::l10n::{use_language, Language};
use crate::services::{OpenError, Services};
use crate::session::Session;
use crate::tr;

/// Reads the encryption key and checks the stored data's layout (configurators upgrade it).
async fn open(services: Services, session: &Session) -> Result<MappingContext, OpenError> {
    let storage = Storage::new(services.local_client(), session.info.version.clone());
    let (key, checked) =
        futures::future::join(services.encryption_key(), storage.require_current_schema()).await;
    let manager = InstanceManager::new(session.me.clone(), key?, services.base_url());
    if checked.is_err() {
        manager.prepare_storage(&storage).await?;
    }
    Ok(MappingContext {
        manager,
        services,
        version: session.info.version.clone(),
    })
}

/// `instance=<id>` of `#/mapping?instance=<id>`.
pub fn instance_in_hash(hash: &str) -> Option<String> {
    let (_, query) = hash.split_once('?')?;
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix("instance="))
        .filter(|id| !id.is_empty())
        .map(str::to_string)
}

fn current_hash() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

fn section_text(lang: Language, section: Section) -> String {
    match section {
        Section::Aggregated => tr!(lang, mapping.panel.sections.aggregated),
        Section::Programs => tr!(lang, mapping.panel.sections.programs),
        Section::OrgUnits => tr!(lang, mapping.panel.sections.org_units),
        Section::Global => tr!(lang, mapping.panel.sections.global),
    }
}

pub fn choice_text(lang: Language, key: &str) -> String {
    match key {
        "data-elements" => tr!(lang, mapping.panel.types.data_elements),
        "indicators" => tr!(lang, mapping.panel.types.indicators),
        "program-indicators" => tr!(lang, mapping.panel.types.program_indicators),
        "event-programs" => tr!(lang, mapping.panel.types.event_programs),
        "tracker-programs" => tr!(lang, mapping.panel.types.tracker_programs),
        "tracked-entity-types" => tr!(lang, mapping.panel.types.tracked_entity_types),
        "tracked-entity-attributes" => tr!(lang, mapping.panel.types.tracked_entity_attributes),
        "relationship-types" => tr!(lang, mapping.panel.types.relationship_types),
        "org-units" => tr!(lang, mapping.panel.types.org_units),
        "category-options" => tr!(lang, mapping.panel.types.category_options),
        "category-combos" => tr!(lang, mapping.panel.types.category_combos),
        "options" => tr!(lang, mapping.panel.types.options),
        "category-option-groups" => tr!(lang, mapping.panel.types.category_option_groups),
        _ => tr!(lang, mapping.panel.types.category_option_group_sets),
    }
}

fn status_filter_text(lang: Language, filter: StatusFilter) -> String {
    match filter {
        StatusFilter::All => tr!(lang, mapping.panel.filter.all),
        StatusFilter::Mapped => tr!(lang, mapping.panel.status.mapped),
        StatusFilter::Unmapped => tr!(lang, mapping.panel.status.unmapped),
        StatusFilter::Excluded => tr!(lang, mapping.panel.status.excluded),
        StatusFilter::Conflict => tr!(lang, mapping.panel.status.conflict),
    }
}

/// Asks before dropping unsaved changes inside the panel (another instance).
fn may_discard(state: MappingState) -> bool {
    !state.dirty_untracked()
        || web_sys::window()
            .and_then(|w| {
                w.confirm_with_message(&tr!(state.lang, mapping.panel.leave_question))
                    .ok()
            })
            .unwrap_or(true)
}

#[component]
pub fn MappingPage(session: Session) -> impl IntoView {
    let lang = use_language();
    let title = move || panel_title(lang, Panel::Mapping);
    let breadcrumb = move || {
        view! { <p class="breadcrumb"><a href="#/">"MetaData Sync"</a>" / "{title}</p> }
    };
    // The router keeps other roles out; the page checks again (and core refuses regardless).
    if !session.role.can_configure() {
        return view! {
            <div class="page" data-test="panel-mapping">
                {breadcrumb}
                <Notice kind=NoticeKind::Warning title=tr!(lang, mapping.panel.not_for_your_role)>
                    <p>{tr!(lang, mapping.panel.only_configurators)}</p>
                </Notice>
            </div>
        }
        .into_any();
    }
    let state = MappingState::new(lang, session.role.can_configure());
    let services = expect_context::<Services>();
    {
        let session = session.clone();
        spawn_local(async move {
            let opened = open(services, &session)
                .await
                .map_err(|e| open_error(lang, &e));
            let ready = opened.as_ref().ok().cloned();
            state.ctx.set(Some(opened));
            if let Some(ctx) = ready {
                load_instances(state, ctx, instance_in_hash(&current_hash()));
            }
        });
    }

    let instance_picker = move || {
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
        Loadable::Ready(remote) if remote.is_empty() => view! {
            <Notice kind=NoticeKind::Info title=tr!(lang, mapping.panel.no_instances_title) data_test="mapping-no-instances">
                <p>{tr!(lang, mapping.panel.no_instances)}" "<a href="#/instances">{tr!(lang, mapping.panel.add_instance)}</a></p>
            </Notice>
        }
        .into_any(),
        Loadable::Ready(remote) => {
            let options = remote
                .iter()
                .map(|view| {
                    let id = view.id.clone();
                    let selected_id = id.clone();
                    view! {
                        <option value=id selected=move || state.instance.with(|i| i.as_deref() == Some(selected_id.as_str()))>
                            {format!("{} — {}", instance_name(lang, view), view.url)}
                        </option>
                    }
                })
                .collect_view();
            view! {
                <div class="field">
                    <label for="mapping-instance">{tr!(lang, mapping.panel.destination)}</label>
                    <select id="mapping-instance" class="input" data-test="mapping-instance"
                        prop:value=move || state.instance.get().unwrap_or_default()
                        on:change=move |ev| {
                            let id = event_target_value(&ev);
                            if may_discard(state) {
                                open_instance(state, id);
                            } else {
                                // Put the select back: the change was refused.
                                state.instance.update(|_| {});
                            }
                        }>
                        <option value="" disabled=true selected=move || state.instance.with(Option::is_none)>
                            {tr!(lang, mapping.panel.choose_destination)}
                        </option>
                        {options}
                    </select>
                    <span class="field-help">{tr!(lang, mapping.panel.destination_help)}</span>
                </div>
            }
            .into_any()
        }
    }
    };

    let open_choice = move |key: &str| {
        state.choice.set(choice_named(key));
        state.request.update(|r| {
            r.page = 1;
            r.status = StatusFilter::All;
            r.search.clear();
        });
        state.selected.set(Default::default());
        state.expanded.set(None);
        state.summary.set(None);
        load_rows(state);
    };

    let sections = move || {
        Section::ALL
        .into_iter()
        .map(|section| {
            let first = section.choices().next().map(|c| c.key).unwrap_or_default();
            view! {
                <button
                    class=move || if state.choice.get().section == section { "mapping-tab mapping-tab-current" } else { "mapping-tab" }
                    role="tab"
                    aria-selected=move || (state.choice.get().section == section).to_string()
                    data-test=format!("mapping-section-{}", section.as_str())
                    on:click=move |_| open_choice(first)
                >
                    {section_text(lang, section)}
                </button>
            }
        })
        .collect_view()
    };

    let type_choices = move || {
        let current = state.choice.get();
        current
            .section
            .choices()
            .map(|choice| {
                let key = choice.key;
                view! {
                    <button
                        class=if choice.key == current.key { "chip mapping-type mapping-type-current" } else { "chip mapping-type" }
                        data-test=format!("mapping-type-{key}")
                        on:click=move |_| open_choice(key)
                    >
                        {choice_text(lang, key)}
                    </button>
                }
            })
            .collect_view()
    };

    let status_options = move || {
        StatusFilter::ALL
        .into_iter()
            .map(|filter| view! { <option value=filter.value()>{status_filter_text(lang, filter)}</option> })
            .collect_view()
    };

    let busy = move || state.busy.get().is_some();
    let editor = move || {
        if state.instance.get().is_none() {
            return ().into_any();
        }
        match state.stored.get() {
            Loadable::Idle | Loadable::Loading => {
                view! { <Loading label=tr!(lang, mapping.panel.loading)/> }.into_any()
            }
            Loadable::Failed(message) => view! {
                <Notice kind=NoticeKind::Error title=tr!(lang, mapping.panel.cannot_load) data_test="mapping-load-error">
                    <p>{message}</p>
                </Notice>
            }
            .into_any(),
            Loadable::Ready(_) => view! {
                <div class="mapping-tabs" role="tablist">{sections()}</div>
                <div class="mapping-types">{type_choices}</div>
                <div class="toolbar mapping-toolbar">
                    <input class="input" type="search" data-test="mapping-search"
                        placeholder=tr!(lang, mapping.panel.search)
                        prop:value=move || state.request.with(|r| r.search.clone())
                        on:input=move |ev| {
                            let text = event_target_value(&ev);
                            state.request.update(|r| { r.search = text; r.page = 1; });
                            load_rows(state);
                        }/>
                    <select class="input" data-test="mapping-filter"
                        prop:value=move || state.request.with(|r| r.status.value())
                        on:change=move |ev| {
                            let filter = StatusFilter::from_value(&event_target_value(&ev));
                            state.request.update(|r| { r.status = filter; r.page = 1; });
                            load_rows(state);
                        }>
                        {status_options()}
                    </select>
                    <button class="button" data-test="mapping-auto-map" disabled=busy
                        on:click=move |_| auto_map_rows(state)>
                        {move || if state.selected.with(|s| s.is_empty()) {
                            tr!(lang, mapping.panel.auto_map_unmapped)
                        } else {
                            tr!(lang, mapping.panel.auto_map_selected)
                        }}
                    </button>
                    <Show when=move || !state.selected.with(|s| s.is_empty())>
                        <button class="button" data-test="mapping-exclude-selected"
                            on:click=move |_| {
                                let choice = state.choice.get_untracked();
                                let keys = selected_keys(state);
                                state.draft.update(|d| super::edit::exclude(d, choice, &keys));
                                state.selected.set(Default::default());
                            }>
                            {tr!(lang, mapping.panel.exclude_selected)}
                        </button>
                        <button class="button" data-test="mapping-reset-selected"
                            on:click=move |_| {
                                let choice = state.choice.get_untracked();
                                let keys = selected_keys(state);
                                state.draft.update(|d| super::edit::reset(d, choice, &keys));
                                state.selected.set(Default::default());
                            }>
                            {tr!(lang, mapping.panel.reset_selected)}
                        </button>
                    </Show>
                    <span class="toolbar-spacer"></span>
                    <ImportMapping state/>
                    <button class="button" data-test="mapping-export" on:click=move |_| export(state)>
                        {tr!(lang, mapping.panel.export)}
                    </button>
                    <Show when=move || state.dirty()>
                        <span class="tag" data-test="mapping-unsaved">{tr!(lang, mapping.panel.unsaved)}</span>
                        <button class="button" data-test="mapping-discard" disabled=busy
                            on:click=move |_| {
                                if let Loadable::Ready(stored) = state.stored.get_untracked() {
                                    state.draft.set(stored);
                                    load_rows(state);
                                }
                            }>
                            {tr!(lang, mapping.panel.discard)}
                        </button>
                    </Show>
                    <button class="button button-primary" data-test="mapping-save"
                        disabled=move || busy() || !state.dirty()
                        on:click=move |_| save(state)>
                        {tr!(lang, mapping.panel.save)}
                    </button>
                </div>
                {move || state.busy.get().map(|what| view! {
                    <p class="field-help" data-test="mapping-busy"><Loading label=what/></p>
                })}
                {move || state.summary.get().map(|summary| view! { <AutoMapReport state summary/> })}
                <MappingTable state/>
            }
            .into_any(),
        }
    };

    view! {
        <div class="page mapping-page" data-test="panel-mapping">
            <style>{include_str!("mapping.css")}</style>
            {breadcrumb}
            <h1 class="page-title">{title}</h1>
            <p class="field-help">{tr!(lang, mapping.panel.intro)}</p>
            {move || state.notice.get().map(|(kind, message)| view! {
                <Notice kind data_test="mapping-notice"><p>{message}</p></Notice>
            })}
            {move || match state.ctx.get() {
                None => view! { <Loading label=tr!(lang, instances.opening)/> }.into_any(),
                Some(Err(message)) => view! {
                    <Notice kind=NoticeKind::Error title=tr!(lang, mapping.panel.cannot_open) data_test="mapping-error">
                        <p>{message}</p>
                    </Notice>
                }
                .into_any(),
                Some(Ok(_)) => view! {
                    <section class="card mapping-section">{instance_picker}</section>
                    <Show when=move || state.instance.with(Option::is_some)>
                        <section class="card mapping-section">{editor}</section>
                    </Show>
                }
                .into_any(),
            }}
            {move || state.picking.get().map(|origin| view! { <TargetPicker state origin/> })}
            {move || state.picking_nested.get().map(|pick| {
                let origin = mdsync_core::mapping::MappableObject {
                    name: pick.nested_key.as_str().to_string(),
                    ..Default::default()
                };
                view! { <TargetPicker state origin nested=pick/> }
            })}
            <LeaveGuard state/>
        </div>
    }
    .into_any()
}

fn selected_keys(state: MappingState) -> Vec<mdsync_core::mapping::MappingKey> {
    state
        .selected
        .get_untracked()
        .iter()
        .filter_map(|key| mdsync_core::mapping::MappingKey::parse(key))
        .collect()
}
