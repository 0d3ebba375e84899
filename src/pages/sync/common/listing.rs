//! Reading one page of a listing from the origin (metadata objects, data items, events) into a
//! page's signal: every read bumps a generation, and an answer to an older read (the user typed
//! on, paged on or picked another origin meanwhile) is dropped.

use std::future::Future;

use leptos::prelude::*;
use leptos::task::spawn_local;
use mdsync_core::browse::ListRequest;
use mdsync_core::dhis2::metadata_list::{fetch_list_page, ListedPage};
use mdsync_core::dhis2::Version;
use mdsync_core::instances::InstanceTransport;
use mdsync_core::sync::metadata::SyncInstance;

use super::Loadable;
use crate::l10n::messages::sync::query_error;
use crate::l10n::messages::{dhis2_error, instance_error};
use crate::l10n::Language;
use crate::pages::sync::context::SyncContext;
use crate::transport::SharedTransport;

/// The origin as a read gets it.
pub type OriginInstance = SyncInstance<InstanceTransport<SharedTransport>>;

/// The page's signals a listing is read with.
pub struct Listing<T: Send + Sync + 'static> {
    pub lang: Language,
    pub origin: RwSignal<String>,
    pub listing: RwSignal<Loadable<T>>,
    /// Bumped by every read.
    pub generation: RwSignal<u64>,
}

impl<T: Send + Sync + 'static> Listing<T> {
    /// Opens the origin and runs `read` on it; the latest read's answer lands in `listing`.
    pub fn load<Fut>(self, ctx: SyncContext, read: impl FnOnce(OriginInstance) -> Fut + 'static)
    where
        Fut: Future<Output = Result<T, String>> + 'static,
    {
        let Listing {
            lang,
            origin,
            listing,
            generation,
        } = self;
        let current = generation.get_untracked() + 1;
        generation.set(current);
        let origin = origin.get_untracked();
        listing.set(Loadable::Loading);
        spawn_local(async move {
            let loaded = match ctx.instance(&origin).await {
                Ok((instance, _)) => read(instance).await,
                Err(error) => Err(instance_error(lang, &error)),
            };
            if generation.get_untracked() != current {
                return;
            }
            listing.set(match loaded {
                Ok(page) => Loadable::Ready(page),
                Err(message) => Loadable::Failed(message),
            });
        });
    }
}

impl Listing<ListedPage> {
    /// One page of metadata objects (of a type, or data items), as `request` names it, read
    /// in the form of the origin's `version`.
    pub fn load_page(self, ctx: SyncContext, version: Version, request: ListRequest) {
        let lang = self.lang;
        self.load(ctx, move |instance| async move {
            let path = request
                .path(&version, instance.client.base_url())
                .map_err(|e| query_error(lang, &e))?;
            let query = path.split_once('?').map(|(_, q)| q).unwrap_or_default();
            fetch_list_page(&instance.client, &request.plural, query)
                .await
                .map_err(|e| dhis2_error(lang, &e))
        });
    }
}
