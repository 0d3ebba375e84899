//! [`Transport`] over reqwest (rustls, no OpenSSL). Redirects are not followed, so a redirect
//! to DHIS2's login page stays visible to the client's error classification.

use std::time::Duration;

use mdsync_core::dhis2::retry::RequestTimeouts;
use mdsync_core::dhis2::{HttpRequest, HttpResponse, Method, Transport, TransportError};

pub struct ReqwestTransport {
    client: reqwest::Client,
}

/// Per-request time limit when the config gives none: big metadata imports take minutes.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(300);

impl ReqwestTransport {
    pub fn new(timeout: Duration) -> Result<Self, TransportError> {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            // The engine cuts each attempt at its own total limit (and retries); this is the
            // backstop for commands outside a sync.
            .timeout(timeout)
            .connect_timeout(RequestTimeouts::default().connect())
            .user_agent(concat!("mdsync/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|error| TransportError::Unreachable {
                url: String::new(),
                reason: format!("the HTTP client could not start: {error}"),
            })?;
        Ok(ReqwestTransport { client })
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
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let url = request.url.clone();
        let mut builder = self.client.request(method(request.method), &request.url);
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
