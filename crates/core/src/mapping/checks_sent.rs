//! What an aggregated or events run is about to send, read from the origin (read-only) for the
//! checks before a run: the items the mapping has to account for, each with its metadata type.
//!
//! * Aggregated: the data sets chosen, the data elements behind the data sets, groups and
//!   elements, the indicators and program indicators (sent as mapped data elements), the org
//!   units chosen, the attribute option combos chosen, and the category option combos of the
//!   data elements the mapping leaves unmapped (a mapped data element's combos go through its
//!   nested category options; default combos are the destination's defaults, as in the run).
//! * Events: the programs, their stages and data elements, the org units chosen, and for tracker
//!   programs the tracked entity type and attributes. A stage or data element that a mapping
//!   entry covers (nested in its program's entry, or under a `program-stage` key) is checked
//!   through that entry's target instead of by its own id.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::checks::Outgoing;
use super::model::MappingDictionary;
use super::types::{
    AGGREGATED_DATA_ELEMENTS, CATEGORY_OPTIONS, EVENT_PROGRAMS, PROGRAM_DATA_ELEMENTS,
    PROGRAM_STAGES, TRACKER_PROGRAMS, TRACKER_PROGRAM_STAGES,
};
use crate::dhis2::metadata::fetch_by_ids;
use crate::dhis2::{Dhis2Client, Dhis2Error, Transport};
use crate::sync::aggregated::origin::{
    read_attribute_option_combos, read_data_elements, PrepareError,
};
use crate::sync::aggregated::selection::AggregatedSelection;
use crate::sync::events::programs::read_programs;
use crate::sync::events::selection::EventsSelection;
use crate::sync::metadata::defaults::fetch_default_ids;

/// Reading the origin for the checks failed.
#[derive(Debug)]
pub enum SentError {
    /// The origin could not be read.
    Dhis2(Dhis2Error),
    /// The selection itself does not hold (an item the origin lacks, a unit outside the user's
    /// hierarchy): the run says so itself, there is nothing to check.
    Selection,
}

impl From<Dhis2Error> for SentError {
    fn from(error: Dhis2Error) -> Self {
        SentError::Dhis2(error)
    }
}

fn text<'v>(value: &'v Value, pointer: &str) -> Option<&'v str> {
    value.pointer(pointer).and_then(Value::as_str)
}

fn array<'v>(value: &'v Value, key: &str) -> impl Iterator<Item = &'v Value> {
    value
        .get(key)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
}

fn finish(out: BTreeSet<Outgoing>) -> Vec<Outgoing> {
    out.into_iter().collect()
}

const ELEMENT_COMBOS: &str = "id,categoryCombo%5Bid,categoryOptionCombos%5Bid%5D%5D";

/// What an aggregated run sends, read once for all destinations; [`AggregatedSent::outgoing`]
/// says it for one destination's mapping.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AggregatedSent {
    /// Items checked whatever the mapping.
    always: BTreeSet<Outgoing>,
    /// Each data element's category option combos (defaults left out).
    element_combos: BTreeMap<String, Vec<String>>,
}

impl AggregatedSent {
    /// The items to check against `mapping`: a data element it leaves unmapped sends its own
    /// category option combos (a mapped one goes through its nested category options, and
    /// global category option mappings resolve every combo to the destination's).
    pub fn outgoing(&self, mapping: &MappingDictionary) -> Vec<Outgoing> {
        let mut out = self.always.clone();
        let through_options = mapping
            .entries(CATEGORY_OPTIONS)
            .is_some_and(|entries| !entries.is_empty());
        if !through_options {
            for (element, combos) in &self.element_combos {
                if mapping.get(AGGREGATED_DATA_ELEMENTS, element).is_none() {
                    out.extend(
                        combos
                            .iter()
                            .map(|id| Outgoing::new("categoryOptionCombos", id)),
                    );
                }
            }
        }
        finish(out)
    }
}

/// Reads what an aggregated run of `selection` sends.
pub async fn read_aggregated_sent<T: Transport>(
    origin: &Dhis2Client<T>,
    origin_name: &str,
    selection: &AggregatedSelection,
) -> Result<AggregatedSent, SentError> {
    let elements = read_data_elements(origin, origin_name, selection)
        .await
        .map_err(|error| match error {
            PrepareError::Dhis2(error) => SentError::Dhis2(error),
            _ => SentError::Selection,
        })?;
    let mut always = BTreeSet::new();
    let mut add = |plural: &str, ids: &mut dyn Iterator<Item = &str>| {
        for id in ids {
            always.insert(Outgoing::new(plural, id));
        }
    };
    add(
        "dataSets",
        &mut selection.data_sets.iter().map(String::as_str),
    );
    add("dataElements", &mut elements.keys().map(String::as_str));
    add(
        "indicators",
        &mut selection.indicators.iter().map(String::as_str),
    );
    add(
        "programIndicators",
        &mut selection.program_indicators.iter().map(String::as_str),
    );
    let units = selection.org_unit_ids();
    add("organisationUnits", &mut units.iter().map(String::as_str));
    if let Some(combos) = read_attribute_option_combos(origin, selection).await? {
        add(
            "categoryOptionCombos",
            &mut combos.iter().map(String::as_str),
        );
    }
    let mut element_combos = BTreeMap::new();
    if !elements.is_empty() {
        let defaults: BTreeSet<String> = fetch_default_ids(origin)
            .await?
            .into_iter()
            .map(|(_, id)| id)
            .collect();
        let ids: Vec<&str> = elements.keys().map(String::as_str).collect();
        let read = fetch_by_ids(origin, "dataElements", "id", &ids, ELEMENT_COMBOS).await?;
        for element in &read {
            let Some(id) = text(element, "/id") else {
                continue;
            };
            let combo = element.get("categoryCombo").unwrap_or(&Value::Null);
            if text(combo, "/id").is_some_and(|id| defaults.contains(id)) {
                continue;
            }
            let combos: Vec<String> = array(combo, "categoryOptionCombos")
                .filter_map(|c| c.get("id").and_then(Value::as_str))
                .filter(|id| !defaults.contains(*id))
                .map(str::to_string)
                .collect();
            element_combos.insert(id.to_string(), combos);
        }
    }
    Ok(AggregatedSent {
        always,
        element_combos,
    })
}

