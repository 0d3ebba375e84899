//! The mapping dictionary, in MDSync's format:
//! `{ type: { originId: { mappedId, mappedName, mappedCode, mappedLevel, mappedValue, code,
//! mapping: {nested dictionary}, conflicts, global, overlaps } } }`.
//!
//! Ids are validated when a dictionary is read (see `decode.rs`); fields MetaData Sync does not
//! use, and types it does not know, are kept as they are so that a rewrite loses nothing.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;
use serde_json::Value;

use crate::model::Uid;

/// `mappedId` of an excluded item: it is not sent.
pub const DISABLED: &str = "DISABLED";
/// `mappedId`/`mappedCode` of an option whose value is written as `mappedValue`.
pub const MAPPED_BY_VALUE: &str = "MAPPED_BY_VALUE";

/// The key of an entry: an origin UID, nested ids joined by `-` (`program-stage-dataElement`,
/// `category-option`), an org unit path, or `default` (the default option combo of an
/// indicator's nested combos, as MDSync writes it).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct MappingKey(String);

impl MappingKey {
    pub fn parse(text: &str) -> Option<MappingKey> {
        let valid = text == "default"
            || match text.strip_prefix('/') {
                Some(path) => path.split('/').all(Uid::is_valid),
                None => text.split('-').all(Uid::is_valid),
            };
        valid.then(|| MappingKey(text.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The origin id the key ends with (`program-stage-de` → `de`, a path → its last unit).
    pub fn last_id(&self) -> &str {
        last_segment(&self.0)
    }

    /// The ids of a nested key (`program-stage-de` → `[program, stage, de]`).
    pub fn segments(&self) -> impl Iterator<Item = &str> {
        self.0.split('-')
    }
}

impl From<Uid> for MappingKey {
    fn from(uid: Uid) -> MappingKey {
        MappingKey(uid.into())
    }
}

impl std::borrow::Borrow<str> for MappingKey {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for MappingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The last id of a nested key or a path.
pub(crate) fn last_segment(text: &str) -> &str {
    text.rsplit(['-', '/']).next().unwrap_or(text)
}

/// What an origin item is mapped to.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum MappedId {
    Id(Uid),
    /// An org unit, by path (`/ImspTQPwCqd/O6uvpzGd5pu/…`), as MDSync stores them.
    Path(String),
    /// [`DISABLED`]: the item is excluded.
    Disabled,
    /// [`MAPPED_BY_VALUE`]: an option written as the entry's `mappedValue`.
    ByValue,
}

impl MappedId {
    /// The text stored in the dictionary.
    pub fn as_str(&self) -> &str {
        match self {
            MappedId::Id(uid) => uid.as_str(),
            MappedId::Path(path) => path,
            MappedId::Disabled => DISABLED,
            MappedId::ByValue => MAPPED_BY_VALUE,
        }
    }

    /// The destination id to write: a path gives its last unit; sentinels give `None`.
    pub fn target(&self) -> Option<&str> {
        match self {
            MappedId::Id(uid) => Some(uid.as_str()),
            MappedId::Path(path) => Some(last_segment(path)),
            MappedId::Disabled | MappedId::ByValue => None,
        }
    }

    pub fn is_disabled(&self) -> bool {
        *self == MappedId::Disabled
    }

    /// Parses a stored `mappedId`: a UID, a sentinel, or (when `paths` is set) a path.
    pub fn parse(text: &str, paths: bool) -> Option<MappedId> {
        match text {
            DISABLED => Some(MappedId::Disabled),
            MAPPED_BY_VALUE => Some(MappedId::ByValue),
            _ if paths && text.starts_with('/') => {
                let path = &text[1..];
                (!path.is_empty() && path.split('/').all(Uid::is_valid))
                    .then(|| MappedId::Path(text.to_string()))
            }
            _ => text.parse().ok().map(MappedId::Id),
        }
    }
}

impl From<Uid> for MappedId {
    fn from(uid: Uid) -> MappedId {
        MappedId::Id(uid)
    }
}

impl fmt::Display for MappedId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How the values of several origin data elements mapped onto one destination data element
/// are combined (MDSync's `overlaps`, on event programs): `replacer` is a template such as
/// `#{originDe1}-#{originDe2}`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Overlap {
    /// `replace` in every mapping MDSync writes.
    pub kind: String,
    pub replacer: String,
    pub extra: BTreeMap<String, Value>,
}

/// One entry: what one origin item is mapped to.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MetadataMapping {
    pub mapped_id: Option<MappedId>,
    pub mapped_name: Option<String>,
    pub mapped_code: Option<String>,
    pub mapped_level: Option<u64>,
    pub mapped_value: Option<String>,
    /// The origin item's code (options are matched on it).
    pub code: Option<String>,
    /// Nested mappings (category options of a data element, stages of a program…).
    pub mapping: Option<MappingDictionary>,
    pub conflicts: Option<bool>,
    /// Set by the global mappings page; a per-item (nested) entry wins over a global one.
    pub global: Option<bool>,
    /// Destination data element → how to combine the values mapped onto it.
    pub overlaps: Option<BTreeMap<Uid, Overlap>>,
    /// Fields MetaData Sync does not use, kept as they are.
    pub extra: BTreeMap<String, Value>,
}

impl MetadataMapping {
    /// An entry mapping to `target`.
    pub fn to(target: MappedId) -> MetadataMapping {
        MetadataMapping {
            mapped_id: Some(target),
            ..MetadataMapping::default()
        }
    }

