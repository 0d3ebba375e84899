//! Category option combos (and attribute option combos): an exact mapping of the combo, else
//! the destination combo made of the mapped category options (MDSync's
//! `mapCategoryOptionCombo`).

use crate::mapping::context::{MappingContext, OptionComboRef};
use crate::mapping::hash::FxMap;
use crate::mapping::index::Level;
use crate::mapping::model::MappedId;
use crate::mapping::types::{ATTRIBUTE_OPTION_COMBOS, CATEGORY_OPTION_COMBOS};

/// What an option combo becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ComboOutcome<'m> {
    Mapped(&'m str),
    Disabled,
    /// No mapping applies: the combo is sent as it is.
    Unchanged,
}

/// The option combos of both instances, indexed.
#[derive(Debug, Default)]
pub(crate) struct ComboResolver<'m> {
    origin: FxMap<&'m str, &'m OptionComboRef>,
    /// Destination combos by their sorted category option ids.
    by_options: FxMap<Vec<&'m str>, Vec<&'m OptionComboRef>>,
}

impl<'m> ComboResolver<'m> {
    pub fn new(context: &'m MappingContext) -> ComboResolver<'m> {
        let origin = context
            .origin_category_option_combos
            .iter()
            .map(|combo| (combo.id.as_str(), combo))
            .collect();
        let mut by_options: FxMap<Vec<&'m str>, Vec<&'m OptionComboRef>> = FxMap::default();
        for combo in &context.destination_category_option_combos {
            by_options
                .entry(option_set(
                    combo.category_options.iter().map(|o| o.id.as_str()),
                ))
                .or_default()
                .push(combo);
        }
        ComboResolver { origin, by_options }
    }

    /// Maps `combo` with the nested mapping of its item (`inner`) and the global one.
    ///
    /// For each level, the item's first: an exact `attributeOptionCombos` entry (attribute
    /// combos only), an exact `categoryOptionCombos` entry, then — when the level maps category
    /// options at all — the destination combo with the mapped options (one candidate: it;
    /// several: the one of the mapped category combo).
    ///
    /// Better than MDSync: an option mapped by one level and another by the other combine (MDSync
    /// looks at each level alone and finds nothing), unmapped options keep their id, and an
    /// excluded (`DISABLED`) category option excludes the value (MDSync's check for it never
    /// matches, so it sends the origin combo unchanged).
    pub fn map(
        &self,
        combo: &str,
        inner: &Level<'m>,
        global: &Level<'m>,
        attribute: bool,
    ) -> ComboOutcome<'m> {
        for level in [inner, global] {
            if attribute {
                if let Some(mapped) = level.mapped(ATTRIBUTE_OPTION_COMBOS, combo) {
                    return outcome(mapped);
                }
            }
            if let Some(mapped) = level.mapped(CATEGORY_OPTION_COMBOS, combo) {
                return outcome(mapped);
            }
            if level.has_category_options() {
                if let Some(found) = self.through_options(combo, inner, global) {
                    return found;
                }
            }
        }
        ComboOutcome::Unchanged
    }

    fn through_options(
        &self,
        combo: &str,
        inner: &Level<'m>,
        global: &Level<'m>,
    ) -> Option<ComboOutcome<'m>> {
        let origin = self.origin.get(combo)?;
        let mut options = Vec::with_capacity(origin.category_options.len());
        for option in &origin.category_options {
            let id = option.id.as_str();
            let mapped = inner
                .category_option(id)
                .or_else(|| global.category_option(id));
            match mapped {
                Some(MappedId::Disabled) => return Some(ComboOutcome::Disabled),
                Some(mapped) => options.push(mapped.target().unwrap_or(id)),
                None => options.push(id),
            }
        }
        let candidates = self.by_options.get(&option_set(options.into_iter()))?;
        if let [only] = candidates.as_slice() {
            return Some(ComboOutcome::Mapped(only.id.as_str()));
        }
        let origin_combo = origin.category_combo.as_ref()?.id.as_str();
        let wanted = inner
            .category_combo(origin_combo)
            .or_else(|| global.category_combo(origin_combo))
            .and_then(MappedId::target)
            .unwrap_or(origin_combo);
        candidates
            .iter()
            .find(|candidate| {
                candidate
                    .category_combo
                    .as_ref()
                    .is_some_and(|c| c.id.as_str() == wanted)
            })
            .map(|candidate| ComboOutcome::Mapped(candidate.id.as_str()))
    }
}

fn outcome(mapped: &MappedId) -> ComboOutcome<'_> {
    match mapped.target() {
        Some(target) => ComboOutcome::Mapped(target),
        None => ComboOutcome::Disabled,
    }
}

/// Sorted, without repeats (MDSync compares `uniqBy` + `sortBy` lists).
fn option_set<'a>(ids: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut set: Vec<&str> = ids.collect();
    set.sort_unstable();
    set.dedup();
    set
}
