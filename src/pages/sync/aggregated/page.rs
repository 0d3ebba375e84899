use leptos::prelude::*;
use leptos::task::spawn_local;
use mdsync_core::access::Panel;
use mdsync_core::dhis2::metadata_list::fetch_list_page;
use mdsync_core::dhis2::Version;

use super::attribute_options::AttributeOptionsPicker;
use super::data_picker::DataPicker;
use super::instances::InstanceChoice;
use super::levels_groups::LevelsGroupsPicker;
use super::options::AggregatedOptions;
use super::results::AggregatedResults;
use super::run::AggregatedRun;
use super::state::{AggregatedState, Loadable, RunState};
use crate::components::loading::Loading;
use crate::components::notice::{Notice, NoticeKind};
use crate::components::org_unit_tree::{OrgUnitSource, OrgUnitTree};
use crate::components::period_picker::PeriodPicker;
use crate::l10n::messages::sync::query_error;
use crate::l10n::messages::{dhis2_error, instance_error, open_error, panel_title};
use crate::l10n::use_language;
use crate::pages::sync::context::SyncContext;
use crate::services::Services;
use crate::session::Session;
use crate::tr;

fn load_instances(state: AggregatedState, ctx: SyncContext) {
    crate::pages::sync::common::run::load_instances(state.lang, ctx, state.instances);
}

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
    let request = state.request.get_untracked();
    let generation = state.listing_generation.get_untracked() + 1;
    state.listing_generation.set(generation);
    let origin = state.origin.get_untracked();
    let version = state.origin_version.get_untracked();
    state.listing.set(Loadable::Loading);
    spawn_local(async move {
        let lang = state.lang;
        let loaded = async {
            let (instance, _) = ctx
                .instance(&origin)
                .await
                .map_err(|e| instance_error(lang, &e))?;
            let path = request
                .path(&version, instance.client.base_url())
                .map_err(|e| query_error(lang, &e))?;
            let query = path.split_once('?').map(|(_, q)| q).unwrap_or_default();
            fetch_list_page(&instance.client, &request.plural, query)
                .await
                .map_err(|e| dhis2_error(lang, &e))
        }
        .await;
        if state.listing_generation.get_untracked() != generation {
            return;
        }
        state.listing.set(match loaded {
            Ok(page) => Loadable::Ready(page),
            Err(message) => Loadable::Failed(message),
        });
    });
}

/// The tree reads the origin's units.
pub(crate) fn org_unit_source(state: AggregatedState, origin: String) -> OrgUnitSource {
    crate::pages::sync::common::run::origin_org_units(state.lang, state.ctx, origin)
}

#[component]
pub fn AggregatedSyncPage(session: Session) -> impl IntoView {
    let lang = use_language();
    if !session.role.can_configure() {
        return view! {
            <div class="page" data-test="sync-aggregated-not-allowed">
                <Notice kind=NoticeKind::Warning title=tr!(lang, sync.not_for_your_role)>
                    <p>{tr!(lang, sync.metadata.only_configurators)}</p>
                </Notice>
            </div>
        }
        .into_any();
    }
    let services = expect_context::<Services>();
    let state = AggregatedState::new(session.info.version.clone(), lang);
    {
        let session = session.clone();
        spawn_local(async move {
            let opened = SyncContext::open(services, &session)
                .await
                .map_err(|e| open_error(lang, &e));
            if let Ok(ctx) = &opened {
                load_instances(state, ctx.clone());
            }
            let ready = opened.is_ok();
            state.ctx.set(Some(opened));
            if ready {
                load_listing(state);
            }
        });
    }
    // The tree is drawn again for another origin.
    let tree = move || {
        let origin = state.origin.get();
        view! {
            <OrgUnitTree
                source=org_unit_source(state, origin)
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
                    {tree}
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
        }
        .into_any(),
    }
    };
    view! {
        <div class="page sync-page" data-test="panel-sync-aggregated">
            <p class="breadcrumb">
                <a href="#/">"MetaData Sync"</a>" / "
                <a href="#/sync">{panel_title(lang, Panel::Sync)}</a>" / "{tr!(lang, sync.menu.aggregated_title)}
            </p>
            <h1 class="page-title">{tr!(lang, aggregated.title)}</h1>
            {move || state.notice.get().map(|(kind, message)| view! {
                <Notice kind data_test="aggregated-notice"><p>{message}</p></Notice>
            })}
            {body}
        </div>
    }
    .into_any()
}
