//! Contract test: the simulator's responses have the shape of real DHIS2 recordings.
//!
//! One row per recording in `DHIS2_REFERENCE_DIR/recorded` (default
//! `<repo>/../shared/dhis2-reference/recorded`) whose endpoint the simulator serves: the request
//! to replay (after setup steps) on a simulator of the row's version, and the deliberate,
//! explained exceptions. Shapes are compared key by key: every key of the recording must exist
//! in the simulator's answer with the same JSON type, recursively (array elements against the
//! simulator's first element). Keys only the simulator has are listed but allowed: the
//! recordings are trimmed. `null` in a recording matches anything. Rows marked `exact` compare
//! whole bodies (messages included).
mod contract_support;
mod platform_support;

use contract_support::compare;

use dhis2_sim::SimRequest;
use platform_support::*;
use serde_json::Value;

/// A request: (user or "" for anonymous XHR, method, path, body).
type Step = (&'static str, &'static str, String, Option<String>);

struct Row {
    recording: &'static str,
    version: &'static str,
    /// Builds the setup steps and the request from the recording.
    steps: fn(&Value) -> (Vec<Step>, Step),
    exact: bool,
    /// (JSON path as printed by the comparison, why the difference is deliberate).
    exceptions: &'static [(&'static str, &'static str)],
}

fn get(user: &'static str, path: &str) -> Step {
    (user, "GET", path.to_string(), None)
}

fn post(path: &str, body: &str) -> Step {
    ("admin", "POST", path.to_string(), Some(body.to_string()))
}

fn rows() -> Vec<Row> {
    vec![
        Row {
            recording: "systeminfo/system_info.json",
            version: "2.41",
            steps: |_| (vec![], get("admin", "/api/system/info")),
            exact: false,
            exceptions: &[],
        },
        Row {
            recording: "user/user37.json",
            version: "2.37",
            steps: |_| (vec![], get("admin", "/api/me")),
            exact: false,
            exceptions: &[],
        },
        Row {
            recording: "user/user38.json",
            version: "2.38",
            steps: |_| (vec![], get("admin", "/api/me")),
            exact: false,
            exceptions: &[],
        },
        Row {
            recording: "user/user_unauthorized.json",
            version: "2.39",
            steps: |_| (vec![], get("", "/api/me")),
            exact: true,
            exceptions: &[],
        },
        Row {
            recording: "datastore/actions/namespace_key_post_201.json",
            version: "2.39",
            steps: |_| (vec![], post("/api/dataStore/android/config", "{}")),
            exact: true,
            exceptions: &[],
        },
        Row {
            recording: "datastore/actions/namespace_key_post_already_exists_409.json",
            version: "2.39",
            steps: |_| {
                let step = post("/api/dataStore/android/config", "{}");
                (vec![step.clone()], step)
            },
            exact: true,
            exceptions: &[],
        },
        Row {
            recording: "datastore/actions/namespace_key_put_200.json",
            version: "2.39",
            steps: |_| {
                let put = (
                    "admin",
                    "PUT",
                    "/api/dataStore/android/config".to_string(),
                    Some("{}".to_string()),
                );
                (vec![post("/api/dataStore/android/config", "{}")], put)
            },
            exact: true,
            exceptions: &[],
        },
        Row {
            recording: "datastore/actions/namespace_key_put_not_found_404.json",
            version: "2.39",
            steps: |_| {
                let put = (
                    "admin",
                    "PUT",
                    "/api/dataStore/android/config".to_string(),
                    Some("{}".to_string()),
                );
                (vec![], put)
            },
            exact: true,
            exceptions: &[],
        },
        Row {
            recording: "datastore/actions/namespace_key_deleted_200.json",
            version: "2.39",
            steps: |_| {
                let delete = (
                    "admin",
                    "DELETE",
                    "/api/dataStore/android/config".to_string(),
                    None,
                );
                (vec![post("/api/dataStore/android/config", "{}")], delete)
            },
            exact: true,
            exceptions: &[],
        },
        Row {
            recording: "datastore/actions/namespace_key_deleted_not_found_404.json",
            version: "2.39",
            steps: |_| {
                let delete = (
                    "admin",
                    "DELETE",
                    "/api/dataStore/android/config".to_string(),
                    None,
                );
                (vec![post("/api/dataStore/android/other", "{}")], delete)
            },
            exact: true,
            exceptions: &[],
        },
        Row {
            recording: "datastore/namespaces.json",
            version: "2.38",
            steps: |_| {
                let setup = vec![
                    post("/api/dataStore/capture/a", "1"),
                    post("/api/dataStore/scorecard/b", "1"),
                ];
                (setup, get("admin", "/api/dataStore"))
            },
            exact: true,
            exceptions: &[],
        },
        Row {
            recording: "datastore/namespace_capture.json",
            version: "2.38",
            steps: |recording| {
                (
                    entries_setup("capture", recording),
                    get("admin", "/api/dataStore/capture?fields=."),
                )
            },
            // The recording lists `summary` before `settings`; the simulator orders entries by
            // key (the query API's default order), so only the shape is compared.
            exact: false,
            exceptions: &[],
        },
        Row {
            recording: "datastore/namespace_scorecard.json",
            version: "2.40",
            steps: |recording| {
                (
                    entries_setup("scorecard", recording),
                    get("admin", "/api/dataStore/scorecard?fields=."),
                )
            },
            exact: true,
            exceptions: &[],
        },
        Row {
            recording: "headerbar/getModules.json",
            version: "2.39",
            steps: |_| {
                (
                    vec![],
                    get("admin", "/dhis-web-commons/menu/getModules.action"),
                )
            },
            exact: false,
            exceptions: &[],
        },
        Row {
            recording: "headerbar/me.json",
            version: "2.39",
            steps: |_| {
                (
                    vec![],
                    get(
                        "admin",
                        "/api/me?fields=authorities,avatar,email,name,settings",
                    ),
                )
            },
            exact: false,
            exceptions: &[],
        },
        Row {
            recording: "headerbar/systemInfo.json",
            version: "2.40",
            steps: |_| (vec![], get("admin", "/api/system/info")),
            exact: false,
            exceptions: &[],
        },
        Row {
            recording: "headerbar/dashboard.json",
            version: "2.40",
            steps: |_| (vec![], get("admin", "/api/me/dashboard")),
            exact: false,
            exceptions: &[],
        },
        Row {
            recording: "headerbar/userSettings.json",
            version: "2.40",
            steps: |_| (vec![], get("admin", "/api/userSettings")),
            exact: false,
            exceptions: &[(
                "$.keyTrackerDashboardLayout",
                "only stored once a user rearranges the tracker capture dashboard",
            )],
        },
    ]
}

