//! Problems with the app's data in the dataStore ([`StorageError`]) and with stored secrets
//! ([`CryptoError`]), in the user's language.

use mdsync_core::crypto::CryptoError;
use mdsync_core::storage::{StorageError, NAMESPACE};

use super::access::access_denied;
use super::dhis2::dhis2_error;
use crate::l10n::Language;
use crate::tr;

pub fn storage_error(lang: Language, error: &StorageError) -> String {
    match error {
        StorageError::Denied(denied) => access_denied(lang, denied),
        StorageError::Dhis2(error) => {
            tr!(lang, errors.storage.dhis2, error = dhis2_error(lang, error))
        }
        StorageError::Corrupt { key, reason } => tr!(
            lang,
            errors.storage.corrupt,
            key = key,
            namespace = NAMESPACE,
            reason = reason
        ),
        StorageError::UnknownSchemaVersion { found, supported } => tr!(
            lang,
            errors.storage.unknown_schema_version,
            found = found,
            supported = supported
        ),
        StorageError::MigrationNeeded { found, latest } => tr!(
            lang,
            errors.storage.migration_needed,
            found = found,
            latest = latest
        ),
        StorageError::Secret { key, source } => tr!(
            lang,
            errors.storage.secret,
            key = key,
            error = crypto_error(lang, source)
        ),
        StorageError::SecretBoundElsewhere { key, instance } => tr!(
            lang,
            errors.storage.secret_bound_elsewhere,
            key = key,
            instance = instance
        ),
        StorageError::SharingRefused { key, reason } => tr!(
            lang,
            errors.storage.sharing_refused,
            key = key,
            reason = reason
        ),
        StorageError::Encode { key, reason } => {
            tr!(lang, errors.storage.encode, key = key, reason = reason)
        }
        StorageError::MigrationStep {
            version,
            step,
            source,
        } => tr!(
            lang,
            errors.storage.migration_step,
            step = step,
            version = version,
            error = storage_error(lang, source)
        ),
    }
}

pub fn crypto_error(lang: Language, error: &CryptoError) -> String {
    match error {
        CryptoError::InvalidKey { reason } => {
            tr!(lang, errors.crypto.invalid_key, reason = reason)
        }
        CryptoError::NoRandomness { reason } => {
            tr!(lang, errors.crypto.no_randomness, reason = reason)
        }
        CryptoError::WrongKey => tr!(lang, errors.crypto.wrong_key),
        CryptoError::Tampered => tr!(lang, errors.crypto.tampered),
        CryptoError::UnsupportedFormat { found } => {
            tr!(lang, errors.crypto.unsupported_format, found = found)
        }
    }
}
