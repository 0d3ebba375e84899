//! Prepare: what the origin knows about the selection (its org units with their levels, the
//! data elements behind data sets and groups, the attribute option combos of the chosen
//! options), checked against the user's hierarchy, and cut into **slices** — data × org unit
//! batch × period window — each one read, mapped and written before the next is read, so that
//! memory stays flat however much data moves.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use jiff::civil::Date;
use serde::Deserialize;
use serde_json::Value;

use super::period::ResolvedPeriod;
use super::selection::{AggregatedSelection, AttributeOptions};
use crate::dhis2::metadata::{fetch_by_ids, MAX_URL_BYTES};
use crate::dhis2::{Dhis2Client, Dhis2Error, Transport, Version};

/// Org units per raw read at first (a slice that returns too many values is split further).
pub const RAW_ORG_UNITS_PER_SLICE: usize = 100;

/// Why a run cannot start reading, said before any value moves.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PrepareError {
    #[error(transparent)]
    Dhis2(#[from] Dhis2Error),
    #[error(
        "The organisation unit(s) {} are outside the hierarchy of your user on {origin}: DHIS2 \
         does not let you read their data. Choose units within your hierarchy, or ask for them \
         to be added to your user's data view units.",
        units.join(", ")
    )]
    OutsideHierarchy { origin: String, units: Vec<String> },
    #[error("{origin} has no {kind} {}. Check the selection.", ids.join(", "))]
    NotAtOrigin {
        origin: String,
        kind: String,
        ids: Vec<String>,
    },
}

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

#[derive(Deserialize)]
struct MeUnits {
    #[serde(default, rename = "organisationUnits")]
    capture: Vec<OrgUnitInfo>,
    #[serde(default, rename = "dataViewOrganisationUnits")]
    view: Vec<OrgUnitInfo>,
}

/// The org units of the selection, descendants included when asked, each with its level.
pub async fn read_org_units<T: Transport>(
    origin: &Dhis2Client<T>,
    origin_name: &str,
    selection: &AggregatedSelection,
) -> Result<Vec<OrgUnitInfo>, PrepareError> {
    let roots = selection.org_unit_ids();
    let found: Vec<OrgUnitInfo> =
        fetch_by_ids(origin, "organisationUnits", "id", &roots, "id,level,path")
            .await?
            .into_iter()
            .filter_map(|unit| serde_json::from_value(unit).ok())
            .collect();
    let missing: Vec<String> = roots
        .iter()
        .filter(|id| !found.iter().any(|unit| &unit.id == *id))
        .cloned()
        .collect();
    if !missing.is_empty() {
        return Err(PrepareError::NotAtOrigin {
            origin: origin_name.into(),
            kind: "organisation unit(s)".into(),
            ids: missing,
        });
    }
    check_hierarchy(origin, origin_name, &found).await?;
    if !selection.include_descendants {
        return Ok(found);
    }
    let mut all: Vec<OrgUnitInfo> = Vec::new();
    let mut seen = BTreeSet::new();
    for root in &found {
        let path = format!(
            "api/organisationUnits?paging=false&fields=id,level,path&filter=path:like:{}",
            root.id
        );
        let mut body: serde_json::Map<String, Value> = origin.get_json(&path).await?;
        let units: Vec<OrgUnitInfo> =
            serde_json::from_value(body.remove("organisationUnits").unwrap_or_default())
                .unwrap_or_default();
        // The root first, then its subtree by level, as DHIS2 lists them.
        let mut units: Vec<OrgUnitInfo> = units
            .into_iter()
            .filter(|unit| unit.path.as_deref().is_some_and(|p| p.contains(&root.id)))
            .collect();
        units.sort_by_key(|unit| (unit.level.unwrap_or(u32::MAX), unit.id.clone()));
        for unit in std::iter::once(root.clone()).chain(units) {
            if seen.insert(unit.id.clone()) {
                all.push(unit);
            }
        }
    }
    Ok(all)
}

