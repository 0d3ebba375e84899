//! `mdsync rules`, `mdsync history` and a real `mdsync scheduler` process, against simulated
//! DHIS2 instances served over HTTP on loopback ports.

mod support;

use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use dhis2_sim::SimRequest;
use serde_json::{json, Value};
use support::{SimServer, TempDir};

trait AsAdmin {
    fn admin(&self, method: &str, path: &str, body: &Value) -> u16;
}

impl AsAdmin for SimServer {
    /// Sends a request straight to the simulator as admin.
    fn admin(&self, method: &str, path: &str, body: &Value) -> u16 {
        let request = SimRequest::new(method, &format!("{}/{path}", self.sim.base_url()))
            .with_header("Authorization", "Basic YWRtaW46ZGlzdHJpY3Q=")
            .with_header("Content-Type", "application/json")
            .with_body(body.to_string().into_bytes());
        match self.sim.handle(request) {
            Ok(response) => response.status,
            Err(_) => 0,
        }
    }
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

fn mdsync(config: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mdsync"))
        .env("MDSYNC_CONFIG", config)
        .args(args)
        .output()
        .expect("mdsync runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn ok(output: Output) -> String {
    assert!(
        output.status.success(),
        "status {:?}\nstdout: {}\nstderr: {}",
        output.status,
        text(&output.stdout),
        text(&output.stderr)
    );
    text(&output.stdout)
}

const CONSTANTS: [&str; 2] = ["ConstPiNum1", "ConstTauNm2"];

fn rules_file() -> Value {
    json!({
        "format": "metadata-sync-rules",
        "version": 1,
        "exported": "2026-12-03T10:00:00Z",
        "rules": [{
            "name": "Every two seconds",
            "kind": "metadata",
            "origin": {"id": "LOCAL", "name": "This instance"},
            "destinations": [{"id": "ElsewhereId", "name": "Remote"}],
            "schedule": "*/2 * * * * *",
            "job": {
                "kind": "metadata",
                "selection": {
                    "objects": CONSTANTS.iter().map(|id| json!({"id": id, "type": "constants"})).collect::<Vec<_>>()
                }
            }
        }]
    })
}

/// The history entries of `rule_id`, as `mdsync history list --json` gives them.
fn history(config: &Path, rule_id: &str) -> Vec<Value> {
    let listed = ok(mdsync(
        config,
        &["history", "list", "--rule", rule_id, "--json"],
    ));
    serde_json::from_str(&listed).expect("history json")
}

#[test]
fn rules_are_imported_shown_run_and_scheduled_by_a_real_scheduler_until_sigterm() {
    let local = SimServer::start("local", "2.39");
    let remote = SimServer::start("remote", "2.39");
    let constants: Vec<Value> = CONSTANTS
        .iter()
        .map(|id| json!({"id": id, "name": format!("Constant {id}"), "value": 1}))
        .collect();
    assert_eq!(
        local.admin("POST", "api/metadata", &json!({ "constants": constants })),
        200
    );
    let dir = TempDir::new("rules");
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
            "--public-access",
            "r-------",
        ],
    ));

    // Import (the destination matched by name), list, show.
    let file = dir.write("rules.json", &rules_file().to_string());
    let imported = ok(mdsync(
        &config,
        &["rules", "import", file.to_str().expect("path")],
    ));
    assert!(
        imported.contains("imported \"Every two seconds\""),
        "{imported}"
    );
    assert!(imported.contains("switched off"), "{imported}");
    let rows: Value =
        serde_json::from_str(&ok(mdsync(&config, &["rules", "list", "--json"]))).expect("json");
    let rule_id = rows[0]["summary"]["id"].as_str().expect("id").to_string();
    assert_eq!(rows[0]["summary"]["destinations"][0]["name"], "Remote");
    let shown = ok(mdsync(&config, &["rules", "show", "every two seconds"]));
    assert!(shown.contains("Every 2 seconds"), "{shown}");
    assert_eq!(shown.matches("next run:").count(), 3, "{shown}");
    let not_a_rule = dir.write("not-a-rule.json", r#"{"dataSets": []}"#);
    let refused = mdsync(
        &config,
        &["rules", "import", not_a_rule.to_str().expect("path")],
    );
    assert!(!refused.status.success());
    assert!(
        text(&refused.stdout).contains("holds no rule"),
        "{}",
        text(&refused.stdout)
    );

    // Run now, then export: never a credential.
    let ran = ok(mdsync(&config, &["rules", "run", "Every two seconds"]));
    assert!(ran.contains("SUCCESS"), "{ran}");
    assert_eq!(
        remote.admin(
            "GET",
            &format!("api/constants/{}", CONSTANTS[0]),
            &Value::Null
        ),
        200
    );
    let exported = ok(mdsync(&config, &["rules", "export", "Every two seconds"]));
    assert!(exported.contains("metadata-sync-rules") && !exported.contains("district"));
    assert_eq!(history(&config, &rule_id).len(), 1);

    // Switch the schedule on and start a real scheduler.
    let enabled = ok(mdsync(&config, &["rules", "enable", "Every two seconds"]));
    assert!(enabled.contains("schedule on"), "{enabled}");
    let child = Command::new(env!("CARGO_BIN_EXE_mdsync"))
        .env("MDSYNC_CONFIG", &config)
        .args(["scheduler", "--host", "test-host"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("scheduler starts");
    let mut scheduler = Running(child);
    // Bounded: at most 40 s for two scheduled runs (one every two seconds).
    let deadline = Instant::now() + Duration::from_secs(40);
    while history(&config, &rule_id).len() < 3 {
        assert!(
            Instant::now() < deadline,
            "the scheduler wrote no history in time"
        );
        assert!(
            matches!(scheduler.0.try_wait(), Ok(None)),
            "the scheduler exited early"
        );
        std::thread::sleep(Duration::from_millis(300));
    }
    // A second scheduler on another host refuses to start while this one beats.
    let second = mdsync(&config, &["scheduler", "--once", "--host", "other-host"]);
    assert!(!second.status.success());
    assert!(
        text(&second.stderr).contains("Another scheduler runs against this instance, on test-host"),
        "{}",
        text(&second.stderr)
    );

    let pid = scheduler.0.id().to_string();
    let signal = Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill runs");
    assert!(signal.success());
    let deadline = Instant::now() + Duration::from_secs(30);
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
    assert!(
        logs.contains("Scheduler started on test-host as admin"),
        "{logs}"
    );
    assert!(
        logs.contains("\"Every two seconds\" finished: Success"),
        "{logs}"
    );
    assert!(logs.contains("Scheduler stopped."), "{logs}");

    let entries = history(&config, &rule_id);
    assert!(entries.len() >= 3);
    assert!(
        entries
            .iter()
            .all(|e| e["user"] == "admin" && e["status"] == "success"),
        "{entries:?}"
    );
    let heartbeat = local
        .sim
        .datastore_value("metadata-sync", "scheduler")
        .expect("heartbeat");
    assert_eq!(heartbeat["host"], "test-host");
    assert!(heartbeat["stopped"].is_string(), "{heartbeat}");
    assert!(heartbeat["lastExecution"].is_string(), "{heartbeat}");

    // History, one run in detail; disable; `--once` with nothing due exits at once.
    let id = entries[0]["id"].as_str().expect("id");
    let shown = ok(mdsync(&config, &["history", "show", id]));
    assert!(shown.contains("Remote"), "{shown}");
    let listed = ok(mdsync(
        &config,
        &["history", "list", "--status", "success", "--limit", "2"],
    ));
    assert!(listed.contains("shown; --limit for more"), "{listed}");
    ok(mdsync(&config, &["rules", "disable", "Every two seconds"]));
    let once = ok(mdsync(&config, &["scheduler", "--once"]));
    assert!(once.contains("0 scheduled rule(s) loaded."), "{once}");
}

#[test]
fn an_aggregated_rule_is_listed_by_kind_shown_in_words_and_run() {
    use dhis2_sim::seed::rng::uid;
    use dhis2_sim::{DemoSide, InstanceConfig, Seed, SimVersion};
    let demo = |name: &str, version: &str| {
        let mut config = InstanceConfig::new(name, version.parse::<SimVersion>().expect("version"));
        config.seed = Seed::Demo(DemoSide::Source);
        SimServer::start_with(config)
    };
    let local = demo("local", "2.39");
    let remote = demo("remote", "2.41");
    remote.sim.with_stores(|_, values, _| values.clear());
    let data_set = uid("ds:Reproductive health");
    let district = uid("ou:district:0:0");
    let clinics = uid("oug:0");
    let values = |server: &SimServer| {
        let path = format!(
            "api/dataValueSets.json?dataSet={data_set}&orgUnit={district}&children=true\
             &startDate=2024-01-01&endDate=2024-12-31"
        );
        let request = SimRequest::new("GET", &format!("{}/{path}", server.sim.base_url()))
            .with_header("Authorization", "Basic YWRtaW46ZGlzdHJpY3Q=");
        let response = server.sim.handle(request).expect("answer");
        let body: Value = serde_json::from_slice(&response.body).expect("JSON");
        body["dataValues"].as_array().map_or(0, Vec::len)
    };
    let dir = TempDir::new("rules-aggregated");
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
    let file = json!({
        "format": "metadata-sync-rules",
        "version": 1,
        "exported": "2026-12-03T10:00:00Z",
        "rules": [{
            "name": "ANC district 2024",
            "kind": "aggregated",
            "origin": {"id": "LOCAL", "name": "This instance"},
            "destinations": [{"id": "ElsewhereId", "name": "Remote"}],
            "job": {
                "kind": "aggregated",
                "selection": {
                    "dataSets": [data_set],
                    "orgUnits": [district],
                    "includeDescendants": true,
                    "period": {"period": "FIXED", "startDate": "2024-01-01", "endDate": "2024-12-31"}
                },
                "options": {"ignoreExisting": true}
            }
        }, {
            "name": "Clinics level 4",
            "kind": "aggregated",
            "origin": {"id": "LOCAL", "name": "This instance"},
            "destinations": [{"id": "ElsewhereId", "name": "Remote"}],
            "job": {
                "kind": "aggregated",
                "selection": {
                    "dataSets": [data_set],
                    "orgUnits": [district],
                    "orgUnitLevels": [4, 3],
                    "orgUnitGroups": [clinics],
                    "period": {"period": "LAST_YEAR"}
                },
                "options": {}
            }
        }, rules_file()["rules"][0]]
    });
    let path = dir.write("rules.json", &file.to_string());
    ok(mdsync(
        &config,
        &["rules", "import", path.to_str().expect("path")],
    ));

    let rows: Value = serde_json::from_str(&ok(mdsync(
        &config,
        &["rules", "list", "--kind", "aggregated", "--json"],
    )))
    .expect("json");
    assert_eq!(rows.as_array().map(Vec::len), Some(2), "{rows}");
    let row = |name: &str| {
        rows.as_array()
            .and_then(|rows| rows.iter().find(|row| row["summary"]["name"] == name))
            .unwrap_or_else(|| panic!("no rule {name} in {rows}"))
    };
    assert_eq!(row("ANC district 2024")["summary"]["kind"], "aggregated");
    let listed = ok(mdsync(&config, &["rules", "list"]));
    assert!(listed.contains("ANC district 2024  aggregated"), "{listed}");
    assert!(listed.contains("Every two seconds  metadata"), "{listed}");
    let wrong = mdsync(&config, &["rules", "list", "--kind", "deleted"]);
    assert!(!wrong.status.success());

    let shown = ok(mdsync(&config, &["rules", "show", "ANC district 2024"]));
    assert!(shown.contains("kind: aggregated"), "{shown}");
    assert!(shown.contains(&format!("data sets: {data_set}")), "{shown}");
    assert!(
        shown.contains("period: from 2024-01-01 to 2024-12-31"),
        "{shown}"
    );
    assert!(
        shown.contains("values the destination has are not sent"),
        "{shown}"
    );
    assert!(!shown.contains("org unit levels"), "{shown}");

    // Levels and groups are shown, in place of "the org units below them".
    let shown = ok(mdsync(&config, &["rules", "show", "Clinics level 4"]));
    assert!(shown.contains("org unit levels: 4, 3"), "{shown}");
    assert!(
        shown.contains(&format!("org unit groups: {clinics}")),
        "{shown}"
    );
    assert!(shown.contains(&format!("org units: {district}")), "{shown}");
    assert!(!shown.contains("org units below them"), "{shown}");

    assert_eq!(values(&remote), 0);
    let ran = ok(mdsync(&config, &["rules", "run", "ANC district 2024"]));
    assert!(ran.contains("SUCCESS"), "{ran}");
    assert!(values(&local) > 100);
    assert_eq!(values(&remote), values(&local));
    let rule_id = row("ANC district 2024")["summary"]["id"]
        .as_str()
        .expect("id");
    assert_eq!(history(&config, rule_id).len(), 1);
}
