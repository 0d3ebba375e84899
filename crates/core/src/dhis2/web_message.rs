use serde::Deserialize;

/// DHIS2's `WebMessage` envelope (every version): what error responses and, from 2.38, most
/// import responses are wrapped in. Absent fields are omitted by the server.
#[derive(Debug, Clone, PartialEq, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct WebMessage {
    #[serde(default)]
    pub http_status: Option<String>,
    #[serde(default)]
    pub http_status_code: Option<u16>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub error_code: Option<String>,
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub dev_message: Option<String>,
    #[serde(default)]
    pub response: Option<serde_json::Value>,
}

impl WebMessage {
    /// Reads a body as a WebMessage, if it is one (it must at least carry a status code or a
    /// message).
    pub fn parse(body: &[u8]) -> Option<WebMessage> {
        let message: WebMessage = serde_json::from_slice(body).ok()?;
        (message.http_status_code.is_some() || message.message.is_some()).then_some(message)
    }
}
