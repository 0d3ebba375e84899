//! "Test connection": try an instance and say, in words a data manager can act on, what is
//! wrong when it does not work.

use serde::Serialize;

use super::form::{token_needs_237, FormField};
use super::url::{normalise_url, UrlError};
use crate::dhis2::{Auth, Dhis2Client, Dhis2Error, Transport, TransportError, Version};

/// What to try.
#[derive(Debug, Clone)]
pub struct ConnectionRequest {
    pub url: String,
    pub auth: Auth,
    /// The origin the app runs at (`https://hmis.example.org`), when it runs in a browser: the
    /// remote must list it in its CORS allowlist.
    pub app_origin: Option<String>,
    /// The version last seen for this instance, if any.
    pub known_version: Option<Version>,
}

/// The outcome of a connection test: typed, so that the app can say it in the user's
/// language; [`ConnectionDiagnosis::message`] is the English text (CLI).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum ConnectionDiagnosis {
    Connected {
        system_name: Option<String>,
        version: Version,
    },
    InvalidUrl {
        reason: UrlError,
    },
    WrongPassword,
    /// The token was refused; on a server older than 2.37 (`version`) tokens do not exist.
    TokenRefused {
        version: Option<Version>,
    },
    TokensNeed237 {
        version: Version,
    },
    NotDhis2 {
        url: String,
        sign: NotDhis2Sign,
    },
    Unreachable {
        url: String,
        /// The origin to add to the remote's CORS allowlist, when the app runs in a browser.
        origin_to_allow: Option<String>,
    },
    TooSlow {
        url: String,
    },
    VersionTooOld {
        version: String,
    },
    Forbidden {
        message: String,
    },
    ServerError {
        status: Option<u16>,
        message: String,
    },
    /// The test was cancelled before the server answered.
    Cancelled,
}

/// What showed that an address is not the root of a DHIS2 instance.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "sign", rename_all = "camelCase")]
pub enum NotDhis2Sign {
    /// It answered with a login page instead of data.
    LoginPage,
    /// It has no `/api/system/info` (404).
    NoSystemInfo,
    /// It answered something that is not DHIS2 data.
    NotJson { status: u16, snippet: String },
    /// Its answer carries no DHIS2 version.
    NoVersion { reason: String },
}

impl std::fmt::Display for NotDhis2Sign {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NotDhis2Sign::LoginPage => f.write_str("it answered with a login page instead of data"),
            NotDhis2Sign::NoSystemInfo => f.write_str("it has no /api/system/info (404)"),
            NotDhis2Sign::NotJson { status, snippet } => write!(
                f,
                "it answered status {status} with something that is not DHIS2 data, starting {snippet:?}"
            ),
            NotDhis2Sign::NoVersion { reason } => {
                write!(f, "its answer has no DHIS2 version ({reason})")
            }
        }
    }
}

impl ConnectionDiagnosis {
    pub fn is_success(&self) -> bool {
        matches!(self, ConnectionDiagnosis::Connected { .. })
    }

    /// The form field to point at, if the fix is there.
    pub fn field(&self) -> Option<FormField> {
        match self {
            ConnectionDiagnosis::InvalidUrl { .. } | ConnectionDiagnosis::NotDhis2 { .. } => {
                Some(FormField::Url)
            }
            ConnectionDiagnosis::WrongPassword | ConnectionDiagnosis::TokenRefused { .. } => {
                Some(FormField::Secret)
            }
            ConnectionDiagnosis::TokensNeed237 { .. } => Some(FormField::AuthKind),
            _ => None,
        }
    }

