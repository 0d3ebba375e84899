//! Timeouts and retries for every request of a sync: a [`Transport`] wrapper, so each sync kind
//! gets them by building its clients through it.
//!
//! - Every attempt has a total time limit, enforced with the [`Clock`] (the adapters add a
//!   connect limit where their HTTP stack has one).
//! - Transient failures — a dropped connection, a timeout, 502/503/504, 429 — are retried with
//!   exponential backoff and jitter, at most [`RetryPolicy::max_attempts`] attempts, and only
//!   where repeating cannot change the outcome ([`repeat_safety`]).
//! - A 401, a redirect or an HTML login page is never retried: it goes straight back to the
//!   client, which turns it into [`super::Dhis2Error::Unauthorized`] or
//!   [`super::Dhis2Error::LoginPage`].
//! - Writes that time out (or that a proxy cut with 504) are not repeated here: the caller
//!   sends less (smaller chunks) instead of sending the same thing again.
//! - A stop asked for ([`CancellationToken`]) ends a backoff wait at once, and no retry starts
//!   after it: the last failure goes back to the caller, which sees the stop.

use std::cell::Cell;
use std::time::Duration;

use futures::future::{select, Either};
use serde::{Deserialize, Serialize};

use super::{HttpRequest, HttpResponse, Method, Transport, TransportError};
use crate::clock::Clock;
use crate::sync::CancellationToken;

/// Time limits of one request. Defaults suit a 2G link (a round trip of a second, tens of
/// kilobytes a second); an instance can set its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RequestTimeouts {
    /// Until the connection is open (DNS, TCP, TLS). Applied by adapters that can.
    pub connect_seconds: u64,
    /// Until the whole answer has arrived.
    pub total_seconds: u64,
}

impl Default for RequestTimeouts {
    fn default() -> Self {
        RequestTimeouts {
            connect_seconds: 30,
            total_seconds: 180,
        }
    }
}

/// Why time limits cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TimeoutsProblem {
    #[error(
        "The connect time limit must be between 1 and 600 seconds (it is {seconds}); 30 suits a \
         slow link."
    )]
    Connect { seconds: u64 },
    #[error(
        "The total time limit must be between 5 and 3600 seconds (it is {seconds}); a proxy that \
         cuts requests at 60 seconds needs less than 60."
    )]
    Total { seconds: u64 },
    #[error(
        "The total time limit ({total} s) must not be shorter than the connect time limit \
         ({connect} s): raise the total or lower the connect limit."
    )]
    TotalBelowConnect { connect: u64, total: u64 },
}

impl RequestTimeouts {
    /// Limits a request can run with: connect 1–600 s, total 5–3600 s, total ≥ connect.
    pub fn validate(&self) -> Result<(), TimeoutsProblem> {
        if !(1..=600).contains(&self.connect_seconds) {
            return Err(TimeoutsProblem::Connect {
                seconds: self.connect_seconds,
            });
        }
        if !(5..=3600).contains(&self.total_seconds) {
            return Err(TimeoutsProblem::Total {
                seconds: self.total_seconds,
            });
        }
        if self.total_seconds < self.connect_seconds {
            return Err(TimeoutsProblem::TotalBelowConnect {
                connect: self.connect_seconds,
                total: self.total_seconds,
            });
        }
        Ok(())
    }

    pub fn connect(&self) -> Duration {
        Duration::from_secs(self.connect_seconds.max(1))
    }

    pub fn total(&self) -> Duration {
        Duration::from_secs(self.total_seconds.max(1))
    }
}

/// How a sync retries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included.
    pub max_attempts: u32,
    /// The wait before the second attempt; each further wait doubles, up to `max_delay`.
    pub first_delay: Duration,
    pub max_delay: Duration,
    pub timeouts: RequestTimeouts,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 5,
            first_delay: Duration::from_secs(2),
            max_delay: Duration::from_secs(60),
            timeouts: RequestTimeouts::default(),
        }
    }
}

impl RetryPolicy {
    /// The wait before attempt `next_attempt` (2 for the first retry), before jitter.
    pub fn backoff(&self, next_attempt: u32) -> Duration {
        let doublings = next_attempt.saturating_sub(2).min(20);
        self.first_delay
            .saturating_mul(1 << doublings)
            .min(self.max_delay)
    }
}

/// Why a request is being sent again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum RetryReason {
    /// No answer within the time limit.
    Timeout,
    /// The connection broke before the answer was complete.
    ConnectionDropped,
    /// The server could not be reached (after it had been reached in this run).
    Unreachable,
    /// The server, or a proxy before it, said it is busy or down for now (429, 502, 503, 504).
    ServerUnavailable { status: u16 },
    /// The request was too large for the link or the server (413, 414, or a write that timed
    /// out): it is sent again in smaller pieces.
    TooLarge,
}

