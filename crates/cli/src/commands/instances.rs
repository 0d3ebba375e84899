use std::io::Write;

use clap::{Args, Subcommand};
use mdsync_core::access::Operation;
use mdsync_core::dhis2::retry::RequestTimeouts;
use mdsync_core::dhis2::Transport;
use mdsync_core::instances::{CredentialStore, InstanceError, InstanceForm, SetTimeoutsError};
use mdsync_core::model::{AuthKind, InstanceView, Sharing};
use mdsync_core::storage::InstanceSecret;

use crate::context::Context;
use crate::error::CliError;

#[derive(Debug, Subcommand)]
pub enum InstancesCommand {
    /// List the instances ("This instance" first). Secrets are never shown.
    List {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Add a remote instance.
    Add(AddArgs),
    /// Test the connection to an instance (by name or id).
    Test { instance: String },
    /// Remove an instance (by name or id), with its stored credentials and mapping.
    Remove { instance: String },
    /// Move an instance's credential into a DHIS2 route of this server (2.40+), or back into
    /// MetaData Sync's encrypted storage (DHIS2 never gives a route's credential back, so moving
    /// back asks for the password or token again: --password/--token, `-` reads standard input).
    Move(MoveArgs),
    /// Show or set an instance's request time limits (e.g. under a proxy that cuts requests at
    /// 60 s); every sync that reaches the instance uses them.
    Timeouts(TimeoutsArgs),
}

#[derive(Debug, Args)]
pub struct TimeoutsArgs {
    /// The instance (name or id).
    pub instance: String,
    /// Seconds until the connection is open.
    #[arg(long)]
    pub connect: Option<u64>,
    /// Seconds until the whole answer has arrived.
    #[arg(long)]
    pub total: Option<u64>,
    /// Back to the defaults (connect 30 s, total 180 s).
    #[arg(long, conflicts_with_all = ["connect", "total"])]
    pub reset: bool,
}

/// Where `instances add` keeps the credential.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum StoreArg {
    /// A DHIS2 route where this server has routes (2.40+), else the encrypted dataStore.
    Auto,
    /// A DHIS2 route; refused on servers before 2.40.
    Route,
    /// MetaData Sync's encrypted dataStore entry.
    Datastore,
}

impl StoreArg {
    fn store(self) -> CredentialStore {
        match self {
            StoreArg::Auto => CredentialStore::Automatic,
            StoreArg::Route => CredentialStore::Route,
            StoreArg::Datastore => CredentialStore::DataStore,
        }
    }
}

#[derive(Debug, Args)]
pub struct MoveArgs {
    /// The instance (name or id).
    pub instance: String,
    /// `route` or `datastore`.
    #[arg(long, value_enum)]
    pub to: StoreArg,
    /// The password, when moving to the dataStore (`-`: standard input).
    #[arg(long, conflicts_with = "token")]
    pub password: Option<String>,
    /// The token, when moving to the dataStore (`-`: standard input).
    #[arg(long)]
    pub token: Option<String>,
}

#[derive(Debug, Args)]
pub struct AddArgs {
    #[arg(long)]
    pub name: String,
    /// The root URL of the DHIS2 instance (a pasted /api or app page suffix is removed).
    #[arg(long)]
    pub url: String,
    #[arg(long, default_value = "")]
    pub description: String,
    /// Account for Basic auth (with --password).
    #[arg(long, requires = "password")]
    pub username: Option<String>,
    /// The password; `-` reads it from the first line of standard input (keeps it out of the
    /// process list and shell history).
    #[arg(long, conflicts_with = "token", requires = "username")]
    pub password: Option<String>,
    /// A DHIS2 personal access token (DHIS2 2.37+), instead of username and password; `-` reads
    /// it from standard input.
    #[arg(long, conflicts_with_all = ["username", "password"])]
    pub token: Option<String>,
    /// Access of all users to the instance, as a DHIS2 access string (r------- = may use it).
    #[arg(long, default_value = Sharing::PRIVATE)]
    pub public_access: String,
    /// Where the credential is kept.
    #[arg(long, value_enum, default_value = "auto")]
    pub store: StoreArg,
}

