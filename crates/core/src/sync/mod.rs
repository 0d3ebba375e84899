//! The sync engine. One pipeline for every kind:
//! prepare → read → transform → write → report. Only what differs by kind lives in a
//! submodule (`metadata/`).

pub mod cancel;
pub mod history;
pub mod metadata;
pub mod progress;
pub mod report;
pub mod run;
pub mod transport;

pub use cancel::CancellationToken;
pub use history::{
    capped_for_history, list_history, load_from_history, prune_history, save_to_history,
    HistoryEntry, HistorySummary, RunContext,
};
pub use progress::{NoProgress, ProgressSink, SyncProgress, SyncStep};
pub use report::{DryRunPreview, SyncError, SyncReport, TargetReport, TargetStatus, TypeStats};
pub use run::{
    build_payloads, run_sync, MetadataPicks, RuleGrant, RunError, RunOutcome, SyncJob, SyncRequest,
};
