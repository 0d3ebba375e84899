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

    /// A sync stopped half-way for a reason that passes (network, session, a stop); the
    /// details were printed and the run can be resumed.
    #[error("{message}")]
    Interrupted { run_id: String, message: String },

    #[error("Could not write the output: {0}")]
    Output(#[from] std::io::Error),
}

impl CliError {
    /// The process exit status: 0 success, 1 a destination (or a check) failed, 2 bad input,
    /// 3 interrupted and resumable.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Interrupted { .. } => 3,
            CliError::ConfigMissing { .. }
            | CliError::ConfigUnreadable { .. }
            | CliError::ConfigInvalid { .. }
            | CliError::Usage(_)
            | CliError::Denied(_)
            | CliError::Key(_) => 2,
            _ => 1,
        }
    }

    /// Whether the details were already printed, so only the exit status is left to give.
    pub fn already_reported(&self) -> bool {
        matches!(self, CliError::Failed(_) | CliError::Interrupted { .. })
    }
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
