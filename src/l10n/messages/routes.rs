//! Why a DHIS2 route (the server-side store of a remote's credentials, 2.40+) could not be
//! saved, used or run ([`RouteError`]), in the user's language. Authority and setting names
//! (`F_ROUTE_PRIVATE_ADD`, `route.remote_servers_allowed`) are DHIS2's and stay as they are.

use mdsync_core::dhis2::routes::{RouteError, ALLOW_LIST_SETTING};

use super::dhis2::dhis2_error;
use crate::l10n::Language;
use crate::tr;

pub fn route_error(lang: Language, error: &RouteError) -> String {
    match error {
        RouteError::NotSupported { version } => {
            tr!(lang, errors.route.not_supported, version = version)
        }
        RouteError::InvalidRemoteUrl { url, reason } => tr!(
            lang,
            errors.route.invalid_remote_url,
            url = format!("{url:?}"),
            reason = reason
        ),
        RouteError::RemoteNotAllowed { origin } => tr!(
            lang,
            errors.route.remote_not_allowed,
            origin = origin,
            setting = ALLOW_LIST_SETTING
        ),
        RouteError::UrlRefused { url, message } => {
            tr!(lang, errors.route.url_refused, url = url, message = message)
        }
        RouteError::UnknownAuthType { auth_type, known } => tr!(
            lang,
            errors.route.unknown_auth_type,
            auth_type = auth_type,
            known = known
        ),
        RouteError::CreateNotPermitted { message } => {
            tr!(lang, errors.route.create_not_permitted, message = message)
        }
        RouteError::ChangeNotPermitted { id, message } => tr!(
            lang,
            errors.route.change_not_permitted,
            id = id,
            message = message
        ),
        RouteError::DeleteNotPermitted { id, message } => tr!(
            lang,
            errors.route.delete_not_permitted,
            id = id,
            message = message
        ),
        RouteError::Duplicate { property, value } => tr!(
            lang,
            errors.route.duplicate,
            property = property,
            value = format!("{value:?}")
        ),
        RouteError::Invalid { message } => tr!(lang, errors.route.invalid, message = message),
        RouteError::NotFound { id } => tr!(lang, errors.route.not_found, id = id),
        RouteError::NotShared { id } => tr!(lang, errors.route.not_shared, id = id),
        RouteError::RemoteUnreachable { status, message } if message.is_empty() => {
            tr!(lang, errors.route.remote_unreachable, status = status)
        }
        RouteError::RemoteUnreachable { status, message } => tr!(
            lang,
            errors.route.remote_unreachable_with_message,
            status = status,
            message = message
        ),
        RouteError::RunRefused { message } => tr!(
            lang,
            errors.route.run_refused,
            message = message,
            setting = ALLOW_LIST_SETTING
        ),
        RouteError::MethodNotForwarded { method, version } => tr!(
            lang,
            errors.route.method_not_forwarded,
            method = method,
            version = version
        ),
        RouteError::WritesNotForwarded { version } => {
            tr!(lang, errors.route.writes_not_forwarded, version = version)
        }
        RouteError::Dhis2(error) => dhis2_error(lang, error),
    }
}
