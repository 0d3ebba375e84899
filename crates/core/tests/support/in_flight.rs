//! A transport wrapper that tells which requests were in flight together: each request yields
//! once before it is answered, so requests asked together overlap, and requests asked one
//! after the other never do. Round trips matter on slow links; this is how tests count them.

use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use mdsync_core::dhis2::{HttpRequest, HttpResponse, Transport, TransportError};

#[derive(Clone)]
pub struct InFlight<T> {
    inner: T,
    now: Rc<Cell<usize>>,
    most: Rc<Cell<usize>>,
}

impl<T> InFlight<T> {
    pub fn new(inner: T) -> Self {
        InFlight {
            inner,
            now: Rc::default(),
            most: Rc::default(),
        }
    }

    /// The most requests that were in flight at one time.
    pub fn most_in_flight(&self) -> usize {
        self.most.get()
    }

    pub fn reset(&self) {
        self.now.set(0);
        self.most.set(0);
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
        self.now.set(self.now.get() + 1);
        self.most.set(self.most.get().max(self.now.get()));
        YieldOnce(false).await;
        let answer = self.inner.send(request).await;
        self.now.set(self.now.get() - 1);
        answer
    }
}
