//! Prepare: what the origin knows about the selection (its org units with their levels, the
//! data elements behind data sets and groups, the attribute option combos of the chosen
//! options), checked against the user's hierarchy, and cut into **slices** — data × org unit
//! batch × period window — each one read, mapped and written before the next is read, so that
//! memory stays flat however much data moves.

use std::collections::{BTreeMap, HashMap};

use jiff::civil::Date;
use serde::Deserialize;

use super::period::ResolvedPeriod;
use crate::dhis2::metadata::MAX_URL_BYTES;
use crate::dhis2::Version;

/// Org units per raw read at first (a slice that returns too many values is split further).
pub const RAW_ORG_UNITS_PER_SLICE: usize = 100;

/// What a slice reads.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SliceData {
    DataSet(String),
    Group(String),
    /// Data elements (`dataElement`, read by DHIS2 2.39+).
    Elements(Vec<String>),
    /// Data elements read through the data sets that hold them (before 2.39); values of other
    /// elements are dropped.
    ElementsVia {
        data_sets: Vec<String>,
        keep: Vec<String>,
    },
    /// Aggregation mode: analytics data items and ISO periods.
    Analytics {
        items: Vec<String>,
        periods: Vec<String>,
    },
}

/// One piece of the run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slice {
    pub data: SliceData,
    pub org_units: Vec<String>,
    pub start: Date,
    pub end: Date,
}

impl Slice {
    /// Names the slice in reports ("data set QX4ZTUbOt3a × 12 org units × 2024-01-01…2024-12-31").
    pub fn label(&self) -> String {
        let data = match &self.data {
            SliceData::DataSet(id) => format!("data set {id}"),
            SliceData::Group(id) => format!("data element group {id}"),
            SliceData::Elements(ids) | SliceData::ElementsVia { keep: ids, .. } => {
                format!("{} data element(s)", ids.len())
            }
            SliceData::Analytics { items, periods } => {
                format!("{} data item(s) × {} period(s)", items.len(), periods.len())
            }
        };
        let units = match self.org_units.as_slice() {
            [one] => format!("org unit {one}"),
            many => format!("{} org units from {}", many.len(), many[0]),
        };
        format!("{data} × {units} × {}…{}", self.start, self.end)
    }

    /// A stable key for the run's journal (what reached a destination).
    pub fn key(&self) -> String {
        let data = match &self.data {
            SliceData::DataSet(id) | SliceData::Group(id) => id.clone(),
            SliceData::Elements(ids) | SliceData::ElementsVia { keep: ids, .. } => ids.join("+"),
            SliceData::Analytics { items, periods } => {
                format!("{}@{}", items.join("+"), periods.join("+"))
            }
        };
        format!(
            "slice:{data}:{}:{}:{}:{}",
            self.org_units.first().map_or("", String::as_str),
            self.org_units.len(),
            self.start,
            self.end
        )
    }

    /// Two halves, org units first; then the window, at a year boundary when it spans several
    /// years, else at its middle. `None` when it cannot be split.
    pub fn split(&self) -> Option<(Slice, Slice)> {
        if self.org_units.len() > 1 {
            let (a, b) = self.org_units.split_at(self.org_units.len() / 2);
            let half = |units: &[String]| Slice {
                org_units: units.to_vec(),
                ..self.clone()
            };
            return Some((half(a), half(b)));
        }
        if self.start >= self.end {
            return None;
        }
        let middle = if self.start.year() < self.end.year() {
            let year = self.start.year() + (self.end.year() - self.start.year() + 1) / 2;
            Date::new(year, 1, 1)
                .ok()?
                .checked_sub(jiff::Span::new().days(1))
                .ok()?
        } else {
            let days = self.start.until(self.end).ok()?.get_days() / 2;
            self.start.checked_add(jiff::Span::new().days(days)).ok()?
        };
        let next = middle.checked_add(jiff::Span::new().days(1)).ok()?;
        Some((
            Slice {
                end: middle,
                ..self.clone()
            },
            Slice {
                start: next,
                ..self.clone()
            },
        ))
    }
}

