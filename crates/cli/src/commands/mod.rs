//! The commands. One module per command group; to add one, add a variant to [`Command`] and an
//! arm to [`run`].

pub mod history;
pub mod instances;
pub mod key;
pub mod mapping;
pub mod migrate;
pub mod rules;
pub mod scheduler;
pub mod sync;
pub mod sync_aggregated;
pub mod sync_common;
pub mod sync_events;
pub mod sync_resume;

use std::io::Write;
use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::config::Config;
use crate::context::Context;
use crate::error::CliError;

#[derive(Debug, Parser)]
#[command(
    name = "mdsync",
    version,
    about = "MetaData Sync: copy DHIS2 metadata between instances"
)]
pub struct Cli {
    /// The config file (TOML: `encryption_key` and a `[local]` instance). Default: ./mdsync.toml
    #[arg(long, short = 'c', env = "MDSYNC_CONFIG", global = true)]
    pub config: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List, add, test and remove the DHIS2 instances MetaData Sync syncs between.
    #[command(subcommand)]
    Instances(instances::InstancesCommand),
    /// Encryption keys for the app and this CLI.
    #[command(subcommand)]
    Key(key::KeyCommand),
    /// Preview a mapping on a payload offline; export and import the mapping toward an
    /// instance (MDSync's format too).
    #[command(subcommand)]
    Mapping(mapping::MappingCommand),
    /// Upgrade MetaData Sync's stored data to this version's layout.
    Migrate,
    /// Run a sync now (metadata), from this instance or another one to one or more targets.
    #[command(subcommand)]
    Sync(sync::SyncCommand),
    /// List, show, run, export, import, enable and disable saved rules.
    #[command(subcommand)]
    Rules(rules::RulesCommand),
    /// The record of every run: list, show, prune.
    #[command(subcommand)]
    History(history::HistoryCommand),
    /// Run the enabled rules on their schedules until stopped (SIGTERM, Ctrl-C).
    Scheduler(scheduler::SchedulerArgs),
}

/// Runs a parsed command line, writing its output to `out`.
pub async fn run(cli: Cli, out: &mut impl Write) -> Result<(), CliError> {
    match cli.command {
        Command::Key(command) => key::run(command, out),
        // Offline: no config, no server.
        Command::Mapping(mapping::MappingCommand::Apply(args)) => mapping::apply(args, out),
        command => {
            let config = Config::load(cli.config.as_deref())?;
            let context = Context::open(&config).await?;
            run_with(command, &context, out).await
        }
    }
}

/// Runs a command that needs the local instance, through an already opened context.
pub async fn run_with<T: mdsync_core::dhis2::Transport>(
    command: Command,
    context: &Context<T>,
    out: &mut impl Write,
) -> Result<(), CliError> {
    match command {
        Command::Instances(command) => instances::run(command, context, out).await,
        Command::Mapping(command) => mapping::run(command, context, out).await,
        Command::Migrate => migrate::run(context, out).await,
        Command::Sync(command) => sync::run(command, context, out).await,
        Command::Rules(command) => rules::run(command, context, out).await,
        Command::History(command) => history::run(command, context, out).await,
        Command::Scheduler(args) => scheduler::run(args, context, out).await,
        Command::Key(command) => key::run(command, out),
    }
}
