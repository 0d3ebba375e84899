//! The write step: a payload to one target, chunk by chunk, with cancellation between chunks.
//!
//! Chunk sizes adapt to the link: the first chunk is at most [`ChunkSizer::START`], a chunk
//! refused as too large (413, 414, a proxy's 504, no answer in time) goes back to the queue and
//! leaves again at half the size, and sizes grow back after chunks that went through — up to the
//! limits of the options, which nobody needs to tune by hand. Large chunks are imported
//! asynchronously and followed until done, so no request stays open for a proxy to cut.

use super::chunk_queue::{ChunkQueue, QueuedChunk};
use super::cleanup::Payload;
use super::selection::ChunkLimits;
use crate::clock::Clock;
use crate::dhis2::import_jobs::import_metadata_async;
use crate::dhis2::metadata::{import_metadata_bytes, AtomicMode, ImportOptions};
use crate::dhis2::retry::{RetryNotice, RetryReason};
use crate::dhis2::schemas::short_klass;
use crate::dhis2::TransportError;
use crate::dhis2::{Dhis2Error, ImportResult, ImportStatus, SchemaRegistry, Transport};
use crate::sync::report::{ChunkReport, ReportNote, TargetReport, TargetStatus};
use crate::sync::runtime::{EngineClient, SyncRuntime};
use crate::sync::{SyncProgress, SyncStep};

/// How a payload is written to one target.
pub struct WritePlan<'a> {
    pub schemas: &'a SchemaRegistry,
    /// Import order of a type (lower first).
    pub order: &'a dyn Fn(&str) -> i64,
    pub options: &'a ImportOptions,
    /// The largest chunks allowed.
    pub limits: ChunkLimits,
    pub strip_timestamps: bool,
    /// The target's index among the run's destinations (for the journal).
    pub target_index: usize,
}

/// The chunk size of the moment: halves when a chunk is too large, doubles back after
/// [`ChunkSizer::GROW_AFTER`] chunks in a row went through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChunkSizer {
    ceiling: ChunkLimits,
    current: ChunkLimits,
    good_in_a_row: u32,
}

impl ChunkSizer {
    /// Where metadata chunks start: what a 2G link uploads in well under a minute.
    pub const START: ChunkLimits = ChunkLimits {
        max_objects: 1000,
        max_bytes: 1024 * 1024,
    };
    /// The smallest byte budget halving goes down to (a chunk still holds one object).
    pub const MIN_BYTES: usize = 16 * 1024;
    pub const GROW_AFTER: u32 = 2;

    pub fn new(ceiling: ChunkLimits) -> Self {
        ChunkSizer {
            ceiling,
            current: ChunkLimits {
                max_objects: ceiling.max_objects.clamp(1, Self::START.max_objects),
                max_bytes: ceiling.max_bytes.min(Self::START.max_bytes),
            },
            good_in_a_row: 0,
        }
    }

    pub fn current(&self) -> ChunkLimits {
        self.current
    }

    /// A chunk of `objects` and `bytes` was too large.
    pub fn shrink(&mut self, objects: usize, bytes: usize) {
        self.current = ChunkLimits {
            max_objects: (objects / 2).max(1),
            max_bytes: (bytes / 2).max(Self::MIN_BYTES),
        };
        self.good_in_a_row = 0;
    }

    /// A chunk went through.
    pub fn succeeded(&mut self) {
        self.good_in_a_row += 1;
        if self.good_in_a_row >= Self::GROW_AFTER {
            self.good_in_a_row = 0;
            self.current = ChunkLimits {
                max_objects: (self.current.max_objects * 2).min(self.ceiling.max_objects),
                max_bytes: (self.current.max_bytes * 2).min(self.ceiling.max_bytes),
            };
        }
    }
}

