//! Auto-map: for each origin row, the destination object with the same id, else the same code,
//! else the same name (ignoring case, accents and spacing), saying which rule matched. Nested
//! items (category options, options, program stages) are auto-mapped with their parent, among
//! the parent's destination counterpart's own, as MDSync does (`AutoMapUseCase`,
//! `GenericMappingUseCase.buildMapping`).
//!
//! Pure: the caller reads the origin rows and the destination candidates (for MDSync, two
//! `/api/metadata` look-ups) with the fields [`MAPPABLE_FIELDS`] names.
//!
//! Better than MDSync: several destination objects with the same code or name are reported as
//! ambiguous rather than the first taken, and names match ignoring accents and spacing (MDSync:
//! exact name, or DHIS2's token search).

use serde::Serialize;

use super::context::ProgramType;
use super::error::EntryPath;
pub use super::mappable::{
    normalize_name, CategoryShape, ComboShape, MappableObject, OptionSetShape, MAPPABLE_FIELDS,
};
use super::model::{MappedId, MappingDictionary, MappingKey, MetadataMapping};
use super::types::{type_info, CATEGORY_COMBOS, CATEGORY_OPTIONS, OPTIONS, PROGRAM_STAGES};
use crate::model::Uid;

/// Which rule found the counterpart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum MatchRule {
    SameId,
    SameCode,
    SameName,
}

/// What auto-map found for one row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "camelCase")]
pub enum AutoMapOutcome {
    Mapped {
        rule: MatchRule,
        target: Uid,
        /// Nested items with no counterpart: written as excluded, with `conflicts: true`.
        nested_unmatched: Vec<EntryPath>,
    },
    /// Several destination objects match by `rule`: none was taken.
    Ambiguous {
        rule: MatchRule,
        candidates: Vec<Uid>,
    },
    NotFound,
    /// Already mapped, and only unmapped rows were asked for.
    AlreadyMapped,
}

/// An origin row: the object and the key its entry has (its id, or a nested key such as
/// `program-stage-dataElement`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OriginRow {
    pub key: MappingKey,
    pub object: MappableObject,
}

impl OriginRow {
    /// A row keyed by the object's id; `None` for an object without a valid id.
    pub fn of(object: MappableObject) -> Option<OriginRow> {
        let key = MappingKey::from(object.id.clone()?);
        Some(OriginRow { key, object })
    }
}

/// Which rows to auto-map.
#[derive(Debug, Clone, Copy)]
pub enum AutoMapScope<'a> {
    /// Rows that have no entry with a `mappedId` yet.
    Unmapped,
    Selected(&'a [MappingKey]),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AutoMapRow {
    pub key: MappingKey,
    #[serde(flatten)]
    pub outcome: AutoMapOutcome,
}

/// What [`find_counterpart`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Counterpart<'a> {
    Found(MatchRule, &'a MappableObject),
    /// Several candidates match by the first rule any matches.
    Ambiguous(MatchRule, Vec<Uid>),
    NotFound,
}

/// Whether `candidate` matches `origin` by `rule` (`name`: the origin's normalised name).
fn matches(
    rule: MatchRule,
    origin: &MappableObject,
    name: &str,
    candidate: &MappableObject,
) -> bool {
    match rule {
        MatchRule::SameId => candidate.id.is_some() && candidate.id == origin.id,
        MatchRule::SameCode => origin.code.as_deref().is_some_and(|code| {
            !code.trim().is_empty() && candidate.code.as_deref().map(str::trim) == Some(code.trim())
        }),
        MatchRule::SameName => !name.is_empty() && normalize_name(candidate.label()) == name,
    }
}

/// Finds `origin`'s counterpart among `candidates`: same id, then same code, then same name.
pub fn find_counterpart<'a>(
    origin: &MappableObject,
    candidates: &'a [MappableObject],
) -> Counterpart<'a> {
    let name = normalize_name(origin.label());
    for rule in [MatchRule::SameId, MatchRule::SameCode, MatchRule::SameName] {
        let found: Vec<&MappableObject> = candidates
            .iter()
            .filter(|candidate| candidate.id.is_some() && matches(rule, origin, &name, candidate))
            .collect();
        match found.as_slice() {
            [] => continue,
            [one] => return Counterpart::Found(rule, one),
            many => {
                return Counterpart::Ambiguous(
                    rule,
                    many.iter().filter_map(|c| c.id.clone()).collect(),
                )
            }
        }
    }
    Counterpart::NotFound
}

