//! Transport wrappers the engine puts around the clients it is given.

use std::cell::Cell;
use std::future::Future;
use std::pin::pin;
use std::task::Poll;
use std::time::Duration;

use futures::future::{poll_fn, select, Either};

use super::runtime::ChunkJournal;
use crate::clock::Clock;
use crate::dhis2::{HttpRequest, HttpResponse, Method, Transport, TransportError};

/// Counts the requests that go through it (the report shows requests per instance).
pub struct CountingTransport<T> {
    inner: T,
    count: Cell<usize>,
}

impl<T> CountingTransport<T> {
    pub fn new(inner: T) -> Self {
        CountingTransport {
            inner,
            count: Cell::new(0),
        }
    }

    pub fn count(&self) -> usize {
        self.count.get()
    }
}

impl<T: Transport> Transport for CountingTransport<T> {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        self.count.set(self.count.get() + 1);
        self.inner.send(request).await
    }
}

/// Refuses every request that could write: the origin of a sync is only ever read.
pub struct ReadOnlyTransport<T>(pub T);

impl<T: Transport> Transport for ReadOnlyTransport<T> {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        if request.method != Method::Get {
            return Err(TransportError::Unreachable {
                url: request.url,
                reason: "the sync engine never writes to the origin instance".into(),
            });
        }
        self.0.send(request).await
    }
}

/// Keeps the run's journal alive while a request waits: whenever the journal is due
/// ([`ChunkJournal::heartbeat_due_in`], e.g. every 30 s) it is touched through the clock, so a
/// run that reads for an hour before its first write is not listed as cut short. No journal
/// (a dry run, a test without one): the request goes straight through.
pub struct HeartbeatTransport<'a, T, C> {
    inner: T,
    clock: &'a C,
    journal: Option<&'a dyn ChunkJournal>,
}

impl<'a, T, C> HeartbeatTransport<'a, T, C> {
    pub fn new(inner: T, clock: &'a C, journal: Option<&'a dyn ChunkJournal>) -> Self {
        HeartbeatTransport {
            inner,
            clock,
            journal,
        }
    }

    pub fn inner(&self) -> &T {
        &self.inner
    }
}

impl<T: Transport, C: Clock> Transport for HeartbeatTransport<'_, T, C> {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let Some(journal) = self.journal else {
            return self.inner.send(request).await;
        };
        let beating = Cell::new(false);
        let send = pin!(self.inner.send(request));
        let keep_alive = pin!(async {
            loop {
                let due_in = journal.heartbeat_due_in();
                if due_in == u64::MAX {
                    return futures::future::pending::<()>().await;
                }
                if due_in > 0 {
                    self.clock.sleep(Duration::from_millis(due_in)).await;
                }
                // The journal notes the attempt even when the write fails: no busy loop.
                beating.set(true);
                journal.heartbeat().await;
                beating.set(false);
            }
        });
        match select(send, keep_alive).await {
            Either::Left((outcome, mut keep_alive)) => {
                // A journal write under way is finished, not dropped: dropped, it could still
                // land after the next chunk's write, with an older state.
                poll_fn(|cx| {
                    if beating.get() && keep_alive.as_mut().poll(cx).is_pending() && beating.get() {
                        Poll::Pending
                    } else {
                        Poll::Ready(())
                    }
                })
                .await;
                outcome
            }
            Either::Right(((), send)) => send.await,
        }
    }
}
