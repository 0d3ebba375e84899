//! Test doubles and DOM helpers shared by the browser tests.

// Each browser test binary uses its own part of these helpers.
#![allow(dead_code)]

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use leptos::prelude::*;
use mdsync_core::crypto::EncryptionKey;
use mdsync_core::dhis2::{HttpRequest, HttpResponse, Method, Transport, TransportError};
use metadata_sync::app::Shell;
use metadata_sync::services::{KeySource, Services};
use metadata_sync::transport::SharedTransport;
use wasm_bindgen::JsCast;

pub const BASE_URL: &str = "http://dhis2.test/dhis";
pub const ORIGIN: &str = "http://dhis2.test";

/// One canned answer: requests whose URL contains `path_part` (and whose method matches) get it.
#[derive(Clone)]
pub struct Canned {
    pub method: Method,
    pub path_part: String,
    pub answer: Result<HttpResponse, TransportError>,
}

/// A fake DHIS2: an in-memory dataStore (2.41 semantics: `PUT` creates), answers from a list
/// for everything else (later entries win), and a record of every request.
#[derive(Clone, Default)]
pub struct FakeDhis2 {
    pub canned: Rc<RefCell<Vec<Canned>>>,
    pub requests: Rc<RefCell<Vec<HttpRequest>>>,
    /// `namespace/key` → JSON text.
    pub datastore: Rc<RefCell<BTreeMap<String, String>>>,
    /// Requests whose URL contains the text wait until the gate opens.
    pub gates: Rc<RefCell<Vec<(String, Gate)>>>,
}

/// Holds the requests given to it (a slow server) until [`Gate::open`].
#[derive(Clone, Default)]
pub struct Gate(Rc<RefCell<GateState>>);

#[derive(Default)]
struct GateState {
    open: bool,
    waiting: Vec<std::task::Waker>,
}

impl Gate {
    pub fn open(&self) {
        let mut state = self.0.borrow_mut();
        state.open = true;
        for waker in state.waiting.drain(..) {
            waker.wake();
        }
    }

    async fn passed(&self) {
        std::future::poll_fn(|cx| {
            let mut state = self.0.borrow_mut();
            if state.open {
                std::task::Poll::Ready(())
            } else {
                state.waiting.push(cx.waker().clone());
                std::task::Poll::Pending
            }
        })
        .await
    }
}

const DATASTORE: &str = "/api/dataStore/";

/// `%2D` → `-` (what a server does to a path before reading it).
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn not_found() -> HttpResponse {
    json(
        404,
        r#"{"httpStatus":"Not Found","httpStatusCode":404,"status":"ERROR","message":"Not found"}"#,
    )
}

