//! Where a route run goes: the remote server, reached through a [`RouteUpstream`].
//!
//! In-process, [`SimPeers`] hands the request to another [`Sim`] (no sockets); under
//! `dhis2-sim serve`, [`LoopbackHttp`](super::loopback::LoopbackHttp) sends it over HTTP to
//! another instance on 127.0.0.1. Without an upstream, every remote is unreachable.

use crate::{Sim, SimFault, SimRequest};
use serde::Serialize;
use std::fmt;
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

/// The request a route run sends to the remote, as it leaves DHIS2.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UpstreamRequest {
    pub method: String,
    /// Absolute URL: the route's base URL, the sub-path and the forwarded query.
    pub url: String,
    pub headers: Vec<(String, String)>,
    #[serde(skip)]
    pub body: Vec<u8>,
    /// The route's response timeout.
    #[serde(skip)]
    pub timeout: Duration,
}

impl UpstreamRequest {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

/// The remote's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpstreamResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// Why no answer came back.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UpstreamFailure {
    /// Nothing listens there (or the simulator may not go there).
    #[error("Connection refused")]
    Refused,
    #[error("Read timed out")]
    TimedOut,
    #[error("Connection prematurely closed BEFORE response")]
    Dropped,
}

/// The network as a route run sees it.
pub trait RouteUpstream: Send + Sync + fmt::Debug {
    fn send(&self, request: &UpstreamRequest) -> Result<UpstreamResponse, UpstreamFailure>;
}

/// Other simulated instances, reached in-process by the start of their base URL. Holds them
/// weakly, so two instances routing to each other do not keep each other alive.
#[derive(Debug, Clone, Default)]
pub struct SimPeers {
    peers: Arc<Mutex<Vec<Weak<Sim>>>>,
}

impl SimPeers {
    pub fn new() -> Self {
        SimPeers::default()
    }

    /// Makes `sim` reachable at its base URL.
    pub fn add(&self, sim: &Arc<Sim>) {
        self.lock().push(Arc::downgrade(sim));
    }

    /// The upstream to give instances: `sim.set_route_upstream(peers.upstream())`.
    pub fn upstream(&self) -> Arc<dyn RouteUpstream> {
        Arc::new(self.clone())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Weak<Sim>>> {
        self.peers
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn find(&self, url: &str) -> Option<Arc<Sim>> {
        self.lock()
            .iter()
            .filter_map(Weak::upgrade)
            .filter(|sim| {
                let base = sim.base_url();
                url.starts_with(base)
                    && matches!(url[base.len()..].chars().next(), None | Some('/' | '?'))
            })
            .max_by_key(|sim| sim.base_url().len())
    }
}

impl RouteUpstream for SimPeers {
    fn send(&self, request: &UpstreamRequest) -> Result<UpstreamResponse, UpstreamFailure> {
        let sim = self.find(&request.url).ok_or(UpstreamFailure::Refused)?;
        let mut sim_request = SimRequest::new(&request.method, &request.url);
        sim_request.headers = request.headers.clone();
        sim_request.body = request.body.clone();
        let handled = sim.handle_timed(sim_request);
        if handled.latency > request.timeout {
            return Err(UpstreamFailure::TimedOut);
        }
        if !handled.latency.is_zero() {
            std::thread::sleep(handled.latency);
        }
        match handled.outcome {
            Ok(response) => Ok(UpstreamResponse {
                status: response.status,
                headers: response.headers,
                body: response.body,
            }),
            Err(SimFault::DropConnection) => Err(UpstreamFailure::Dropped),
            Err(SimFault::NeverAnswer) => Err(UpstreamFailure::TimedOut),
        }
    }
}