    /// An excluded item, as MDSync writes it.
    pub fn disabled() -> MetadataMapping {
        MetadataMapping {
            mapped_id: Some(MappedId::Disabled),
            mapped_code: Some(DISABLED.into()),
            conflicts: Some(false),
            global: Some(false),
            mapping: Some(MappingDictionary::default()),
            ..MetadataMapping::default()
        }
    }

    pub fn is_disabled(&self) -> bool {
        self.mapped_id.as_ref().is_some_and(MappedId::is_disabled)
    }

    pub fn is_global(&self) -> bool {
        self.global == Some(true)
    }

    /// The nested dictionary, empty when there is none.
    pub fn nested(&self) -> &MappingDictionary {
        static EMPTY: MappingDictionary = MappingDictionary::new();
        self.mapping.as_ref().unwrap_or(&EMPTY)
    }
}

/// `{ type: { originKey: entry } }`, per remote instance.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MappingDictionary {
    pub(crate) types: BTreeMap<String, BTreeMap<MappingKey, MetadataMapping>>,
    /// Types MetaData Sync does not know, kept as they are.
    pub(crate) unknown: BTreeMap<String, Value>,
}

impl MappingDictionary {
    pub const fn new() -> MappingDictionary {
        MappingDictionary {
            types: BTreeMap::new(),
            unknown: BTreeMap::new(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.types.values().all(BTreeMap::is_empty) && self.unknown.is_empty()
    }

    /// The entries of one type (none when the type is absent).
    pub fn entries(&self, mapping_type: &str) -> Option<&BTreeMap<MappingKey, MetadataMapping>> {
        self.types.get(mapping_type)
    }

    pub fn get(&self, mapping_type: &str, key: &str) -> Option<&MetadataMapping> {
        self.types.get(mapping_type)?.get(key)
    }

    pub fn get_mut(&mut self, mapping_type: &str, key: &str) -> Option<&mut MetadataMapping> {
        self.types.get_mut(mapping_type)?.get_mut(key)
    }

    /// Adds or replaces an entry.
    pub fn insert(&mut self, mapping_type: &str, key: MappingKey, entry: MetadataMapping) {
        self.types
            .entry(mapping_type.to_string())
            .or_default()
            .insert(key, entry);
    }

    pub fn remove(&mut self, mapping_type: &str, key: &str) -> Option<MetadataMapping> {
        let entries = self.types.get_mut(mapping_type)?;
        let removed = entries.remove(key);
        if entries.is_empty() {
            self.types.remove(mapping_type);
        }
        removed
    }

    /// Every (type, entries) pair, known types only.
    pub fn types(&self) -> impl Iterator<Item = (&str, &BTreeMap<MappingKey, MetadataMapping>)> {
        self.types
            .iter()
            .map(|(name, entries)| (name.as_str(), entries))
    }

    /// The names of types kept without being understood.
    pub fn unknown_types(&self) -> impl Iterator<Item = &str> {
        self.unknown.keys().map(String::as_str)
    }

    /// How many entries there are, nested ones included.
    pub fn len(&self) -> usize {
        self.types
            .values()
            .flat_map(BTreeMap::values)
            .map(|entry| 1 + entry.mapping.as_ref().map_or(0, MappingDictionary::len))
            .sum()
    }
}

impl<'de> serde::Deserialize<'de> for MappingDictionary {
    /// Strict: an entry that cannot be used fails the whole dictionary with a message naming
    /// it (a stored mapping is then reported as damaged, with its key, and left alone).
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        super::decode::decode_strict(&value)
            .map(|(dictionary, _warnings)| dictionary)
            .map_err(serde::de::Error::custom)
    }
}
