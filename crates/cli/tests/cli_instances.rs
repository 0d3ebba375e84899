//! `mdsync` end to end: the built binary against simulated DHIS2 instances served over HTTP on
//! loopback ports.

mod support;

use std::path::Path;
use std::process::{Command, Output};

use dhis2_sim::Sim;
use support::{SimServer, TempDir};

fn config_text(local_url: &str, key: &str) -> String {
    format!(
        "encryption_key = \"{key}\"\n\n[local]\nurl = \"{local_url}\"\nusername = \"admin\"\npassword = \"district\"\ntimeout_seconds = 30\n"
    )
}

fn mdsync(config: Option<&Path>, args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_mdsync"));
    command.env_remove("MDSYNC_CONFIG").args(args);
    if let Some(config) = config {
        command.env("MDSYNC_CONFIG", config);
    }
    command.output().expect("mdsync runs")
}

fn mdsync_with_stdin(config: &Path, args: &[&str], input: &str) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_mdsync"))
        .env("MDSYNC_CONFIG", config)
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("mdsync starts");
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(input.as_bytes()).expect("stdin");
    }
    child.wait_with_output().expect("mdsync runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn instances_are_added_listed_tested_and_removed() {
    let local = SimServer::start("local", "2.41");
    let remote = SimServer::start("remote", "2.39");
    let dir = TempDir::new("instances");
    let key = mdsync_core::crypto::generate_key_string().expect("key");
    let config = dir.write("mdsync.toml", &config_text(&local.url, &key));

    let add = mdsync(
        Some(&config),
        &[
            "instances",
            "add",
            "--name",
            "Remote",
            "--url",
            &format!("{}/api/", remote.url),
            "--username",
            "admin",
            "--password",
            "district",
        ],
    );
    assert!(add.status.success(), "{}{}", stdout(&add), stderr(&add));
    assert!(
        stdout(&add).contains("Added instance \"Remote\""),
        "{}",
        stdout(&add)
    );
    assert!(stdout(&add).contains("Warning:"), "plain http is flagged");

    let table = mdsync(Some(&config), &["instances", "list"]);
    assert!(table.status.success(), "{}", stderr(&table));
    let text = stdout(&table);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(
        lines[0].starts_with("ID") && lines[1].contains("This instance"),
        "{text}"
    );
    assert!(
        lines[2].contains("Remote")
            && lines[2].contains(&remote.url)
            && lines[2].contains("stored")
    );

    let test = mdsync(Some(&config), &["instances", "test", "remote"]);
    assert!(test.status.success(), "{}{}", stdout(&test), stderr(&test));
    assert!(stdout(&test).contains("Connected"), "{}", stdout(&test));

    let json = mdsync(Some(&config), &["instances", "list", "--json"]);
    let views: serde_json::Value = serde_json::from_slice(&json.stdout).expect("json list");
    assert_eq!(views[0]["id"], "LOCAL");
    assert_eq!(views[1]["name"], "Remote");
    assert_eq!(views[1]["hasSecret"], true);
    assert_eq!(
        views[1]["version"],
        remote.sim.version().to_string(),
        "test remembered it"
    );
    assert!(
        !stdout(&json).contains("district"),
        "no secret in the listing"
    );
    // The local server is 2.41: the credential went into a DHIS2 route, which never shows it,
    // and no secret was stored in the dataStore.
    assert_eq!(views[1]["throughRoute"], true);
    let secret_key = format!("instance-secret-{}", views[1]["id"].as_str().expect("id"));
    assert_eq!(
        local.sim.datastore_value("metadata-sync", &secret_key),
        None
    );
    let routes = as_admin(&local.sim, "GET", "/api/routes?fields=*&paging=false");
    assert!(
        routes.to_string().contains(&remote.url) && !routes.to_string().contains("district"),
        "{routes}"
    );
    // Moved into MetaData Sync's encrypted storage on request (the password is asked again),
    // and back into a route.
    let back = mdsync(
        Some(&config),
        &[
            "instances",
            "move",
            "Remote",
            "--to",
            "datastore",
            "--password",
            "district",
        ],
    );
    assert!(back.status.success(), "{}", stderr(&back));
    let stored = local
        .sim
        .datastore_value("metadata-sync", &secret_key)
        .expect("secret stored");
    assert!(!stored.to_string().contains("district"));
    let test = mdsync(Some(&config), &["instances", "test", "remote"]);
    assert!(test.status.success(), "{}{}", stdout(&test), stderr(&test));
    let routed = mdsync(
        Some(&config),
        &["instances", "move", "Remote", "--to", "route"],
    );
    assert!(routed.status.success(), "{}", stderr(&routed));
    assert_eq!(
        local.sim.datastore_value("metadata-sync", &secret_key),
        None
    );

    // A run-only user sees names only, of the instances shared with them, and adds nothing.
    let executor = dir.write(
        "executor.toml",
        &config_text(&local.url, &key).replace("\"admin\"", "\"executor\""),
    );
    let names = mdsync(Some(&executor), &["instances", "list"]);
    assert!(names.status.success(), "{}", stderr(&names));
    assert_eq!(stdout(&names).trim(), "LOCAL  This instance");
    let refused = mdsync(
        Some(&executor),
        &[
            "instances",
            "add",
            "--name",
            "Mine",
            "--url",
            &remote.url,
            "--token",
            "d2pat_x",
        ],
    );
    assert!(!refused.status.success());
    assert!(
        stderr(&refused).contains("METADATA_SYNC_CONFIGURATOR"),
        "{}",
        stderr(&refused)
    );

    let remove = mdsync(Some(&config), &["instances", "remove", "Remote"]);
    assert!(remove.status.success(), "{}", stderr(&remove));
    let json = mdsync(Some(&config), &["instances", "list", "--json"]);
    let views: serde_json::Value = serde_json::from_slice(&json.stdout).expect("json list");
    assert_eq!(views.as_array().map(Vec::len), Some(1));
    assert_eq!(
        local.sim.datastore_value("metadata-sync", &secret_key),
        None
    );
}

