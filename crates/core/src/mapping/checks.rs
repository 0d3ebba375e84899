//! Checks before a run, against what the sync is about to send, before anything is written:
//! origin items with no counterpart at the destination (unmapped, and not there by id), mapped
//! ids that no longer exist at the destination, and several origin items mapped onto one
//! destination item (overlaps). Each finding names its item.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Serialize;

use super::apply::DataValue;
use super::error::EntryPath;
use super::model::{MappedId, MappingDictionary, MetadataMapping};
use super::types::{type_info, types_for_plural, AGGREGATED_DATA_ELEMENTS, ORGANISATION_UNITS};
use crate::dhis2::metadata::fetch_by_ids;
use crate::dhis2::{Dhis2Client, Dhis2Error, Transport};

/// An origin object the sync sends or references: its metadata type (plural) and id.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Outgoing {
    pub plural: String,
    pub id: String,
}

impl Outgoing {
    pub fn new(plural: &str, id: &str) -> Outgoing {
        Outgoing {
            plural: plural.to_string(),
            id: id.to_string(),
        }
    }
}

/// The data elements (indicators: mapped as data elements) and org units of data values.
pub fn outgoing_of_data_values(values: &[DataValue]) -> Vec<Outgoing> {
    let mut out: HashSet<Outgoing> = HashSet::new();
    for value in values {
        out.insert(Outgoing::new(
            "dataElements",
            &value.data_element.replacen('.', "-", 1),
        ));
        out.insert(Outgoing::new("organisationUnits", &value.org_unit));
    }
    let mut out: Vec<Outgoing> = out.into_iter().collect();
    out.sort();
    out
}

/// The objects of a metadata payload.
pub fn outgoing_of_metadata(payload: &crate::sync::metadata::Payload) -> Vec<Outgoing> {
    let mut out: Vec<Outgoing> = payload
        .iter()
        .flat_map(|(plural, objects)| {
            objects
                .iter()
                .filter_map(move |object| Some(Outgoing::new(plural, object.get("id")?.as_str()?)))
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The programs, stages, data elements and org units of events (new tracker API fields).
pub fn outgoing_of_events(events: &[serde_json::Value]) -> Vec<Outgoing> {
    let mut out: HashSet<Outgoing> = HashSet::new();
    for event in events {
        let field = |key: &str| event.get(key).and_then(serde_json::Value::as_str);
        for (plural, key) in [
            ("programs", "program"),
            ("programStages", "programStage"),
            ("organisationUnits", "orgUnit"),
        ] {
            if let Some(id) = field(key) {
                out.insert(Outgoing::new(plural, id));
            }
        }
        let values = event
            .get("dataValues")
            .and_then(serde_json::Value::as_array);
        for value in values.into_iter().flatten() {
            if let Some(id) = value.get("dataElement").and_then(serde_json::Value::as_str) {
                out.insert(Outgoing::new("dataElements", id));
            }
        }
    }
    let mut out: Vec<Outgoing> = out.into_iter().collect();
    out.sort();
    out
}

/// Which ids exist at the destination, per metadata type. A type the index was not given is
/// not checked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DestinationIndex {
    ids: HashMap<String, HashSet<String>>,
}

impl DestinationIndex {
    pub fn new() -> DestinationIndex {
        DestinationIndex::default()
    }

    /// Records that the destination's `plural` objects among those asked for are `ids`.
    pub fn add<I: IntoIterator<Item = S>, S: Into<String>>(&mut self, plural: &str, ids: I) {
        self.ids
            .entry(plural.to_string())
            .or_default()
            .extend(ids.into_iter().map(Into::into));
    }

    pub fn knows(&self, plural: &str) -> bool {
        self.ids.contains_key(plural)
    }

    /// `None` when the type was not looked at.
    pub fn has(&self, plural: &str, id: &str) -> Option<bool> {
        self.ids.get(plural).map(|ids| ids.contains(id))
    }
}

/// One thing to fix (or know) before the run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(tag = "finding", rename_all = "camelCase")]
pub enum Finding {
    /// Not mapped, and the destination has no object with its id.
    Unmapped { plural: String, id: String },
    /// Mapped to an object the destination does not have (any more).
    TargetMissing { entry: EntryPath, target: String },
    /// Several origin items sent are mapped onto one destination item: only the first of their
    /// values arrives (unless an overlap replacer combines them).
    Overlap {
        mapping_type: EntryPath,
        target: String,
        origins: Vec<String>,
    },
}

impl Finding {
    /// Whether the run would fail (or write to the wrong place) because of it.
    pub fn is_error(&self) -> bool {
        !matches!(self, Finding::Overlap { .. })
    }
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Finding::Unmapped { plural, id } => write!(
                f,
                "{plural} {id}: not mapped, and the destination has no object with this id; map \
                 it or exclude it"
            ),
            Finding::TargetMissing { entry, target } => write!(
                f,
                "{entry}: is mapped to {target}, which does not exist at the destination (any \
                 more); map it again or remove the entry"
            ),
            Finding::Overlap {
                mapping_type,
                target,
                origins,
            } => write!(
                f,
                "{mapping_type}: {} are all mapped to {target}; only one value per destination \
                 item arrives",
                origins.join(", ")
            ),
        }
    }
}

