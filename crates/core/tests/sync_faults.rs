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
use mdsync_core::sync::aggregated::SliceStatus;
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
}

struct Case {
    fault: &'static str,
    side: Side,
    rule: fn() -> FaultRule,
    expect: Expect,
    /// Kinds that answer otherwise, and why.
    except: &'static [(Kind, Expect)],
}

impl Case {
    fn expect_for(&self, kind: Kind) -> Expect {
        self.except
            .iter()
            .find(|(k, _)| *k == kind)
            .map_or(self.expect, |(_, expect)| *expect)
    }
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
        except: &[],
    },
    Case {
        fault: "500 on the 3rd import chunk",
        side: Side::Writes,
        rule: || status(500, 3, Some(1)),
        expect: Expect::Failure {
            says: "500",
            resumable: false,
        },
        except: &[],
    },
    Case {
        fault: "a request that never answers",
        side: Side::Reads,
        rule: || once(FaultKind::NeverAnswer, 2),
        expect: Expect::Success { retries: 1 },
        except: &[],
    },
    Case {
        fault: "dropped connection during a read",
        side: Side::Reads,
        rule: || once(FaultKind::Drop, 2),
        expect: Expect::Success { retries: 1 },
        except: &[],
    },
    Case {
        fault: "dropped connection during a write",
        side: Side::Writes,
        rule: || once(FaultKind::Drop, 2),
        expect: Expect::Success { retries: 1 },
        except: &[],
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
        except: &[],
    },
    Case {
        fault: "401 mid-run",
        side: Side::Writes,
        rule: || status(401, 3, None),
        expect: Expect::Failure {
            says: "refused",
            resumable: true,
        },
        except: &[],
    },
    Case {
        fault: "409 conflict on an import",
        side: Side::Writes,
        rule: || status(409, 2, Some(1)),
        expect: Expect::Failure {
            says: "Conflict",
            resumable: false,
        },
        except: &[],
    },
    Case {
        fault: "413 on an import",
        side: Side::Writes,
        rule: || status(413, 2, Some(1)),
        // Every kind sends the refused chunk (a tracker page) again in halves.
        expect: Expect::Success { retries: 1 },
        except: &[],
    },
    Case {
        fault: "414 on a read over the URL limit",
        side: Side::Reads,
        // Every GET longer than the server's limit (see `url_limit`) is refused, as a server
        // or a proxy with a limit below the engine's does.
        rule: || FaultRule {
            status: Some(414),
            ..FaultRule::new("/api/*", FaultKind::Status)
        },
        // Reads by id ask again in halves, data value reads split their org units in halves:
        // nothing fails and nothing is retried. (Smaller tracker pages are tested below.)
        expect: Expect::Success { retries: 0 },
        except: &[],
    },
];

/// The URL limit of the "414" case's server. Real limits are thousands of bytes and the
/// worlds' URLs are short, so the limit stands in for one: below the longest read that names a
/// list of ids (so that it bites where the engine can split), and never below a read with a
/// fixed form (no server refuses a system info or a tracker page for real). A kind with no
/// read to split (deletions read the target's version only; the events kinds read pages of
/// one org unit and programs by one id) meets a limit it never reaches.
fn url_limit(reference: &Reference) -> usize {
    (reference.longest_read * 3 / 4).max(reference.longest_fixed_read)
}

