//! `mdsync sync events`: events, tracked entities, enrollments and relationships of programs
//! from one instance to others, through the one run operation. Progress to standard error, the
//! report to standard output; exit status 1 when a destination failed (as `sync metadata`).

use std::io::Write;

use clap::{ArgGroup, Args};
use mdsync_core::access::Operation;
use mdsync_core::dhis2::Transport;
use mdsync_core::rules::RuleLastRun;
use mdsync_core::sync::events::{AsAggregated, Chosen, EventsSelection, EventsSyncOptions};
use mdsync_core::sync::{SyncJob, SyncReport};

use super::sync_common::{dry_run_mark, print_run_errors, run_job, AggregateArg, PeriodArg, Route};
use crate::context::Context;
use crate::error::CliError;

#[derive(Debug, Args)]
#[command(group(ArgGroup::new("when").required(true).args(["period", "start"])))]
#[command(group(ArgGroup::new("which_events").args(["events", "all_events"])))]
#[command(group(ArgGroup::new("which_entities").args(["tracked_entities", "all_tracked_entities"])))]
pub struct EventsArgs {
    /// Destination instance (name or id); repeat for several.
    #[arg(long = "to", required = true)]
    pub to: Vec<String>,
    /// Origin instance (name or id). Default: this instance (a remote origin is a pull).
    #[arg(long)]
    pub from: Option<String>,
    /// Program ids (event and tracker programs), comma-separated.
    #[arg(long, value_delimiter = ',', required = true)]
    pub programs: Vec<String>,
    /// Organisation unit ids, comma-separated.
    #[arg(long, value_delimiter = ',', required = true)]
    pub org_units: Vec<String>,
    /// Each org unit with everything below it.
    #[arg(long)]
    pub children: bool,
    /// A relative period (event date; enrollment date for tracked entities), counted in the
    /// origin server's time zone.
    #[arg(long, value_enum)]
    pub period: Option<PeriodArg>,
    /// First day of a fixed period (YYYY-MM-DD).
    #[arg(long, requires = "end")]
    pub start: Option<String>,
    /// Last day of a fixed period (YYYY-MM-DD).
    #[arg(long, requires = "start")]
    pub end: Option<String>,
    /// Only these events, comma-separated (of a tracker program: with their tracked entities).
    #[arg(long, value_delimiter = ',')]
    pub events: Vec<String>,
    /// All events of the programs in the org units and period (the default).
    #[arg(long)]
    pub all_events: bool,
    /// Only these tracked entities (tracker programs), comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub tracked_entities: Vec<String>,
    /// All tracked entities of the tracker programs in the org units and period (the default).
    #[arg(long)]
    pub all_tracked_entities: bool,
    /// Give every object a new UID (references inside what is sent follow).
    #[arg(long)]
    pub new_uids: bool,
    /// Leave coordinates and geometry out.
    #[arg(long)]
    pub no_geometry: bool,
    /// Leave relationships out.
    #[arg(long)]
    pub no_relationships: bool,
    /// Let the destinations validate without writing anything.
    #[arg(long)]
    pub dry_run: bool,
    /// Send the program data as aggregated values instead of events: the events' values
    /// added up per period of this type and selected org unit, and the programs' indicators
    /// from analytics, into the aggregated data elements the mapping names for them.
    #[arg(long, value_enum, value_name = "PERIOD_TYPE")]
    pub as_aggregated: Option<AggregateArg>,
    /// With --as-aggregated: leave the program indicators out.
    #[arg(long, requires = "as_aggregated")]
    pub no_program_indicators: bool,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
    /// When a run of yours with the same origin, destinations and selection stopped half-way,
    /// take it up (what arrived is not sent again) instead of starting over.
    #[arg(long)]
    pub resume: bool,
}

impl EventsArgs {
    pub fn selection(&self) -> EventsSelection {
        let ids = |list: &[String]| -> Vec<String> {
            list.iter()
                .map(|id| id.trim().to_string())
                .filter(|id| !id.is_empty())
                .collect()
        };
        let chosen = |list: &[String]| {
            if list.is_empty() {
                Chosen::All
            } else {
                Chosen::Only { ids: ids(list) }
            }
        };
        EventsSelection {
            programs: ids(&self.programs),
            org_units: ids(&self.org_units),
            include_children: self.children,
            period: PeriodArg::or_fixed(self.period, &self.start, &self.end),
            events: chosen(&self.events),
            tracked_entities: chosen(&self.tracked_entities),
            ..EventsSelection::default()
        }
    }

