//! The journal of a run: dataStore key `run-<id>` (owned by whoever runs it), written as the
//! run goes — what it plans, then, per destination, which objects arrived. A run cut short (the
//! browser closed, the laptop asleep, the CLI killed, the network gone) resumes from it: the
//! plan is read again, objects that arrived are not sent again, and the final report covers
//! the whole run. A finished run's journal is removed; those left are listed as unfinished.
//!
//! A journal holds instance ids, the selection, the options, object UIDs and reports without
//! raw server answers: never a credential.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::task::{Poll, Waker};

use futures::future::{poll_fn, LocalBoxFuture};
use serde::{Deserialize, Serialize};

use super::aggregated::AggregatedJob;
use super::metadata::chunk_queue::WrittenIds;
use super::metadata::{MetadataSelection, MetadataSyncOptions};
use super::report::TargetReport;
use super::run::RuleGrant;
use super::runtime::ChunkJournal;
use crate::access::{Actor, Operation};
use crate::dhis2::metadata::DeletedObject;
use crate::dhis2::Transport;
use crate::storage::{keys, Storage, StorageError};

/// The journal layout; a journal of another version is listed but not resumed.
pub const JOURNAL_VERSION: u32 = 1;

/// What a run does, as a journal keeps it (the selection already resolved).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum JournalJob {
    Metadata {
        selection: MetadataSelection,
        options: MetadataSyncOptions,
    },
    #[serde(rename_all = "camelCase")]
    Deletions {
        by_type: BTreeMap<String, Vec<DeletedObject>>,
        dry_run: bool,
    },
    /// Aggregated data values; `written` of a target holds the keys of the slices it received.
    Aggregated { job: Box<AggregatedJob> },
    /// Events and tracker data; `written` of a target holds the keys of the pages it received
    /// (program and the UIDs of the page), which a resumed run reads again but does not send.
    Events { job: Box<super::events::EventsJob> },
}

/// What one destination received so far.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JournalTarget {
    /// UIDs of the objects that arrived.
    pub written: Vec<String>,
    /// The report so far, without raw server answers.
    pub report: Option<TargetReport>,
}

impl JournalTarget {
    /// Objects that arrived here. A metadata or deletions journal keeps their UIDs; a data
    /// kind's keeps one key per slice or page, and the objects are those its report counts (the
    /// report is saved with every key, and carries an interrupted attempt's counts over).
    fn objects_arrived(&self, job: &JournalJob) -> usize {
        match job {
            JournalJob::Metadata { .. } | JournalJob::Deletions { .. } => self.written.len(),
            JournalJob::Aggregated { .. } | JournalJob::Events { .. } => {
                self.report.as_ref().map_or(0, |report| {
                    // What the destination took: refused (ignored) objects did not arrive.
                    let stats = &report.stats;
                    let arrived = stats.created + stats.updated + stats.deleted;
                    usize::try_from(arrived).unwrap_or(usize::MAX)
                })
            }
        }
    }
}

/// `run-<id>`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RunJournal {
    pub version: u32,
    pub id: String,
    /// When the run first started (the caller's clock, ISO 8601).
    pub started: String,
    /// Who runs it (username).
    pub user: Option<String>,
    /// Milliseconds since the epoch of the last write (a journal not written for long is stale).
    pub updated_millis: u64,
    pub origin: String,
    /// The origin's display name, for lists.
    pub origin_name: String,
    /// Destination instance ids, in order.
    pub destinations: Vec<String>,
    pub rule: Option<RuleGrant>,
    pub job: JournalJob,
    /// Attempts made so far (1 for a run never resumed).
    pub attempts: u32,
    /// One per destination, in the order of `destinations`.
    pub targets: Vec<JournalTarget>,
}

/// One line of the list of unfinished runs.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UnfinishedRun {
    pub id: String,
    pub started: String,
    pub user: Option<String>,
    pub origin_name: String,
    pub destinations: usize,
    pub updated_millis: u64,
    pub attempts: u32,
    /// Objects that already arrived, all destinations together: metadata objects (or
    /// deletions) by UID; data values, events, tracked entities (with their enrollments and
    /// events) as the imports so far counted them — never slices or pages.
    pub written: usize,
    /// Whether this version can resume it.
    pub resumable: bool,
}

