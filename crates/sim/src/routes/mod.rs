//! DHIS2 routes (2.40+), as `RouteController` and `RouteService` implement them: `/api/routes`
//! CRUD with the auth encrypted at rest and never shown in clear, sharing
//! (`/api/sharing?type=route`), the `route.remote_servers_allowed` allow list (2.42+), and
//! `/api/routes/{id|code}/run[/**]`, which proxies to the remote with the route's auth.
//!
//! The version differences are listed in [`facts`]; the upstream is a [`RouteUpstream`]
//! ([`SimPeers`] in-process, [`LoopbackHttp`] over HTTP).

mod auth;
mod crud;
mod facts;
mod loopback;
mod model;
mod query;
mod run;
mod sharing;
mod upstream;

pub use facts::{QueryForwarding, RouteFacts};
pub use loopback::LoopbackHttp;
pub use upstream::{RouteUpstream, SimPeers, UpstreamFailure, UpstreamRequest, UpstreamResponse};

use crate::sim::State;
use crate::{Account, RequestContext, Sim, SimFault, SimRequest, SimResponse, SimVersion};
use auth::SecretBox;
use model::StoredRoute;
use run::PendingRun;
use std::sync::{Arc, MutexGuard};

/// DHIS2's default for `route.remote_servers_allowed` (dhis.conf): any HTTPS server.
pub const DEFAULT_REMOTE_SERVERS_ALLOWED: &str = "https://*";

/// The routes of one instance, the allow list, the upstream and what was sent through it.
#[derive(Debug)]
pub(crate) struct RouteStore {
    facts: RouteFacts,
    routes: Vec<StoredRoute>,
    next_numeric_id: u64,
    secrets: SecretBox,
    allowed: Vec<String>,
    upstream: Option<Arc<dyn RouteUpstream>>,
    pending: Option<PendingRun>,
    sent: Vec<UpstreamRequest>,
}

impl RouteStore {
    pub fn new(
        version: SimVersion,
        allowed: Vec<String>,
        upstream: Option<Arc<dyn RouteUpstream>>,
    ) -> Self {
        RouteStore {
            facts: RouteFacts::of(version),
            routes: Vec::new(),
            next_numeric_id: 1,
            secrets: SecretBox::default(),
            allowed,
            upstream,
            pending: None,
            sent: Vec::new(),
        }
    }

    pub fn set_upstream(&mut self, upstream: Option<Arc<dyn RouteUpstream>>) {
        self.upstream = upstream;
    }

    pub fn set_allowed(&mut self, allowed: Vec<String>) {
        self.allowed = allowed;
    }

    pub fn sent(&self) -> &[UpstreamRequest] {
        &self.sent
    }

    pub fn clear_sent(&mut self) {
        self.sent.clear();
    }

    /// The stored (sealed) auth of a route, for tests that check nothing is kept in clear.
    pub fn stored_auth_debug(&self, id: &str) -> Option<String> {
        self.find(id).map(|route| format!("{:?}", route.auth))
    }

    fn find(&self, id: &str) -> Option<&StoredRoute> {
        self.routes.iter().find(|route| route.uid == id)
    }

    /// `/api/routes…`; `None` before 2.40 (the path then gets DHIS2's 404) and for paths that
    /// are not the route API.
    pub fn handle(
        &mut self,
        ctx: &RequestContext,
        request: &SimRequest,
        path: &str,
    ) -> Option<SimResponse> {
        if !self.facts.available() {
            return None;
        }
        let rest: Vec<&str> = ctx.segments[1..].iter().map(String::as_str).collect();
        match (ctx.method, rest.as_slice()) {
            (_, [id, "run", ..]) => self.start_run(ctx, request, path, id),
            ("GET", []) => Some(self.list(ctx)),
            ("POST", []) => Some(self.create(ctx)),
            ("GET", [id]) => Some(self.get(ctx, id)),
            ("PUT", [id]) => Some(self.update(ctx, id)),
            ("DELETE", [id]) => Some(self.delete(ctx, id)),
            _ => None,
        }
    }

