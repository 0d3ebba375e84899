//! The sync engine. One pipeline for every kind:
//! prepare → read → transform → write → report. Only what differs by kind lives in a
//! submodule (`metadata/`).

pub mod cancel;
pub mod history;
pub mod metadata;
pub mod progress;
pub mod report;
pub mod transport;

pub use cancel::CancellationToken;
pub use history::{load_from_history, save_to_history, HistorySummary, RunContext};
pub use progress::{NoProgress, ProgressSink, SyncProgress, SyncStep};
pub use report::{DryRunPreview, SyncError, SyncReport, TargetReport, TargetStatus, TypeStats};
