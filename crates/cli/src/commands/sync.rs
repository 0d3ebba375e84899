//! `mdsync sync metadata`: one metadata sync from the command line; `mdsync sync resume` and
//! `mdsync sync runs` (in [`super::sync_resume`]) take up runs that stopped half-way. Progress
//! goes to standard error, the report to standard output. Exit status: 0 success, 1 a
//! destination failed, 2 bad input, 3 interrupted and resumable.

use std::io::Write;

use clap::{Args, Subcommand, ValueEnum};
use mdsync_core::access::Operation;
use mdsync_core::browse::reliability_text;
use mdsync_core::dhis2::metadata::ImportStrategy;
use mdsync_core::dhis2::Transport;
use mdsync_core::model::LOCAL_INSTANCE_ID;
use mdsync_core::sync::metadata::{MetadataSelection, MetadataSyncOptions};
use mdsync_core::sync::report::SyncKind;
use mdsync_core::sync::{
    matching_unfinished_run, resume_sync, run_sync, same_metadata_objects, CancellationToken,
    MetadataPicks, RunError, RunOutcome, SyncJob, SyncProgress, SyncReport, SyncRequest,
    TargetStatus,
};

use super::sync_aggregated::{self, print_aggregated_report, AggregatedArgs};
use super::sync_events::{self, print_events_report, EventsArgs};
use super::sync_resume::{self, ResumeArgs};
use crate::clock::TokioClock;
use crate::context::Context;
use crate::error::CliError;

