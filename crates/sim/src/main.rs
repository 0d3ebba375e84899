//! `dhis2-sim serve --instance NAME=VERSION@PORT [--instance …] [--seed empty|demo]
//! [--title NAME=TITLE] [--cors NAME=ORIGIN] [--route-allow NAME=GLOB]`

use clap::{Parser, Subcommand};
use dhis2_sim::routes::LoopbackHttp;
use dhis2_sim::server::{bind, serve_on};
use dhis2_sim::{DemoSide, InstanceConfig, Seed, Sim, SimVersion};
use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;

#[derive(Parser)]
#[command(
    name = "dhis2-sim",
    version,
    about = "A simulated DHIS2 (2.30 … 2.42) for tests and demos"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve one or more instances on 127.0.0.1, printing `ready NAME VERSION URL` for each.
    Serve {
        /// NAME=VERSION@PORT, e.g. `source=2.38@8080` (port 0 picks a free one). Repeatable.
        #[arg(long = "instance", required = true)]
        instances: Vec<String>,
        /// `empty`, or `demo`: the first instance gets the demo source data, the others the
        /// demo destination data.
        #[arg(long, default_value = "empty")]
        seed: String,
        /// NAME=TITLE: the application title of an instance (default: from its name).
        #[arg(long = "title")]
        titles: Vec<String>,
        /// NAME=ORIGIN: an origin the instance's CORS allowlist accepts (globs allowed). Repeatable.
        #[arg(long = "cors")]
        cors: Vec<String>,
        /// NAME=GLOB: an origin the instance's routes may reach (dhis.conf
        /// `route.remote_servers_allowed`, checked from 2.42; default `https://*`), e.g.
        /// `destination=http://127.0.0.1:*`. Repeatable; replaces the default.
        #[arg(long = "route-allow")]
        route_allow: Vec<String>,
    },
}

#[derive(Debug, thiserror::Error)]
enum CliError {
    #[error("`--instance {0}` is not NAME=VERSION@PORT (e.g. source=2.38@8080)")]
    InstanceSyntax(String),
    #[error("`--{flag} {value}` is not NAME=VALUE (e.g. source=...)")]
    PairSyntax { flag: &'static str, value: String },
    #[error("`--{flag}` names instance `{0}`, which no `--instance` defines", flag = .1)]
    UnknownInstance(String, &'static str),
    #[error("`--seed {0}` is unknown; use `empty` or `demo`")]
    Seed(String),
    #[error(transparent)]
    Version(#[from] dhis2_sim::version::SimVersionError),
    #[error("cannot listen on 127.0.0.1:{port} for `{name}`: {source}; pick another port or stop what uses it")]
    Bind {
        name: String,
        port: u16,
        source: std::io::Error,
    },
    #[error("building instance `{0}` failed: {1}")]
    Build(String, String),
    #[error("cannot start the async runtime: {0}")]
    Runtime(std::io::Error),
}

struct InstanceSpec {
    name: String,
    /// The version as given on the command line (echoed in the `ready` line).
    version_text: String,
    version: SimVersion,
    port: u16,
}

fn parse_instance(text: &str) -> Result<InstanceSpec, CliError> {
    let error = || CliError::InstanceSyntax(text.to_string());
    let (name, rest) = text.split_once('=').ok_or_else(error)?;
    let (version, port) = rest.split_once('@').ok_or_else(error)?;
    if name.trim().is_empty() {
        return Err(error());
    }
    Ok(InstanceSpec {
        name: name.trim().to_string(),
        version_text: version.trim().to_string(),
        version: version.parse()?,
        port: port.trim().parse().map_err(|_| error())?,
    })
}

fn parse_pairs(
    flag: &'static str,
    values: &[String],
    names: &[String],
) -> Result<Vec<(String, String)>, CliError> {
    values
        .iter()
        .map(|value| {
            let (name, rest) = value.split_once('=').ok_or(CliError::PairSyntax {
                flag,
                value: value.clone(),
            })?;
            if !names.iter().any(|n| n == name) {
                return Err(CliError::UnknownInstance(name.to_string(), flag));
            }
            Ok((name.to_string(), rest.to_string()))
        })
        .collect()
}

async fn serve(
    instances: Vec<String>,
    seed: String,
    titles: Vec<String>,
    cors: Vec<String>,
    route_allow: Vec<String>,
) -> Result<(), CliError> {
    let specs = instances
        .iter()
        .map(|text| parse_instance(text))
        .collect::<Result<Vec<_>, _>>()?;
    let names: Vec<String> = specs.iter().map(|s| s.name.clone()).collect();
    let titles = parse_pairs("title", &titles, &names)?;
    let cors = parse_pairs("cors", &cors, &names)?;
    let route_allow = parse_pairs("route-allow", &route_allow, &names)?;
    let demo = match seed.trim().to_ascii_lowercase().as_str() {
        "empty" => false,
        "demo" => true,
        _ => return Err(CliError::Seed(seed)),
    };
    // Bind every port first (a taken port fails fast), then build the instances in parallel:
    // seeding the demo data is the slow part.
    let mut pending = Vec::new();
    for (index, spec) in specs.into_iter().enumerate() {
        let listener = bind(spec.port).await.map_err(|source| CliError::Bind {
            name: spec.name.clone(),
            port: spec.port,
            source,
        })?;
        let address = listener.local_addr().map_err(|source| CliError::Bind {
            name: spec.name.clone(),
            port: spec.port,
            source,
        })?;
        let seed = match (demo, index) {
            (false, _) => Seed::Empty,
            (true, 0) => Seed::Demo(DemoSide::Source),
            (true, _) => Seed::Demo(DemoSide::Destination),
        };
        let config = InstanceConfig {
            seed,
            base_url: format!("http://{address}"),
            cors_whitelist: cors
                .iter()
                .filter(|(name, _)| *name == spec.name)
                .map(|(_, origin)| origin.clone())
                .collect(),
            // Route runs go over HTTP, to this machine only.
            route_upstream: Some(Arc::new(LoopbackHttp)),
            ..InstanceConfig::new(&spec.name, spec.version)
        };
        let globs: Vec<String> = route_allow
            .iter()
            .filter(|(name, _)| *name == spec.name)
            .map(|(_, glob)| glob.clone())
            .collect();
        let config = match globs.is_empty() {
            true => config,
            false => InstanceConfig {
                route_remote_servers_allowed: globs,
                ..config
            },
        };
        let building = tokio::task::spawn_blocking(move || Sim::new(config));
        pending.push((spec, listener, building));
    }
    let mut running = Vec::new();
    for (spec, listener, building) in pending {
        let sim = Arc::new(
            building
                .await
                .map_err(|e| CliError::Build(spec.name.clone(), e.to_string()))?,
        );
        if let Some((_, title)) = titles.iter().find(|(name, _)| *name == spec.name) {
            sim.set_application_title(title);
        }
        let instance = serve_on(listener, sim).map_err(|source| CliError::Bind {
            name: spec.name.clone(),
            port: spec.port,
            source,
        })?;
        println!(
            "ready {} {} {}",
            spec.name,
            spec.version_text,
            instance.url()
        );
        let _ = std::io::stdout().flush();
        running.push(instance);
    }
    // Serve until the process is stopped.
    std::future::pending::<()>().await;
    drop(running);
    Ok(())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let Command::Serve {
        instances,
        seed,
        titles,
        cors,
        route_allow,
    } = cli.command;
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("dhis2-sim: {}", CliError::Runtime(error));
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(serve(instances, seed, titles, cors, route_allow)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("dhis2-sim: {error}");
            ExitCode::FAILURE
        }
    }
}
