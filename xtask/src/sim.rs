//! Building and running `dhis2-sim serve`, and installing the app zip into one of its instances.

use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::cmd;
use crate::error::{IoContext, Result, XtaskError};
use crate::http::MultipartUpload;
use crate::workspace::Workspace;

pub const ADMIN_USER: &str = "admin";
pub const PASSWORD: &str = "district";
/// The app's key on DHIS2 2.35+ (from `short_name`).
pub const APP_KEY: &str = "metadata-sync";

/// Builds the `dhis2-sim` binary with the given cargo profile and returns its path, as cargo
/// reports it (so CARGO_TARGET_DIR and profiles are handled by cargo, not guessed).
pub fn build_binary(workspace: &Workspace, profile: &str) -> Result<PathBuf> {
    let mut command = Command::new("cargo");
    command.current_dir(&workspace.root).args([
        "build",
        "--locked",
        "--profile",
        profile,
        "-p",
        "dhis2-sim",
        "--bin",
        "dhis2-sim",
        "--message-format=json-render-diagnostics",
    ]);
    println!("$ {}", cmd::describe(&command));
    let text = cmd::output(&mut command)?;
    text.lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|message| message["reason"] == "compiler-artifact")
        .find_map(|message| message["executable"].as_str().map(PathBuf::from))
        .ok_or_else(|| XtaskError::UnexpectedOutput {
            command: cmd::describe(&command),
            detail: "cargo named no dhis2-sim executable".into(),
        })
}

/// One instance the simulator announced with `ready NAME VERSION URL`.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadyInstance {
    pub name: String,
    pub version: String,
    pub url: String,
}

fn parse_ready(line: &str) -> Option<ReadyInstance> {
    let mut words = line.split_whitespace();
    if words.next()? != "ready" {
        return None;
    }
    let instance = ReadyInstance {
        name: words.next()?.to_owned(),
        version: words.next()?.to_owned(),
        url: words.next()?.trim_end_matches('/').to_owned(),
    };
    Some(instance)
}

/// A running `dhis2-sim serve`; killed when dropped.
pub struct RunningSim {
    child: Child,
    pub instances: Vec<ReadyInstance>,
}

impl RunningSim {
    /// Starts the simulator and waits until every instance in `expected` said `ready`.
    /// Its output is echoed with a `[sim]` prefix for as long as it runs.
    pub fn start(binary: &Path, args: &[String], expected: &[&str]) -> Result<Self> {
        let mut command = Command::new(binary);
        command
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        println!("$ {}", cmd::describe(&command));
        let mut child = command.spawn().map_err(|source| XtaskError::Spawn {
            program: binary.display().to_string(),
            source,
        })?;
        let Some(stdout) = child.stdout.take() else {
            let _ = child.kill();
            return Err(XtaskError::SimNotReady(
                "its output could not be read".into(),
            ));
        };
        let (lines, received) = mpsc::channel();
        thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(|line| line.ok()) {
                println!("[sim] {line}");
                if lines.send(line).is_err() {
                    // Nobody waits for `ready` any more; keep echoing.
                    continue;
                }
            }
        });

        let mut sim = Self {
            child,
            instances: Vec::new(),
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        while !expected
            .iter()
            .all(|name| sim.instances.iter().any(|ready| ready.name == *name))
        {
            let left = deadline.saturating_duration_since(Instant::now());
            match received.recv_timeout(left) {
                Ok(line) => sim.instances.extend(parse_ready(&line)),
                Err(_) => {
                    let reason = match sim.child.try_wait() {
                        Ok(Some(status)) => format!("it exited ({status})"),
                        _ => "no `ready` line for every instance within 60 s".to_owned(),
                    };
                    return Err(XtaskError::SimNotReady(reason));
                }
            }
        }
        Ok(sim)
    }

    pub fn url_of(&self, name: &str) -> Option<&str> {
        self.instances
            .iter()
            .find(|instance| instance.name == name)
            .map(|instance| instance.url.as_str())
    }

    /// Returns the exit status if the simulator has stopped.
    pub fn exited(&mut self) -> Option<std::process::ExitStatus> {
        self.child.try_wait().ok().flatten()
    }

    pub fn stop(&mut self) {
        if self.exited().is_none() {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

impl Drop for RunningSim {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Installs the zip into a DHIS2 (or simulator) instance through App Management's API.
pub fn install_app(base_url: &str, zip: &Path) -> Result<()> {
    let contents = fs::read(zip).at(zip)?;
    let url = format!("{base_url}/api/apps");
    let file_name = zip
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_else(|| "app.zip".into());
    let response = MultipartUpload {
        url: &url,
        username: ADMIN_USER,
        password: PASSWORD,
        field: "file",
        file_name: &file_name,
        contents: &contents,
    }
    .send()?;
    if (200..300).contains(&response.status) {
        println!(
            "installed {file_name} into {base_url} (HTTP {})",
            response.status
        );
        Ok(())
    } else {
        Err(XtaskError::InstallRefused {
            url,
            status: response.status,
            body: response.body,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ready_lines_name_instance_version_and_url() {
        assert_eq!(
            parse_ready("ready source 2.38 http://127.0.0.1:8080/"),
            Some(ReadyInstance {
                name: "source".into(),
                version: "2.38".into(),
                url: "http://127.0.0.1:8080".into(),
            })
        );
        assert_eq!(parse_ready("listening on 8080"), None);
        assert_eq!(parse_ready("ready source 2.38"), None);
    }
}