/// DHIS2 refuses to export values of units outside the user's data view units (capture units
/// when there are none): said here, before reading, naming them.
async fn check_hierarchy<T: Transport>(
    origin: &Dhis2Client<T>,
    origin_name: &str,
    units: &[OrgUnitInfo],
) -> Result<(), PrepareError> {
    let me: MeUnits = origin
        .get_json(
            "api/me?fields=organisationUnits%5Bid,path%5D,dataViewOrganisationUnits%5Bid,path%5D",
        )
        .await?;
    let roots = if me.view.is_empty() {
        me.capture
    } else {
        me.view
    };
    let within = |unit: &OrgUnitInfo| {
        let path = unit.path.clone().unwrap_or_else(|| format!("/{}", unit.id));
        roots
            .iter()
            .any(|root| path.split('/').any(|id| id == root.id))
    };
    let outside: Vec<String> = units
        .iter()
        .filter(|unit| !within(unit))
        .map(|unit| unit.id.clone())
        .collect();
    if outside.is_empty() {
        Ok(())
    } else {
        Err(PrepareError::OutsideHierarchy {
            origin: origin_name.into(),
            units: outside,
        })
    }
}

/// The data elements (with value types) behind the selection's data sets, groups and elements;
/// a data set, group or element the origin lacks is an error naming it.
pub async fn read_data_elements<T: Transport>(
    origin: &Dhis2Client<T>,
    origin_name: &str,
    selection: &AggregatedSelection,
) -> Result<BTreeMap<String, String>, PrepareError> {
    let mut elements = BTreeMap::new();
    let sources: [(&str, &str, &[String], &str); 3] = [
        (
            "dataSets",
            "data set(s)",
            &selection.data_sets,
            "id,dataSetElements%5BdataElement%5Bid,valueType%5D%5D",
        ),
        (
            "dataElementGroups",
            "data element group(s)",
            &selection.data_element_groups,
            "id,dataElements%5Bid,valueType%5D",
        ),
        (
            "dataElements",
            "data element(s)",
            &selection.data_elements,
            "id,valueType",
        ),
    ];
    for (plural, kind, ids, fields) in sources {
        if ids.is_empty() {
            continue;
        }
        let objects = fetch_by_ids(origin, plural, "id", ids, fields).await?;
        let missing: Vec<String> = ids
            .iter()
            .filter(|id| {
                !objects
                    .iter()
                    .any(|o| o.get("id").and_then(Value::as_str) == Some(id))
            })
            .cloned()
            .collect();
        if !missing.is_empty() {
            return Err(PrepareError::NotAtOrigin {
                origin: origin_name.into(),
                kind: kind.into(),
                ids: missing,
            });
        }
        for object in &objects {
            let members: Vec<&Value> = match plural {
                "dataSets" => object
                    .get("dataSetElements")
                    .and_then(Value::as_array)
                    .map(|items| items.iter().filter_map(|i| i.get("dataElement")).collect())
                    .unwrap_or_default(),
                "dataElementGroups" => object
                    .get("dataElements")
                    .and_then(Value::as_array)
                    .map(|items| items.iter().collect())
                    .unwrap_or_default(),
                _ => vec![object],
            };
            for member in members {
                if let Some(id) = member.get("id").and_then(Value::as_str) {
                    let value_type = member
                        .get("valueType")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_string();
                    elements.insert(id.to_string(), value_type);
                }
            }
        }
    }
    Ok(elements)
}

/// The attribute option combos made of the chosen category options; `None` for all.
pub async fn read_attribute_option_combos<T: Transport>(
    origin: &Dhis2Client<T>,
    selection: &AggregatedSelection,
) -> Result<Option<Vec<String>>, Dhis2Error> {
    let AttributeOptions::Chosen { category_options } = &selection.attribute_options else {
        return Ok(None);
    };
    let combos = fetch_by_ids(
        origin,
        "categoryOptionCombos",
        "categoryOptions.id",
        category_options,
        "id",
    )
    .await?;
    Ok(Some(
        combos
            .iter()
            .filter_map(|c| c.get("id").and_then(Value::as_str).map(str::to_string))
            .collect(),
    ))
}

/// The data sets holding each of `elements`, for servers before 2.39 (no `dataElement` param).
pub async fn data_sets_of_elements<T: Transport>(
    origin: &Dhis2Client<T>,
    elements: &[String],
) -> Result<Vec<String>, Dhis2Error> {
    let body: serde_json::Map<String, Value> = origin
        .get_json("api/dataSets?paging=false&fields=id,dataSetElements%5BdataElement%5Bid%5D%5D")
        .await?;
    let mut holding = Vec::new();
    for data_set in body
        .get("dataSets")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let holds = data_set
            .get("dataSetElements")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|i| i.get("dataElement")?.get("id")?.as_str())
            .any(|id| elements.iter().any(|e| e == id));
        if let (true, Some(id)) = (holds, data_set.get("id").and_then(Value::as_str)) {
            holding.push(id.to_string());
        }
    }
    Ok(holding)
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
