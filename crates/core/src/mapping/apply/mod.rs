//! Applying a mapping: pure functions, one per payload kind, over a [`Mapper`] (the mapping
//! compiled with its [`MappingContext`]). Behaviour follows MDSync's mappers case for case;
//! where MDSync is wrong, the function's documentation (and a test) says where and what we do.
//!
//! ```text
//! let mapper = Mapper::new(&mapping, &context);
//! let Applied { payload, report } = mapper.data_values(set);      // aggregated
//! let Applied { payload, report } = mapper.events(events);        // events (new tracker API)
//! let Applied { payload, report } = mapper.tracked_entities(tes); // tracked entities
//! let events = mapper.tracked_entities_to_events(tes, &now, &mut || Uid::generate());
//! let report = mapper.metadata(&mut payload, &schemas);           // metadata objects
//! ```

mod aggregated;
pub(crate) mod combos;
pub mod data_value;
mod events;
mod events_overlaps;
pub mod expressions;
mod metadata;
mod report;
mod tracker;
mod tracker_to_events;

#[cfg(test)]
pub(crate) mod aggregated_tests;
#[cfg(test)]
mod events_tests;
#[cfg(test)]
mod metadata_tests;
#[cfg(test)]
mod tracker_tests;

pub use data_value::{DataValue, DataValueSet, SharedStr};
pub use metadata::MetadataReport;
pub use report::{Applied, ApplyReport, Exclusion, ItemKind};

use super::context::MappingContext;
use super::hash::{FxMap, FxSet};
use super::index::{compile_type, EntryLevel, Level};
use super::model::{last_segment, MappedId, MappingDictionary, MetadataMapping};
use super::types::{
    AGGREGATED_DATA_ELEMENTS, ATTRIBUTES_TO_DE, ATTRIBUTES_TO_TEI, EVENT_PROGRAMS,
    ORGANISATION_UNITS, PROGRAM_DATA_ELEMENTS, TRACKER_PROGRAMS,
};
use combos::ComboResolver;

/// What an id becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum IdOutcome<'m> {
    Mapped(&'m str),
    Disabled,
    Unchanged,
}

impl<'m> IdOutcome<'m> {
    pub fn of(mapped: Option<&'m MappedId>) -> IdOutcome<'m> {
        match mapped {
            Some(MappedId::Disabled) => IdOutcome::Disabled,
            Some(mapped) => mapped
                .target()
                .map_or(IdOutcome::Unchanged, IdOutcome::Mapped),
            None => IdOutcome::Unchanged,
        }
    }
}

/// A mapping compiled with its context, ready to map any number of payloads.
pub struct Mapper<'m> {
    pub(crate) mapping: &'m MappingDictionary,
    pub(crate) context: &'m MappingContext,
    pub(crate) global: Level<'m>,
    /// `aggregatedDataElements`, with an index for per-entry caches.
    pub(crate) aggregated: FxMap<&'m str, (usize, EntryLevel<'m>)>,
    /// `organisationUnits` by key, and by the last unit of a path key.
    org_units: FxMap<&'m str, &'m MetadataMapping>,
    pub(crate) combos: ComboResolver<'m>,
    /// The origin's default category objects.
    pub(crate) defaults: FxSet<&'m str>,
    pub(crate) event_programs: FxMap<&'m str, EntryLevel<'m>>,
    pub(crate) tracker_programs: FxMap<&'m str, EntryLevel<'m>>,
    pub(crate) program_data_elements: FxMap<&'m str, EntryLevel<'m>>,
    pub(crate) attributes_to_tei: FxMap<&'m str, EntryLevel<'m>>,
    pub(crate) attributes_to_de: FxMap<&'m str, EntryLevel<'m>>,
    /// Destination program stage → its program.
    pub(crate) stage_programs: FxMap<&'m str, &'m str>,
}

impl<'m> Mapper<'m> {
    pub fn new(mapping: &'m MappingDictionary, context: &'m MappingContext) -> Mapper<'m> {
        let aggregated = compile_type(mapping, AGGREGATED_DATA_ELEMENTS)
            .into_iter()
            .enumerate()
            .map(|(index, (key, entry))| (key, (index, entry)))
            .collect();
        let mut org_units = FxMap::default();
        for (key, entry) in mapping.entries(ORGANISATION_UNITS).into_iter().flatten() {
            org_units.insert(key.as_str(), entry);
            if key.as_str().starts_with('/') {
                org_units.entry(key.last_id()).or_insert(entry);
            }
        }
        Mapper {
            mapping,
            context,
            global: Level::new(mapping),
            aggregated,
            org_units,
            combos: ComboResolver::new(context),
            defaults: context.default_ids.iter().map(|id| id.as_str()).collect(),
            event_programs: compile_type(mapping, EVENT_PROGRAMS),
            tracker_programs: compile_type(mapping, TRACKER_PROGRAMS),
            program_data_elements: compile_type(mapping, PROGRAM_DATA_ELEMENTS),
            attributes_to_tei: compile_type(mapping, ATTRIBUTES_TO_TEI),
            attributes_to_de: compile_type(mapping, ATTRIBUTES_TO_DE),
            stage_programs: context
                .destination_program_stages
                .iter()
                .map(|stage| (stage.id.as_str(), stage.program.id.as_str()))
                .collect(),
        }
    }

    pub fn mapping(&self) -> &'m MappingDictionary {
        self.mapping
    }

    pub fn context(&self) -> &'m MappingContext {
        self.context
    }

    /// An org unit: mapped by id (or by path); a mapped path is written as its last unit
    /// (MDSync's `cleanOrgUnitPath`).
    pub(crate) fn org_unit(&self, org_unit: &str) -> IdOutcome<'m> {
        let entry = match self.org_units.get(org_unit) {
            None if org_unit.contains('/') => self
                .org_units
                .get(org_unit.rsplit('/').next().unwrap_or(org_unit)),
            found => found,
        };
        IdOutcome::of(entry.and_then(|entry| entry.mapped_id.as_ref()))
    }

    /// The global level (top-level dictionary).
    pub(crate) fn global(&self) -> &Level<'m> {
        &self.global
    }
}

/// Writes the outcome of an org unit mapping into `slot`; `false` when it is excluded.
pub(crate) fn write_org_unit(mapper: &Mapper<'_>, slot: &mut String) -> bool {
    match mapper.org_unit(slot) {
        IdOutcome::Mapped(target) => {
            replace(slot, target);
            true
        }
        IdOutcome::Disabled => false,
        IdOutcome::Unchanged => {
            // An unmapped path is written as its last unit too, as MDSync does.
            if slot.contains('/') {
                let tail = last_segment(slot).to_string();
                *slot = tail;
            }
            true
        }
    }
}

/// Replaces a string's contents, reusing its buffer (ids are all 11 bytes long).
#[inline]
pub(crate) fn replace(slot: &mut String, text: &str) {
    if slot != text {
        slot.clear();
        slot.push_str(text);
    }
}
