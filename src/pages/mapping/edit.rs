//! Changes to the draft mapping, row by row: pick a target, exclude, reset, and the state of a
//! row. Auto-map itself is core's (`mdsync_core::mapping::auto_map`).

use mdsync_core::mapping::{
    auto_map, AutoMapOutcome, AutoMapRow, AutoMapScope, MappableObject, MappedId,
    MappingDictionary, MappingKey, MetadataMapping, OriginRow,
};

use super::fetch::IdFilter;
use super::state::StatusFilter;
use super::types::TypeChoice;

/// Where a row stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowStatus {
    Unmapped,
    Mapped,
    Excluded,
    /// Mapped, but auto-map left nested items without a counterpart (or flagged the entry).
    Conflict,
}

impl RowStatus {
    pub fn of(entry: Option<&MetadataMapping>) -> RowStatus {
        match entry {
            None => RowStatus::Unmapped,
            Some(entry) if entry.is_disabled() => RowStatus::Excluded,
            Some(entry) if has_conflict(entry) => RowStatus::Conflict,
            Some(entry) if entry.mapped_id.is_some() => RowStatus::Mapped,
            Some(_) => RowStatus::Unmapped,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            RowStatus::Unmapped => "unmapped",
            RowStatus::Mapped => "mapped",
            RowStatus::Excluded => "excluded",
            RowStatus::Conflict => "conflict",
        }
    }
}

fn has_conflict(entry: &MetadataMapping) -> bool {
    entry.conflicts == Some(true)
        || entry
            .nested()
            .types()
            .flat_map(|(_, entries)| entries.values())
            .any(|nested| nested.conflicts == Some(true))
}

/// The key of an origin row: org units by path (as MDSync keys them), the rest by id.
pub fn row_key(choice: &TypeChoice, object: &MappableObject) -> Option<MappingKey> {
    let by_path = choice.mapping_type == mdsync_core::mapping::types::ORGANISATION_UNITS;
    match (&object.path, &object.id) {
        (Some(path), _) if by_path => MappingKey::parse(path),
        (_, Some(id)) => Some(MappingKey::from(id.clone())),
        _ => None,
    }
}

/// The id filter that lists the rows of `status` (server side), from the draft.
pub fn id_filter(
    dictionary: &MappingDictionary,
    choice: &TypeChoice,
    status: StatusFilter,
) -> IdFilter {
    let entries = dictionary.entries(choice.mapping_type);
    let ids = |wanted: &dyn Fn(RowStatus) -> bool| -> Vec<String> {
        entries
            .into_iter()
            .flatten()
            .filter(|(_, entry)| wanted(RowStatus::of(Some(entry))))
            .map(|(key, _)| key.last_id().to_string())
            .collect()
    };
    match status {
        StatusFilter::All => IdFilter::All,
        StatusFilter::Mapped => IdFilter::Only(ids(&|s| s == RowStatus::Mapped)),
        StatusFilter::Excluded => IdFilter::Only(ids(&|s| s == RowStatus::Excluded)),
        StatusFilter::Conflict => IdFilter::Only(ids(&|s| s == RowStatus::Conflict)),
        StatusFilter::Unmapped => IdFilter::Except(ids(&|s| s != RowStatus::Unmapped)),
    }
}

/// Maps `origin` onto `target`, chosen by hand. Nested items (category options, options,
/// program stages) are auto-mapped among the target's own, as they are with auto-map.
pub fn assign(
    dictionary: &mut MappingDictionary,
    choice: &TypeChoice,
    origin: &MappableObject,
    target: &MappableObject,
) -> bool {
    let Some(key) = row_key(choice, origin) else {
        return false;
    };
    // core's auto-map builds the entry and its nested mappings; given one candidate that
    // carries the origin's code and name, it takes that candidate whatever its own are.
    let mut candidate = target.clone();
    candidate.code = origin.code.clone();
    candidate.name = origin.label().to_string();
    candidate.display_name = None;
    let keys = [key.clone()];
    let row = OriginRow {
        key: key.clone(),
        object: origin.clone(),
    };
    let outcome = auto_map(
        dictionary,
        choice.mapping_type,
        &[row],
        &[candidate],
        AutoMapScope::Selected(&keys),
        choice.global,
    );
    let matched = outcome
        .iter()
        .any(|row| matches!(row.outcome, AutoMapOutcome::Mapped { .. }));
    if !matched {
        // An origin object with neither code nor name: the entry alone, without nested ones.
        let by_path = choice.mapping_type == mdsync_core::mapping::types::ORGANISATION_UNITS;
        let mapped_id = match (&target.path, &target.id) {
            (Some(path), _) if by_path => MappedId::parse(path, true),
            (_, Some(id)) => Some(MappedId::Id(id.clone())),
            _ => None,
        };
        let Some(mapped_id) = mapped_id else {
            return false;
        };
        let entry = MetadataMapping {
            code: origin.code.clone(),
            conflicts: Some(false),
            global: Some(choice.global),
            ..MetadataMapping::to(mapped_id)
        };
        dictionary.insert(choice.mapping_type, key.clone(), entry);
    }
    let Some(entry) = dictionary.get_mut(choice.mapping_type, key.as_str()) else {
        return false;
    };
    // The entry names the target as the destination has it.
    entry.mapped_name = Some(target.label().to_string()).filter(|name| !name.is_empty());
    entry.mapped_code = target.code.clone();
    entry.mapped_level = target.level;
    true
}