#[test]
fn a_failed_connection_test_explains_and_exits_non_zero() {
    let local = SimServer::start("local", "2.38.5");
    let dir = TempDir::new("failing");
    let key = mdsync_core::crypto::generate_key_string().expect("key");
    let config = dir.write("mdsync.toml", &config_text(&local.url, &key));
    let add = mdsync(
        Some(&config),
        &[
            "instances",
            "add",
            "--name",
            "Wrong",
            "--url",
            &local.url,
            "--username",
            "admin",
            "--password",
            "not-the-password",
        ],
    );
    assert!(add.status.success(), "{}", stderr(&add));
    let test = mdsync(Some(&config), &["instances", "test", "Wrong"]);
    assert!(!test.status.success());
    assert!(
        stdout(&test).contains("username or password is wrong"),
        "{}",
        stdout(&test)
    );

    let invalid = mdsync(
        Some(&config),
        &[
            "instances",
            "add",
            "--name",
            "wrong",
            "--url",
            "nowhere",
            "--token",
            "d2pat_x",
        ],
    );
    assert!(!invalid.status.success());
    let message = stderr(&invalid);
    assert!(
        message.contains("--name") && message.contains("already exists"),
        "{message}"
    );
    assert!(
        message.contains("--url") && message.contains("https://nowhere"),
        "{message}"
    );

    // The password from standard input, kept off the command line.
    let piped = mdsync_with_stdin(
        &config,
        &[
            "instances",
            "add",
            "--name",
            "Piped",
            "--url",
            &local.url,
            "--username",
            "admin",
            "--password",
            "-",
        ],
        "district\n",
    );
    assert!(piped.status.success(), "{}", stderr(&piped));
    let test = mdsync(Some(&config), &["instances", "test", "piped"]);
    assert!(test.status.success(), "{}", stdout(&test));

    let unknown = mdsync(Some(&config), &["instances", "remove", "Nope"]);
    assert!(stderr(&unknown).contains("No instance named or with id \"Nope\""));
}

#[test]
fn config_problems_are_explained() {
    let dir = TempDir::new("config");
    let missing = dir.0.join("absent.toml");
    let output = mdsync(Some(&missing), &["instances", "list"]);
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("does not exist"),
        "{}",
        stderr(&output)
    );

    let not_toml = dir.write("bad.toml", "encryption_key = \n[local");
    let output = mdsync(Some(&not_toml), &["instances", "list"]);
    assert!(
        stderr(&output).contains("is not valid"),
        "{}",
        stderr(&output)
    );

    let bad_key = dir.write(
        "key.toml",
        "encryption_key = \"short\"\n[local]\nurl = \"http://127.0.0.1:1\"\nusername = \"a\"\npassword = \"b\"\n",
    );
    let output = mdsync(Some(&bad_key), &["instances", "list"]);
    assert!(
        stderr(&output).contains("encryption key is not valid"),
        "{}",
        stderr(&output)
    );

    let key = mdsync_core::crypto::generate_key_string().expect("key");
    let no_password = dir.write(
        "nopass.toml",
        &format!(
            "encryption_key = \"{key}\"\n[local]\nurl = \"http://127.0.0.1:1\"\nusername = \"a\"\n"
        ),
    );
    let output = mdsync(Some(&no_password), &["instances", "list"]);
    assert!(
        stderr(&output).contains("no `password`"),
        "{}",
        stderr(&output)
    );

    // A server that is not there: the config is fine, the connection is not.
    let unreachable = dir.write("down.toml", &config_text("http://127.0.0.1:9", &key));
    let output = mdsync(Some(&unreachable), &["instances", "list"]);
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("Could not reach"),
        "{}",
        stderr(&output)
    );

    let generated = mdsync(None, &["key", "generate"]);
    let text = stdout(&generated);
    assert!(
        mdsync_core::crypto::EncryptionKey::parse(text.trim()).is_ok(),
        "{text}"
    );
}

