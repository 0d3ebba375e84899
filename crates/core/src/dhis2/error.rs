use super::TransportError;

/// What went wrong talking to a DHIS2 server, phrased so that a data manager can act on it.
/// Serializable: reports keep it (history), so the app can say it in the user's language.
#[derive(Debug, Clone, PartialEq, thiserror::Error, serde::Serialize, serde::Deserialize)]
#[serde(
    tag = "error",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum Dhis2Error {
    #[error(
        "Could not reach the DHIS2 server at {base_url} ({source}). Check the URL and that the server is running. \
         From a browser, a server that does not list this app's origin in its CORS allowlist \
         (/api/configuration/corsWhitelist) looks the same."
    )]
    Unreachable {
        base_url: String,
        source: TransportError,
    },

    #[error("The request to {url} was stopped: {source}.")]
    Interrupted { url: String, source: TransportError },

    #[error("The username and password, or the access token, were refused by {base_url} (401). Check them and try again.")]
    Unauthorized { base_url: String },

    #[error("{url} answered with a login page instead of data. Your session has probably expired: log in to DHIS2 again and reload.")]
    LoginPage { url: String },

    #[error("The user is not allowed to do this on {url} (403): {message}")]
    Forbidden { url: String, message: String },

    #[error("{url} was not found (404): {message}. Is the URL the root of a DHIS2 instance?")]
    NotFound { url: String, message: String },

    #[error("{url} did not answer with DHIS2 data (status {status}, starts with {snippet:?}). Check that the URL points at a DHIS2 instance.")]
    NotJson {
        url: String,
        status: u16,
        snippet: String,
    },

    #[error("{url} failed with status {status}: {message}")]
    Http {
        url: String,
        status: u16,
        message: String,
        error_code: Option<String>,
    },

    #[error("{url} answered with data this app could not read ({reason}). This DHIS2 version may not be supported.")]
    Decode { url: String, reason: String },

    #[error(
        "DHIS2 at {base_url} no longer knows the import job {job}: the server may have restarted. \
         Run the sync again: imports are safe to repeat, and what was imported stays."
    )]
    JobLost { base_url: String, job: String },

    #[error(
        "The import job {job} on {base_url} was still running after {minutes} minutes, so the sync \
         stopped waiting. It may still finish: check the result on the server, then run the sync again."
    )]
    JobTimedOut {
        base_url: String,
        job: String,
        minutes: u64,
    },

    #[error("{base_url} runs DHIS2 {version}; MetaData Sync needs 2.30 or later.")]
    UnsupportedVersion { base_url: String, version: String },
}

impl Dhis2Error {
    /// The HTTP status behind the error, when there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Dhis2Error::Unauthorized { .. } => Some(401),
            Dhis2Error::Forbidden { .. } => Some(403),
            Dhis2Error::NotFound { .. } => Some(404),
            Dhis2Error::NotJson { status, .. } | Dhis2Error::Http { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// True for failures where nothing (or nothing readable) came back from the server.
    pub fn is_network(&self) -> bool {
        matches!(
            self,
            Dhis2Error::Unreachable { .. } | Dhis2Error::Interrupted { .. }
        )
    }
}