/// Excludes the rows: they are not sent.
pub fn exclude(dictionary: &mut MappingDictionary, choice: &TypeChoice, keys: &[MappingKey]) {
    for key in keys {
        let entry = MetadataMapping {
            global: Some(choice.global),
            ..MetadataMapping::disabled()
        };
        dictionary.insert(choice.mapping_type, key.clone(), entry);
    }
}

/// Forgets the rows' entries: they go as they are.
pub fn reset(dictionary: &mut MappingDictionary, choice: &TypeChoice, keys: &[MappingKey]) {
    for key in keys {
        dictionary.remove(choice.mapping_type, key.as_str());
    }
}

/// Excludes a nested item (`nested_type` › `nested_key` of the row `key`), or puts it back to
/// what the parent's mapping implies when `excluded` is false.
pub fn set_nested_excluded(
    dictionary: &mut MappingDictionary,
    choice: &TypeChoice,
    key: &str,
    nested_type: &str,
    nested_key: &MappingKey,
    excluded: bool,
) {
    let Some(entry) = dictionary.get_mut(choice.mapping_type, key) else {
        return;
    };
    let nested = entry.mapping.get_or_insert_with(MappingDictionary::default);
    if excluded {
        nested.insert(nested_type, nested_key.clone(), MetadataMapping::disabled());
    } else {
        nested.remove(nested_type, nested_key.as_str());
    }
}

/// Maps a nested item (a program's stage, a data element's option…) of row `key` onto
/// `target`, picked by hand. Returns whether it could (the parent entry exists and the target
/// has an id).
pub fn assign_nested(
    dictionary: &mut MappingDictionary,
    choice: &TypeChoice,
    key: &str,
    nested_type: &str,
    nested_key: &MappingKey,
    target: &MappableObject,
) -> bool {
    let Some(id) = target.id.clone() else {
        return false;
    };
    let Some(entry) = dictionary.get_mut(choice.mapping_type, key) else {
        return false;
    };
    let nested = entry.mapping.get_or_insert_with(MappingDictionary::default);
    // The origin item's own code stays (options are matched on it).
    let code = nested
        .get(nested_type, nested_key.as_str())
        .and_then(|kept| kept.code.clone());
    let mut picked = MetadataMapping::to(MappedId::Id(id));
    picked.mapped_name = Some(target.label().to_string());
    picked.mapped_code = target.code.clone();
    picked.code = code;
    picked.conflicts = Some(false);
    picked.global = Some(false);
    nested.insert(nested_type, nested_key.clone(), picked);
    // Auto-map flags an entry whose nested items it could not all map; once every one has a
    // target, the row needs no more looking at.
    let all_mapped = nested
        .types()
        .flat_map(|(_, entries)| entries.values())
        .all(|item| !item.is_disabled());
    if all_mapped && entry.conflicts == Some(true) {
        entry.conflicts = Some(false);
    }
    true
}

/// Auto-maps `rows` against `destination` into the draft.
pub fn run_auto_map(
    dictionary: &mut MappingDictionary,
    choice: &TypeChoice,
    rows: &[MappableObject],
    destination: &[MappableObject],
    selected: Option<&[MappingKey]>,
) -> Vec<AutoMapRow> {
    let origin: Vec<OriginRow> = rows
        .iter()
        .filter_map(|object| {
            Some(OriginRow {
                key: row_key(choice, object)?,
                object: object.clone(),
            })
        })
        .collect();
    let scope = match selected {
        Some(keys) => AutoMapScope::Selected(keys),
        None => AutoMapScope::Unmapped,
    };
    auto_map(
        dictionary,
        choice.mapping_type,
        &origin,
        destination,
        scope,
        choice.global,
    )
}

/// The text shown for what a row is mapped to.
pub fn target_text(entry: &MetadataMapping) -> Option<(String, Option<String>, String)> {
    let id = entry.mapped_id.as_ref()?;
    if matches!(id, MappedId::Disabled) {
        return None;
    }
    let name = entry
        .mapped_name
        .clone()
        .unwrap_or_else(|| id.target().unwrap_or_default().to_string());
    Some((
        name,
        entry.mapped_code.clone(),
        id.target().unwrap_or_default().to_string(),
    ))
}
