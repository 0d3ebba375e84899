//! The browser's side of the `Transport` port: `fetch` through web-sys.
//!
//! Two modes, chosen per request, because the app talks to two kinds of servers:
//! - a request without an `Authorization` header goes to the instance that serves the app and
//!   is authenticated by the user's session cookie (`credentials: include`);
//! - a request with an `Authorization` header (Basic or ApiToken, for remote instances) is sent
//!   without cookies (`credentials: omit`), so that a cookie of another login never mixes in.
//!
//! Deciding per request (rather than per transport) matters because core reaches remote
//! instances through the same transport as the local storage (e.g. the connection test).
//!
//! Redirects are not followed for API calls (`redirect: manual`): a redirect to the login page
//! must be seen as such, not silently turned into a 200 HTML page.
//!
//! Time limits: `fetch` cannot tell the connect phase (DNS, TCP, TLS) from the server's work,
//! so an instance's *connect* limit is applied, as the nearest thing the browser allows, to the
//! time until the response headers arrive — and only for reads (GET), whose answers start
//! quickly; an import's headers come only after the server has done the import, so writes get
//! the total limit alone. Limits are per instance URL ([`set_connect_timeout`]); the engine
//! cuts every attempt at the instance's total limit itself.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::time::Duration;

use js_sys::{Array, Uint8Array};
use mdsync_core::dhis2::retry::RequestTimeouts;
use mdsync_core::dhis2::{HttpRequest, HttpResponse, Method, Transport, TransportError};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    AbortController, AbortSignal, Headers, Request, RequestCredentials, RequestInit,
    RequestRedirect, Response,
};

/// How long a request may take, answer body included, before it counts as a timeout. Long on
/// purpose: big metadata imports take minutes on real servers; this only ends requests that
/// would otherwise hang for ever (a server that accepts the connection and never answers).
pub const DEFAULT_TIMEOUT_MS: i32 = 300_000;

thread_local! {
    /// Instance base URLs (without a trailing slash) and their connect limits, longest first.
    static CONNECT_LIMITS: RefCell<Vec<(String, Duration)>> = const { RefCell::new(Vec::new()) };
}

/// Reads from the instance at `base_url` get `connect` until their response headers arrive
/// (replaces an earlier limit for the same URL).
pub fn set_connect_timeout(base_url: &str, connect: Duration) {
    let base = base_url.trim_end_matches('/').to_string();
    CONNECT_LIMITS.with(|limits| {
        let mut limits = limits.borrow_mut();
        limits.retain(|(known, _)| *known != base);
        limits.push((base, connect));
        limits.sort_by_key(|(known, _)| std::cmp::Reverse(known.len()));
    });
}

/// The limit until the response headers of a read from `url` (the instance's connect limit,
/// else the default one).
pub fn connect_timeout_for(url: &str) -> Duration {
    CONNECT_LIMITS
        .with(|limits| {
            limits.borrow().iter().find_map(|(base, connect)| {
                url.strip_prefix(base.as_str())
                    .filter(|rest| rest.is_empty() || rest.starts_with(['/', '?']))
                    .map(|_| *connect)
            })
        })
        .unwrap_or_else(|| RequestTimeouts::default().connect())
}

/// `fetch`-based transport.
#[derive(Debug, Clone, Copy)]
pub struct FetchTransport {
    timeout_ms: i32,
}

impl Default for FetchTransport {
    fn default() -> Self {
        FetchTransport {
            timeout_ms: DEFAULT_TIMEOUT_MS,
        }
    }
}

impl FetchTransport {
    pub fn with_timeout_ms(timeout_ms: i32) -> Self {
        FetchTransport { timeout_ms }
    }
}

/// Aborts the request when its time is up; clears the timer when dropped (request done or
/// abandoned), so no timer outlives its request.
struct Deadline {
    controller: AbortController,
    timer: Option<i32>,
    _on_timeout: Closure<dyn FnMut()>,
}

impl Deadline {
    fn start(window: &web_sys::Window, timeout_ms: i32) -> Result<Deadline, JsValue> {
        Deadline::on(window, AbortController::new()?, timeout_ms)
    }

    /// A second deadline on the same request (the time until the headers of a read).
    fn also(&self, window: &web_sys::Window, timeout_ms: i32) -> Result<Deadline, JsValue> {
        Deadline::on(window, self.controller.clone(), timeout_ms)
    }

    fn on(
        window: &web_sys::Window,
        controller: AbortController,
        timeout_ms: i32,
    ) -> Result<Deadline, JsValue> {
        let to_abort = controller.clone();
        let on_timeout = Closure::<dyn FnMut()>::new(move || to_abort.abort());
        let timer = window.set_timeout_with_callback_and_timeout_and_arguments_0(
            on_timeout.as_ref().unchecked_ref(),
            timeout_ms,
        )?;
        Ok(Deadline {
            controller,
            timer: Some(timer),
            _on_timeout: on_timeout,
        })
    }

    fn signal(&self) -> AbortSignal {
        self.controller.signal()
    }

    fn expired(&self) -> bool {
        self.controller.signal().aborted()
    }
}

