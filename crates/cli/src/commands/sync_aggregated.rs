//! `mdsync sync aggregated`: data values from one instance to others, raw or aggregated, through
//! the one run operation. Progress to standard error, the report to standard output; exit
//! status 1 when a destination failed (as `sync metadata`).

use std::io::Write;

use clap::{ArgGroup, Args, ValueEnum};
use mdsync_core::access::Operation;
use mdsync_core::dhis2::data_values::DataImportStrategy;
use mdsync_core::dhis2::Transport;
use mdsync_core::rules::RuleLastRun;
use mdsync_core::sync::aggregated::{
    AggregatedSelection, AggregatedSyncOptions, AggregationOptions, AsyncImports,
};
use mdsync_core::sync::{SyncJob, SyncReport};

use super::sync_common::{dry_run_mark, print_run_errors, run_job, AggregateArg, PeriodArg, Route};
use crate::context::Context;
use crate::error::CliError;

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum DataStrategyArg {
    NewAndUpdates,
    New,
    Updates,
    Deletes,
}

/// When an import runs as a server job, followed to its end.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum AsyncArg {
    /// Chunks of 5000 values or more.
    Auto,
    Always,
    Never,
}

#[derive(Debug, Args)]
#[command(group(ArgGroup::new("data").required(true).multiple(true)
    .args(["data_sets", "data_element_groups", "data_elements"])))]
#[command(group(ArgGroup::new("when").required(true).args(["period", "start"])))]
#[command(group(ArgGroup::new("where").required(true).multiple(true)
    .args(["org_units", "org_unit_levels", "org_unit_groups"])))]
pub struct AggregatedArgs {
    /// Destination instance (name or id); repeat for several.
    #[arg(long = "to", required = true)]
    pub to: Vec<String>,
    /// Origin instance (name or id). Default: this instance (a remote origin is a pull).
    #[arg(long)]
    pub from: Option<String>,
    /// Data set ids, comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub data_sets: Vec<String>,
    /// Data element group ids, comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub data_element_groups: Vec<String>,
    /// Data element ids, comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub data_elements: Vec<String>,
    /// Indicator ids, comma-separated (with --aggregate only).
    #[arg(long, value_delimiter = ',', requires = "aggregate")]
    pub indicators: Vec<String>,
    /// Organisation unit ids, comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub org_units: Vec<String>,
    /// Each org unit with everything below it.
    #[arg(long)]
    pub children: bool,
    /// Org unit levels (1: the top), comma-separated: the units at these levels within
    /// --org-units (your whole hierarchy without it) are read instead.
    #[arg(long, value_delimiter = ',', value_parser = clap::value_parser!(u32).range(1..))]
    pub org_unit_levels: Vec<u32>,
    /// Org unit group ids, comma-separated: their members within --org-units (your whole
    /// hierarchy without it) are read instead, with those of --org-unit-levels.
    #[arg(long, value_delimiter = ',')]
    pub org_unit_groups: Vec<String>,
    /// A relative period, counted in the origin server's time zone.
    #[arg(long, value_enum)]
    pub period: Option<PeriodArg>,
    /// First day of a fixed period (YYYY-MM-DD).
    #[arg(long, requires = "end")]
    pub start: Option<String>,
    /// Last day of a fixed period (YYYY-MM-DD).
    #[arg(long, requires = "start")]
    pub end: Option<String>,
    /// Only values changed since this date (YYYY-MM-DD, the server's clock).
    #[arg(long)]
    pub last_updated: Option<String>,
    /// Aggregation mode: values summed per period of this type, from analytics.
    #[arg(long, value_enum)]
    pub aggregate: Option<AggregateArg>,
    /// Send data items without a value as 0 (with --aggregate).
    #[arg(long, requires = "aggregate")]
    pub empty_as_zero: bool,
    #[arg(long, value_enum, default_value = "new-and-updates")]
    pub strategy: DataStrategyArg,
    /// Let the destinations validate the values without writing anything.
    #[arg(long)]
    pub dry_run: bool,
    /// Read each destination's values first and send only those that differ.
    #[arg(long)]
    pub ignore_existing: bool,
    /// Delete at the destinations the values deleted at the origin in the period.
    #[arg(long)]
    pub delete_stale: bool,
    /// When imports run as server jobs followed to their end (a proxy's time limit cannot cut
    /// them).
    #[arg(long = "async", value_enum, default_value = "auto")]
    pub async_imports: AsyncArg,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
    /// When a run of yours with the same origin, destinations and selection stopped half-way,
    /// take it up (what arrived is not sent again) instead of starting over.
    #[arg(long)]
    pub resume: bool,
}