/// How long after its journal's last write a run counts as still going somewhere (another tab,
/// another computer, the CLI). The journal is written when the run starts, after every chunk
/// that arrives, and at most every [`HEARTBEAT_MILLIS`] while requests wait (long reads before
/// the first write, a slow import), so its `updatedMillis` is the run's heartbeat.
pub const ACTIVE_RUN_WINDOW_MILLIS: u64 = 5 * 60 * 1000;

/// How often a running run touches its journal while it waits on requests: well inside
/// [`ACTIVE_RUN_WINDOW_MILLIS`], and rarely enough not to load the server.
pub const HEARTBEAT_MILLIS: u64 = 30 * 1000;

/// Whether an unfinished run is still going or was cut short.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "camelCase")]
pub enum RunActivity {
    /// Its journal was written `seconds_ago` seconds ago: it is very likely running elsewhere,
    /// and resuming it now would send the same chunks twice, side by side.
    #[serde(rename_all = "camelCase")]
    Running { seconds_ago: u64 },
    /// Nothing was written for longer than [`ACTIVE_RUN_WINDOW_MILLIS`]: it can be resumed.
    Interrupted,
}

impl UnfinishedRun {
    /// The run's activity at `now_millis` (the reader's clock). A heartbeat ahead of the
    /// reader's clock (clocks of two computers differ) counts as just now.
    pub fn activity(&self, now_millis: u64) -> RunActivity {
        if self.updated_millis == 0 {
            return RunActivity::Interrupted;
        }
        let since = now_millis.saturating_sub(self.updated_millis);
        if since < ACTIVE_RUN_WINDOW_MILLIS {
            RunActivity::Running {
                seconds_ago: since / 1000,
            }
        } else {
            RunActivity::Interrupted
        }
    }

    /// Whether to offer it for resuming: whenever this version can. A run that saved its
    /// progress lately ([`RunActivity::Running`]) may be going on in another tab, or its tab
    /// was just closed — nothing in the journal tells which — so it is offered with that
    /// caution (the app shows both), and the user decides.
    pub fn offer_to_resume(&self) -> bool {
        self.resumable
    }
}

impl RunJournal {
    pub fn key(&self) -> String {
        run_key(&self.id)
    }

    pub fn unfinished(&self) -> UnfinishedRun {
        UnfinishedRun {
            id: self.id.clone(),
            started: self.started.clone(),
            user: self.user.clone(),
            origin_name: self.origin_name.clone(),
            destinations: self.destinations.len(),
            updated_millis: self.updated_millis,
            attempts: self.attempts,
            written: self
                .targets
                .iter()
                .map(|t| t.objects_arrived(&self.job))
                .sum(),
            resumable: self.version == JOURNAL_VERSION,
        }
    }
}

/// `run-<id>`.
pub fn run_key(run_id: &str) -> String {
    format!("{}{run_id}", keys::RUN_PREFIX)
}

/// A journal kept in the dataStore as the run goes.
pub struct StoredJournal<'s, T> {
    storage: &'s Storage<T>,
    journal: RefCell<RunJournal>,
    now: Box<dyn Fn() -> u64 + 's>,
    /// The last write that failed, if the latest did (the next chunk writes again).
    failure: RefCell<Option<StorageError>>,
    /// When a write was last tried (the heartbeat waits [`HEARTBEAT_MILLIS`] from it).
    last_write: Cell<u64>,
    /// Writes one at a time, each with the state of its turn: a heartbeat started before a
    /// chunk's write never lands after it with an older state.
    writing: WriteTurn,
}

/// One journal write at a time (a tiny async lock: the engine's futures share one thread).
#[derive(Default)]
struct WriteTurn {
    busy: Cell<bool>,
    waiting: RefCell<Vec<Waker>>,
}

struct Turn<'a>(&'a WriteTurn);