pub async fn run<T: Transport>(
    command: InstancesCommand,
    context: &Context<T>,
    out: &mut impl Write,
) -> Result<(), CliError> {
    match command {
        InstancesCommand::List { json } => list(context, json, out).await,
        InstancesCommand::Add(args) => add(context, args, out).await,
        InstancesCommand::Move(args) => move_credential(context, args, out).await,
        InstancesCommand::Test { instance } => test(context, &instance, out).await,
        InstancesCommand::Remove { instance } => remove(context, &instance, out).await,
        InstancesCommand::Timeouts(args) => timeouts(context, args, out).await,
    }
}

async fn timeouts<T: Transport>(
    context: &Context<T>,
    args: TimeoutsArgs,
    out: &mut impl Write,
) -> Result<(), CliError> {
    let id = context.resolve_instance(&args.instance).await?;
    let current = context.instances.timeouts(&context.storage, &id).await?;
    let wanted = if args.reset {
        Some(None)
    } else if args.connect.is_some() || args.total.is_some() {
        Some(Some(RequestTimeouts {
            connect_seconds: args.connect.unwrap_or(current.connect_seconds),
            total_seconds: args.total.unwrap_or(current.total_seconds),
        }))
    } else {
        None
    };
    let shown = match wanted {
        None => current,
        Some(timeouts) => context
            .instances
            .set_timeouts(&context.storage, &id, timeouts)
            .await
            .map_err(|error| match error {
                SetTimeoutsError::Invalid(problem) => CliError::Usage(problem.to_string()),
                SetTimeoutsError::Instance(error) => CliError::Instance(error),
            })?,
    };
    writeln!(
        out,
        "{}: connect {} s, total {} s",
        args.instance.trim(),
        shown.connect_seconds,
        shown.total_seconds
    )?;
    Ok(())
}

