//! `mdsync sync resume RUN_ID` and `mdsync sync runs`: runs that stopped half-way (the network
//! gone, a session expired, the process killed) are taken up from their journal; what already
//! reached a destination is not sent again, and the report covers the whole run.

use std::io::Write;

use clap::Args;
use mdsync_core::dhis2::Transport;
use mdsync_core::sync::{list_unfinished_runs, resume_sync, CancellationToken};

use super::sync::{finish, print_progress, run_error};
use crate::clock::TokioClock;
use crate::context::Context;
use crate::error::CliError;

#[derive(Debug, Args)]
pub struct ResumeArgs {
    /// The run to resume (printed when it stopped; `mdsync sync runs` lists them).
    pub run_id: String,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
}

pub async fn resume<T: Transport>(
    args: ResumeArgs,
    context: &Context<T>,
    out: &mut impl Write,
) -> Result<(), CliError> {
    let outcome = resume_sync(
        &context.instances,
        &context.storage,
        args.run_id.trim(),
        &print_progress,
        &CancellationToken::new(),
        &TokioClock,
    )
    .await
    .map_err(run_error)?;
    finish(outcome, args.json, out)
}

/// The user's unfinished runs (every user's, for administrators).
pub async fn list<T: Transport>(
    context: &Context<T>,
    out: &mut impl Write,
) -> Result<(), CliError> {
    let actor = context.instances.actor();
    let everyone = actor
        .authorize(mdsync_core::access::Operation::DeleteHistory)
        .is_ok();
    let me = context.instances.me().username.clone();
    let runs = list_unfinished_runs(&context.storage, (!everyone).then_some(me.as_str())).await?;
    if runs.is_empty() {
        writeln!(out, "No unfinished runs.")?;
        return Ok(());
    }
    for run in runs {
        writeln!(
            out,
            "{}  started {}  from {} to {} destination(s), {} object(s) arrived, {} attempt(s){}",
            run.id,
            run.started,
            run.origin_name,
            run.destinations,
            run.written,
            run.attempts,
            if run.resumable {
                ""
            } else {
                "  (written by another version: cannot be resumed)"
            }
        )?;
    }
    Ok(())
}
