//! Resuming a run that stopped half-way (the browser closed, the laptop asleep, the CLI
//! killed, the network gone): its journal (`run-<id>`) says what it planned and what arrived;
//! the run goes through the same sequence as [`super::run_sync`] from there.

use super::journal::{load_journal, JournalJob, StoredJournal, JOURNAL_VERSION};
use super::run::{authorize_operation, open_instances, Run, RunError, RunOutcome};
use super::{CancellationToken, ProgressSink};
use crate::access::Operation;
use crate::clock::Clock;
use crate::dhis2::Transport;
use crate::instances::InstanceManager;
use crate::storage::Storage;
use crate::sync::metadata::replan_deletions;

/// Takes up a run that stopped half-way, from its journal: objects that reached a destination
/// are not sent again, and the report (and its history entry) covers the whole run.
pub async fn resume_sync<T: Transport, C: Clock>(
    manager: &InstanceManager,
    storage: &Storage<T>,
    run_id: &str,
    progress: &dyn ProgressSink,
    cancel: &CancellationToken,
    clock: &C,
) -> Result<RunOutcome, RunError> {
    let mut journal = load_journal(storage, run_id)
        .await
        .map_err(RunError::Journal)?
        .ok_or_else(|| RunError::NoSuchRun { id: run_id.into() })?;
    if journal.version != JOURNAL_VERSION {
        return Err(RunError::CannotResume { id: run_id.into() });
    }
    let manual = match &journal.job {
        JournalJob::Metadata { .. } => Operation::RunMetadataSync,
        JournalJob::Deletions { .. } => Operation::ReplayDeletions,
        JournalJob::Aggregated { .. } => Operation::RunAggregatedSync,
        JournalJob::Events { .. } => Operation::RunEventsSync,
    };
    let operation = authorize_operation(manager, journal.rule.as_ref(), manual)?;
    let (origin, destinations) = open_instances(
        manager,
        storage,
        &journal.origin,
        &journal.destinations,
        operation,
    )
    .await?;
    let deletions = match &journal.job {
        JournalJob::Deletions { by_type, .. } => Some(
            replan_deletions(&origin, by_type.clone())
                .await
                .map_err(RunError::Selection)?,
        ),
        JournalJob::Metadata { .. } | JournalJob::Aggregated { .. } | JournalJob::Events { .. } => {
            None
        }
    };
    journal.attempts += 1;
    let stored = StoredJournal::open(storage, journal.clone(), || clock.now_millis());
    // The attempt is counted even if nothing else gets written.
    let _ = stored.save().await;
    let run = Run {
        storage,
        origin: &origin,
        destinations: &destinations,
        journal: &journal,
        deletions,
    };
    Ok(run.execute(Some(Ok(stored)), progress, cancel, clock).await)
}
