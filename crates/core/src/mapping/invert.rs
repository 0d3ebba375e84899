//! Direction. A push (this instance → a remote) uses the mapping stored toward the destination
//! as it is; a pull (a remote → this instance) uses the mapping stored toward the origin,
//! inverted: destination ids become keys, origin ids targets.
//!
//! Better than MDSync (`GenericSyncUseCase.getMapping`, which swaps key and `mappedId` and keeps
//! everything else):
//! * entries that cannot be inverted are said, not silently overwritten: several origin items
//!   mapped onto one destination item (many-to-one: which should the pulled item become?), and
//!   mappings that change the kind of object (tracked entity attribute → data element, program
//!   data element → aggregated data element);
//! * `code` and `mappedCode` swap, so option values map back (MDSync keeps them, and an inverted
//!   option mapping never matches);
//! * nested keys get their parents' mapped ids (`program-stage-dataElement`), which MDSync's
//!   code notes it does not support;
//! * org units keyed by a destination path are keyed by its unit id, which is what data values
//!   carry.

use std::collections::BTreeMap;

use serde::Serialize;

use super::error::EntryPath;
use super::model::{MappedId, MappingDictionary, MappingKey, MetadataMapping};
use super::types::{
    type_info, CATEGORIES, CATEGORY_OPTIONS, EVENT_PROGRAMS, PROGRAM_DATA_ELEMENTS, PROGRAM_STAGES,
    TRACKER_PROGRAMS, TRACKER_PROGRAM_STAGES,
};
use crate::model::Uid;

/// Which way a sync goes, seen from the instance the app runs in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Direction {
    /// This instance → a remote: the remote's mapping as it is.
    Push,
    /// A remote → this instance: the remote's mapping, inverted.
    Pull,
}

/// An entry left out of an inverted mapping.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "reason", rename_all = "camelCase")]
pub enum NotInvertible {
    /// Several origin items map onto `target`.
    ManyToOne {
        mapping_type: EntryPath,
        target: String,
        origins: Vec<String>,
    },
    /// The entry maps one kind of object to another.
    ChangesKind { entry: EntryPath },
    /// The entry's `overlaps` (how several values combine) have no inverse; the entry is kept
    /// without them.
    Overlaps { entry: EntryPath },
}

impl std::fmt::Display for NotInvertible {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NotInvertible::ManyToOne {
                mapping_type,
                target,
                origins,
            } => write!(
                f,
                "{mapping_type}: {} are all mapped to {target}; a pull cannot tell which one {target} \
                 should become, so none is used",
                origins.join(", ")
            ),
            NotInvertible::ChangesKind { entry } => write!(
                f,
                "{entry}: maps one kind of object to another, which has no inverse; not used"
            ),
            NotInvertible::Overlaps { entry } => {
                write!(f, "{entry}: its overlaps have no inverse; used without them")
            }
        }
    }
}

/// What an inversion could not keep.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InvertReport {
    pub not_invertible: Vec<NotInvertible>,
}

/// The mapping to apply for a sync in `direction`, given the mapping stored toward the remote
/// instance.
pub fn mapping_for_direction(
    direction: Direction,
    stored: MappingDictionary,
) -> (MappingDictionary, Option<InvertReport>) {
    match direction {
        Direction::Push => (stored, None),
        Direction::Pull => {
            let (inverted, report) = invert(&stored);
            (inverted, Some(report))
        }
    }
}

/// Inverts a mapping (see the module documentation).
pub fn invert(mapping: &MappingDictionary) -> (MappingDictionary, InvertReport) {
    let mut report = InvertReport::default();
    let inverted = invert_level(mapping, mapping, &EntryPath::root(), &mut report);
    (inverted, report)
}

fn invert_level(
    level: &MappingDictionary,
    top: &MappingDictionary,
    path: &EntryPath,
    report: &mut InvertReport,
) -> MappingDictionary {
    let mut inverted = MappingDictionary {
        unknown: level.unknown.clone(),
        ..MappingDictionary::default()
    };
    for (name, entries) in level.types() {
        let Some(info) = type_info(name) else {
            continue;
        };
        let type_path = path.join(name);
        let mut by_target: BTreeMap<String, Vec<(&MappingKey, &MetadataMapping)>> = BTreeMap::new();
        for (key, entry) in entries {
            let entry_path = type_path.join(key.as_str());
            let converts = !info.is_same_kind()
                || (name == super::types::AGGREGATED_DATA_ELEMENTS && key.as_str().contains('-'));
            match &entry.mapped_id {
                Some(MappedId::Disabled) => continue,
                Some(_) if converts => {
                    report
                        .not_invertible
                        .push(NotInvertible::ChangesKind { entry: entry_path });
                    continue;
                }
                _ => {}
            }
            let new_key = match &entry.mapped_id {
                Some(MappedId::Id(_) | MappedId::Path(_)) => {
                    let target = entry.mapped_id.as_ref().and_then(MappedId::target);
                    rebuild_key(name, key, target.unwrap_or_default(), top)
                }
                // An option written by value, or a parent kept for its nested mapping: its
                // own key.
                Some(MappedId::ByValue) | None => key.as_str().to_string(),
                Some(MappedId::Disabled) => continue,
            };
            by_target.entry(new_key).or_default().push((key, entry));
        }
        for (new_key, origins) in by_target {
            if let [(key, entry)] = origins.as_slice() {
                let entry_path = type_path.join(key.as_str());
                if let Some(inverse) = invert_entry(key, entry, top, &entry_path, report) {
                    if let Some(new_key) = MappingKey::parse(&new_key) {
                        inverted.insert(name, new_key, inverse);
                    }
                }
            } else {
                report.not_invertible.push(NotInvertible::ManyToOne {
                    mapping_type: type_path.clone(),
                    target: new_key,
                    origins: origins.iter().map(|(key, _)| key.to_string()).collect(),
                });
            }
        }
    }
    inverted
}

