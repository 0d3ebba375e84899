//! WebMessage bodies (§0.1) as the metadata endpoints return them.

use crate::{SimResponse, SimVersion};
use serde_json::{json, Map, Value};

pub fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        _ => "Internal Server Error",
    }
}

/// A WebMessage with `status` OK below 400 and ERROR from 400.
pub fn web_message(
    status: u16,
    message: &str,
    error_code: Option<&str>,
    version: SimVersion,
) -> Value {
    let mut out = Map::new();
    out.insert("httpStatus".into(), json!(reason(status)));
    out.insert("httpStatusCode".into(), json!(status));
    out.insert(
        "status".into(),
        json!(if status < 400 { "OK" } else { "ERROR" }),
    );
    if let Some(code) = error_code.filter(|_| version.at_least(40, 0)) {
        out.insert("errorCode".into(), json!(code));
    }
    out.insert("message".into(), json!(message));
    Value::Object(out)
}

pub fn respond(
    status: u16,
    message: &str,
    error_code: Option<&str>,
    version: SimVersion,
) -> SimResponse {
    SimResponse::json(status, &web_message(status, message, error_code, version))
}

pub fn not_found(version: SimVersion, message: &str) -> SimResponse {
    respond(404, message, None, version)
}

/// `DataElement with id xyz could not be found.` (E1005 from 2.40).
pub fn object_not_found(version: SimVersion, short_klass: &str, id: &str) -> SimResponse {
    respond(
        404,
        &format!("{short_klass} with id {id} could not be found."),
        Some("E1005"),
        version,
    )
}

pub fn conflict(version: SimVersion, message: &str) -> SimResponse {
    respond(409, message, None, version)
}

pub fn bad_request(version: SimVersion, message: &str) -> SimResponse {
    respond(400, message, None, version)
}

/// 2.30–2.34 render Jackson beans without empty arrays (§0.1).
pub fn drop_empty_arrays(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.retain(|_, v| !matches!(v, Value::Array(items) if items.is_empty()));
            map.values_mut().for_each(drop_empty_arrays);
        }
        Value::Array(items) => items.iter_mut().for_each(drop_empty_arrays),
        _ => {}
    }
}
