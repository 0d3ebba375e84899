//! The Instances panel's messages from `core`: connection diagnoses, form problems, save
//! warnings and refusals, in the user's language.

use mdsync_core::access::Operation;
use mdsync_core::dhis2::Version;
use mdsync_core::instances::{
    ConnectionDiagnosis, FieldProblem, InstanceError, NotDhis2Sign, SaveWarning, UrlError,
    UrlProblem,
};
use mdsync_core::model::{AuthKind, InstanceView, LOCAL_INSTANCE_NAME};

use super::access::access_denied;
use super::routes::route_error;
use super::storage::storage_error;
use crate::l10n::Language;
use crate::tr;

/// One or two sentences: what the test found and what to do.
pub fn connection_diagnosis(lang: Language, diagnosis: &ConnectionDiagnosis) -> String {
    match diagnosis {
        ConnectionDiagnosis::Connected {
            system_name: Some(name),
            version,
        } if !name.is_empty() => tr!(
            lang,
            diagnosis.connected_named,
            name = name,
            version = version
        ),
        ConnectionDiagnosis::Connected { version, .. } => {
            tr!(lang, diagnosis.connected, version = version)
        }
        ConnectionDiagnosis::InvalidUrl { reason } => url_error(lang, reason),
        ConnectionDiagnosis::WrongPassword => tr!(lang, diagnosis.wrong_password),
        ConnectionDiagnosis::TokenRefused {
            version: Some(version),
        } if !version.supports_api_tokens() => tokens_need_237(lang, version),
        ConnectionDiagnosis::TokenRefused { .. } => tr!(lang, diagnosis.token_refused),
        ConnectionDiagnosis::TokensNeed237 { version } => tokens_need_237(lang, version),
        ConnectionDiagnosis::NotDhis2 { url, sign } => tr!(
            lang,
            diagnosis.not_dhis2,
            url = url,
            sign = not_dhis2_sign(lang, sign)
        ),
        ConnectionDiagnosis::Unreachable {
            url,
            origin_to_allow: Some(origin),
        } => tr!(lang, diagnosis.unreachable_cors, url = url, origin = origin),
        ConnectionDiagnosis::Unreachable { url, .. } => {
            tr!(lang, diagnosis.unreachable, url = url)
        }
        ConnectionDiagnosis::TooSlow { url } => tr!(lang, diagnosis.too_slow, url = url),
        ConnectionDiagnosis::VersionTooOld { version } => {
            tr!(lang, diagnosis.version_too_old, version = version)
        }
        ConnectionDiagnosis::Forbidden { message } => {
            tr!(lang, diagnosis.forbidden, message = message)
        }
        ConnectionDiagnosis::ServerError {
            status: Some(status),
            message,
        } => tr!(
            lang,
            diagnosis.server_error,
            status = status,
            message = message
        ),
        ConnectionDiagnosis::ServerError {
            status: None,
            message,
        } => tr!(lang, diagnosis.server_failed, message = message),
        ConnectionDiagnosis::Cancelled => tr!(lang, diagnosis.cancelled),
    }
}

fn not_dhis2_sign(lang: Language, sign: &NotDhis2Sign) -> String {
    match sign {
        NotDhis2Sign::LoginPage => tr!(lang, diagnosis.signs.login_page),
        NotDhis2Sign::NoSystemInfo => tr!(lang, diagnosis.signs.no_system_info),
        NotDhis2Sign::NotJson { status, snippet } => tr!(
            lang,
            diagnosis.signs.not_json,
            status = status,
            snippet = format!("{snippet:?}")
        ),
        NotDhis2Sign::NoVersion { reason } => {
            tr!(lang, diagnosis.signs.no_version, reason = reason)
        }
    }
}

fn tokens_need_237(lang: Language, version: &Version) -> String {
    tr!(lang, diagnosis.tokens_need_237, version = version)
}

pub fn url_error(lang: Language, error: &UrlError) -> String {
    match error {
        UrlError::Empty => tr!(lang, url.empty),
        UrlError::MissingScheme(rest) => tr!(lang, url.missing_scheme, rest = rest),
        UrlError::Invalid(problem) => {
            tr!(lang, url.invalid, problem = url_problem(lang, *problem))
        }
        UrlError::UnsupportedScheme(scheme) => {
            tr!(lang, url.unsupported_scheme, scheme = scheme)
        }
        UrlError::CredentialsInUrl => tr!(lang, url.credentials_in_url),
    }
}

