//! `mdsync sync` when things go wrong: exit codes (0 success, 1 a destination failed, 2 bad
//! input, 3 interrupted and resumable), `mdsync sync runs` and `mdsync sync resume RUN_ID`,
//! with the built binary against simulated instances served over HTTP on loopback ports.

mod support;

use std::path::PathBuf;

use dhis2_sim::{FaultKind, FaultRule, Sim};
use serde_json::json;
use support::{configure, mdsync, text, SimServer, TempDir, ADMIN_BASIC};

/// Local (2.39: credentials in the dataStore) holding a few data elements, a remote saved as
/// an instance, and the config of the admin.
fn world(label: &str) -> (SimServer, SimServer, TempDir, PathBuf, Vec<String>) {
    let local = SimServer::start("local", "2.39");
    let remote = SimServer::start("remote", "2.39");
    let ids: Vec<String> = (0..5).map(|i| format!("deResume{i:03}")).collect();
    let elements: Vec<serde_json::Value> = ids
        .iter()
        .map(|id| {
            json!({ "id": id, "name": id, "shortName": id, "valueType": "NUMBER",
                "domainType": "AGGREGATE", "aggregationType": "SUM",
                "categoryCombo": { "id": "bjDvmb4bfuf" } })
        })
        .collect();
    let import = dhis2_sim::SimRequest::new("POST", "/api/metadata")
        .with_header("Authorization", ADMIN_BASIC)
        .with_header("Content-Type", "application/json")
        .with_body(json!({ "dataElements": elements }).to_string().into_bytes());
    let imported = local.sim.handle(import).expect("seeded");
    assert_eq!(imported.status, 200);
    let dir = TempDir::new(label);
    let config = configure(&dir, &local, "Remote", &remote);
    (local, remote, dir, config, ids)
}

/// Every metadata import answered 401 (credentials refused) until the faults are cleared.
fn refuse_metadata_imports(remote: &Sim) {
    remote.add_fault(FaultRule {
        method: Some("POST".into()),
        status: Some(401),
        ..FaultRule::new("/api/metadata", FaultKind::Status)
    });
}

fn remote_has(remote: &Sim, id: &str) -> bool {
    let request = dhis2_sim::SimRequest::new("GET", &format!("/api/dataElements/{id}"))
        .with_header("Authorization", ADMIN_BASIC);
    remote
        .handle(request)
        .is_ok_and(|response| response.status == 200)
}

