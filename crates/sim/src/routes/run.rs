//! `/api/routes/{id}/run[/**]`: the request DHIS2 sends to the remote, and how the remote's
//! answer (or its silence) comes back.
//!
//! The caller's own credentials never leave: of its headers only the allowed ones below pass;
//! the route's headers, its auth and `X-Forwarded-User` (the caller's username) are added.

use super::facts::RouteFacts;
use super::query::{upstream_url, IllegalCharacter};
use super::upstream::{RouteUpstream, UpstreamFailure, UpstreamRequest, UpstreamResponse};
use super::StoredRoute;
use crate::response::reason_phrase;
use crate::{Account, SimRequest, SimResponse};
use std::sync::Arc;
use std::time::Duration;

/// `RouteService.ALLOWED_REQUEST_HEADERS` (`content-type` joined in 2.40.9, 2.41.5, 2.42.2).
const ALLOWED_REQUEST_HEADERS: [&str; 17] = [
    "accept",
    "accept-encoding",
    "accept-language",
    "x-requested-with",
    "user-agent",
    "cache-control",
    "if-match",
    "if-modified-since",
    "if-none-match",
    "if-range",
    "if-unmodified-since",
    "x-forwarded-for",
    "x-forwarded-host",
    "x-forwarded-port",
    "x-forwarded-proto",
    "x-forwarded-prefix",
    "forwarded",
];

/// `RouteService.ALLOWED_RESPONSE_HEADERS`: everything else the remote sends is dropped.
const ALLOWED_RESPONSE_HEADERS: [&str; 8] = [
    "content-encoding",
    "content-language",
    "content-length",
    "content-type",
    "expires",
    "cache-control",
    "last-modified",
    "etag",
];

/// A run whose request is ready: it is sent once the instance's lock is released, so that a
/// route may even point back at its own instance.
#[derive(Debug)]
pub struct PendingRun {
    pub request: UpstreamRequest,
    pub upstream: Option<Arc<dyn RouteUpstream>>,
    pub facts: RouteFacts,
}

/// Builds the upstream request of a run, or DHIS2's refusal.
pub fn prepare(
    route: &StoredRoute,
    request: &SimRequest,
    sub_path: Option<&str>,
    user: &Account,
    facts: RouteFacts,
    secrets: &super::auth::SecretBox,
) -> Result<UpstreamRequest, SimResponse> {
    // A sub-path is only appended to a base that ends in `/` after its host: whatever it
    // holds (`..`, `@`, `://`), the request stays on the configured host.
    if sub_path.is_some() && !route.allows_sub_paths() {
        let (status, message) = facts.sub_path_refusal(route.numeric_id);
        return Err(SimResponse::web_message(status, &message));
    }
    let applied = match &route.auth {
        Some(auth) => auth.apply(secrets).map_err(|_| {
            SimResponse::web_message(502, "An error occurred during authentication")
        })?,
        None => Default::default(),
    };
    let raw_query = request.url.split_once('?').map(|(_, q)| q).unwrap_or("");
    let url = upstream_url(
        &route.base_url(),
        sub_path.unwrap_or(""),
        raw_query,
        &applied.params,
        facts.query_forwarding(),
    )
    .map_err(|IllegalCharacter(message)| SimResponse::web_message(400, &message))?;
    let forwards = |name: &str| {
        let name = name.to_ascii_lowercase();
        ALLOWED_REQUEST_HEADERS.contains(&name.as_str())
            || (name == "content-type" && facts.forwards_content_type())
    };
    let mut headers: Vec<(String, String)> = request
        .headers
        .iter()
        .filter(|(name, _)| forwards(name))
        .cloned()
        .collect();
    headers.extend(applied.headers);
    headers.extend(route.headers.iter().map(|(k, v)| (k.clone(), v.clone())));
    headers.push(("X-Forwarded-User".to_string(), user.username.clone()));
    Ok(UpstreamRequest {
        method: request.method.clone(),
        url,
        headers,
        body: request.body.clone(),
        timeout: Duration::from_secs(route.response_timeout_seconds.clamp(1, 60) as u64),
    })
}

impl PendingRun {
    /// Sends the request and turns the outcome into DHIS2's answer to the caller.
    pub fn execute(&self) -> SimResponse {
        let outcome = match &self.upstream {
            Some(upstream) => upstream.send(&self.request),
            None => Err(UpstreamFailure::Refused),
        };
        match outcome {
            Ok(response) => self.relay(response),
            Err(failure) => self.failure(&failure),
        }
    }

    fn relay(&self, response: UpstreamResponse) -> SimResponse {
        if response.status >= 400 && !self.facts.passes_upstream_errors() {
            return SimResponse::web_message(response.status, &spring_status_message(&response));
        }
        SimResponse {
            status: response.status,
            headers: response
                .headers
                .into_iter()
                .filter(|(name, _)| {
                    ALLOWED_RESPONSE_HEADERS.contains(&name.to_ascii_lowercase().as_str())
                })
                .collect(),
            body: response.body,
        }
    }

    fn failure(&self, failure: &UpstreamFailure) -> SimResponse {
        let facts = self.facts;
        if *failure == UpstreamFailure::TimedOut && facts.timeout_status() == 504 {
            return SimResponse::empty(504);
        }
        if facts.timeout_status() == 503 {
            // Spring's `ResourceAccessException`; the query is left out of the echoed URL.
            let url = self.request.url.split('?').next().unwrap_or_default();
            let reason = match failure {
                UpstreamFailure::Dropped => "Unexpected end of file from server".to_string(),
                other => other.to_string(),
            };
            let message = format!(
                "I/O error on {} request for \"{url}\": {reason}",
                self.request.method
            );
            return SimResponse::web_message(503, &message);
        }
        SimResponse::web_message(facts.unreachable_status(), &failure.to_string())
    }
}

/// Spring 5's `HttpStatusCodeException` message: `404 Not Found: [body]`, long bodies cut.
fn spring_status_message(response: &UpstreamResponse) -> String {
    let preface = format!("{} {}: ", response.status, reason_phrase(response.status));
    let body = String::from_utf8_lossy(&response.body);
    if body.is_empty() {
        return format!("{preface}[no body]");
    }
    if body.chars().count() > 200 {
        let cut: String = body.chars().take(200).collect();
        return format!("{preface}[{cut}... ({} bytes)]", response.body.len());
    }
    format!("{preface}[{body}]")
}
