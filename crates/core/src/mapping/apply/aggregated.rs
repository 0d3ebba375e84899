//! Aggregated data values (MDSync's `AggregatedPayloadMapper`).

use std::borrow::Cow;

use super::combos::ComboOutcome;
use super::report::{Applied, ApplyReport, Exclusion, ItemKind};
use super::{replace, write_org_unit, DataValue, DataValueSet, IdOutcome, Mapper};
use std::collections::hash_map::Entry;
use std::hash::{Hash, Hasher};

use crate::mapping::hash::{FxHasher, FxMap};
use crate::mapping::index::{map_option_value, Level, OptionOutcome};

/// Per (data element entry, attribute?) the combos already resolved: a payload repeats the same
/// few combos a million times.
struct ComboCache<'m> {
    by_entry: Vec<FxMap<String, ComboOutcome<'m>>>,
}

impl<'m> ComboCache<'m> {
    fn new(entries: usize) -> Self {
        ComboCache {
            by_entry: (0..(entries + 1) * 2).map(|_| FxMap::default()).collect(),
        }
    }

    fn get(
        &mut self,
        mapper: &Mapper<'m>,
        slot: usize,
        combo: &str,
        inner: &Level<'m>,
        attribute: bool,
    ) -> ComboOutcome<'m> {
        let cache = &mut self.by_entry[slot * 2 + usize::from(attribute)];
        if let Some(outcome) = cache.get(combo) {
            return *outcome;
        }
        let outcome = mapper.combos.map(combo, inner, mapper.global(), attribute);
        cache.insert(combo.to_string(), outcome);
        outcome
    }
}

impl<'m> Mapper<'m> {
    /// Maps a data value set: data element, category option combo, attribute option combo, org
    /// unit, option values (and comments) of every value. Indicators and program indicators
    /// (analytics data values) are mapped to data elements through `aggregatedDataElements`;
    /// a combo in MDSync's compound `dataElement.optionCombo` form is unpacked first.
    ///
    /// As MDSync: excluded (`DISABLED`) data elements, org units, combos and option values drop
    /// the value; an option combo left at one of the origin's defaults is removed (the
    /// destination uses its own); of two values for the same destination item the first is kept.
    ///
    /// Better than MDSync:
    /// * duplicates are told apart by attribute option combo too (MDSync drops values that
    ///   differ only by it);
    /// * a `program.dataElement` value reads the nested mapping (combos, options) of its
    ///   `program-dataElement` entry (MDSync looks it up under the dotted id and finds none);
    /// * a value is dropped when a *mapping* excluded it, not when its text is "DISABLED";
    /// * a value that has none stays without one (MDSync writes `""`), and only option combos
    ///   are compared with the default ids (MDSync removes any field equal to one).
    pub fn data_values(&self, set: DataValueSet) -> Applied<DataValueSet> {
        let DataValueSet { data_values, extra } = set;
        let mut report = ApplyReport {
            read: data_values.len(),
            ..ApplyReport::default()
        };
        let mut cache = ComboCache::new(self.aggregated.len());
        let empty = Level::empty();
        // Mapped in place; excluded values are removed afterwards in one pass (no moves when
        // none is).
        let mut data_values = data_values;
        let mut keep = vec![true; data_values.len()];
        for (value, kept) in data_values.iter_mut().zip(keep.iter_mut()) {
            if let Err(why) = self.data_value(value, &mut cache, &empty) {
                report.exclude(ItemKind::DataValue, why);
                *kept = false;
            }
        }
        mark_duplicates(&data_values, &mut keep, &mut report);
        if keep.iter().any(|kept| !kept) {
            let mut flags = keep.into_iter();
            data_values.retain(|_| flags.next().unwrap_or(true));
        }
        report.written = data_values.len();
        Applied {
            payload: DataValueSet { data_values, extra },
            report,
        }
    }

