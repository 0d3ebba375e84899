//! What an events sync moves and how: plain serialisable values (the Sync page holds them,
//! rules save them). Checked before anything is read ([`EventsSelection::check`]).

use serde::{Deserialize, Serialize};

use crate::model::Uid;
use crate::rules::DatePeriod;
use crate::sync::aggregated::AggregationType;

/// All objects, or only the chosen ones.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Chosen {
    #[default]
    All,
    Only {
        ids: Vec<String>,
    },
}

impl Chosen {
    pub fn ids(&self) -> &[String] {
        match self {
            Chosen::All => &[],
            Chosen::Only { ids } => ids,
        }
    }

    pub fn is_all(&self) -> bool {
        matches!(self, Chosen::All)
    }
}

/// Which date of an event the period applies to (MDSync's `eventsSyncPeriodField`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum EventsPeriodField {
    /// The event's date (`occurredAt`).
    #[default]
    Occurred,
    LastUpdated,
}

/// Which date of a tracked entity the period applies to (MDSync's `teisSyncPeriodField`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum TrackedEntitiesPeriodField {
    /// The enrollment date in the program.
    #[default]
    Enrollment,
    LastUpdated,
}

/// Programs (event and tracker), where, when, and which objects.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct EventsSelection {
    pub programs: Vec<String>,
    /// Org unit ids (a path is read as its last unit).
    pub org_units: Vec<String>,
    /// Each org unit with everything below it.
    pub include_children: bool,
    pub period: DatePeriod,
    pub events_period_field: EventsPeriodField,
    pub tracked_entities_period_field: TrackedEntitiesPeriodField,
    pub events: Chosen,
    /// Tracker programs: all their tracked entities in the org units and period, or these.
    pub tracked_entities: Chosen,
}

/// How the objects are written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct EventsSyncOptions {
    /// Give every object a new UID (references inside the payload follow).
    pub new_uids: bool,
    pub exclude_geometry: bool,
    pub exclude_relationships: bool,
    /// No program rules, notifications or other side effects at the destination.
    pub skip_side_effects: bool,
    /// Import as a job followed to its report (`/api/tracker` destinations).
    pub async_import: bool,
    /// Validate only: nothing is written.
    pub dry_run: bool,
    /// Objects per page read from the origin (each page is written before the next is read).
    pub page_size: usize,
    /// "Send program data as aggregated values": instead of writing events, the program data
    /// becomes data values of mapped aggregated data elements, posted as a `dataValueSets`
    /// import. Absent in rules saved before it existed (off).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub as_aggregated: Option<AsAggregated>,
}

/// How program data becomes aggregated values (MDSync's `enableAggregation` of event rules).
///
/// * Program data elements: the values of the events read are added up per selected org unit
///   (its subtree when children are included, as analytics does) and per period of
///   `aggregation_type` containing the event's date — numbers summed, `true` counted as 1,
///   other values (options, text) counted — and sent to the data element that the mapping's
///   `aggregatedDataElements` names for `program-dataElement` (or for the data element).
/// * Program indicators of the selected programs that the mapping names a data element for:
///   read from the origin's `analytics/dataValueSet` for the same periods and org units.
///
/// The period type is the rule's aggregation type, as MDSync (`aggregationType`); monthly when
/// not said. Values carry no option combos: the destination's defaults apply, as in MDSync.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AsAggregated {
    pub aggregation_type: AggregationType,
    /// Also read the mapped program indicators from the origin's analytics.
    pub program_indicators: bool,
}

impl Default for AsAggregated {
    fn default() -> Self {
        AsAggregated {
            aggregation_type: AggregationType::Monthly,
            program_indicators: true,
        }
    }
}

impl Default for EventsSyncOptions {
    fn default() -> Self {
        EventsSyncOptions {
            new_uids: false,
            exclude_geometry: false,
            exclude_relationships: false,
            skip_side_effects: false,
            async_import: false,
            dry_run: false,
            page_size: DEFAULT_PAGE_SIZE,
            as_aggregated: None,
        }
    }
}

pub const DEFAULT_PAGE_SIZE: usize = 200;
/// The largest page asked for: DHIS2 answers slowly (and proxies cut) past a few thousand.
pub const MAX_PAGE_SIZE: usize = 1000;