    /// One or two sentences saying what happened and what to do.
    pub fn message(&self) -> String {
        match self {
            ConnectionDiagnosis::Connected {
                system_name,
                version,
            } => match system_name {
                Some(name) if !name.is_empty() => {
                    format!("Connected to \"{name}\", DHIS2 {version}.")
                }
                _ => format!("Connected to DHIS2 {version}."),
            },
            ConnectionDiagnosis::InvalidUrl { reason } => reason.to_string(),
            ConnectionDiagnosis::WrongPassword => {
                "The username or password is wrong (the server answered 401). Check them; \
                 the account may also be disabled or locked."
                    .into()
            }
            ConnectionDiagnosis::TokenRefused { version } => match version {
                Some(version) if !version.supports_api_tokens() => token_needs_237(version),
                _ => "The personal access token was refused (401). Check that it was copied \
                      whole, has not expired, and allows this app's address and the GET method. \
                      Tokens exist only from DHIS2 2.37 on; for older servers use a username and \
                      password."
                    .into(),
            },
            ConnectionDiagnosis::TokensNeed237 { version } => token_needs_237(version),
            ConnectionDiagnosis::NotDhis2 { url, sign: detail } => format!(
                "{url} does not look like the root of a DHIS2 instance ({detail}). Use the address \
                 you open DHIS2 at, without /api or an app's page, e.g. https://dhis2.example.org \
                 or https://example.org/dhis."
            ),
            ConnectionDiagnosis::Unreachable {
                url,
                origin_to_allow,
            } => match origin_to_allow {
                Some(origin) => format!(
                    "Could not reach {url}. Check the address and that the server is up. If it \
                     is, the server refuses requests from this app: ask its administrator to add \
                     {origin} to its CORS allowlist (System Settings → Access → CORS allowlist, \
                     or the Web API at {url}/api/configuration/corsWhitelist)."
                ),
                None => format!(
                    "Could not reach {url}. Check the address, that the server is up and that \
                     this computer can reach it (proxy, firewall, VPN)."
                ),
            },
            ConnectionDiagnosis::TooSlow { url } => format!(
                "{url} did not answer in time, or closed the connection. The server may be \
                 overloaded or restarting; try again in a moment."
            ),
            ConnectionDiagnosis::VersionTooOld { version } => format!(
                "The server runs DHIS2 {version}. MetaData Sync supports DHIS2 2.30 and later; \
                 upgrade the server to use it."
            ),
            ConnectionDiagnosis::Forbidden { message } => format!(
                "The account may not read the server's system information (403: {message}). Use \
                 an account with more rights."
            ),
            ConnectionDiagnosis::ServerError { status, message } => match status {
                Some(status) => format!(
                    "The server failed with status {status}: {message}. Try again later or ask \
                     its administrator."
                ),
                None => message.clone(),
            },
            ConnectionDiagnosis::Cancelled => "The test was cancelled.".into(),
        }
    }
}

/// Tries the instance: `GET /api/system/info` with the given auth.
pub async fn test_connection<T: Transport>(
    transport: T,
    request: &ConnectionRequest,
) -> ConnectionDiagnosis {
    let normal = match normalise_url(&request.url) {
        Ok(normal) => normal,
        Err(error) => return ConnectionDiagnosis::InvalidUrl { reason: error },
    };
    let is_token = matches!(request.auth, Auth::ApiToken { .. });
    if let Some(version) = request
        .known_version
        .as_ref()
        .filter(|version| is_token && !version.supports_api_tokens())
    {
        return ConnectionDiagnosis::TokensNeed237 {
            version: version.clone(),
        };
    }
    let client = Dhis2Client::new(transport, &normal.url, request.auth.clone());
    match client.system_info().await {
        Ok(info) if is_token && !info.version.supports_api_tokens() => {
            ConnectionDiagnosis::TokensNeed237 {
                version: info.version,
            }
        }
        Ok(info) => ConnectionDiagnosis::Connected {
            system_name: info.system_name,
            version: info.version,
        },
        Err(error) => diagnose(error, &normal.url, request, is_token),
    }
}

fn diagnose(
    error: Dhis2Error,
    url: &str,
    request: &ConnectionRequest,
    is_token: bool,
) -> ConnectionDiagnosis {
    match error {
        Dhis2Error::Unauthorized { .. } if is_token => ConnectionDiagnosis::TokenRefused {
            version: request.known_version.clone(),
        },
        Dhis2Error::Unauthorized { .. } => ConnectionDiagnosis::WrongPassword,
        Dhis2Error::LoginPage { .. } => ConnectionDiagnosis::NotDhis2 {
            url: url.to_string(),
            sign: NotDhis2Sign::LoginPage,
        },
        Dhis2Error::NotFound { .. } => ConnectionDiagnosis::NotDhis2 {
            url: url.to_string(),
            sign: NotDhis2Sign::NoSystemInfo,
        },
        Dhis2Error::NotJson {
            status, snippet, ..
        } => ConnectionDiagnosis::NotDhis2 {
            url: url.to_string(),
            sign: NotDhis2Sign::NotJson { status, snippet },
        },
        Dhis2Error::Decode { reason, .. } => ConnectionDiagnosis::NotDhis2 {
            url: url.to_string(),
            sign: NotDhis2Sign::NoVersion { reason },
        },
        Dhis2Error::Unreachable { .. } => ConnectionDiagnosis::Unreachable {
            url: url.to_string(),
            origin_to_allow: request.app_origin.clone(),
        },
        Dhis2Error::Interrupted { source, .. } => match source {
            TransportError::Cancelled => ConnectionDiagnosis::Cancelled,
            _ => ConnectionDiagnosis::TooSlow {
                url: url.to_string(),
            },
        },
        Dhis2Error::UnsupportedVersion { version, .. } => {
            ConnectionDiagnosis::VersionTooOld { version }
        }
        Dhis2Error::Forbidden { message, .. } => ConnectionDiagnosis::Forbidden { message },
        Dhis2Error::Http {
            status, message, ..
        } => ConnectionDiagnosis::ServerError {
            status: Some(status),
            message,
        },
        // Import jobs are not part of a connection test.
        job @ (Dhis2Error::JobLost { .. } | Dhis2Error::JobTimedOut { .. }) => {
            ConnectionDiagnosis::ServerError {
                status: None,
                message: job.to_string(),
            }
        }
    }
}
