//! `cargo xtask setup|dist|demo|test|bench` — the project's build, demo and CI entry points.

mod bench;
mod cmd;
mod demo;
mod dist;
mod error;
mod http;
mod manifest;
mod setup;
mod sim;
mod test;
mod toolchain;
mod web_build;
mod workspace;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::error::Result;
use crate::workspace::Workspace;

#[derive(Debug, Parser)]
#[command(
    name = "cargo xtask",
    about = "MetaData Sync build tasks: setup, dist, demo, test, bench"
)]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

#[derive(Debug, Subcommand)]
enum Task {
    /// Install the toolchain: wasm32 target, trunk, wasm-bindgen-cli, npm packages, Chromium.
    Setup,
    /// Release build and `dist/metadata-sync-<version>.zip` for DHIS2's App Management.
    Dist {
        /// The deployment's credential encryption key (base64, 32 bytes); generated when absent.
        #[arg(long, env = "MDSYNC_ENCRYPTION_KEY", hide_env_values = true)]
        encryption_key: Option<String>,
    },
    /// Run the app in a simulated DHIS2 pair (source 2.38, destination 2.41) until Ctrl-C.
    Demo(demo::DemoArgs),
    /// Format, clippy (native and wasm32), native, browser and end-to-end tests, release build.
    Test(test::TestArgs),
    /// Print the bundle sizes against the budget, and the other benchmarks.
    Bench(bench::BenchArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    workspace::prepare_environment(&workspace::repository_root());
    match run(cli.task) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

fn run(task: Task) -> Result<bool> {
    let workspace = Workspace::load()?;
    match task {
        Task::Setup => setup::setup(&workspace)?,
        Task::Dist { encryption_key } => {
            dist::dist(&workspace, encryption_key)?;
        }
        Task::Demo(args) => demo::demo(&workspace, args)?,
        Task::Test(args) => return test::test(&workspace, &args),
        Task::Bench(args) => bench::bench(&workspace, &args)?,
    }
    Ok(true)
}
