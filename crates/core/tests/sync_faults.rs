//! The fault matrix: every sync kind against every fault the simulator injects, on a test
//! clock (no real waiting). For each: the report's status and message are true to what
//! happened, history is written, the origin received no write, and a rerun — or a resume,
//! when the run stopped half-way — converges to the destination state of an undisturbed run.
//! The table (fault × kind → outcome) is printed and written to
//! `target/tmp/fault-matrix.txt`, where `cargo xtask test` shows it.

mod faults_support;
mod support;

use std::collections::BTreeSet;

use dhis2_sim::{FaultKind, FaultRule, Sim};
use faults_support::{Kind, World};
use mdsync_core::clock::Clock;
use mdsync_core::sync::{load_from_history, load_journal, RunOutcome, TargetStatus};

/// Where a fault hits.
#[derive(Clone, Copy)]
enum Side {
    /// Reads of the kind: the origin for metadata; the target for deletions (their origin was
    /// read when the plan was made).
    Reads,
    /// The target's imports.
    Writes,
    Everywhere,
}

/// What a run under the fault must report.
#[derive(Clone, Copy)]
enum Expect {
    /// Success, with at least this many retries.
    Success { retries: usize },
    /// A failure whose message contains `says`; `resumable` when it stopped half-way.
    Failure { says: &'static str, resumable: bool },
    /// Differs by kind.
    ByKind {
        metadata: &'static Expect,
        deletions: &'static Expect,
    },
}

impl Expect {
    fn for_kind(self, kind: Kind) -> Expect {
        match (self, kind) {
            (Expect::ByKind { metadata, .. }, Kind::Metadata) => *metadata,
            (Expect::ByKind { deletions, .. }, Kind::Deletions) => *deletions,
            (expect, _) => expect,
        }
    }
}

struct Case {
    fault: &'static str,
    side: Side,
    rule: fn() -> FaultRule,
    expect: Expect,
}

fn status(status: u16, nth: u32, times: Option<u32>) -> FaultRule {
    FaultRule {
        status: Some(status),
        nth: Some(nth),
        times,
        ..FaultRule::new("/api/*", FaultKind::Status)
    }
}

fn once(kind: FaultKind, nth: u32) -> FaultRule {
    FaultRule {
        nth: Some(nth),
        times: Some(1),
        ..FaultRule::new("/api/*", kind)
    }
}

const CASES: &[Case] = &[
    Case {
        fault: "2 s latency on every request",
        side: Side::Everywhere,
        rule: || FaultRule {
            latency_ms: Some(2000),
            ..FaultRule::new("/api/*", FaultKind::Latency)
        },
        expect: Expect::Success { retries: 0 },
    },
    Case {
        fault: "500 on the 3rd import chunk",
        side: Side::Writes,
        rule: || status(500, 3, Some(1)),
        expect: Expect::Failure {
            says: "500",
            resumable: false,
        },
    },
    Case {
        fault: "a request that never answers",
        side: Side::Reads,
        rule: || once(FaultKind::NeverAnswer, 2),
        expect: Expect::Success { retries: 1 },
    },
    Case {
        fault: "dropped connection during a read",
        side: Side::Reads,
        rule: || once(FaultKind::Drop, 2),
        expect: Expect::Success { retries: 1 },
    },
    Case {
        fault: "dropped connection during a write",
        side: Side::Writes,
        rule: || once(FaultKind::Drop, 2),
        expect: Expect::Success { retries: 1 },
    },
    Case {
        fault: "login page after the 2nd chunk",
        side: Side::Writes,
        rule: || FaultRule {
            nth: Some(3),
            ..FaultRule::new("/api/*", FaultKind::LoginPage)
        },
        expect: Expect::Failure {
            says: "login page",
            resumable: true,
        },
    },
    Case {
        fault: "401 mid-run",
        side: Side::Writes,
        rule: || status(401, 3, None),
        expect: Expect::Failure {
            says: "refused",
            resumable: true,
        },
    },
    Case {
        fault: "409 conflict on an import",
        side: Side::Writes,
        rule: || status(409, 2, Some(1)),
        expect: Expect::Failure {
            says: "Conflict",
            resumable: false,
        },
    },
    Case {
        fault: "413 on an import",
        side: Side::Writes,
        rule: || status(413, 2, Some(1)),
        expect: Expect::Success { retries: 1 },
    },
    Case {
        fault: "414 on a read",
        side: Side::Reads,
        rule: || status(414, 3, Some(1)),
        // Reads by id ask again in halves; a read with no ids to split (the version a
        // deletion run reads) cannot be made shorter.
        expect: Expect::ByKind {
            metadata: &Expect::Success { retries: 0 },
            deletions: &Expect::Failure {
                says: "414",
                resumable: false,
            },
        },
    },
];

/// Adds the case's fault where it belongs for `kind`.
fn inject(world: &World, case: &Case) {
    let mut rule = (case.rule)();
    let sims: Vec<&Sim> = match (case.side, world.kind) {
        (Side::Everywhere, _) => vec![&world.source, &world.target],
        (Side::Writes, _) | (Side::Reads, Kind::Deletions) => vec![&world.target],
        (Side::Reads, Kind::Metadata) => vec![&world.source],
    };
    if let (Side::Reads, Kind::Deletions) = (case.side, world.kind) {
        // A deletion run reads the target once (its version) before it writes.
        rule.nth = Some(1);
    }
    rule.method = Some(match case.side {
        Side::Writes => "POST".to_string(),
        Side::Reads => "GET".to_string(),
        Side::Everywhere => return sims.iter().for_each(|sim| world.fault(sim, rule.clone())),
    });
    for sim in sims {
        world.fault(sim, rule.clone());
    }
}

/// The target after an undisturbed run of `kind`.
fn undisturbed(kind: Kind) -> BTreeSet<String> {
    let world = World::new(kind);
    let outcome = world.run().expect("an undisturbed run starts");
    assert!(
        outcome.report.succeeded(),
        "undisturbed {} run: {:?}",
        kind.name(),
        outcome
            .report
            .targets
            .iter()
            .map(|t| &t.errors)
            .collect::<Vec<_>>()
    );
    world.target_state()
}

/// Runs one case; says what happened, or why the case failed.
fn run_case(kind: Kind, case: &Case, reference: &BTreeSet<String>) -> Result<String, String> {
    let world = World::new(kind);
    inject(&world, case);
    let start = world.clock.now_millis();
    let outcome = world
        .run()
        .map_err(|error| format!("the run did not start: {error}"))?;
    let elapsed = world.clock.now_millis() - start;
    let report = &outcome.report;
    let message = first_message(&outcome);
    let target = report.targets.first();
    let expect = case.expect.for_kind(kind);
    let mut said = match expect {
        Expect::Success { retries } => {
            if !report.succeeded() {
                return Err(format!(
                    "expected success, got {:?}: {message}",
                    report.overall_status()
                ));
            }
            if report.retries() < retries {
                return Err(format!(
                    "expected {retries}+ retries, counted {}",
                    report.retries()
                ));
            }
            format!(
                "{:?}, {} retr{}",
                report.overall_status(),
                report.retries(),
                if report.retries() == 1 { "y" } else { "ies" }
            )
        }
        Expect::ByKind { .. } => return Err("an expectation by kind for one kind".into()),
        Expect::Failure { says, resumable } => {
            if report.succeeded() {
                return Err("expected a failure, the report says success".into());
            }
            if !message.contains(says) {
                return Err(format!("the message does not say {says:?}: {message}"));
            }
            if outcome.resumable != resumable {
                return Err(format!(
                    "resumable is {}, expected {resumable}",
                    outcome.resumable
                ));
            }
            if target.is_some_and(|t| t.retries > 0) && resumable {
                return Err(format!(
                    "{} retries after a refused session: a retry storm",
                    report.retries()
                ));
            }
            format!("{:?} \"{}\"", report.overall_status(), says)
        }
    };
    if case.fault.starts_with("2 s latency")
        && elapsed
            < 2000
                * report
                    .targets
                    .iter()
                    .map(|t| t.request_count as u64)
                    .sum::<u64>()
    {
        return Err(format!("the latency was not waited: {elapsed} ms"));
    }
    let summary = outcome
        .history
        .as_ref()
        .map_err(|error| format!("history not written: {error}"))?;
    let (storage, _) = world.open("admin");
    let stored = world
        .clock
        .run(load_from_history(&storage, &summary.id))
        .map_err(|error| error.to_string())?
        .ok_or("the history entry is missing")?;
    if stored.overall_status() != report.overall_status() {
        return Err("history says another status".into());
    }
    let writes = world.writes_to_origin();
    if !writes.is_empty() {
        return Err(format!("the origin was written to: {writes:?}"));
    }
    world.clear_faults();
    let posts_before = world.target_posts();
    let converged = if outcome.resumable {
        let run_id = report
            .run_id
            .clone()
            .ok_or("a resumable run without an id")?;
        let resumed = world
            .resume(&run_id)
            .map_err(|error| format!("resume: {error}"))?;
        if world
            .clock
            .run(load_journal(&storage, &run_id))
            .map_err(|e| e.to_string())?
            .is_some()
        {
            return Err("the journal of a finished run was left".into());
        }
        let sent_again = world.target_posts() - posts_before;
        let completed_before = target.map_or(0, |t| {
            t.chunks.iter().filter(|c| c.status.is_some()).count()
        });
        let resumed_target = &resumed.report.targets[0];
        let new_chunks = resumed_target.chunks.len().saturating_sub(completed_before);
        if sent_again != new_chunks {
            return Err(format!(
                "{sent_again} import(s) sent on resume for {new_chunks} new chunk(s): completed ones were sent again"
            ));
        }
        if resumed.report.resumed != 1 {
            return Err("the resumed report does not say it was resumed".into());
        }
        said.push_str(" → resumed");
        resumed
    } else if matches!(expect, Expect::Failure { .. }) {
        said.push_str(" → rerun");
        world.run().map_err(|error| format!("rerun: {error}"))?
    } else {
        outcome
    };
    if !converged.report.succeeded() {
        return Err(format!("did not converge: {}", first_message(&converged)));
    }
    if world.target_state() != *reference {
        return Err("the target differs from an undisturbed run".into());
    }
    said.push_str(", converges");
    Ok(said)
}

fn first_message(outcome: &RunOutcome) -> String {
    let report = &outcome.report;
    report
        .errors
        .iter()
        .chain(report.targets.iter().flat_map(|t| t.errors.iter()))
        .map(|e| e.message.clone())
        .next()
        .unwrap_or_else(|| {
            report
                .targets
                .iter()
                .find(|t| t.status != TargetStatus::Success)
                .map(|t| format!("{:?}", t.status))
                .unwrap_or_default()
        })
}

#[test]
fn the_fault_matrix_holds_for_every_sync_kind() {
    let mut rows = Vec::new();
    let mut failures = Vec::new();
    for kind in Kind::ALL {
        let reference = undisturbed(kind);
        for case in CASES {
            match run_case(kind, case, &reference) {
                Ok(outcome) => rows.push((case.fault, kind.name(), outcome)),
                Err(why) => {
                    rows.push((case.fault, kind.name(), format!("FAILED: {why}")));
                    failures.push(format!("{} × {}: {why}", case.fault, kind.name()));
                }
            }
        }
    }
    let table = render(&rows);
    println!("{table}");
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("fault-matrix.txt");
    let _ = std::fs::write(&path, &table);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn render(rows: &[(&str, &str, String)]) -> String {
    let width = rows
        .iter()
        .map(|(fault, _, _)| fault.len())
        .max()
        .unwrap_or(5)
        .max(5);
    let mut text = format!("{:<width$}  {:<9}  outcome\n", "fault", "kind");
    text.push_str(&format!(
        "{}  {}  {}\n",
        "-".repeat(width),
        "-".repeat(9),
        "-".repeat(40)
    ));
    for (fault, kind, outcome) in rows {
        text.push_str(&format!("{fault:<width$}  {kind:<9}  {outcome}\n"));
    }
    text
}
