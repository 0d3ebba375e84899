//! Seeds: what a simulated instance holds when it starts. `demo` builds a whole country
//! (org units, disaggregations, data elements, data sets, indicators, an event and a tracker
//! program, twelve months of values, events and tracked entities) from our own deterministic
//! generator: the same seed always gives the same instance.

mod aggregate;
mod areas;
mod categories;
mod geography;
mod programs;
pub mod rng;
mod tracker_data;
mod values;

use crate::data_values::DataValueStore;
use crate::metadata::MetadataStore;
use crate::tracker::TrackerStore;
use serde_json::{json, Value};
use std::str::FromStr;

pub use values::DEMO_YEAR;

/// Which side of a demo pair an instance plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DemoSide {
    /// Complete metadata and a year of data.
    Source,
    /// Lacks part of the metadata, identifies some of it differently, holds little data.
    Destination,
}

/// What an instance starts with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seed {
    Empty,
    Demo(DemoSide),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a seed; use `empty`, `demo` (= demo-source) or `demo-destination`")]
pub struct SeedError(pub String);

impl FromStr for Seed {
    type Err = SeedError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.trim().to_ascii_lowercase().as_str() {
            "empty" => Ok(Seed::Empty),
            "demo" | "demo-source" | "source" => Ok(Seed::Demo(DemoSide::Source)),
            "demo-destination" | "destination" => Ok(Seed::Demo(DemoSide::Destination)),
            _ => Err(SeedError(text.to_string())),
        }
    }
}

/// Creation time of all demo metadata.
const CREATED: &str = "2020-01-15T09:00:00.000";

/// The common fields of an identifiable object.
pub(crate) fn identifiable(id: &str, name: &str, code: Option<&str>) -> Value {
    let mut object = json!({ "id": id, "name": name, "created": CREATED, "lastUpdated": CREATED });
    if let Some(code) = code {
        object["code"] = json!(code);
    }
    object
}

/// Insertion order: referenced objects before the objects that reference them.
const ORDER: [&str; 25] = [
    "categoryOptions",
    "categories",
    "categoryCombos",
    "categoryOptionCombos",
    "organisationUnitLevels",
    "organisationUnits",
    "organisationUnitGroups",
    "optionSets",
    "options",
    "dataElements",
    "dataElementGroups",
    "dataSets",
    "sections",
    "indicatorTypes",
    "indicators",
    "indicatorGroups",
    "trackedEntityAttributes",
    "trackedEntityTypes",
    "programs",
    "programStages",
    "programStageDataElements",
    "programTrackedEntityAttributes",
    "relationshipTypes",
    "programRules",
    "users",
];

/// The demo's metadata for one side, as (plural, object) in insertion order.
pub fn demo_metadata(side: DemoSide) -> Vec<(&'static str, Value)> {
    demo_model(side).objects
}

struct DemoModel {
    geography: geography::Geography,
    aggregate: aggregate::Aggregate,
    programs: programs::Programs,
    objects: Vec<(&'static str, Value)>,
}

fn demo_model(side: DemoSide) -> DemoModel {
    let geography = geography::build(side);
    let categories = categories::build();
    let facilities: Vec<(String, bool)> = geography
        .units
        .iter()
        .filter(|u| u.level == 4)
        .map(|u| (u.id.clone(), u.kind >= 2))
        .collect();
    let aggregate = aggregate::build(side, &categories, &facilities);
    let programs = programs::build(&facilities);
    let mut objects: Vec<(&'static str, Value)> = Vec::new();
    objects.extend(categories.objects.iter().cloned());
    objects.extend(geography.objects.iter().cloned());
    objects.extend(aggregate.objects.iter().cloned());
    objects.extend(programs.objects.iter().cloned());
    let rank = |plural: &str| {
        ORDER
            .iter()
            .position(|p| *p == plural)
            .unwrap_or(ORDER.len())
    };
    objects.sort_by_key(|(plural, _)| rank(plural));
    DemoModel {
        geography,
        aggregate,
        programs,
        objects,
    }
}

/// Where the accounts of an instance with this seed capture data: the demo country and two of
/// its provinces, or Sierra Leone (the reference payloads' tree) for an empty instance.
pub fn org_unit_places(seed: &Seed) -> crate::accounts::OrgUnitPlaces {
    let Seed::Demo(_) = seed else {
        return crate::accounts::OrgUnitPlaces::sierra_leone();
    };
    let country = rng::uid("ou:country");
    let province = |index: usize| {
        let id = rng::uid(&format!("ou:province:{index}"));
        let path = format!("/{country}/{id}");
        (id, path)
    };
    crate::accounts::OrgUnitPlaces {
        national: (country.clone(), format!("/{country}")),
        clerk: province(0),
        outsider: province(1),
    }
}

/// Fills the stores of a fresh instance.
pub fn apply(
    seed: &Seed,
    metadata: &mut MetadataStore,
    data_values: &mut DataValueStore,
    tracker: &mut TrackerStore,
) {
    let Seed::Demo(side) = *seed else { return };
    let model = demo_model(side);
    for (plural, object) in &model.objects {
        let exists = object
            .get("id")
            .and_then(Value::as_str)
            .is_some_and(|id| metadata.get(plural, id).is_some());
        if !exists {
            // A store that refuses an object keeps going: the demo is still usable without it.
            let _ = metadata.insert(plural, object.clone());
        }
    }
    values::generate(
        side,
        &model.geography.units,
        &model.aggregate,
        data_values.table_mut(),
        "admin",
    );
    if side == DemoSide::Source {
        tracker_data::generate_tracker_data(&model.programs, &model.geography.units, tracker);
    }
}
