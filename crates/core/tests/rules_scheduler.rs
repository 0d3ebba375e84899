//! The scheduler against the simulator, on a test clock: due and not due, missed runs
//! collapsed, a run still going skipped, the heartbeat, a rule changed while it runs, and a
//! failed run recorded. No test waits for real time.

mod rules_common;
mod support;

use std::cell::RefCell;
use std::future::Future;
use std::rc::Rc;
use std::time::Duration;

use dhis2_sim::{FaultKind, FaultRule};
use mdsync_core::clock::Clock;
use mdsync_core::dhis2::retry::RequestTimeouts;
use mdsync_core::rules::{
    create_rule, get_rule, iso_utc, read_heartbeat, update_rule, Heartbeat, RuleDraft, Scheduler,
    SchedulerError, SchedulerEvent, SchedulerOptions, SchedulerStatus,
};
use mdsync_core::storage::keys;
use mdsync_core::sync::{list_history, HistorySummary, TargetStatus};
use rules_common::*;

type Events = Rc<RefCell<Vec<SchedulerEvent>>>;

fn recorder() -> (Events, impl Fn(SchedulerEvent)) {
    let events: Events = Rc::default();
    let sink = Rc::clone(&events);
    (events, move |event| sink.borrow_mut().push(event))
}

fn options(host: &str) -> SchedulerOptions {
    SchedulerOptions::new(host)
}

/// A configurator's rule from here to the remote on `schedule`, switched on now.
fn scheduled_rule(world: &World, remote: &str, name: &str, schedule: &str) -> String {
    let (storage, configurator) = world.open("configurator");
    let mut draft = constants_rule(name, remote);
    draft.schedule = Some(schedule.into());
    draft.enabled = true;
    world
        .run(create_rule(
            &configurator,
            &storage,
            &draft,
            world.clock.now_millis(),
        ))
        .expect("rule created")
        .summary
        .id
}

/// The history entries of a rule, oldest first.
fn history_of(world: &World, rule_id: &str) -> Vec<HistorySummary> {
    let (storage, admin) = world.open("admin");
    let mut entries: Vec<HistorySummary> = world
        .run(list_history(&storage, admin.actor()))
        .expect("history")
        .into_iter()
        .filter(|entry| entry.rule_id.as_deref() == Some(rule_id))
        .collect();
    entries.reverse();
    entries
}

fn count(events: &Events, wanted: fn(&SchedulerEvent) -> bool) -> usize {
    events.borrow().iter().filter(|e| wanted(e)).count()
}

/// Runs the scheduler (as admin) until `stop` completes.
fn run_until<F: Future<Output = ()>>(
    world: &World,
    host: &str,
    events: &dyn Fn(SchedulerEvent),
    stop: F,
) {
    let (storage, admin) = world.open("admin");
    world.run(async {
        let scheduler =
            Scheduler::start(&admin, &storage, world.clock.clone(), options(host), events)
                .await
                .expect("scheduler started");
        scheduler.run_until(stop).await;
    });
}

fn run_once(world: &World, events: &dyn Fn(SchedulerEvent)) {
    let (storage, admin) = world.open("admin");
    world.run(async {
        let scheduler = Scheduler::start(
            &admin,
            &storage,
            world.clock.clone(),
            options("alpha"),
            events,
        )
        .await
        .expect("scheduler started");
        scheduler.run_due_once(futures::future::pending()).await;
    });
}

#[test]
fn a_rule_runs_when_due_and_not_before_as_the_schedulers_account() {
    let world = World::new("2.40");
    let remote = world.configured_remote();
    let id = scheduled_rule(&world, &remote, "Nightly", "0 0 2 ? * *");
    let (events, sink) = recorder();

    // 10:00: the next run is at 02:00 tomorrow.
    run_once(&world, &sink);
    assert!(history_of(&world, &id).is_empty());
    assert_eq!(
        count(&events, |e| matches!(
            e,
            SchedulerEvent::Reloaded { rules: 1 }
        )),
        1
    );

    world.clock.advance(Duration::from_secs(16 * 3600));
    run_once(&world, &sink);
    let history = history_of(&world, &id);
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].user.as_deref(), Some("admin"));
    assert_eq!(history[0].date, "2026-12-04T02:00:00Z");
    assert!(world.remote_has(CONSTANTS[0]));
    let (storage, configurator) = world.open("configurator");
    let rule = world
        .run(get_rule(&configurator, &storage, &id))
        .expect("rule");
    assert_eq!(
        rule.last_run.last_executed.as_deref(),
        Some("2026-12-04T02:00:00Z")
    );
    assert_eq!(rule.last_run.last_executed_by.as_deref(), Some("admin"));
    assert_eq!(rule.last_run.last_status, Some(TargetStatus::Success));
    assert_eq!(
        rule.last_run.last_history_id.as_deref(),
        Some(history[0].id.as_str())
    );

    // Run again at once: not due any more.
    run_once(&world, &sink);
    assert_eq!(history_of(&world, &id).len(), 1);

    // The heartbeat: last execution, and stopped (a `--once` run ends).
    let heartbeat = world
        .run(read_heartbeat(&storage))
        .expect("read")
        .expect("written");
    assert_eq!(
        heartbeat.last_execution.as_deref(),
        Some("2026-12-04T02:00:00Z")
    );
    assert_eq!(heartbeat.account, "admin");
    assert!(matches!(
        SchedulerStatus::of(Some(&heartbeat), world.clock.now_millis()),
        SchedulerStatus::Stopped { .. }
    ));
}

