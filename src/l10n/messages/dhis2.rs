//! What went wrong talking to a DHIS2 server ([`Dhis2Error`], [`TransportError`]), said in the
//! user's language. Messages from the server itself (`message`) are DHIS2's words and are shown
//! as they came, inside the app's sentence.

use mdsync_core::dhis2::{Dhis2Error, TransportError};

use crate::l10n::Language;
use crate::tr;

pub fn dhis2_error(lang: Language, error: &Dhis2Error) -> String {
    match error {
        Dhis2Error::Unreachable { base_url, source } => tr!(
            lang,
            errors.dhis2.unreachable,
            base_url = base_url,
            source = transport_error(lang, source)
        ),
        Dhis2Error::Interrupted { url, source } => tr!(
            lang,
            errors.dhis2.interrupted,
            url = url,
            source = transport_error(lang, source)
        ),
        Dhis2Error::Unauthorized { base_url } => {
            tr!(lang, errors.dhis2.unauthorized, base_url = base_url)
        }
        Dhis2Error::LoginPage { url } => tr!(lang, errors.dhis2.login_page, url = url),
        Dhis2Error::Forbidden { url, message } => {
            tr!(lang, errors.dhis2.forbidden, url = url, message = message)
        }
        Dhis2Error::NotFound { url, message } => {
            tr!(lang, errors.dhis2.not_found, url = url, message = message)
        }
        Dhis2Error::NotJson {
            url,
            status,
            snippet,
        } => tr!(
            lang,
            errors.dhis2.not_json,
            url = url,
            status = status,
            snippet = format!("{snippet:?}")
        ),
        Dhis2Error::Http {
            url,
            status,
            message,
            ..
        } => tr!(
            lang,
            errors.dhis2.http,
            url = url,
            status = status,
            message = message
        ),
        Dhis2Error::Decode { url, reason } => {
            tr!(lang, errors.dhis2.decode, url = url, reason = reason)
        }
        Dhis2Error::JobLost { base_url, job } => {
            tr!(lang, errors.dhis2.job_lost, base_url = base_url, job = job)
        }
        Dhis2Error::JobTimedOut {
            base_url,
            job,
            minutes,
        } => tr!(
            lang,
            errors.dhis2.job_timed_out,
            base_url = base_url,
            job = job,
            minutes = lang.number(*minutes as f64)
        ),
        Dhis2Error::UnsupportedVersion { base_url, version } => tr!(
            lang,
            errors.dhis2.unsupported_version,
            base_url = base_url,
            version = version
        ),
    }
}

pub fn transport_error(lang: Language, error: &TransportError) -> String {
    match error {
        TransportError::Unreachable { url, reason } => {
            tr!(
                lang,
                errors.transport.unreachable,
                url = url,
                reason = reason
            )
        }
        TransportError::Timeout { url } => tr!(lang, errors.transport.timeout, url = url),
        TransportError::ConnectionDropped { url } => {
            tr!(lang, errors.transport.connection_dropped, url = url)
        }
        TransportError::Cancelled => tr!(lang, errors.transport.cancelled),
    }
}

/// Whether the fix is to log in again (an expired session, a refused login).
pub fn needs_login(error: &Dhis2Error) -> bool {
    matches!(
        error,
        Dhis2Error::LoginPage { .. } | Dhis2Error::Unauthorized { .. }
    )
}
