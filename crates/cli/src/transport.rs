//! [`Transport`] over reqwest (rustls, no OpenSSL). Redirects are not followed, so a redirect
//! to DHIS2's login page stays visible to the client's error classification.
//!
//! Time limits: the engine cuts each attempt at the instance's *total* limit with its clock;
//! the *connect* limit (DNS, TCP and TLS handshake) can only be applied here, by the HTTP
//! stack. reqwest sets it per client, so the transport keeps one client per distinct connect
//! limit and picks it by the request's URL: [`ReqwestTransport::set_connect_timeout`] gives an
//! instance's URL its limit (the CLI does it for every saved instance when it starts, and every
//! run for the instances it opens, so a long-running scheduler sees a changed limit).

use std::sync::Mutex;
use std::time::Duration;

use mdsync_core::dhis2::retry::RequestTimeouts;
use mdsync_core::dhis2::{HttpRequest, HttpResponse, Method, Transport, TransportError};

pub struct ReqwestTransport {
    timeout: Duration,
    /// A client per connect limit; the first is the default one.
    clients: Mutex<Vec<(Duration, reqwest::Client)>>,
    /// Instance base URLs (without a trailing slash) and their connect limits.
    connect_limits: Mutex<Vec<(String, Duration)>>,
}

/// Per-request time limit when the config gives none: big metadata imports take minutes.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(300);

fn build_client(timeout: Duration, connect: Duration) -> Result<reqwest::Client, TransportError> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        // The engine cuts each attempt at its own total limit (and retries); this is the
        // backstop for commands outside a sync.
        .timeout(timeout)
        .connect_timeout(connect)
        .user_agent(concat!("mdsync/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|error| TransportError::Unreachable {
            url: String::new(),
            reason: format!("the HTTP client could not start: {error}"),
        })
}

/// Whether `url` is on the instance at `base` (same scheme, host, port and path prefix).
fn is_under(url: &str, base: &str) -> bool {
    url.strip_prefix(base)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with(['/', '?']))
}

impl ReqwestTransport {
    pub fn new(timeout: Duration) -> Result<Self, TransportError> {
        let connect = RequestTimeouts::default().connect();
        let client = build_client(timeout, connect)?;
        Ok(ReqwestTransport {
            timeout,
            clients: Mutex::new(vec![(connect, client)]),
            connect_limits: Mutex::new(Vec::new()),
        })
    }

    /// Requests to the instance at `base_url` wait at most `connect` for their connection
    /// (replaces an earlier limit for the same URL).
    pub fn set_connect_timeout(&self, base_url: &str, connect: Duration) {
        let base = base_url.trim_end_matches('/').to_string();
        let Ok(mut limits) = self.connect_limits.lock() else {
            return;
        };
        limits.retain(|(known, _)| *known != base);
        limits.push((base, connect));
        // The longest base wins, so an instance under another's path keeps its own limit.
        limits.sort_by_key(|(known, _)| std::cmp::Reverse(known.len()));
    }

    /// The connect limit requests to `url` get.
    pub fn connect_timeout_for(&self, url: &str) -> Duration {
        self.connect_limits
            .lock()
            .ok()
            .and_then(|limits| {
                limits
                    .iter()
                    .find(|(base, _)| is_under(url, base))
                    .map(|(_, connect)| *connect)
            })
            .unwrap_or_else(|| RequestTimeouts::default().connect())
    }

    fn client_for(&self, url: &str) -> Result<reqwest::Client, TransportError> {
        let connect = self.connect_timeout_for(url);
        let mut clients = self
            .clients
            .lock()
            .map_err(|_| TransportError::Unreachable {
                url: url.into(),
                reason: "the HTTP client failed earlier in this run".into(),
            })?;
        if let Some((_, client)) = clients.iter().find(|(limit, _)| *limit == connect) {
            return Ok(client.clone());
        }
        let client = build_client(self.timeout, connect)?;
        clients.push((connect, client.clone()));
        Ok(client)
    }
}

fn method(method: Method) -> reqwest::Method {
    match method {
        Method::Get => reqwest::Method::GET,
        Method::Post => reqwest::Method::POST,
        Method::Put => reqwest::Method::PUT,
        Method::Patch => reqwest::Method::PATCH,
        Method::Delete => reqwest::Method::DELETE,
    }
}

fn classify(url: &str, error: &reqwest::Error) -> TransportError {
    if error.is_timeout() {
        TransportError::Timeout { url: url.into() }
    } else if error.is_connect() || error.is_builder() {
        TransportError::Unreachable {
            url: url.into(),
            reason: describe(error),
        }
    } else {
        TransportError::ConnectionDropped { url: url.into() }
    }
}

/// The error with its causes ("error sending request: connection refused").
fn describe(error: &reqwest::Error) -> String {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

impl Transport for ReqwestTransport {
    fn set_connect_limit(&self, base_url: &str, connect: Duration) {
        self.set_connect_timeout(base_url, connect);
    }

    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let url = request.url.clone();
        let client = self.client_for(&request.url)?;
        let mut builder = client.request(method(request.method), &request.url);
        for (name, value) in &request.headers {
            builder = builder.header(name, value);
        }
        if let Some(body) = request.body {
            builder = builder.body(body);
        }
        let response = builder.send().await.map_err(|e| classify(&url, &e))?;
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(name, value)| {
                (
                    name.as_str().to_string(),
                    String::from_utf8_lossy(value.as_bytes()).into_owned(),
                )
            })
            .collect();
        let body = response
            .bytes()
            .await
            .map_err(|e| classify(&url, &e))?
            .to_vec();
        Ok(HttpResponse {
            status,
            headers,
            body,
        })
    }
}
