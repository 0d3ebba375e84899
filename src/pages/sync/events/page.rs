use leptos::prelude::*;

use super::chosen::ChosenEvents;
use super::entities::ChosenEntities;
use super::load::{load_columns, origin_changed};
use super::options::EventsOptions;
use super::programs::ProgramPicker;
use super::results::EventsResults;
use super::run::EventsRun;
use super::state::EventsState;
use super::when::EventsWhen;
use crate::l10n::use_language;
use crate::pages::sync::common::instances::InstancePicker;
use crate::pages::sync::common::origin_tree::OriginTree;
use crate::pages::sync::common::page::{not_for_your_role, open_context, SyncPageFrame};
use crate::pages::sync::common::RunState;
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
        return not_for_your_role(lang, "sync-events-not-allowed");
    }
    let state = EventsState::new(session.info.version.clone(), lang);
    let ready = move || {
        origin_changed(state);
        load_columns(state);
    };
    open_context(lang, &session, state.ctx, state.instances, ready);
    let tree = move || {
        view! {
            <OriginTree
                lang
                ctx=state.ctx
                origin=state.origin
                selected=state.org_units
                include_descendants=state.include_descendants
            />
        }
    };
    view! {
        <SyncPageFrame
            lang
            data_test="panel-sync-events"
            crumb=tr!(lang, sync.menu.events_title)
            title=tr!(lang, events.title)
            ctx=state.ctx
            notice=state.notice
            notice_test="events-notice"
            style=include_str!("events.css")
        >
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
        </SyncPageFrame>
    }
    .into_any()
}
