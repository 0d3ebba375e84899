//! The write step of an aggregated sync: mapped values to one destination, in chunks, with
//! cancellation between chunks; "ignore values the destination already has" as a diff against
//! the destination's own values of the slice.

use std::collections::HashMap;

use super::report::{AggregatedTargetDetails, ConflictRow};
use super::selection::AsyncImports;
use crate::clock::Clock;
use crate::dhis2::data_values::{import_data_values, DataImportParams, DataImportResult};
use crate::dhis2::retry::{RetryNotice, RetryReason};
use crate::dhis2::{Dhis2Error, ImportStatus, Transport};
use crate::mapping::{DataValue, DataValueSet, SharedStr};
use crate::sync::report::{ChunkReport, TargetReport, TargetStatus};
use crate::sync::runtime::{EngineClient, SyncRuntime};

/// Why writing to a destination stopped.
#[derive(Debug)]
pub enum WriteStop {
    Cancelled,
    Failed(Dhis2Error),
}

/// What goes over the wire: the destination stamps its own times; `deleted` is how the origin
/// marked stale values, not something to import.
pub fn prepare_for_sending(values: &mut [DataValue]) {
    for value in values {
        value.created = None;
        value.last_updated = None;
        value.extra.retain(|(key, _)| key != "deleted");
    }
}

/// The JSON of `{"dataValues": values}`.
pub fn encode(values: &[DataValue]) -> Vec<u8> {
    DataValueSet::encode_values(values)
}

/// Sends `values` in chunks of at most `chunk_values`, each as a server job followed to its end
/// when `async_imports` says so; every chunk's summary lands in the reports. Stops at the first
/// chunk that fails, or when cancelled between chunks.
#[allow(clippy::too_many_arguments)]
pub async fn send_values<T: Transport, C: Clock>(
    client: &EngineClient<'_, T, C>,
    values: &[DataValue],
    params: &DataImportParams,
    async_imports: AsyncImports,
    chunk_values: usize,
    report: &mut TargetReport,
    details: &mut AggregatedTargetDetails,
    runtime: &SyncRuntime<'_, C>,
) -> Result<(), WriteStop> {
    // Chunks start at `chunk_values`, halve when the server or a proxy finds one too large
    // (413, 414), and grow back after each success.
    let ceiling = chunk_values.max(1);
    let (mut start, mut size, mut halvings) = (0, ceiling, 0u32);
    while start < values.len() {
        if runtime.cancel.is_cancelled() {
            return Err(WriteStop::Cancelled);
        }
        let end = (start + size).min(values.len());
        let chunk = &values[start..end];
        let body = encode(chunk);
        let bytes = body.len();
        let mut chunk_report = ChunkReport {
            index: report.chunks.len(),
            types: vec!["dataValues".into()],
            objects: chunk.len(),
            bytes,
            status: None,
            http_status: None,
        };
        let params = DataImportParams {
            asynchronous: params.asynchronous || async_imports.for_chunk(chunk.len()),
            ..*params
        };
        let outcome =
            import_data_values(client, runtime.clock, body, &params, &runtime.polling).await;
        if let Err(error) = &outcome {
            let too_large = matches!(error.status(), Some(413 | 414));
            if too_large && chunk.len() > 1 && halvings + 1 < runtime.retry.max_attempts {
                halvings += 1;
                size = chunk.len().div_ceil(2);
                client.transport().note_retry(&RetryNotice {
                    attempt: halvings + 1,
                    max_attempts: runtime.retry.max_attempts,
                    reason: RetryReason::TooLarge,
                    delay: std::time::Duration::ZERO,
                });
                continue;
            }
        }
        halvings = 0;
        start = end;
        size = size.saturating_mul(2).min(ceiling);
        details.values_sent += chunk.len() as u64;
        details.bytes_sent += bytes as u64;
        match outcome {
            Ok(result) => {
                chunk_report.status = Some(result.status);
                chunk_report.http_status = Some(result.http_status);
                report.chunks.push(chunk_report);
                add_result(report, details, result, chunk);
            }
            Err(error) => {
                report.chunks.push(chunk_report);
                return Err(WriteStop::Failed(error));
            }
        }
    }
    Ok(())
}