/// One retry about to happen, for progress ("retrying (2 of 5) after a network error").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryNotice {
    /// The attempt about to be made: 2 for the first retry.
    pub attempt: u32,
    pub max_attempts: u32,
    pub reason: RetryReason,
    /// How long the sync waits before it.
    pub delay: Duration,
}

/// Told about every retry.
pub trait RetryListener {
    fn on_retry(&self, notice: &RetryNotice);
}

impl<F: Fn(&RetryNotice)> RetryListener for F {
    fn on_retry(&self, notice: &RetryNotice) {
        self(notice)
    }
}

/// Whether a request may be sent again after a failure that left its outcome unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RepeatSafety {
    /// A read: repeat freely.
    Read,
    /// A write whose result is the same when repeated: metadata and data value imports other
    /// than `CREATE` (the objects carry their UIDs, fixed before the first attempt; data values
    /// are keyed by what they are about), tracker imports that create or update (UIDs fixed
    /// before the first attempt), deletions by id, dataStore `PUT`s.
    IdempotentWrite,
    /// Anything else: a second attempt could write twice.
    Unsafe,
}

/// Classifies a request by method, endpoint and import strategy. Requests through a DHIS2
/// route are classified by the remote path after `/run/`.
pub fn repeat_safety(request: &HttpRequest) -> RepeatSafety {
    if request.method == Method::Get {
        return RepeatSafety::Read;
    }
    let (path, query) = request
        .url
        .split_once('?')
        .unwrap_or((request.url.as_str(), ""));
    let path = path.rsplit_once("/run/").map_or(path, |(_, remote)| remote);
    let path = path.trim_end_matches('/');
    let strategy_is_create = query.split('&').any(|pair| {
        pair.eq_ignore_ascii_case("importStrategy=CREATE")
            || pair.eq_ignore_ascii_case("strategy=CREATE")
    });
    // Tracker imports repeat safely only when they say they create *or update*: the engine
    // fixes every object's UID before the first attempt, so a second attempt updates what the
    // first created instead of writing it twice.
    let create_or_update = query.split('&').any(|pair| {
        pair.eq_ignore_ascii_case("importStrategy=CREATE_AND_UPDATE")
            || pair.eq_ignore_ascii_case("strategy=CREATE_AND_UPDATE")
    });
    let endpoint = path.rsplit('/').next().unwrap_or_default();
    let endpoint = endpoint.strip_suffix(".json").unwrap_or(endpoint);
    match (request.method, endpoint) {
        (Method::Post, "metadata" | "dataValueSets") if !strategy_is_create => {
            RepeatSafety::IdempotentWrite
        }
        (Method::Post, "tracker" | "events" | "trackedEntityInstances" | "enrollments")
            if create_or_update =>
        {
            RepeatSafety::IdempotentWrite
        }
        (Method::Put, _) if path.contains("/dataStore/") => RepeatSafety::IdempotentWrite,
        _ => RepeatSafety::Unsafe,
    }
}

/// Retries transient failures of `inner`, with time limits from the clock. Counts the
/// retries it made; tells `listener` before each.
pub struct ReliableTransport<'a, T, C> {
    inner: T,
    clock: &'a C,
    policy: RetryPolicy,
    listener: Option<&'a dyn RetryListener>,
    cancel: Option<&'a CancellationToken>,
    retries: Cell<usize>,
    /// Whether any request got an answer: only then is "unreachable" a passing network
    /// failure rather than a wrong URL or a CORS refusal.
    reached: Cell<bool>,
    jitter: Cell<u64>,
}

impl<'a, T: Transport, C: Clock> ReliableTransport<'a, T, C> {
    pub fn new(inner: T, clock: &'a C, policy: RetryPolicy) -> Self {
        let mut seed = [0u8; 8];
        let _ = getrandom::getrandom(&mut seed);
        ReliableTransport {
            inner,
            clock,
            policy,
            listener: None,
            cancel: None,
            retries: Cell::new(0),
            reached: Cell::new(false),
            jitter: Cell::new(u64::from_le_bytes(seed) | 1),
        }
    }

    pub fn with_listener(mut self, listener: &'a dyn RetryListener) -> Self {
        self.listener = Some(listener);
        self
    }

    /// Stops retrying once `cancel` is cancelled; a backoff wait under way ends at once.
    pub fn with_cancel(mut self, cancel: &'a CancellationToken) -> Self {
        self.cancel = Some(cancel);
        self
    }

    /// Uses `timeouts` instead of the policy's (an instance's own time limits).
    pub fn with_timeouts(mut self, timeouts: RequestTimeouts) -> Self {
        self.policy.timeouts = timeouts;
        self
    }