/// A selection that cannot run, with what to change.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "input", rename_all = "camelCase")]
pub enum EventsInputError {
    #[error("Choose at least one program.")]
    NoProgram,
    #[error("Choose at least one organisation unit.")]
    NoOrgUnit,
    #[error(
        "`{id}` is not a DHIS2 identifier: ids are 11 letters or digits, starting with a letter."
    )]
    BadId { id: String },
    /// `what`: the plural of the type (`events`, `trackedEntities`).
    #[error(
        "Chosen {} were asked for, but none was given: choose some, or take all.",
        if .what == "events" { "events" } else { "tracked entities" }
    )]
    NothingChosen { what: String },
    #[error("The page size must be between 1 and {MAX_PAGE_SIZE}, not {size}.")]
    PageSize { size: usize },
    #[error("The period's dates must be written yyyy-MM-dd, not `{date}`.")]
    BadDate { date: String },
}

fn last_unit(id: &str) -> &str {
    id.rsplit('/').next().unwrap_or(id)
}

impl EventsSelection {
    /// The org unit ids, paths read as their last unit.
    pub fn org_unit_ids(&self) -> Vec<String> {
        self.org_units
            .iter()
            .map(|id| last_unit(id).to_string())
            .collect()
    }

    pub fn check(&self, options: &EventsSyncOptions) -> Result<(), EventsInputError> {
        if self.programs.is_empty() {
            return Err(EventsInputError::NoProgram);
        }
        if self.org_units.is_empty() {
            return Err(EventsInputError::NoOrgUnit);
        }
        let ids = self
            .programs
            .iter()
            .map(String::as_str)
            .chain(self.org_units.iter().map(|id| last_unit(id)))
            .chain(self.events.ids().iter().map(String::as_str))
            .chain(self.tracked_entities.ids().iter().map(String::as_str));
        for id in ids {
            if !Uid::is_valid(id) {
                return Err(EventsInputError::BadId { id: id.to_string() });
            }
        }
        for (chosen, what) in [
            (&self.events, "events"),
            (&self.tracked_entities, "trackedEntities"),
        ] {
            if matches!(chosen, Chosen::Only { ids } if ids.is_empty()) {
                return Err(EventsInputError::NothingChosen { what: what.into() });
            }
        }
        if options.page_size == 0 || options.page_size > MAX_PAGE_SIZE {
            return Err(EventsInputError::PageSize {
                size: options.page_size,
            });
        }
        if let DatePeriod::Fixed { start, end } = &self.period {
            for date in [start, end].into_iter().flatten() {
                if date
                    .get(..10)
                    .and_then(|d| d.parse::<jiff::civil::Date>().ok())
                    .is_none()
                {
                    return Err(EventsInputError::BadDate { date: date.clone() });
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid() -> EventsSelection {
        EventsSelection {
            programs: vec!["Prg0000Aaaa".into()],
            org_units: vec!["/Ou00000Root/Ou00000Aaaa".into()],
            ..EventsSelection::default()
        }
    }

    #[test]
    fn a_selection_is_a_plain_value_that_round_trips() {
        let mut selection = valid();
        selection.events = Chosen::Only {
            ids: vec!["Evt0000Aaaa".into()],
        };
        selection.period = DatePeriod::LastYear;
        let json = serde_json::to_value(&selection).unwrap();
        assert_eq!(json["events"]["kind"], "only");
        assert_eq!(json["eventsPeriodField"], "occurred");
        let back: EventsSelection = serde_json::from_value(json).unwrap();
        assert_eq!(back, selection);
        assert_eq!(selection.org_unit_ids(), vec!["Ou00000Aaaa".to_string()]);
    }

    #[test]
    fn bad_selections_say_what_to_change() {
        let options = EventsSyncOptions::default();
        assert_eq!(valid().check(&options), Ok(()));
        let mut none = valid();
        none.programs.clear();
        assert_eq!(none.check(&options), Err(EventsInputError::NoProgram));
        let mut bad = valid();
        bad.programs.push("nope".into());
        assert_eq!(
            bad.check(&options),
            Err(EventsInputError::BadId { id: "nope".into() })
        );
        let mut empty = valid();
        empty.tracked_entities = Chosen::Only { ids: vec![] };
        assert!(matches!(
            empty.check(&options),
            Err(EventsInputError::NothingChosen { .. })
        ));
        let huge = EventsSyncOptions {
            page_size: 50_000,
            ..EventsSyncOptions::default()
        };
        assert_eq!(
            valid().check(&huge),
            Err(EventsInputError::PageSize { size: 50_000 })
        );
        let mut date = valid();
        date.period = DatePeriod::Fixed {
            start: Some("01/02/2024".into()),
            end: None,
        };
        assert!(matches!(
            date.check(&options),
            Err(EventsInputError::BadDate { .. })
        ));
    }
}
