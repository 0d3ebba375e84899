//! `mdsync scheduler [--once]`: runs the enabled rules of this instance on their schedules,
//! without a browser open. Logs go to standard output (`tracing`: text, or JSON lines with
//! `--json-logs`); SIGTERM or Ctrl-C stops it cleanly (no new runs, running ones stop after
//! their current chunk) with exit status 0.

use std::io::Write;

use clap::Args;
use mdsync_core::dhis2::Transport;
use mdsync_core::rules::{Scheduler, SchedulerError, SchedulerEvent, SchedulerOptions};
use mdsync_core::sync::{SyncProgress, TargetStatus};

use crate::clock::TokioClock;
use crate::context::Context;
use crate::error::CliError;

#[derive(Debug, Args)]
pub struct SchedulerArgs {
    /// Run what is due now, wait for it, and exit.
    #[arg(long)]
    pub once: bool,
    /// Start even though another host's scheduler beat within the last three minutes.
    #[arg(long)]
    pub force: bool,
    /// Log JSON lines instead of text.
    #[arg(long)]
    pub json_logs: bool,
    /// Also log each step of the runs.
    #[arg(long, short = 'v')]
    pub verbose: bool,
    /// The name written in the heartbeat. Default: this machine's host name.
    #[arg(long)]
    pub host: Option<String>,
}

/// Sets up the log output; a second call (tests running several commands) keeps the first.
fn init_logging(args: &SchedulerArgs) {
    let level = if args.verbose {
        tracing::Level::DEBUG
    } else {
        tracing::Level::INFO
    };
    let builder = tracing_subscriber::fmt()
        .with_writer(std::io::stdout)
        .with_max_level(level)
        .with_target(false)
        .with_ansi(false);
    let _ = if args.json_logs {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}

/// This machine's name (the kernel's, else `$HOSTNAME`).
fn host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|name| name.trim().to_string())
        .filter(|name| !name.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_else(|| "unknown-host".into())
}

fn log(event: SchedulerEvent) {
    use SchedulerEvent::*;
    let message = event.to_string();
    match &event {
        RunStarted { rule, due } => tracing::info!(rule = %rule, due = %due, "{message}"),
        RunFinished {
            rule,
            status,
            history_id,
        } => {
            let history = history_id.as_deref().unwrap_or("-");
            if matches!(status, TargetStatus::Success | TargetStatus::Warning) {
                tracing::info!(rule = %rule, status = ?status, history = %history, "{message}")
            } else {
                tracing::warn!(rule = %rule, status = ?status, history = %history, "{message}")
            }
        }
        Progress { rule, event } => {
            if let SyncProgress::Step {
                message, target, ..
            } = event
            {
                let target = target.as_deref().unwrap_or("-");
                tracing::debug!(rule = %rule, target = %target, "{message}")
            }
        }
        RunSkipped { rule, .. } | RunRefused { rule, .. } | InvalidSchedule { rule, .. } => {
            tracing::warn!(rule = %rule, "{message}")
        }
        HistoryNotSaved { rule, .. } | RecordNotSaved { rule, .. } => {
            tracing::error!(rule = %rule, "{message}")
        }
        ReloadFailed { .. } | HeartbeatFailed { .. } | RuleUnreadable { .. } => {
            tracing::error!("{message}")
        }
        PruneSkipped { .. } | Note { .. } => tracing::warn!("{message}"),
        Started { .. } | Reloaded { .. } | HistoryPruned { .. } | Stopping { .. } | Stopped => {
            tracing::info!("{message}")
        }
    }
}

/// Completes on SIGTERM or Ctrl-C.
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut terminate) => {
                tokio::select! {
                    _ = terminate.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

pub async fn run<T: Transport>(
    args: SchedulerArgs,
    context: &Context<T>,
    _out: &mut impl Write,
) -> Result<(), CliError> {
    init_logging(&args);
    let mut options = SchedulerOptions::new(&args.host.clone().unwrap_or_else(host_name));
    options.force = args.force;
    let scheduler = Scheduler::start(
        &context.instances,
        &context.storage,
        TokioClock,
        options,
        &log,
    )
    .await
    .map_err(|error| match error {
        SchedulerError::Denied(denied) => CliError::Denied(denied),
        SchedulerError::Storage(error) => CliError::Storage(error),
        other @ SchedulerError::AnotherScheduler { .. } => CliError::Usage(other.to_string()),
    })?;
    if args.once {
        scheduler.run_due_once(shutdown_signal()).await;
    } else {
        scheduler.run_until(shutdown_signal()).await;
    }
    Ok(())
}
