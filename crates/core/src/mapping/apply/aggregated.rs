//! Aggregated data values (MDSync's `AggregatedPayloadMapper`).

use std::borrow::Cow;

use super::combos::ComboOutcome;
use super::report::{Applied, ApplyReport, Exclusion, ItemKind};
use super::{DataValue, DataValueSet, IdOutcome, Mapper, SharedStr};
use std::hash::{Hash, Hasher};

use crate::mapping::hash::{FxHasher, FxMap};
use crate::mapping::index::{map_option_value, Level, OptionOutcome};
use crate::mapping::model::last_segment;

/// The mapping's targets as shared texts, each made once per payload (a million values are
/// mapped to the same few ids).
#[derive(Default)]
struct Targets<'m> {
    known: FxMap<&'m str, SharedStr>,
}

impl<'m> Targets<'m> {
    /// Makes `slot` read `text` (unless it does already).
    fn set(&mut self, slot: &mut SharedStr, text: &'m str) {
        if slot.as_str() != text {
            *slot = self
                .known
                .entry(text)
                .or_insert_with(|| SharedStr::from(text))
                .clone();
        }
    }
}

/// What a data value's option combo becomes, defaults included.
#[derive(Debug, Clone, Copy)]
enum ComboField<'m> {
    Set(&'m str),
    Keep,
    /// One of the origin's defaults: left out, the destination uses its own.
    Remove,
    Disabled,
}