impl WriteTurn {
    async fn take(&self) -> Turn<'_> {
        poll_fn(|cx| {
            if self.busy.get() {
                self.waiting.borrow_mut().push(cx.waker().clone());
                Poll::Pending
            } else {
                self.busy.set(true);
                Poll::Ready(())
            }
        })
        .await;
        Turn(self)
    }
}

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        self.0.busy.set(false);
        let waiting: Vec<Waker> = self.0.waiting.borrow_mut().drain(..).collect();
        waiting.into_iter().for_each(Waker::wake);
    }
}

impl<'s, T: Transport> StoredJournal<'s, T> {
    /// Writes a new journal; the run must not start without one if it is to be resumable.
    pub async fn create(
        storage: &'s Storage<T>,
        journal: RunJournal,
        now: impl Fn() -> u64 + 's,
    ) -> Result<Self, StorageError> {
        storage.write_new(&journal.key(), &journal).await?;
        Ok(Self::open(storage, journal, now))
    }

    /// A journal read back for a resumed run.
    pub fn open(storage: &'s Storage<T>, journal: RunJournal, now: impl Fn() -> u64 + 's) -> Self {
        let last_write = Cell::new(journal.updated_millis);
        StoredJournal {
            storage,
            journal: RefCell::new(journal),
            now: Box::new(now),
            failure: RefCell::new(None),
            last_write,
            writing: WriteTurn::default(),
        }
    }

    pub fn journal(&self) -> RunJournal {
        self.journal.borrow().clone()
    }

    /// The last write failed: the run cannot be resumed from where it is now.
    pub fn failure(&self) -> Option<StorageError> {
        self.failure.borrow().clone()
    }

    /// Writes the journal as it is now.
    pub async fn save(&self) -> Result<(), StorageError> {
        let _turn = self.writing.take().await;
        let snapshot = {
            let mut journal = self.journal.borrow_mut();
            journal.updated_millis = (self.now)();
            self.last_write.set(journal.updated_millis);
            journal.clone()
        };
        let outcome = self
            .storage
            .write(&snapshot.key(), &snapshot)
            .await
            .map(|_| ());
        *self.failure.borrow_mut() = outcome.as_ref().err().cloned();
        outcome
    }

    /// Removes the journal of a run that finished.
    pub async fn remove(&self) -> Result<bool, StorageError> {
        let key = self.journal.borrow().key();
        self.storage.remove(&key).await
    }
}

impl<T: Transport> ChunkJournal for StoredJournal<'_, T> {
    fn written_before(&self, target: usize) -> WrittenIds {
        self.journal
            .borrow()
            .targets
            .get(target)
            .map(|t| t.written.iter().cloned().collect())
            .unwrap_or_default()
    }

    fn report_before(&self, target: usize) -> Option<TargetReport> {
        self.journal
            .borrow()
            .targets
            .get(target)
            .and_then(|t| t.report.clone())
    }

    fn chunk_written<'a>(
        &'a self,
        target: usize,
        object_ids: &'a [String],
        report: &'a TargetReport,
    ) -> LocalBoxFuture<'a, ()> {
        {
            let mut journal = self.journal.borrow_mut();
            if journal.targets.len() <= target {
                journal
                    .targets
                    .resize_with(target + 1, JournalTarget::default);
            }
            let entry = &mut journal.targets[target];
            entry.written.extend(object_ids.iter().cloned());
            let mut kept = report.clone();
            kept.raw_responses.clear();
            entry.report = Some(kept);
        }
        // A failed write is remembered and tried again with the next chunk.
        Box::pin(async move {
            let _ = self.save().await;
        })
    }

    fn heartbeat_due_in(&self) -> u64 {
        let due = self.last_write.get().saturating_add(HEARTBEAT_MILLIS);
        due.saturating_sub((self.now)())
    }

    fn heartbeat(&self) -> LocalBoxFuture<'_, ()> {
        Box::pin(async move {
            if self.heartbeat_due_in() == 0 {
                let _ = self.save().await;
            }
        })
    }
}

/// Reads `run-<id>`; `None` when there is no such run (finished, or never started).
pub async fn load_journal<T: Transport>(
    storage: &Storage<T>,
    run_id: &str,
) -> Result<Option<RunJournal>, StorageError> {
    storage.read(&run_key(run_id)).await
}

