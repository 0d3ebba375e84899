//! The read step: one slice from the origin, raw (`dataValueSets`) or aggregated
//! (`analytics/dataValueSet`). A raw read asks for one value more than a slice may hold
//! (`limit`): when that many come back, the slice is split and read again in halves, so no
//! response is unbounded.

use std::collections::HashSet;

use super::period::ResolvedPeriod;
use super::plan::{Slice, SliceData};
use super::selection::AggregatedSyncOptions;
use crate::dhis2::analytics::AnalyticsQuery;
use crate::dhis2::data_values::DataValueQuery;
use crate::dhis2::{Dhis2Client, Dhis2Error, Transport};
use crate::mapping::{DataValue, DataValueSet};

/// What a read gave.
#[derive(Debug)]
pub enum SliceRead {
    /// The values, live and (when asked for) deleted ones, marked `deleted: true`.
    Values(Vec<DataValue>),
    /// More values than a slice may hold: split it.
    TooMany,
}

/// The `dataValueSets` query of a raw slice.
pub fn raw_query(
    slice: &Slice,
    period: &ResolvedPeriod,
    attribute_option_combos: Option<&[String]>,
    options: &AggregatedSyncOptions,
) -> DataValueQuery {
    let mut query = DataValueQuery {
        org_units: slice.org_units.clone(),
        start_date: Some(slice.start.to_string()),
        end_date: Some(slice.end.to_string()),
        last_updated: period.last_updated.clone(),
        include_deleted: options.delete_stale,
        attribute_option_combos: attribute_option_combos
            .map(<[String]>::to_vec)
            .unwrap_or_default(),
        id_scheme: options.id_scheme,
        limit: Some(options.slice_values + 1),
        ..DataValueQuery::default()
    };
    match &slice.data {
        SliceData::DataSet(id) => query.data_sets = vec![id.clone()],
        SliceData::Group(id) => query.data_element_groups = vec![id.clone()],
        SliceData::Elements(ids) => query.data_elements = ids.clone(),
        SliceData::ElementsVia { data_sets, .. } => query.data_sets = data_sets.clone(),
        SliceData::Analytics { .. } => {}
    }
    query
}

/// Reads a raw slice.
pub async fn read_raw<T: Transport>(
    origin: &Dhis2Client<T>,
    slice: &Slice,
    period: &ResolvedPeriod,
    attribute_option_combos: Option<&[String]>,
    options: &AggregatedSyncOptions,
) -> Result<SliceRead, Dhis2Error> {
    let query = raw_query(slice, period, attribute_option_combos, options);
    let set = origin
        .get_decoded(&query.path(), DataValueSet::from_json)
        .await?;
    let mut values = set.data_values;
    if values.len() > options.slice_values {
        return Ok(SliceRead::TooMany);
    }
    if let SliceData::ElementsVia { keep, .. } = &slice.data {
        let keep: HashSet<&str> = keep.iter().map(String::as_str).collect();
        values.retain(|value| keep.contains(value.data_element.as_str()));
    }
    Ok(SliceRead::Values(values))
}

/// Reads an aggregation slice from analytics; with `empty_as_zero`, every data item without a
/// value in a period and org unit gets "0".
pub async fn read_analytics<T: Transport>(
    origin: &Dhis2Client<T>,
    slice: &Slice,
    attribute_option_combos: Option<&[String]>,
    empty_as_zero: bool,
) -> Result<SliceRead, Dhis2Error> {
    let SliceData::Analytics { items, periods } = &slice.data else {
        return Ok(SliceRead::Values(Vec::new()));
    };
    let query = AnalyticsQuery {
        data: items.clone(),
        periods: periods.clone(),
        org_units: slice.org_units.clone(),
        attribute_option_combos: attribute_option_combos
            .map(<[String]>::to_vec)
            .unwrap_or_default(),
    };
    let set = origin
        .get_decoded(&query.path(), DataValueSet::from_json)
        .await?;
    let mut values = set.data_values;
    if empty_as_zero {
        let present: HashSet<(&str, &str, &str)> = values
            .iter()
            .map(|v| {
                (
                    v.data_element.as_str(),
                    v.period.as_str(),
                    v.org_unit.as_str(),
                )
            })
            .collect();
        let mut missing = Vec::new();
        for item in items.iter().filter(|item| !item.contains('.')) {
            for period in periods {
                for unit in &slice.org_units {
                    let key = (item.as_str(), period.as_str(), unit.as_str());
                    if !present.contains(&key) {
                        missing.push(DataValue {
                            data_element: item.into(),
                            period: period.into(),
                            org_unit: unit.into(),
                            value: Some("0".into()),
                            ..DataValue::default()
                        });
                    }
                }
            }
        }
        drop(present);
        values.extend(missing);
    }
    Ok(SliceRead::Values(values))
}

/// Analytics slices: data items × periods × org units, in pieces whose URL stays short.
pub fn analytics_slices(
    items: &[String],
    periods: &[String],
    org_units: &[String],
    period: &ResolvedPeriod,
) -> Vec<Slice> {
    // 11-character ids and up to 8-character periods with their separators: well under 8 KB.
    const ITEMS: usize = 50;
    const PERIODS: usize = 12;
    const UNITS: usize = 50;
    let mut slices = Vec::new();
    for units in org_units.chunks(UNITS) {
        for item_chunk in items.chunks(ITEMS) {
            for period_chunk in periods.chunks(PERIODS) {
                slices.push(Slice {
                    data: SliceData::Analytics {
                        items: item_chunk.to_vec(),
                        periods: period_chunk.to_vec(),
                    },
                    org_units: units.to_vec(),
                    start: period.start,
                    end: period.end,
                });
            }
        }
    }
    slices
}

/// Whether a value read with `includeDeleted` is a deleted one.
pub fn is_deleted(value: &DataValue) -> bool {
    value
        .extra
        .iter()
        .any(|(key, flag)| key == "deleted" && flag == &serde_json::Value::Bool(true))
}
