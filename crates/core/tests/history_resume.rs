//! What the History panel and the CLI rely on: unfinished runs listed, discarded and found again
//! (`--resume`) per user, entries read only by who may, an instance's own time limits (set
//! and honoured), and a stop that ends a retry wait at once — all through `core`, against the
//! simulator, on a test clock.

mod faults_support;
mod support;

use std::time::Duration;

use dhis2_sim::{FaultKind, FaultRule};
use faults_support::{Kind, World};
use mdsync_core::access::Actor;
use mdsync_core::clock::Clock;
use mdsync_core::dhis2::retry::RequestTimeouts;
use mdsync_core::instances::SetTimeoutsError;
use mdsync_core::sync::journal::JournalJob;
use mdsync_core::sync::metadata::MetadataSelection;
use mdsync_core::sync::{
    discard_run, load_journal, matching_unfinished_run, read_history_entry, same_metadata_objects,
    unfinished_runs_for, CancellationToken, SyncProgress, TargetStatus, HEARTBEAT_MILLIS,
};

fn login_page_on_first_import(world: &World) {
    let mut rule = FaultRule::new("/api/metadata*", FaultKind::LoginPage);
    rule.method = Some("POST".into());
    rule.times = Some(1);
    world.fault(&world.target, rule);
}

fn actor(world: &World, username: &str) -> Actor {
    let (_, manager) = world.open(username);
    manager.actor().clone()
}

#[test]
fn unfinished_runs_are_listed_for_who_may_see_them_and_discarded_by_them() {
    let world = World::new(Kind::Metadata);
    login_page_on_first_import(&world);
    let outcome = world.run().expect("the run starts");
    assert!(
        outcome.resumable,
        "a login page halfway leaves a resumable run"
    );
    let run_id = outcome.report.run_id.clone().expect("a run id");

    let (storage, _) = world.open("admin");
    let admin = actor(&world, "admin");
    let executor = actor(&world, "executor");
    let listed = world
        .clock
        .run(unfinished_runs_for(&storage, &admin))
        .expect("listed");
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].id, run_id);
    assert!(listed[0].resumable);
    assert_eq!(listed[0].destinations, 1);

    // A run-only user sees only their own runs, and cannot give up someone else's.
    let (executor_storage, _) = world.open("executor");
    let theirs = world
        .clock
        .run(unfinished_runs_for(&executor_storage, &executor))
        .expect("listed for the executor");
    assert!(theirs.is_empty(), "{theirs:?}");
    let discarded = world
        .clock
        .run(discard_run(&executor_storage, &executor, &run_id))
        .expect("answered");
    assert!(!discarded);
    assert!(world
        .clock
        .run(load_journal(&storage, &run_id))
        .expect("read")
        .is_some());

    // The one who may discards it: the journal goes, the history entry stays.
    let discarded = world
        .clock
        .run(discard_run(&storage, &admin, &run_id))
        .expect("discarded");
    assert!(discarded);
    assert!(world
        .clock
        .run(load_journal(&storage, &run_id))
        .expect("read")
        .is_none());
    assert!(world
        .clock
        .run(unfinished_runs_for(&storage, &admin))
        .expect("listed")
        .is_empty());
    let entry = world
        .clock
        .run(read_history_entry(&storage, &admin, &run_id))
        .expect("read")
        .expect("the interrupted attempt's history entry stays");
    assert_eq!(entry.summary.id, run_id);
}

#[test]
fn a_history_entry_is_read_in_full_only_by_who_may_read_it() {
    let world = World::new(Kind::Metadata);
    let outcome = world.run().expect("the run starts");
    let id = outcome.history.expect("saved to history").id;
    let (storage, _) = world.open("admin");
    let entry = world
        .clock
        .run(read_history_entry(&storage, &actor(&world, "admin"), &id))
        .expect("read")
        .expect("the administrator reads every entry");
    assert_eq!(entry.summary.id, id);
    assert_eq!(entry.report.targets.len(), outcome.report.targets.len());
    assert_eq!(
        entry.report.targets[0].type_stats,
        outcome.report.targets[0].type_stats
    );
    assert!(matches!(
        entry.summary.status,
        TargetStatus::Success | TargetStatus::Warning
    ));
    // The executor did not run it: not theirs to read.
    let (executor_storage, _) = world.open("executor");
    let hidden = world
        .clock
        .run(read_history_entry(
            &executor_storage,
            &actor(&world, "executor"),
            &id,
        ))
        .expect("answered");
    assert!(hidden.is_none());
    // No such entry: nothing, not an error.
    let missing = world
        .clock
        .run(read_history_entry(
            &storage,
            &actor(&world, "admin"),
            "noSuchRun01",
        ))
        .expect("answered");
    assert!(missing.is_none());
}

