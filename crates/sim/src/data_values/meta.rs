//! Looks metadata up the way the data value endpoints need it: by id scheme, with caches that
//! live for one request, and the org unit hierarchy.

use crate::metadata::MetadataStore;
use serde_json::Value;
use std::collections::{HashMap, HashSet};

/// The UID of the `default` category option combo in every DHIS2 demo database; used when the
/// metadata store holds no `default` combo of its own.
pub const DEFAULT_COMBO_UID: &str = "HllvX50cXC0";

/// How objects are identified in a request or response (`idScheme` and friends).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdScheme {
    Uid,
    Code,
    Name,
    /// `ATTRIBUTE:<uid>`: the value of that attribute.
    Attribute(String),
}

impl IdScheme {
    /// Parses `UID|CODE|NAME|ATTRIBUTE:<uid>` (any case); unknown text → `None`.
    pub fn parse(text: &str) -> Option<IdScheme> {
        let text = text.trim();
        let upper = text.to_ascii_uppercase();
        match upper.as_str() {
            "UID" | "ID" => Some(IdScheme::Uid),
            "CODE" => Some(IdScheme::Code),
            "NAME" => Some(IdScheme::Name),
            _ => upper
                .strip_prefix("ATTRIBUTE:")
                .map(|_| IdScheme::Attribute(text[10..].to_string())),
        }
    }

    pub fn label(&self) -> String {
        match self {
            IdScheme::Uid => "UID".into(),
            IdScheme::Code => "CODE".into(),
            IdScheme::Name => "NAME".into(),
            IdScheme::Attribute(uid) => format!("ATTRIBUTE:{uid}"),
        }
    }

    /// The identifier of `object` under this scheme.
    pub fn identifier_of(&self, object: &Value) -> Option<String> {
        let text = |key: &str| object.get(key).and_then(Value::as_str).map(str::to_string);
        match self {
            IdScheme::Uid => text("id"),
            IdScheme::Code => text("code"),
            IdScheme::Name => text("name"),
            IdScheme::Attribute(uid) => object
                .get("attributeValues")
                .and_then(Value::as_array)?
                .iter()
                .find(|entry| entry.pointer("/attribute/id").and_then(Value::as_str) == Some(uid))
                .and_then(|entry| entry.get("value").and_then(Value::as_str))
                .map(str::to_string),
        }
    }
}

/// Id schemes of one request: a general one and specific ones that override it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IdSchemes {
    pub general: Option<IdScheme>,
    pub data_element: Option<IdScheme>,
    pub org_unit: Option<IdScheme>,
    pub category_option_combo: Option<IdScheme>,
    pub attribute_option_combo: Option<IdScheme>,
    pub data_set: Option<IdScheme>,
}

impl IdSchemes {
    /// Reads `<prefix>idScheme`, `<prefix>dataElementIdScheme`… through `lookup`.
    pub fn read(lookup: impl Fn(&str) -> Option<String>) -> IdSchemes {
        let scheme = |key: &str| lookup(key).and_then(|text| IdScheme::parse(&text));
        IdSchemes {
            general: scheme("idScheme"),
            data_element: scheme("dataElementIdScheme"),
            org_unit: scheme("orgUnitIdScheme"),
            category_option_combo: scheme("categoryOptionComboIdScheme"),
            attribute_option_combo: scheme("attributeOptionComboIdScheme"),
            data_set: scheme("dataSetIdScheme"),
        }
    }

    /// `self` where set, else `fallback` (payload schemes override URL schemes).
    pub fn or(self, fallback: &IdSchemes) -> IdSchemes {
        IdSchemes {
            general: self.general.or_else(|| fallback.general.clone()),
            data_element: self.data_element.or_else(|| fallback.data_element.clone()),
            org_unit: self.org_unit.or_else(|| fallback.org_unit.clone()),
            category_option_combo: self
                .category_option_combo
                .or_else(|| fallback.category_option_combo.clone()),
            attribute_option_combo: self
                .attribute_option_combo
                .or_else(|| fallback.attribute_option_combo.clone()),
            data_set: self.data_set.or_else(|| fallback.data_set.clone()),
        }
    }

    pub fn for_plural(&self, plural: &str) -> IdScheme {
        let specific = match plural {
            "dataElements" => &self.data_element,
            "organisationUnits" => &self.org_unit,
            "categoryOptionCombos" => &self.category_option_combo,
            "dataSets" => &self.data_set,
            _ => &None,
        };
        specific
            .clone()
            .or_else(|| self.general.clone())
            .unwrap_or(IdScheme::Uid)
    }

    pub fn attribute_combo(&self) -> IdScheme {
        self.attribute_option_combo
            .clone()
            .or_else(|| self.general.clone())
            .unwrap_or(IdScheme::Uid)
    }