/// The runs that started and did not finish, newest first. `user`: only theirs.
pub async fn list_unfinished_runs<T: Transport>(
    storage: &Storage<T>,
    user: Option<&str>,
) -> Result<Vec<UnfinishedRun>, StorageError> {
    let mut runs = Vec::new();
    for key in storage.keys().await? {
        let Some(id) = key.strip_prefix(keys::RUN_PREFIX) else {
            continue;
        };
        // A journal this version cannot read is still listed, so it can be seen and removed.
        let run = match storage.read::<RunJournal>(&key).await {
            Ok(Some(journal)) => journal.unfinished(),
            Ok(None) => continue,
            Err(StorageError::Corrupt { .. }) => UnfinishedRun {
                id: id.to_string(),
                started: String::new(),
                user: None,
                origin_name: String::new(),
                destinations: 0,
                updated_millis: 0,
                attempts: 0,
                written: 0,
                resumable: false,
            },
            Err(error) => return Err(error),
        };
        if user.is_none() || run.user.as_deref() == user {
            runs.push(run);
        }
    }
    runs.sort_by(|a, b| b.started.cmp(&a.started));
    Ok(runs)
}

/// The unfinished runs `actor` may see, newest first: configurators and administrators every
/// run, a run-only user their own (for the History panel and the offer to resume at start).
pub async fn unfinished_runs_for<T: Transport>(
    storage: &Storage<T>,
    actor: &Actor,
) -> Result<Vec<UnfinishedRun>, StorageError> {
    actor
        .authorize(Operation::ReadHistory)
        .map_err(StorageError::Denied)?;
    let sees_all = actor.authorize(Operation::DeleteHistory).is_ok();
    let me = actor.me().username.clone();
    list_unfinished_runs(storage, (!sees_all).then_some(me.as_str())).await
}

/// Gives up an unfinished run: its journal is removed, so it is no longer offered for resuming.
/// What it already wrote stays written, and its history entry (if an attempt saved one) stays.
/// Returns whether there was such a run. The journal is owned by whoever ran it: DHIS2 refuses
/// anyone else but a superuser, and `core` refuses a run-only user another's run.
pub async fn discard_run<T: Transport>(
    storage: &Storage<T>,
    actor: &Actor,
    run_id: &str,
) -> Result<bool, StorageError> {
    let visible = unfinished_runs_for(storage, actor).await?;
    if !visible.iter().any(|run| run.id == run_id) {
        return Ok(false);
    }
    storage.remove(&run_key(run_id)).await
}

/// The newest unfinished, resumable run of `actor`'s own from `origin` to `destinations` whose
/// job `same_job` recognises: what `mdsync sync … --resume` takes up instead of starting again.
pub async fn matching_unfinished_run<T: Transport>(
    storage: &Storage<T>,
    actor: &Actor,
    origin: &str,
    destinations: &[String],
    same_job: impl Fn(&JournalJob) -> bool,
) -> Result<Option<String>, StorageError> {
    actor
        .authorize(Operation::ReadHistory)
        .map_err(StorageError::Denied)?;
    let me = actor.me().username.clone();
    for run in list_unfinished_runs(storage, Some(me.as_str())).await? {
        if !run.resumable {
            continue;
        }
        let Some(journal) = load_journal(storage, &run.id).await? else {
            continue;
        };
        if journal.origin == origin
            && journal.destinations == destinations
            && same_job(&journal.job)
        {
            return Ok(Some(journal.id));
        }
    }
    Ok(None)
}

/// Whether a journal's metadata job is about the same objects as `selection` (order aside).
pub fn same_metadata_objects(job: &JournalJob, selection: &MetadataSelection) -> bool {
    let JournalJob::Metadata {
        selection: journaled,
        ..
    } = job
    else {
        return false;
    };
    let mut a: Vec<&String> = journaled.ids.iter().collect();
    let mut b: Vec<&String> = selection.ids.iter().collect();
    a.sort();
    a.dedup();
    b.sort();
    b.dedup();
    a == b
}

