//! The Sync panel: `#/sync` is a small menu of the kinds of sync, `#/sync/metadata` the manual
//! metadata sync, `#/sync/aggregated` the data values, `#/sync/deleted` the replay of deletions. Everything the pages decide is in `mdsync_core::browse` and the engine.

pub mod aggregated;
pub(crate) mod common;
pub(crate) mod context;
mod deleted;
pub(crate) mod download;
pub mod events;
mod menu;
pub mod metadata;
pub mod results;

use leptos::ev;
use leptos::prelude::*;

use crate::pages::lazy_panel::{LazyPanel, SplitPanel};
use crate::session::Session;
use aggregated::AggregatedSyncPage;
use deleted::DeletedSyncPage;
use menu::SyncMenu;
use metadata::MetadataSyncPage;

/// Which page of the panel the hash names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncView {
    Menu,
    Metadata,
    Aggregated,
    Events,
    Deleted,
    /// A sub path the panel does not have.
    Unknown,
}

impl SyncView {
    /// `#/sync` → menu, `#/sync/metadata` → metadata; anything else is unknown.
    pub fn from_hash(hash: &str) -> SyncView {
        let path = hash.trim_start_matches('#').trim_start_matches('/');
        let path = path.split('?').next().unwrap_or_default();
        let mut segments = path.split('/').filter(|s| !s.is_empty()).skip(1);
        match segments.next() {
            None => SyncView::Menu,
            Some("metadata") => SyncView::Metadata,
            Some("aggregated") => SyncView::Aggregated,
            Some("events") => SyncView::Events,
            Some("deleted") => SyncView::Deleted,
            Some(_) => SyncView::Unknown,
        }
    }
}

fn current_view() -> SyncView {
    let hash = web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default();
    SyncView::from_hash(&hash)
}

/// The panel: follows the hash below `#/sync`.
#[component]
pub fn SyncPanel(session: Session) -> impl IntoView {
    let view = RwSignal::new(current_view());
    let handle = window_event_listener(ev::hashchange, move |_| {
        let next = current_view();
        if view.get_untracked() != next {
            view.set(next);
        }
    });
    on_cleanup(move || handle.remove());
    view! {
        <style>{include_str!("sync.css")}</style>
        {move || match view.get() {
            SyncView::Metadata => view! { <MetadataSyncPage session=session.clone()/> }.into_any(),
            SyncView::Aggregated => view! { <AggregatedSyncPage session=session.clone()/> }.into_any(),
            SyncView::Events => view! { <LazyPanel split=SplitPanel::SyncEvents session=session.clone()/> }.into_any(),
            SyncView::Deleted => view! { <DeletedSyncPage session=session.clone()/> }.into_any(),
            SyncView::Menu | SyncView::Unknown => view! { <SyncMenu/> }.into_any(),
        }}
    }
}
