use leptos::prelude::*;
use mdsync_core::browse::{ListRequest, RunProgress, SelectionState, SyncOptionsForm, TypeCatalog};
use mdsync_core::dhis2::metadata_list::ListedPage;
use mdsync_core::dhis2::{SchemaRegistry, Version};
use mdsync_core::model::InstanceView;

use crate::components::notice::NoticeKind;
use crate::l10n::Language;
use crate::pages::sync::common::run::RunSignals;
use crate::pages::sync::context::SyncContext;

pub use crate::pages::sync::common::{Loadable, RunState};

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
        crate::pages::sync::common::opened(self.ctx)
    }

    /// The name of an instance, as listed.
    pub fn instance_name(&self, id: &str) -> String {
        crate::pages::sync::common::name_of(self.lang, self.instances, id)
    }

    /// The signals a run of the page reports into.
    pub fn run_signals(&self) -> RunSignals {
        RunSignals {
            lang: self.lang,
            run: self.run,
            progress: self.progress,
        }
    }
}
