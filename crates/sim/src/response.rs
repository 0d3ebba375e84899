/// A response of the simulator.
#[derive(Debug, Clone, PartialEq)]
pub struct SimResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// Injected failures that are not HTTP responses at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SimFault {
    /// The connection is closed without an answer.
    #[error("connection dropped by the simulator")]
    DropConnection,
    /// The request never gets an answer (over HTTP: the socket stays open).
    #[error("the simulator never answers this request")]
    NeverAnswer,
}

impl SimResponse {
    pub fn json(status: u16, value: &serde_json::Value) -> Self {
        SimResponse {
            status,
            headers: vec![(
                "Content-Type".into(),
                "application/json;charset=UTF-8".into(),
            )],
            body: serde_json::to_vec(value).unwrap_or_default(),
        }
    }

    pub fn empty(status: u16) -> Self {
        SimResponse {
            status,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn body_json(&self) -> Result<serde_json::Value, serde_json::Error> {
        serde_json::from_slice(&self.body)
    }
}

/// The reason phrase DHIS2 puts in `httpStatus` (Spring's `HttpStatus.getReasonPhrase()`).
pub fn reason_phrase(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        204 => "No Content",
        302 => "Found",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        409 => "Conflict",
        413 => "Payload Too Large",
        415 => "Unsupported Media Type",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Unknown",
    }
}

/// A DHIS2 WebMessage body (§0.1): `status` is OK for 2xx/3xx and ERROR otherwise, as the
/// `WebMessageUtils` factories set it.
pub fn web_message_value(status: u16, message: &str) -> serde_json::Value {
    serde_json::json!({
        "httpStatus": reason_phrase(status),
        "httpStatusCode": status,
        "status": if status < 400 { "OK" } else { "ERROR" },
        "message": message,
    })
}

impl SimResponse {
    /// A WebMessage response with the HTTP status equal to `httpStatusCode`.
    pub fn web_message(status: u16, message: &str) -> Self {
        SimResponse::json(status, &web_message_value(status, message))
    }

    /// A WebMessage carrying a 2.40+ style `errorCode` (e.g. `E1005`), placed after `status`.
    pub fn web_message_with_code(status: u16, error_code: &str, message: &str) -> Self {
        let value = serde_json::json!({
            "httpStatus": reason_phrase(status),
            "httpStatusCode": status,
            "status": if status < 400 { "OK" } else { "ERROR" },
            "errorCode": error_code,
            "message": message,
        });
        SimResponse::json(status, &value)
    }

    /// A body of any content type.
    pub fn bytes(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Self {
        SimResponse {
            status,
            headers: vec![("Content-Type".into(), content_type.into())],
            body: body.into(),
        }
    }
}
