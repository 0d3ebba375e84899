use leptos::prelude::*;
use mdsync_core::browse::{ListRequest, RunProgress};
use mdsync_core::dhis2::metadata_list::ListedPage;
use mdsync_core::dhis2::org_units::OrgUnitNode;
use mdsync_core::dhis2::Version;
use mdsync_core::model::InstanceView;
use mdsync_core::rules::DatePeriod;
use mdsync_core::sync::aggregated::{AggregatedSelection, AggregatedSyncOptions};
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

/// The kinds of data the page picks from (DHIS2 plurals). The last two only in aggregation
/// mode.
pub const DATA_KINDS: [&str; 5] = [
    "dataSets",
    "dataElementGroups",
    "dataElements",
    "indicators",
    "programIndicators",
];

/// One picked data item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PickedData {
    pub plural: &'static str,
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone)]
pub enum RunState {
    Idle,
    Running {
        dry_run: bool,
        cancel: CancellationToken,
    },
    Finished {
        report: Box<SyncReport>,
        history: Result<String, String>,
    },
    Failed(String),
}

impl RunState {
    pub fn is_running(&self) -> bool {
        matches!(self, RunState::Running { .. })
    }
}

/// Every signal of the page; `Copy`, so parts take it by value.
#[derive(Clone, Copy)]
pub struct AggregatedState {
    pub lang: Language,
    pub ctx: RwSignal<Option<Result<SyncContext, String>>>,
    pub instances: RwSignal<Loadable<Vec<InstanceView>>>,
    pub origin: RwSignal<String>,
    pub origin_version: RwSignal<Version>,
    pub destinations: RwSignal<Vec<String>>,
    /// The listing shown (its plural is the kind of data).
    pub request: RwSignal<ListRequest>,
    pub listing: RwSignal<Loadable<ListedPage>>,
    pub listing_generation: RwSignal<u64>,
    pub picked: RwSignal<Vec<PickedData>>,
    pub org_units: RwSignal<Vec<OrgUnitNode>>,
    pub include_descendants: RwSignal<bool>,
    pub period: RwSignal<DatePeriod>,
    /// `yyyy-mm-dd`, or empty.
    pub last_updated: RwSignal<String>,
    pub options: RwSignal<AggregatedSyncOptions>,
    pub run: RwSignal<RunState>,
    pub progress: RwSignal<RunProgress>,
    pub confirming: RwSignal<bool>,
    pub notice: RwSignal<Option<(NoticeKind, String)>>,
}

impl AggregatedState {
    pub fn new(local_version: Version, lang: Language) -> Self {
        AggregatedState {
            lang,
            ctx: RwSignal::new(None),
            instances: RwSignal::new(Loadable::Loading),
            origin: RwSignal::new(mdsync_core::model::LOCAL_INSTANCE_ID.to_string()),
            origin_version: RwSignal::new(local_version),
            destinations: RwSignal::new(Vec::new()),
            request: RwSignal::new(ListRequest::new(DATA_KINDS[0])),
            listing: RwSignal::new(Loadable::Idle),
            listing_generation: RwSignal::new(0),
            picked: RwSignal::new(Vec::new()),
            org_units: RwSignal::new(Vec::new()),
            include_descendants: RwSignal::new(true),
            period: RwSignal::new(DatePeriod::LastYear),
            last_updated: RwSignal::new(String::new()),
            options: RwSignal::new(AggregatedSyncOptions::default()),
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

    /// The picks as `core`'s selection (checked by `core`).
    pub fn selection(&self) -> AggregatedSelection {
        let picked = self.picked.get_untracked();
        let ids = |plural: &str| -> Vec<String> {
            picked
                .iter()
                .filter(|p| p.plural == plural)
                .map(|p| p.id.clone())
                .collect()
        };
        let last_updated = self.last_updated.get_untracked();
        AggregatedSelection {
            data_sets: ids("dataSets"),
            data_element_groups: ids("dataElementGroups"),
            data_elements: ids("dataElements"),
            indicators: ids("indicators"),
            program_indicators: ids("programIndicators"),
            org_units: self
                .org_units
                .get_untracked()
                .into_iter()
                .map(|unit| unit.id)
                .collect(),
            include_descendants: self.include_descendants.get_untracked(),
            period: self.period.get_untracked(),
            last_updated_since: Some(last_updated).filter(|d| !d.trim().is_empty()),
            ..AggregatedSelection::default()
        }
    }
}