fn url_problem(lang: Language, problem: UrlProblem) -> String {
    match problem {
        UrlProblem::NoHost => tr!(lang, url.problems.no_host),
        UrlProblem::InvalidPort => tr!(lang, url.problems.invalid_port),
        UrlProblem::InvalidIpAddress => tr!(lang, url.problems.invalid_ip_address),
        UrlProblem::InvalidHostCharacter => tr!(lang, url.problems.invalid_host_character),
        UrlProblem::Unreadable => tr!(lang, url.problems.unreadable),
    }
}

/// What the app calls the DHIS2 it runs in ("This instance" in `core`).
pub fn this_instance(lang: Language) -> String {
    tr!(lang, instances.this_instance)
}

/// The name of an instance as lists show it: the local one in the user's language.
pub fn instance_name(lang: Language, view: &InstanceView) -> String {
    if view.is_local {
        this_instance(lang)
    } else {
        view.name.clone()
    }
}

/// An instance name as `core` reports it (in progress and reports): the local instance's
/// name is `core`'s English one, said here in the user's language.
pub fn named_instance(lang: Language, name: &str) -> String {
    if name == LOCAL_INSTANCE_NAME {
        this_instance(lang)
    } else {
        name.to_string()
    }
}

/// What the form calls the secret of an authentication method.
pub fn secret_name(lang: Language, kind: AuthKind) -> String {
    match kind {
        AuthKind::Basic => tr!(lang, instances.form.secret_names.basic),
        AuthKind::Token => tr!(lang, instances.form.secret_names.token),
    }
}

pub fn field_problem(lang: Language, problem: &FieldProblem) -> String {
    match problem {
        FieldProblem::NameMissing => tr!(lang, instances.problems.name_missing),
        FieldProblem::NameReserved => tr!(
            lang,
            instances.problems.name_reserved,
            local = this_instance(lang)
        ),
        FieldProblem::NameTaken { name } => {
            tr!(lang, instances.problems.name_taken, name = name)
        }
        FieldProblem::Url { reason } => url_error(lang, reason),
        FieldProblem::UsernameMissing => tr!(lang, instances.problems.username_missing),
        FieldProblem::SecretMissing { kind } => tr!(
            lang,
            instances.problems.secret_missing,
            secret = secret_name(lang, *kind)
        ),
        FieldProblem::SecretMissingAfterAuthChange { kind } => tr!(
            lang,
            instances.problems.secret_missing_after_change,
            secret = secret_name(lang, *kind)
        ),
        FieldProblem::NotAnAccessString { access } => {
            tr!(
                lang,
                instances.problems.not_an_access_string,
                access = access
            )
        }
    }
}

pub fn save_warning(lang: Language, warning: &SaveWarning) -> String {
    match warning {
        SaveWarning::PlainHttp { url } => tr!(lang, instances.warnings.plain_http, url = url),
        SaveWarning::TokensNeed237 { version } => tokens_need_237(lang, version),
        SaveWarning::RouteRefused { name, reason } => tr!(
            lang,
            instances.warnings.route_refused,
            name = name,
            reason = route_error(lang, reason)
        ),
        SaveWarning::CopyNeedsSecret { name } => {
            tr!(lang, instances.warnings.copy_needs_secret, name = name)
        }
    }
}

pub fn instance_error(lang: Language, error: &InstanceError) -> String {
    match error {
        InstanceError::Denied(denied) => access_denied(lang, denied),
        InstanceError::NotShared { name } => {
            tr!(lang, instances.errors.not_shared, name = name)
        }
        InstanceError::LocalInstance { operation } => {
            let change = match operation {
                Operation::DeleteInstance => tr!(lang, instances.errors.local_changes.deleted),
                Operation::CreateInstance => tr!(lang, instances.errors.local_changes.replicated),
                _ => tr!(lang, instances.errors.local_changes.changed),
            };
            tr!(
                lang,
                instances.errors.local_instance,
                local = this_instance(lang),
                change = change
            )
        }
        InstanceError::NotFound { id } => tr!(lang, instances.errors.not_found, id = id),
        InstanceError::Invalid(errors) => {
            let problems: Vec<String> = errors
                .errors
                .iter()
                .map(|error| field_problem(lang, &error.problem))
                .collect();
            tr!(
                lang,
                instances.errors.invalid,
                problems = problems.join(" ")
            )
        }
        InstanceError::NoSecret { name } => tr!(lang, instances.errors.no_secret, name = name),
        InstanceError::Storage(error) => storage_error(lang, error),
        InstanceError::Route(error) => route_error(lang, error),
        InstanceError::SecretNeededAgain { name } => {
            tr!(lang, instances.errors.secret_needed_again, name = name)
        }
    }
}
