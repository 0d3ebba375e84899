//! `mdsync sync events` with the built binary against simulated instances served over HTTP:
//! the demo's origin (this instance, with the event and tracker programs' data) and a remote
//! with the same metadata and no tracker data yet.

mod support;

use dhis2_sim::seed::rng::uid;
use dhis2_sim::DemoSide;
use support::{configure, demo_server, mdsync, text, TempDir};

fn tracker_counts(sim: &dhis2_sim::Sim) -> (usize, usize, usize) {
    sim.with_stores(|_, _, tracker| {
        (
            tracker.tracked_entity_count(),
            tracker.enrollment_count(),
            tracker.event_count(),
        )
    })
}

#[test]
fn events_and_tracked_entities_are_pushed_dry_run_first_and_bad_input_is_refused() {
    let local = demo_server("local", "2.38", DemoSide::Source);
    let remote = demo_server("remote", "2.41", DemoSide::Source);
    remote.sim.with_stores(|_, _, tracker| tracker.clear());
    let dir = TempDir::new("events");
    let config = configure(&dir, &local, "Regional", &remote);
    let province = uid("ou:province:0");
    let event_program = uid("program:Inpatient morbidity and mortality");
    let tracker_program = uid("program:Child programme");
    let sync = |programs: &str, extra: &[&str]| {
        let mut args = vec![
            "sync",
            "events",
            "--to",
            "Regional",
            "--programs",
            programs,
            "--org-units",
            province.as_str(),
            "--children",
            "--start",
            "2024-01-01",
            "--end",
            "2024-12-31",
        ];
        args.extend_from_slice(extra);
        mdsync(&config, &args)
    };

    let dry = sync(&event_program, &["--dry-run", "--json"]);
    assert_eq!(dry.status.code(), Some(0), "{}", text(&dry));
    let report: serde_json::Value = serde_json::from_slice(&dry.stdout).expect("JSON report");
    assert_eq!(report["kind"], "events");
    assert_eq!(report["dryRun"], true);
    assert_eq!(
        tracker_counts(&remote.sim),
        (0, 0, 0),
        "a dry run wrote events"
    );

    let pushed = sync(&event_program, &["--all-events"]);
    assert_eq!(pushed.status.code(), Some(0), "{}", text(&pushed));
    let said = text(&pushed);
    assert!(said.contains("Events sync from"), "{said}");
    assert!(said.contains("Regional (2.41"), "{said}");
    assert!(said.contains("events: created"), "{said}");
    let events = tracker_counts(&remote.sim).2;
    assert!(events > 50, "{said}");
    assert!(!said.contains("district\""), "no secret in the output");

    // A few children of the tracker program, with new UIDs and no relationships.
    let children: Vec<String> = (0..3).map(|i| uid(&format!("te:child:{i}"))).collect();
    let chosen = children.join(",");
    let country = uid("ou:country");
    let tracked = mdsync(
        &config,
        &[
            "sync",
            "events",
            "--to",
            "Regional",
            "--programs",
            &tracker_program,
            "--org-units",
            &country,
            "--children",
            "--start",
            "2024-01-01",
            "--end",
            "2024-12-31",
            "--tracked-entities",
            &chosen,
            "--new-uids",
            "--no-geometry",
            "--no-relationships",
            "--json",
        ],
    );
    assert_eq!(tracked.status.code(), Some(0), "{}", text(&tracked));
    let report: serde_json::Value = serde_json::from_slice(&tracked.stdout).expect("JSON report");
    let created = |name: &str| {
        report["targets"][0]["typeStats"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|t| t["typeName"] == name)
            .map_or(0, |t| t["stats"]["created"].as_u64().unwrap_or(0))
    };
    assert_eq!(created("trackedEntities"), 3);
    assert_eq!(created("enrollments"), 3);
    let (entities, enrollments, _) = tracker_counts(&remote.sim);
    assert_eq!((entities, enrollments), (3, 3));
    let ids: Vec<String> = remote.sim.with_stores(|_, _, t| {
        t.tracked_entities()
            .filter_map(|e| e["trackedEntity"].as_str().map(str::to_string))
            .collect()
    });
    assert!(ids.iter().all(|id| !children.contains(id)), "new UIDs");

    // Bad input: exit 2 with a message, before any instance is contacted.
    let bad = sync("not-an-id", &[]);
    assert_eq!(bad.status.code(), Some(2), "{}", text(&bad));
    assert!(text(&bad).contains("not-an-id"), "{}", text(&bad));
    let both = sync(
        &event_program,
        &["--events", &uid("event:ipd:1"), "--all-events"],
    );
    assert_eq!(both.status.code(), Some(2), "{}", text(&both));
    let no_period = mdsync(
        &config,
        &[
            "sync",
            "events",
            "--to",
            "Regional",
            "--programs",
            &event_program,
            "--org-units",
            &province,
        ],
    );
    assert_eq!(no_period.status.code(), Some(2), "{}", text(&no_period));
}

#[test]
fn a_destination_that_lacks_the_program_type_exits_1_and_receives_nothing() {
    let local = demo_server("local", "2.35", DemoSide::Source);
    let remote = demo_server("remote", "2.42", DemoSide::Source);
    remote.sim.with_stores(|metadata, _, tracker| {
        tracker.clear();
        let id = uid("program:Child programme");
        let mut program = metadata.get("programs", &id).cloned().expect("program");
        program["trackedEntityType"] = serde_json::json!({ "id": uid("tet:Other") });
        metadata.insert("programs", program).expect("program");
    });
    let dir = TempDir::new("events-mismatch");
    let config = configure(&dir, &local, "Regional", &remote);
    let failed = mdsync(
        &config,
        &[
            "sync",
            "events",
            "--to",
            "Regional",
            "--programs",
            &uid("program:Child programme"),
            "--org-units",
            &uid("ou:province:0"),
            "--children",
            "--period",
            "last-year",
        ],
    );
    assert_eq!(failed.status.code(), Some(1), "{}", text(&failed));
    assert!(
        text(&failed).contains("tracked entity type"),
        "{}",
        text(&failed)
    );
    assert!(remote
        .sim
        .request_log()
        .iter()
        .all(|r| !(r.method == "POST" && r.path.contains("tracker"))));

    // As aggregated values the program's type does not matter, the mapping does: with no
    // aggregated data element mapped, the destination is told so and gets nothing.
    let aggregated = mdsync(
        &config,
        &[
            "sync",
            "events",
            "--to",
            "Regional",
            "--programs",
            &uid("program:Child programme"),
            "--org-units",
            &uid("ou:province:0"),
            "--children",
            "--period",
            "last-year",
            "--as-aggregated",
            "monthly",
        ],
    );
    assert_eq!(aggregated.status.code(), Some(1), "{}", text(&aggregated));
    assert!(
        text(&aggregated).contains("Nothing to send as aggregated values"),
        "{}",
        text(&aggregated)
    );
    assert!(remote
        .sim
        .request_log()
        .iter()
        .all(|r| r.method != "POST"
            || !(r.path.contains("tracker") || r.path.contains("dataValueSets"))));
}