/// Per (data element entry, attribute?) the combos already resolved: a payload repeats the same
/// few combos a million times.
struct ComboCache<'m> {
    by_entry: Vec<FxMap<String, ComboField<'m>>>,
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
    ) -> ComboField<'m> {
        let cache = &mut self.by_entry[slot * 2 + usize::from(attribute)];
        if let Some(field) = cache.get(combo) {
            return *field;
        }
        let field = match mapper.combos.map(combo, inner, mapper.global(), attribute) {
            ComboOutcome::Mapped(target) if mapper.defaults.contains(target) => ComboField::Remove,
            ComboOutcome::Mapped(target) => ComboField::Set(target),
            ComboOutcome::Unchanged if mapper.defaults.contains(combo) => ComboField::Remove,
            ComboOutcome::Unchanged => ComboField::Keep,
            ComboOutcome::Disabled => ComboField::Disabled,
        };
        cache.insert(combo.to_string(), field);
        field
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
        let mut targets = Targets::default();
        let empty = Level::empty();
        // Mapped in place; excluded values are removed afterwards in one pass (no moves when
        // none is).
        let mut data_values = data_values;
        let mut keep = vec![true; data_values.len()];
        // The duplicate key's hash is taken while the value is in cache.
        let mut hashes: Vec<(u64, u32)> = Vec::with_capacity(data_values.len());
        for (index, (value, kept)) in data_values.iter_mut().zip(keep.iter_mut()).enumerate() {
            match self.data_value(value, &mut cache, &mut targets, &empty) {
                Ok(()) => hashes.push((key_hash(value), index as u32)),
                Err(why) => {
                    report.exclude(ItemKind::DataValue, why);
                    *kept = false;
                }
            }
        }
        mark_duplicates(&data_values, hashes, &mut keep, &mut report);
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
        targets: &mut Targets<'m>,
        empty: &Level<'m>,
    ) -> Result<(), Exclusion> {
        // Ids are 11 characters; only longer ones can be `program.dataElement`.
        let key: Cow<str> = if value.data_element.len() > 11 && value.data_element.contains('.') {
            Cow::Owned(value.data_element.replacen('.', "-", 1))
        } else {
            Cow::Borrowed(value.data_element.as_str())
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
            if combo.len() > 11 {
                if let Some(dot) = combo.rfind('.') {
                    *combo = SharedStr::from(&combo[dot + 1..]);
                }
            }
            match cache.get(self, slot, combo, inner, attribute) {
                ComboField::Set(target) => targets.set(combo, target),
                ComboField::Keep => {}
                ComboField::Remove => *field = None,
                ComboField::Disabled if attribute => return Err(Exclusion::AttributeOptionCombo),
                ComboField::Disabled => return Err(Exclusion::CategoryOptionCombo),
            }
        }

        match self.org_unit(&value.org_unit) {
            IdOutcome::Mapped(target) => targets.set(&mut value.org_unit, target),
            IdOutcome::Disabled => return Err(Exclusion::OrgUnit),
            // An unmapped path is written as its last unit too, as MDSync does.
            IdOutcome::Unchanged if value.org_unit.contains('/') => {
                value.org_unit = SharedStr::from(last_segment(&value.org_unit));
            }
            IdOutcome::Unchanged => {}
        }
        match data_element {
            IdOutcome::Mapped(target) => targets.set(&mut value.data_element, target),
            IdOutcome::Disabled => return Err(Exclusion::DataElement),
            IdOutcome::Unchanged => {}
        }
        let levels = [inner, self.global()];
        if let Some(text) = value.value.as_mut() {
            match map_option_value(text, levels) {
                Some(OptionOutcome::Value(mapped)) => targets.set(text, mapped),
                Some(OptionOutcome::Disabled) => return Err(Exclusion::OptionValue),
                None => {}
            }
        }
        // Comments are mapped through the options too (data elements may have a comment
        // option set), as MDSync does; an excluded comment option removes the comment only.
        if let Some(text) = value.comment.as_mut() {
            match map_option_value(text, levels) {
                Some(OptionOutcome::Value(mapped)) => targets.set(text, mapped),
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

/// The key two values must not share: (org unit, period, data element, category option combo,
/// attribute option combo).
fn key(value: &DataValue) -> (&str, &str, &str, Option<&str>, Option<&str>) {
    (
        value.org_unit.as_str(),
        value.period.as_str(),
        value.data_element.as_str(),
        value.category_option_combo.as_deref(),
        value.attribute_option_combo.as_deref(),
    )
}

fn key_hash(value: &DataValue) -> u64 {
    let mut hasher = FxHasher::default();
    key(value).hash(&mut hasher);
    hasher.finish()
}

/// Marks all but the first value of each key as not kept. The keys' 64-bit hashes are sorted
/// (sequential memory: far cheaper than a million-entry hash set), and equal hashes compared by
/// key.
fn mark_duplicates(
    values: &[DataValue],
    hashes: Vec<(u64, u32)>,
    keep: &mut [bool],
    report: &mut ApplyReport,
) {
    let hashes = sort_by_hash(hashes);
    for run in hashes.chunk_by(|a, b| a.0 == b.0) {
        if run.len() < 2 {
            continue;
        }
        // Same hash: the earliest value of each distinct key is kept.
        for (position, &(_, index)) in run.iter().enumerate() {
            let value = &values[index as usize];
            let earlier = run[..position].iter().any(|&(_, other)| {
                keep[other as usize] && key(&values[other as usize]) == key(value)
            });
            if earlier {
                keep[index as usize] = false;
                report.duplicates += 1;
            }
        }
    }
}

/// Sorts (hash, index) pairs: first spread into buckets by the hash's top bits (one counting
/// pass, one scattering pass), then each bucket, small enough to stay in cache, on its own.
fn sort_by_hash(pairs: Vec<(u64, u32)>) -> Vec<(u64, u32)> {
    const BITS: u32 = 10;
    if pairs.len() < 4096 {
        let mut pairs = pairs;
        pairs.sort_unstable();
        return pairs;
    }
    let bucket = |hash: u64| (hash >> (64 - BITS)) as usize;
    let mut starts = vec![0usize; (1 << BITS) + 1];
    for &(hash, _) in &pairs {
        starts[bucket(hash) + 1] += 1;
    }
    for index in 1..starts.len() {
        starts[index] += starts[index - 1];
    }
    let mut next = starts.clone();
    let mut sorted = vec![(0u64, 0u32); pairs.len()];
    for pair in pairs {
        let slot = &mut next[bucket(pair.0)];
        sorted[*slot] = pair;
        *slot += 1;
    }
    for window in starts.windows(2) {
        sorted[window[0]..window[1]].sort_unstable();
    }
    sorted
}
