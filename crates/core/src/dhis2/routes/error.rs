//! Why a route could not be saved, used or run, decoded from DHIS2's answers into messages
//! that say what to do.

use crate::dhis2::{Dhis2Error, HttpResponse, WebMessage};

/// The dhis.conf setting that lists the servers routes may reach (2.42+).
pub const ALLOW_LIST_SETTING: &str = "route.remote_servers_allowed";

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RouteError {
    #[error(
        "The local DHIS2 runs version {version}, which has no routes (they arrived in DHIS2 2.40). \
         Keep this instance's credential in MetaData Sync's encrypted storage, or upgrade the \
         local DHIS2 to 2.40 or later."
    )]
    NotSupported { version: String },

    #[error(
        "{url:?} is not an address a route can point at: {reason}. Enter the remote instance's \
         root address, such as https://dhis2.example.org."
    )]
    InvalidRemoteUrl { url: String, reason: String },

    #[error(
        "The local DHIS2 refuses a route to {origin}: its setting `route.remote_servers_allowed` \
         (in dhis.conf) does not include that server, and by default it only allows https:// \
         servers (`https://*`). Use the remote's https:// address, or ask the DHIS2 \
         administrator to add {origin} to route.remote_servers_allowed and restart DHIS2."
    )]
    RemoteNotAllowed { origin: String },

    #[error("The local DHIS2 refused the route's address {url}: {message}. Check the remote instance's URL.")]
    UrlRefused { url: String, message: String },

    #[error(
        "The local DHIS2 does not know the route authentication `{auth_type}` (it knows: \
         {known}). Use a username and password (http-basic) or a personal access token \
         (api-token)."
    )]
    UnknownAuthType { auth_type: String, known: String },

    #[error(
        "Your DHIS2 user may not create routes ({message}). Ask a DHIS2 administrator to give \
         one of your user roles the authority F_ROUTE_PRIVATE_ADD (or F_ROUTE_PUBLIC_ADD)."
    )]
    CreateNotPermitted { message: String },

    #[error(
        "Your DHIS2 user may not change the route {id} ({message}). Ask whoever created it, or \
         a DHIS2 administrator, to share it with you with edit access."
    )]
    ChangeNotPermitted { id: String, message: String },

    #[error(
        "Your DHIS2 user may not delete the route {id} ({message}). It needs the authority \
         F_ROUTE_DELETE and edit access to the route: ask a DHIS2 administrator."
    )]
    DeleteNotPermitted { id: String, message: String },

    #[error(
        "Another route already has the {property} {value:?} on the local DHIS2. Rename the \
         instance, or remove the other route in the DHIS2 Maintenance app."
    )]
    Duplicate { property: String, value: String },

    #[error("The local DHIS2 did not accept the route: {message}")]
    Invalid { message: String },

    #[error(
        "The route {id} does not exist on the local DHIS2 (or is disabled). Save the instance \
         again to create it."
    )]
    NotFound { id: String },

    #[error(
        "The route {id} is not shared with you, so you cannot use the instance it serves. Ask a \
         configurator to share the instance with you."
    )]
    NotShared { id: String },

    #[error(
        "The local DHIS2 could not get an answer from the remote instance through the route \
         (status {status}{}). Check that the remote is up and that the local DHIS2 server can \
         reach it.", detail(.message)
    )]
    RemoteUnreachable { status: u16, message: String },

    #[error(
        "The local DHIS2 refused to run the route ({message}). Its setting \
         `route.remote_servers_allowed` (dhis.conf) may no longer allow the remote: ask the \
         DHIS2 administrator, then save the instance again."
    )]
    RunRefused { message: String },

    #[error(
        "The local DHIS2 ({version}) passes only GET and POST requests through routes, not \
         {method}. Upgrade the local DHIS2 to 2.41 or later."
    )]
    MethodNotForwarded { method: String, version: String },

    #[error(
        "The local DHIS2 ({version}) forwards no Content-Type through routes, so the remote \
         cannot read what is sent to it. Upgrade the local DHIS2 to 2.40.9, 2.41.5, 2.42.2 or \
         later to write through routes."
    )]
    WritesNotForwarded { version: String },

    #[error(transparent)]
    Dhis2(#[from] Dhis2Error),
}

/// `: message`, or nothing for an empty message (a 504 has no body).
fn detail(message: &str) -> String {
    match message.is_empty() {
        true => String::new(),
        false => format!(": {message}"),
    }
}

/// What was being done to a route when the server said no.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RouteAction {
    Create,
    Change,
    Delete,
}

fn message_of(response: &HttpResponse) -> (Option<WebMessage>, String) {
    let message = WebMessage::parse(&response.body);
    let text = message
        .as_ref()
        .and_then(|m| m.message.clone())
        .unwrap_or_default();
    (message, text)
}

/// `scheme://host[:port]` of an absolute URL (what the allow list matches).
pub(crate) fn origin_of(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(parsed) => parsed.origin().ascii_serialization(),
        Err(_) => url.to_string(),
    }
}

/// Jackson's "Could not resolve type id 'x' as a subtype of …: known type ids = [a, b]".
fn unknown_auth_type(text: &str) -> Option<RouteError> {
    let rest = text.split("Could not resolve type id '").nth(1)?;
    let (auth_type, rest) = rest.split_once('\'')?;
    let known = rest
        .split("known type ids = [")
        .nth(1)
        .and_then(|list| list.split(']').next())
        .unwrap_or_default();
    Some(RouteError::UnknownAuthType {
        auth_type: auth_type.to_string(),
        known: known.to_string(),
    })
}

