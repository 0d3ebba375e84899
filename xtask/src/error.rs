//! Every way an xtask can fail, each with a message that says what to do next.

use std::io;
use std::path::PathBuf;
use std::process::ExitStatus;

#[derive(Debug, thiserror::Error)]
pub enum XtaskError {
    #[error("could not start `{program}`: {source}. Is it installed and on PATH? `cargo xtask setup` installs the toolchain")]
    Spawn { program: String, source: io::Error },

    #[error("`{command}` failed ({status})")]
    CommandFailed { command: String, status: ExitStatus },

    #[error("`{command}` ran no test: a step that should test something found nothing to run")]
    NothingTested { command: String },

    #[error("`{command}` printed output that could not be understood: {detail}")]
    UnexpectedOutput { command: String, detail: String },

    #[error("{path}: {source}")]
    Io { path: PathBuf, source: io::Error },

    #[error("the wasm-bindgen versions disagree; change all three together and reinstall the CLI with `cargo xtask setup`:\n{0}")]
    VersionPins(String),

    #[error("manifest.webapp is not ready to ship; fix these in the template at the repository root:\n{0}")]
    Manifest(String),

    #[error("could not write the app zip {path}: {source}")]
    Zip {
        path: PathBuf,
        source: zip::result::ZipError,
    },

    #[error("the encryption key is unusable: {0}")]
    EncryptionKey(String),

    #[error("installing Chromium needs root (apt-get); run `sudo apt-get install -y chromium chromium-driver` and retry")]
    NotRoot,

    #[error("the simulator did not get ready: {0}")]
    SimNotReady(String),

    #[error("the simulator stopped unexpectedly ({0})")]
    SimExited(ExitStatus),

    #[error("HTTP request to {url} failed: {detail}")]
    Http { url: String, detail: String },

    #[error("installing the app into {url} was refused with HTTP {status}: {body}")]
    InstallRefused {
        url: String,
        status: u16,
        body: String,
    },

    #[error("the release web build failed: {0}")]
    WasmSplit(String),

    #[error("{0} not found; run `cargo xtask dist` first")]
    MissingBuild(PathBuf),

    #[error("could not install the Ctrl-C handler: {0}")]
    Signal(#[from] ctrlc::Error),
}

pub type Result<T, E = XtaskError> = std::result::Result<T, E>;

/// Attaches the path to an I/O error, so the message says which file was the problem.
pub trait IoContext<T> {
    fn at(self, path: impl Into<PathBuf>) -> Result<T>;
}

impl<T> IoContext<T> for io::Result<T> {
    fn at(self, path: impl Into<PathBuf>) -> Result<T> {
        self.map_err(|source| XtaskError::Io {
            path: path.into(),
            source,
        })
    }
}