/// Posts each recorded entry's value under its key, so the query answer can match exactly.
fn entries_setup(namespace: &str, recording: &Value) -> Vec<Step> {
    recording["entries"]
        .as_array()
        .map(|entries| {
            entries
                .iter()
                .map(|entry| {
                    let key = entry["key"].as_str().unwrap_or("key");
                    post(
                        &format!("/api/dataStore/{namespace}/{key}"),
                        &entry["value"].to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

fn run(sim: &dhis2_sim::Sim, (user, method, path, body): &Step) -> Value {
    let mut request = if user.is_empty() {
        SimRequest::new(method, path).with_header("X-Requested-With", "XMLHttpRequest")
    } else {
        as_user(user, method, path)
    };
    if let Some(body) = body {
        request = request
            .with_header("Content-Type", "application/json")
            .with_body(body.clone().into_bytes());
    }
    let response = sim.handle(request).expect("no faults in the contract test");
    response.body_json().unwrap_or(Value::Null)
}

#[test]
fn simulator_matches_the_recorded_shapes() {
    let mut failures = Vec::new();
    println!(
        "{:<62} {:<6} {:<8} {:>6} {:>6}",
        "recording", "sim", "result", "diffs", "extras"
    );
    for row in rows() {
        let file = reference_file(&format!("recorded/{}", row.recording));
        let text = std::fs::read_to_string(&file).expect("readable recording");
        let recorded: Value = serde_json::from_str(&text).expect("recordings are JSON");
        let sim = sim(row.version);
        let (setup, request) = (row.steps)(&recorded);
        setup.iter().for_each(|step| {
            run(&sim, step);
        });
        let simulated = run(&sim, &request);
        let (mut differences, mut extras) = (Vec::new(), Vec::new());
        compare("$", &recorded, &simulated, &mut differences, &mut extras);
        if row.exact && recorded != simulated {
            differences.push(format!(
                "body differs: recorded {recorded} simulated {simulated}"
            ));
        }
        let unexplained: Vec<&String> = differences
            .iter()
            .filter(|d| {
                !row.exceptions
                    .iter()
                    .any(|(path, _)| d.starts_with(&format!("{path}:")))
            })
            .collect();
        let result = if unexplained.is_empty() {
            "match"
        } else {
            "DIFFERS"
        };
        println!(
            "{:<62} {:<6} {:<8} {:>6} {:>6}",
            row.recording,
            row.version,
            result,
            differences.len(),
            extras.len()
        );
        for difference in &differences {
            let reason = row
                .exceptions
                .iter()
                .find(|(path, _)| difference.starts_with(&format!("{path}:")));
            match reason {
                Some((_, why)) => println!("    {difference} (deliberate: {why})"),
                None => println!("    {difference}"),
            }
        }
        failures.extend(
            unexplained
                .into_iter()
                .map(|d| format!("{}: {d}", row.recording)),
        );
    }
    assert!(
        failures.is_empty(),
        "unexplained differences:\n{}",
        failures.join("\n")
    );
}
