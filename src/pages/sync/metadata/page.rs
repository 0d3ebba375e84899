use leptos::prelude::*;
use leptos::task::spawn_local;
use mdsync_core::access::Panel;
use mdsync_core::browse::{ListRequest, SelectionState, TypeCatalog};
use mdsync_core::dhis2::metadata_list::fetch_list_page;
use mdsync_core::dhis2::schemas::fetch_schemas;
use mdsync_core::dhis2::Version;
use mdsync_core::storage::user_defaults::read_sync_defaults;

use super::browser::MetadataBrowser;
use super::instances::InstancePicker;
use super::options::OptionsForm;
use super::picked::PickedList;
use super::run::RunControls;
use super::state::{Loadable, RunState, SyncState};
use crate::components::loading::Loading;
use crate::components::notice::{Notice, NoticeKind};
use crate::l10n::messages::sync::query_error;
use crate::l10n::messages::{dhis2_error, instance_error, open_error, panel_title};
use crate::l10n::use_language;
use crate::pages::sync::context::SyncContext;
use crate::pages::sync::results::RunResults;
use crate::services::Services;
use crate::session::Session;
use crate::tr;

/// Lists the instances the user may use.
fn load_instances(state: SyncState, ctx: SyncContext) {
    spawn_local(async move {
        let listed = ctx.manager.list(&ctx.storage()).await;
        state.instances.set(match listed {
            Ok(all) => Loadable::Ready(all),
            Err(error) => Loadable::Failed(instance_error(state.lang, &error)),
        });
    });
}

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

#[component]
pub fn MetadataSyncPage(session: Session) -> impl IntoView {
    // The router already keeps other roles out; the page checks again, as pages that change
    // other instances should.
    let lang = use_language();
    if !session.role.can_configure() {
        return view! {
            <div class="page" data-test="sync-metadata-not-allowed">
                <Notice kind=NoticeKind::Warning title=tr!(lang, sync.not_for_your_role)>
                    <p>{tr!(lang, sync.metadata.only_configurators)}</p>
                </Notice>
            </div>
        }
        .into_any();
    }
    let services = expect_context::<Services>();
    let state = SyncState::new(session.info.version.clone(), lang);
    {
        let session = session.clone();
        spawn_local(async move {
            let opened = SyncContext::open(services, &session)
                .await
                .map_err(|e| open_error(lang, &e));
            if let Ok(ctx) = &opened {
                load_instances(state, ctx.clone());
                // Where the inclusion switches start: the user's own defaults (Settings).
                let client = ctx.services.local_client();
                if let Ok(defaults) = read_sync_defaults(&client).await {
                    state.options.update(|options| defaults.apply(options));
                }
            }
            let ready = opened.is_ok();
            state.ctx.set(Some(opened));
            if ready {
                load_catalog(state);
            }
        });
    }

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
        }
        .into_any(),
    }
    };

    view! {
        <div class="page sync-page" data-test="panel-sync-metadata">
            <p class="breadcrumb">
                <a href="#/">"MetaData Sync"</a>" / "
                <a href="#/sync">{panel_title(lang, Panel::Sync)}</a>" / "{tr!(lang, sync.menu.metadata_title)}
            </p>
            <h1 class="page-title">{tr!(lang, sync.metadata.title)}</h1>
            {move || state.notice.get().map(|(kind, message)| view! {
                <Notice kind data_test="sync-notice"><p>{message}</p></Notice>
            })}
            {body}
        </div>
    }
    .into_any()
}
