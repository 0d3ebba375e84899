//! `mdsync rules list|show|run|export|import|enable|disable`: the rules of this instance, as the
//! app's Rules panel shows them, for the acting user (run-only users see and run the rules
//! shared with them; only configurators change them).

use std::io::Write;
use std::path::PathBuf;

use clap::Subcommand;
use mdsync_core::clock::Clock;
use mdsync_core::dhis2::Transport;
use mdsync_core::rules::{
    export_rules, get_rule, import_rules, list_rules, run_rule, set_enabled, CronSchedule,
    DatePeriod, RuleError, RuleJob, RuleKind, RuleRow, ScheduleWords, ServerZone,
};
use mdsync_core::sync::aggregated::AttributeOptions;
use mdsync_core::sync::events::Chosen;
use mdsync_core::sync::CancellationToken;

use super::sync::{print_progress, print_report};
use crate::clock::TokioClock;
use crate::context::Context;
use crate::error::CliError;

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// List the rules you may see: schedule in words, last run and its status.
    List {
        /// Only rules of this kind: metadata, aggregated or events.
        #[arg(long)]
        kind: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Show a rule (by name or id), with its next three runs in the server's time zone.
    Show {
        rule: String,
        #[arg(long)]
        json: bool,
    },
    /// Run a rule now (Ctrl-C stops it after the current chunk). Exit status 1 when a
    /// destination failed.
    Run {
        rule: String,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Export rules (names or ids) as one JSON file; no credential is ever in it.
    Export {
        #[arg(required = true)]
        rules: Vec<String>,
        /// Write to this file instead of standard output.
        #[arg(long, short = 'o')]
        output: Option<PathBuf>,
    },
    /// Import rules from JSON files: this tool's or the app's exports, or rules exported from
    /// MDSync. Imported rules are yours, private, with their schedule switched off.
    Import {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// Switch a rule's schedule on (the scheduler runs it).
    Enable { rule: String },
    /// Switch a rule's schedule off.
    Disable { rule: String },
}

pub async fn run<T: Transport>(
    command: RulesCommand,
    context: &Context<T>,
    out: &mut impl Write,
) -> Result<(), CliError> {
    match command {
        RulesCommand::List { kind, json } => list(context, kind.as_deref(), json, out).await,
        RulesCommand::Show { rule, json } => show(context, &rule, json, out).await,
        RulesCommand::Run { rule, json } => run_now(context, &rule, json, out).await,
        RulesCommand::Export { rules, output } => export(context, &rules, output, out).await,
        RulesCommand::Import { files, json } => import(context, &files, json, out).await,
        RulesCommand::Enable { rule } => enable(context, &rule, true, out).await,
        RulesCommand::Disable { rule } => enable(context, &rule, false, out).await,
    }
}

pub(crate) fn rule_error(error: RuleError) -> CliError {
    match error {
        RuleError::Denied(denied) => CliError::Denied(denied),
        RuleError::Storage(error) => CliError::Storage(error),
        RuleError::Instance(error) => CliError::Instance(error),
        other => CliError::Usage(other.to_string()),
    }
}

fn json_text<S: serde::Serialize>(value: &S) -> Result<String, CliError> {
    serde_json::to_string_pretty(value).map_err(|error| CliError::Failed(error.to_string()))
}

/// The rule whose id is `wanted`, else whose name is (case-insensitive).
async fn resolve<T: Transport>(context: &Context<T>, wanted: &str) -> Result<RuleRow, CliError> {
    let listing = list_rules(&context.instances, &context.storage)
        .await
        .map_err(rule_error)?;
    let wanted_trimmed = wanted.trim();
    let found = listing
        .rows
        .iter()
        .find(|row| row.summary.id == wanted_trimmed)
        .or_else(|| {
            listing
                .rows
                .iter()
                .find(|row| row.summary.name.eq_ignore_ascii_case(wanted_trimmed))
        });
    found.cloned().ok_or_else(|| {
        let known: Vec<&str> = listing
            .rows
            .iter()
            .map(|r| r.summary.name.as_str())
            .collect();
        CliError::Usage(format!(
            "No rule named or with id \"{wanted}\" is shared with you. Yours: {}.",
            if known.is_empty() {
                "none".to_string()
            } else {
                known.join(", ")
            }
        ))
    })
}

fn words(schedule: Option<&str>) -> String {
    match schedule {
        None => "by hand only".into(),
        Some(expression) => match ScheduleWords::of_expression(expression) {
            Ok(words) => words.to_string(),
            Err(error) => format!("invalid: {error}"),
        },
    }
}

async fn list<T: Transport>(
    context: &Context<T>,
    kind: Option<&str>,
    json: bool,
    out: &mut impl Write,
) -> Result<(), CliError> {
    let kind = match kind {
        None => None,
        Some(text) => Some(RuleKind::parse(text).ok_or_else(|| {
            CliError::Usage(format!(
                "\"{text}\" is not a kind of rule: use metadata, aggregated or events."
            ))
        })?),
    };
    let mut listing = list_rules(&context.instances, &context.storage)
        .await
        .map_err(rule_error)?;
    if let Some(kind) = kind {
        listing.rows.retain(|row| row.summary.kind == kind);
    }
    for problem in &listing.problems {
        eprintln!("Warning: {problem}");
    }
    if json {
        writeln!(out, "{}", json_text(&listing.rows)?)?;
        return Ok(());
    }
    if listing.rows.is_empty() {
        writeln!(out, "No rules are shared with you.")?;
    }
    for row in &listing.rows {
        let rule = &row.summary;
        let destinations: Vec<&str> = rule.destinations.iter().map(|d| d.label()).collect();
        let last = match (&row.last_run.last_executed, row.last_run.last_status) {
            (Some(at), Some(status)) => format!("{at} {status:?}"),
            (Some(at), None) => at.clone(),
            _ => "never run".into(),
        };
        writeln!(
            out,
            "{}  {}  {}  {} → {}  [{}{}]  last run: {last}",
            rule.id,
            rule.name,
            rule.kind.as_str(),
            rule.origin.label(),
            destinations.join(", "),
            if rule.enabled { "on: " } else { "off: " },
            words(rule.schedule.as_deref()),
        )?;
        for missing in &row.missing_instances {
            writeln!(
                out,
                "  cannot run: the instance \"{}\" ({}) no longer exists",
                missing.label(),
                missing.id
            )?;
        }
    }
    Ok(())
}

async fn show<T: Transport>(
    context: &Context<T>,
    wanted: &str,
    json: bool,
    out: &mut impl Write,
) -> Result<(), CliError> {
    let row = resolve(context, wanted).await?;
    let rule = get_rule(&context.instances, &context.storage, &row.summary.id)
        .await
        .map_err(rule_error)?;
    let zone_id = context
        .storage
        .client()
        .system_info()
        .await?
        .server_time_zone_id;
    let (zone, zone_problem) = ServerZone::of_server(zone_id.as_deref());
    let next = rule
        .summary
        .schedule
        .as_deref()
        .and_then(|s| CronSchedule::parse(s).ok())
        .map(|s| s.next_runs(TokioClock.now_millis(), &zone, 3))
        .unwrap_or_default();
    if json {
        let value = serde_json::json!({ "rule": rule, "nextRuns": next });
        writeln!(out, "{}", json_text(&value)?)?;
        return Ok(());
    }
    let summary = &rule.summary;
    writeln!(out, "{} ({})", summary.name, summary.id)?;
    if !summary.code.is_empty() {
        writeln!(out, "  code: {}", summary.code)?;
    }
    if !summary.description.is_empty() {
        writeln!(out, "  description: {}", summary.description)?;
    }
    let destinations: Vec<&str> = summary.destinations.iter().map(|d| d.label()).collect();
    writeln!(out, "  kind: {}", summary.kind.as_str())?;
    writeln!(
        out,
        "  from {} to {}",
        summary.origin.label(),
        destinations.join(", ")
    )?;
    writeln!(
        out,
        "  schedule: {} ({}){}",
        words(summary.schedule.as_deref()),
        summary.schedule.as_deref().unwrap_or("-"),
        if summary.enabled { ", on" } else { ", off" }
    )?;
    for line in describe_job(&rule.job) {
        writeln!(out, "  {line}")?;
    }
    if let Some(problem) = zone_problem {
        writeln!(out, "  note: {problem}")?;
    }
    for run in &next {
        writeln!(out, "  next run: {run}")?;
    }
    let last = &rule.last_run;
    writeln!(
        out,
        "  last run: {} by {} ({}); last successful: {}",
        last.last_executed.as_deref().unwrap_or("never"),
        last.last_executed_by.as_deref().unwrap_or("-"),
        last.last_status
            .map(|s| format!("{s:?}"))
            .unwrap_or("-".into()),
        last.last_successful_sync.as_deref().unwrap_or("never"),
    )?;
    Ok(())
}

async fn run_now<T: Transport>(
    context: &Context<T>,
    wanted: &str,
    json: bool,
    out: &mut impl Write,
) -> Result<(), CliError> {
    let row = resolve(context, wanted).await?;
    let cancel = CancellationToken::new();
    let stop = cancel.clone();
    let run = run_rule(
        &context.instances,
        &context.storage,
        &row.summary.id,
        &print_progress,
        &cancel,
        &TokioClock,
    );
    let mut run = std::pin::pin!(run);
    let outcome = tokio::select! {
        outcome = &mut run => outcome,
        _ = tokio::signal::ctrl_c() => {
            eprintln!("Stopping after the current chunk…");
            stop.cancel();
            run.await
        }
    }
    .map_err(rule_error)?;
    if let Err(error) = &outcome.history {
        eprintln!("Warning: the report could not be saved to history: {error}");
    }
    if let Err(error) = &outcome.record {
        eprintln!("Warning: the rule's last run could not be recorded: {error}");
    }
    if json {
        writeln!(out, "{}", json_text(&outcome.report)?)?;
    } else {
        print_report(&outcome.report, out)?;
    }
    if outcome.report.succeeded() {
        Ok(())
    } else {
        Err(CliError::Failed(format!(
            "The rule ended with status {:?}.",
            outcome.report.overall_status()
        )))
    }
}

async fn export<T: Transport>(
    context: &Context<T>,
    wanted: &[String],
    output: Option<PathBuf>,
    out: &mut impl Write,
) -> Result<(), CliError> {
    let mut ids = Vec::new();
    for rule in wanted {
        ids.push(resolve(context, rule).await?.summary.id);
    }
    let export = export_rules(
        &context.instances,
        &context.storage,
        &ids,
        TokioClock.now_millis(),
    )
    .await
    .map_err(rule_error)?;
    let text = json_text(&export)?;
    match output {
        Some(path) => {
            std::fs::write(&path, format!("{text}\n"))?;
            writeln!(
                out,
                "{} rule(s) written to {}.",
                export.rules.len(),
                path.display()
            )?;
        }
        None => writeln!(out, "{text}")?,
    }
    Ok(())
}

async fn import<T: Transport>(
    context: &Context<T>,
    files: &[PathBuf],
    json: bool,
    out: &mut impl Write,
) -> Result<(), CliError> {
    let mut failed = false;
    let mut report = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(file)
            .map_err(|error| CliError::Usage(format!("Cannot read {}: {error}", file.display())))?;
        let outcome = import_rules(
            &context.instances,
            &context.storage,
            &text,
            TokioClock.now_millis(),
        )
        .await
        .map_err(rule_error)?;
        failed |= !outcome.problems.is_empty();
        if json {
            report.push(serde_json::json!({
                "file": file.display().to_string(),
                "created": outcome.created,
                "problems": outcome.problems.iter().map(ToString::to_string).collect::<Vec<_>>(),
                "notImported": outcome.not_imported,
                "scheduleSwitchedOff": outcome.schedule_switched_off,
            }));
            continue;
        }
        writeln!(out, "{}: {outcome}", file.display())?;
        for rule in &outcome.created {
            writeln!(out, "  imported \"{}\" ({})", rule.name, rule.id)?;
        }
        for (rule, part) in &outcome.not_imported {
            writeln!(out, "  \"{rule}\": not taken over: {part}")?;
        }
        if !outcome.schedule_switched_off.is_empty() {
            writeln!(
                out,
                "  schedules kept but switched off (mdsync rules enable NAME): {}",
                outcome.schedule_switched_off.join(", ")
            )?;
        }
        for problem in &outcome.problems {
            writeln!(out, "  not imported: {problem}")?;
        }
    }
    if json {
        writeln!(out, "{}", json_text(&report)?)?;
    }
    if failed {
        Err(CliError::Failed("Some rules were not imported.".into()))
    } else {
        Ok(())
    }
}

async fn enable<T: Transport>(
    context: &Context<T>,
    wanted: &str,
    enabled: bool,
    out: &mut impl Write,
) -> Result<(), CliError> {
    let row = resolve(context, wanted).await?;
    let summary = set_enabled(
        &context.instances,
        &context.storage,
        &row.summary.id,
        enabled,
        TokioClock.now_millis(),
    )
    .await
    .map_err(rule_error)?;
    writeln!(
        out,
        "\"{}\": schedule {} ({}).",
        summary.name,
        if summary.enabled { "on" } else { "off" },
        words(summary.schedule.as_deref())
    )?;
    Ok(())
}

fn ids(label: &str, ids: &[String]) -> Option<String> {
    (!ids.is_empty()).then(|| format!("{label}: {}", ids.join(", ")))
}

fn period_words(period: &DatePeriod) -> String {
    match period {
        DatePeriod::Fixed { start, end } => format!(
            "from {} to {}",
            start.as_deref().unwrap_or("?"),
            end.as_deref().unwrap_or("?")
        ),
        other => serde_json::to_value(other)
            .ok()
            .and_then(|v| {
                v["period"]
                    .as_str()
                    .map(|p| p.to_lowercase().replace('_', " "))
            })
            .unwrap_or_default(),
    }
}

/// What a rule syncs, in lines of words (the selection of its kind and the main options).
fn describe_job(job: &RuleJob) -> Vec<String> {
    let mut lines = Vec::new();
    match job {
        RuleJob::Metadata { selection, options } => {
            lines.extend(ids(
                "objects",
                &selection
                    .objects
                    .iter()
                    .map(|o| o.id.clone())
                    .collect::<Vec<_>>(),
            ));
            lines.extend(ids("all objects of", &selection.all_of_types));
            if !selection.filters.is_empty() {
                lines.push(format!("filters: {}", selection.filters.len()));
            }
            lines.extend(ids("excluded", &selection.excluded_ids));
            if options.import.dry_run {
                lines.push("dry run".into());
            }
        }
        RuleJob::Aggregated { selection, options } => {
            lines.extend(ids("data sets", &selection.data_sets));
            lines.extend(ids("data element groups", &selection.data_element_groups));
            lines.extend(ids("data elements", &selection.data_elements));
            lines.extend(ids("indicators", &selection.indicators));
            lines.extend(ids("program indicators", &selection.program_indicators));
            lines.extend(ids("org units", &selection.org_unit_ids()));
            if selection.by_levels_or_groups() {
                // Levels and groups pick the units read within the chosen ones; "include
                // descendants" plays no part then.
                let levels: Vec<String> = selection
                    .org_unit_levels
                    .iter()
                    .map(u32::to_string)
                    .collect();
                lines.extend(ids("org unit levels", &levels));
                lines.extend(ids("org unit groups", &selection.org_unit_groups));
            } else if selection.include_descendants {
                lines.push("with the org units below them".into());
            }
            lines.push(format!("period: {}", period_words(&selection.period)));
            if let Some(since) = &selection.last_updated_since {
                lines.push(format!("values changed since {since}"));
            }
            if let AttributeOptions::Chosen { category_options } = &selection.attribute_options {
                lines.extend(ids("attribute options", category_options));
            }
            lines.push(format!("strategy: {}", options.strategy.as_param()));
            if let Some(aggregation) = &options.aggregation {
                lines.push(format!("aggregated {:?}", aggregation.aggregation_type).to_lowercase());
            }
            for (on, words) in [
                (options.dry_run, "dry run"),
                (
                    options.ignore_existing,
                    "values the destination has are not sent",
                ),
                (
                    options.delete_stale,
                    "values deleted at the origin are deleted",
                ),
            ] {
                if on {
                    lines.push(words.into());
                }
            }
        }
        RuleJob::Events { selection, options } => {
            lines.extend(ids("programs", &selection.programs));
            lines.extend(ids("org units", &selection.org_unit_ids()));
            if selection.include_children {
                lines.push("with the org units below them".into());
            }
            lines.push(format!("period: {}", period_words(&selection.period)));
            for (chosen, what) in [
                (&selection.events, "events"),
                (&selection.tracked_entities, "tracked entities"),
            ] {
                match chosen {
                    Chosen::All => lines.push(format!("all {what}")),
                    Chosen::Only { ids } => lines.push(format!("{what}: {}", ids.join(", "))),
                }
            }
            for (on, words) in [
                (options.new_uids, "new UIDs"),
                (options.exclude_geometry, "without coordinates"),
                (options.exclude_relationships, "without relationships"),
                (options.skip_side_effects, "without side effects"),
                (options.dry_run, "dry run"),
            ] {
                if on {
                    lines.push(words.into());
                }
            }
        }
    }
    lines
}
