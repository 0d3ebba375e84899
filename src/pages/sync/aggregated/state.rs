use leptos::prelude::*;
use mdsync_core::browse::{ListRequest, RunProgress};
use mdsync_core::dhis2::metadata_list::ListedPage;
use mdsync_core::dhis2::org_units::OrgUnitNode;
use mdsync_core::dhis2::Version;
use mdsync_core::model::InstanceView;
use mdsync_core::rules::DatePeriod;
use mdsync_core::sync::aggregated::origin::{AttributeComboChoices, LevelGroupChoices};
use mdsync_core::sync::aggregated::{AggregatedSelection, AggregatedSyncOptions, AttributeOptions};

use crate::components::notice::NoticeKind;
use crate::l10n::Language;
use crate::pages::sync::context::SyncContext;

pub use crate::pages::sync::common::{Loadable, RunState};

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
    /// Org unit levels: the units at these levels within the chosen ones are read.
    pub org_unit_levels: RwSignal<Vec<u32>>,
    /// Org unit group ids: their members within the chosen units are read.
    pub org_unit_groups: RwSignal<Vec<String>>,
    /// The origin's levels and groups, read when the picker is first opened.
    pub level_group_choices: RwSignal<Loadable<LevelGroupChoices>>,
    pub period: RwSignal<DatePeriod>,
    /// `yyyy-mm-dd`, or empty.
    pub last_updated: RwSignal<String>,
    pub options: RwSignal<AggregatedSyncOptions>,
    /// Only the values of chosen attribute options (else all).
    pub attribute_chosen: RwSignal<bool>,
    /// The chosen category options of attribute combos.
    pub attribute_picked: RwSignal<Vec<String>>,
    /// The origin's attribute combos with their options, read when first needed.
    pub attribute_choices: RwSignal<Loadable<Vec<AttributeComboChoices>>>,
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
            org_unit_levels: RwSignal::new(Vec::new()),
            org_unit_groups: RwSignal::new(Vec::new()),
            level_group_choices: RwSignal::new(Loadable::Idle),
            period: RwSignal::new(DatePeriod::LastYear),
            last_updated: RwSignal::new(String::new()),
            options: RwSignal::new(AggregatedSyncOptions::default()),
            attribute_chosen: RwSignal::new(false),
            attribute_picked: RwSignal::new(Vec::new()),
            attribute_choices: RwSignal::new(Loadable::Idle),
            run: RwSignal::new(RunState::Idle),
            progress: RwSignal::new(RunProgress::default()),
            confirming: RwSignal::new(false),
            notice: RwSignal::new(None),
        }
    }

    pub fn context(&self) -> Option<SyncContext> {
        crate::pages::sync::common::opened(self.ctx)
    }

    pub fn instance_name(&self, id: &str) -> String {
        crate::pages::sync::common::name_of(self.lang, self.instances, id)
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
            org_unit_levels: self.org_unit_levels.get_untracked(),
            org_unit_groups: self.org_unit_groups.get_untracked(),
            period: self.period.get_untracked(),
            last_updated_since: Some(last_updated).filter(|d| !d.trim().is_empty()),
            attribute_options: if self.attribute_chosen.get_untracked() {
                AttributeOptions::Chosen {
                    category_options: self.attribute_picked.get_untracked(),
                }
            } else {
                AttributeOptions::All
            },
        }
    }
}
