//! A real `mdsync scheduler` process against simulated DHIS2 servers on loopback ports: a rule
//! due every two seconds (Quartz-style six fields, `?` for the day of the week) runs again and
//! again while the destination answers slowly; SIGTERM lands while a run is going; the process
//! stops taking runs, lets the current one end cleanly, writes its last heartbeat and exits 0,
//! and no run is left half-written (every history entry whole, the rule's record pointing at
//! one, any journal left belonging to a run recorded as cancelled).

mod support;

use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use dhis2_sim::faults::{FaultKind, FaultRule};
use dhis2_sim::SimRequest;
use serde_json::{json, Value};
use support::{SimServer, TempDir};

const NAMESPACE: &str = "metadata-sync";
const RULE: &str = "Every two seconds, slowly";
const CONSTANTS: [&str; 3] = ["ConstPiNum1", "ConstTauNm2", "ConstEulNm3"];

/// A request straight to the simulator as admin: status and JSON body.
fn admin(server: &SimServer, method: &str, path: &str, body: &Value) -> (u16, Value) {
    let request = SimRequest::new(method, &format!("{}/{path}", server.sim.base_url()))
        .with_header("Authorization", "Basic YWRtaW46ZGlzdHJpY3Q=")
        .with_header("Content-Type", "application/json")
        .with_body(body.to_string().into_bytes());
    match server.sim.handle(request) {
        Ok(response) => (
            response.status,
            serde_json::from_slice(&response.body).unwrap_or(Value::Null),
        ),
        Err(_) => (0, Value::Null),
    }
}

fn keys(server: &SimServer) -> Vec<String> {
    let (_, listed) = admin(
        server,
        "GET",
        &format!("api/dataStore/{NAMESPACE}"),
        &Value::Null,
    );
    serde_json::from_value(listed).unwrap_or_default()
}

fn stored(server: &SimServer, key: &str) -> Option<Value> {
    server.sim.datastore_value(NAMESPACE, key)
}

/// The history entries (`history-<id>` values) of `rule_id`.
fn history_of(server: &SimServer, rule_id: &str) -> Vec<(String, Value)> {
    keys(server)
        .into_iter()
        .filter(|key| key.starts_with("history-"))
        .filter_map(|key| stored(server, &key).map(|value| (key, value)))
        .filter(|(_, value)| value["summary"]["ruleId"] == rule_id)
        .collect()
}

fn mdsync(config: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mdsync"))
        .env("MDSYNC_CONFIG", config)
        .args(args)
        .output()
        .expect("mdsync runs")
}

fn ok(output: Output) -> String {
    let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
    assert!(
        output.status.success(),
        "status {:?}\nstdout: {}\nstderr: {}",
        output.status,
        text(&output.stdout),
        text(&output.stderr)
    );
    text(&output.stdout)
}

/// Kills a scheduler left running by a failed assertion.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        if matches!(self.0.try_wait(), Ok(None)) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