#[cfg(test)]
mod written_tests {
    use super::*;
    use crate::sync::events::{EventsJob, EventsSelection, EventsSyncOptions};

    fn journal(job: JournalJob, targets: Vec<JournalTarget>) -> RunJournal {
        RunJournal {
            version: JOURNAL_VERSION,
            id: "run1".into(),
            started: "2026-12-03T10:00:00Z".into(),
            user: None,
            updated_millis: 0,
            origin: "origin".into(),
            origin_name: "Origin".into(),
            destinations: vec!["a".into(), "b".into()],
            rule: None,
            job,
            attempts: 1,
            targets,
        }
    }

    fn target(keys: &[&str], objects: Option<u64>) -> JournalTarget {
        JournalTarget {
            written: keys.iter().map(|key| key.to_string()).collect(),
            report: objects.map(|arrived| {
                let mut report = TargetReport::new("B", "http://b");
                report.stats.created = arrived;
                // Refused objects are counted in the total but did not arrive.
                report.stats.ignored = 4;
                report.stats.total = arrived + 4;
                report
            }),
        }
    }

    #[test]
    fn an_events_run_counts_the_objects_of_its_pages_not_the_pages() {
        let job = JournalJob::Events {
            job: Box::new(EventsJob {
                selection: EventsSelection::default(),
                options: EventsSyncOptions::default(),
                last_run: Default::default(),
                started_millis: 0,
                uid_seed: String::new(),
            }),
        };
        let run = journal(
            job,
            vec![
                target(&["page:P:aa", "page:P:bb"], Some(100)),
                target(&["page:P:aa"], Some(50)),
                // Nothing arrived yet: no report, nothing to count.
                target(&[], None),
            ],
        );
        assert_eq!(run.unfinished().written, 150);
    }

    #[test]
    fn a_metadata_run_counts_the_uids_that_arrived() {
        let job = JournalJob::Deletions {
            by_type: BTreeMap::new(),
            dry_run: false,
        };
        let run = journal(job, vec![target(&["a1", "a2", "a3"], Some(7))]);
        assert_eq!(run.unfinished().written, 3);
    }
}

#[cfg(test)]
mod activity_tests {
    use super::*;

    fn run(updated_millis: u64, resumable: bool) -> UnfinishedRun {
        UnfinishedRun {
            id: "run1".into(),
            started: "2026-12-03T10:00:00Z".into(),
            user: Some("admin".into()),
            origin_name: "This instance".into(),
            destinations: 1,
            updated_millis,
            attempts: 1,
            written: 10,
            resumable,
        }
    }

    const NOW: u64 = 1_800_000_000_000;

    #[test]
    fn a_run_whose_journal_was_written_lately_is_running_elsewhere() {
        let fresh = run(NOW - 20_000, true);
        assert_eq!(
            fresh.activity(NOW),
            RunActivity::Running { seconds_ago: 20 }
        );
        assert!(
            fresh.offer_to_resume(),
            "offered, with the caution: its tab may be closed"
        );
        let edge = run(NOW - ACTIVE_RUN_WINDOW_MILLIS + 1, true);
        assert!(matches!(edge.activity(NOW), RunActivity::Running { .. }));
    }

    #[test]
    fn a_run_silent_for_longer_than_the_window_is_interrupted() {
        let old = run(NOW - ACTIVE_RUN_WINDOW_MILLIS, true);
        assert_eq!(old.activity(NOW), RunActivity::Interrupted);
        assert!(old.offer_to_resume());
        assert!(
            !run(NOW - ACTIVE_RUN_WINDOW_MILLIS, false).offer_to_resume(),
            "a journal of another version is never offered"
        );
        assert_eq!(
            run(0, true).activity(NOW),
            RunActivity::Interrupted,
            "unknown"
        );
    }

    #[test]
    fn a_heartbeat_ahead_of_the_reader_clock_counts_as_now() {
        assert_eq!(
            run(NOW + 30_000, true).activity(NOW),
            RunActivity::Running { seconds_ago: 0 }
        );
    }
}