/// The mapping types where an outgoing object of `plural` is looked up (same kind, and
/// indicators / program indicators in `aggregatedDataElements`).
fn types_for(plural: &str) -> Vec<&'static str> {
    let mut names: Vec<&'static str> = types_for_plural(plural).map(|info| info.name).collect();
    if matches!(plural, "indicators" | "programIndicators") {
        names.push(AGGREGATED_DATA_ELEMENTS);
    }
    names
}

/// The first entry naming an outgoing item.
fn entry_of<'m>(
    mapping: &'m MappingDictionary,
    item: &Outgoing,
) -> Option<(&'static str, &'m MetadataMapping)> {
    types_for(&item.plural).into_iter().find_map(|name| {
        let entry = mapping.get(name, &item.id).or_else(|| {
            // Org units may be keyed by path.
            (name == ORGANISATION_UNITS).then(|| {
                mapping
                    .entries(name)?
                    .iter()
                    .find_map(|(key, entry)| (key.last_id() == item.id).then_some(entry))
            })?
        })?;
        Some((name, entry))
    })
}

/// The destination ids to look up before [`check_mapping`]: the outgoing items' own ids and the
/// targets of their entries (nested ones included), per metadata type.
pub fn ids_to_look_up(
    mapping: &MappingDictionary,
    outgoing: &[Outgoing],
) -> BTreeMap<String, Vec<String>> {
    let mut wanted: BTreeMap<String, HashSet<String>> = BTreeMap::new();
    for item in outgoing {
        wanted
            .entry(item.plural.clone())
            .or_default()
            .insert(item.id.clone());
        if let Some((name, entry)) = entry_of(mapping, item) {
            targets(name, entry, &mut |plural, target| {
                wanted
                    .entry(plural.to_string())
                    .or_default()
                    .insert(target.to_string());
            });
        }
    }
    wanted
        .into_iter()
        .map(|(plural, ids)| {
            let mut ids: Vec<String> = ids.into_iter().collect();
            ids.sort();
            (plural, ids)
        })
        .collect()
}

/// Calls `found(plural, target)` for an entry's target and its nested entries' targets.
fn targets(name: &str, entry: &MetadataMapping, found: &mut dyn FnMut(&str, &str)) {
    let Some(info) = type_info(name) else { return };
    if let Some(target) = entry.mapped_id.as_ref().and_then(MappedId::target) {
        found(info.destination, target);
    }
    for (nested_name, entries) in entry.nested().types() {
        for nested in entries.values() {
            targets(nested_name, nested, found);
        }
    }
}

/// Reads which of the wanted ids exist at the destination.
pub async fn read_destination_index<T: Transport>(
    destination: &Dhis2Client<T>,
    wanted: &BTreeMap<String, Vec<String>>,
) -> Result<DestinationIndex, Dhis2Error> {
    let mut index = DestinationIndex::new();
    for (plural, ids) in wanted {
        let objects = fetch_by_ids(destination, plural, "id", ids, "id").await?;
        let found = objects
            .iter()
            .filter_map(|object| object.get("id")?.as_str().map(str::to_string));
        index.add(plural, found);
    }
    Ok(index)
}

/// Checks the mapping against what the sync is about to send.
pub fn check_mapping(
    mapping: &MappingDictionary,
    outgoing: &[Outgoing],
    destination: &DestinationIndex,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    // (type, target) → origins sent that map onto it.
    let mut onto: BTreeMap<(&'static str, String), Vec<String>> = BTreeMap::new();
    for item in outgoing {
        match entry_of(mapping, item) {
            Some((name, entry)) => {
                let path = EntryPath::of(&[name, &item.id]);
                check_targets(name, entry, &path, destination, &mut findings);
                if let Some(target) = entry.mapped_id.as_ref().and_then(MappedId::target) {
                    onto.entry((name, target.to_string()))
                        .or_default()
                        .push(item.id.clone());
                }
            }
            None => {
                if destination.has(&item.plural, &item.id) == Some(false) {
                    findings.push(Finding::Unmapped {
                        plural: item.plural.clone(),
                        id: item.id.clone(),
                    });
                }
            }
        }
    }
    for ((name, target), origins) in onto {
        if origins.len() > 1 {
            findings.push(Finding::Overlap {
                mapping_type: EntryPath::of(&[name]),
                target,
                origins,
            });
        }
    }
    findings
}

fn check_targets(
    name: &str,
    entry: &MetadataMapping,
    path: &EntryPath,
    destination: &DestinationIndex,
    findings: &mut Vec<Finding>,
) {
    let Some(info) = type_info(name) else { return };
    if let Some(target) = entry.mapped_id.as_ref().and_then(MappedId::target) {
        if destination.has(info.destination, target) == Some(false) {
            findings.push(Finding::TargetMissing {
                entry: path.clone(),
                target: target.to_string(),
            });
        }
    }
    for (nested_name, entries) in entry.nested().types() {
        for (key, nested) in entries {
            let nested_path = path.join(nested_name).join(key.as_str());
            check_targets(nested_name, nested, &nested_path, destination, findings);
        }
    }
}

#[cfg(test)]
#[path = "checks_tests.rs"]
mod tests;