#[test]
fn a_rule_due_many_times_while_the_scheduler_was_down_runs_once() {
    let world = World::new("2.40");
    let remote = world.configured_remote();
    let id = scheduled_rule(&world, &remote, "Hourly", "0 0 * * * *");
    world.clock.advance(Duration::from_secs(5 * 3600 + 600));
    let (_, sink) = recorder();
    run_once(&world, &sink);
    assert_eq!(history_of(&world, &id).len(), 1);
    run_once(&world, &sink);
    assert_eq!(history_of(&world, &id).len(), 1);
}

#[test]
fn a_run_still_going_when_the_rule_is_due_again_is_skipped_and_noted() {
    let world = World::new("2.40");
    let remote = world.configured_remote();
    let id = scheduled_rule(&world, &remote, "Every ten seconds", "*/10 * * * * *");
    // Each write to the remote takes 25 s.
    let mut slow = FaultRule::new("/api/metadata", FaultKind::Latency);
    slow.method = Some("POST".into());
    slow.latency_ms = Some(25_000);
    world.remote.add_fault(slow);
    let (events, sink) = recorder();
    let clock = world.clock.clone();
    run_until(&world, "alpha", &sink, async move {
        clock.sleep(Duration::from_secs(65)).await;
    });
    let skipped = count(&events, |e| matches!(e, SchedulerEvent::RunSkipped { .. }));
    let started = count(&events, |e| matches!(e, SchedulerEvent::RunStarted { .. }));
    let finished = count(&events, |e| matches!(e, SchedulerEvent::RunFinished { .. }));
    assert!(skipped >= 2, "{:#?}", events.borrow());
    assert!(started >= 2, "{:#?}", events.borrow());
    // Every run started finished (the last one stopped cleanly) and is in history.
    assert_eq!(started, finished);
    assert_eq!(history_of(&world, &id).len(), finished);
    // Never two runs of the rule at once: starts and ends alternate.
    let mut running = 0i32;
    for event in events.borrow().iter() {
        match event {
            SchedulerEvent::RunStarted { .. } => running += 1,
            SchedulerEvent::RunFinished { .. } => running -= 1,
            _ => {}
        }
        assert!((0..=1).contains(&running));
    }
    let heartbeat = world.stored(keys::SCHEDULER).expect("heartbeat");
    let notes = heartbeat["notes"].to_string();
    assert!(notes.contains("skipped"), "{notes}");
    assert!(events
        .borrow()
        .contains(&SchedulerEvent::Stopping { running: 1 }));
}

