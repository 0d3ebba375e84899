//! What the scheduler tells its host (the CLI logs these with `tracing`), how it is set up,
//! and why it may refuse to start.

use std::fmt;
use std::time::Duration;

use super::store::RuleLoadProblem;
use crate::access::AccessDenied;
use crate::storage::StorageError;
use crate::sync::{SyncProgress, TargetStatus};

/// How a scheduler runs.
#[derive(Debug, Clone)]
pub struct SchedulerOptions {
    /// This machine's name, written in the heartbeat.
    pub host: String,
    /// Tells two processes apart (a fresh UID per start).
    pub process_id: String,
    /// How often rules are re-read and the heartbeat written.
    pub reload_every: Duration,
    /// How often old history is removed (administrators' accounts only).
    pub prune_every: Duration,
    /// Start even though another host's heartbeat is fresh.
    pub force: bool,
}

impl SchedulerOptions {
    pub fn new(host: &str) -> SchedulerOptions {
        SchedulerOptions {
            host: host.to_string(),
            process_id: crate::model::Uid::generate().as_str().to_string(),
            reload_every: Duration::from_secs(60),
            prune_every: Duration::from_secs(24 * 3600),
            force: false,
        }
    }
}

/// Why the scheduler did not start.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SchedulerError {
    #[error(
        "Another scheduler runs against this instance, on {host} (last heartbeat {beat}). Stop \
         it first, or start this one with --force if it is gone."
    )]
    AnotherScheduler { host: String, beat: String },
    #[error(transparent)]
    Denied(#[from] AccessDenied),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// Something the scheduler did or met.
#[derive(Debug, Clone, PartialEq)]
pub enum SchedulerEvent {
    Started {
        host: String,
        account: String,
        time_zone: String,
    },
    /// Rules re-read: `rules` enabled ones with a valid schedule.
    Reloaded {
        rules: usize,
    },
    ReloadFailed {
        error: String,
    },
    RuleUnreadable {
        problem: RuleLoadProblem,
    },
    InvalidSchedule {
        rule: String,
        error: String,
    },
    RunStarted {
        rule: String,
        due: String,
    },
    Progress {
        rule: String,
        event: SyncProgress,
    },
    RunFinished {
        rule: String,
        status: TargetStatus,
        history_id: Option<String>,
    },
    /// The run could not start (a deleted instance, refused access, an unreachable origin); it
    /// is in history as a failed run.
    RunRefused {
        rule: String,
        error: String,
    },
    /// Due while its previous run was still going: not started twice.
    RunSkipped {
        rule: String,
        due: String,
    },
    HistoryNotSaved {
        rule: String,
        error: String,
    },
    RecordNotSaved {
        rule: String,
        error: String,
    },
    HeartbeatFailed {
        error: String,
    },
    HistoryPruned {
        removed: usize,
    },
    PruneSkipped {
        reason: String,
    },
    Note {
        message: String,
    },
    /// Asked to stop: no new runs; `running` are asked to stop after their current chunk.
    Stopping {
        running: usize,
    },
    Stopped,
}

impl fmt::Display for SchedulerEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use SchedulerEvent::*;
        match self {
            Started {
                host,
                account,
                time_zone,
            } => write!(
                f,
                "Scheduler started on {host} as {account}; schedules run in {time_zone}."
            ),
            Reloaded { rules } => write!(f, "{rules} scheduled rule(s) loaded."),
            ReloadFailed { error } => write!(f, "The rules could not be re-read: {error}"),
            RuleUnreadable { problem } => write!(f, "{problem}"),
            InvalidSchedule { rule, error } => {
                write!(f, "\"{rule}\" is not scheduled: {error}")
            }
            RunStarted { rule, due } => write!(f, "\"{rule}\" started (due {due})."),
            Progress { rule, event } => write!(f, "\"{rule}\": {event:?}"),
            RunFinished {
                rule,
                status,
                history_id,
            } => write!(
                f,
                "\"{rule}\" finished: {status:?} (history {}).",
                history_id.as_deref().unwrap_or("not saved")
            ),
            RunRefused { rule, error } => write!(f, "\"{rule}\" did not run: {error}"),
            RunSkipped { rule, due } => write!(
                f,
                "\"{rule}\" was due {due} while its previous run was still going; this run was \
                 skipped."
            ),
            HistoryNotSaved { rule, error } => {
                write!(f, "The history of \"{rule}\" could not be saved: {error}")
            }
            RecordNotSaved { rule, error } => {
                write!(
                    f,
                    "The run record of \"{rule}\" could not be saved: {error}"
                )
            }
            HeartbeatFailed { error } => write!(f, "The heartbeat could not be written: {error}"),
            HistoryPruned { removed } => {
                write!(
                    f,
                    "{removed} history entr(y/ies) past the retention removed."
                )
            }
            PruneSkipped { reason } => write!(f, "Old history is not removed: {reason}"),
            Note { message } => f.write_str(message),
            Stopping { running } => write!(
                f,
                "Stopping: no new runs; {running} running rule(s) stop after their current chunk."
            ),
            Stopped => write!(f, "Scheduler stopped."),
        }
    }
}
