//! `cargo xtask demo`: the app installed in a simulated DHIS2 pair, ready to click through.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use crate::dist;
use crate::error::{Result, XtaskError};
use crate::setup;
use crate::sim::{self, RunningSim, APP_KEY, PASSWORD};
use crate::workspace::Workspace;

#[derive(Debug, clap::Args)]
pub struct DemoArgs {
    /// DHIS2 version of the source instance (where the app is installed).
    #[arg(long, default_value = "2.38")]
    pub source_version: String,
    /// DHIS2 version of the destination instance.
    #[arg(long, default_value = "2.41")]
    pub dest_version: String,
    #[arg(long, default_value_t = 8080)]
    pub source_port: u16,
    #[arg(long, default_value_t = 8081)]
    pub dest_port: u16,
    /// The deployment's credential encryption key (base64, 32 bytes); generated when absent.
    #[arg(long, env = "MDSYNC_ENCRYPTION_KEY", hide_env_values = true)]
    pub encryption_key: Option<String>,
    /// Skip `cargo xtask setup` (when the toolchain is known to be installed).
    #[arg(long)]
    pub skip_setup: bool,
    /// Install the zip the last `cargo xtask dist` wrote instead of building a new one.
    #[arg(long)]
    pub skip_dist: bool,
}

const DEMO_USERS: &[(&str, &str)] = &[
    ("admin", "everything (authority ALL)"),
    (
        "configurator",
        "METADATA_SYNC_CONFIGURATOR: instances, mappings, syncs, rules",
    ),
    (
        "configurateur",
        "METADATA_SYNC_CONFIGURATOR, interface in French (keyUiLocale fr)",
    ),
    (
        "configurador",
        "METADATA_SYNC_CONFIGURATOR, interface in Portuguese (keyUiLocale pt)",
    ),
    (
        "executor",
        "METADATA_SYNC_EXECUTOR: runs shared rules, reads history",
    ),
    ("guest", "no app role: sees which role to ask for"),
    (
        "outsider",
        "no access to the app at all: DHIS2 refuses to serve it",
    ),
];

pub fn demo(workspace: &Workspace, args: DemoArgs) -> Result<()> {
    if !args.skip_setup {
        setup::setup(workspace)?;
    }
    let zip = if args.skip_dist {
        let zip = workspace.zip_path();
        if !zip.is_file() {
            return Err(XtaskError::MissingBuild(zip));
        }
        zip
    } else {
        dist::dist(workspace, args.encryption_key.clone())?.zip
    };
    let binary = sim::build_binary(workspace, "tool")?;

    let source = format!("http://127.0.0.1:{}", args.source_port);
    let source_localhost = format!("http://localhost:{}", args.source_port);
    let sim_args: Vec<String> = vec![
        "serve".into(),
        "--instance".into(),
        format!("source={}@{}", args.source_version, args.source_port),
        "--instance".into(),
        format!("dest={}@{}", args.dest_version, args.dest_port),
        "--seed".into(),
        "demo".into(),
        "--cors".into(),
        format!("dest={source}"),
        "--cors".into(),
        format!("dest={source_localhost}"),
    ];
    let mut running = RunningSim::start(&binary, &sim_args, &["source", "dest"])?;
    let source_url = running.url_of("source").unwrap_or(&source).to_owned();
    let dest_url = running
        .url_of("dest")
        .map(str::to_owned)
        .unwrap_or_else(|| format!("http://127.0.0.1:{}", args.dest_port));
    sim::install_app(&source_url, &zip)?;

    let stop = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&stop);
    ctrlc::set_handler(move || flag.store(true, Ordering::SeqCst))?;

    println!();
    println!("MetaData Sync demo is running.");
    println!(
        "  app:         {source_url}/api/apps/{APP_KEY}/index.html   (DHIS2 {})",
        args.source_version
    );
    println!("  login page:  {source_url}/dhis-web-commons/security/login.action");
    println!(
        "  destination: {dest_url}   (DHIS2 {}, allows the app's origin)",
        args.dest_version
    );
    println!("  logins (password `{PASSWORD}` for all):");
    for (user, what) in DEMO_USERS {
        println!("    {user:<13} {what}");
    }
    println!("Press Ctrl-C to stop.");

    while !stop.load(Ordering::SeqCst) {
        if let Some(status) = running.exited() {
            return Err(XtaskError::SimExited(status));
        }
        thread::sleep(Duration::from_millis(200));
    }
    println!("stopping the simulator");
    running.stop();
    Ok(())
}