/// Auto-maps `rows` of `mapping_type` against `destination`, writing the entries it finds into
/// `dictionary` (marked `global` when the rows come from the global mappings page).
pub fn auto_map(
    dictionary: &mut MappingDictionary,
    mapping_type: &str,
    rows: &[OriginRow],
    destination: &[MappableObject],
    scope: AutoMapScope<'_>,
    global: bool,
) -> Vec<AutoMapRow> {
    let mut results = Vec::with_capacity(rows.len());
    for row in rows {
        let wanted = match scope {
            AutoMapScope::Unmapped => dictionary
                .get(mapping_type, row.key.as_str())
                .is_none_or(|entry| entry.mapped_id.is_none()),
            AutoMapScope::Selected(keys) => keys.contains(&row.key),
        };
        if !wanted {
            if matches!(scope, AutoMapScope::Unmapped) {
                results.push(AutoMapRow {
                    key: row.key.clone(),
                    outcome: AutoMapOutcome::AlreadyMapped,
                });
            }
            continue;
        }
        let outcome = match find_counterpart(&row.object, destination) {
            Counterpart::Found(rule, target) => {
                let path = EntryPath::of(&[mapping_type, row.key.as_str()]);
                let mut unmatched = Vec::new();
                let mut entry = entry_for(mapping_type, &row.object, target, global);
                entry.mapping = Some(nested_for(
                    mapping_type,
                    &row.object,
                    target,
                    &path,
                    &mut unmatched,
                ));
                let target_id = target.id.clone().expect("candidates have ids");
                dictionary.insert(mapping_type, row.key.clone(), entry);
                AutoMapOutcome::Mapped {
                    rule,
                    target: target_id,
                    nested_unmatched: unmatched,
                }
            }
            Counterpart::Ambiguous(rule, candidates) => {
                AutoMapOutcome::Ambiguous { rule, candidates }
            }
            Counterpart::NotFound => AutoMapOutcome::NotFound,
        };
        results.push(AutoMapRow {
            key: row.key.clone(),
            outcome,
        });
    }
    results
}

/// The entry MDSync's `buildMapping` writes: the target by path for org units, its name, code
/// and level, and the origin's code.
fn entry_for(
    mapping_type: &str,
    origin: &MappableObject,
    target: &MappableObject,
    global: bool,
) -> MetadataMapping {
    let by_path = type_info(mapping_type).is_some_and(|info| info.maps_to_paths());
    let mapped_id = match (&target.path, &target.id) {
        (Some(path), _) if by_path => MappedId::parse(path, true),
        (_, Some(id)) => Some(MappedId::Id(id.clone())),
        _ => None,
    };
    MetadataMapping {
        mapped_id,
        mapped_name: Some(target.label().to_string()).filter(|name| !name.is_empty()),
        mapped_code: target.code.clone(),
        mapped_level: target.level,
        code: origin.code.clone(),
        conflicts: Some(false),
        global: Some(global),
        ..MetadataMapping::default()
    }
}