/// The first error report of an ObjectReport answer.
fn object_report_error(message: &WebMessage) -> Option<RouteError> {
    let reports = message.response.as_ref()?.get("errorReports")?.as_array()?;
    let first = reports.first()?;
    let text = first
        .get("message")
        .and_then(|m| m.as_str())
        .unwrap_or_default();
    if first.get("errorCode").and_then(|c| c.as_str()) == Some("E5003") {
        let property = first
            .get("errorProperty")
            .and_then(|p| p.as_str())
            .unwrap_or_default();
        let value = text.split('`').nth(3).unwrap_or_default();
        return Some(RouteError::Duplicate {
            property: property.to_string(),
            value: value.to_string(),
        });
    }
    let all: Vec<&str> = reports
        .iter()
        .filter_map(|report| report.get("message").and_then(|m| m.as_str()))
        .collect();
    Some(RouteError::Invalid {
        message: all.join(" "),
    })
}

/// Decodes a refused `POST`/`PUT`/`DELETE /api/routes…`.
pub(crate) fn decode_write_refusal(
    action: RouteAction,
    id: &str,
    route_url: &str,
    base_url: &str,
    request_url: &str,
    response: &HttpResponse,
) -> RouteError {
    let (message, text) = message_of(response);
    if let Some(error) = unknown_auth_type(&text) {
        return error;
    }
    match (response.status, action) {
        (403, RouteAction::Create) => return RouteError::CreateNotPermitted { message: text },
        (403, RouteAction::Change) => {
            return RouteError::ChangeNotPermitted {
                id: id.to_string(),
                message: text,
            }
        }
        (403, RouteAction::Delete) => {
            return RouteError::DeleteNotPermitted {
                id: id.to_string(),
                message: text,
            }
        }
        (404, _) => return RouteError::NotFound { id: id.to_string() },
        _ => {}
    }
    if response.status == 409 {
        if text.starts_with("Route URL is not permitted") {
            return RouteError::RemoteNotAllowed {
                origin: origin_of(route_url),
            };
        }
        let url_problems = [
            "Malformed route URL",
            "Route URL scheme",
            "Placeholders are only",
        ];
        if url_problems.iter().any(|start| text.starts_with(start)) {
            return RouteError::UrlRefused {
                url: route_url.to_string(),
                message: text,
            };
        }
        if let Some(error) = message.as_ref().and_then(object_report_error) {
            return error;
        }
        return RouteError::Invalid { message: text };
    }
    match crate::dhis2::client::check_response(base_url, request_url, response) {
        Err(error) => RouteError::Dhis2(error),
        Ok(()) => RouteError::Invalid { message: text },
    }
}

/// The route-level cause of a failed request made through a route, if it is one: a route that
/// is gone or not shared, a run the server refuses, a remote that does not answer. `None` for
/// the remote's own answers (those stay [`Dhis2Error`]s about the remote).
pub fn diagnose_run(error: &Dhis2Error, route_id: &str, local_version: &str) -> Option<RouteError> {
    let id = route_id.to_string();
    match error {
        Dhis2Error::NotFound { message, .. }
            if message.starts_with("Route ") && message.contains("not found") =>
        {
            Some(RouteError::NotFound { id })
        }
        Dhis2Error::Forbidden { message, .. } if message.starts_with("User not authorized") => {
            Some(RouteError::NotShared { id })
        }
        Dhis2Error::Http {
            status: 405,
            message,
            ..
        } if message.starts_with("Request method") => {
            let method = message.split('\'').nth(1).unwrap_or_default().to_string();
            Some(RouteError::MethodNotForwarded {
                method,
                version: local_version.to_string(),
            })
        }
        Dhis2Error::Http {
            status, message, ..
        } => match (*status, message.as_str()) {
            (502, "An unexpected error occurred" | "An error occurred during authentication") => {
                Some(RouteError::RunRefused {
                    message: message.clone(),
                })
            }
            (400 | 502, text) if text.contains("sub-paths") || text.contains("subpaths") => {
                Some(RouteError::Invalid {
                    message: message.clone(),
                })
            }
            (503, text) if text.starts_with("I/O error on") => {
                Some(RouteError::RemoteUnreachable {
                    status: 503,
                    message: message.clone(),
                })
            }
            (500, text) if text.starts_with("Connection ") => Some(RouteError::RemoteUnreachable {
                status: 500,
                message: message.clone(),
            }),
            (504, _) => Some(RouteError::RemoteUnreachable {
                status: 504,
                message: message.clone(),
            }),
            _ => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_auth_types_are_read_from_jacksons_message() {
        let text = "Could not resolve type id 'oauth' as a subtype of \
                    `org.hisp.dhis.common.auth.AuthScheme`: known type ids = [api-token, http-basic] \
                    (for POJO property 'auth')";
        assert_eq!(
            unknown_auth_type(text),
            Some(RouteError::UnknownAuthType {
                auth_type: "oauth".into(),
                known: "api-token, http-basic".into()
            })
        );
    }

    #[test]
    fn the_allow_list_refusal_names_the_setting() {
        let error = RouteError::RemoteNotAllowed {
            origin: origin_of("http://remote.example.org:8080/**"),
        };
        let text = error.to_string();
        assert!(text.contains(ALLOW_LIST_SETTING), "{text}");
        assert!(text.contains("http://remote.example.org:8080"), "{text}");
    }
}
