//! The metadata relations the data value checks need — a data element's data sets, a category
//! combo's option combos, an org unit's ancestors — looked up once per import.

use super::super::dates::{parse_timestamp, PeriodType};
use super::super::meta::{data_set_elements, referenced_ids, uid_of};
use crate::metadata::MetadataStore;
use serde_json::Value;
use std::collections::{HashMap, HashSet};

const DEFAULT_COMBO: &str = "bjDvmb4bfuf";

/// Day number (days since 1970-01-01) of a metadata date such as a category option's
/// `startDate`.
pub fn day_of(value: Option<&Value>) -> Option<i64> {
    let millis = parse_timestamp(value?.as_str()?)?;
    Some(millis.div_euclid(86_400_000))
}

/// A data set's `periodType` (`Monthly`…).
pub fn period_type_of(data_set: &Value) -> Option<PeriodType> {
    let name = data_set.get("periodType").and_then(|p| match p {
        Value::String(name) => Some(name.as_str()),
        other => other.get("name").and_then(Value::as_str),
    })?;
    PeriodType::from_name(name)
}

/// An integer field of a data set (`expiryDays`, `openPeriodsAfterCoEndDate`), 0 when absent.
pub fn int_field(object: &Value, key: &str) -> i64 {
    object.get(key).and_then(Value::as_i64).unwrap_or(0)
}

/// Cached relations of one import.
pub struct Model<'m> {
    pub metadata: &'m MetadataStore,
    element_sets: Option<HashMap<String, Vec<&'m Value>>>,
    combo_option_combos: HashMap<String, HashSet<String>>,
    ancestors: HashMap<String, Vec<String>>,
}

impl<'m> Model<'m> {
    pub fn new(metadata: &'m MetadataStore) -> Self {
        Model {
            metadata,
            element_sets: None,
            combo_option_combos: HashMap::new(),
            ancestors: HashMap::new(),
        }
    }

    /// The data sets holding `element` (`DataElement.getDataSets()`), sorted by UID.
    pub fn data_sets_of(&mut self, element: &str) -> Vec<&'m Value> {
        let metadata = self.metadata;
        let index = self.element_sets.get_or_insert_with(|| {
            let mut index: HashMap<String, Vec<&'m Value>> = HashMap::new();
            for data_set in metadata.list("dataSets") {
                for member in data_set_elements(data_set) {
                    index.entry(member).or_default().push(data_set);
                }
            }
            index
        });
        index.get(element).cloned().unwrap_or_default()
    }

    /// The category combo of a data element or data set (the default combo when none).
    pub fn combo_of(object: &Value) -> String {
        object
            .get("categoryCombo")
            .and_then(uid_of)
            .unwrap_or_else(|| DEFAULT_COMBO.to_string())
    }

    /// The option combos of a category combo (`CategoryCombo.getOptionCombos()`).
    pub fn option_combos_of(&mut self, combo: &str) -> &HashSet<String> {
        let metadata = self.metadata;
        self.combo_option_combos
            .entry(combo.to_string())
            .or_insert_with(|| {
                let mut ids: HashSet<String> = metadata
                    .list("categoryOptionCombos")
                    .into_iter()
                    .filter(|coc| {
                        coc.get("categoryCombo").and_then(uid_of).as_deref() == Some(combo)
                    })
                    .filter_map(uid_of)
                    .collect();
                if let Some(stored) = metadata.get("categoryCombos", combo) {
                    ids.extend(referenced_ids(stored, "categoryOptionCombos", None));
                }
                ids
            })
    }

    /// The category options of an option combo.
    pub fn options_of(&self, option_combo: &str) -> Vec<(String, Option<&'m Value>)> {
        let metadata = self.metadata;
        metadata
            .get("categoryOptionCombos", option_combo)
            .map(|coc| referenced_ids(coc, "categoryOptions", None))
            .unwrap_or_default()
            .into_iter()
            .map(|id| {
                let stored = metadata.get("categoryOptions", &id);
                (id, stored)
            })
            .collect()
    }

    /// `unit` and its ancestors, nearest first.
    pub fn ancestors(&mut self, unit: &str) -> Vec<String> {
        let metadata = self.metadata;
        self.ancestors
            .entry(unit.to_string())
            .or_insert_with(|| {
                let mut chain = vec![unit.to_string()];
                while let Some(parent) = chain
                    .last()
                    .and_then(|last| metadata.get("organisationUnits", last))
                    .and_then(|stored| stored.get("parent"))
                    .and_then(uid_of)
                {
                    if chain.contains(&parent) {
                        break;
                    }
                    chain.push(parent);
                }
                chain
            })
            .clone()
    }
}

/// The `id` of an object, empty when it has none.
pub fn uid(object: &Value) -> String {
    uid_of(object).unwrap_or_default()
}
