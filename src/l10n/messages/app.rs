//! The app's own errors (reading its configuration, opening a panel's data).

use crate::l10n::Language;
use crate::services::{ConfigProblem, KeyError, OpenError};
use crate::tr;

use super::dhis2::transport_error;
use super::instances::instance_error;
use super::storage::crypto_error;

pub fn key_error(lang: Language, error: &KeyError) -> String {
    match error {
        KeyError::ConfigUnreadable { url, problem } => {
            let problem = match problem {
                ConfigProblem::Transport(error) => transport_error(lang, error),
                ConfigProblem::Status(status) => {
                    tr!(lang, errors.config.status, status = status)
                }
                ConfigProblem::NotJson(reason) => {
                    tr!(lang, errors.config.not_json, reason = reason)
                }
            };
            tr!(lang, errors.config.unreadable, url = url, problem = problem)
        }
        KeyError::InvalidKey(error) => crypto_error(lang, error),
    }
}

pub fn open_error(lang: Language, error: &OpenError) -> String {
    match error {
        OpenError::Key(error) => key_error(lang, error),
        OpenError::Instances(error) => instance_error(lang, error),
    }
}
