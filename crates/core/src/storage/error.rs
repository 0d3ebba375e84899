use crate::access::AccessDenied;
use crate::crypto::CryptoError;
use crate::dhis2::Dhis2Error;

use super::NAMESPACE;

/// What went wrong reading or writing the app's data in the dataStore.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum StorageError {
    #[error(transparent)]
    Denied(#[from] AccessDenied),

    #[error("Could not read or write MetaData Sync's data in DHIS2: {0}")]
    Dhis2(#[from] Dhis2Error),

    #[error(
        "The dataStore entry '{key}' (namespace '{NAMESPACE}') is damaged: {reason}. It was left \
         as it is; repair or delete it with the Data Store Manager app, then reload."
    )]
    Corrupt { key: String, reason: String },

    #[error(
        "MetaData Sync's data (dataStore key 'schema') is at version {found}, written by a newer \
         MetaData Sync; this one knows versions up to {supported}. Update the app or the CLI; \
         nothing was changed."
    )]
    UnknownSchemaVersion { found: u64, supported: u64 },

    #[error(
        "MetaData Sync's data is at version {found} and must be upgraded to {latest} before use. \
         Open the app as a configurator (or run `mdsync migrate`) to upgrade it."
    )]
    MigrationNeeded { found: u64, latest: u64 },

    #[error("The secret in the dataStore entry '{key}' cannot be read: {source}")]
    Secret { key: String, source: CryptoError },

    #[error(
        "The address or account of \"{instance}\" changed since its password or token was saved \
         (or the stored secret '{key}' was altered), so it was not sent anywhere. Edit the \
         instance, check its URL and username, and enter the password or token again."
    )]
    SecretBoundElsewhere { key: String, instance: String },

    #[error(
        "DHIS2 refused to restrict who may read and change '{key}' ({reason}), so it was not \
         saved: nothing is left readable or writable by every app user. Ask your DHIS2 \
         administrator to check that you may share dataStore entries, then try again."
    )]
    SharingRefused { key: String, reason: String },

    #[error("Could not store '{key}': {reason}")]
    Encode { key: String, reason: String },

    #[error("Upgrading MetaData Sync's data stopped at step '{step}' of version {version}: {source} Run the upgrade again; it continues where it stopped.")]
    MigrationStep {
        version: u64,
        step: String,
        source: Box<StorageError>,
    },
}

impl StorageError {
    pub(crate) fn corrupt(key: &str, reason: impl std::fmt::Display) -> StorageError {
        StorageError::Corrupt {
            key: key.to_string(),
            reason: reason.to_string(),
        }
    }
}
