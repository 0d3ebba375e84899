//! Writing a dictionary as MDSync and the DHIS2 dataStore do: fields left out when absent, keys
//! in `jsonb` order, unknown fields and types as they were read.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use serde_json::Value;

use super::model::{MappedId, MappingDictionary, MappingKey, MetadataMapping, Overlap};
use crate::model::Uid;

/// Keys in the order the DHIS2 dataStore (PostgreSQL `jsonb`) gives them back: shorter first,
/// then byte order. Serialising in that order makes our text match what DHIS2 returns for a
/// mapping MDSync wrote.
pub(crate) fn jsonb_order(a: &str, b: &str) -> Ordering {
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

/// A field value of any of the kinds a dictionary holds, to serialise them in one map.
enum Field<'a> {
    Text(&'a str),
    Flag(bool),
    Number(u64),
    Dictionary(&'a MappingDictionary),
    Overlaps(&'a BTreeMap<Uid, Overlap>),
    Raw(&'a Value),
}

impl Serialize for Field<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Field::Text(text) => serializer.serialize_str(text),
            Field::Flag(flag) => serializer.serialize_bool(*flag),
            Field::Number(number) => serializer.serialize_u64(*number),
            Field::Dictionary(dictionary) => dictionary.serialize(serializer),
            Field::Overlaps(overlaps) => {
                let mut entries: Vec<(&str, &Overlap)> = overlaps
                    .iter()
                    .map(|(target, overlap)| (target.as_str(), overlap))
                    .collect();
                entries.sort_by(|a, b| jsonb_order(a.0, b.0));
                let mut map = serializer.serialize_map(Some(entries.len()))?;
                for (key, overlap) in entries {
                    map.serialize_entry(key, overlap)?;
                }
                map.end()
            }
            Field::Raw(value) => value.serialize(serializer),
        }
    }
}

fn serialize_fields<S: Serializer>(
    serializer: S,
    mut fields: Vec<(&str, Field<'_>)>,
) -> Result<S::Ok, S::Error> {
    fields.sort_by(|a, b| jsonb_order(a.0, b.0));
    let mut map = serializer.serialize_map(Some(fields.len()))?;
    for (key, value) in &fields {
        map.serialize_entry(key, value)?;
    }
    map.end()
}

impl Serialize for Overlap {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut fields = vec![
            ("type", Field::Text(&self.kind)),
            ("replacer", Field::Text(&self.replacer)),
        ];
        fields.extend(self.extra.iter().map(|(k, v)| (k.as_str(), Field::Raw(v))));
        serialize_fields(serializer, fields)
    }
}

impl Serialize for MetadataMapping {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut fields: Vec<(&str, Field<'_>)> = Vec::new();
        let texts = [
            ("mappedId", self.mapped_id.as_ref().map(MappedId::as_str)),
            ("mappedName", self.mapped_name.as_deref()),
            ("mappedCode", self.mapped_code.as_deref()),
            ("mappedValue", self.mapped_value.as_deref()),
            ("code", self.code.as_deref()),
        ];
        for (key, text) in texts {
            if let Some(text) = text {
                fields.push((key, Field::Text(text)));
            }
        }
        if let Some(level) = self.mapped_level {
            fields.push(("mappedLevel", Field::Number(level)));
        }
        if let Some(nested) = &self.mapping {
            fields.push(("mapping", Field::Dictionary(nested)));
        }
        if let Some(conflicts) = self.conflicts {
            fields.push(("conflicts", Field::Flag(conflicts)));
        }
        if let Some(global) = self.global {
            fields.push(("global", Field::Flag(global)));
        }
        if let Some(overlaps) = &self.overlaps {
            fields.push(("overlaps", Field::Overlaps(overlaps)));
        }
        fields.extend(self.extra.iter().map(|(k, v)| (k.as_str(), Field::Raw(v))));
        serialize_fields(serializer, fields)
    }
}

/// The entries of one type, keys in `jsonb` order.
struct TypeEntries<'a>(&'a BTreeMap<MappingKey, MetadataMapping>);

impl Serialize for TypeEntries<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut entries: Vec<(&MappingKey, &MetadataMapping)> = self.0.iter().collect();
        entries.sort_by(|a, b| jsonb_order(a.0.as_str(), b.0.as_str()));
        let mut map = serializer.serialize_map(Some(entries.len()))?;
        for (key, entry) in entries {
            map.serialize_entry(key.as_str(), entry)?;
        }
        map.end()
    }
}

impl Serialize for MappingDictionary {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        enum Part<'a> {
            Known(TypeEntries<'a>),
            Unknown(&'a Value),
        }
        impl Serialize for Part<'_> {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    Part::Known(entries) => entries.serialize(serializer),
                    Part::Unknown(value) => value.serialize(serializer),
                }
            }
        }
        let mut parts: Vec<(&str, Part<'_>)> = self
            .types
            .iter()
            .map(|(name, entries)| (name.as_str(), Part::Known(TypeEntries(entries))))
            .chain(
                self.unknown
                    .iter()
                    .map(|(name, value)| (name.as_str(), Part::Unknown(value))),
            )
            .collect();
        parts.sort_by(|a, b| jsonb_order(a.0, b.0));
        let mut map = serializer.serialize_map(Some(parts.len()))?;
        for (name, part) in &parts {
            map.serialize_entry(name, part)?;
        }
        map.end()
    }
}