#[derive(Debug, Subcommand)]
pub enum SyncCommand {
    /// Copy metadata objects (and, by default, their dependencies) to one or more instances.
    Metadata(MetadataArgs),
    /// Copy aggregated data values (raw, or summed with --aggregate) to one or more instances.
    Aggregated(AggregatedArgs),
    /// Copy events, tracked entities, enrollments and relationships of programs to one or more
    /// instances.
    Events(EventsArgs),
    /// Take up a run that stopped half-way (network, expired session, a stop): what already
    /// arrived is not sent again.
    Resume(ResumeArgs),
    /// List the runs that started and did not finish.
    Runs,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum StrategyArg {
    CreateAndUpdate,
    Create,
    Update,
}

#[derive(Debug, Args)]
pub struct MetadataArgs {
    /// Target instance (name or id); repeat for several.
    #[arg(long = "to", required = true)]
    pub to: Vec<String>,
    /// Origin instance (name or id). Default: this instance (the one in the config).
    #[arg(long)]
    pub from: Option<String>,
    /// Ids of the objects to sync, comma-separated.
    #[arg(long, value_delimiter = ',', required = true)]
    pub ids: Vec<String>,
    /// Types of those objects (plural API names such as dataSets,programs); speeds up the
    /// first read. Default: looked up.
    #[arg(long, value_delimiter = ',')]
    pub types: Vec<String>,
    /// Let the targets validate the payload without writing anything.
    #[arg(long)]
    pub dry_run: bool,
    #[arg(long, value_enum, default_value = "create-and-update")]
    pub strategy: StrategyArg,
    /// Sync only the given objects, not what they reference.
    #[arg(long)]
    pub no_deps: bool,
    /// Translate identifiers with the mapping stored toward each target (`mdsync mapping
    /// import`); what the mapping leaves unmatched is listed per item in the report.
    #[arg(long)]
    pub apply_mapping: bool,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
    /// When a run of yours with the same origin, targets and ids stopped half-way, take it up
    /// (what arrived is not sent again) instead of starting over.
    #[arg(long)]
    pub resume: bool,
}

pub async fn run<T: Transport>(
    command: SyncCommand,
    context: &Context<T>,
    out: &mut impl Write,
) -> Result<(), CliError> {
    match command {
        SyncCommand::Metadata(args) => metadata(args, context, out).await,
        SyncCommand::Aggregated(args) => sync_aggregated::aggregated(args, context, out).await,
        SyncCommand::Events(args) => sync_events::events(args, context, out).await,
        SyncCommand::Resume(args) => sync_resume::resume(args, context, out).await,
        SyncCommand::Runs => sync_resume::list(context, out).await,
    }
}

async fn metadata<T: Transport>(
    args: MetadataArgs,
    context: &Context<T>,
    out: &mut impl Write,
) -> Result<(), CliError> {
    // Said before the instances are looked up, so a refused user learns the role they lack,
    // not that an instance is unknown to them. `run_sync` checks it again.
    context
        .instances
        .actor()
        .authorize(Operation::RunMetadataSync)?;
    let origin = match &args.from {
        Some(wanted) => context.resolve_instance(wanted).await?,
        None => LOCAL_INSTANCE_ID.to_string(),
    };
    let mut destinations = Vec::new();
    for wanted in &args.to {
        destinations.push(context.resolve_instance(wanted).await?);
    }
    let mut options = MetadataSyncOptions {
        include_dependencies: !args.no_deps,
        apply_mapping: args.apply_mapping,
        ..Default::default()
    };
    options.import.dry_run = args.dry_run;
    options.import.strategy = match args.strategy {
        StrategyArg::CreateAndUpdate => ImportStrategy::CreateAndUpdate,
        StrategyArg::Create => ImportStrategy::Create,
        StrategyArg::Update => ImportStrategy::Update,
    };
    let selection = MetadataSelection::ids(args.ids.iter().map(|id| id.trim().to_string()))
        .with_types(args.types.iter().map(|t| t.trim().to_string()));
    if args.resume {
        let unfinished = matching_unfinished_run(
            &context.storage,
            context.instances.actor(),
            &origin,
            &destinations,
            |job| same_metadata_objects(job, &selection),
        )
        .await?;
        if let Some(run_id) = unfinished {
            eprintln!("Resuming run {run_id}, which stopped half-way.");
            let outcome = resume_sync(
                &context.instances,
                &context.storage,
                &run_id,
                &print_progress,
                &CancellationToken::new(),
                &TokioClock,
            )
            .await
            .map_err(run_error)?;
            return finish(outcome, args.json, out);
        }
    }
    let request = SyncRequest {
        origin,
        destinations,
        job: SyncJob::Metadata {
            picks: MetadataPicks::Resolved(selection),
            options,
        },
        rule: None,
        started: now_iso8601(),
    };
    let outcome = run_sync(
        &context.instances,
        &context.storage,
        &request,
        &print_progress,
        &CancellationToken::new(),
        &TokioClock,
    )
    .await
    .map_err(run_error)?;
    finish(outcome, args.json, out)
}

/// Why a run did not start, as the CLI says it.
pub(super) fn run_error(error: RunError) -> CliError {
    match error {
        RunError::Denied(denied) => CliError::Denied(denied),
        RunError::Instance(error) => CliError::Instance(error),
        RunError::Selection(error) => CliError::Dhis2(error),
        error => CliError::Usage(error.to_string()),
    }
}

/// Prints the report of a run (or resumed run) and turns its outcome into the exit status.
pub(super) fn finish(
    outcome: RunOutcome,
    json: bool,
    out: &mut impl Write,
) -> Result<(), CliError> {
    let report = outcome.report;
    if let Err(error) = outcome.history {
        eprintln!("Warning: the report could not be saved to history: {error}");
    }
    if json {
        let text = serde_json::to_string_pretty(&report)
            .map_err(|error| CliError::Failed(error.to_string()))?;
        writeln!(out, "{text}")?;
    } else if matches!(report.kind, SyncKind::Aggregated | SyncKind::Events) {
        if report.kind == SyncKind::Aggregated {
            print_aggregated_report(&report, out)?;
        } else {
            print_events_report(&report, out)?;
        }
        if report.resumed > 0 {
            writeln!(
                out,
                "Resumed {} time(s) after an interruption.",
                report.resumed
            )?;
        }
    } else {
        print_report(&report, out)?;
    }
    match (&report.run_id, outcome.resumable) {
        (Some(run_id), true) => {
            eprintln!("{}", reliability_text::resume_hint(run_id));
            Err(CliError::Interrupted {
                run_id: run_id.clone(),
                message: format!(
                    "The sync stopped with status {:?}.",
                    report.overall_status()
                ),
            })
        }
        _ if report.succeeded() => Ok(()),
        _ => Err(CliError::Failed(format!(
            "The sync ended with status {:?}.",
            report.overall_status()
        ))),
    }
}

pub(super) fn print_progress(event: SyncProgress) {
    match event {
        SyncProgress::Step {
            target, message, ..
        } => match target {
            Some(target) => eprintln!("[{target}] {message}"),
            None => eprintln!("{message}"),
        },
        SyncProgress::Advance {
            target: Some(target),
            done,
            total,
            ..
        } => eprintln!("[{target}] {done}/{total} chunk(s) written"),
        SyncProgress::Advance { .. } => {}
        SyncProgress::DataValues {
            slices_done,
            slices_total,
            values_moved,
        } => eprintln!("{slices_done}/{slices_total} slice(s), {values_moved} value(s) moved"),
        SyncProgress::TrackerPages { pages, entities } => {
            eprintln!("{pages} page(s) read and written, {entities} object(s)")
        }
        SyncProgress::TargetDone { target, status } => eprintln!("[{target}] {status:?}"),
        SyncProgress::Retrying {
            target,
            attempt,
            max_attempts,
            reason,
            delay_ms,
        } => eprintln!(
            "[{}] {} (waiting {:.1} s)",
            target.as_deref().unwrap_or("origin"),
            reliability_text::retrying(attempt, max_attempts, reason),
            delay_ms as f64 / 1000.0
        ),
    }
}

pub(crate) fn print_report(report: &SyncReport, out: &mut impl Write) -> Result<(), CliError> {
    let objects: usize = report.objects_by_type.iter().map(|(_, n)| n).sum();
    writeln!(
        out,
        "Metadata sync from {} ({}): {objects} object(s){}, {} request(s) to the origin.",
        report.origin,
        report.origin_version.as_deref().unwrap_or("?"),
        if report.dry_run { ", dry run" } else { "" },
        report.origin_request_count
    )?;
    if report.retries() > 0 {
        writeln!(
            out,
            "{}",
            reliability_text::retries_in_report(report.retries())
        )?;
    }
    if report.resumed > 0 {
        writeln!(
            out,
            "Resumed {} time(s) after an interruption.",
            report.resumed
        )?;
    }
    for (plural, count) in &report.objects_by_type {
        writeln!(out, "  {plural:<32} {count}")?;
    }
    for error in &report.errors {
        writeln!(out, "Error: {}", error.message)?;
    }
    for target in &report.targets {
        let stats = target.stats;
        writeln!(
            out,
            "{} ({}): {}  created {}, updated {}, deleted {}, ignored {}; {} request(s), {}/{} chunk(s)",
            target.target,
            target.version.as_deref().unwrap_or("?"),
            status_label(target.status),
            stats.created,
            stats.updated,
            stats.deleted,
            stats.ignored,
            target.request_count,
            target.chunks.len(),
            target.chunks_planned
        )?;
        for note in &target.notes {
            writeln!(out, "  note: {note}")?;
        }
        for error in &target.errors {
            let object = match (&error.object_type, &error.object_id) {
                (Some(kind), Some(id)) => format!("{kind} {id}"),
                (None, Some(id)) => id.clone(),
                _ => "-".to_string(),
            };
            writeln!(
                out,
                "  {} {object}{}: {}",
                error.code.as_deref().unwrap_or("error"),
                error
                    .property
                    .as_deref()
                    .map(|p| format!(" ({p})"))
                    .unwrap_or_default(),
                error.message
            )?;
        }
    }
    Ok(())
}

fn status_label(status: TargetStatus) -> &'static str {
    match status {
        TargetStatus::Success => "SUCCESS",
        TargetStatus::Warning => "WARNING",
        TargetStatus::Error => "ERROR",
        TargetStatus::NetworkError => "NETWORK ERROR",
        TargetStatus::Cancelled => "CANCELLED",
    }
}

/// The current UTC time as `YYYY-MM-DDTHH:MM:SSZ` (history entries carry it).
pub(super) fn now_iso8601() -> String {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (days, rest) = ((seconds / 86_400) as i64, seconds % 86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_the_current_time() {
        let now = now_iso8601();
        assert_eq!(now.len(), 20);
        assert!(now.starts_with("20"));
        assert!(now.ends_with('Z'));
        let month: u32 = now[5..7].parse().unwrap_or(0);
        assert!((1..=12).contains(&month));
    }
}