#[test]
fn an_instance_s_own_time_limit_is_honoured_by_a_run() {
    let world = World::new(Kind::Metadata);
    let (storage, _) = world.open("admin");
    let mut target = world
        .clock
        .run(storage.instances().list())
        .expect("instances")
        .into_iter()
        .find(|instance| instance.name == "Target")
        .expect("the target instance");
    target.timeouts = Some(RequestTimeouts {
        connect_seconds: 5,
        total_seconds: 25,
    });
    world
        .clock
        .run(storage.instances().save(&target))
        .expect("saved");
    let mut rule = FaultRule::new("/api/metadata*", FaultKind::NeverAnswer);
    rule.method = Some("POST".into());
    world.fault(&world.target, rule);

    let start = world.clock.now_millis();
    let outcome = world.run().expect("the run starts");
    assert!(outcome.report.targets[0].status.is_failure());
    let sleeps = world.clock.sleeps();
    assert!(
        sleeps.contains(&Duration::from_secs(25)),
        "the target's requests were timed with its own limit: {sleeps:?}"
    );
    // Besides the journal's heartbeat waits (at most 30 s), only the target's own limit was
    // waited: only the target hung, and it was cut at that limit, never at the default.
    let heartbeat = Duration::from_millis(HEARTBEAT_MILLIS);
    assert!(
        sleeps
            .iter()
            .all(|s| *s == Duration::from_secs(25) || *s <= heartbeat),
        "only the target hung, and it was cut at its own limit: {sleeps:?}"
    );
    assert!(!sleeps.contains(&RequestTimeouts::default().total()));
    // With the defaults, the first hung request alone would have taken longer than the run.
    assert!(world.clock.elapsed_since(start) < RequestTimeouts::default().total());
}

#[test]
fn a_stop_during_a_retry_wait_ends_the_run_at_once() {
    let world = World::new(Kind::Metadata);
    let mut rule = FaultRule::new("/api/metadata*", FaultKind::Status);
    rule.method = Some("POST".into());
    rule.status = Some(503);
    world.fault(&world.target, rule);
    let cancel = CancellationToken::new();
    let waits = std::cell::RefCell::new(Vec::new());
    let progress = |event: SyncProgress| {
        if let SyncProgress::Retrying { delay_ms, .. } = event {
            waits.borrow_mut().push(delay_ms);
            cancel.cancel();
        }
    };
    let start = world.clock.now_millis();
    let outcome = world.run_with(&progress, &cancel).expect("the run starts");
    let elapsed = world.clock.now_millis() - start;
    let waits = waits.into_inner();
    assert_eq!(
        waits.len(),
        1,
        "one retry announced, then the stop: {waits:?}"
    );
    assert!(
        elapsed < waits[0],
        "the run ended before the {} ms wait was over ({elapsed} ms)",
        waits[0]
    );
    let target = &outcome.report.targets[0];
    assert_eq!(target.retries, 0, "the retry announced was never made");
    assert_eq!(world.target_posts(), 1, "nothing sent after the stop");
    assert!(outcome.resumable, "a stopped run can be resumed");
}