#[test]
fn the_heartbeat_shows_a_running_scheduler_and_keeps_a_second_one_from_starting() {
    let world = World::new("2.40");
    let remote = world.configured_remote();
    scheduled_rule(&world, &remote, "Nightly", "0 0 2 ? * *");
    let (storage, admin) = world.open("admin");
    let seen: Rc<RefCell<Option<Heartbeat>>> = Rc::default();
    let (_, sink) = recorder();
    let clock = world.clock.clone();
    let seen_inside = Rc::clone(&seen);
    let storage_inside = &storage;
    run_until(&world, "alpha", &sink, async move {
        clock.sleep(Duration::from_secs(90)).await;
        *seen_inside.borrow_mut() = world_heartbeat(storage_inside).await;
    });
    let running = seen.borrow().clone().expect("heartbeat while running");
    let at_90s = world.clock.now_millis();
    assert_eq!(running.host, "alpha");
    assert_eq!(
        running.next_execution.as_deref(),
        Some("2026-12-04T02:00:00Z")
    );
    assert!(SchedulerStatus::of(Some(&running), at_90s).is_running());
    assert!(matches!(
        SchedulerStatus::of(Some(&running), at_90s + 4 * 60_000),
        SchedulerStatus::Silent { .. }
    ));
    assert_eq!(
        SchedulerStatus::of(None, at_90s),
        SchedulerStatus::NeverStarted
    );

    // A fresh heartbeat of "alpha": "beta" refuses to start, unless forced; "alpha" may.
    let mut fresh = running.clone();
    fresh.beat = iso_utc(world.clock.now_millis());
    world
        .run(storage.write(keys::SCHEDULER, &fresh))
        .expect("written");
    let (_, sink) = recorder();
    let start = |host: &str, force: bool| {
        let mut options = options(host);
        options.force = force;
        world
            .run(Scheduler::start(
                &admin,
                &storage,
                world.clock.clone(),
                options,
                &sink,
            ))
            .map(|_| ())
    };
    match start("beta", false) {
        Err(SchedulerError::AnotherScheduler { host, .. }) => assert_eq!(host, "alpha"),
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert!(start("beta", true).is_ok());
    assert!(start("alpha", false).is_ok());
    // Once stale, nothing holds a new scheduler back.
    world.clock.advance(Duration::from_secs(181));
    assert!(start("beta", false).is_ok());
}

async fn world_heartbeat(
    storage: &mdsync_core::storage::Storage<support::clocked::ClockedSimTransport>,
) -> Option<Heartbeat> {
    read_heartbeat(storage).await.ok().flatten()
}

#[test]
fn a_rule_changed_while_the_scheduler_runs_takes_effect_at_the_next_reload() {
    let world = World::new("2.40");
    let remote = world.configured_remote();
    let id = scheduled_rule(&world, &remote, "Nightly", "0 0 2 ? * *");
    let (configurator_storage, configurator) = world.open("configurator");
    let (events, sink) = recorder();
    let clock = world.clock.clone();
    let changed_at = Rc::new(RefCell::new(0u64));
    let changed = Rc::clone(&changed_at);
    let (storage, manager, rule_id) = (&configurator_storage, &configurator, id.clone());
    run_until(&world, "alpha", &sink, async move {
        clock.sleep(Duration::from_secs(30)).await;
        let rule = get_rule(manager, storage, &rule_id).await.expect("rule");
        let mut draft = RuleDraft::of(&rule);
        draft.schedule = Some("*/20 * * * * *".into());
        update_rule(manager, storage, &rule_id, &draft, clock.now_millis())
            .await
            .expect("changed");
        *changed.borrow_mut() = clock.now_millis();
        clock.sleep(Duration::from_secs(100)).await;
    });
    let history = history_of(&world, &id);
    assert!(history.len() >= 3, "{history:?}");
    // Nothing ran before the change was read (the reload a minute after the start).
    assert_eq!(history[0].date, "2026-12-03T10:01:00Z");
    assert!(*changed_at.borrow() > 0);
    assert!(count(&events, |e| matches!(e, SchedulerEvent::Reloaded { .. })) >= 2);
}

#[test]
fn a_failed_run_is_recorded_in_history_and_in_the_rule() {
    let world = World::new("2.40");
    let remote = world.configured_remote();
    let id = scheduled_rule(&world, &remote, "Hourly", "0 0 * * * *");
    let mut broken = FaultRule::new("/api/metadata", FaultKind::Status);
    broken.method = Some("POST".into());
    broken.status = Some(500);
    world.remote.add_fault(broken);
    world.clock.advance(Duration::from_secs(3600));
    let (events, sink) = recorder();
    run_once(&world, &sink);
    let history = history_of(&world, &id);
    assert_eq!(history.len(), 1);
    assert!(history[0].status.is_failure(), "{:?}", history[0].status);
    assert!(events.borrow().iter().any(|e| matches!(
        e,
        SchedulerEvent::RunFinished { status, .. } if status.is_failure()
    )));
    let (storage, configurator) = world.open("configurator");
    let rule = world
        .run(get_rule(&configurator, &storage, &id))
        .expect("rule");
    assert!(rule.last_run.last_status.is_some_and(|s| s.is_failure()));
    assert_eq!(rule.last_run.last_successful_sync, None);
}

#[test]
fn an_instance_s_changed_time_limits_apply_from_the_scheduler_s_next_run() {
    let world = World::new("2.40");
    let remote = world.configured_remote();
    let (configurator_storage, configurator) = world.open("configurator");
    let limits = |connect_seconds, total_seconds| RequestTimeouts {
        connect_seconds,
        total_seconds,
    };
    world
        .run(configurator.set_timeouts(&configurator_storage, &remote, Some(limits(7, 60))))
        .expect("limits set");
    let id = scheduled_rule(&world, &remote, "Every minute", "0 * * * * *");
    let (_events, sink) = recorder();
    let clock = world.clock.clone();
    let (storage, manager, remote_id) = (&configurator_storage, &configurator, remote.clone());
    // One scheduler process throughout: a run at 10:01 with the first limits, then they change,
    // then a run at 10:02.
    run_until(&world, "alpha", &sink, async move {
        clock.sleep(Duration::from_secs(90)).await;
        manager
            .set_timeouts(storage, &remote_id, Some(limits(11, 60)))
            .await
            .expect("limits changed");
        clock.sleep(Duration::from_secs(60)).await;
    });
    assert!(history_of(&world, &id).len() >= 2);
    let remote_url = world.remote.base_url().to_string();
    let applied: Vec<u64> = support::clocked::connect_limits_set()
        .into_iter()
        .filter(|(url, _)| *url == remote_url)
        .map(|(_, connect)| connect.as_secs())
        .collect();
    let changed = applied
        .iter()
        .position(|&seconds| seconds == 11)
        .unwrap_or_else(|| panic!("the changed limit never reached the transport: {applied:?}"));
    assert!(
        changed > 0,
        "the first run had the first limit: {applied:?}"
    );
    assert!(applied[..changed].iter().all(|&seconds| seconds == 7));
    assert!(applied[changed..].iter().all(|&seconds| seconds == 11));
}
