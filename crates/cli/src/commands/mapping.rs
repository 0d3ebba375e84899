//! `mdsync mapping …`: preview a mapping on a payload offline, export and import the mapping
//! toward an instance (import takes MDSync's format too).

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand, ValueEnum};
use mdsync_core::dhis2::Transport;
use mdsync_core::mapping::mdsync_format::read_mdsync_mapping;
use mdsync_core::mapping::{
    import_mapping, load_mapping, parse_strict, save_imported, Applied, DataValueSet,
    ImportOutcome, Mapper, MappingContext, MappingStoreError,
};
use mdsync_core::model::Uid;
use serde_json::{Map, Value};

use crate::context::Context;
use crate::error::CliError;

#[derive(Debug, Subcommand)]
pub enum MappingCommand {
    /// Apply a mapping to a payload, offline, and print the mapped payload as JSON. What was
    /// left out is said on standard error.
    Apply(ApplyArgs),
    /// Write the mapping toward an instance (by name or id) to FILE (`-`: standard output).
    Export {
        #[arg(long)]
        instance: String,
        file: PathBuf,
    },
    /// Replace the mapping toward an instance with FILE: our format or MDSync's (its exported
    /// dictionary, or its dataStore entry `mappings-<id>`). `-` reads standard input.
    Import {
        #[arg(long)]
        instance: String,
        /// The file to import; leave out with --from-mdsync.
        #[arg(required_unless_present = "from_mdsync")]
        file: Option<PathBuf>,
        /// Read the mapping MDSync keeps in this DHIS2's dataStore for its instance with this
        /// id, instead of a file.
        #[arg(long, conflicts_with = "file")]
        from_mdsync: Option<String>,
        /// Replace the stored mapping even if it is damaged (it is never replaced silently).
        #[arg(long)]
        replace_damaged: bool,
    },
}

/// The payload kinds `apply` takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Kind {
    /// `{"dataValues": [...]}`
    Aggregated,
    /// `{"events": [...]}` (new tracker API)
    Events,
    /// `{"trackedEntities": [...]}` (new tracker API)
    TrackedEntities,
    /// `{"trackedEntities": [...]}` in, `{"events": [...]}` out
    TrackedEntitiesToEvents,
}

#[derive(Debug, Args)]
pub struct ApplyArgs {
    #[arg(long, value_enum)]
    pub kind: Kind,
    /// The mapping dictionary (JSON, MDSync's format).
    #[arg(long)]
    pub mapping: PathBuf,
    /// The mapping context (JSON, camelCase): option combos of both sides, default ids,
    /// destination program stages and programs, as the kind needs.
    #[arg(long)]
    pub context: Option<PathBuf>,
    /// Indent the output.
    #[arg(long)]
    pub pretty: bool,
    /// Tracker → event conversion: the timestamp written on the new events (default: now).
    #[arg(long)]
    pub now: Option<String>,
    /// The payload (JSON); `-` reads standard input.
    pub payload: PathBuf,
}

/// `mdsync mapping apply`: needs no config and no server.
pub fn apply(args: ApplyArgs, out: &mut impl Write) -> Result<(), CliError> {
    let (mapping, warnings) =
        parse_strict(&read_text(&args.mapping)?).map_err(|error| in_file(&args.mapping, error))?;
    for warning in warnings {
        eprintln!("mdsync: {}: {warning}", args.mapping.display());
    }
    let context: MappingContext = match &args.context {
        Some(path) => serde_json::from_str(&read_text(path)?)
            .map_err(|error| in_file(path, format!("not a mapping context: {error}")))?,
        None => MappingContext::default(),
    };
    let text = read_text(&args.payload)?;
    let mapper = Mapper::new(&mapping, &context);
    let (mapped, report) = match args.kind {
        Kind::Aggregated => {
            let set: DataValueSet = serde_json::from_str(&text).map_err(|error| {
                in_file(&args.payload, format!("not a data value set: {error}"))
            })?;
            let Applied { payload, report } = mapper.data_values(set);
            let value =
                serde_json::to_value(payload).map_err(|e| CliError::Failed(e.to_string()))?;
            (value, report)
        }
        kind => {
            let (key, mut object) = tracker_payload(kind, &text, &args.payload)?;
            let items = match object.remove(key) {
                Some(Value::Array(items)) => items,
                _ => Vec::new(),
            };
            let Applied { payload, report } = match kind {
                Kind::Events => mapper.events(items),
                Kind::TrackedEntities => mapper.tracked_entities(items),
                _ => {
                    let now = args.now.clone().unwrap_or_else(now_timestamp);
                    mapper.tracked_entities_to_events(items, &now, &mut Uid::generate)
                }
            };
            let out_key = if kind == Kind::TrackedEntitiesToEvents {
                "events"
            } else {
                key
            };
            object.insert(out_key.to_string(), Value::Array(payload));
            (Value::Object(object), report)
        }
    };
    let text = if args.pretty {
        serde_json::to_string_pretty(&mapped)
    } else {
        serde_json::to_string(&mapped)
    }
    .map_err(|error| CliError::Failed(error.to_string()))?;
    writeln!(out, "{text}")?;
    eprintln!("mdsync: mapped: {report}");
    Ok(())
}

