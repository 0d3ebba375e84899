//! `mdsync`: MetaData Sync from the command line, over the same core as the app.

pub mod clock;
pub mod commands;
pub mod config;
pub mod context;
pub mod error;
pub mod transport;

pub use commands::{Cli, Command};
pub use config::Config;
pub use error::CliError;
