//! Transport wrappers the engine puts around the clients it is given.

use std::cell::Cell;

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
