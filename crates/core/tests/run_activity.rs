//! The offer to resume must not take a run still going in another tab (or on another computer,
//! or in the CLI) for an interrupted one: the journal's last write is the run's heartbeat.

mod faults_support;
mod support;

use std::time::Duration;

use dhis2_sim::{FaultKind, FaultRule};
use faults_support::{Kind, World};
use mdsync_core::clock::Clock;
use mdsync_core::sync::{unfinished_runs_for, RunActivity, ACTIVE_RUN_WINDOW_MILLIS};

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