async fn list<T: Transport>(
    context: &Context<T>,
    json: bool,
    out: &mut impl Write,
) -> Result<(), CliError> {
    if context
        .instances
        .actor()
        .authorize(Operation::ListInstances)
        .is_err()
    {
        // Run-only users see the names of the instances shared with them, nothing more.
        let names = context.instances.list_names(&context.storage).await?;
        if json {
            let text = serde_json::to_string_pretty(&names)
                .map_err(|error| CliError::Failed(error.to_string()))?;
            writeln!(out, "{text}")?;
        } else {
            for name in names {
                writeln!(out, "{}  {}", name.id, name.name)?;
            }
        }
        return Ok(());
    }
    let views = context.instances.list(&context.storage).await?;
    if json {
        let text = serde_json::to_string_pretty(&views)
            .map_err(|error| CliError::Failed(error.to_string()))?;
        writeln!(out, "{text}")?;
        return Ok(());
    }
    let rows: Vec<[String; 6]> = views.iter().map(row).collect();
    let header = ["ID", "NAME", "URL", "AUTH", "VERSION", "SECRET"].map(str::to_string);
    let widths: Vec<usize> = (0..6)
        .map(|column| {
            rows.iter()
                .chain(std::iter::once(&header))
                .map(|row| row[column].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    for line in std::iter::once(&header).chain(rows.iter()) {
        let cells: Vec<String> = line
            .iter()
            .zip(&widths)
            .map(|(cell, width)| format!("{cell:<width$}"))
            .collect();
        writeln!(out, "{}", cells.join("  ").trim_end())?;
    }
    Ok(())
}

fn row(view: &InstanceView) -> [String; 6] {
    let auth = match (view.is_local, view.auth_kind, &view.username) {
        (true, _, _) => "this config".to_string(),
        (false, AuthKind::Token, _) => "token".to_string(),
        (false, AuthKind::Basic, Some(username)) => format!("basic ({username})"),
        (false, AuthKind::Basic, None) => "basic".to_string(),
    };
    let secret = match (view.is_local, view.has_secret) {
        (true, _) => "-",
        (false, true) => "stored",
        (false, false) => "missing",
    };
    [
        view.id.clone(),
        view.name.clone(),
        view.url.clone(),
        auth,
        view.version
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_else(|| "?".into()),
        secret.to_string(),
    ]
}

async fn add<T: Transport>(
    context: &Context<T>,
    args: AddArgs,
    out: &mut impl Write,
) -> Result<(), CliError> {
    let (auth_kind, username, secret) = match (
        args.token.map(read_if_dash).transpose()?,
        args.password.map(read_if_dash).transpose()?,
    ) {
        (Some(token), _) => (AuthKind::Token, String::new(), token),
        (None, Some(password)) => (AuthKind::Basic, args.username.unwrap_or_default(), password),
        (None, None) => {
            return Err(CliError::Usage(
                "Give --username and --password, or --token.".into(),
            ))
        }
    };
    let form = InstanceForm {
        name: args.name,
        url: args.url,
        description: args.description,
        auth_kind,
        username,
        secret,
        sharing: Sharing {
            public_access: args.public_access,
            ..Sharing::default()
        },
    };
    let saved = match context
        .instances
        .create_with(&context.storage, &form, args.store.store())
        .await
    {
        Ok(saved) => saved,
        Err(InstanceError::Invalid(errors)) => {
            let lines: Vec<String> = errors
                .errors
                .iter()
                .map(|error| format!("  --{}: {}", flag_of(error.field), error.problem))
                .collect();
            return Err(CliError::Usage(format!(
                "The instance was not added:\n{}",
                lines.join("\n")
            )));
        }
        Err(error) => return Err(error.into()),
    };
    writeln!(
        out,
        "Added instance \"{}\" ({}) at {}.",
        saved.view.name, saved.view.id, saved.view.url
    )?;
    for warning in &saved.warnings {
        writeln!(out, "Warning: {warning}")?;
    }
    Ok(())
}

/// `-` means: read the secret from the first line of standard input.
fn read_if_dash(value: String) -> Result<String, CliError> {
    if value != "-" {
        return Ok(value);
    }
    let mut line = String::new();
    std::io::stdin().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

fn flag_of(field: mdsync_core::instances::FormField) -> &'static str {
    use mdsync_core::instances::FormField;
    match field {
        FormField::Name => "name",
        FormField::Url => "url",
        FormField::AuthKind => "token",
        FormField::Username => "username",
        FormField::Secret => "password/--token",
        FormField::Sharing => "public-access",
    }
}

async fn test<T: Transport>(
    context: &Context<T>,
    wanted: &str,
    out: &mut impl Write,
) -> Result<(), CliError> {
    let id = context.resolve_instance(wanted).await?;
    let diagnosis = context
        .instances
        .test_saved(&context.storage, &id, None)
        .await?;
    writeln!(out, "{}", diagnosis.message())?;
    if diagnosis.is_success() {
        Ok(())
    } else {
        Err(CliError::Failed(diagnosis.message()))
    }
}

async fn remove<T: Transport>(
    context: &Context<T>,
    wanted: &str,
    out: &mut impl Write,
) -> Result<(), CliError> {
    let id = context.resolve_instance(wanted).await?;
    context.instances.delete(&context.storage, &id).await?;
    writeln!(out, "Removed instance \"{wanted}\" ({id}).")?;
    Ok(())
}

async fn move_credential<T: Transport>(
    context: &Context<T>,
    args: MoveArgs,
    out: &mut impl Write,
) -> Result<(), CliError> {
    let id = context.resolve_instance(&args.instance).await?;
    match args.to {
        StoreArg::Route => {
            context
                .instances
                .move_to_route(&context.storage, &id)
                .await?;
            writeln!(
                out,
                "The credential of \"{}\" is now kept in a DHIS2 route.",
                args.instance
            )?;
        }
        StoreArg::Datastore | StoreArg::Auto => {
            let secret =
                match (
                    args.token.map(read_if_dash).transpose()?,
                    args.password.map(read_if_dash).transpose()?,
                ) {
                    (Some(token), _) => InstanceSecret::Token(token),
                    (None, Some(password)) => InstanceSecret::Password(password),
                    (None, None) => return Err(CliError::Usage(
                        "DHIS2 never gives a route's credential back: give --password or --token."
                            .into(),
                    )),
                };
            context
                .instances
                .move_to_datastore(&context.storage, &id, &secret)
                .await?;
            writeln!(
                out,
                "The credential of \"{}\" is now kept encrypted by MetaData Sync.",
                args.instance
            )?;
        }
    }
    Ok(())
}
