//! Helpers shared by the platform tests.
#![allow(dead_code)]

#[path = "../reference_support/mod.rs"]
mod reference_support;
#[allow(unused_imports)] // not every suite uses both
pub use reference_support::reference_dir;

use base64::Engine;
use dhis2_sim::{InstanceConfig, Sim, SimRequest, SimResponse, SimVersion};
use serde_json::Value;

pub fn sim(version: &str) -> Sim {
    let version: SimVersion = version.parse().expect("test versions are valid");
    Sim::new(InstanceConfig::new("source", version))
}

pub fn basic(user: &str) -> String {
    let token = base64::engine::general_purpose::STANDARD.encode(format!("{user}:district"));
    format!("Basic {token}")
}

/// A request as `user` (Basic auth, XHR header like the app's client).
pub fn as_user(user: &str, method: &str, url: &str) -> SimRequest {
    SimRequest::new(method, url)
        .with_header("Authorization", &basic(user))
        .with_header("X-Requested-With", "XMLHttpRequest")
}

pub fn send(sim: &Sim, request: SimRequest) -> SimResponse {
    sim.handle(request).expect("no fault was injected")
}

pub fn call(sim: &Sim, user: &str, method: &str, url: &str, body: Option<&str>) -> (u16, Value) {
    let mut request = as_user(user, method, url);
    if let Some(body) = body {
        request = request
            .with_header("Content-Type", "application/json")
            .with_body(body.as_bytes().to_vec());
    }
    let response = send(sim, request);
    let json = response.body_json().unwrap_or(Value::Null);
    (response.status, json)
}

/// Builds a zip in memory from (path, content) pairs.
pub fn zip_of(files: &[(&str, &str)]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (path, content) in files {
        writer
            .start_file(*path, zip::write::SimpleFileOptions::default())
            .expect("zip entry");
        std::io::Write::write_all(&mut writer, content.as_bytes()).expect("zip write");
    }
    writer.finish().expect("zip finish").into_inner()
}

/// A multipart/form-data upload of `zip` as the field `file`.
pub fn upload(user: &str, zip: &[u8]) -> SimRequest {
    let boundary = "----simBoundary7MA4YWxkTrZu0gW";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"app.zip\"\r\nContent-Type: application/zip\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(zip);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    as_user(user, "POST", "/api/apps")
        .with_header(
            "Content-Type",
            &format!("multipart/form-data; boundary={boundary}"),
        )
        .with_body(body)
}

pub fn reference_file(relative: &str) -> std::path::PathBuf {
    let path = reference_dir().join(relative);
    assert!(
        path.exists(),
        "reference file {} not found; set DHIS2_REFERENCE_DIR to the dhis2-reference folder \
         (default: <repo>/../shared/dhis2-reference)",
        path.display()
    );
    path
}

/// The `Accept` of Chromium loading an `<img>`, and navigating to a page.
pub const IMAGE_ACCEPT: &str = "image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8";
pub const PAGE_ACCEPT: &str =
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8";

/// A request as app-runtime sends it: XHR, `Accept: application/json`, as `user`.
pub fn runtime(user: &str, method: &str, url: &str) -> SimRequest {
    as_user(user, method, url).with_header("Accept", "application/json")
}

/// A GET without credentials (as a browser sends it before logging in).
pub fn anonymous(url: &str) -> SimRequest {
    SimRequest::new("GET", url)
}

pub fn json_of(response: &SimResponse) -> Value {
    response.body_json().unwrap_or(Value::Null)
}

/// The keys of a JSON object, sorted.
pub fn keys_of(value: &Value) -> Vec<String> {
    let mut keys: Vec<String> = value
        .as_object()
        .map(|map| map.keys().cloned().collect())
        .unwrap_or_default();
    keys.sort();
    keys
}

/// `NAME=value` of the response's `Set-Cookie`, if any.
pub fn session_cookie_of(response: &SimResponse) -> Option<String> {
    let set_cookie = response.header("Set-Cookie")?;
    set_cookie.split(';').next().map(str::to_string)
}

/// A recording of the shared reference data, as JSON.
pub fn recorded(relative: &str) -> Value {
    let file = reference_file(&format!("recorded/{relative}"));
    let text = std::fs::read_to_string(&file)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", file.display()));
    serde_json::from_str(&text)
        .unwrap_or_else(|error| panic!("{} is not JSON: {error}", file.display()))
}