#[test]
fn an_interrupted_sync_exits_3_and_resumes_to_the_end() {
    let (_local, remote, _dir, config, ids) = world("resume");
    refuse_metadata_imports(&remote.sim);
    let joined = ids.join(",");
    let sync = [
        "sync",
        "metadata",
        "--to",
        "Remote",
        "--no-deps",
        "--ids",
        joined.as_str(),
    ];
    let interrupted = mdsync(&config, &sync);
    assert_eq!(interrupted.status.code(), Some(3), "{}", text(&interrupted));
    let said = text(&interrupted);
    let run_id = said
        .split("mdsync sync resume ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("no resume hint: {said}"))
        .to_string();
    assert!(said.contains("refused"), "{said}");
    assert!(!said.contains("district"), "no secret in the output");

    let runs = mdsync(&config, &["sync", "runs"]);
    assert!(runs.status.success(), "{}", text(&runs));
    assert!(text(&runs).contains(&run_id), "{}", text(&runs));

    remote.sim.clear_faults();
    let resumed = mdsync(&config, &["sync", "resume", &run_id]);
    assert_eq!(resumed.status.code(), Some(0), "{}", text(&resumed));
    assert!(
        text(&resumed).contains("Resumed 1 time"),
        "{}",
        text(&resumed)
    );
    assert!(ids.iter().all(|id| remote_has(&remote.sim, id)));
    let none = mdsync(&config, &["sync", "runs"]);
    assert!(
        text(&none).contains("No unfinished runs."),
        "{}",
        text(&none)
    );

    let gone = mdsync(&config, &["sync", "resume", &run_id]);
    assert_eq!(gone.status.code(), Some(2), "bad input: {}", text(&gone));
}

#[test]
fn a_destination_that_refuses_exits_1_and_a_bad_argument_2() {
    let (_local, remote, _dir, config, ids) = world("exit-codes");
    remote.sim.add_fault(FaultRule {
        method: Some("POST".into()),
        status: Some(500),
        ..FaultRule::new("/api/metadata", FaultKind::Status)
    });
    let failed = mdsync(
        &config,
        &[
            "sync",
            "metadata",
            "--to",
            "Remote",
            "--no-deps",
            "--ids",
            &ids[0],
        ],
    );
    assert_eq!(failed.status.code(), Some(1), "{}", text(&failed));
    let unknown = mdsync(
        &config,
        &["sync", "metadata", "--to", "Nowhere", "--ids", &ids[0]],
    );
    assert_eq!(unknown.status.code(), Some(2), "{}", text(&unknown));
}

#[test]
fn the_same_sync_again_with_resume_takes_up_the_interrupted_run() {
    let (_local, remote, _dir, config, ids) = world("resume-flag");
    refuse_metadata_imports(&remote.sim);
    let joined = ids.join(",");
    let sync = [
        "sync",
        "metadata",
        "--to",
        "Remote",
        "--no-deps",
        "--ids",
        joined.as_str(),
        "--resume",
    ];
    // Nothing to take up yet: a new run, which stops.
    let interrupted = mdsync(&config, &sync);
    assert_eq!(interrupted.status.code(), Some(3), "{}", text(&interrupted));
    assert!(!text(&interrupted).contains("Resuming run"));

    remote.sim.clear_faults();
    let resumed = mdsync(&config, &sync);
    assert_eq!(resumed.status.code(), Some(0), "{}", text(&resumed));
    assert!(
        text(&resumed).contains("Resuming run"),
        "{}",
        text(&resumed)
    );
    assert!(
        text(&resumed).contains("Resumed 1 time"),
        "{}",
        text(&resumed)
    );
    assert!(ids.iter().all(|id| remote_has(&remote.sim, id)));
    let none = mdsync(&config, &["sync", "runs"]);
    assert!(
        text(&none).contains("No unfinished runs."),
        "{}",
        text(&none)
    );
}

#[test]
fn an_instance_s_time_limits_are_shown_set_checked_and_reset() {
    let (_local, _remote, _dir, config, _ids) = world("timeouts");
    let shown = mdsync(&config, &["instances", "timeouts", "Remote"]);
    assert!(shown.status.success(), "{}", text(&shown));
    assert!(
        text(&shown).contains("connect 30 s, total 180 s"),
        "{}",
        text(&shown)
    );
    let set = mdsync(
        &config,
        &[
            "instances",
            "timeouts",
            "Remote",
            "--connect",
            "10",
            "--total",
            "55",
        ],
    );
    assert!(set.status.success(), "{}", text(&set));
    let again = mdsync(&config, &["instances", "timeouts", "Remote"]);
    assert!(
        text(&again).contains("connect 10 s, total 55 s"),
        "{}",
        text(&again)
    );
    let refused = mdsync(
        &config,
        &["instances", "timeouts", "Remote", "--total", "5"],
    );
    assert_eq!(refused.status.code(), Some(2), "{}", text(&refused));
    assert!(
        text(&refused).contains("must not be shorter"),
        "{}",
        text(&refused)
    );
    let reset = mdsync(&config, &["instances", "timeouts", "Remote", "--reset"]);
    assert!(
        text(&reset).contains("connect 30 s, total 180 s"),
        "{}",
        text(&reset)
    );
}

/// The run id in the hint an interrupted run prints.
fn resume_hint(said: &str) -> String {
    said.split("mdsync sync resume ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("no resume hint: {said}"))
        .to_string()
}

/// Every import at `path` answered 401 until the faults are cleared.
fn refuse_imports(remote: &Sim, path: &str) {
    remote.add_fault(FaultRule {
        method: Some("POST".into()),
        status: Some(401),
        ..FaultRule::new(path, FaultKind::Status)
    });
}

#[test]
fn aggregated_and_events_runs_cut_short_exit_3_and_resume_with_the_flag_or_the_id() {
    use dhis2_sim::seed::rng::uid;
    let local = support::demo_server("local", "2.40", dhis2_sim::DemoSide::Source);
    let remote = support::demo_server("remote", "2.40", dhis2_sim::DemoSide::Source);
    remote.sim.with_stores(|_, values, tracker| {
        values.clear();
        tracker.clear();
    });
    let dir = TempDir::new("resume-data");
    let config = configure(&dir, &local, "Regional", &remote);
    let (data_set, district) = (uid("ds:Reproductive health"), uid("ou:district:0:0"));
    let aggregated = [
        "sync",
        "aggregated",
        "--to",
        "Regional",
        "--data-sets",
        data_set.as_str(),
        "--org-units",
        district.as_str(),
        "--children",
        "--start",
        "2024-01-01",
        "--end",
        "2024-12-31",
        "--resume",
    ];
    let values = |sim: &Sim| sim.with_stores(|_, values, _| values.len());

    // Aggregated: the credentials refused at the first import → 3; again with --resume → 0.
    refuse_imports(&remote.sim, "/api/dataValueSets*");
    let cut = mdsync(&config, &aggregated);
    assert_eq!(cut.status.code(), Some(3), "{}", text(&cut));
    let run_id = resume_hint(&text(&cut));
    assert_eq!(values(&remote.sim), 0);
    remote.sim.clear_faults();
    let resumed = mdsync(&config, &aggregated);
    assert_eq!(resumed.status.code(), Some(0), "{}", text(&resumed));
    let said = text(&resumed);
    assert!(said.contains(&format!("Resuming run {run_id}")), "{said}");
    assert!(said.contains("Resumed 1 time"), "{said}");
    assert!(values(&remote.sim) > 0, "the values arrived");

    // Events: refused at the first import → 3; `sync resume RUN_ID` → 0, then nothing left.
    let program = uid("program:Inpatient morbidity and mortality");
    let province = uid("ou:province:0");
    let events = [
        "sync",
        "events",
        "--to",
        "Regional",
        "--programs",
        program.as_str(),
        "--org-units",
        province.as_str(),
        "--children",
        "--start",
        "2024-01-01",
        "--end",
        "2024-12-31",
    ];
    refuse_imports(&remote.sim, "/api/tracker*");
    let cut = mdsync(&config, &events);
    assert_eq!(cut.status.code(), Some(3), "{}", text(&cut));
    let run_id = resume_hint(&text(&cut));
    assert_eq!(remote.sim.with_stores(|_, _, t| t.event_count()), 0);
    remote.sim.clear_faults();
    let resumed = mdsync(&config, &["sync", "resume", &run_id]);
    assert_eq!(resumed.status.code(), Some(0), "{}", text(&resumed));
    assert!(
        text(&resumed).contains("Resumed 1 time"),
        "{}",
        text(&resumed)
    );
    let arrived = remote.sim.with_stores(|_, _, t| t.event_count());
    assert!(arrived > 0, "the events arrived");
    let none = mdsync(&config, &["sync", "runs"]);
    assert!(
        text(&none).contains("No unfinished runs."),
        "{}",
        text(&none)
    );

    // Exit 1: a destination that fails for good (500 on every import) is not resumable.
    remote.sim.add_fault(FaultRule {
        method: Some("POST".into()),
        status: Some(500),
        ..FaultRule::new("/api/tracker*", FaultKind::Status)
    });
    let failed = mdsync(&config, &events);
    assert_eq!(failed.status.code(), Some(1), "{}", text(&failed));
    remote.sim.clear_faults();
    // Exit 2: bad input, said before anything is read.
    let bad = mdsync(
        &config,
        &[
            "sync",
            "aggregated",
            "--to",
            "Regional",
            "--data-sets",
            "not-an-id",
            "--org-units",
            district.as_str(),
            "--period",
            "last-year",
        ],
    );
    assert_eq!(bad.status.code(), Some(2), "{}", text(&bad));
    assert_eq!(
        remote.sim.with_stores(|_, _, t| t.event_count()),
        arrived,
        "nothing written twice"
    );
}
