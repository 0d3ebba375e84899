use leptos::prelude::*;
use leptos::task::spawn_local;
use mdsync_core::access::Panel;

use super::chosen::ChosenEvents;
use super::entities::ChosenEntities;
use super::load::{load_columns, origin_changed};
use super::options::EventsOptions;
use super::programs::ProgramPicker;
use super::results::EventsResults;
use super::run::EventsRun;
use super::state::EventsState;
use super::when::EventsWhen;
use crate::components::loading::Loading;
use crate::components::notice::{Notice, NoticeKind};
use crate::components::org_unit_tree::OrgUnitTree;
use crate::l10n::messages::{open_error, panel_title};
use crate::l10n::use_language;
use crate::pages::sync::common::instances::InstancePicker;
use crate::pages::sync::common::run::{load_instances, origin_org_units};
use crate::pages::sync::common::RunState;
use crate::pages::sync::context::SyncContext;
use crate::services::Services;
use crate::session::Session;
use crate::tr;

fn section(test: &'static str, title: String, body: impl IntoView + 'static) -> impl IntoView {
    view! {
        <section class="sync-section card" data-test=test>
            <h2 class="sync-section-title">{title}</h2>
            {body}
        </section>
    }
}

#[component]
pub fn EventsSyncPage(session: Session) -> impl IntoView {
    let lang = use_language();
    if !session.role.can_configure() {
        return view! {
            <div class="page" data-test="sync-events-not-allowed">
                <Notice kind=NoticeKind::Warning title=tr!(lang, sync.not_for_your_role)>
                    <p>{tr!(lang, sync.metadata.only_configurators)}</p>
                </Notice>
            </div>
        }
        .into_any();
    }
    let services = expect_context::<Services>();
    let state = EventsState::new(session.info.version.clone(), lang);
    {
        let session = session.clone();
        spawn_local(async move {
            let opened = SyncContext::open(services, &session)
                .await
                .map_err(|e| open_error(lang, &e));
            if let Ok(ctx) = &opened {
                load_instances(lang, ctx.clone(), state.instances);
            }
            let ready = opened.is_ok();
            state.ctx.set(Some(opened));
            if ready {
                origin_changed(state);
                load_columns(state);
            }
        });
    }
    // The tree is drawn again for another origin.
    let tree = move || {
        let origin = state.origin.get();
        view! {
            <OrgUnitTree
                source=origin_org_units(lang, state.ctx, origin)
                selected=state.org_units
                include_descendants=state.include_descendants
            />
        }
    };
    let body = move || {
        match state.ctx.get() {
        None => view! { <Loading label=tr!(lang, instances.opening)/> }.into_any(),
        Some(Err(message)) => view! {
            <Notice kind=NoticeKind::Error title=tr!(lang, sync.metadata.cannot_open) data_test="sync-error">
                <p>{message}</p>
            </Notice>
        }
        .into_any(),
        Some(Ok(_)) => view! {
            {section("events-instances", tr!(lang, events.section_instances), view! {
                <InstancePicker
                    lang
                    ctx=state.ctx
                    instances=state.instances
                    origin=state.origin
                    destinations=state.destinations
                    select_id="events-origin"
                    origin_help=tr!(lang, events.origin_help)
                    on_origin_change=Callback::new(move |_| origin_changed(state))
                />
            })}
            {section("events-programs-section", tr!(lang, events.section_programs), view! { <ProgramPicker state/> })}
            <div class="aggregated-where-when">
                {section("events-where", tr!(lang, events.section_where), tree)}
                {section("events-when", tr!(lang, events.section_when), view! { <EventsWhen state/> })}
            </div>
            {section("events-which", tr!(lang, events.section_events), view! { <ChosenEvents state/> })}
            {section("events-entities", tr!(lang, events.section_entities), view! { <ChosenEntities state/> })}
            {section("events-options", tr!(lang, events.section_options), view! { <EventsOptions state/> })}
            {section("events-run", tr!(lang, events.section_run), view! { <EventsRun state/> })}
            {move || match state.run.get() {
                RunState::Finished { report, history } => view! {
                    <EventsResults report=*report history/>
                }
                .into_any(),
                _ => ().into_any(),
            }}
        }
        .into_any(),
    }
    };
    view! {
        <div class="page sync-page" data-test="panel-sync-events">
            <style>{include_str!("events.css")}</style>
            <p class="breadcrumb">
                <a href="#/">"MetaData Sync"</a>" / "
                <a href="#/sync">{panel_title(lang, Panel::Sync)}</a>" / "{tr!(lang, sync.menu.events_title)}
            </p>
            <h1 class="page-title">{tr!(lang, events.title)}</h1>
            {move || state.notice.get().map(|(kind, message)| view! {
                <Notice kind data_test="events-notice"><p>{message}</p></Notice>
            })}
            {body}
        </div>
    }
    .into_any()
}
