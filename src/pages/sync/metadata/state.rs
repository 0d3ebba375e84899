use leptos::prelude::*;
use mdsync_core::browse::{ListRequest, RunProgress, SelectionState, SyncOptionsForm, TypeCatalog};
use mdsync_core::dhis2::metadata_list::ListedPage;
use mdsync_core::dhis2::{SchemaRegistry, Version};
use mdsync_core::model::InstanceView;
use mdsync_core::sync::{CancellationToken, SyncReport};

use crate::components::notice::NoticeKind;
use crate::l10n::messages::instance_name;
use crate::l10n::Language;
use crate::pages::sync::context::SyncContext;

/// Something loaded from the network.
#[derive(Debug, Clone, PartialEq)]
pub enum Loadable<T> {
    Idle,
    Loading,
    Ready(T),
    Failed(String),
}

/// The run, from the buttons' point of view.
#[derive(Debug, Clone)]
pub enum RunState {
    Idle,
    Running {
        dry_run: bool,
        cancel: CancellationToken,
    },
    Finished {
        report: Box<SyncReport>,
        /// What happened to the history entry.
        history: Result<String, String>,
    },
    /// Nothing could start (an instance could not be opened…).
    Failed(String),
}

impl RunState {
    pub fn is_running(&self) -> bool {
        matches!(self, RunState::Running { .. })
    }
}

/// Every signal of the page; `Copy`, so parts take it by value.
#[derive(Clone, Copy)]
pub struct SyncState {
    /// The language the page speaks (messages are put into words when they happen).
    pub lang: Language,
    pub ctx: RwSignal<Option<Result<SyncContext, String>>>,
    pub instances: RwSignal<Loadable<Vec<InstanceView>>>,
    pub origin: RwSignal<String>,
    pub origin_version: RwSignal<Version>,
    pub destinations: RwSignal<Vec<String>>,
    pub catalog: RwSignal<Loadable<TypeCatalog>>,
    pub current_type: RwSignal<Option<String>>,
    pub request: RwSignal<ListRequest>,
    pub listing: RwSignal<Loadable<ListedPage>>,
    /// Bumped by every listing request; an answer to an older one is dropped.
    pub listing_generation: RwSignal<u64>,
    pub selection: RwSignal<SelectionState>,
    pub options: RwSignal<SyncOptionsForm>,
    /// The origin's schemas (origin id, registry), read when the per-type rules are opened.
    pub schemas: RwSignal<Loadable<(String, SchemaRegistry)>>,
    pub run: RwSignal<RunState>,
    pub progress: RwSignal<RunProgress>,
    pub confirming: RwSignal<bool>,
    pub notice: RwSignal<Option<(NoticeKind, String)>>,
}

impl SyncState {
    pub fn new(local_version: Version, lang: Language) -> Self {
        SyncState {
            lang,
            ctx: RwSignal::new(None),
            instances: RwSignal::new(Loadable::Loading),
            origin: RwSignal::new(mdsync_core::model::LOCAL_INSTANCE_ID.to_string()),
            origin_version: RwSignal::new(local_version),
            destinations: RwSignal::new(Vec::new()),
            catalog: RwSignal::new(Loadable::Idle),
            current_type: RwSignal::new(None),
            request: RwSignal::new(ListRequest::new("")),
            listing: RwSignal::new(Loadable::Idle),
            listing_generation: RwSignal::new(0),
            selection: RwSignal::new(SelectionState::default()),
            options: RwSignal::new(SyncOptionsForm::default()),
            schemas: RwSignal::new(Loadable::Idle),
            run: RwSignal::new(RunState::Idle),
            progress: RwSignal::new(RunProgress::default()),
            confirming: RwSignal::new(false),
            notice: RwSignal::new(None),
        }
    }

    pub fn context(&self) -> Option<SyncContext> {
        match self.ctx.get_untracked() {
            Some(Ok(ctx)) => Some(ctx),
            _ => None,
        }
    }

    /// The name of an instance, as listed.
    pub fn instance_name(&self, id: &str) -> String {
        match self.instances.get_untracked() {
            Loadable::Ready(all) => all
                .iter()
                .find(|view| view.id == id)
                .map(|view| instance_name(self.lang, view))
                .unwrap_or_else(|| id.to_string()),
            _ => id.to_string(),
        }
    }
}
