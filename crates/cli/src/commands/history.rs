//! `mdsync history list|show|prune`: the record of every run (manual, rule, scheduler, CLI).

use std::io::Write;

use clap::{Subcommand, ValueEnum};
use mdsync_core::clock::Clock;
use mdsync_core::dhis2::Transport;
use mdsync_core::rules::{get_rule, iso_utc};
use mdsync_core::sync::report::SyncKind;
use mdsync_core::sync::{
    list_history, list_rule_history, load_from_history, prune_history, HistoryQuery, TargetStatus,
};

use super::rules::rule_error;
use super::sync::print_report;
use crate::clock::TokioClock;
use crate::context::Context;
use crate::error::CliError;

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum StatusArg {
    Success,
    Warning,
    Error,
    NetworkError,
    Cancelled,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum KindArg {
    Metadata,
    Deleted,
}

#[derive(Debug, Subcommand)]
pub enum HistoryCommand {
    /// List runs, newest first (run-only users: the runs they made).
    List {
        /// Runs of this rule (id), whoever made them, for everyone the rule is shared with.
        #[arg(long)]
        rule: Option<String>,
        #[arg(long, value_enum)]
        status: Option<StatusArg>,
        #[arg(long, value_enum)]
        kind: Option<KindArg>,
        /// Runs made by this username (`admin`, or the scheduler's account).
        #[arg(long)]
        user: Option<String>,
        /// From this day on (YYYY-MM-DD).
        #[arg(long)]
        since: Option<String>,
        /// Up to this day (YYYY-MM-DD).
        #[arg(long)]
        until: Option<String>,
        /// At most this many entries.
        #[arg(long, default_value_t = 50)]
        limit: usize,
        #[arg(long)]
        json: bool,
    },
    /// Show one run, per destination.
    Show {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Remove the entries older than the retention of the settings (administrators).
    Prune,
}

pub async fn run<T: Transport>(
    command: HistoryCommand,
    context: &Context<T>,
    out: &mut impl Write,
) -> Result<(), CliError> {
    let actor = context.instances.actor();
    match command {
        HistoryCommand::List {
            rule,
            status,
            kind,
            user,
            since,
            until,
            limit,
            json,
        } => {
            // The runs of one rule: everyone the rule is shared with reads all of them.
            let entries = match &rule {
                Some(wanted) => {
                    let rule = get_rule(&context.instances, &context.storage, wanted)
                        .await
                        .map_err(rule_error)?;
                    let summary = &rule.summary;
                    list_rule_history(
                        &context.storage,
                        actor,
                        &summary.id,
                        &summary.name,
                        &summary.sharing,
                    )
                    .await?
                }
                None => list_history(&context.storage, actor).await?,
            };
            let query = HistoryQuery {
                kind: kind.map(|kind| match kind {
                    KindArg::Metadata => SyncKind::Metadata,
                    KindArg::Deleted => SyncKind::Deleted,
                }),
                status: status.map(|status| match status {
                    StatusArg::Success => TargetStatus::Success,
                    StatusArg::Warning => TargetStatus::Warning,
                    StatusArg::Error => TargetStatus::Error,
                    StatusArg::NetworkError => TargetStatus::NetworkError,
                    StatusArg::Cancelled => TargetStatus::Cancelled,
                }),
                rule_id: rule,
                user,
                from: since,
                until,
                page: 1,
                page_size: limit.max(1),
                ..HistoryQuery::default()
            };
            let page = query.apply(&entries);
            if json {
                let text = serde_json::to_string_pretty(&page.entries)
                    .map_err(|error| CliError::Failed(error.to_string()))?;
                writeln!(out, "{text}")?;
                return Ok(());
            }
            if page.entries.is_empty() {
                writeln!(out, "No runs in history match.")?;
            }
            for entry in &page.entries {
                let targets: Vec<String> = entry
                    .targets
                    .iter()
                    .map(|t| format!("{} {:?}", t.name, t.status))
                    .collect();
                writeln!(
                    out,
                    "{}  {}  {:?}  {:?}{}  by {}  from {}  → {}{}",
                    entry.id,
                    entry.date,
                    entry.kind,
                    entry.status,
                    if entry.dry_run { " (dry run)" } else { "" },
                    entry.user.as_deref().unwrap_or("?"),
                    entry.origin,
                    targets.join(", "),
                    entry
                        .rule_id
                        .as_deref()
                        .map(|id| format!("  rule {id}"))
                        .unwrap_or_default()
                )?;
            }
            if page.total > page.entries.len() {
                writeln!(
                    out,
                    "({} of {} shown; --limit for more)",
                    page.entries.len(),
                    page.total
                )?;
            }
            Ok(())
        }
        HistoryCommand::Show { id, json } => {
            let visible = list_history(&context.storage, actor).await?;
            if !visible.iter().any(|entry| entry.id == id) {
                return Err(CliError::Usage(format!(
                    "No history entry {id} that you may read (mdsync history list shows them)."
                )));
            }
            let report = load_from_history(&context.storage, &id)
                .await?
                .ok_or_else(|| CliError::Usage(format!("The history entry {id} is gone.")))?;
            if json {
                let text = serde_json::to_string_pretty(&report)
                    .map_err(|error| CliError::Failed(error.to_string()))?;
                writeln!(out, "{text}")?;
            } else {
                print_report(&report, out)?;
            }
            Ok(())
        }
        HistoryCommand::Prune => {
            let today = iso_utc(TokioClock.now_millis());
            let removed =
                prune_history(&context.storage, actor, today.get(..10).unwrap_or_default()).await?;
            let days = context.storage.settings().await?.history_retention_days;
            if days == 0 {
                writeln!(out, "The retention is \"keep all\": nothing removed.")?;
            } else {
                writeln!(
                    out,
                    "{} entr(y/ies) older than {days} days removed.",
                    removed.len()
                )?;
            }
            Ok(())
        }
    }
}