impl Drop for Deadline {
    fn drop(&mut self) {
        if let (Some(timer), Some(window)) = (self.timer.take(), web_sys::window()) {
            window.clear_timeout_with_handle(timer);
        }
    }
}

/// The fetch `credentials` mode for a request: cookies only when no explicit auth is sent.
pub fn credentials_for(request: &HttpRequest) -> RequestCredentials {
    if request.header("Authorization").is_some() {
        RequestCredentials::Omit
    } else {
        RequestCredentials::Include
    }
}

/// Stands in for the `Location` of a redirect the browser hides from us (an opaque redirect
/// response carries neither status nor headers). For a DHIS2 API call a redirect means the
/// session is gone and the server sends the user to its login page, which is what core reads
/// from a `Location` containing "login".
const HIDDEN_REDIRECT_LOCATION: &str = "login (redirect hidden by the browser)";

impl Transport for FetchTransport {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let url = request.url.clone();
        let unreachable = |reason: String| TransportError::Unreachable {
            url: url.clone(),
            reason,
        };
        let window = web_sys::window().ok_or_else(|| unreachable("no browser window".into()))?;
        let deadline =
            Deadline::start(&window, self.timeout_ms).map_err(|e| unreachable(describe(&e)))?;
        // Reads: the instance's connect limit until the headers (see the module's comment).
        let headers_deadline = if request.method == Method::Get {
            let connect_ms =
                i32::try_from(connect_timeout_for(&url).as_millis()).unwrap_or(i32::MAX);
            Some(
                deadline
                    .also(&window, connect_ms.min(self.timeout_ms))
                    .map_err(|e| unreachable(describe(&e)))?,
            )
        } else {
            None
        };
        let js_request =
            build_request(&request, &deadline.signal()).map_err(|e| unreachable(describe(&e)))?;
        // A rejected fetch is a network failure: refused connection, DNS, or a CORS refusal,
        // which the browser deliberately reports the same way — or our own deadline.
        let response: Response = JsFuture::from(window.fetch_with_request(&js_request))
            .await
            .map_err(|e| {
                if deadline.expired() {
                    TransportError::Timeout { url: url.clone() }
                } else {
                    unreachable(describe(&e))
                }
            })?
            .unchecked_into();
        // The headers arrived: from here on only the total limit runs.
        drop(headers_deadline);
        if response.type_() == web_sys::ResponseType::Opaqueredirect {
            return Ok(HttpResponse {
                status: 302,
                headers: vec![("Location".into(), HIDDEN_REDIRECT_LOCATION.into())],
                body: Vec::new(),
            });
        }
        let headers = read_headers(&response.headers());
        let buffer = response
            .array_buffer()
            .map_err(|e| unreachable(describe(&e)))?;
        let body = JsFuture::from(buffer).await.map_err(|_| {
            if deadline.expired() {
                TransportError::Timeout { url: url.clone() }
            } else {
                TransportError::ConnectionDropped { url: url.clone() }
            }
        })?;
        Ok(HttpResponse {
            status: response.status(),
            headers,
            body: Uint8Array::new(&body).to_vec(),
        })
    }
}

fn build_request(request: &HttpRequest, signal: &AbortSignal) -> Result<Request, JsValue> {
    let init = RequestInit::new();
    init.set_signal(Some(signal));
    init.set_method(request.method.as_str());
    init.set_credentials(credentials_for(request));
    init.set_redirect(RequestRedirect::Manual);
    let headers = Headers::new()?;
    for (name, value) in &request.headers {
        headers.append(name, value)?;
    }
    init.set_headers(&headers);
    if let Some(body) = &request.body {
        init.set_body(&Uint8Array::from(body.as_slice()));
    }
    Request::new_with_str_and_init(&request.url, &init)
}

fn read_headers(headers: &Headers) -> Vec<(String, String)> {
    let Ok(Some(entries)) = js_sys::try_iter(headers) else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|entry| {
            let pair: Array = entry.dyn_into().ok()?;
            Some((pair.get(0).as_string()?, pair.get(1).as_string()?))
        })
        .collect()
}

fn describe(error: &JsValue) -> String {
    error
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| error.as_string())
        .unwrap_or_else(|| "the browser refused the request".to_string())
}

type SendFuture = Pin<Box<dyn Future<Output = Result<HttpResponse, TransportError>>>>;

/// `Transport` has an async method, so it is not object-safe; this is its boxed twin.
trait BoxedTransport {
    fn send_boxed(self: Rc<Self>, request: HttpRequest) -> SendFuture;
}

impl<T: Transport + 'static> BoxedTransport for T {
    fn send_boxed(self: Rc<Self>, request: HttpRequest) -> SendFuture {
        Box::pin(async move { self.send(request).await })
    }
}

/// Any transport behind one cheap, clonable type, so that components take "a transport"
/// whether it is `fetch` or a test double.
#[derive(Clone)]
pub struct SharedTransport(Rc<dyn BoxedTransport>);

impl SharedTransport {
    pub fn new(transport: impl Transport + 'static) -> Self {
        SharedTransport(Rc::new(transport))
    }
}

impl Transport for SharedTransport {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        self.0.clone().send_boxed(request).await
    }
}
