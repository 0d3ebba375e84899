//! The write step: a payload to one target, chunk by chunk, with cancellation between chunks.

use super::chunks::plan_chunks;
use super::cleanup::Payload;
use super::selection::ChunkLimits;
use crate::dhis2::metadata::{import_metadata_bytes, AtomicMode, ImportOptions};
use crate::dhis2::schemas::short_klass;
use crate::dhis2::{Dhis2Client, ImportStatus, SchemaRegistry, Transport};
use crate::sync::report::{ChunkReport, TargetReport, TargetStatus};
use crate::sync::{CancellationToken, ProgressSink, SyncProgress, SyncStep};

/// Sends `payload` to one target. Chunks go in schema order; a chunk refused as a whole under
/// `atomicMode=ALL` stops the target (later chunks would only point at missing objects).
#[allow(clippy::too_many_arguments)]
pub async fn write_payload<T: Transport>(
    client: &Dhis2Client<T>,
    payload: Payload,
    schemas: &SchemaRegistry,
    order: &dyn Fn(&str) -> i64,
    options: &ImportOptions,
    limits: ChunkLimits,
    strip_timestamps: bool,
    report: &mut TargetReport,
    progress: &dyn ProgressSink,
    cancel: &CancellationToken,
) {
    let chunks = plan_chunks(payload, order, limits, strip_timestamps);
    report.chunks_planned = chunks.len();
    let target = Some(report.target.clone());
    progress.on_progress(SyncProgress::Advance {
        step: SyncStep::Write,
        target: target.clone(),
        done: 0,
        total: report.chunks_planned,
    });
    for (index, chunk) in chunks.into_iter().enumerate() {
        if cancel.is_cancelled() {
            report.raise(TargetStatus::Cancelled);
            report.notes.push(format!(
                "Cancelled: {index} of {} chunk(s) were sent before the stop.",
                report.chunks_planned
            ));
            return;
        }
        let mut chunk_report = ChunkReport {
            index,
            types: chunk.types.clone(),
            objects: chunk.objects,
            bytes: chunk.bytes(),
            status: None,
            http_status: None,
        };
        match import_metadata_bytes(client, chunk.body, options).await {
            Ok(result) => {
                chunk_report.status = Some(result.status);
                chunk_report.http_status = Some(result.http_status);
                let refused = result.status == ImportStatus::Error;
                report.add_import(result, |klass| type_name(schemas, klass));
                report.chunks.push(chunk_report);
                if refused && options.atomic == AtomicMode::All {
                    stop_note(report, index);
                    return;
                }
                progress.on_progress(SyncProgress::Advance {
                    step: SyncStep::Write,
                    target: target.clone(),
                    done: index + 1,
                    total: report.chunks_planned,
                });
            }
            Err(error) => {
                report.chunks.push(chunk_report);
                report.fail(&error);
                stop_note(report, index);
                return;
            }
        }
    }
}

fn stop_note(report: &mut TargetReport, index: usize) {
    if index + 1 < report.chunks_planned {
        report.notes.push(format!(
            "Stopped after chunk {} of {}: chunks before it were imported, the rest were not sent.",
            index + 1,
            report.chunks_planned
        ));
    }
}

/// A server class name as a plural, when the schemas know it.
pub fn type_name(schemas: &SchemaRegistry, klass: &str) -> String {
    schemas
        .plural_of_klass(klass)
        .map(str::to_string)
        .unwrap_or_else(|| short_klass(klass).to_string())
}
