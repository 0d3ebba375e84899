//! The CLI's config file (TOML), named by `--config` or `MDSYNC_CONFIG`:
//!
//! ```toml
//! # The deployment's key: the same as `encryptionKey` in the app's app-config.json
//! # (32 bytes as base64 or 64 hex digits; `mdsync key generate` makes one).
//! encryption_key = "q2V4…="
//!
//! # The DHIS2 instance whose dataStore holds MetaData Sync's data ("This instance").
//! [local]
//! url = "https://dhis2.example.org"
//! username = "admin"
//! password = "district"      # or, instead of username + password: token = "d2pat_…"
//! # timeout_seconds = 120     # per request
//! ```

use std::path::{Path, PathBuf};

use mdsync_core::crypto::EncryptionKey;
use mdsync_core::dhis2::Auth;
use serde::Deserialize;

use crate::error::CliError;

/// The file looked for when neither `--config` nor `MDSYNC_CONFIG` names one.
pub const DEFAULT_CONFIG_FILE: &str = "mdsync.toml";

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub encryption_key: String,
    pub local: LocalInstance,
}

#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LocalInstance {
    pub url: String,
    #[serde(default)]
    pub username: Option<String>,
    #[serde(default)]
    pub password: Option<String>,
    #[serde(default)]
    pub token: Option<String>,
    #[serde(default)]
    pub timeout_seconds: Option<u64>,
}

impl std::fmt::Debug for LocalInstance {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalInstance")
            .field("url", &self.url)
            .field("username", &self.username)
            .finish_non_exhaustive()
    }
}

impl Config {
    /// Reads the config from `path`, or from [`DEFAULT_CONFIG_FILE`] when none is given.
    pub fn load(path: Option<&Path>) -> Result<Config, CliError> {
        let (path, named) = match path {
            Some(path) => (path.to_path_buf(), true),
            None => (PathBuf::from(DEFAULT_CONFIG_FILE), false),
        };
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                return Err(CliError::ConfigMissing { path, named })
            }
            Err(error) => {
                return Err(CliError::ConfigUnreadable {
                    path,
                    reason: error.to_string(),
                })
            }
        };
        Config::parse(&text).map_err(|reason| CliError::ConfigInvalid { path, reason })
    }

    /// Parses and checks a config; the error says what to fix.
    pub fn parse(text: &str) -> Result<Config, String> {
        let config: Config = toml::from_str(text).map_err(|error| error.to_string())?;
        config.local_auth()?;
        EncryptionKey::parse(&config.encryption_key).map_err(|error| error.to_string())?;
        Ok(config)
    }

    pub fn encryption_key(&self) -> Result<EncryptionKey, CliError> {
        Ok(EncryptionKey::parse(&self.encryption_key)?)
    }

    /// How to log in to the local instance.
    pub fn local_auth(&self) -> Result<Auth, String> {
        let local = &self.local;
        let present = |value: &Option<String>| value.as_deref().is_some_and(|v| !v.is_empty());
        match (
            present(&local.username),
            present(&local.password),
            present(&local.token),
        ) {
            (_, _, true) if present(&local.password) => {
                Err("[local] has both `password` and `token`; keep one of them".into())
            }
            (_, _, true) => Ok(Auth::ApiToken {
                token: local.token.clone().unwrap_or_default(),
            }),
            (true, true, false) => Ok(Auth::Basic {
                username: local.username.clone().unwrap_or_default(),
                password: local.password.clone().unwrap_or_default(),
            }),
            (false, _, false) => Err("[local] needs `username` and `password`, or `token`".into()),
            (true, false, false) => Err(format!(
                "[local] has a username ({}) but no `password` (or give a `token` instead)",
                local.username.as_deref().unwrap_or_default()
            )),
        }
    }
}
