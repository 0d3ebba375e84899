//! `mdsync sync events`: events, tracked entities, enrollments and relationships of programs
//! from one instance to others, through the one run operation. Progress to standard error, the
//! report to standard output; exit status 1 when a destination failed (as `sync metadata`).

use std::io::Write;

use clap::{ArgGroup, Args};
use mdsync_core::access::Operation;
use mdsync_core::dhis2::Transport;
use mdsync_core::model::LOCAL_INSTANCE_ID;
use mdsync_core::rules::{DatePeriod, RuleLastRun};
use mdsync_core::sync::events::{Chosen, EventsSelection, EventsSyncOptions};
use mdsync_core::sync::{run_sync, CancellationToken, SyncJob, SyncReport, SyncRequest};

use super::sync::{finish, now_iso8601, print_progress, run_error};
use super::sync_aggregated::PeriodArg;
use crate::clock::TokioClock;
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
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
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
            period: match self.period {
                Some(period) => period.period(),
                None => DatePeriod::Fixed {
                    start: self.start.clone(),
                    end: self.end.clone(),
                },
            },
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
            ..EventsSyncOptions::default()
        }
    }
}

pub async fn events<T: Transport>(
    args: EventsArgs,
    context: &Context<T>,
    out: &mut impl Write,
) -> Result<(), CliError> {
    context
        .instances
        .actor()
        .authorize(Operation::RunEventsSync)?;
    let selection = args.selection();
    let options = args.options();
    // Bad input is said before any instance is contacted.
    selection
        .check(&options)
        .map_err(|problem| CliError::Usage(problem.to_string()))?;
    let origin = match &args.from {
        Some(wanted) => context.resolve_instance(wanted).await?,
        None => LOCAL_INSTANCE_ID.to_string(),
    };
    let mut destinations = Vec::new();
    for wanted in &args.to {
        destinations.push(context.resolve_instance(wanted).await?);
    }
    let request = SyncRequest {
        origin,
        destinations,
        job: SyncJob::Events {
            selection,
            options,
            last_run: RuleLastRun::default(),
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
        if report.dry_run { ", dry run" } else { "" },
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
    for error in &report.errors {
        writeln!(out, "Error: {}", error.message)?;
    }
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