    /// `importOptions.idSchemes` as DHIS2 serialises it (only the schemes that were set).
    pub fn to_json(&self) -> Value {
        let mut out = serde_json::Map::new();
        let entries = [
            ("idScheme", &self.general),
            ("dataElementIdScheme", &self.data_element),
            ("orgUnitIdScheme", &self.org_unit),
            ("categoryOptionComboIdScheme", &self.category_option_combo),
            ("attributeOptionComboIdScheme", &self.attribute_option_combo),
            ("dataSetIdScheme", &self.data_set),
        ];
        for (key, scheme) in entries {
            if let Some(scheme) = scheme {
                out.insert(key.into(), serde_json::json!({ "type": scheme.label() }));
            }
        }
        Value::Object(out)
    }
}

/// Per-request metadata lookups with caches.
pub struct Lookup<'m> {
    pub metadata: &'m MetadataStore,
    by_key: HashMap<(&'static str, String), HashMap<String, &'m Value>>,
}

impl<'m> Lookup<'m> {
    pub fn new(metadata: &'m MetadataStore) -> Self {
        Lookup {
            metadata,
            by_key: HashMap::new(),
        }
    }

    /// The object of `plural` identified by `key` under `scheme`.
    pub fn find(
        &mut self,
        plural: &'static str,
        scheme: &IdScheme,
        key: &str,
    ) -> Option<&'m Value> {
        let metadata = self.metadata;
        match scheme {
            IdScheme::Uid => metadata.get(plural, key),
            _ => {
                let index = self
                    .by_key
                    .entry((plural, scheme.label()))
                    .or_insert_with(|| {
                        metadata
                            .list(plural)
                            .into_iter()
                            .filter_map(|object| Some((scheme.identifier_of(object)?, object)))
                            .collect()
                    });
                index.get(key).copied()
            }
        }
    }

    /// The UID of the `default` category option combo.
    pub fn default_combo_uid(&mut self) -> String {
        self.find("categoryOptionCombos", &IdScheme::Name, "default")
            .and_then(|combo| combo.get("id").and_then(Value::as_str))
            .unwrap_or(DEFAULT_COMBO_UID)
            .to_string()
    }

    /// A category option combo by scheme; the built-in default combo always exists.
    pub fn find_combo(&mut self, scheme: &IdScheme, key: &str) -> Option<String> {
        if let Some(combo) = self.find("categoryOptionCombos", scheme, key) {
            return uid_of(combo);
        }
        let default_keys = [DEFAULT_COMBO_UID, "default"];
        default_keys
            .contains(&key)
            .then(|| self.default_combo_uid())
    }
}

pub fn uid_of(object: &Value) -> Option<String> {
    object.get("id").and_then(Value::as_str).map(str::to_string)
}

/// UIDs listed under `key` as `[{"id": …}]`, or nested one level (`dataSetElements[].dataElement`).
pub fn referenced_ids(object: &Value, key: &str, nested: Option<&str>) -> Vec<String> {
    object
        .get(key)
        .and_then(Value::as_array)
        .map(|entries| {
            entries
                .iter()
                .filter_map(|entry| match nested {
                    Some(inner) => entry.get(inner).and_then(uid_of),
                    None => uid_of(entry),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The data elements of a data set (`dataSetElements`, or the old `dataElements` list).
pub fn data_set_elements(data_set: &Value) -> Vec<String> {
    let mut ids = referenced_ids(data_set, "dataSetElements", Some("dataElement"));
    if ids.is_empty() {
        ids = referenced_ids(data_set, "dataElements", None);
    }
    ids
}

/// Parent links of all org units, to walk the hierarchy.
pub struct Hierarchy {
    children: HashMap<String, Vec<String>>,
    parents: HashMap<String, String>,
}

impl Hierarchy {
    pub fn new(metadata: &MetadataStore) -> Self {
        let mut children: HashMap<String, Vec<String>> = HashMap::new();
        let mut parents = HashMap::new();
        for unit in metadata.list("organisationUnits") {
            let Some(id) = uid_of(unit) else { continue };
            if let Some(parent) = unit.get("parent").and_then(uid_of) {
                children.entry(parent.clone()).or_default().push(id.clone());
                parents.insert(id, parent);
            }
        }
        Hierarchy { children, parents }
    }

    /// `root` and everything below it.
    pub fn with_descendants(&self, root: &str) -> Vec<String> {
        let mut out = vec![root.to_string()];
        let mut seen: HashSet<String> = out.iter().cloned().collect();
        let mut index = 0;
        while index < out.len() {
            if let Some(children) = self.children.get(&out[index]) {
                for child in children {
                    if seen.insert(child.clone()) {
                        out.push(child.clone());
                    }
                }
            }
            index += 1;
        }
        out
    }

    /// The chain from `unit` up to its root, `unit` first.
    pub fn ancestors(&self, unit: &str) -> Vec<String> {
        let mut chain = vec![unit.to_string()];
        while let Some(parent) = chain.last().and_then(|last| self.parents.get(last)) {
            if chain.contains(parent) {
                break;
            }
            chain.push(parent.clone());
        }
        chain
    }
}