/// An org unit as the run needs it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct OrgUnitInfo {
    pub id: String,
    #[serde(default)]
    pub level: Option<u32>,
    #[serde(default)]
    pub path: Option<String>,
}

/// What the origin said about the selection.
#[derive(Debug, Clone, Default)]
pub struct OriginPlan {
    pub version: Option<Version>,
    /// Every org unit read (descendants included when asked), in order.
    pub org_units: Vec<OrgUnitInfo>,
    pub levels: HashMap<String, u32>,
    /// The data elements the selection covers, with their value types.
    pub data_elements: BTreeMap<String, String>,
    /// Attribute option combos of the chosen category options (`None`: all).
    pub attribute_option_combos: Option<Vec<String>>,
    pub slices: Vec<Slice>,
}

/// Org unit batches that keep a read's URL well below [`MAX_URL_BYTES`].
pub fn org_unit_batches(units: &[OrgUnitInfo], per_slice: usize) -> Vec<Vec<String>> {
    // An id and its comma: 12 bytes; half the URL budget leaves room for everything else.
    let by_url = (MAX_URL_BYTES / 2) / 12;
    units
        .chunks(per_slice.clamp(1, by_url))
        .map(|batch| batch.iter().map(|u| u.id.clone()).collect())
        .collect()
}

/// Raw-mode slices: each data source × org unit batch, over the whole window (split later only
/// when a read returns too many values).
pub fn raw_slices(
    sources: &[SliceData],
    batches: &[Vec<String>],
    period: &ResolvedPeriod,
) -> Vec<Slice> {
    let mut slices = Vec::new();
    for batch in batches {
        for data in sources {
            slices.push(Slice {
                data: data.clone(),
                org_units: batch.clone(),
                start: period.start,
                end: period.end,
            });
        }
    }
    slices
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slice(units: usize, start: Date, end: Date) -> Slice {
        Slice {
            data: SliceData::DataSet("QX4ZTUbOt3a".into()),
            org_units: (0..units).map(|i| format!("Org{i:08}")).collect(),
            start,
            end,
        }
    }

    #[test]
    fn slices_split_org_units_first_then_at_year_boundaries() {
        let whole = slice(5, Date::constant(2020, 1, 1), Date::constant(2024, 12, 31));
        let (a, b) = whole.split().unwrap();
        assert_eq!((a.org_units.len(), b.org_units.len()), (2, 3));
        let one = slice(1, Date::constant(2020, 1, 1), Date::constant(2024, 12, 31));
        let (a, b) = one.split().unwrap();
        assert_eq!(a.end, Date::constant(2021, 12, 31));
        assert_eq!(b.start, Date::constant(2022, 1, 1));
        let year = slice(1, Date::constant(2024, 1, 1), Date::constant(2024, 12, 31));
        let (a, b) = year.split().unwrap();
        assert!(a.end < b.start && a.start == year.start && b.end == year.end);
        assert!(
            slice(1, Date::constant(2024, 1, 1), Date::constant(2024, 1, 1))
                .split()
                .is_none()
        );
        assert_ne!(a.key(), b.key());
        assert!(whole.label().contains("5 org units"));
    }

    #[test]
    fn batches_keep_urls_short() {
        let units: Vec<OrgUnitInfo> = (0..1000)
            .map(|i| OrgUnitInfo {
                id: format!("Org{i:08}"),
                level: Some(4),
                path: None,
            })
            .collect();
        let batches = org_unit_batches(&units, 10_000);
        assert!(batches.iter().all(|b| b.len() * 12 <= MAX_URL_BYTES / 2));
        assert_eq!(batches.iter().map(Vec::len).sum::<usize>(), 1000);
    }
}