fn invert_entry(
    key: &MappingKey,
    entry: &MetadataMapping,
    top: &MappingDictionary,
    path: &EntryPath,
    report: &mut InvertReport,
) -> Option<MetadataMapping> {
    let nested = entry
        .mapping
        .as_ref()
        .map(|nested| invert_level(nested, top, path, report));
    if entry.overlaps.as_ref().is_some_and(|o| !o.is_empty()) {
        report.not_invertible.push(NotInvertible::Overlaps {
            entry: path.clone(),
        });
    }
    let origin = || origin_id(key);
    let (mapped_id, code) = match &entry.mapped_id {
        None => (None, entry.mapped_code.clone()),
        // An option written by value: that value comes back as the origin option.
        Some(MappedId::ByValue) => (Some(origin()?), entry.mapped_value.clone()),
        Some(_) => (Some(origin()?), entry.mapped_code.clone()),
    };
    Some(MetadataMapping {
        mapped_id,
        mapped_name: None,
        mapped_code: entry.code.clone(),
        mapped_level: None,
        mapped_value: None,
        code,
        mapping: nested,
        conflicts: entry.conflicts,
        global: entry.global,
        overlaps: None,
        extra: entry.extra.clone(),
    })
}

/// The inverted key: the target, behind its parents' mapped ids for nested keys.
fn rebuild_key(
    mapping_type: &str,
    key: &MappingKey,
    target: &str,
    top: &MappingDictionary,
) -> String {
    let segments: Vec<&str> = key.segments().collect();
    if key.as_str().starts_with('/') || segments.len() < 2 {
        return target.to_string();
    }
    let program = || mapped_program(top, segments[0]);
    let mut parts: Vec<String> = match (mapping_type, segments.as_slice()) {
        (PROGRAM_DATA_ELEMENTS, [program_id, stage, _]) => {
            vec![program(), mapped_stage(top, program_id, stage)]
        }
        (PROGRAM_DATA_ELEMENTS | TRACKER_PROGRAM_STAGES, [_, _]) => vec![program()],
        (CATEGORY_OPTIONS, [category, _]) => vec![top
            .get(CATEGORIES, category)
            .and_then(|entry| entry.mapped_id.as_ref())
            .and_then(MappedId::target)
            .unwrap_or(category)
            .to_string()],
        (_, [prefix @ .., _]) => prefix.iter().map(|part| part.to_string()).collect(),
        _ => Vec::new(),
    };
    parts.push(target.to_string());
    parts.join("-")
}

fn mapped_program(top: &MappingDictionary, program: &str) -> String {
    top.get(EVENT_PROGRAMS, program)
        .or_else(|| top.get(TRACKER_PROGRAMS, program))
        .and_then(|entry| entry.mapped_id.as_ref())
        .and_then(MappedId::target)
        .unwrap_or(program)
        .to_string()
}

fn mapped_stage(top: &MappingDictionary, program: &str, stage: &str) -> String {
    let nested = top
        .get(EVENT_PROGRAMS, program)
        .and_then(|entry| entry.nested().get(PROGRAM_STAGES, stage));
    let tracker = top.get(TRACKER_PROGRAM_STAGES, &format!("{program}-{stage}"));
    nested
        .or(tracker)
        .and_then(|entry| entry.mapped_id.as_ref())
        .and_then(MappedId::target)
        .unwrap_or(stage)
        .to_string()
}

/// The origin item an entry's key names, as a target: a path stays a path (org units).
fn origin_id(key: &MappingKey) -> Option<MappedId> {
    if key.as_str().starts_with('/') {
        return Some(MappedId::Path(key.as_str().to_string()));
    }
    key.last_id().parse::<Uid>().ok().map(MappedId::Id)
}

#[cfg(test)]
#[path = "invert_tests.rs"]
mod tests;
