//! Contract test: the simulator's responses have the shape of real DHIS2 recordings.
//!
//! One row per recording in `DHIS2_REFERENCE_DIR/recorded` (default
//! `<repo>/../shared/dhis2-reference/recorded`) whose endpoint the simulator serves: the request
//! to replay (after setup steps) on a simulator of the row's version, and the deliberate,
//! explained exceptions. Shapes are compared key by key: every key of the recording must exist
//! in the simulator's answer with the same JSON type, recursively (array elements against the
//! simulator's first element). Keys only the simulator has are listed but allowed: the
//! recordings are trimmed. `null` in a recording matches anything; a non-empty recorded array
//! answered by an empty one is a difference (nothing could be compared). Rows marked `exact`
//! compare whole bodies (messages included). Rows with `answer_at` compare the part of the
//! simulator's answer a recording holds on its own (e.g. one ImportSummary).
mod contract_support;
#[path = "contract_support/data_rows.rs"]
mod data_rows;
#[path = "contract_support/new_tracker_rows.rs"]
mod new_tracker_rows;
#[path = "contract_support/platform_rows.rs"]
mod platform_rows;
mod platform_support;
#[path = "contract_support/tracker_rows.rs"]
mod tracker_rows;

use contract_support::compare;

use dhis2_sim::SimRequest;
use platform_support::*;
use serde_json::Value;

/// A request: (user or "" for anonymous XHR, method, path, body).
type Step = (&'static str, &'static str, String, Option<String>);

/// Metadata the simulator gets before the steps run.
#[derive(Clone, Copy)]
enum Seed {
    Nothing,
    /// `payloads/setup/metadata.json` and `payloads/aggregate/metadata.json`.
    Aggregate,
    /// `payloads/setup/metadata.json` and `payloads/setup/tracker_metadata.json`.
    Tracker,
}

struct Row {
    recording: &'static str,
    version: &'static str,
    seed: Seed,
    /// JSON pointer into the simulator's answer ("" = all of it).
    answer_at: &'static str,
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

fn delete(path: &str) -> Step {
    ("admin", "DELETE", path.to_string(), None)
}

/// Recordings of served endpoints that have no row, with the reason.
const NOT_SERVED: &[(&str, &str)] = &[
    (
        "datavalue/*.json",
        "/api/dataValues (single values) is not simulated",
    ),
    (
        "imports/relationship_*.json",
        "/api/relationships is not simulated",
    ),
];

fn rows() -> Vec<Row> {
    let mut rows = platform_rows::rows();
    rows.extend(data_rows::rows());
    rows.extend(tracker_rows::rows());
    rows.extend(new_tracker_rows::rows());
    rows
}

/// A reference file (recording or payload) as JSON.
fn reference(relative: &str) -> Value {
    let file = reference_file(relative);
    let text = std::fs::read_to_string(&file)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", file.display()));
    serde_json::from_str(&text)
        .unwrap_or_else(|error| panic!("{} is not JSON: {error}", file.display()))
}

fn seed(sim: &dhis2_sim::Sim, seed: Seed) {
    let payloads: &[&str] = match seed {
        Seed::Nothing => &[],
        Seed::Aggregate => &[
            "payloads/setup/metadata.json",
            "payloads/aggregate/metadata.json",
        ],
        Seed::Tracker => &[
            "payloads/setup/metadata.json",
            "payloads/setup/tracker_metadata.json",
        ],
    };
    for payload in payloads {
        let payload = reference(payload);
        sim.with_stores(|metadata, _, _| {
            for (plural, objects) in payload.as_object().into_iter().flatten() {
                for object in objects.as_array().into_iter().flatten() {
                    if let Err(error) = metadata.insert(plural, object.clone()) {
                        panic!("seeding {plural} failed: {error}");
                    }
                }
            }
        });
    }
}

/// Runs a step; `{job}` in its path stands for the id of the last tracker job answered.
fn run(sim: &dhis2_sim::Sim, step: &Step, job: &mut String) -> Value {
    let (user, method, path, body) = step;
    let path = path.replace("{job}", job);
    let answer = send_step(sim, &(*user, *method, path, body.clone()));
    if let Some(id) = answer.pointer("/response/id").and_then(Value::as_str) {
        *job = id.to_string();
    }
    answer
}

fn send_step(sim: &dhis2_sim::Sim, (user, method, path, body): &Step) -> Value {
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
        seed(&sim, row.seed);
        let (setup, request) = (row.steps)(&recorded);
        let mut job = String::new();
        setup.iter().for_each(|step| {
            run(&sim, step, &mut job);
        });
        let answer = run(&sim, &request, &mut job);
        let simulated = answer
            .pointer(row.answer_at)
            .cloned()
            .unwrap_or(Value::Null);
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
        // An exception no difference needs any more (the simulator was fixed) must go.
        failures.extend(
            row.exceptions
                .iter()
                .filter(|(path, _)| {
                    !differences
                        .iter()
                        .any(|d| d.starts_with(&format!("{path}:")))
                })
                .map(|(path, _)| format!("{}: stale exception {path}", row.recording)),
        );
        failures.extend(
            unexplained
                .into_iter()
                .map(|d| format!("{}: {d}", row.recording)),
        );
    }
    for (recordings, why) in NOT_SERVED {
        println!("{recordings:<62} not served: {why}");
    }
    assert!(
        failures.is_empty(),
        "unexplained differences:\n{}",
        failures.join("\n")
    );
}
