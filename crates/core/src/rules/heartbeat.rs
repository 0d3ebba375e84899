//! The scheduler's heartbeat (`scheduler` key): who runs it, when it last beat, its last and
//! next executions. The Rules panel draws a green or red dot from it, and a second scheduler
//! refuses to start while a fresh one from another host exists.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::schedule::parse_iso;
use crate::dhis2::Transport;
use crate::storage::{keys, Storage, StorageError};

/// What the `scheduler` key holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Heartbeat {
    /// The host the scheduler runs on.
    pub host: String,
    /// Tells two schedulers on one host apart.
    pub process_id: String,
    /// The DHIS2 account it runs rules as.
    pub account: String,
    pub started: String,
    /// Its last beat (ISO 8601): at least once a minute while it runs.
    pub beat: String,
    /// How often it beats, in seconds (a beat older than three of these is stale).
    #[serde(default = "Heartbeat::default_interval")]
    pub interval_seconds: u64,
    #[serde(default)]
    pub last_execution: Option<String>,
    #[serde(default)]
    pub next_execution: Option<String>,
    /// When it stopped cleanly; `None` while it runs (or if it died).
    #[serde(default)]
    pub stopped: Option<String>,
    /// Enabled rules it watches.
    #[serde(default)]
    pub rules: usize,
    /// Names of the rules running now.
    #[serde(default)]
    pub running: Vec<String>,
    /// The latest notes (skipped runs, rules that could not be read or run), newest last.
    #[serde(default)]
    pub notes: Vec<String>,
}

impl Heartbeat {
    fn default_interval() -> u64 {
        60
    }

    /// The age past which a beat no longer counts as a running scheduler.
    pub fn stale_after(&self) -> Duration {
        Duration::from_secs(self.interval_seconds.max(1) * 3)
    }

    /// Beat recently and not stopped.
    pub fn is_fresh(&self, now_millis: u64) -> bool {
        self.stopped.is_none()
            && parse_iso(&self.beat).is_some_and(|beat| {
                now_millis.saturating_sub(beat) <= self.stale_after().as_millis() as u64
            })
    }
}

/// The dot of the Rules panel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "camelCase")]
pub enum SchedulerStatus {
    /// Green: a scheduler beat recently.
    Running {
        host: String,
        next_execution: Option<String>,
        last_execution: Option<String>,
    },
    /// Red: it stopped cleanly.
    Stopped { at: String, host: String },
    /// Red: its last beat is too old (it died, or lost the server).
    Silent { last_beat: String, host: String },
    /// Red: no scheduler ever ran against this instance.
    NeverStarted,
}

impl SchedulerStatus {
    pub fn of(heartbeat: Option<&Heartbeat>, now_millis: u64) -> SchedulerStatus {
        match heartbeat {
            None => SchedulerStatus::NeverStarted,
            Some(beat) if beat.is_fresh(now_millis) => SchedulerStatus::Running {
                host: beat.host.clone(),
                next_execution: beat.next_execution.clone(),
                last_execution: beat.last_execution.clone(),
            },
            Some(beat) => match &beat.stopped {
                Some(at) => SchedulerStatus::Stopped {
                    at: at.clone(),
                    host: beat.host.clone(),
                },
                None => SchedulerStatus::Silent {
                    last_beat: beat.beat.clone(),
                    host: beat.host.clone(),
                },
            },
        }
    }

    /// Whether the dot is green.
    pub fn is_running(&self) -> bool {
        matches!(self, SchedulerStatus::Running { .. })
    }
}

/// The heartbeat, if a scheduler ever wrote one.
pub async fn read_heartbeat<T: Transport>(
    storage: &Storage<T>,
) -> Result<Option<Heartbeat>, StorageError> {
    storage.read(keys::SCHEDULER).await
}

pub(crate) async fn write_heartbeat<T: Transport>(
    storage: &Storage<T>,
    heartbeat: &Heartbeat,
) -> Result<(), StorageError> {
    storage.write(keys::SCHEDULER, heartbeat).await.map(|_| ())
}
