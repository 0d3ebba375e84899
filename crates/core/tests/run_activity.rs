//! The offer to resume must not take a run still going in another tab (or on another computer,
//! or in the CLI) for an interrupted one: the journal's last write is the run's heartbeat.

mod faults_support;
mod support;

use std::time::Duration;

use dhis2_sim::{FaultKind, FaultRule};
use faults_support::{Kind, World};
use mdsync_core::clock::Clock;
use mdsync_core::sync::{
    unfinished_runs_for, RunActivity, ACTIVE_RUN_WINDOW_MILLIS, HEARTBEAT_MILLIS,
};

#[test]
fn a_journal_written_lately_is_a_run_going_elsewhere_and_an_old_one_is_offered() {
    let world = World::new(Kind::Metadata);
    // Cut short at the first import: a journal is left, written at the start of the run.
    let mut rule = FaultRule::new("/api/metadata*", FaultKind::LoginPage);
    rule.method = Some("POST".into());
    rule.times = Some(1);
    world.fault(&world.target, rule);
    let outcome = world.run().expect("the run starts");
    assert!(outcome.resumable);
    let (storage, manager) = world.open("admin");
    let listed = world
        .clock
        .run(unfinished_runs_for(&storage, manager.actor()))
        .expect("listed");
    assert_eq!(listed.len(), 1);
    let run = &listed[0];
    assert!(run.updated_millis > 0, "the journal carries its heartbeat");

    // Read right away (another tab opening the app while the run goes on, or the run's tab just
    // closed): shown as maybe running elsewhere, and still offered.
    let now = world.clock.now_millis();
    assert!(
        matches!(run.activity(now), RunActivity::Running { seconds_ago } if seconds_ago < 60),
        "{:?}",
        run.activity(now)
    );
    assert!(run.offer_to_resume());

    // Nothing written for longer than the window: the run was cut short, and is offered.
    world
        .clock
        .advance(Duration::from_millis(ACTIVE_RUN_WINDOW_MILLIS + 1000));
    let later = world.clock.now_millis();
    assert_eq!(run.activity(later), RunActivity::Interrupted);
    assert!(run.offer_to_resume());
}

#[test]
fn a_run_that_reads_for_long_keeps_its_journal_alive_without_writing_it_constantly() {
    let world = World::new(Kind::Metadata);
    // Every read of the origin takes 100 s (a slow link, big exports): minutes of reading before
    // the first write.
    world.fault(
        &world.source,
        FaultRule {
            method: Some("GET".into()),
            latency_ms: Some(100_000),
            ..FaultRule::new("/api/*", FaultKind::Latency)
        },
    );
    // Then the first import meets the login page: the run stops and keeps its journal.
    let mut login = FaultRule::new("/api/metadata*", FaultKind::LoginPage);
    login.method = Some("POST".into());
    world.fault(&world.target, login);
    world.local.clear_request_log();
    let start = world.clock.now_millis();
    let outcome = world.run().expect("the run starts");
    assert!(outcome.resumable);
    let elapsed = world.clock.now_millis() - start;
    assert!(
        elapsed > ACTIVE_RUN_WINDOW_MILLIS,
        "the reads outlast the window: {elapsed} ms"
    );
    let run_id = outcome.report.run_id.expect("a journal");
    let journal_writes = world
        .local
        .request_log()
        .iter()
        .filter(|r| r.method != "GET" && r.path.ends_with(&format!("run-{run_id}")))
        .count() as u64;
    // Touched about every 30 s while it read (created, ~elapsed / 30 s beats, the last save),
    // and no more: the heartbeat is bounded both ways.
    let beats = elapsed / HEARTBEAT_MILLIS;
    assert!(
        journal_writes + 1 >= beats && journal_writes <= beats + 3,
        "{journal_writes} journal writes in {elapsed} ms"
    );
}
