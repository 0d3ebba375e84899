//! "Send program data as aggregated values" ([`super::AsAggregated`]): instead of events, data
//! values of mapped aggregated data elements, posted with the aggregated kind's write step
//! ([`crate::sync::aggregated::write`]).
//!
//! MDSync asks the origin's analytics for `program.dataElement` items and the programs'
//! indicators, per period of the rule's aggregation type. Analytics holds only what its last
//! tables run saw, so here the program data elements are added up from the events the run reads
//! (the same pages, the same period and org units; one total per data element, period and
//! selected org unit is kept, never the events), and only the program indicators, which DHIS2
//! alone can evaluate, come from analytics.

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::Date;
use serde_json::Value;

use super::programs::ProgramInfo;
use crate::clock::Clock;
use crate::dhis2::analytics::AnalyticsQuery;
use crate::dhis2::data_values::{DataImportParams, DataImportStrategy};
use crate::dhis2::{Dhis2Client, Dhis2Error, Transport};
use crate::mapping::model::MappedId;
use crate::mapping::types::AGGREGATED_DATA_ELEMENTS;
use crate::mapping::{DataValue, DataValueSet, Mapper, MappingDictionary};
use crate::sync::aggregated::write::{prepare_for_sending, send_values, WriteStop};
use crate::sync::aggregated::{periods_within, AggregatedSyncOptions, AggregatedTargetDetails};
use crate::sync::aggregated::{AggregatedNote, AggregationType};
use crate::sync::report::{TargetReport, TargetStatus};
use crate::sync::runtime::{EngineClient, SyncRuntime};

/// Ids per analytics request (dimension items go in the URL).
const ITEMS_PER_QUERY: usize = 50;
/// Ids listed in a "not mapped" note.
const IDS_LISTED: usize = 10;

/// The ISO period of `kind` that contains `day`.
pub fn period_of(kind: AggregationType, day: Date) -> String {
    match kind {
        AggregationType::Daily => day.strftime("%Y%m%d").to_string(),
        AggregationType::Weekly => {
            let week = day.iso_week_date();
            format!("{}W{}", week.year(), week.week())
        }
        AggregationType::Monthly => day.strftime("%Y%m").to_string(),
        AggregationType::Quarterly => format!("{}Q{}", day.year(), (day.month() - 1) / 3 + 1),
        AggregationType::Yearly => day.year().to_string(),
    }
}

/// What one value adds to its total: a number itself, `true` one, `false` nothing, any other
/// value (an option code, a text) one — a count of the events that have it.
fn contribution(text: &str) -> f64 {
    match text.trim() {
        "" | "false" => 0.0,
        "true" => 1.0,
        other => other
            .parse::<f64>()
            .ok()
            .filter(|n| n.is_finite())
            .unwrap_or(1.0),
    }
}

