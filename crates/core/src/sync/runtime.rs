//! What every sync kind runs with besides its data: the clock, progress, cancellation, the
//! retry and polling policies, and the journal of the run. Kinds build their instance clients
//! through [`SyncRuntime::client_for`], so timeouts, retries and counting come with them.

use futures::future::LocalBoxFuture;

use super::report::TargetReport;
use super::transport::{CountingTransport, HeartbeatTransport};
use super::{CancellationToken, ProgressSink, SyncProgress};
use crate::clock::Clock;
use crate::dhis2::import_jobs::JobPolling;
use crate::dhis2::retry::{
    ReliableTransport, RequestTimeouts, RetryListener, RetryNotice, RetryPolicy,
};
use crate::dhis2::{Auth, Dhis2Client, Transport};
use crate::sync::metadata::chunk_queue::WrittenIds;

/// A client as the engine uses it: requests retried and timed (outside), counted (inside, so
/// every attempt counts as the server would log it), and the run's journal touched at a bounded
/// interval while an attempt waits (innermost).
pub type EngineClient<'a, T, C> =
    Dhis2Client<ReliableTransport<'a, CountingTransport<HeartbeatTransport<'a, T, C>>, C>>;

/// Records a run's progress as it goes, so that a run cut short can resume where it stopped
/// (see [`crate::sync::journal`]). Targets are named by their index among the destinations.
pub trait ChunkJournal {
    /// UIDs a target already received in an earlier attempt of this run.
    fn written_before(&self, target: usize) -> WrittenIds;

    /// What an earlier attempt of this run reported for a target, to continue from.
    fn report_before(&self, target: usize) -> Option<TargetReport>;

    /// A chunk reached a target: its objects are not to be sent again.
    fn chunk_written<'a>(
        &'a self,
        target: usize,
        object_ids: &'a [String],
        report: &'a TargetReport,
    ) -> LocalBoxFuture<'a, ()>;

    /// Milliseconds until the run should touch its journal again ([`Self::heartbeat`]);
    /// `u64::MAX`: never.
    fn heartbeat_due_in(&self) -> u64 {
        u64::MAX
    }

    /// Touches the journal when it is due, so that a run busy reading (or waiting on one long
    /// request) is not taken for one cut short. Every engine request drives it while it waits.
    fn heartbeat(&self) -> LocalBoxFuture<'_, ()> {
        Box::pin(async {})
    }
}

pub struct SyncRuntime<'a, C> {
    pub clock: &'a C,
    pub progress: &'a dyn ProgressSink,
    pub cancel: &'a CancellationToken,
    pub retry: RetryPolicy,
    pub polling: JobPolling,
    pub journal: Option<&'a dyn ChunkJournal>,
}

impl<'a, C: Clock> SyncRuntime<'a, C> {
    /// Default retry and polling policies, no journal.
    pub fn new(
        clock: &'a C,
        progress: &'a dyn ProgressSink,
        cancel: &'a CancellationToken,
    ) -> Self {
        SyncRuntime {
            clock,
            progress,
            cancel,
            retry: RetryPolicy::default(),
            polling: JobPolling::default(),
            journal: None,
        }
    }

    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    pub fn with_journal(mut self, journal: &'a dyn ChunkJournal) -> Self {
        self.journal = Some(journal);
        self
    }

    /// Tells progress about the retries on `instance` (`None`: the origin).
    pub fn retry_listener(&self, instance: Option<&str>) -> ProgressRetries<'a> {
        ProgressRetries {
            progress: self.progress,
            instance: instance.map(str::to_string),
        }
    }

    /// A client of the instance at `base_url` over `transport`, retrying, timed and counting;
    /// a stop asked for ends its retry waits at once.
    pub fn client_for<'r, T: Transport>(
        &'r self,
        base_url: &str,
        auth: &Auth,
        transport: T,
        listener: &'r ProgressRetries<'a>,
    ) -> EngineClient<'r, T, C>
    where
        'a: 'r,
    {
        self.timed_client_for(base_url, auth, transport, listener, None)
    }

    /// [`Self::client_for`] with the instance's own time limits (`None`: the policy's).
    pub fn timed_client_for<'r, T: Transport>(
        &'r self,
        base_url: &str,
        auth: &Auth,
        transport: T,
        listener: &'r ProgressRetries<'a>,
        timeouts: Option<RequestTimeouts>,
    ) -> EngineClient<'r, T, C>
    where
        'a: 'r,
    {
        let beating = HeartbeatTransport::new(transport, self.clock, self.journal);
        let mut reliable =
            ReliableTransport::new(CountingTransport::new(beating), self.clock, self.retry)
                .with_listener(listener)
                .with_cancel(self.cancel);
        if let Some(timeouts) = timeouts {
            reliable = reliable.with_timeouts(timeouts);
        }
        Dhis2Client::new(reliable, base_url, auth.clone())
    }
}

/// Turns retries into [`SyncProgress::Retrying`] events.
pub struct ProgressRetries<'a> {
    progress: &'a dyn ProgressSink,
    instance: Option<String>,
}

impl RetryListener for ProgressRetries<'_> {
    fn on_retry(&self, notice: &RetryNotice) {
        self.progress.on_progress(SyncProgress::Retrying {
            target: self.instance.clone(),
            attempt: notice.attempt,
            max_attempts: notice.max_attempts,
            reason: notice.reason,
            delay_ms: u64::try_from(notice.delay.as_millis()).unwrap_or(u64::MAX),
        });
    }
}

/// Requests and retries of an engine client.
pub fn counts<T: Transport, C: Clock>(client: &EngineClient<'_, T, C>) -> (usize, usize) {
    let transport = client.transport();
    (transport.inner().count(), transport.retries())
}
