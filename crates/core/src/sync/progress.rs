use serde::Serialize;

use crate::dhis2::retry::RetryReason;

/// The pipeline's steps, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum SyncStep {
    /// Connect, learn versions and schemas.
    Prepare,
    /// Read the selection and its dependencies from the origin.
    Read,
    /// Clean up and adapt the payload to each target.
    Transform,
    /// Send the payload to a target, chunk by chunk.
    Write,
    /// Collect results.
    Report,
}

/// Progress events of a sync. The UI draws them, the CLI logs them.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "event", rename_all = "camelCase")]
pub enum SyncProgress {
    Step {
        step: SyncStep,
        /// The target concerned, for per-target steps.
        target: Option<String>,
        message: String,
    },
    /// `done` of `total` units (dependency levels, chunks) of a step.
    Advance {
        step: SyncStep,
        target: Option<String>,
        done: usize,
        total: usize,
    },
    /// Aggregated syncs: slices read and written to every destination so far, and values moved.
    DataValues {
        slices_done: usize,
        slices_total: usize,
        values_moved: u64,
    },
    /// Events syncs: pages read (and written to every destination) so far, and the objects
    /// they held (events, tracked entities).
    TrackerPages { pages: usize, entities: u64 },
    TargetDone {
        target: String,
        status: super::TargetStatus,
    },
    /// A request failed in a way that passes (or was too large) and is about to be sent
    /// again: "retrying (2 of 5) after a network error".
    Retrying {
        /// The instance concerned (`None`: the origin).
        target: Option<String>,
        /// The attempt about to be made (2 for the first retry).
        attempt: u32,
        max_attempts: u32,
        reason: RetryReason,
        /// How long the sync waits before it.
        delay_ms: u64,
    },
}

/// Receives progress events.
pub trait ProgressSink {
    fn on_progress(&self, event: SyncProgress);
}

impl<F: Fn(SyncProgress)> ProgressSink for F {
    fn on_progress(&self, event: SyncProgress) {
        self(event)
    }
}

/// Ignores progress.
pub struct NoProgress;

impl ProgressSink for NoProgress {
    fn on_progress(&self, _event: SyncProgress) {}
}