/// Polls `check` every 100 ms until it holds; fails after `limit` (a generous bound, never a
/// timing assertion) or when the scheduler exits early.
fn wait_for(scheduler: &mut Running, limit: Duration, what: &str, mut check: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while !check() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        assert!(
            matches!(scheduler.0.try_wait(), Ok(None)),
            "the scheduler exited while waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn a_real_scheduler_writes_history_until_sigterm_and_leaves_no_run_half_written() {
    let local = SimServer::start("local", "2.39");
    let remote = SimServer::start("remote", "2.39");
    let constants: Vec<Value> = CONSTANTS
        .iter()
        .map(|id| json!({"id": id, "name": format!("Constant {id}"), "value": 1}))
        .collect();
    assert_eq!(
        admin(
            &local,
            "POST",
            "api/metadata",
            &json!({ "constants": constants })
        )
        .0,
        200
    );
    let dir = TempDir::new("scheduler-process");
    let key = mdsync_core::crypto::generate_key_string().expect("key");
    let config = dir.write(
        "mdsync.toml",
        &format!(
            "encryption_key = \"{key}\"\n\n[local]\nurl = \"{}\"\nusername = \"admin\"\npassword = \"district\"\ntimeout_seconds = 30\n",
            local.url
        ),
    );
    ok(mdsync(
        &config,
        &[
            "instances",
            "add",
            "--name",
            "Remote",
            "--url",
            &remote.url,
            "--username",
            "admin",
            "--password",
            "district",
        ],
    ));
    let rules = json!({
        "format": "metadata-sync-rules",
        "version": 1,
        "exported": "2026-12-03T10:00:00Z",
        "rules": [{
            "name": RULE,
            "kind": "metadata",
            "origin": {"id": "LOCAL", "name": "This instance"},
            "destinations": [{"id": "ElsewhereId", "name": "Remote"}],
            "schedule": "*/2 * * * * ?",
            "job": {
                "kind": "metadata",
                "selection": {
                    "objects": CONSTANTS.iter().map(|id| json!({"id": id, "type": "constants"})).collect::<Vec<_>>()
                }
            }
        }]
    });
    let file = dir.write("rules.json", &rules.to_string());
    ok(mdsync(
        &config,
        &["rules", "import", file.to_str().expect("path")],
    ));
    ok(mdsync(&config, &["rules", "enable", RULE]));
    let listed: Value =
        serde_json::from_str(&ok(mdsync(&config, &["rules", "list", "--json"]))).expect("json");
    let rule_id = listed[0]["summary"]["id"]
        .as_str()
        .expect("rule id")
        .to_string();

    // Every import on the destination takes 1.5 s: runs are still going when the next is due
    // (skipped and noted), and the SIGTERM below finds one running.
    remote.sim.add_fault(FaultRule {
        latency_ms: Some(1500),
        method: Some("POST".into()),
        ..FaultRule::new("/api/metadata*", FaultKind::Latency)
    });

    let child = Command::new(env!("CARGO_BIN_EXE_mdsync"))
        .env("MDSYNC_CONFIG", &config)
        .args(["scheduler", "--host", "process-test"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the scheduler starts");
    let mut scheduler = Running(child);

    wait_for(
        &mut scheduler,
        Duration::from_secs(90),
        "two scheduled runs in history",
        || history_of(&local, &rule_id).len() >= 2,
    );
    let heartbeat = stored(&local, "scheduler").expect("heartbeat while running");
    assert_eq!(heartbeat["host"], "process-test", "{heartbeat}");
    assert!(heartbeat["stopped"].is_null(), "{heartbeat}");
    // A run is going (its journal is written when it starts): stop now.
    wait_for(
        &mut scheduler,
        Duration::from_secs(60),
        "a run in progress",
        || keys(&local).iter().any(|key| key.starts_with("run-")),
    );
    let signal = Command::new("kill")
        .args(["-TERM", &scheduler.0.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(signal.success());
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(status) = scheduler.0.try_wait().expect("wait") {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "the scheduler did not stop on SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    let mut logs = String::new();
    if let Some(mut stdout) = scheduler.0.stdout.take() {
        use std::io::Read;
        let _ = stdout.read_to_string(&mut logs);
    }
    assert!(status.success(), "exit {status:?}\n{logs}");
    assert_eq!(status.code(), Some(0));
    assert!(logs.contains("Scheduler stopped."), "{logs}");

    // The last heartbeat says it stopped, with its last execution.
    let heartbeat = stored(&local, "scheduler").expect("heartbeat");
    assert_eq!(heartbeat["host"], "process-test");
    assert!(heartbeat["stopped"].is_string(), "{heartbeat}");
    assert!(heartbeat["lastExecution"].is_string(), "{heartbeat}");

    // Nothing half-written: every entry whole, one per finished run in the logs, each a
    // success or the run SIGTERM stopped cleanly.
    let entries = history_of(&local, &rule_id);
    let finished = logs.matches(&format!("\"{RULE}\" finished")).count();
    assert!(entries.len() >= 2, "{entries:?}");
    assert_eq!(entries.len(), finished, "history vs logs\n{logs}");
    for (key, entry) in &entries {
        let summary = &entry["summary"];
        assert_eq!(summary["user"], "admin", "{key}: {entry}");
        assert!(entry["report"].is_object(), "{key} has no report: {entry}");
        assert!(
            summary["status"] == "success" || summary["status"] == "cancelled",
            "{key}: {summary}"
        );
        assert_eq!(
            summary["targets"].as_array().map(Vec::len),
            Some(1),
            "{key}: {summary}"
        );
    }
    assert!(
        entries
            .iter()
            .filter(|(_, entry)| entry["summary"]["status"] == "success")
            .count()
            >= 2,
        "{entries:?}"
    );
    // The rule's record points at an entry that exists.
    let record = stored(&local, &format!("last-run-{rule_id}")).expect("the rule's record");
    let last = record["lastRun"]["lastHistoryId"]
        .as_str()
        .expect("last history id");
    assert!(
        entries
            .iter()
            .any(|(key, _)| key == &format!("history-{last}")),
        "{record}"
    );
    // A journal kept is the cleanly stopped run's, resumable: its history says cancelled.
    let journals: Vec<String> = keys(&local)
        .into_iter()
        .filter(|key| key.starts_with("run-"))
        .collect();
    assert!(journals.len() <= 1, "{journals:?}");
    if !journals.is_empty() {
        assert!(
            entries
                .iter()
                .any(|(_, entry)| entry["summary"]["status"] == "cancelled"),
            "a journal is left without a cancelled run: {journals:?}"
        );
    }
    // The constants reached the destination.
    for id in CONSTANTS {
        assert_eq!(
            admin(&remote, "GET", &format!("api/constants/{id}"), &Value::Null).0,
            200
        );
    }
}