#[test]
fn a_rerun_with_resume_finds_the_same_unfinished_run_and_nothing_else() {
    let world = World::new(Kind::Metadata);
    login_page_on_first_import(&world);
    let outcome = world.run().expect("the run starts");
    let run_id = outcome.report.run_id.clone().expect("a run id");
    let (storage, _) = world.open("admin");
    let journal = world
        .clock
        .run(load_journal(&storage, &run_id))
        .expect("read")
        .expect("kept");
    let JournalJob::Metadata { selection, .. } = &journal.job else {
        panic!("a metadata journal")
    };
    let admin = actor(&world, "admin");
    let find = |origin: &str, destinations: &[String], selection: &MetadataSelection| {
        world.clock.run(matching_unfinished_run(
            &storage,
            &admin,
            origin,
            destinations,
            |job| same_metadata_objects(job, selection),
        ))
    };
    // The same objects in another order: the same run.
    let mut reordered = selection.clone();
    reordered.ids.reverse();
    assert_eq!(
        find(&journal.origin, &journal.destinations, &reordered).expect("looked up"),
        Some(run_id.clone())
    );
    // Other objects, or another destination: a new run.
    let fewer = MetadataSelection::ids(selection.ids.iter().take(1).cloned());
    assert_eq!(
        find(&journal.origin, &journal.destinations, &fewer).expect("looked up"),
        None
    );
    assert_eq!(
        find(&journal.origin, &["otherInst01".to_string()], selection).expect("looked up"),
        None
    );
    // Someone else's run is not theirs to take up.
    let (executor_storage, _) = world.open("executor");
    let theirs = world.clock.run(matching_unfinished_run(
        &executor_storage,
        &actor(&world, "executor"),
        &journal.origin,
        &journal.destinations,
        |job| same_metadata_objects(job, selection),
    ));
    assert_eq!(theirs.expect("looked up"), None);
}

#[test]
fn time_limits_are_set_by_who_may_edit_the_instance_and_checked_first() {
    let world = World::new(Kind::Metadata);
    let (storage, configurator) = world.open("configurator");
    let target = world
        .clock
        .run(storage.instances().list())
        .expect("instances")
        .into_iter()
        .find(|instance| instance.name == "Target")
        .expect("the target instance");
    let id = target.id.to_string();
    let proxy = RequestTimeouts {
        connect_seconds: 10,
        total_seconds: 55,
    };
    let set = world
        .clock
        .run(configurator.set_timeouts(&storage, &id, Some(proxy)))
        .expect("set");
    assert_eq!(set, proxy);
    assert_eq!(
        world
            .clock
            .run(configurator.timeouts(&storage, &id))
            .expect("read"),
        proxy
    );
    let refused = world.clock.run(configurator.set_timeouts(
        &storage,
        &id,
        Some(RequestTimeouts {
            connect_seconds: 60,
            total_seconds: 30,
        }),
    ));
    assert!(
        matches!(refused, Err(SetTimeoutsError::Invalid(_))),
        "{refused:?}"
    );
    // A run-only user changes nothing.
    let (executor_storage, executor) = world.open("executor");
    let denied = world
        .clock
        .run(executor.set_timeouts(&executor_storage, &id, None));
    assert!(
        matches!(denied, Err(SetTimeoutsError::Instance(_))),
        "{denied:?}"
    );
    // Back to the defaults.
    let reset = world
        .clock
        .run(configurator.set_timeouts(&storage, &id, None))
        .expect("reset");
    assert_eq!(reset, RequestTimeouts::default());
    let stored = world
        .clock
        .run(storage.instances().get(&id))
        .expect("read")
        .expect("the instance");
    assert_eq!(stored.timeouts, None);
}

/// The list of unfinished runs says how many events and tracked entities arrived, not how many
/// pages: what it counts is what the destination holds.
#[test]
fn an_unfinished_events_run_counts_the_objects_that_arrived_not_its_pages() {
    for kind in [Kind::Events, Kind::TrackedEntities] {
        let world = World::new(kind);
        // The session ends after two pages were imported.
        world.fault(
            &world.target,
            FaultRule {
                nth: Some(3),
                method: Some("POST".into()),
                ..FaultRule::new("/api/*", FaultKind::LoginPage)
            },
        );
        let outcome = world.run().expect("the run starts");
        assert!(outcome.resumable, "{}: stopped half-way", kind.name());
        let run_id = outcome.report.run_id.clone().expect("a run id");
        let (storage, _) = world.open("admin");
        let journal = world
            .clock
            .run(load_journal(&storage, &run_id))
            .expect("read")
            .expect("the journal stays");
        let pages = journal.targets[0].written.len();
        let listed = world
            .clock
            .run(unfinished_runs_for(&storage, &actor(&world, "admin")))
            .expect("listed");
        assert_eq!(listed.len(), 1);
        let arrived = world.target_state().len();
        assert_eq!(pages, 2, "{}: two pages arrived", kind.name());
        assert_eq!(
            listed[0].written,
            arrived,
            "{}: the objects the target holds",
            kind.name()
        );
        assert!(arrived > pages, "{}: {arrived} objects", kind.name());
    }
}
