//! What the CLI's end-to-end tests share: simulated DHIS2 servers on loopback ports and a
//! temporary folder for config files. Each test file uses part of it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::mpsc;
use std::sync::Arc;

use dhis2_sim::{DemoSide, InstanceConfig, Seed, Sim, SimVersion};

/// `admin:district`, as a Basic authorization header value.
pub const ADMIN_BASIC: &str = "Basic YWRtaW46ZGlzdHJpY3Q=";

/// Runs the built `mdsync` with `config` and `args`.
pub fn mdsync(config: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mdsync"))
        .env("MDSYNC_CONFIG", config)
        .args(args)
        .output()
        .expect("mdsync runs")
}

/// What a run printed, standard output then standard error.
pub fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// A simulator seeded with one side of the demo.
pub fn demo_server(name: &str, version: &str, side: DemoSide) -> SimServer {
    let mut config = InstanceConfig::new(name, version.parse::<SimVersion>().expect("version"));
    config.seed = Seed::Demo(side);
    SimServer::start_with(config)
}

/// A config in `dir` with `local` as this instance (as admin) and `remote` added as the
/// instance `name`.
pub fn configure(dir: &TempDir, local: &SimServer, name: &str, remote: &SimServer) -> PathBuf {
    let key = mdsync_core::crypto::generate_key_string().expect("key");
    let config = dir.write(
        "mdsync.toml",
        &format!(
            "encryption_key = \"{key}\"\n\n[local]\nurl = \"{}\"\nusername = \"admin\"\npassword = \"district\"\n",
            local.url
        ),
    );
    let add = mdsync(
        &config,
        &[
            "instances",
            "add",
            "--name",
            name,
            "--url",
            &remote.url,
            "--username",
            "admin",
            "--password",
            "district",
        ],
    );
    assert!(add.status.success(), "{}", text(&add));
    config
}

/// A simulated instance served on 127.0.0.1 (port 0) from its own thread; stopped on drop.
pub struct SimServer {
    pub url: String,
    pub sim: Arc<Sim>,
    stop: Option<mpsc::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl SimServer {
    /// An empty instance `name` of `version`.
    pub fn start(name: &str, version: &str) -> SimServer {
        let version: SimVersion = version.parse().expect("version");
        SimServer::start_with(InstanceConfig::new(name, version))
    }

    /// An instance as `config` says (seed, title …).
    pub fn start_with(mut config: InstanceConfig) -> SimServer {
        // Routes (the credential store on 2.40+) reach the other servers over loopback HTTP,
        // as `dhis2-sim serve` does.
        config.route_upstream = Some(Arc::new(dhis2_sim::routes::LoopbackHttp));
        let (ready_tx, ready_rx) = mpsc::channel();
        let (stop_tx, stop_rx) = mpsc::channel::<()>();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async move {
                let running = dhis2_sim::server::start_instance(config, 0)
                    .await
                    .expect("bind 127.0.0.1:0");
                ready_tx
                    .send((running.url(), Arc::clone(&running.sim)))
                    .expect("ready");
                // Serve until the test drops the server.
                while stop_rx.try_recv().is_err() {
                    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                }
                running.stop();
            });
        });
        let (url, sim) = ready_rx.recv().expect("server started");
        SimServer {
            url,
            sim,
            stop: Some(stop_tx),
            thread: Some(thread),
        }
    }
}

impl Drop for SimServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(label: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!(
            "mdsync-cli-{label}-{}-{}",
            std::process::id(),
            mdsync_core::model::Uid::generate()
        ));
        std::fs::create_dir_all(&dir).expect("temp dir");
        TempDir(dir)
    }

    pub fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, text).expect("write");
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
