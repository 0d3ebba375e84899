//! A transport that answers from a script, and remembers what it was asked.

use std::cell::RefCell;
use std::collections::VecDeque;

use mdsync_core::dhis2::{HttpRequest, HttpResponse, Transport, TransportError};

/// Answers each request with the next scripted outcome (the last one repeats).
pub struct ScriptedTransport {
    script: RefCell<VecDeque<Result<HttpResponse, TransportError>>>,
    last: RefCell<Option<Result<HttpResponse, TransportError>>>,
    pub requests: RefCell<Vec<HttpRequest>>,
}

impl ScriptedTransport {
    pub fn new(script: Vec<Result<HttpResponse, TransportError>>) -> Self {
        ScriptedTransport {
            script: RefCell::new(script.into()),
            last: RefCell::new(None),
            requests: RefCell::new(Vec::new()),
        }
    }

    /// Always the same answer.
    pub fn always(outcome: Result<HttpResponse, TransportError>) -> Self {
        Self::new(vec![outcome])
    }

    pub fn json(status: u16, body: &str) -> HttpResponse {
        HttpResponse {
            status,
            headers: vec![(
                "Content-Type".into(),
                "application/json;charset=UTF-8".into(),
            )],
            body: body.as_bytes().to_vec(),
        }
    }

    pub fn html(status: u16, body: &str) -> HttpResponse {
        HttpResponse {
            status,
            headers: vec![("Content-Type".into(), "text/html;charset=UTF-8".into())],
            body: body.as_bytes().to_vec(),
        }
    }

    pub fn redirect(location: &str) -> HttpResponse {
        HttpResponse {
            status: 302,
            headers: vec![("Location".into(), location.into())],
            body: Vec::new(),
        }
    }
}

impl Transport for ScriptedTransport {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        self.requests.borrow_mut().push(request);
        let next = self.script.borrow_mut().pop_front();
        match next {
            Some(outcome) => {
                *self.last.borrow_mut() = Some(outcome.clone());
                outcome
            }
            None => self
                .last
                .borrow()
                .clone()
                .unwrap_or(Err(TransportError::Cancelled)),
        }
    }
}