fn nested_for(
    mapping_type: &str,
    origin: &MappableObject,
    target: &MappableObject,
    path: &EntryPath,
    unmatched: &mut Vec<EntryPath>,
) -> MappingDictionary {
    let Some(info) = type_info(mapping_type) else {
        return MappingDictionary::default();
    };
    let mut nested = MappingDictionary::default();
    if let (true, Some(combo)) = (info.takes_nested(CATEGORY_COMBOS), &origin.category_combo) {
        let destination = target.category_combo.as_ref();
        let entry = MetadataMapping {
            mapped_id: Some(destination.map_or(MappedId::Disabled, |c| MappedId::Id(c.id.clone()))),
            mapped_name: destination.and_then(|c| c.name.clone()),
            mapping: Some(MappingDictionary::default()),
            conflicts: Some(false),
            ..MetadataMapping::default()
        };
        nested.insert(CATEGORY_COMBOS, combo.id.clone().into(), entry);
    }
    if info.takes_nested(CATEGORY_OPTIONS) {
        let rows = combo_options(origin);
        let candidates: Vec<MappableObject> =
            combo_options(target).into_iter().map(|(_, o)| o).collect();
        collection(
            &mut nested,
            CATEGORY_OPTIONS,
            rows,
            &candidates,
            path,
            unmatched,
        );
    }
    if info.takes_nested(OPTIONS) {
        let rows = set_options(origin)
            .into_iter()
            .filter_map(|option| Some((MappingKey::from(option.id.clone()?), option)))
            .collect();
        collection(
            &mut nested,
            OPTIONS,
            rows,
            &set_options(target),
            path,
            unmatched,
        );
    }
    if info.takes_nested(PROGRAM_STAGES)
        && origin.program_type == Some(ProgramType::WithoutRegistration)
    {
        let rows: Vec<(MappingKey, MappableObject)> = origin
            .program_stages
            .iter()
            .filter_map(|stage| Some((MappingKey::from(stage.id.clone()?), stage.clone())))
            .collect();
        if let ([(key, _)], [only]) = (rows.as_slice(), target.program_stages.as_slice()) {
            // One stage on each side: they are each other's, whatever their names.
            if let Some(id) = &only.id {
                let entry = MetadataMapping {
                    mapped_id: Some(MappedId::Id(id.clone())),
                    mapped_name: Some(only.label().to_string()),
                    mapping: Some(MappingDictionary::default()),
                    conflicts: Some(false),
                    ..MetadataMapping::default()
                };
                nested.insert(PROGRAM_STAGES, key.clone(), entry);
            }
        } else {
            collection(
                &mut nested,
                PROGRAM_STAGES,
                rows,
                &target.program_stages,
                path,
                unmatched,
            );
        }
    }
    nested
}

/// Auto-maps a nested collection; an item with no counterpart is excluded and flagged
/// (`conflicts: true`), as MDSync writes it.
fn collection(
    nested: &mut MappingDictionary,
    nested_type: &str,
    rows: Vec<(MappingKey, MappableObject)>,
    candidates: &[MappableObject],
    path: &EntryPath,
    unmatched: &mut Vec<EntryPath>,
) {
    for (key, object) in rows {
        let entry = match find_counterpart(&object, candidates) {
            Counterpart::Found(_, target) => MetadataMapping {
                mapping: Some(MappingDictionary::default()),
                ..entry_for(nested_type, &object, target, false)
            },
            Counterpart::Ambiguous(..) | Counterpart::NotFound => {
                unmatched.push(path.join(nested_type).join(key.as_str()));
                MetadataMapping {
                    conflicts: Some(true),
                    code: object.code.clone(),
                    ..MetadataMapping::disabled()
                }
            }
        };
        nested.insert(nested_type, key, entry);
    }
}

/// Category options of an object's combo, keyed `category-option`.
fn combo_options(object: &MappableObject) -> Vec<(MappingKey, MappableObject)> {
    let Some(combo) = &object.category_combo else {
        return Vec::new();
    };
    combo
        .categories
        .iter()
        .flat_map(|category| {
            category.category_options.iter().filter_map(|option| {
                let key = MappingKey::parse(&format!("{}-{}", category.id, option.id.as_ref()?))?;
                Some((key, option.clone()))
            })
        })
        .collect()
}

/// The options of an object's option set and comment option set.
fn set_options(object: &MappableObject) -> Vec<MappableObject> {
    let mut options: Vec<MappableObject> = Vec::new();
    for set in [&object.option_set, &object.comment_option_set]
        .into_iter()
        .flatten()
    {
        for option in &set.options {
            if !options.iter().any(|known| known.id == option.id) {
                options.push(option.clone());
            }
        }
    }
    options
}

#[cfg(test)]
#[path = "auto_map_tests.rs"]
mod tests;
