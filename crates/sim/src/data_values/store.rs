//! Compact storage of data values: UIDs and periods interned as `u32`, values ordered by
//! (dataElement, period, orgUnit, categoryOptionCombo, attributeOptionCombo) so that a query
//! for some data elements and periods is a handful of range scans.

use super::dates::{parse_period, Millis, Period};
use std::collections::{BTreeMap, HashMap};
use std::ops::RangeInclusive;

/// Strings mapped to dense `u32` handles and back.
#[derive(Debug, Default)]
pub struct Interner {
    names: Vec<Box<str>>,
    handles: HashMap<Box<str>, u32>,
}

impl Interner {
    pub fn intern(&mut self, name: &str) -> u32 {
        if let Some(handle) = self.handles.get(name) {
            return *handle;
        }
        let handle = self.names.len() as u32;
        self.names.push(name.into());
        self.handles.insert(name.into(), handle);
        handle
    }

    pub fn lookup(&self, name: &str) -> Option<u32> {
        self.handles.get(name).copied()
    }

    pub fn name(&self, handle: u32) -> &str {
        self.names
            .get(handle as usize)
            .map(|name| &**name)
            .unwrap_or("")
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}

/// Identity of a data value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ValueKey {
    pub data_element: u32,
    pub period: u32,
    pub org_unit: u32,
    pub category_option_combo: u32,
    pub attribute_option_combo: u32,
}

impl ValueKey {
    /// Every key of one data element and period.
    pub fn range(data_element: u32, period: u32) -> RangeInclusive<ValueKey> {
        let low = ValueKey {
            data_element,
            period,
            org_unit: 0,
            category_option_combo: 0,
            attribute_option_combo: 0,
        };
        let high = ValueKey {
            org_unit: u32::MAX,
            category_option_combo: u32::MAX,
            attribute_option_combo: u32::MAX,
            ..low
        };
        low..=high
    }
}

/// What is stored for one data value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredValue {
    pub value: Option<Box<str>>,
    pub comment: Option<Box<str>>,
    /// Interned user name.
    pub stored_by: u32,
    pub created: Millis,
    pub last_updated: Millis,
    pub follow_up: bool,
    pub deleted: bool,
}

/// All data values of an instance, plus data set completions.
#[derive(Debug, Default)]
pub struct ValueTable {
    /// UIDs of data elements, org units and option combos share one interner.
    pub uids: Interner,
    pub periods: Interner,
    /// Parsed periods, parallel to `periods`.
    pub period_ranges: Vec<Period>,
    pub users: Interner,
    pub values: BTreeMap<ValueKey, StoredValue>,
    /// (dataSet, period, orgUnit, attributeOptionCombo) → completion date.
    pub completions: HashMap<(u32, u32, u32, u32), Millis>,
    live: usize,
}

impl ValueTable {
    /// Interns a period; `None` when it is not a valid ISO period.
    pub fn intern_period(&mut self, iso: &str) -> Option<u32> {
        if let Some(handle) = self.periods.lookup(iso) {
            return Some(handle);
        }
        let parsed = parse_period(iso)?;
        let handle = self.periods.intern(iso);
        self.period_ranges.push(parsed);
        Some(handle)
    }

    pub fn period(&self, handle: u32) -> Option<&Period> {
        self.period_ranges.get(handle as usize)
    }

    /// Number of values that are not soft-deleted.
    pub fn live_len(&self) -> usize {
        self.live
    }

    pub fn get(&self, key: &ValueKey) -> Option<&StoredValue> {
        self.values.get(key)
    }

    /// Inserts or replaces a value, keeping the live count right.
    pub fn put(&mut self, key: ValueKey, stored: StoredValue) {
        let now_live = !stored.deleted;
        let was_live = self
            .values
            .insert(key, stored)
            .is_some_and(|previous| !previous.deleted);
        match (was_live, now_live) {
            (false, true) => self.live += 1,
            (true, false) => self.live -= 1,
            _ => {}
        }
    }

    /// Adds many values at once (seeds): an empty table is bulk-built, which is much faster
    /// than one insertion at a time.
    pub fn extend(&mut self, values: Vec<(ValueKey, StoredValue)>) {
        if self.values.is_empty() {
            self.values = values.into_iter().collect();
            self.live = self.values.values().filter(|v| !v.deleted).count();
        } else {
            for (key, stored) in values {
                self.put(key, stored);
            }
        }
    }

    /// Marks a value deleted (DHIS2 soft-deletes data values).
    pub fn soft_delete(&mut self, key: &ValueKey, when: Millis) -> bool {
        match self.values.get_mut(key) {
            Some(stored) if !stored.deleted => {
                stored.deleted = true;
                stored.last_updated = when;
                self.live -= 1;
                true
            }
            _ => false,
        }
    }

    /// Values of one data element and period, in key order.
    pub fn scan(
        &self,
        data_element: u32,
        period: u32,
    ) -> impl Iterator<Item = (&ValueKey, &StoredValue)> {
        self.values.range(ValueKey::range(data_element, period))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored(value: &str) -> StoredValue {
        StoredValue {
            value: Some(value.into()),
            comment: None,
            stored_by: 0,
            created: 0,
            last_updated: 0,
            follow_up: false,
            deleted: false,
        }
    }

    #[test]
    fn put_scan_and_soft_delete_keep_counts() {
        let mut table = ValueTable::default();
        let de = table.uids.intern("deUid000001");
        let ou = table.uids.intern("ouUid000001");
        let coc = table.uids.intern("HllvX50cXC0");
        let jan = table.intern_period("202401").unwrap();
        let feb = table.intern_period("202402").unwrap();
        assert!(table.intern_period("2024-01").is_none());
        for period in [jan, feb] {
            let key = ValueKey {
                data_element: de,
                period,
                org_unit: ou,
                category_option_combo: coc,
                attribute_option_combo: coc,
            };
            table.put(key, stored("1"));
            table.put(key, stored("2"));
        }
        assert_eq!(table.live_len(), 2);
        let january: Vec<_> = table.scan(de, jan).collect();
        assert_eq!(january.len(), 1);
        let key = *january[0].0;
        assert!(table.soft_delete(&key, 5));
        assert!(!table.soft_delete(&key, 6));
        assert_eq!(table.live_len(), 1);
        assert_eq!(table.values.len(), 2);
    }
}
