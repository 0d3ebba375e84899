//! `mdsync sync aggregated` with the built binary against simulated instances served over HTTP:
//! the demo's origin (this instance) and a remote with the same metadata and no values yet.

mod support;

use dhis2_sim::seed::rng::uid;
use dhis2_sim::{DemoSide, Sim, SimRequest};
use support::{configure, demo_server, mdsync, text, TempDir, ADMIN_BASIC};

/// The values of the demo's ANC data set for a district's subtree in 2024, as `sim` holds them.
fn district_values(sim: &Sim, district: &str) -> Vec<String> {
    let path = format!(
        "/api/dataValueSets.json?dataSet={}&orgUnit={district}&children=true\
         &startDate=2024-01-01&endDate=2024-12-31",
        uid("ds:Reproductive health")
    );
    let request = SimRequest::new("GET", &path).with_header("Authorization", ADMIN_BASIC);
    let response = sim.handle(request).expect("answer");
    let body: serde_json::Value = serde_json::from_slice(&response.body).expect("JSON");
    let mut rows: Vec<String> = body["dataValues"]
        .as_array()
        .expect("values")
        .iter()
        .map(|v| {
            format!(
                "{} {} {} {} {}",
                v["dataElement"], v["period"], v["orgUnit"], v["categoryOptionCombo"], v["value"]
            )
        })
        .collect();
    rows.sort();
    rows
}

#[test]
fn a_district_year_is_pushed_dry_run_first_and_bad_input_is_refused() {
    let local = demo_server("local", "2.39", DemoSide::Source);
    let remote = demo_server("remote", "2.41", DemoSide::Source);
    remote.sim.with_stores(|_, values, _| values.clear());
    let dir = TempDir::new("aggregated");
    let config = configure(&dir, &local, "Regional", &remote);
    let district = uid("ou:district:0:0");
    let data_set = uid("ds:Reproductive health");
    let sync = |extra: &[&str]| {
        let mut args = vec![
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
        ];
        args.extend_from_slice(extra);
        mdsync(&config, &args)
    };

    let dry = sync(&["--dry-run", "--json"]);
    assert_eq!(dry.status.code(), Some(0), "{}", text(&dry));
    let report: serde_json::Value = serde_json::from_slice(&dry.stdout).expect("JSON report");
    assert_eq!(report["kind"], "aggregated");
    assert_eq!(report["dryRun"], true);
    assert!(
        district_values(&remote.sim, &district).is_empty(),
        "a dry run wrote values"
    );

    let pushed = sync(&[]);
    assert_eq!(pushed.status.code(), Some(0), "{}", text(&pushed));
    let said = text(&pushed);
    assert!(said.contains("Aggregated sync from"), "{said}");
    assert!(said.contains("Regional (2.41"), "{said}");
    let expected = district_values(&local.sim, &district);
    assert!(!expected.is_empty());
    assert_eq!(district_values(&remote.sim, &district), expected);
    assert!(!said.contains("district\""), "no secret in the output");

    let again = sync(&["--ignore-existing"]);
    assert_eq!(again.status.code(), Some(0), "{}", text(&again));
    assert!(
        text(&again).contains("already had were not sent"),
        "{}",
        text(&again)
    );

    let reversed = mdsync(
        &config,
        &[
            "sync",
            "aggregated",
            "--to",
            "Regional",
            "--data-sets",
            &data_set,
            "--org-units",
            &district,
            "--start",
            "2024-12-31",
            "--end",
            "2024-01-01",
        ],
    );
    assert_eq!(reversed.status.code(), Some(2), "{}", text(&reversed));
    assert!(
        text(&reversed).contains("before it starts"),
        "{}",
        text(&reversed)
    );
    let no_data = mdsync(
        &config,
        &[
            "sync",
            "aggregated",
            "--to",
            "Regional",
            "--org-units",
            &district,
            "--period",
            "last-year",
        ],
    );
    assert_eq!(no_data.status.code(), Some(2), "{}", text(&no_data));
}

