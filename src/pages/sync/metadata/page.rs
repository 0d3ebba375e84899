use leptos::prelude::*;
use leptos::task::spawn_local;
use mdsync_core::access::Panel;
use mdsync_core::browse::{ListRequest, SelectionState, TypeCatalog};
use mdsync_core::dhis2::metadata_list::fetch_list_page;
use mdsync_core::dhis2::schemas::fetch_schemas;
use mdsync_core::dhis2::Version;

use super::browser::MetadataBrowser;
use super::instances::InstancePicker;
use super::options::OptionsForm;
use super::picked::PickedList;
use super::run::RunControls;
use super::state::{Loadable, RunState, SyncState};
use crate::components::loading::Loading;
use crate::components::notice::{Notice, NoticeKind};
use crate::pages::sync::context::SyncContext;
use crate::pages::sync::results::RunResults;
use crate::services::Services;
use crate::session::Session;

/// Lists the instances the user may use.
fn load_instances(state: SyncState, ctx: SyncContext) {
    spawn_local(async move {
        let listed = ctx.manager.list(&ctx.storage()).await;
        state.instances.set(match listed {
            Ok(all) => Loadable::Ready(all),
            Err(error) => Loadable::Failed(error.to_string()),
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
        let loaded = async {
            let (instance, version) = ctx.instance(&origin).await?;
            let registry = fetch_schemas(&instance.client)
                .await
                .map_err(|e| e.to_string())?;
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
        let loaded = async {
            let (instance, _) = ctx.instance(&origin).await?;
            let path = request
                .path(&version, instance.client.base_url())
                .map_err(|e| e.to_string())?;
            let query = path.split_once('?').map(|(_, q)| q).unwrap_or_default();
            fetch_list_page(&instance.client, &request.plural, query)
                .await
                .map_err(|e| e.to_string())
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
    if !session.role.can_configure() {
        return view! {
            <div class="page" data-test="sync-metadata-not-allowed">
                <Notice kind=NoticeKind::Warning title="Not available to your role">
                    <p>"Only configurators and administrators can run manual syncs."</p>
                </Notice>
            </div>
        }
        .into_any();
    }
    let services = expect_context::<Services>();
    let state = SyncState::new(session.info.version.clone());
    {
        let session = session.clone();
        spawn_local(async move {
            let opened = SyncContext::open(services, &session).await;
            if let Ok(ctx) = &opened {
                load_instances(state, ctx.clone());
            }
            let ready = opened.is_ok();
            state.ctx.set(Some(opened));
            if ready {
                load_catalog(state);
            }
        });
    }

    let body = move || match state.ctx.get() {
        None => view! { <Loading label="Opening the instances…"/> }.into_any(),
        Some(Err(message)) => view! {
            <Notice kind=NoticeKind::Error title="The sync page cannot open" data_test="sync-error">
                <p>{message}</p>
            </Notice>
        }
        .into_any(),
        Some(Ok(_)) => view! {
            <section class="sync-section card" data-test="sync-instances">
                <h2 class="sync-section-title">"1. Instances"</h2>
                <InstancePicker state/>
            </section>
            <section class="sync-section card" data-test="sync-selection">
                <h2 class="sync-section-title">"2. What to sync"</h2>
                <MetadataBrowser state/>
                <PickedList state/>
            </section>
            <section class="sync-section card" data-test="sync-options">
                <h2 class="sync-section-title">"3. Options"</h2>
                <OptionsForm state/>
            </section>
            <section class="sync-section card" data-test="sync-run">
                <h2 class="sync-section-title">"4. Run"</h2>
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
    };

    view! {
        <div class="page sync-page" data-test="panel-sync-metadata">
            <p class="breadcrumb">
                <a href="#/">"MetaData Sync"</a>" / "
                <a href="#/sync">{Panel::Sync.title()}</a>" / Metadata"
            </p>
            <h1 class="page-title">"Metadata sync"</h1>
            {move || state.notice.get().map(|(kind, message)| view! {
                <Notice kind data_test="sync-notice"><p>{message}</p></Notice>
            })}
            {body}
        </div>
    }
    .into_any()
}
