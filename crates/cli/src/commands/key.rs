use std::io::Write;

use clap::Subcommand;
use mdsync_core::crypto;

use crate::error::CliError;

#[derive(Debug, Subcommand)]
pub enum KeyCommand {
    /// Print a fresh random encryption key (base64 of 32 bytes), for `encryption_key` in the
    /// config and `encryptionKey` in the app's app-config.json.
    Generate,
}

pub fn run(command: KeyCommand, out: &mut impl Write) -> Result<(), CliError> {
    match command {
        KeyCommand::Generate => {
            writeln!(out, "{}", crypto::generate_key_string()?)?;
            Ok(())
        }
    }
}