fn format_number(sum: f64) -> String {
    if sum.fract() == 0.0 && sum.abs() < 1e15 {
        format!("{}", sum as i64)
    } else {
        // Two decimals are what DHIS2 keeps of aggregated numbers.
        let text = format!("{:.2}", sum);
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// The totals of program data elements, per (program, data element, period, org unit).
#[derive(Debug)]
pub(super) struct ProgramTotals {
    kind: AggregationType,
    cells: BTreeMap<(String, String, String, String), f64>,
    /// Events whose values were added.
    pub events: u64,
}

impl ProgramTotals {
    pub fn new(kind: AggregationType) -> Self {
        ProgramTotals {
            kind,
            cells: BTreeMap::new(),
            events: 0,
        }
    }

    /// Adds the events of one page (events of an event program, or tracked entities with
    /// their enrollments' events) under `org_unit`, the selected unit the page was read for.
    pub fn add_page(&mut self, program: &str, org_unit: &str, items: &[Value], tracker: bool) {
        if !tracker {
            items
                .iter()
                .for_each(|event| self.add_event(program, org_unit, event));
            return;
        }
        for entity in items {
            let enrollments = entity.get("enrollments").and_then(Value::as_array);
            for enrollment in enrollments.into_iter().flatten() {
                if enrollment.get("program").and_then(Value::as_str) != Some(program) {
                    continue;
                }
                let events = enrollment.get("events").and_then(Value::as_array);
                for event in events.into_iter().flatten() {
                    self.add_event(program, org_unit, event);
                }
            }
        }
    }

    fn add_event(&mut self, program: &str, org_unit: &str, event: &Value) {
        // As analytics: scheduled, skipped and deleted events hold no data.
        let status = event.get("status").and_then(Value::as_str).unwrap_or("");
        if matches!(status, "SCHEDULE" | "SKIPPED" | "OVERDUE")
            || event.get("deleted").and_then(Value::as_bool) == Some(true)
        {
            return;
        }
        let Some(day) = event
            .get("occurredAt")
            .and_then(Value::as_str)
            .and_then(|date| date.get(..10))
            .and_then(|date| date.parse::<Date>().ok())
        else {
            return;
        };
        let period = period_of(self.kind, day);
        self.events += 1;
        let values = event.get("dataValues").and_then(Value::as_array);
        for value in values.into_iter().flatten() {
            let (Some(element), Some(text)) = (
                value.get("dataElement").and_then(Value::as_str),
                value.get("value").and_then(|v| match v {
                    Value::String(text) => Some(text.clone()),
                    Value::Number(_) | Value::Bool(_) => Some(v.to_string()),
                    _ => None,
                }),
            ) else {
                continue;
            };
            let key = (
                program.to_string(),
                element.to_string(),
                period.clone(),
                org_unit.to_string(),
            );
            *self.cells.entry(key).or_default() += contribution(&text);
        }
    }

    /// The periods that have a total.
    pub fn periods(&self) -> BTreeSet<String> {
        self.cells.keys().map(|(_, _, p, _)| p.clone()).collect()
    }

    /// The totals as data values of `program.dataElement` items.
    pub fn values(&self) -> Vec<DataValue> {
        self.cells
            .iter()
            .map(|((program, element, period, org_unit), sum)| DataValue {
                data_element: format!("{program}.{element}").into(),
                period: period.into(),
                org_unit: org_unit.into(),
                value: Some(format_number(*sum).into()),
                ..DataValue::default()
            })
            .collect()
    }

    pub fn len(&self) -> usize {
        self.cells.len()
    }

    pub fn kind(&self) -> AggregationType {
        self.kind
    }
}

/// What the mapping makes of an origin item: the id the data value mapper looks up.
enum Target {
    /// `program.dataElement` (entry `program-dataElement`), a data element or an indicator.
    Mapped(String),
    Excluded,
    NotMapped,
}

fn entry_target(mapping: &MappingDictionary, key: &str) -> Option<bool> {
    let entry = mapping.get(AGGREGATED_DATA_ELEMENTS, key)?;
    match entry.mapped_id.as_ref()? {
        MappedId::Disabled => Some(false),
        id => id.target().map(|_| true),
    }
}

/// `item`: `program.dataElement` or a program indicator id.
fn target_of(mapping: &MappingDictionary, item: &str) -> Target {
    let verdict = |found: Option<bool>, id: &str| match found {
        Some(true) => Some(Target::Mapped(id.to_string())),
        Some(false) => Some(Target::Excluded),
        None => None,
    };
    let found = match item.split_once('.') {
        Some((program, element)) => {
            verdict(entry_target(mapping, &format!("{program}-{element}")), item)
                .or_else(|| verdict(entry_target(mapping, element), element))
        }
        None => verdict(entry_target(mapping, item), item),
    };
    found.unwrap_or(Target::NotMapped)
}

/// Whether the mapping names an aggregated data element for anything of `programs`.
pub(super) fn anything_mapped(mapping: &MappingDictionary, programs: &[ProgramInfo]) -> bool {
    programs.iter().any(|program| {
        program
            .data_elements()
            .into_iter()
            .map(|element| format!("{}.{element}", program.id))
            .chain(program.indicators().map(str::to_string))
            .any(|item| matches!(target_of(mapping, &item), Target::Mapped(_)))
    })
}

/// The program indicators of `programs` that one of `mappings` maps.
pub(super) fn mapped_indicators<'a>(
    programs: &[ProgramInfo],
    mappings: impl Iterator<Item = &'a MappingDictionary> + Clone,
) -> Vec<String> {
    let ids: BTreeSet<&str> = programs.iter().flat_map(ProgramInfo::indicators).collect();
    ids.into_iter()
        .filter(|id| {
            mappings
                .clone()
                .any(|mapping| matches!(target_of(mapping, id), Target::Mapped(_)))
        })
        .map(str::to_string)
        .collect()
}

/// The periods to ask analytics for: those of the window (first and last day) and those the
/// events had.
pub(super) fn indicator_periods(
    kind: AggregationType,
    window: Option<(&str, &str)>,
    seen: BTreeSet<String>,
) -> Vec<String> {
    let mut periods = seen;
    if let Some((start, end)) = window {
        let day = |text: &str| text.get(..10).and_then(|d| d.parse::<Date>().ok());
        if let (Some(start), Some(end)) = (day(start), day(end)) {
            periods.extend(periods_within(kind, start, end));
        }
    }
    periods.into_iter().collect()
}

/// The program indicators' values from the origin's analytics, per period and org unit.
pub(super) async fn read_indicators<T: Transport>(
    origin: &Dhis2Client<T>,
    indicators: &[String],
    periods: &[String],
    org_units: &[String],
) -> Result<Vec<DataValue>, Dhis2Error> {
    let mut values = Vec::new();
    if org_units.is_empty() {
        return Ok(values);
    }
    for data in indicators.chunks(ITEMS_PER_QUERY) {
        for periods in periods.chunks(ITEMS_PER_QUERY) {
            let query = AnalyticsQuery {
                data: data.to_vec(),
                periods: periods.to_vec(),
                org_units: org_units.to_vec(),
                attribute_option_combos: Vec::new(),
            };
            let set: DataValueSet = origin.get_json(&query.path()).await?;
            values.extend(set.data_values.into_iter().map(|mut value| {
                // Indicator values go to the destination's default combos, as in MDSync.
                value.category_option_combo = None;
                value.attribute_option_combo = None;
                value
            }));
        }
    }
    Ok(values)
}

/// Maps `values` for one destination and writes them as a `dataValueSets` import; the counts,
/// conflicts and answers land in `report` as an aggregated import's do.
pub(super) async fn write_values<T: Transport, C: Clock>(
    client: &EngineClient<'_, T, C>,
    runtime: &SyncRuntime<'_, C>,
    report: &mut TargetReport,
    mapper: &Mapper<'_>,
    values: &[DataValue],
    dry_run: bool,
) -> (usize, Vec<String>) {
    let mut details = AggregatedTargetDetails::default();
    let mut outgoing = Vec::with_capacity(values.len());
    let mut not_mapped: BTreeSet<&str> = BTreeSet::new();
    for value in values {
        match target_of(mapper.mapping(), &value.data_element) {
            Target::Mapped(item) => outgoing.push(DataValue {
                data_element: item.into(),
                ..value.clone()
            }),
            Target::Excluded => details.values_excluded_by_mapping += 1,
            Target::NotMapped => {
                not_mapped.insert(&value.data_element);
            }
        }
    }
    let applied = mapper.data_values(DataValueSet {
        data_values: outgoing,
        extra: serde_json::Map::new(),
    });
    details.values_excluded_by_mapping +=
        applied.report.read.saturating_sub(applied.report.written) as u64;
    if details.values_excluded_by_mapping > 0 {
        details.notes.push(AggregatedNote::ExcludedByMapping {
            values: details.values_excluded_by_mapping,
        });
    }
    let mut outgoing = applied.payload.data_values;
    prepare_for_sending(&mut outgoing);
    let defaults = AggregatedSyncOptions::default();
    let params = DataImportParams {
        strategy: DataImportStrategy::NewAndUpdates,
        dry_run,
        id_scheme: defaults.id_scheme,
        skip_audit: false,
        asynchronous: false,
    };
    let outcome = send_values(
        client,
        &outgoing,
        &params,
        defaults.async_imports,
        defaults.chunk_values,
        report,
        &mut details,
        runtime,
    )
    .await;
    match outcome {
        Ok(()) => {}
        Err(WriteStop::Cancelled) => report.raise(TargetStatus::Cancelled),
        Err(WriteStop::Failed(error)) => report.fail(&error),
    }
    report.chunks_planned = outgoing.len().div_ceil(defaults.chunk_values.max(1));
    report.aggregated = Some(details);
    let listed = not_mapped
        .iter()
        .take(IDS_LISTED)
        .map(|id| id.to_string())
        .collect();
    (not_mapped.len(), listed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn periods_follow_the_aggregation_type() {
        let day: Date = "2024-05-31".parse().unwrap();
        let cases = [
            (AggregationType::Daily, "20240531"),
            (AggregationType::Weekly, "2024W22"),
            (AggregationType::Monthly, "202405"),
            (AggregationType::Quarterly, "2024Q2"),
            (AggregationType::Yearly, "2024"),
        ];
        for (kind, expected) in cases {
            assert_eq!(period_of(kind, day), expected, "{kind:?}");
        }
    }

    #[test]
    fn events_are_added_up_per_element_period_and_unit() {
        let mut totals = ProgramTotals::new(AggregationType::Monthly);
        let event = |date: &str, status: &str, values: Value| json!({"occurredAt": date, "status": status, "dataValues": values});
        let page = vec![
            event(
                "2024-01-03T00:00:00.000",
                "COMPLETED",
                json!([{"dataElement": "DeStay00001", "value": "3"},
                       {"dataElement": "DeDiag00001", "value": "MALARIA"}]),
            ),
            event(
                "2024-01-20T00:00:00.000",
                "ACTIVE",
                json!([{"dataElement": "DeStay00001", "value": "4.5"},
                       {"dataElement": "DeFlag00001", "value": "true"}]),
            ),
            event(
                "2024-02-01T00:00:00.000",
                "COMPLETED",
                json!([{"dataElement": "DeStay00001", "value": "2"}]),
            ),
            event(
                "2024-02-09T00:00:00.000",
                "SCHEDULE",
                json!([{"dataElement": "DeStay00001", "value": "100"}]),
            ),
        ];
        totals.add_page("PrgEvent001", "OuDistrict1", &page, false);
        assert_eq!(totals.events, 3);
        let values: Vec<(String, String, String)> = totals
            .values()
            .into_iter()
            .map(|v| {
                (
                    v.data_element.into(),
                    v.period.into(),
                    v.value.unwrap_or_default().into(),
                )
            })
            .collect();
        let row = |e: &str, p: &str, v: &str| (format!("PrgEvent001.{e}"), p.into(), v.into());
        assert_eq!(
            values,
            vec![
                row("DeDiag00001", "202401", "1"),
                row("DeFlag00001", "202401", "1"),
                row("DeStay00001", "202401", "7.5"),
                row("DeStay00001", "202402", "2"),
            ]
        );
        assert_eq!(
            totals.periods().into_iter().collect::<Vec<_>>(),
            ["202401", "202402"]
        );
    }

    #[test]
    fn the_mapping_decides_where_each_item_goes() {
        let mapping: MappingDictionary = serde_json::from_value(json!({
            "aggregatedDataElements": {
                "PrgEvent001-DeStay00001": {"mappedId": "DeAggr00001"},
                "DeDiag00001": {"mappedId": "DeAggr00002"},
                "PrgEvent001-DeFlag00001": {"mappedId": "DISABLED"},
                "PiIndic0001": {"mappedId": "DeAggr00003"}
            }
        }))
        .unwrap();
        let mapped = |item: &str| match target_of(&mapping, item) {
            Target::Mapped(id) => id,
            Target::Excluded => "excluded".into(),
            Target::NotMapped => "none".into(),
        };
        assert_eq!(mapped("PrgEvent001.DeStay00001"), "PrgEvent001.DeStay00001");
        assert_eq!(mapped("PrgEvent001.DeDiag00001"), "DeDiag00001");
        assert_eq!(mapped("PrgEvent001.DeFlag00001"), "excluded");
        assert_eq!(mapped("PrgEvent001.DeOther0001"), "none");
        assert_eq!(mapped("PiIndic0001"), "PiIndic0001");
    }
}