/// Sends `payload` to one target. Chunks go in schema order; a chunk refused as a whole under
/// `atomicMode=ALL` stops the target (later chunks would only point at missing objects).
/// Objects the journal says this target received before are not sent again.
pub async fn write_payload<T: Transport, C: Clock>(
    client: &EngineClient<'_, T, C>,
    payload: Payload,
    plan: &WritePlan<'_>,
    report: &mut TargetReport,
    runtime: &SyncRuntime<'_, C>,
) {
    let written = runtime
        .journal
        .map(|journal| journal.written_before(plan.target_index))
        .unwrap_or_default();
    let mut queue = ChunkQueue::new(payload, plan.order, plan.strip_timestamps, &|id| {
        written.contains(id)
    });
    if queue.skipped() > 0 {
        report.notes.push(ReportNote::AlreadySent {
            objects: queue.skipped(),
        });
    }
    let mut sizer = ChunkSizer::new(plan.limits);
    let mut halvings = 0u32;
    report.chunks_planned = report.chunks.len() + queue.count_chunks(sizer.current());
    advance(runtime, report);
    loop {
        if runtime.cancel.is_cancelled() {
            report.raise(TargetStatus::Cancelled);
            report.notes.push(ReportNote::Cancelled {
                sent: report.chunks.len(),
                planned: report.chunks_planned,
            });
            return;
        }
        let Some(queued) = queue.next_chunk(sizer.current()) else {
            return;
        };
        let outcome = send_chunk(client, &queued, plan.options, runtime).await;
        if let Err(error) = &outcome {
            if too_large(error) && queued.divisible && halvings + 1 < runtime.retry.max_attempts {
                halvings += 1;
                sizer.shrink(queued.chunk.objects, queued.chunk.bytes());
                client.transport().note_retry(&RetryNotice {
                    attempt: halvings + 1,
                    max_attempts: runtime.retry.max_attempts,
                    reason: RetryReason::TooLarge,
                    delay: std::time::Duration::ZERO,
                });
                queue.put_back(queued);
                report.chunks_planned = report.chunks.len() + queue.count_chunks(sizer.current());
                continue;
            }
        }
        halvings = 0;
        let mut chunk_report = ChunkReport {
            index: report.chunks.len(),
            types: queued.chunk.types.clone(),
            objects: queued.chunk.objects,
            bytes: queued.chunk.bytes(),
            status: None,
            http_status: None,
        };
        match outcome {
            Ok(result) => {
                chunk_report.status = Some(result.status);
                chunk_report.http_status = Some(result.http_status);
                let refused = result.status == ImportStatus::Error;
                report.add_import(result, |klass| type_name(plan.schemas, klass));
                report.chunks.push(chunk_report);
                if refused && plan.options.atomic == AtomicMode::All {
                    stop_note(report);
                    return;
                }
                if !refused {
                    sizer.succeeded();
                    if let Some(journal) = runtime.journal {
                        journal
                            .chunk_written(plan.target_index, &queued.ids, report)
                            .await;
                    }
                }
                report.chunks_planned = report.chunks.len() + queue.count_chunks(sizer.current());
                advance(runtime, report);
            }
            Err(error) => {
                report.chunks.push(chunk_report);
                report.fail(&error);
                stop_note(report);
                return;
            }
        }
    }
}

/// One chunk, synchronously or (when large, or when the options say so) as a job followed to
/// the end.
async fn send_chunk<T: Transport, C: Clock>(
    client: &EngineClient<'_, T, C>,
    queued: &QueuedChunk,
    options: &ImportOptions,
    runtime: &SyncRuntime<'_, C>,
) -> Result<ImportResult, Dhis2Error> {
    let body = queued.chunk.body.clone();
    if options.asynchronous.applies_to(body.len()) {
        import_metadata_async(client, runtime.clock, body, options, &runtime.polling).await
    } else {
        import_metadata_bytes(client, body, options).await
    }
}

/// Whether the server or the link refused a chunk for its size: 413, 414, a proxy's 504, or no
/// answer in time (writes that time out are not repeated as they are).
fn too_large(error: &Dhis2Error) -> bool {
    matches!(error.status(), Some(413 | 414 | 504))
        || matches!(
            error,
            Dhis2Error::Interrupted {
                source: TransportError::Timeout { .. },
                ..
            }
        )
}

fn advance<C>(runtime: &SyncRuntime<'_, C>, report: &TargetReport) {
    runtime.progress.on_progress(SyncProgress::Advance {
        step: SyncStep::Write,
        target: Some(report.target.clone()),
        done: report.chunks.len(),
        total: report.chunks_planned,
    });
}

fn stop_note(report: &mut TargetReport) {
    let sent = report.chunks.len();
    if sent < report.chunks_planned {
        report.notes.push(ReportNote::StoppedAfterChunk {
            sent,
            planned: report.chunks_planned,
        });
    }
}

/// A server class name as a plural, when the schemas know it.
pub fn type_name(schemas: &SchemaRegistry, klass: &str) -> String {
    schemas
        .plural_of_klass(klass)
        .map(str::to_string)
        .unwrap_or_else(|| short_klass(klass).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_halve_when_too_large_and_grow_back_to_the_ceiling() {
        let mut sizer = ChunkSizer::new(ChunkLimits::default());
        assert_eq!(sizer.current(), ChunkSizer::START);
        sizer.shrink(1000, 800_000);
        assert_eq!(sizer.current().max_objects, 500);
        assert_eq!(sizer.current().max_bytes, 400_000);
        for _ in 0..ChunkSizer::GROW_AFTER {
            sizer.succeeded();
        }
        assert_eq!(sizer.current().max_objects, 1000);
        for _ in 0..40 {
            sizer.succeeded();
        }
        assert_eq!(sizer.current(), ChunkLimits::default());
        sizer.shrink(1, 10);
        assert_eq!(sizer.current().max_objects, 1);
        assert_eq!(sizer.current().max_bytes, ChunkSizer::MIN_BYTES);
    }
}
