//! What the CLI's end-to-end tests share: simulated DHIS2 servers on loopback ports and a
//! temporary folder for config files. Each test file uses part of it.
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::mpsc;
use std::sync::Arc;

use dhis2_sim::{InstanceConfig, Sim, SimVersion};

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
