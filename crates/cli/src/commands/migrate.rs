use std::io::Write;

use mdsync_core::dhis2::Transport;

use crate::context::Context;
use crate::error::CliError;

/// Opening the context already upgrades the data (for users who may); this reports where it
/// stands.
pub async fn run<T: Transport>(context: &Context<T>, out: &mut impl Write) -> Result<(), CliError> {
    let report = context.storage.migrate().await?;
    let status = context.storage.schema_status().await?;
    if report.steps_run.is_empty() {
        writeln!(
            out,
            "MetaData Sync's data is at version {} (the latest).",
            status.current
        )?;
    } else {
        writeln!(
            out,
            "Upgraded MetaData Sync's data from version {} to {}: {}.",
            report.from,
            report.to,
            report.steps_run.join(", ")
        )?;
    }
    Ok(())
}