    pub fn options(&self) -> EventsSyncOptions {
        EventsSyncOptions {
            new_uids: self.new_uids,
            exclude_geometry: self.no_geometry,
            exclude_relationships: self.no_relationships,
            dry_run: self.dry_run,
            as_aggregated: self.as_aggregated.map(|kind| AsAggregated {
                aggregation_type: kind.aggregation_type(),
                program_indicators: !self.no_program_indicators,
            }),
            ..EventsSyncOptions::default()
        }
    }
}

pub async fn events<T: Transport>(
    args: EventsArgs,
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
    let job = SyncJob::Events {
        selection,
        options,
        last_run: RuleLastRun::default(),
    };
    let operation = Operation::RunEventsSync;
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

/// Errors printed per destination (all of them are in `--json`).
const ERRORS_PRINTED: usize = 50;

/// The text report of an events run.
pub fn print_events_report(report: &SyncReport, out: &mut impl Write) -> Result<(), CliError> {
    let details = report.events.as_ref();
    let read: Vec<String> = report
        .objects_by_type
        .iter()
        .map(|(kind, count)| format!("{count} {kind}"))
        .collect();
    writeln!(
        out,
        "Events sync from {} ({}): {} read in {} page(s){}, {} request(s) to the origin.",
        report.origin,
        report.origin_version.as_deref().unwrap_or("?"),
        if read.is_empty() {
            "nothing".to_string()
        } else {
            read.join(", ")
        },
        details.map_or(0, |d| d.pages_read),
        dry_run_mark(report),
        report.origin_request_count
    )?;
    for program in details.map(|d| d.programs.as_slice()).unwrap_or_default() {
        writeln!(
            out,
            "  {} ({}): {} tracked entit(ies), {} enrollment(s), {} event(s), {} relationship(s)",
            program.name.as_deref().unwrap_or(&program.program),
            program.program,
            program.tracked_entities,
            program.enrollments,
            program.events,
            program.relationships
        )?;
    }
    for note in details.map(|d| d.notes.as_slice()).unwrap_or_default() {
        writeln!(out, "note: {note}")?;
    }
    print_run_errors(report, out)?;
    for target in &report.targets {
        let stats = target.stats;
        writeln!(
            out,
            "{} ({}): {:?}  created {}, updated {}, deleted {}, ignored {}; {} request(s)",
            target.target,
            target.version.as_deref().unwrap_or("?"),
            target.status,
            stats.created,
            stats.updated,
            stats.deleted,
            stats.ignored,
            target.request_count
        )?;
        if let Some(values) = &target.aggregated {
            // Sent as aggregated values.
            writeln!(
                out,
                "  dataValues: {} sent in {} bytes, {} excluded by the mapping, {} conflict(s)",
                values.values_sent,
                values.bytes_sent,
                values.values_excluded_by_mapping,
                values.conflicts.len() + values.conflicts_left_out
            )?;
        }
        for type_stats in &target.type_stats {
            let s = type_stats.stats;
            writeln!(
                out,
                "  {}: created {}, updated {}, deleted {}, ignored {}",
                type_stats.type_name, s.created, s.updated, s.deleted, s.ignored
            )?;
        }
        for note in &target.notes {
            writeln!(out, "  note: {note}")?;
        }
        for error in target.errors.iter().take(ERRORS_PRINTED) {
            writeln!(
                out,
                "  error: {} {} {}: {}",
                error.object_type.as_deref().unwrap_or("-"),
                error.object_id.as_deref().unwrap_or("-"),
                error.code.as_deref().unwrap_or("-"),
                error.message
            )?;
        }
        if target.errors.len() > ERRORS_PRINTED {
            writeln!(
                out,
                "  … and {} more error(s) (all of them with --json)",
                target.errors.len() - ERRORS_PRINTED
            )?;
        }
    }
    Ok(())
}