pub fn json(status: u16, body: &str) -> HttpResponse {
    HttpResponse {
        status,
        headers: vec![("Content-Type".into(), "application/json".into())],
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

impl FakeDhis2 {
    pub fn on(&self, method: Method, path_part: &str, answer: HttpResponse) -> &Self {
        self.canned.borrow_mut().push(Canned {
            method,
            path_part: path_part.into(),
            answer: Ok(answer),
        });
        self
    }

    /// Requests whose URL contains `path_part` get no answer until the returned gate opens.
    pub fn hold(&self, path_part: &str) -> Gate {
        let gate = Gate::default();
        self.gates
            .borrow_mut()
            .push((path_part.to_string(), gate.clone()));
        gate
    }

    pub fn fail(&self, path_part: &str, error: TransportError) -> &Self {
        self.canned.borrow_mut().push(Canned {
            method: Method::Get,
            path_part: path_part.into(),
            answer: Err(error),
        });
        self
    }

    /// A 2.41 server where the user has the given authorities and user roles.
    pub fn server(authorities: &[&str], roles: &[&str]) -> FakeDhis2 {
        let fake = FakeDhis2::default();
        let authorities = serde_json::to_string(authorities).unwrap_or_default();
        let roles = roles
            .iter()
            .enumerate()
            .map(|(i, name)| format!(r#"{{"id":"role{i:07}","name":"{name}"}}"#))
            .collect::<Vec<_>>()
            .join(",");
        fake.on(
            Method::Get,
            "/api/system/info",
            json(200, r#"{"version":"2.41.1","systemName":"Test DHIS2"}"#),
        )
        .on(
            Method::Get,
            "/api/me",
            json(
                200,
                &format!(
                    r#"{{"id":"xE7jOejl9FI","username":"jtraore","name":"John Traore",
                    "authorities":{authorities},"userRoles":[{roles}]}}"#
                ),
            ),
        )
        // The app gives every dataStore key it creates explicit sharing (core's protection):
        // it looks up the configurators and posts the sharing of the entry.
        .on(
            Method::Get,
            "/api/userRoles",
            json(200, r#"{"userRoles":[]}"#),
        )
        .on(
            Method::Post,
            "/api/sharing",
            json(200, r#"{"httpStatusCode":200,"status":"OK"}"#),
        )
        .on(
            Method::Get,
            "/api/systemSettings/applicationTitle",
            json(200, r#"{"applicationTitle":"Sierra Leone"}"#),
        );
        fake
    }

    pub fn requests_to(&self, path_part: &str) -> Vec<HttpRequest> {
        self.requests
            .borrow()
            .iter()
            .filter(|r| r.url.contains(path_part))
            .cloned()
            .collect()
    }
}

impl FakeDhis2 {
    /// Every value stored under a namespace, as text.
    pub fn datastore_values(&self, namespace: &str) -> Vec<(String, String)> {
        let prefix = format!("{namespace}/");
        self.datastore
            .borrow()
            .iter()
            .filter_map(|(key, value)| {
                key.strip_prefix(&prefix)
                    .map(|key| (key.to_string(), value.clone()))
            })
            .collect()
    }

    fn datastore_answer(&self, request: &HttpRequest) -> Option<HttpResponse> {
        let base = format!("{BASE_URL}{DATASTORE}");
        let path = request.url.strip_prefix(&base)?;
        let query = path
            .split_once('?')
            .map(|(_, q)| q.to_string())
            .unwrap_or_default();
        let path = percent_decode(path.split('?').next().unwrap_or_default());
        let path = path.as_str();
        let mut store = self.datastore.borrow_mut();
        let Some((namespace, key)) = path.split_once('/') else {
            let prefix = format!("{path}/");
            // The query API (2.38+, `headless=true`): one field of every entry.
            if let Some(field) = query
                .split('&')
                .find_map(|pair| pair.strip_prefix("fields="))
            {
                let field = percent_decode(field);
                let rows: Vec<serde_json::Value> = store
                    .iter()
                    .filter_map(|(k, value)| Some((k.strip_prefix(&prefix)?, value)))
                    .map(|(key, value)| {
                        let value: serde_json::Value =
                            serde_json::from_str(value).unwrap_or_default();
                        let mut row = serde_json::json!({ "key": key });
                        if let Some(picked) = value.get(&field) {
                            row[&field] = picked.clone();
                        }
                        row
                    })
                    .collect();
                return Some(json(200, &serde_json::to_string(&rows).unwrap_or_default()));
            }
            // The 2.38+ query API: one field of every entry, `[{"key": …, field: …}]`.
            let query = request
                .url
                .split_once('?')
                .map(|(_, q)| q)
                .unwrap_or_default();
            if let Some(field) = query.split('&').find_map(|p| p.strip_prefix("fields=")) {
                let field = percent_decode(field);
                let rows: Vec<serde_json::Value> = store
                    .iter()
                    .filter_map(|(k, v)| {
                        let key = k.strip_prefix(&prefix)?;
                        let value: serde_json::Value = serde_json::from_str(v).ok()?;
                        let picked = value.get(&field)?.clone();
                        Some(serde_json::json!({ "key": key, field.clone(): picked }))
                    })
                    .collect();
                return Some(json(200, &serde_json::to_string(&rows).unwrap_or_default()));
            }
            let keys: Vec<&str> = store
                .keys()
                .filter_map(|k| k.strip_prefix(&prefix))
                .collect();
            return Some(if keys.is_empty() {
                not_found()
            } else {
                json(200, &serde_json::to_string(&keys).unwrap_or_default())
            });
        };
        if let Some(entry) = key.strip_suffix("/metaData") {
            let entry = format!("{namespace}/{entry}");
            return Some(if store.contains_key(&entry) {
                json(
                    200,
                    &format!(
                        r#"{{"id":"entry{:06}","createdBy":{{"id":"xE7jOejl9FI"}}}}"#,
                        entry.len()
                    ),
                )
            } else {
                not_found()
            });
        }
        let entry = format!("{namespace}/{key}");
        let body =
            || String::from_utf8_lossy(request.body.as_deref().unwrap_or_default()).into_owned();
        Some(match request.method {
            Method::Get => match store.get(&entry) {
                Some(value) => json(200, value),
                None => not_found(),
            },
            Method::Post if store.contains_key(&entry) => {
                json(409, r#"{"httpStatusCode":409,"message":"Key exists"}"#)
            }
            Method::Post | Method::Put => {
                let existed = store.insert(entry, body()).is_some();
                json(
                    if existed { 200 } else { 201 },
                    r#"{"httpStatusCode":200,"status":"OK"}"#,
                )
            }
            Method::Delete => match store.remove(&entry) {
                Some(_) => json(200, r#"{"httpStatusCode":200,"status":"OK"}"#),
                None => not_found(),
            },
            Method::Patch => not_found(),
        })
    }
}

impl Transport for FakeDhis2 {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        self.requests.borrow_mut().push(request.clone());
        let gate = self
            .gates
            .borrow()
            .iter()
            .find(|(part, _)| request.url.contains(part.as_str()))
            .map(|(_, gate)| gate.clone());
        if let Some(gate) = gate {
            gate.passed().await;
        }
        if let Some(answer) = self.datastore_answer(&request) {
            return Ok(answer);
        }
        let canned = self.canned.borrow();
        let found = canned
            .iter()
            .rev()
            .find(|c| c.method == request.method && request.url.contains(&c.path_part));
        match found {
            Some(c) => c.answer.clone(),
            None => Ok(not_found()),
        }
    }
}

pub fn services(fake: &FakeDhis2) -> Services {
    Services::new(
        BASE_URL,
        ORIGIN,
        SharedTransport::new(fake.clone()),
        KeySource::Given(EncryptionKey::from_bytes([7u8; 32])),
    )
}

/// A mounted shell; unmounts (and removes its container) when dropped.
pub struct Mounted {
    pub container: web_sys::HtmlElement,
    _handle: leptos::mount::UnmountHandle<leptos::tachys::view::any_view::AnyViewState>,
}

impl Drop for Mounted {
    fn drop(&mut self) {
        self.container.remove();
    }
}

pub fn set_hash(hash: &str) {
    let window = web_sys::window().expect("a browser window");
    window.location().set_hash(hash).expect("hash set");
}

/// Sets the hash and waits (at most half a second) for its `hashchange`, so that the event
/// cannot reach a shell mounted after this call and move it away from where a test left it.
pub async fn set_hash_settled(hash: &str) {
    let window = web_sys::window().expect("a browser window");
    let wanted = if hash.starts_with('#') {
        hash.to_string()
    } else {
        format!("#{hash}")
    };
    if window.location().hash().unwrap_or_default() == wanted {
        return;
    }
    let fired = Rc::new(std::cell::Cell::new(false));
    let listener = {
        let fired = fired.clone();
        wasm_bindgen::closure::Closure::<dyn FnMut()>::new(move || fired.set(true))
    };
    let target: &web_sys::EventTarget = window.as_ref();
    target
        .add_event_listener_with_callback("hashchange", listener.as_ref().unchecked_ref())
        .expect("listener added");
    set_hash(hash);
    for _ in 0..50 {
        if fired.get() {
            break;
        }
        sleep(10).await;
    }
    let _ =
        target.remove_event_listener_with_callback("hashchange", listener.as_ref().unchecked_ref());
}

pub fn mount_shell(services: Services) -> Mounted {
    let document = document();
    let container: web_sys::HtmlElement = document
        .create_element("div")
        .expect("div created")
        .unchecked_into();
    document
        .body()
        .expect("a body")
        .append_child(&container)
        .expect("container appended");
    let handle = leptos::mount::mount_to(container.clone(), move || {
        view! { <Shell services=services.clone() show_header_bar=true/> }.into_any()
    });
    Mounted {
        container,
        _handle: handle,
    }
}

/// Mounts any view (a component alone, with the context it needs set up inside `render`).
pub fn mount_view(render: impl Fn() -> AnyView + 'static) -> Mounted {
    let document = document();
    let container: web_sys::HtmlElement = document
        .create_element("div")
        .expect("div created")
        .unchecked_into();
    document
        .body()
        .expect("a body")
        .append_child(&container)
        .expect("container appended");
    let handle = leptos::mount::mount_to(container.clone(), render);
    Mounted {
        container,
        _handle: handle,
    }
}

async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

impl Mounted {
    pub fn find(&self, data_test: &str) -> Option<web_sys::Element> {
        self.container
            .query_selector(&format!("[data-test=\"{data_test}\"]"))
            .ok()
            .flatten()
    }

    pub fn find_all(&self, selector: &str) -> Vec<web_sys::Element> {
        let Ok(list) = self.container.query_selector_all(selector) else {
            return Vec::new();
        };
        (0..list.length())
            .filter_map(|i| list.item(i))
            .filter_map(|node| node.dyn_into::<web_sys::Element>().ok())
            .collect()
    }

    /// Waits (polling the DOM between Leptos ticks) until `[data-test=…]` exists.
    pub async fn wait_for(&self, data_test: &str) -> web_sys::Element {
        for _ in 0..200 {
            leptos::task::tick().await;
            if let Some(element) = self.find(data_test) {
                return element;
            }
            sleep(10).await;
        }
        panic!(
            "[data-test={data_test}] never appeared; the page shows: {}",
            self.container.text_content().unwrap_or_default()
        );
    }

    /// Waits until `[data-test=…]` exists and its text contains `needle`.
    pub async fn wait_for_text(&self, data_test: &str, needle: &str) -> String {
        for _ in 0..200 {
            leptos::task::tick().await;
            if let Some(text) = self.find(data_test).and_then(|e| e.text_content()) {
                if text.contains(needle) {
                    return text;
                }
            }
            sleep(10).await;
        }
        panic!(
            "[data-test={data_test}] never contained {needle:?}; the page shows: {}",
            self.container.text_content().unwrap_or_default()
        );
    }

    pub fn text(&self, data_test: &str) -> String {
        self.find(data_test)
            .and_then(|e| e.text_content())
            .unwrap_or_default()
    }

    pub fn click(&self, data_test: &str) {
        let element: web_sys::HtmlElement = self
            .find(data_test)
            .unwrap_or_else(|| panic!("[data-test={data_test}] to click"))
            .unchecked_into();
        element.click();
    }

    /// The table row whose text contains `needle`.
    pub fn row_with(&self, needle: &str) -> Option<web_sys::Element> {
        self.find_all("[data-test=\"data-table-row\"]")
            .into_iter()
            .find(|row| row.text_content().unwrap_or_default().contains(needle))
    }

    /// Clicks `[data-test=…]` inside the row whose text contains `needle`.
    pub fn click_in_row(&self, needle: &str, data_test: &str) {
        let row = self
            .row_with(needle)
            .unwrap_or_else(|| panic!("a row with {needle:?}"));
        let button: web_sys::HtmlElement = row
            .query_selector(&format!("[data-test=\"{data_test}\"]"))
            .ok()
            .flatten()
            .unwrap_or_else(|| panic!("[data-test={data_test}] in the row of {needle:?}"))
            .unchecked_into();
        button.click();
    }

    /// Waits until the predicate holds (between Leptos ticks).
    pub async fn wait_until(&self, what: &str, check: impl Fn(&Mounted) -> bool) {
        for _ in 0..200 {
            leptos::task::tick().await;
            if check(self) {
                return;
            }
            sleep(10).await;
        }
        panic!(
            "never true: {what}; the page shows: {}",
            self.container.text_content().unwrap_or_default()
        );
    }

    /// Types into an input or textarea and fires `input` (what Leptos listens to).
    pub fn type_into(&self, data_test: &str, value: &str) {
        let element = self
            .find(data_test)
            .unwrap_or_else(|| panic!("[data-test={data_test}] to type into"));
        if let Some(input) = element.dyn_ref::<web_sys::HtmlInputElement>() {
            input.set_value(value);
        } else if let Some(area) = element.dyn_ref::<web_sys::HtmlTextAreaElement>() {
            area.set_value(value);
        } else if let Some(select) = element.dyn_ref::<web_sys::HtmlSelectElement>() {
            select.set_value(value);
            element
                .dispatch_event(&bubbling("change"))
                .expect("dispatched");
        }
        element
            .dispatch_event(&bubbling("input"))
            .expect("dispatched");
    }
}

/// Leptos delegates events to the document, so test events must bubble.
fn bubbling(name: &str) -> web_sys::Event {
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    web_sys::Event::new_with_event_init_dict(name, &init).expect("event")
}
