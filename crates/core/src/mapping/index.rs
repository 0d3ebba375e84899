//! A dictionary compiled for look-ups: one [`Level`] per dictionary (the global one, and the
//! nested one of each entry), hash maps keyed by borrowed ids. Built once per run, then shared
//! by every chunk of the payload.

use super::hash::FxMap;
use super::model::{MappedId, MappingDictionary, MetadataMapping, MAPPED_BY_VALUE};
use super::types::{CATEGORY_COMBOS, CATEGORY_OPTIONS, OPTIONS};

/// One dictionary, ready for the look-ups MDSync makes in it.
#[derive(Debug, Default)]
pub(crate) struct Level<'m> {
    pub dict: Option<&'m MappingDictionary>,
    /// Option entries by origin code (the first in dictionary order wins, as MDSync's
    /// `_.find` over the values).
    options_by_code: FxMap<&'m str, &'m MetadataMapping>,
    /// Category option entries by origin option id (the last part of `category-option`).
    category_options: FxMap<&'m str, &'m MetadataMapping>,
}

impl<'m> Level<'m> {
    pub fn new(dict: &'m MappingDictionary) -> Level<'m> {
        let mut level = Level {
            dict: Some(dict),
            ..Level::default()
        };
        if let Some(options) = dict.entries(OPTIONS) {
            for entry in options.values() {
                if let Some(code) = entry.code.as_deref() {
                    level.options_by_code.entry(code).or_insert(entry);
                }
            }
        }
        if let Some(options) = dict.entries(CATEGORY_OPTIONS) {
            for (key, entry) in options {
                level.category_options.entry(key.last_id()).or_insert(entry);
            }
        }
        level
    }

    pub fn empty() -> Level<'m> {
        Level::default()
    }

    pub fn get(&self, mapping_type: &str, key: &str) -> Option<&'m MetadataMapping> {
        self.dict?.get(mapping_type, key)
    }

    /// The `mappedId` of an entry, when it has one.
    pub fn mapped(&self, mapping_type: &str, key: &str) -> Option<&'m MappedId> {
        self.get(mapping_type, key)?.mapped_id.as_ref()
    }

    pub fn has_options(&self) -> bool {
        !self.options_by_code.is_empty()
    }

    pub fn has_category_options(&self) -> bool {
        !self.category_options.is_empty()
    }

    pub fn category_option(&self, option_id: &str) -> Option<&'m MappedId> {
        self.category_options.get(option_id)?.mapped_id.as_ref()
    }

    pub fn category_combo(&self, combo_id: &str) -> Option<&'m MappedId> {
        self.mapped(CATEGORY_COMBOS, combo_id)
    }

    /// What an option value becomes at this level (MDSync's `mapOptionValue`, one
    /// dictionary): the entry whose `code` is the value gives its `mappedValue` when mapped by
    /// value, else its `mappedCode`.
    pub fn option_value(&self, value: &str) -> Option<OptionOutcome<'m>> {
        let entry = self.options_by_code.get(value)?;
        let code = entry.mapped_code.as_deref().filter(|code| !code.is_empty());
        let by_value = code == Some(MAPPED_BY_VALUE) || entry.mapped_id == Some(MappedId::ByValue);
        if entry.is_disabled() || code == Some(super::model::DISABLED) {
            return Some(OptionOutcome::Disabled);
        }
        if by_value {
            // MDSync falls through to `mappedCode` here and writes the text "MAPPED_BY_VALUE"
            // when `mappedValue` is empty; we leave such an entry unused instead.
            return entry
                .mapped_value
                .as_deref()
                .filter(|value| !value.is_empty())
                .map(OptionOutcome::Value);
        }
        code.map(OptionOutcome::Value)
    }
}

/// What an option value becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OptionOutcome<'m> {
    Value(&'m str),
    Disabled,
}

/// What a value or comment becomes: the nested level first, then the global one (a per-item
/// mapping wins over a global one).
pub(crate) fn map_option_value<'m>(
    value: &str,
    levels: [&Level<'m>; 2],
) -> Option<OptionOutcome<'m>> {
    levels
        .into_iter()
        .filter(|level| level.has_options())
        .find_map(|level| level.option_value(value))
}

/// An entry with its nested dictionary compiled.
#[derive(Debug)]
pub(crate) struct EntryLevel<'m> {
    pub entry: &'m MetadataMapping,
    pub inner: Level<'m>,
}

impl<'m> EntryLevel<'m> {
    pub fn new(entry: &'m MetadataMapping) -> EntryLevel<'m> {
        EntryLevel {
            entry,
            inner: entry.mapping.as_ref().map(Level::new).unwrap_or_default(),
        }
    }

    pub fn mapped(&self) -> Option<&'m MappedId> {
        self.entry.mapped_id.as_ref()
    }
}

/// Every entry of a type, compiled, by key.
pub(crate) fn compile_type<'m>(
    dict: &'m MappingDictionary,
    mapping_type: &str,
) -> FxMap<&'m str, EntryLevel<'m>> {
    dict.entries(mapping_type)
        .into_iter()
        .flatten()
        .map(|(key, entry)| (key.as_str(), EntryLevel::new(entry)))
        .collect()
}
