//! Round trips, counted: a transport wrapper for tests and benchmarks. Each request yields once
//! before it is answered, so requests asked together overlap and requests asked one after the
//! other never do. On a slow link the time of a run is its round trips, not its requests.

use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use super::{HttpRequest, HttpResponse, Transport, TransportError};

#[derive(Clone)]
pub struct InFlight<T> {
    inner: T,
    counts: Rc<Counts>,
}

#[derive(Default)]
struct Counts {
    sent: Cell<usize>,
    now: Cell<usize>,
    most: Cell<usize>,
    /// The deepest round trip of the requests answered so far.
    answered_depth: Cell<usize>,
    deepest: Cell<usize>,
}

impl<T> InFlight<T> {
    pub fn new(inner: T) -> Self {
        InFlight {
            inner,
            counts: Rc::default(),
        }
    }

    /// Requests sent.
    pub fn requests(&self) -> usize {
        self.counts.sent.get()
    }

    /// The most requests that were in flight at one time.
    pub fn most_in_flight(&self) -> usize {
        self.counts.most.get()
    }

    /// Round trips one after the other: a request sent before any answer came is in the first,
    /// a request sent after an answer of round trip `n` is in round trip `n + 1`.
    pub fn round_trips(&self) -> usize {
        self.counts.deepest.get()
    }
}

struct YieldOnce(bool);

impl Future for YieldOnce {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            Poll::Ready(())
        } else {
            self.0 = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}

impl<T: Transport> Transport for InFlight<T> {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let counts = &self.counts;
        let depth = counts.answered_depth.get() + 1;
        counts.sent.set(counts.sent.get() + 1);
        counts.now.set(counts.now.get() + 1);
        counts.most.set(counts.most.get().max(counts.now.get()));
        counts.deepest.set(counts.deepest.get().max(depth));
        YieldOnce(false).await;
        let answer = self.inner.send(request).await;
        counts.now.set(counts.now.get() - 1);
        counts
            .answered_depth
            .set(counts.answered_depth.get().max(depth));
        answer
    }
}
