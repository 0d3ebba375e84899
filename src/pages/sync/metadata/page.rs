use leptos::prelude::*;
use leptos::task::spawn_local;
use mdsync_core::browse::{ListRequest, SelectionState, TypeCatalog};
use mdsync_core::dhis2::schemas::fetch_schemas;
use mdsync_core::dhis2::Version;
use mdsync_core::storage::user_defaults::read_sync_defaults;

use super::browser::MetadataBrowser;
use super::instances::InstancePicker;
use super::options::OptionsForm;
use super::picked::PickedList;
use super::run::RunControls;
use super::state::{Loadable, RunState, SyncState};
use crate::l10n::messages::{dhis2_error, instance_error};
use crate::l10n::use_language;
use crate::pages::sync::common::listing::Listing;
use crate::pages::sync::common::page::{not_for_your_role, open_context_with, SyncPageFrame};
use crate::pages::sync::context::SyncContext;
use crate::pages::sync::results::RunResults;
use crate::session::Session;
use crate::tr;

/// Reads the origin's schemas into the type catalog; forgets the previous origin's picks.
pub fn load_catalog(state: SyncState) {
    let Some(ctx) = state.context() else { return };
    let origin = state.origin.get_untracked();
    state.catalog.set(Loadable::Loading);
    state.current_type.set(None);
    state.listing.set(Loadable::Idle);
    state.selection.set(SelectionState::default());
    spawn_local(async move {
        let lang = state.lang;
        let loaded = async {
            let (instance, version) = ctx
                .instance(&origin)
                .await
                .map_err(|e| instance_error(lang, &e))?;
            let registry = fetch_schemas(&instance.client)
                .await
                .map_err(|e| dhis2_error(lang, &e))?;
            Ok::<_, String>((TypeCatalog::from_registry(&registry), registry, version))
        }
        .await;
        // The user may have picked another origin meanwhile.
        if state.origin.get_untracked() != origin {
            return;
        }
        state.catalog.set(match loaded {
            Ok((catalog, registry, version)) => {
                state
                    .origin_version
                    .set(version.unwrap_or(Version::OLDEST_SUPPORTED));
                // Kept for the per-type dependency rules, so they need no second read.
                state
                    .schemas
                    .set(Loadable::Ready((origin.clone(), registry)));
                Loadable::Ready(catalog)
            }
            Err(message) => Loadable::Failed(message),
        });
    });
}

/// Shows the first page of a type.
pub fn open_type(state: SyncState, plural: String) {
    state.current_type.set(Some(plural.clone()));
    state.request.set(ListRequest::new(&plural));
    load_listing(state);
}

/// Fetches the page the request names; stale answers are dropped.
pub fn load_listing(state: SyncState) {
    let Some(ctx) = state.context() else { return };
    let request = state.request.get_untracked();
    if request.plural.is_empty() {
        return;
    }
    let listing = Listing {
        lang: state.lang,
        origin: state.origin,
        listing: state.listing,
        generation: state.listing_generation,
    };
    listing.load_page(ctx, state.origin_version.get_untracked(), request);
}

#[component]
pub fn MetadataSyncPage(session: Session) -> impl IntoView {
    let lang = use_language();
    if !session.role.can_configure() {
        return not_for_your_role(lang, "sync-metadata-not-allowed");
    }
    let state = SyncState::new(session.info.version.clone(), lang);
    // Where the inclusion switches start: the user's own defaults (Settings).
    let defaults = move |ctx: SyncContext| async move {
        if let Ok(defaults) = read_sync_defaults(&ctx.services.local_client()).await {
            state.options.update(|options| defaults.apply(options));
        }
    };
    let (ctx, instances) = (state.ctx, state.instances);
    let ready = move || load_catalog(state);
    open_context_with(lang, &session, ctx, instances, defaults, ready);
    view! {
        <SyncPageFrame
            lang
            data_test="panel-sync-metadata"
            crumb=tr!(lang, sync.menu.metadata_title)
            title=tr!(lang, sync.metadata.title)
            ctx=state.ctx
            notice=state.notice
            notice_test="sync-notice"
        >
            <section class="sync-section card" data-test="sync-instances">
                <h2 class="sync-section-title">{tr!(lang, sync.metadata.section_instances)}</h2>
                <InstancePicker state/>
            </section>
            <section class="sync-section card" data-test="sync-selection">
                <h2 class="sync-section-title">{tr!(lang, sync.metadata.section_what)}</h2>
                <MetadataBrowser state/>
                <PickedList state/>
            </section>
            <section class="sync-section card" data-test="sync-options">
                <h2 class="sync-section-title">{tr!(lang, sync.metadata.section_options)}</h2>
                <OptionsForm state/>
            </section>
            <section class="sync-section card" data-test="sync-run">
                <h2 class="sync-section-title">{tr!(lang, sync.metadata.section_run)}</h2>
                <RunControls state/>
            </section>
            {move || match state.run.get() {
                RunState::Finished { report, history } => view! {
                    <RunResults report=*report history/>
                }
                .into_any(),
                _ => ().into_any(),
            }}
        </SyncPageFrame>
    }
    .into_any()
}