impl AggregatedArgs {
    fn selection(&self) -> AggregatedSelection {
        let ids = |list: &[String]| list.iter().map(|id| id.trim().to_string()).collect();
        AggregatedSelection {
            data_sets: ids(&self.data_sets),
            data_element_groups: ids(&self.data_element_groups),
            data_elements: ids(&self.data_elements),
            indicators: ids(&self.indicators),
            org_units: ids(&self.org_units),
            include_descendants: self.children,
            org_unit_levels: self.org_unit_levels.clone(),
            org_unit_groups: ids(&self.org_unit_groups),
            period: PeriodArg::or_fixed(self.period, &self.start, &self.end),
            last_updated_since: self.last_updated.clone(),
            ..AggregatedSelection::default()
        }
    }

    fn options(&self) -> AggregatedSyncOptions {
        AggregatedSyncOptions {
            strategy: match self.strategy {
                DataStrategyArg::NewAndUpdates => DataImportStrategy::NewAndUpdates,
                DataStrategyArg::New => DataImportStrategy::New,
                DataStrategyArg::Updates => DataImportStrategy::Updates,
                DataStrategyArg::Deletes => DataImportStrategy::Deletes,
            },
            dry_run: self.dry_run,
            ignore_existing: self.ignore_existing,
            delete_stale: self.delete_stale,
            aggregation: self.aggregate.map(|kind| AggregationOptions {
                aggregation_type: kind.aggregation_type(),
                empty_as_zero: self.empty_as_zero,
                run_analytics_before: false,
                run_analytics_after: false,
                analytics_years: None,
            }),
            async_imports: match self.async_imports {
                AsyncArg::Auto => AsyncImports::Auto,
                AsyncArg::Always => AsyncImports::Always,
                AsyncArg::Never => AsyncImports::Never,
            },
            ..AggregatedSyncOptions::default()
        }
    }
}

pub async fn aggregated<T: Transport>(
    args: AggregatedArgs,
    context: &Context<T>,
    out: &mut impl Write,
) -> Result<(), CliError> {
    let selection = args.selection();
    let options = args.options();
    let checked = selection.check(&options).map_err(|p| p.to_string());
    let route = Route {
        from: args.from.as_deref(),
        to: &args.to,
    };
    let job = SyncJob::Aggregated {
        selection,
        options,
        last_run: RuleLastRun::default(),
    };
    let operation = Operation::RunAggregatedSync;
    run_job(
        context,
        operation,
        checked,
        route,
        job,
        args.json,
        args.resume,
        out,
    )
    .await
}

/// Conflict rows printed per destination (all of them are in `--json`).
const CONFLICTS_PRINTED: usize = 20;

/// The text report of an aggregated run.
pub fn print_aggregated_report(report: &SyncReport, out: &mut impl Write) -> Result<(), CliError> {
    let values: usize = report.objects_by_type.iter().map(|(_, n)| n).sum();
    let details = report.aggregated.as_ref();
    writeln!(
        out,
        "Aggregated sync from {} ({}): {values} value(s) read in {} slice(s){}, {} request(s) to the origin.",
        report.origin,
        report.origin_version.as_deref().unwrap_or("?"),
        details.map_or(0, |d| d.slices_read),
        dry_run_mark(report),
        report.origin_request_count
    )?;
    if let Some(period) = details.and_then(|d| d.period.as_ref()) {
        let since = period
            .last_updated
            .as_deref()
            .map(|since| format!(", changed since {since}"))
            .unwrap_or_default();
        writeln!(
            out,
            "Periods from {} to {}{since}.",
            period.start, period.end
        )?;
    }
    for note in details.map(|d| d.notes.as_slice()).unwrap_or_default() {
        writeln!(out, "note: {note}")?;
    }
    print_run_errors(report, out)?;
    for target in &report.targets {
        let stats = target.stats;
        let empty = Default::default();
        let details = target.aggregated.as_ref().unwrap_or(&empty);
        writeln!(
            out,
            "{} ({}): {:?}  imported {}, updated {}, deleted {}, ignored {}; {} value(s) in {} bytes sent, \
             {}/{} slice(s), {} request(s)",
            target.target,
            target.version.as_deref().unwrap_or("?"),
            target.status,
            stats.created,
            stats.updated,
            stats.deleted,
            stats.ignored,
            details.values_sent,
            details.bytes_sent,
            details.slices_written(),
            details.slices_total,
            target.request_count
        )?;
        for note in &target.notes {
            writeln!(out, "  note: {note}")?;
        }
        for error in &target.errors {
            writeln!(out, "  error: {}", error.message)?;
        }
        let conflicts = details.conflicts.len() + details.conflicts_left_out;
        if conflicts > 0 {
            writeln!(out, "  {conflicts} conflict(s):")?;
        }
        for row in details.conflicts.iter().take(CONFLICTS_PRINTED) {
            writeln!(
                out,
                "    {} {} {} {} = {:?}: {}",
                row.data_element
                    .as_deref()
                    .or(row.object.as_deref())
                    .unwrap_or("-"),
                row.period.as_deref().unwrap_or("-"),
                row.org_unit.as_deref().unwrap_or("-"),
                row.code.as_deref().unwrap_or(""),
                row.value.as_deref().unwrap_or(""),
                row.message
            )?;
        }
    }
    Ok(())
}