/// Adds one chunk's summary: counts, conflicts (with the values they refused), status, answer.
fn add_result(
    report: &mut TargetReport,
    details: &mut AggregatedTargetDetails,
    result: DataImportResult,
    chunk: &[DataValue],
) {
    let stats = &mut report.stats;
    stats.created += result.imported;
    stats.updated += result.updated;
    stats.ignored += result.ignored;
    stats.deleted += result.deleted;
    stats.total += result.imported + result.updated + result.ignored + result.deleted;
    for conflict in &result.conflicts {
        details.add_conflicts(ConflictRow::rows(conflict, chunk));
    }
    // Unchanged values are ignored by DHIS2 as a matter of course: not a warning.
    report.raise(match result.status {
        ImportStatus::Ok => TargetStatus::Success,
        ImportStatus::Warning => TargetStatus::Warning,
        ImportStatus::Error => TargetStatus::Error,
    });
    report.raw_responses.push(result.raw);
}

/// A value's place: (data element, period, org unit, option combo, attribute option combo).
type ValueKey = (SharedStr, SharedStr, SharedStr, SharedStr, SharedStr);

fn key_of(value: &DataValue, default_combo: &SharedStr) -> ValueKey {
    let combo = |combo: &Option<SharedStr>| combo.clone().unwrap_or_else(|| default_combo.clone());
    (
        value.data_element.clone(),
        value.period.clone(),
        value.org_unit.clone(),
        combo(&value.category_option_combo),
        combo(&value.attribute_option_combo),
    )
}

/// What DHIS2 compares to call a value unchanged: value, comment, follow-up.
fn same_content(a: &DataValue, b: &DataValue) -> bool {
    fn text(v: &Option<SharedStr>) -> &str {
        v.as_deref().unwrap_or_default()
    }
    text(&a.value) == text(&b.value)
        && text(&a.comment) == text(&b.comment)
        && a.followup.unwrap_or(false) == b.followup.unwrap_or(false)
}

/// Keeps the values the destination does not hold as they are; returns how many were left out
/// and their size in the payload.
pub fn without_existing(
    values: Vec<DataValue>,
    existing: &[DataValue],
    default_combo: &str,
) -> (Vec<DataValue>, u64, u64) {
    let default_combo = &SharedStr::from(default_combo);
    let held: HashMap<ValueKey, &DataValue> = existing
        .iter()
        .filter(|value| !super::read::is_deleted(value))
        .map(|value| (key_of(value, default_combo), value))
        .collect();
    let (mut skipped, mut bytes) = (0u64, 0u64);
    let kept = values
        .into_iter()
        .filter(|value| {
            let same = held
                .get(&key_of(value, default_combo))
                .is_some_and(|there| same_content(there, value));
            if same {
                skipped += 1;
                // The value's JSON and its comma.
                let mut json = Vec::new();
                value.write_json(&mut json);
                bytes += json.len() as u64 + 1;
            }
            !same
        })
        .collect();
    (kept, skipped, bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(element: &str, combo: Option<&str>, text: &str) -> DataValue {
        DataValue {
            data_element: element.into(),
            period: "202401".into(),
            org_unit: "DiszpKrYNg8".into(),
            category_option_combo: combo.map(SharedStr::from),
            value: Some(text.into()),
            created: Some("2024-02-01T10:00:00.000+0000".into()),
            extra: vec![("deleted".into(), serde_json::Value::Bool(false))],
            ..DataValue::default()
        }
    }

    #[test]
    fn values_the_destination_holds_unchanged_are_left_out() {
        let existing = vec![
            value("fbfJHSPpUQD", Some("HllvX50cXC0"), "12"),
            value("cYeuwXTCPkU", Some("HllvX50cXC0"), "5"),
        ];
        // The mapping removed the origin's default combo: the destination's default matches.
        let outgoing = vec![
            value("fbfJHSPpUQD", None, "12"),
            value("cYeuwXTCPkU", None, "6"),
            value("Jtf34kNZhzP", None, "1"),
        ];
        let (kept, skipped, bytes) = without_existing(outgoing, &existing, "HllvX50cXC0");
        assert_eq!(skipped, 1);
        assert!(bytes > 40);
        let kept_elements: Vec<&str> = kept.iter().map(|v| v.data_element.as_str()).collect();
        assert_eq!(kept_elements, ["cYeuwXTCPkU", "Jtf34kNZhzP"]);
        let mut sending = kept;
        prepare_for_sending(&mut sending);
        let body = String::from_utf8(encode(&sending)).unwrap();
        assert!(body.starts_with("{\"dataValues\":[{\"dataElement\":\"cYeuwXTCPkU\""));
        assert!(
            !body.contains("created") && !body.contains("deleted"),
            "{body}"
        );
    }
}
