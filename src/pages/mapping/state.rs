use std::collections::{BTreeMap, BTreeSet};

use leptos::prelude::*;
use mdsync_core::dhis2::metadata_list::Pager;
use mdsync_core::dhis2::Dhis2Client;
use mdsync_core::dhis2::Version;
use mdsync_core::instances::{InstanceError, InstanceManager, InstanceTransport};
use mdsync_core::mapping::{AutoMapRow, MappableObject, MappingDictionary, MatchRule};
use mdsync_core::model::InstanceView;
use mdsync_core::storage::Storage;

use super::types::{TypeChoice, CHOICES};
use crate::components::notice::NoticeKind;
use crate::l10n::Language;
use crate::services::Services;
use crate::transport::SharedTransport;

/// Something loaded from the network.
#[derive(Debug, Clone, PartialEq)]
pub enum Loadable<T> {
    Idle,
    Loading,
    Ready(T),
    Failed(String),
}

/// Which rows of the type to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusFilter {
    All,
    Mapped,
    Unmapped,
    Excluded,
    Conflict,
}

impl StatusFilter {
    pub const ALL: [StatusFilter; 5] = [
        StatusFilter::All,
        StatusFilter::Mapped,
        StatusFilter::Unmapped,
        StatusFilter::Excluded,
        StatusFilter::Conflict,
    ];

    pub fn value(self) -> &'static str {
        match self {
            StatusFilter::All => "all",
            StatusFilter::Mapped => "mapped",
            StatusFilter::Unmapped => "unmapped",
            StatusFilter::Excluded => "excluded",
            StatusFilter::Conflict => "conflict",
        }
    }

    pub fn from_value(value: &str) -> StatusFilter {
        StatusFilter::ALL
            .into_iter()
            .find(|filter| filter.value() == value)
            .unwrap_or(StatusFilter::All)
    }
}

/// The page of origin objects asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowsRequest {
    pub search: String,
    pub status: StatusFilter,
    /// One-based.
    pub page: u32,
    pub page_size: u32,
}

impl Default for RowsRequest {
    fn default() -> Self {
        RowsRequest {
            search: String::new(),
            status: StatusFilter::All,
            page: 1,
            page_size: 25,
        }
    }
}

/// A page of origin objects.
#[derive(Debug, Clone, PartialEq)]
pub struct RowsPage {
    pub rows: Vec<MappableObject>,
    pub pager: Pager,
}

/// What the last auto-map did, for the summary.
#[derive(Debug, Clone, PartialEq)]
pub struct AutoMapSummary {
    pub rows: Vec<AutoMapRow>,
}

/// The hosting instance's storage and the user's instance manager.
#[derive(Clone)]
pub struct MappingContext {
    pub manager: InstanceManager,
    pub services: Services,
    pub version: Version,
}

pub type InstanceClient = Dhis2Client<InstanceTransport<SharedTransport>>;

impl MappingContext {
    pub fn storage(&self) -> Storage<SharedTransport> {
        Storage::new(self.services.local_client(), self.version.clone())
    }

    /// A client for an instance: this one with the session, a remote one with its credentials.
    pub async fn client(&self, id: &str) -> Result<InstanceClient, InstanceError> {
        let target = self.manager.connection_target(&self.storage(), id).await?;
        Ok(target.client(self.services.transport()))
    }
}

/// A nested item picked by hand: where it sits in the draft.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NestedPick {
    /// The parent row's key in the chosen type.
    pub row_key: String,
    /// The nested mapping type (`programStages`, `options`…).
    pub nested_type: String,
    pub nested_key: mdsync_core::mapping::MappingKey,
}

/// Every signal of the panel; `Copy`, so parts take it by value.
#[derive(Clone, Copy)]
pub struct MappingState {
    pub lang: Language,
    pub can_edit: bool,
    pub ctx: RwSignal<Option<Result<MappingContext, String>>>,
    /// The remote instances.
    pub instances: RwSignal<Loadable<Vec<InstanceView>>>,
    pub instance: RwSignal<Option<String>>,
    /// The mapping as stored (what Save compares with).
    pub stored: RwSignal<Loadable<MappingDictionary>>,
    /// The mapping being edited.
    pub draft: RwSignal<MappingDictionary>,
    pub choice: RwSignal<&'static TypeChoice>,
    pub request: RwSignal<RowsRequest>,
    pub rows: RwSignal<Loadable<RowsPage>>,
    pub generation: RwSignal<u64>,
    pub selected: RwSignal<BTreeSet<String>>,
    /// The rule auto-map matched each key by (this session only: the dictionary has no place).
    pub rules: RwSignal<BTreeMap<String, MatchRule>>,
    /// The origin row the picker is open for.
    pub picking: RwSignal<Option<MappableObject>>,
    /// The nested item the picker is open for (a program's stage, a data element's option…).
    pub picking_nested: RwSignal<Option<NestedPick>>,
    /// The row whose nested mappings are open.
    pub expanded: RwSignal<Option<String>>,
    pub summary: RwSignal<Option<AutoMapSummary>>,
    /// Long work in progress (auto-map, save), said in words.
    pub busy: RwSignal<Option<String>>,
    pub notice: RwSignal<Option<(NoticeKind, String)>>,
}

impl MappingState {
    pub fn new(lang: Language, can_edit: bool) -> Self {
        MappingState {
            lang,
            can_edit,
            ctx: RwSignal::new(None),
            instances: RwSignal::new(Loadable::Loading),
            instance: RwSignal::new(None),
            stored: RwSignal::new(Loadable::Idle),
            draft: RwSignal::new(MappingDictionary::default()),
            choice: RwSignal::new(&CHOICES[0]),
            request: RwSignal::new(RowsRequest::default()),
            rows: RwSignal::new(Loadable::Idle),
            generation: RwSignal::new(0),
            selected: RwSignal::new(BTreeSet::new()),
            rules: RwSignal::new(BTreeMap::new()),
            picking: RwSignal::new(None),
            picking_nested: RwSignal::new(None),
            expanded: RwSignal::new(None),
            summary: RwSignal::new(None),
            busy: RwSignal::new(None),
            notice: RwSignal::new(None),
        }
    }

    pub fn context(&self) -> Option<MappingContext> {
        match self.ctx.get_untracked() {
            Some(Ok(ctx)) => Some(ctx),
            _ => None,
        }
    }

    /// Changes not saved yet (tracked).
    pub fn dirty(&self) -> bool {
        self.stored.with(|stored| match stored {
            Loadable::Ready(saved) => self.draft.with(|draft| draft != saved),
            _ => false,
        })
    }

    pub fn dirty_untracked(&self) -> bool {
        untrack(|| self.dirty())
    }
}