#[test]
fn a_destination_without_the_data_set_exits_1_and_receives_nothing() {
    // The demo's destination has no stock data set: the run says so before writing, exits 1.
    let local = demo_server("local", "2.39", DemoSide::Source);
    let remote = demo_server("remote", "2.40", DemoSide::Destination);
    let data_set = uid("ds:Facility stock");
    let dir = TempDir::new("aggregated-missing");
    let config = configure(&dir, &local, "Regional", &remote);
    let district = uid("ou:district:0:0");
    let failed = mdsync(
        &config,
        &[
            "sync",
            "aggregated",
            "--to",
            "Regional",
            "--data-sets",
            &data_set,
            "--org-units",
            &district,
            "--children",
            "--start",
            "2024-01-01",
            "--end",
            "2024-12-31",
        ],
    );
    assert_eq!(failed.status.code(), Some(1), "{}", text(&failed));
    assert!(
        text(&failed).contains(&format!("no data set {data_set}")),
        "{}",
        text(&failed)
    );
    // The checks before the run named it first, on standard error.
    let warned = String::from_utf8_lossy(&failed.stderr).into_owned();
    assert!(
        warned.contains("Warning: Regional has")
            && warned.contains(&format!("dataSets {data_set}: not mapped")),
        "{warned}"
    );
    assert!(remote
        .sim
        .request_log()
        .iter()
        .all(|r| !(r.method == "POST" && r.path.contains("dataValueSets"))));
}

#[test]
fn org_unit_levels_and_groups_pick_the_units_and_async_imports_go_as_jobs() {
    let local = demo_server("local", "2.40", DemoSide::Source);
    let remote = demo_server("remote", "2.40", DemoSide::Source);
    remote.sim.with_stores(|_, values, _| values.clear());
    let dir = TempDir::new("aggregated-levels");
    let config = configure(&dir, &local, "Regional", &remote);
    let district = uid("ou:district:0:0");
    let data_set = uid("ds:Reproductive health");
    let sync = |extra: &[&str]| {
        let mut args = vec![
            "sync",
            "aggregated",
            "--to",
            "Regional",
            "--data-sets",
            data_set.as_str(),
            "--start",
            "2024-01-01",
            "--end",
            "2024-12-31",
        ];
        args.extend_from_slice(extra);
        mdsync(&config, &args)
    };
    let posts_with_async = |sim: &Sim| {
        sim.request_log()
            .iter()
            .filter(|r| r.method == "POST" && r.path.contains("dataValueSets"))
            .map(|r| r.query.contains("async=true"))
            .collect::<Vec<bool>>()
    };

    // Level 4 under the district (no --children): its facilities, each chunk a server job.
    remote.sim.clear_request_log();
    let by_level = sync(&[
        "--org-units",
        &district,
        "--org-unit-levels",
        "4",
        "--async",
        "always",
    ]);
    assert_eq!(by_level.status.code(), Some(0), "{}", text(&by_level));
    let expected = district_values(&local.sim, &district);
    assert!(!expected.is_empty());
    assert_eq!(district_values(&remote.sim, &district), expected);
    let posts = posts_with_async(&remote.sim);
    assert!(
        !posts.is_empty() && posts.iter().all(|&job| job),
        "{posts:?}"
    );

    // A group alone: its members in the whole hierarchy; never as jobs.
    remote.sim.with_stores(|_, values, _| values.clear());
    remote.sim.clear_request_log();
    let group = uid("oug:0");
    let by_group = sync(&["--org-unit-groups", &group, "--async", "never", "--json"]);
    assert_eq!(by_group.status.code(), Some(0), "{}", text(&by_group));
    let report: serde_json::Value = serde_json::from_slice(&by_group.stdout).expect("JSON");
    assert!(report["targets"][0]["stats"]["created"].as_u64() > Some(0));
    let in_district = district_values(&remote.sim, &district);
    assert!(!in_district.is_empty() && in_district.len() < expected.len());
    assert!(in_district.iter().all(|row| expected.contains(row)));
    let posts = posts_with_async(&remote.sim);
    assert!(
        !posts.is_empty() && posts.iter().all(|&job| !job),
        "{posts:?}"
    );

    // Level 0 and a missing "where" are refused before anything is read.
    let zero = sync(&["--org-unit-levels", "0"]);
    assert_eq!(zero.status.code(), Some(2), "{}", text(&zero));
    let nowhere = sync(&[]);
    assert_eq!(nowhere.status.code(), Some(2), "{}", text(&nowhere));
    assert!(text(&nowhere).contains("--org-units"), "{}", text(&nowhere));
}
