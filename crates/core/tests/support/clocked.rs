//! The simulator as a [`Transport`] on a [`TestClock`]: injected latency is waited on the
//! clock (a 2 s latency on every request costs no real time), a request that never gets an
//! answer never completes (so only the engine's own time limit ends it), a dropped connection
//! is [`TransportError::ConnectionDropped`].

use std::sync::Arc;

use dhis2_sim::{Sim, SimFault, SimRequest};
use mdsync_core::clock::{Clock, TestClock};
use mdsync_core::dhis2::{HttpRequest, HttpResponse, Transport, TransportError};

#[derive(Clone)]
pub struct ClockedSimTransport {
    instances: Vec<Arc<Sim>>,
    clock: TestClock,
}

impl ClockedSimTransport {
    pub fn new(instances: Vec<Arc<Sim>>, clock: TestClock) -> Self {
        ClockedSimTransport { instances, clock }
    }

    fn route(&self, url: &str) -> Option<&Arc<Sim>> {
        self.instances
            .iter()
            .filter(|sim| {
                let base = sim.base_url();
                url.starts_with(base)
                    && matches!(url[base.len()..].chars().next(), None | Some('/' | '?'))
            })
            .max_by_key(|sim| sim.base_url().len())
    }
}

thread_local! {
    /// Connect limits runs gave the transport on this thread (base URL, limit), in order.
    static CONNECT_LIMITS: std::cell::RefCell<Vec<(String, std::time::Duration)>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// The connect limits runs on this thread set (each test runs on its own thread).
pub fn connect_limits_set() -> Vec<(String, std::time::Duration)> {
    CONNECT_LIMITS.with(|limits| limits.borrow().clone())
}

impl Transport for ClockedSimTransport {
    fn set_connect_limit(&self, base_url: &str, connect: std::time::Duration) {
        CONNECT_LIMITS.with(|limits| limits.borrow_mut().push((base_url.to_string(), connect)));
    }

    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let url = request.url.clone();
        let Some(sim) = self.route(&url) else {
            return Err(TransportError::Unreachable {
                url,
                reason: "no such host".into(),
            });
        };
        let mut sim_request = SimRequest::new(request.method.as_str(), &request.url);
        for (name, value) in &request.headers {
            sim_request = sim_request.with_header(name, value);
        }
        if let Some(body) = request.body {
            sim_request = sim_request.with_body(body);
        }
        let handled = sim.handle_timed(sim_request);
        if !handled.latency.is_zero() {
            self.clock.sleep(handled.latency).await;
        }
        match handled.outcome {
            Ok(response) => Ok(HttpResponse {
                status: response.status,
                headers: response.headers,
                body: response.body,
            }),
            Err(SimFault::DropConnection) => Err(TransportError::ConnectionDropped { url }),
            Err(SimFault::NeverAnswer) => futures::future::pending().await,
        }
    }
}