    fn stopped(&self) -> bool {
        self.cancel.is_some_and(CancellationToken::is_cancelled)
    }

    /// Waits `delay`, or less when the run is stopped meanwhile. Returns whether it was.
    async fn wait(&self, delay: Duration) -> bool {
        let Some(cancel) = self.cancel else {
            self.clock.sleep(delay).await;
            return false;
        };
        let sleep = std::pin::pin!(self.clock.sleep(delay));
        match select(sleep, cancel.cancelled()).await {
            Either::Left(_) => self.stopped(),
            Either::Right(_) => true,
        }
    }

    pub fn inner(&self) -> &T {
        &self.inner
    }

    pub fn policy(&self) -> &RetryPolicy {
        &self.policy
    }

    pub fn clock(&self) -> &'a C {
        self.clock
    }

    /// Retries made so far.
    pub fn retries(&self) -> usize {
        self.retries.get()
    }

    /// Counts a retry made by a caller (a chunk sent again smaller) and tells the listener.
    pub fn note_retry(&self, notice: &RetryNotice) {
        self.retries.set(self.retries.get() + 1);
        if let Some(listener) = self.listener {
            listener.on_retry(notice);
        }
    }

    /// One attempt, cut at the total time limit.
    async fn attempt(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let url = request.url.clone();
        let send = std::pin::pin!(self.inner.send(request));
        let limit = std::pin::pin!(self.clock.sleep(self.policy.timeouts.total()));
        match select(send, limit).await {
            Either::Left((outcome, _)) => outcome,
            Either::Right(_) => Err(TransportError::Timeout { url }),
        }
    }

    /// Why the outcome deserves another attempt, if it does.
    fn retry_reason(
        &self,
        safety: RepeatSafety,
        outcome: &Result<HttpResponse, TransportError>,
    ) -> Option<RetryReason> {
        let read = safety == RepeatSafety::Read;
        let repeatable = safety != RepeatSafety::Unsafe;
        match outcome {
            Ok(response) => match response.status {
                429 | 502 | 503 if repeatable => Some(RetryReason::ServerUnavailable {
                    status: response.status,
                }),
                504 if read => Some(RetryReason::ServerUnavailable { status: 504 }),
                _ => None,
            },
            Err(TransportError::Timeout { .. }) if read => Some(RetryReason::Timeout),
            Err(TransportError::ConnectionDropped { .. }) if repeatable => {
                Some(RetryReason::ConnectionDropped)
            }
            Err(TransportError::Unreachable { .. }) if repeatable && self.reached.get() => {
                Some(RetryReason::Unreachable)
            }
            _ => None,
        }
    }

    /// The wait before `next_attempt`: the backoff, half of it fixed and half random, or what
    /// the server asked for in `Retry-After` when that is shorter than the longest wait.
    fn delay_before(&self, next_attempt: u32, response: Option<&HttpResponse>) -> Duration {
        let asked = response
            .and_then(|r| r.header("Retry-After"))
            .and_then(|value| value.trim().parse::<u64>().ok())
            .map(Duration::from_secs)
            .filter(|wait| *wait <= self.policy.max_delay);
        if let Some(wait) = asked {
            return wait;
        }
        let backoff = self.policy.backoff(next_attempt);
        let half = backoff / 2;
        let half_millis = u64::try_from(half.as_millis()).unwrap_or(u64::MAX);
        half + Duration::from_millis(self.next_random() % half_millis.max(1))
    }

    fn next_random(&self) -> u64 {
        // xorshift64: enough to spread clients apart, no dependency needed.
        let mut x = self.jitter.get();
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.jitter.set(x);
        x
    }
}

impl<T: Transport, C: Clock> Transport for ReliableTransport<'_, T, C> {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let safety = repeat_safety(&request);
        let max_attempts = self.policy.max_attempts.max(1);
        let mut attempt = 1;
        loop {
            if attempt >= max_attempts || safety == RepeatSafety::Unsafe {
                let outcome = self.attempt(request).await;
                self.reached.set(self.reached.get() || outcome.is_ok());
                return outcome;
            }
            let outcome = self.attempt(request.clone()).await;
            self.reached.set(self.reached.get() || outcome.is_ok());
            let Some(reason) = self.retry_reason(safety, &outcome) else {
                return outcome;
            };
            if self.stopped() {
                return outcome;
            }
            attempt += 1;
            let delay = self.delay_before(attempt, outcome.as_ref().ok());
            self.note_retry(&RetryNotice {
                attempt,
                max_attempts,
                reason,
                delay,
            });
            if self.wait(delay).await {
                // Announced, never made.
                self.retries.set(self.retries.get().saturating_sub(1));
                return outcome;
            }
        }
    }
}

#[cfg(test)]
mod tests;