    fn data_value(
        &self,
        value: &mut DataValue,
        cache: &mut ComboCache<'m>,
        empty: &Level<'m>,
    ) -> Result<(), Exclusion> {
        let key: Cow<str> = if value.data_element.contains('.') {
            Cow::Owned(value.data_element.replacen('.', "-", 1))
        } else {
            Cow::Borrowed(&value.data_element)
        };
        let found = self.aggregated.get(key.as_ref());
        let (slot, inner) = match found {
            Some((index, entry)) => (*index, &entry.inner),
            None => (self.aggregated.len(), empty),
        };
        let data_element = IdOutcome::of(found.and_then(|(_, entry)| entry.mapped()));
        drop(key);

        for attribute in [false, true] {
            let field = if attribute {
                &mut value.attribute_option_combo
            } else {
                &mut value.category_option_combo
            };
            let Some(combo) = field.as_mut() else {
                continue;
            };
            if let Some(dot) = combo.rfind('.') {
                combo.drain(..=dot);
            }
            match cache.get(self, slot, combo, inner, attribute) {
                ComboOutcome::Mapped(target) => replace(combo, target),
                ComboOutcome::Disabled if attribute => return Err(Exclusion::AttributeOptionCombo),
                ComboOutcome::Disabled => return Err(Exclusion::CategoryOptionCombo),
                ComboOutcome::Unchanged => {}
            }
            if self.defaults.contains(combo.as_str()) {
                *field = None;
            }
        }

        if !write_org_unit(self, &mut value.org_unit) {
            return Err(Exclusion::OrgUnit);
        }
        match data_element {
            IdOutcome::Mapped(target) => replace(&mut value.data_element, target),
            IdOutcome::Disabled => return Err(Exclusion::DataElement),
            IdOutcome::Unchanged => {}
        }
        let levels = [inner, self.global()];
        if let Some(text) = value.value.as_mut() {
            match map_option_value(text, levels) {
                Some(OptionOutcome::Value(mapped)) => replace(text, mapped),
                Some(OptionOutcome::Disabled) => return Err(Exclusion::OptionValue),
                None => {}
            }
        }
        // Comments are mapped through the options too (data elements may have a comment
        // option set), as MDSync does; an excluded comment option removes the comment only.
        if let Some(text) = value.comment.as_mut() {
            match map_option_value(text, levels) {
                Some(OptionOutcome::Value(mapped)) => replace(text, mapped),
                Some(OptionOutcome::Disabled) => value.comment = None,
                None => {}
            }
        }
        if value.comment.as_deref() == Some("") {
            value.comment = None;
        }
        Ok(())
    }
}

/// Marks all but the first value of each (org unit, period, data element, category option
/// combo, attribute option combo) as not kept. Values are compared by a 64-bit hash of that
/// key, and equal hashes by the key itself.
fn mark_duplicates(values: &[DataValue], keep: &mut [bool], report: &mut ApplyReport) {
    let key = |value: &DataValue| {
        (
            value.org_unit.as_str(),
            value.period.as_str(),
            value.data_element.as_str(),
            value.category_option_combo.as_deref(),
            value.attribute_option_combo.as_deref(),
        )
    };
    let mut first_by_hash: FxMap<u64, u32> = FxMap::default();
    first_by_hash.reserve(values.len());
    // Values whose hash an earlier, different key has (practically never): compared exactly.
    let mut exact: FxMap<(&str, &str, &str, Option<&str>, Option<&str>), ()> = FxMap::default();
    for (index, value) in values.iter().enumerate() {
        if !keep[index] {
            continue;
        }
        let mut hasher = FxHasher::default();
        key(value).hash(&mut hasher);
        match first_by_hash.entry(hasher.finish()) {
            Entry::Vacant(slot) => {
                slot.insert(index as u32);
            }
            Entry::Occupied(first) => {
                let first = &values[*first.get() as usize];
                let duplicate = if key(first) == key(value) {
                    true
                } else {
                    exact.insert(key(first), ());
                    exact.insert(key(value), ()).is_some()
                };
                if duplicate {
                    keep[index] = false;
                    report.duplicates += 1;
                }
            }
        }
    }
}