#[test]
fn run_only_and_roleless_users_are_refused_a_sync_and_nothing_reaches_the_remote() {
    let local = SimServer::start("local", "2.41");
    let remote = SimServer::start("remote", "2.39");
    let dir = TempDir::new("security");
    let key = mdsync_core::crypto::generate_key_string().expect("key");
    let config = dir.write("mdsync.toml", &config_text(&local.url, &key));
    let add = mdsync(
        Some(&config),
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
    );
    assert!(add.status.success(), "{}", stderr(&add));
    for username in ["executor", "guest"] {
        let as_user = dir.write(
            &format!("{username}.toml"),
            &config_text(&local.url, &key).replace("\"admin\"", &format!("\"{username}\"")),
        );
        remote.sim.clear_request_log();
        let refused = mdsync(
            Some(&as_user),
            &["sync", "metadata", "--to", "Remote", "--ids", "bjDvmb4bfuf"],
        );
        assert!(
            !refused.status.success(),
            "{username}: {}",
            stdout(&refused)
        );
        assert!(
            stderr(&refused).contains("METADATA_SYNC_CONFIGURATOR"),
            "{username}: {}",
            stderr(&refused)
        );
        assert!(
            remote.sim.request_log().is_empty(),
            "{username}: {:?}",
            remote.sim.request_log()
        );
    }
}

/// `admin:district`, as a Basic header.
const ADMIN_BASIC: &str = "Basic YWRtaW46ZGlzdHJpY3Q=";

/// Asks `sim` as the admin, in-process; the answer's JSON.
fn as_admin(sim: &Sim, method: &str, path: &str) -> serde_json::Value {
    let request = dhis2_sim::SimRequest::new(method, path)
        .with_header("Authorization", ADMIN_BASIC)
        .with_header("Content-Type", "application/json")
        .with_body(b"{}".to_vec());
    let response = sim.handle(request).expect("answered");
    serde_json::from_slice(&response.body).expect("json")
}

/// A personal access token of `admin` on `sim`, made through its API.
fn admin_token(sim: &Sim) -> String {
    as_admin(sim, "POST", "/api/apiToken")["response"]["key"]
        .as_str()
        .expect("a token")
        .to_string()
}

#[test]
fn a_sync_leaves_no_secret_in_its_output_history_or_storage() {
    let local = SimServer::start("local", "2.41");
    let remote = SimServer::start("remote", "2.39");
    let token = admin_token(&remote.sim);
    let dir = TempDir::new("no-secret");
    let key = mdsync_core::crypto::generate_key_string().expect("key");
    let config = dir.write("mdsync.toml", &config_text(&local.url, &key));
    let add = mdsync(
        Some(&config),
        &[
            "instances",
            "add",
            "--name",
            "Remote",
            "--url",
            &remote.url,
            "--token",
            &token,
        ],
    );
    assert!(add.status.success(), "{}", stderr(&add));
    let synced = mdsync(
        Some(&config),
        &[
            "sync",
            "metadata",
            "--to",
            "Remote",
            "--ids",
            "bjDvmb4bfuf",
            "--json",
        ],
    );
    let printed = format!("{}{}", stdout(&synced), stderr(&synced));
    assert!(
        printed.contains("\"kind\""),
        "the report was printed: {printed}"
    );
    assert!(!printed.contains(&token), "the token was printed");
    let list = mdsync(Some(&config), &["instances", "list", "--json"]);
    assert!(!stdout(&list).contains(&token));
    // Every key of the namespace, history included, as the server stores it.
    let keys: Vec<String> =
        serde_json::from_value(as_admin(&local.sim, "GET", "/api/dataStore/metadata-sync"))
            .expect("keys");
    assert!(
        keys.iter().any(|key| key.starts_with("history-")),
        "{keys:?}"
    );
    for key in keys {
        let value = local
            .sim
            .datastore_value("metadata-sync", &key)
            .unwrap_or_default();
        assert!(!value.to_string().contains(&token), "{key} holds the token");
    }
}
