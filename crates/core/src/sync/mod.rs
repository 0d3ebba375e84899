//! The sync engine. One pipeline for every kind:
//! prepare → read → transform → write → report. Only what differs by kind lives in a
//! submodule (`metadata/`).

pub mod aggregated;
pub mod cancel;
pub mod events;
pub mod history;
pub mod history_panel;
pub mod journal;
pub mod metadata;
pub mod notes;
pub mod problems;
pub mod progress;
pub mod report;
pub mod resume;
pub mod run;
pub mod runtime;
pub mod transport;

pub use cancel::CancellationToken;
pub use history::{
    capped_for_history, list_history, load_from_history, prune_history, save_run_to_history,
    save_run_with_parameters, save_to_history, HistoryEntry, HistorySummary, RunContext,
    RunParameters,
};
pub use history_panel::{
    delete_history, errors_csv, list_rule_history, read_history_entry, search_errors, stored_texts,
    HistoryDeletion, HistoryPage, HistoryQuery, HistorySort, ShownError,
};
pub use journal::{
    discard_run, list_unfinished_runs, load_journal, matching_unfinished_run,
    same_metadata_objects, unfinished_runs_for, RunActivity, RunJournal, UnfinishedRun,
    ACTIVE_RUN_WINDOW_MILLIS, HEARTBEAT_MILLIS,
};
pub use progress::{NoProgress, ProgressSink, SyncProgress, SyncStep};
pub use report::{
    DryRunPreview, ReportNote, SyncError, SyncProblem, SyncReport, TargetReport, TargetStatus,
    TypeStats,
};
pub use resume::resume_sync;
pub use run::{
    build_payloads, run_sync, MetadataPicks, RuleGrant, RunError, RunOutcome, SyncJob, SyncRequest,
};
pub use runtime::{ChunkJournal, EngineClient, SyncRuntime};