/// Whether a mapping entry covers the stage of a program (nested in the program's entry, or
/// under a `program-stage` key).
fn stage_covered(mapping: &MappingDictionary, program: &str, stage: &str) -> bool {
    let complex = format!("{program}-{stage}");
    let nested = mapping
        .get(EVENT_PROGRAMS, program)
        .map(|entry| entry.nested())
        .is_some_and(|inner| {
            inner.get(PROGRAM_STAGES, &complex).is_some()
                || inner.get(PROGRAM_STAGES, stage).is_some()
        });
    nested
        || [TRACKER_PROGRAM_STAGES, PROGRAM_STAGES]
            .iter()
            .any(|name| mapping.get(name, &complex).is_some())
}

/// Whether a mapping entry covers the data element of a program stage.
fn element_covered(mapping: &MappingDictionary, program: &str, stage: &str, de: &str) -> bool {
    let nested = [EVENT_PROGRAMS, TRACKER_PROGRAMS]
        .iter()
        .filter_map(|name| mapping.get(name, program))
        .any(|entry| {
            let inner = entry.nested();
            inner
                .get(PROGRAM_DATA_ELEMENTS, &format!("{stage}-{de}"))
                .is_some()
                || inner.get(PROGRAM_DATA_ELEMENTS, de).is_some()
        });
    nested
        || mapping
            .get(PROGRAM_DATA_ELEMENTS, &format!("{program}-{stage}-{de}"))
            .is_some()
}

/// The items of origin programs (as `api/programs` returns them with the fields of
/// [`read_programs`]) that an events run of them sends.
pub fn outgoing_of_programs(
    programs: &[Value],
    org_units: &[String],
    mapping: &MappingDictionary,
) -> Vec<Outgoing> {
    let mut out = BTreeSet::new();
    for program in programs {
        let Some(id) = text(program, "/id") else {
            continue;
        };
        out.insert(Outgoing::new("programs", id));
        for stage in array(program, "programStages") {
            let Some(stage_id) = text(stage, "/id") else {
                continue;
            };
            let complex = format!("{id}-{stage_id}");
            if [TRACKER_PROGRAM_STAGES, PROGRAM_STAGES]
                .iter()
                .any(|name| mapping.get(name, &complex).is_some())
            {
                // Checked through its entry (the key names the pair, not an object).
                out.insert(Outgoing::new("programStages", &complex));
            } else if !stage_covered(mapping, id, stage_id) {
                out.insert(Outgoing::new("programStages", stage_id));
            }
            for element in array(stage, "programStageDataElements") {
                let Some(de) = text(element, "/dataElement/id") else {
                    continue;
                };
                if !element_covered(mapping, id, stage_id, de) {
                    out.insert(Outgoing::new("dataElements", de));
                }
            }
        }
        if text(program, "/programType") == Some("WITH_REGISTRATION") {
            if let Some(kind) = text(program, "/trackedEntityType/id") {
                out.insert(Outgoing::new("trackedEntityTypes", kind));
            }
            let type_attributes = program
                .get("trackedEntityType")
                .map(|t| array(t, "trackedEntityTypeAttributes"))
                .into_iter()
                .flatten();
            for attribute in array(program, "programTrackedEntityAttributes").chain(type_attributes)
            {
                if let Some(attribute) = text(attribute, "/trackedEntityAttribute/id") {
                    out.insert(Outgoing::new("trackedEntityAttributes", attribute));
                }
            }
        }
    }
    for unit in org_units {
        let id = unit.rsplit('/').next().unwrap_or(unit);
        out.insert(Outgoing::new("organisationUnits", id));
    }
    finish(out)
}

/// Reads the origin programs an events run of `selection` sends (for
/// [`outgoing_of_programs`]). A program the origin lacks is left to the run to report.
pub async fn read_events_sent<T: Transport>(
    origin: &Dhis2Client<T>,
    selection: &EventsSelection,
) -> Result<Vec<Value>, SentError> {
    if selection.programs.is_empty() {
        return Err(SentError::Selection);
    }
    let (_, raw) = read_programs(origin, &selection.programs).await?;
    let found: BTreeSet<&str> = raw
        .iter()
        .filter_map(|o| o.get("id").and_then(Value::as_str))
        .collect();
    if selection
        .programs
        .iter()
        .any(|id| !found.contains(id.as_str()))
    {
        return Err(SentError::Selection);
    }
    Ok(raw)
}
