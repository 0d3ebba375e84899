use std::io::Write;

use mdsync_core::access::{AppRole, Operation};
use mdsync_core::dhis2::Transport;

use crate::context::Context;
use crate::error::CliError;

/// Opening the context already upgrades the data (for users who may); this reports where it
/// stands. Run by an administrator, it also gives every key its sharing again (keys created by
/// others, configurators who got the role since).
pub async fn run<T: Transport>(context: &Context<T>, out: &mut impl Write) -> Result<(), CliError> {
    context
        .instances
        .actor()
        .authorize(Operation::EditInstance)?;
    let report = context.storage.migrate().await?;
    if context.instances.role() == AppRole::Admin {
        let protected = context.storage.protect_all().await?;
        writeln!(
            out,
            "Sharing set on {} key(s) of the namespace.",
            protected.protected.len()
        )?;
        for (key, reason) in protected.refused {
            writeln!(
                out,
                "Warning: the sharing of '{key}' could not be set: {reason}"
            )?;
        }
    }
    for (key, reason) in &report.not_protected {
        writeln!(
            out,
            "Warning: the sharing of '{key}' could not be set ({reason}); run `mdsync migrate` \
             as an administrator."
        )?;
    }
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