/// Adds the case's fault where it belongs for `world`'s kind.
fn inject(world: &World, case: &Case, reference: &Reference) {
    let mut rule = (case.rule)();
    if rule.status == Some(414) {
        // A limit, not an accident: every read longer than it is refused, every time.
        rule.url_longer_than = Some(url_limit(reference));
        rule.method = Some("GET".to_string());
        for sim in read_sims(world) {
            world.fault(sim, rule.clone());
        }
        return;
    }
    let sims: Vec<&Sim> = match case.side {
        Side::Everywhere => vec![&world.source, &world.target],
        Side::Writes => vec![&world.target],
        Side::Reads => read_sims(world),
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

/// What an undisturbed run of a kind leaves: the target's state, and the imports it took.
struct Reference {
    state: BTreeSet<String>,
    posts: usize,
    /// Objects the target's report counts (created, updated, ignored…).
    total: u64,
    /// The longest URL (path and query) the run read from the side where read faults go.
    longest_read: usize,
    /// The longest of those reads that names no list of ids: one no engine can shorten.
    longest_fixed_read: usize,
}

/// Whether a read names several ids in one list (`filter=id:in:[a,b]`, `orgUnit=a,b`): a read
/// the engine can ask for in parts. Any other read has a fixed form.
fn names_id_list(query: &str) -> bool {
    let is_uid = |s: &str| s.len() == 11 && s.chars().all(|c| c.is_ascii_alphanumeric());
    query
        .replace("%5B", "&")
        .replace("%5D", "&")
        .split('&')
        .filter_map(|param| param.rsplit([':', '=']).next())
        .any(|value| {
            let items: Vec<&str> = value.split([',', ';']).collect();
            items.len() > 1 && items.iter().all(|item| is_uid(item))
        })
}

/// The instances a kind reads from during its run (where [`Side::Reads`] faults go): the
/// source, or the target for deletions (their origin was read when the plan was made).
fn read_sims(world: &World) -> Vec<&Sim> {
    match world.kind {
        Kind::Deletions => vec![&world.target],
        _ => vec![&world.source],
    }
}

/// The target after an undisturbed run of `world`'s kind; the world is reset afterwards.
fn undisturbed(world: &World) -> Reference {
    let kind = world.kind;
    world.reset();
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
    let reads: Vec<(usize, bool)> = read_sims(world)
        .into_iter()
        .flat_map(|sim| sim.request_log())
        .filter(|request| request.method == "GET")
        .map(|request| {
            (
                request.path.len() + 1 + request.query.len(),
                names_id_list(&request.query),
            )
        })
        .collect();
    let longest = |fixed_only: bool| {
        reads
            .iter()
            .filter(|(_, list)| !(fixed_only && *list))
            .map(|(bytes, _)| *bytes)
            .max()
            .unwrap_or(0)
    };
    let (longest_read, longest_fixed_read) = (longest(false), longest(true));
    Reference {
        state: world.target_state(),
        posts: world.target_posts(),
        total: outcome.report.targets.first().map_or(0, |t| t.stats.total),
        longest_read,
        longest_fixed_read,
    }
}

/// Runs one case in `world` (reset first); says what happened, or why the case failed.
fn run_case(world: &World, case: &Case, reference: &Reference) -> Result<String, String> {
    let kind = world.kind;
    world.reset();
    inject(world, case, reference);
    let start = world.clock.now_millis();
    let outcome = world
        .run()
        .map_err(|error| format!("the run did not start: {error}"))?;
    let elapsed = world.clock.now_millis() - start;
    let report = &outcome.report;
    let message = first_message(&outcome);
    let target = report.targets.first();
    let expect = case.expect_for(kind);
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
    if case.fault.starts_with("414") {
        let limit = url_limit(reference);
        let refused = world.faults_fired();
        if reference.longest_read > limit && refused == 0 {
            return Err(format!(
                "no read over the {limit}-byte limit was refused (the longest is {})",
                reference.longest_read
            ));
        }
        said.push_str(&format!(
            "; {refused} read(s) over {limit} B refused (longest {} B)",
            reference.longest_read
        ));
    }
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
    let answered_before = world.target_posts_answered();
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
        let resumed_target = &resumed.report.targets[0];
        let (done_before, done_after) = match kind {
            // Chunks (metadata, deletions) or slices (aggregated) that reached the target.
            Kind::Metadata | Kind::Deletions => (
                target.map_or(0, |t| {
                    t.chunks.iter().filter(|c| c.status.is_some()).count()
                }),
                resumed_target.chunks.len(),
            ),
            // Slices that reached the target (one import each) are not sent again: the resume
            // sends what the undisturbed run sent, less those.
            Kind::Aggregated => (
                target.map_or(0, |t| {
                    t.aggregated.as_ref().map_or(0, |a| {
                        a.slices
                            .iter()
                            .filter(|s| s.status == SliceStatus::Written)
                            .count()
                    })
                }),
                reference.posts,
            ),
            // Pages that reached the target (one import each, answered) are read again but not
            // sent: the resume sends what the undisturbed run sent, less those.
            Kind::Events | Kind::TrackedEntities => (answered_before, reference.posts),
        };
        if matches!(kind, Kind::Events | Kind::TrackedEntities) && answered_before == 0 {
            return Err("no page reached the target before the stop: nothing to skip".into());
        }
        let new_chunks = done_after.saturating_sub(done_before);
        if sent_again != new_chunks {
            return Err(format!(
                "{sent_again} import(s) sent on resume for {new_chunks} new chunk(s): completed ones were sent again"
            ));
        }
        if matches!(kind, Kind::Events | Kind::TrackedEntities)
            && resumed_target.stats.total != reference.total
        {
            return Err(format!(
                "the resumed report counts {} objects, an undisturbed run {}: it does not cover the whole run",
                resumed_target.stats.total, reference.total
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
    if world.target_state() != reference.state {
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

/// A cell of the matrix: fault, kind, what happened (or why the case failed).
type Cell = (&'static str, &'static str, Result<String, String>);

#[test]
fn the_fault_matrix_holds_for_every_sync_kind() {
    // Each kind in its own thread (its worlds are its own); rows in the order of the kinds.
    let results: Vec<Vec<Cell>> = std::thread::scope(|scope| {
        let handles: Vec<_> = Kind::ALL
            .into_iter()
            .map(|kind| {
                scope.spawn(move || {
                    // One world per kind, seeded once and reset before every run.
                    let world = World::new(kind);
                    let reference = undisturbed(&world);
                    CASES
                        .iter()
                        .map(|case| (case.fault, kind.name(), run_case(&world, case, &reference)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|handle| handle.join().expect("a kind's cases ran"))
            .collect()
    });
    let mut rows = Vec::new();
    let mut failures = Vec::new();
    for (fault, kind, result) in results.into_iter().flatten() {
        match result {
            Ok(outcome) => rows.push((fault, kind, outcome)),
            Err(why) => {
                rows.push((fault, kind, format!("FAILED: {why}")));
                failures.push(format!("{fault} × {kind}: {why}"));
            }
        }
    }
    let table = render(&rows);
    println!("{table}");
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("fault-matrix.txt");
    let _ = std::fs::write(&path, &table);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The outcome of a cell in a few words, for the grid.
fn short(outcome: &str) -> String {
    if outcome.starts_with("FAILED") {
        return "FAILED".into();
    }
    let retries = outcome
        .split(", ")
        .nth(1)
        .and_then(|part| part.split(' ').next())
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or(0);
    match outcome {
        o if o.contains("→ resumed") => "stops, resumed".into(),
        o if o.contains("→ rerun") => "fails, rerun".into(),
        _ if retries > 0 => format!("ok, {retries} retr."),
        _ => "ok".into(),
    }
}

/// Faults down, kinds across, then every cell in full.
fn render(rows: &[(&str, &str, String)]) -> String {
    let kinds: Vec<&str> = Kind::ALL.iter().map(|kind| kind.name()).collect();
    let fault_width = CASES.iter().map(|case| case.fault.len()).max().unwrap_or(5);
    let mut grid = format!("{:<fault_width$}", "fault \\ kind");
    let widths: Vec<usize> = kinds.iter().map(|kind| kind.len().max(14)).collect();
    for (kind, width) in kinds.iter().zip(&widths) {
        grid.push_str(&format!("  {kind:<width$}"));
    }
    grid.push('\n');
    for case in CASES {
        grid.push_str(&format!("{:<fault_width$}", case.fault));
        for (kind, width) in kinds.iter().zip(&widths) {
            let cell = rows
                .iter()
                .find(|(fault, k, _)| *fault == case.fault && k == kind)
                .map_or("-".to_string(), |(_, _, outcome)| short(outcome));
            grid.push_str(&format!("  {cell:<width$}"));
        }
        grid.push('\n');
    }
    let grid: Vec<&str> = grid.lines().map(str::trim_end).collect();
    format!("{}\n\n{}", grid.join("\n"), details(rows))
}

fn details(rows: &[(&str, &str, String)]) -> String {
    let width = rows
        .iter()
        .map(|(fault, _, _)| fault.len())
        .max()
        .unwrap_or(5)
        .max(5);
    let mut text = format!("{:<width$}  {:<16}  outcome\n", "fault", "kind");
    text.push_str(&format!(
        "{}  {}  {}\n",
        "-".repeat(width),
        "-".repeat(16),
        "-".repeat(40)
    ));
    for (fault, kind, outcome) in rows {
        text.push_str(&format!("{fault:<width$}  {kind:<16}  {outcome}\n"));
    }
    text
}

/// A 414 on one data read, whatever its length (a proxy may count headers too): data value
/// reads ask again for their org units in halves, tracker reads in smaller pages; the run
/// succeeds without a retry and leaves what an undisturbed run leaves. (The matrix's 414 is
/// a URL limit, which these kinds' short pages never reach.)
#[test]
fn a_data_read_refused_as_too_long_is_asked_for_again_in_parts() {
    std::thread::scope(|scope| {
        for kind in [Kind::Aggregated, Kind::Events, Kind::TrackedEntities] {
            scope.spawn(move || {
                let world = World::new(kind);
                let reference = undisturbed(&world);
                world.reset();
                let path = if kind == Kind::Aggregated {
                    "/api/dataValueSets*"
                } else {
                    "/api/tracker/*"
                };
                let mut rule = status(414, 2, Some(1));
                rule.path_pattern = path.into();
                rule.method = Some("GET".into());
                world.fault(&world.source, rule);
                let outcome = world.run().expect("the run starts");
                let name = kind.name();
                assert!(
                    outcome.report.succeeded(),
                    "{name}: {}",
                    first_message(&outcome)
                );
                assert_eq!(world.faults_fired(), 1, "{name}: the 414 was answered");
                assert_eq!(
                    outcome.report.retries(),
                    0,
                    "{name}: asked again, not retried"
                );
                assert_eq!(world.target_state(), reference.state, "{name}: converges");
            });
        }
    });
}
