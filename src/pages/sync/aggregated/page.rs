use leptos::prelude::*;
use leptos::task::spawn_local;
use mdsync_core::dhis2::Version;

use super::attribute_options::AttributeOptionsPicker;
use super::data_picker::DataPicker;
use super::instances::InstanceChoice;
use super::levels_groups::LevelsGroupsPicker;
use super::options::AggregatedOptions;
use super::results::AggregatedResults;
use super::run::AggregatedRun;
use super::state::{AggregatedState, Loadable, RunState};
use crate::components::org_unit_tree::OrgUnitSource;
use crate::components::period_picker::PeriodPicker;
use crate::l10n::use_language;
use crate::pages::sync::common::listing::Listing;
use crate::pages::sync::common::origin_tree::OriginTree;
use crate::pages::sync::common::page::{not_for_your_role, open_context, SyncPageFrame};
use crate::session::Session;
use crate::tr;

/// Another origin: its version, a fresh listing; the picks of the previous one go.
pub fn origin_changed(state: AggregatedState) {
    state.picked.set(Vec::new());
    state.org_units.set(Vec::new());
    state.org_unit_levels.set(Vec::new());
    state.org_unit_groups.set(Vec::new());
    state.level_group_choices.set(Loadable::Idle);
    state.attribute_picked.set(Vec::new());
    state.attribute_choices.set(Loadable::Idle);
    if state.attribute_chosen.get_untracked() {
        state.attribute_chosen.set(false);
    }
    let Some(ctx) = state.context() else { return };
    let origin = state.origin.get_untracked();
    spawn_local(async move {
        if let Ok((_, version)) = ctx.instance(&origin).await {
            if state.origin.get_untracked() == origin {
                state
                    .origin_version
                    .set(version.unwrap_or(Version::OLDEST_SUPPORTED));
            }
        }
        load_listing(state);
    });
}

/// Fetches the page of data items the request names; stale answers are dropped.
pub fn load_listing(state: AggregatedState) {
    let Some(ctx) = state.context() else { return };
    let listing = Listing {
        lang: state.lang,
        origin: state.origin,
        listing: state.listing,
        generation: state.listing_generation,
    };
    let request = state.request.get_untracked();
    listing.load_page(ctx, state.origin_version.get_untracked(), request);
}

/// The tree reads the origin's units.
pub(crate) fn org_unit_source(state: AggregatedState, origin: String) -> OrgUnitSource {
    crate::pages::sync::common::run::origin_org_units(state.lang, state.ctx, origin)
}

#[component]
pub fn AggregatedSyncPage(session: Session) -> impl IntoView {
    let lang = use_language();
    if !session.role.can_configure() {
        return not_for_your_role(lang, "sync-aggregated-not-allowed");
    }
    let state = AggregatedState::new(session.info.version.clone(), lang);
    let ready = move || load_listing(state);
    open_context(lang, &session, state.ctx, state.instances, ready);
    view! {
        <SyncPageFrame
            lang
            data_test="panel-sync-aggregated"
            crumb=tr!(lang, sync.menu.aggregated_title)
            title=tr!(lang, aggregated.title)
            ctx=state.ctx
            notice=state.notice
            notice_test="aggregated-notice"
        >
            <section class="sync-section card" data-test="aggregated-instances">
                <h2 class="sync-section-title">{tr!(lang, aggregated.section_instances)}</h2>
                <InstanceChoice state/>
            </section>
            <section class="sync-section card" data-test="aggregated-what">
                <h2 class="sync-section-title">{tr!(lang, aggregated.section_what)}</h2>
                <DataPicker state/>
                <AttributeOptionsPicker state/>
            </section>
            <div class="aggregated-where-when">
                <section class="sync-section card" data-test="aggregated-where">
                    <h2 class="sync-section-title">{tr!(lang, aggregated.section_where)}</h2>
                    <OriginTree
                        lang
                        ctx=state.ctx
                        origin=state.origin
                        selected=state.org_units
                        include_descendants=state.include_descendants
                    />
                    <LevelsGroupsPicker state/>
                </section>
                <section class="sync-section card" data-test="aggregated-when">
                    <h2 class="sync-section-title">{tr!(lang, aggregated.section_when)}</h2>
                    <PeriodPicker period=state.period/>
                </section>
            </div>
            <section class="sync-section card" data-test="aggregated-options">
                <h2 class="sync-section-title">{tr!(lang, aggregated.section_options)}</h2>
                <AggregatedOptions state/>
            </section>
            <section class="sync-section card" data-test="aggregated-run">
                <h2 class="sync-section-title">{tr!(lang, aggregated.section_run)}</h2>
                <AggregatedRun state/>
            </section>
            {move || match state.run.get() {
                RunState::Finished { report, history } => view! {
                    <AggregatedResults report=*report history/>
                }
                .into_any(),
                _ => ().into_any(),
            }}
        </SyncPageFrame>
    }
    .into_any()
}