/// The payload object and its top-level key for a tracker kind.
fn tracker_payload(
    kind: Kind,
    text: &str,
    path: &Path,
) -> Result<(&'static str, Map<String, Value>), CliError> {
    let key = match kind {
        Kind::Events => "events",
        _ => "trackedEntities",
    };
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(object)) if object.get(key).is_some_and(Value::is_array) => {
            Ok((key, object))
        }
        Ok(_) => Err(in_file(path, format!("expected {{\"{key}\": [...]}}"))),
        Err(error) => Err(in_file(path, format!("not JSON: {error}"))),
    }
}

pub async fn run<T: Transport>(
    command: MappingCommand,
    context: &Context<T>,
    out: &mut impl Write,
) -> Result<(), CliError> {
    match command {
        MappingCommand::Apply(args) => apply(args, out),
        MappingCommand::Export { instance, file } => export(context, &instance, &file, out).await,
        MappingCommand::Import {
            instance,
            file,
            from_mdsync,
            replace_damaged,
        } => {
            let id = context.resolve_instance(&instance).await?;
            let actor = context.instances.actor();
            let outcome = match (file, from_mdsync) {
                (_, Some(mdsync_id)) => {
                    let storage = &context.storage;
                    let read = read_mdsync_mapping(storage.client(), storage.server_version(), &mdsync_id)
                        .await
                        .map_err(|error| CliError::Usage(error.to_string()))?;
                    let Some((mapping, report)) = read else {
                        return Err(CliError::Usage(format!(
                            "MDSync keeps no mapping for its instance \"{mdsync_id}\" in this DHIS2's dataStore."
                        )));
                    };
                    save_imported(storage, actor, &id, mapping, report, replace_damaged).await
                }
                (Some(file), None) => {
                    let value: Value = serde_json::from_str(&read_text(&file)?)
                        .map_err(|error| in_file(&file, format!("not JSON: {error}")))?;
                    import_mapping(&context.storage, actor, &id, &value, replace_damaged).await
                }
                (None, None) => return Err(CliError::Usage("Give FILE or --from-mdsync.".into())),
            }
            .map_err(store_error)?;
            print_import(&instance, &outcome, out)
        }
    }
}

async fn export<T: Transport>(
    context: &Context<T>,
    instance: &str,
    file: &Path,
    out: &mut impl Write,
) -> Result<(), CliError> {
    let id = context.resolve_instance(instance).await?;
    let mapping = load_mapping(&context.storage, context.instances.actor(), &id)
        .await
        .map_err(store_error)?;
    let entries = mapping.as_ref().map_or(0, |mapping| mapping.len());
    let text = serde_json::to_string_pretty(&mapping.unwrap_or_default())
        .map_err(|error| CliError::Failed(error.to_string()))?;
    if file == Path::new("-") {
        writeln!(out, "{text}")?;
    } else {
        std::fs::write(file, format!("{text}\n")).map_err(|error| {
            CliError::Usage(format!("Cannot write {}: {error}", file.display()))
        })?;
        writeln!(
            out,
            "Wrote the mapping toward \"{instance}\" ({entries} entries) to {}.",
            file.display()
        )?;
    }
    Ok(())
}

fn print_import(
    instance: &str,
    outcome: &ImportOutcome,
    out: &mut impl Write,
) -> Result<(), CliError> {
    match outcome.replaced_entries {
        Some(count) => writeln!(
            out,
            "Replaced the mapping toward \"{instance}\" ({count} entries before)."
        )?,
        None => writeln!(out, "Saved the mapping toward \"{instance}\".")?,
    }
    write!(out, "{}", outcome.report)?;
    Ok(())
}

fn store_error(error: MappingStoreError) -> CliError {
    match error {
        MappingStoreError::Storage(error) => CliError::Storage(error),
        other => CliError::Usage(other.to_string()),
    }
}

fn in_file(path: &Path, error: impl std::fmt::Display) -> CliError {
    CliError::Usage(format!("{}: {error}", path.display()))
}

/// A file's text; `-` is standard input.
fn read_text(path: &Path) -> Result<String, CliError> {
    if path == Path::new("-") {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text)?;
        return Ok(text);
    }
    std::fs::read_to_string(path)
        .map_err(|error| CliError::Usage(format!("Cannot read {}: {error}", path.display())))
}

/// The current UTC time as DHIS2 writes timestamps (`YYYY-MM-DDTHH:MM:SS.000`).
fn now_timestamp() -> String {
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
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.000",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}
