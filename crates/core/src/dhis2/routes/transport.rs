//! Talking to a remote instance through a route: a [`Transport`] that sends every request
//! meant for `<remote>/…` to `<local>/api/routes/<id>/run/…` instead, so that a
//! [`Dhis2Client`](crate::dhis2::Dhis2Client) built on it (and everything above it) works
//! unchanged while the credential stays on the local server.

use super::support::{QueryEncoding, RouteSupport};
use crate::dhis2::{HttpRequest, HttpResponse, Transport, TransportError};

/// Rewrites requests for one remote to runs of one route on the local DHIS2.
///
/// The requests carry the *local* auth (session, Basic or token of the user on the local
/// server); DHIS2 drops it and adds the route's. A request for any other address is refused
/// here and never sent: the route only ever carries what was meant for its remote.
#[derive(Debug, Clone)]
pub struct RoutedTransport<T> {
    inner: T,
    remote_base: String,
    run_base: String,
    encoding: QueryEncoding,
}

fn encode_segment(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, percent_encoding::NON_ALPHANUMERIC).to_string()
}

impl<T> RoutedTransport<T> {
    /// `local_base_url` and `remote_url` are instance roots (no `/api`); `route_id` is the
    /// route's UID or code; `local` describes the local server's version.
    pub fn new(
        inner: T,
        local_base_url: &str,
        route_id: &str,
        remote_url: &str,
        local: &RouteSupport,
    ) -> Self {
        RoutedTransport {
            inner,
            remote_base: remote_url.trim_end_matches('/').to_string(),
            run_base: format!(
                "{}/api/routes/{}/run",
                local_base_url.trim_end_matches('/'),
                encode_segment(route_id)
            ),
            encoding: local.query_encoding(),
        }
    }

    /// The local run URL for a request to the remote, or `None` when `url` is not under the
    /// remote this route serves.
    pub fn run_url(&self, url: &str) -> Option<String> {
        let rest = url.strip_prefix(&self.remote_base)?;
        if !matches!(rest.chars().next(), None | Some('/' | '?')) {
            return None;
        }
        let rest = match self.encoding {
            QueryEncoding::AsIs => rest.to_string(),
            QueryEncoding::EscapeTwice => escape_twice(rest),
        };
        Some(format!("{}{rest}", self.run_base))
    }
}

/// DHIS2 2.42.4+ decodes the path and the query once and sends the result as it is: escape
/// each `%` again (and `+`, which the query decoder turns into a space) so that the remote
/// receives what was meant.
fn escape_twice(rest: &str) -> String {
    let (path, query) = match rest.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (rest, None),
    };
    let mut out = path.replace('%', "%25");
    if let Some(query) = query {
        out.push('?');
        out.push_str(&query.replace('%', "%25").replace('+', "%2B"));
    }
    out
}

impl<T: Transport> Transport for RoutedTransport<T> {
    async fn send(&self, mut request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let Some(run_url) = self.run_url(&request.url) else {
            return Err(TransportError::Unreachable {
                reason: format!(
                    "not an address of {}, the only instance this route reaches; nothing was sent",
                    self.remote_base
                ),
                url: request.url,
            });
        };
        request.url = run_url;
        self.inner.send(request).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn routed(version: &str) -> RoutedTransport<()> {
        let support = RouteSupport::for_version(&version.parse().expect("a version"));
        RoutedTransport::new(
            (),
            "https://local.org/dhis/",
            "abcDEF12345",
            "https://remote.org/40/",
            &support,
        )
    }

    #[test]
    fn remote_addresses_become_runs_and_others_are_refused() {
        let transport = routed("2.41.3");
        assert_eq!(
            transport
                .run_url("https://remote.org/40/api/system/info?fields=version")
                .as_deref(),
            Some(
                "https://local.org/dhis/api/routes/abcDEF12345/run/api/system/info?fields=version"
            )
        );
        assert_eq!(transport.run_url("https://remote.org/401/api/me"), None);
        assert_eq!(transport.run_url("https://evil.org/api/me"), None);
    }

    #[test]
    fn newer_servers_need_escapes_escaped_again() {
        let transport = routed("2.42.4");
        assert_eq!(
            transport
                .run_url("https://remote.org/40/api/dataElements?filter=name:ilike:a%20b+c")
                .as_deref(),
            Some("https://local.org/dhis/api/routes/abcDEF12345/run/api/dataElements?filter=name:ilike:a%2520b%2Bc")
        );
    }
}
