use leptos::prelude::*;
use mdsync_core::browse::events::{
    EventColumn, EventColumns, EventsListPage, ListedEvent, ProgramChoice,
};
use mdsync_core::browse::RunProgress;
use mdsync_core::dhis2::org_units::OrgUnitNode;
use mdsync_core::dhis2::Version;
use mdsync_core::model::InstanceView;
use mdsync_core::rules::DatePeriod;
use mdsync_core::sync::events::{
    Chosen, EventsPeriodField, EventsSelection, EventsSyncOptions, TrackedEntitiesPeriodField,
};

use crate::components::notice::NoticeKind;
use crate::l10n::Language;
use crate::pages::sync::common::run::RunSignals;
use crate::pages::sync::common::{name_of, opened, Loadable, RunState};
use crate::pages::sync::context::SyncContext;

/// Rows per page of the chosen-events table.
pub const EVENTS_PAGE_SIZE: usize = 20;

/// The table's page, order and the program and org unit it lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventsTableQuery {
    pub program: String,
    pub org_unit: String,
    pub page: usize,
    pub order: EventColumn,
    pub descending: bool,
}

impl Default for EventsTableQuery {
    fn default() -> Self {
        EventsTableQuery {
            program: String::new(),
            org_unit: String::new(),
            page: 1,
            order: EventColumn::Date,
            descending: true,
        }
    }
}

/// Pages and entities read so far by the running sync.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PagesRead {
    pub pages: usize,
    pub entities: u64,
}

/// Every signal of the page; `Copy`, so parts take it by value.
#[derive(Clone, Copy)]
pub struct EventsState {
    pub lang: Language,
    pub ctx: RwSignal<Option<Result<SyncContext, String>>>,
    pub instances: RwSignal<Loadable<Vec<InstanceView>>>,
    pub origin: RwSignal<String>,
    pub origin_version: RwSignal<Version>,
    pub destinations: RwSignal<Vec<String>>,
    pub programs: RwSignal<Loadable<Vec<ProgramChoice>>>,
    pub chosen_programs: RwSignal<Vec<String>>,
    pub org_units: RwSignal<Vec<OrgUnitNode>>,
    pub include_descendants: RwSignal<bool>,
    pub period: RwSignal<DatePeriod>,
    pub events_field: RwSignal<EventsPeriodField>,
    pub entities_field: RwSignal<TrackedEntitiesPeriodField>,
    /// Only the picked events (else all).
    pub only_chosen_events: RwSignal<bool>,
    pub chosen_events: RwSignal<Vec<ListedEvent>>,
    pub table: RwSignal<EventsTableQuery>,
    pub listing: RwSignal<Loadable<EventsListPage>>,
    pub listing_generation: RwSignal<u64>,
    pub columns: RwSignal<EventColumns>,
    /// Only the listed tracked entities (else all), ids one per line or separated by commas.
    pub only_chosen_entities: RwSignal<bool>,
    pub chosen_entities: RwSignal<String>,
    pub options: RwSignal<EventsSyncOptions>,
    pub run: RwSignal<RunState>,
    pub progress: RwSignal<RunProgress>,
    pub pages_read: RwSignal<PagesRead>,
    pub confirming: RwSignal<bool>,
    pub notice: RwSignal<Option<(NoticeKind, String)>>,
}

impl EventsState {
    pub fn new(local_version: Version, lang: Language) -> Self {
        EventsState {
            lang,
            ctx: RwSignal::new(None),
            instances: RwSignal::new(Loadable::Loading),
            origin: RwSignal::new(mdsync_core::model::LOCAL_INSTANCE_ID.to_string()),
            origin_version: RwSignal::new(local_version),
            destinations: RwSignal::new(Vec::new()),
            programs: RwSignal::new(Loadable::Loading),
            chosen_programs: RwSignal::new(Vec::new()),
            org_units: RwSignal::new(Vec::new()),
            include_descendants: RwSignal::new(true),
            period: RwSignal::new(DatePeriod::LastYear),
            events_field: RwSignal::new(EventsPeriodField::default()),
            entities_field: RwSignal::new(TrackedEntitiesPeriodField::default()),
            only_chosen_events: RwSignal::new(false),
            chosen_events: RwSignal::new(Vec::new()),
            table: RwSignal::new(EventsTableQuery::default()),
            listing: RwSignal::new(Loadable::Idle),
            listing_generation: RwSignal::new(0),
            columns: RwSignal::new(EventColumns::default()),
            only_chosen_entities: RwSignal::new(false),
            chosen_entities: RwSignal::new(String::new()),
            options: RwSignal::new(EventsSyncOptions::default()),
            run: RwSignal::new(RunState::Idle),
            progress: RwSignal::new(RunProgress::default()),
            pages_read: RwSignal::new(PagesRead::default()),
            confirming: RwSignal::new(false),
            notice: RwSignal::new(None),
        }
    }

    pub fn context(&self) -> Option<SyncContext> {
        opened(self.ctx)
    }

    pub fn instance_name(&self, id: &str) -> String {
        name_of(self.lang, self.instances, id)
    }

    pub fn run_signals(&self) -> RunSignals {
        RunSignals {
            lang: self.lang,
            run: self.run,
            progress: self.progress,
        }
    }

    /// The chosen programs that have registration.
    pub fn tracker_programs(&self) -> Vec<String> {
        let chosen = self.chosen_programs.get();
        match self.programs.get() {
            Loadable::Ready(all) => all
                .into_iter()
                .filter(|p| p.is_tracker() && chosen.contains(&p.id))
                .map(|p| p.id)
                .collect(),
            _ => Vec::new(),
        }
    }

    pub fn program_name(&self, id: &str) -> String {
        self.programs.with_untracked(|programs| match programs {
            Loadable::Ready(all) => all
                .iter()
                .find(|p| p.id == id)
                .map(|p| p.display_name.clone())
                .unwrap_or_else(|| id.to_string()),
            _ => id.to_string(),
        })
    }

    /// Tracked entities the chosen events belong to (the engine adds them to the run).
    pub fn entities_of_chosen_events(&self) -> usize {
        let mut ids: Vec<String> = self
            .chosen_events
            .get()
            .into_iter()
            .filter_map(|e| e.tracked_entity)
            .collect();
        ids.sort();
        ids.dedup();
        ids.len()
    }

    /// The picks as `core`'s selection (checked by `core`).
    pub fn selection(&self) -> EventsSelection {
        let events = if self.only_chosen_events.get_untracked() {
            Chosen::Only {
                ids: self
                    .chosen_events
                    .get_untracked()
                    .into_iter()
                    .map(|e| e.id)
                    .collect(),
            }
        } else {
            Chosen::All
        };
        let tracked_entities = if self.only_chosen_entities.get_untracked() {
            Chosen::Only {
                ids: self
                    .chosen_entities
                    .get_untracked()
                    .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
                    .filter(|id| !id.is_empty())
                    .map(str::to_string)
                    .collect(),
            }
        } else {
            Chosen::All
        };
        EventsSelection {
            programs: self.chosen_programs.get_untracked(),
            org_units: self
                .org_units
                .get_untracked()
                .into_iter()
                .map(|unit| unit.id)
                .collect(),
            include_children: self.include_descendants.get_untracked(),
            period: self.period.get_untracked(),
            events_period_field: self.events_field.get_untracked(),
            tracked_entities_period_field: self.entities_field.get_untracked(),
            events,
            tracked_entities,
        }
    }
}
