//! What `mdsync sync aggregated` and `mdsync sync events` share: the period and aggregation
//! arguments, where a run goes (`--from`, `--to`), running the job through the one run
//! operation, and the parts of their text reports that read the same.

use std::io::Write;

use clap::ValueEnum;
use mdsync_core::access::Operation;
use mdsync_core::dhis2::Transport;
use mdsync_core::mapping::check_mapping_before_run;
use mdsync_core::model::LOCAL_INSTANCE_ID;
use mdsync_core::rules::DatePeriod;
use mdsync_core::sync::aggregated::AggregationType;
use mdsync_core::sync::journal::JournalJob;
use mdsync_core::sync::{
    matching_unfinished_run, resume_sync, run_sync, CancellationToken, SyncJob, SyncReport,
    SyncRequest,
};

use super::sync::{finish, now_iso8601, print_progress, run_error};
use crate::clock::TokioClock;
use crate::context::Context;
use crate::error::CliError;

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum PeriodArg {
    All,
    Today,
    Yesterday,
    Last7Days,
    Last14Days,
    ThisWeek,
    LastWeek,
    ThisMonth,
    LastMonth,
    ThisQuarter,
    LastQuarter,
    ThisYear,
    LastYear,
}

impl PeriodArg {
    pub fn period(self) -> DatePeriod {
        match self {
            PeriodArg::All => DatePeriod::All,
            PeriodArg::Today => DatePeriod::Today,
            PeriodArg::Yesterday => DatePeriod::Yesterday,
            PeriodArg::Last7Days => DatePeriod::Last7Days,
            PeriodArg::Last14Days => DatePeriod::Last14Days,
            PeriodArg::ThisWeek => DatePeriod::ThisWeek,
            PeriodArg::LastWeek => DatePeriod::LastWeek,
            PeriodArg::ThisMonth => DatePeriod::ThisMonth,
            PeriodArg::LastMonth => DatePeriod::LastMonth,
            PeriodArg::ThisQuarter => DatePeriod::ThisQuarter,
            PeriodArg::LastQuarter => DatePeriod::LastQuarter,
            PeriodArg::ThisYear => DatePeriod::ThisYear,
            PeriodArg::LastYear => DatePeriod::LastYear,
        }
    }

    /// `--period`, or the fixed `--start`/`--end` (clap requires one of them).
    pub fn or_fixed(
        period: Option<PeriodArg>,
        start: &Option<String>,
        end: &Option<String>,
    ) -> DatePeriod {
        match period {
            Some(period) => period.period(),
            None => DatePeriod::Fixed {
                start: start.clone(),
                end: end.clone(),
            },
        }
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum AggregateArg {
    Daily,
    Weekly,
    Monthly,
    Quarterly,
    Yearly,
}

impl AggregateArg {
    pub fn aggregation_type(self) -> AggregationType {
        match self {
            AggregateArg::Daily => AggregationType::Daily,
            AggregateArg::Weekly => AggregationType::Weekly,
            AggregateArg::Monthly => AggregationType::Monthly,
            AggregateArg::Quarterly => AggregationType::Quarterly,
            AggregateArg::Yearly => AggregationType::Yearly,
        }
    }
}

/// Where a run goes, as the command line names it.
pub struct Route<'a> {
    /// `--from`; this instance when absent (a remote origin is a pull).
    pub from: Option<&'a str>,
    /// `--to`, one or more.
    pub to: &'a [String],
}

/// Whether a journal is of the same data job as `job`: same kind, selection and options (the
/// period is the journal's own, counted from when that run started).
fn same_data_job(journaled: &JournalJob, job: &SyncJob) -> bool {
    match (journaled, job) {
        (
            JournalJob::Aggregated { job: before },
            SyncJob::Aggregated {
                selection, options, ..
            },
        ) => before.selection == *selection && before.options == *options,
        (
            JournalJob::Events { job: before },
            SyncJob::Events {
                selection, options, ..
            },
        ) => before.selection == *selection && before.options == *options,
        _ => false,
    }
}

/// Runs `job` along `route` once `operation` is allowed, and prints its report (JSON with
/// `json`); the exit status says whether a destination failed. `checked` is the selection's
/// own check: bad input is said before any instance is contacted. `resume`: a run of the
/// user's with the same origin, destinations and job that stopped half-way is taken up instead.
#[allow(clippy::too_many_arguments)]
pub async fn run_job<T: Transport>(
    context: &Context<T>,
    operation: Operation,
    checked: Result<(), String>,
    route: Route<'_>,
    job: SyncJob,
    json: bool,
    resume: bool,
    out: &mut impl Write,
) -> Result<(), CliError> {
    context.instances.actor().authorize(operation)?;
    checked.map_err(CliError::Usage)?;
    let origin = match route.from {
        Some(wanted) => context.resolve_instance(wanted).await?,
        None => LOCAL_INSTANCE_ID.to_string(),
    };
    let mut destinations = Vec::new();
    for wanted in route.to {
        destinations.push(context.resolve_instance(wanted).await?);
    }
    if resume {
        let unfinished = matching_unfinished_run(
            &context.storage,
            context.instances.actor(),
            &origin,
            &destinations,
            |journaled| same_data_job(journaled, &job),
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
            return finish(outcome, json, out);
        }
    }
    let request = SyncRequest {
        origin,
        destinations,
        job,
        rule: None,
        started: now_iso8601(),
    };
    warn_of_mapping_findings(context, &request).await;
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
    finish(outcome, json, out)
}

/// The checks the app makes before a run (what is sent must exist at each destination, mapped
/// or by its own id), said on standard error before anything is written. The run goes on: a
/// script decides from the report and the exit status; the values the destination refuses are
/// its conflicts.
async fn warn_of_mapping_findings<T: Transport>(context: &Context<T>, request: &SyncRequest) {
    if request.job.is_dry_run() {
        return;
    }
    match check_mapping_before_run(&context.instances, &context.storage, request).await {
        Ok(check) => {
            for destination in &check.destinations {
                eprintln!(
                    "Warning: {} has {} thing(s) the run sends unmapped or missing (fix them \
                     with `mdsync mapping`, or read the conflicts in the report):",
                    destination.destination_name,
                    destination.findings.len() + destination.not_invertible.len()
                );
                for finding in &destination.findings {
                    eprintln!("  - {finding}");
                }
                for entry in &destination.not_invertible {
                    eprintln!("  - {entry}: cannot be inverted for a pull (several onto one)");
                }
            }
        }
        Err(error) => {
            eprintln!("Warning: the mapping could not be checked before the run: {error}")
        }
    }
}

/// The errors of the run as a whole (before any destination's).
pub fn print_run_errors(report: &SyncReport, out: &mut impl Write) -> Result<(), CliError> {
    for error in &report.errors {
        writeln!(out, "Error: {}", error.message)?;
    }
    Ok(())
}

/// ", dry run" after the first line of a dry run's report.
pub fn dry_run_mark(report: &SyncReport) -> &'static str {
    if report.dry_run {
        ", dry run"
    } else {
        ""
    }
}
