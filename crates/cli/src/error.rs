use std::path::PathBuf;

use mdsync_core::crypto::CryptoError;
use mdsync_core::dhis2::{Dhis2Error, TransportError};
use mdsync_core::instances::InstanceError;
use mdsync_core::storage::StorageError;

use crate::config::DEFAULT_CONFIG_FILE;

/// Everything the CLI can fail with; the message says what to do.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("{}", missing_config(path, *named))]
    ConfigMissing { path: PathBuf, named: bool },

    #[error("Cannot read the config file {}: {reason}", path.display())]
    ConfigUnreadable { path: PathBuf, reason: String },

    #[error("The config file {} is not valid: {reason}", path.display())]
    ConfigInvalid { path: PathBuf, reason: String },

    #[error(transparent)]
    Key(#[from] CryptoError),

    #[error(transparent)]
    Dhis2(#[from] Dhis2Error),

    #[error(transparent)]
    Storage(#[from] StorageError),

    #[error(transparent)]
    Instance(#[from] InstanceError),

    #[error(transparent)]
    Denied(#[from] mdsync_core::access::AccessDenied),

    #[error("Could not start the HTTP client: {0}")]
    Transport(#[from] TransportError),

    #[error("{0}")]
    Usage(String),

    /// A check that ran and failed (e.g. a connection test); the details were printed.
    #[error("{0}")]
    Failed(String),

    #[error("Could not write the output: {0}")]
    Output(#[from] std::io::Error),
}

fn missing_config(path: &std::path::Path, named: bool) -> String {
    let example = "encryption_key = \"<mdsync key generate>\"\n\n[local]\nurl = \"https://dhis2.example.org\"\nusername = \"admin\"\npassword = \"…\"";
    if named {
        format!(
            "The config file {} does not exist. Create it, e.g.:\n\n{example}",
            path.display()
        )
    } else {
        format!(
            "No config file: pass --config FILE, set MDSYNC_CONFIG, or create {DEFAULT_CONFIG_FILE} \
             here, e.g.:\n\n{example}"
        )
    }
}