    /// `/api/sharing?type=route&id=…`; `None` before 2.40, where DHIS2 knows no such type.
    pub fn handle_sharing(
        &mut self,
        ctx: &RequestContext,
        accounts: &[Account],
    ) -> Option<SimResponse> {
        if !self.facts.available() {
            return None;
        }
        let id = ctx.query.get("id").unwrap_or_default();
        let Some(route) = self.routes.iter_mut().find(|route| route.uid == id) else {
            return Some(SimResponse::web_message(
                404,
                &format!("Object of type route with ID {id} was not found."),
            ));
        };
        let denied =
            || SimResponse::web_message(403, "You do not have manage access to this object.");
        Some(match ctx.method {
            "GET" if route.sharing.can_read(ctx.user) => SimResponse::json(
                200,
                &route.sharing.document(
                    &route.uid,
                    &route.name,
                    accounts,
                    !ctx.version.at_least(41, 9),
                ),
            ),
            "POST" | "PUT" if route.sharing.can_write(ctx.user) => {
                match route.sharing.update_from_document(ctx.body) {
                    Ok(()) => {
                        route.last_updated = crate::clock::now_iso();
                        SimResponse::web_message(200, "Access control set")
                    }
                    Err(response) => response,
                }
            }
            "GET" | "POST" | "PUT" => denied(),
            _ => return None,
        })
    }

    /// Checks a run and leaves its upstream request pending; [`complete_run`] sends it.
    fn start_run(
        &mut self,
        ctx: &RequestContext,
        request: &SimRequest,
        path: &str,
        id: &str,
    ) -> Option<SimResponse> {
        let marker = format!("/routes/{id}/run");
        let after = &path[path.find(&marker)? + marker.len()..];
        let sub_path = match after {
            "" => None,
            _ => Some(after.strip_prefix('/')?),
        };
        let facts = self.facts;
        if !facts.run_accepts(ctx.method) {
            let message = if ctx.version.at_least(42, 0) {
                format!("Request method '{}' is not supported", ctx.method)
            } else {
                format!("Request method '{}' not supported", ctx.method)
            };
            return Some(SimResponse::web_message(405, &message));
        }
        // By UID, then by code; a disabled route does not exist.
        let route = self
            .routes
            .iter()
            .find(|route| route.uid == id)
            .or_else(|| self.routes.iter().find(|r| r.code.as_deref() == Some(id)))
            .filter(|route| !route.disabled);
        let Some(route) = route else {
            let message = facts.not_found_message(id);
            return Some(SimResponse::web_message_with_code(404, "E1005", &message));
        };
        let by_authority = route.authorities.iter().any(|a| ctx.user.has_authority(a));
        if !route.sharing.can_read(ctx.user) && !by_authority {
            let message = facts.run_forbidden_message();
            return Some(SimResponse::web_message_with_code(403, "E1006", message));
        }
        if let Some((status, message)) = facts.run_validation_refusal() {
            let valid = model::validate_route(
                Some(&route.url),
                route.response_timeout_seconds,
                facts,
                &self.allowed,
            );
            if valid.is_err() {
                return Some(SimResponse::web_message(status, message));
            }
        }
        let upstream_request =
            match run::prepare(route, request, sub_path, ctx.user, facts, &self.secrets) {
                Ok(upstream_request) => upstream_request,
                Err(refusal) => return Some(refusal),
            };
        self.pending = Some(PendingRun {
            request: upstream_request,
            upstream: self.upstream.clone(),
            facts,
        });
        // Replaced by the remote's answer once the request has been sent.
        Some(SimResponse::empty(502))
    }
}

/// Sends a run left pending by the dispatcher, with the instance unlocked while it waits for
/// the remote, and returns the lock and the answer that replaces the placeholder.
pub(crate) fn complete_run<'a>(
    sim: &'a Sim,
    mut state: MutexGuard<'a, State>,
    outcome: Result<SimResponse, SimFault>,
) -> (MutexGuard<'a, State>, Result<SimResponse, SimFault>) {
    let Some(pending) = state.routes.pending.take() else {
        return (state, outcome);
    };
    drop(state);
    let response = pending.execute();
    let mut state = sim.lock();
    state.routes.sent.push(pending.request);
    (state, Ok(response))
}
