//! Aggregated writes as server jobs: large chunks (or every chunk, when asked) go with
//! `async=true` and are followed through `system/tasks` to their summary, which counts the same
//! as a synchronous answer; a job that fails is a failed destination, not a success.

mod aggregated_common;
mod support;

use std::sync::Arc;

use aggregated_common::*;
use dhis2_sim::metadata::JobBehaviour;
use dhis2_sim::{DemoSide, Sim};
use mdsync_core::sync::aggregated::{AggregatedSyncOptions, AsyncImports};
use mdsync_core::sync::TargetStatus;

fn imports(sim: &Arc<Sim>) -> (usize, usize) {
    let log = sim.request_log();
    let posts: Vec<_> = log
        .iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/dataValueSets"))
        .collect();
    let jobs = posts
        .iter()
        .filter(|r| r.query.contains("async=true"))
        .count();
    (posts.len(), jobs)
}

fn task_polls(sim: &Arc<Sim>) -> usize {
    sim.request_log()
        .iter()
        .filter(|r| r.method == "GET" && r.path.contains("/system/task"))
        .count()
}

#[test]
fn imports_asked_to_run_as_jobs_are_followed_to_the_same_result() {
    for (from, to) in [("2.41", "2.30"), ("2.36", "2.42")] {
        let origin = demo("origin", from, DemoSide::Source);
        let destination = empty_copy("destination", to);
        destination.set_job_behaviour(JobBehaviour {
            polls_until_done: 2,
            fail_with: None,
        });
        let options = AggregatedSyncOptions {
            async_imports: AsyncImports::Always,
            chunk_values: 500,
            ..AggregatedSyncOptions::default()
        };
        let report = run(&origin, &destination, &anc_district(), &options);
        let target = &report.targets[0];
        assert_eq!(
            target.status,
            TargetStatus::Success,
            "{from}→{to}: {target:?}"
        );
        assert_eq!(target.request_count, destination.request_log().len());
        let (posts, jobs) = imports(&destination);
        assert!(posts > 1, "{posts}");
        assert_eq!(jobs, posts, "every chunk went as a job");
        assert!(task_polls(&destination) >= 2 * posts, "polled to the end");
        let expected = district_values(&origin);
        assert_eq!(district_values(&destination), expected);
        assert_eq!(target.stats.created as usize, expected.len());

        // A second run, also as jobs: nothing new; unchanged values counted as the version
        // counts them (updated before DHIS2-15254, ignored after).
        destination.clear_request_log();
        let again = run(&origin, &destination, &anc_district(), &options);
        let target = &again.targets[0];
        assert_eq!(target.stats.created, 0, "{target:?}");
        let at: dhis2_sim::SimVersion = to.parse().expect("test versions are valid");
        let unchanged = if dhis2_sim::data_values::import::ignores_unchanged(at) {
            target.stats.ignored
        } else {
            target.stats.updated
        };
        assert_eq!(unchanged as usize, expected.len());
        assert_eq!(district_values(&destination), expected);
    }
}

#[test]
fn only_large_chunks_go_as_jobs_unless_told_otherwise() {
    let origin = demo("origin", "2.40", DemoSide::Source);
    let values = district_values(&origin).len();
    // The district's year is under the threshold: one chunk per slice, each a plain import.
    assert!(
        values > 100 && values < AsyncImports::FROM_VALUES,
        "{values}"
    );
    let destination = empty_copy("destination", "2.40");
    let report = run(
        &origin,
        &destination,
        &anc_district(),
        &AggregatedSyncOptions::default(),
    );
    assert_eq!(report.targets[0].status, TargetStatus::Success);
    let (posts, jobs) = imports(&destination);
    assert!(posts >= 1);
    assert_eq!(jobs, 0);
    assert_eq!(task_polls(&destination), 0);
    assert_eq!(district_values(&destination), district_values(&origin));
    assert!(AsyncImports::Auto.for_chunk(AsyncImports::FROM_VALUES));
    assert!(!AsyncImports::Auto.for_chunk(AsyncImports::FROM_VALUES - 1));
    assert!(!AsyncImports::Never.for_chunk(1_000_000));
}

#[test]
fn a_job_that_fails_fails_the_destination_and_says_why() {
    let origin = demo("origin", "2.39", DemoSide::Source);
    let destination = empty_copy("destination", "2.39");
    destination.set_job_behaviour(JobBehaviour {
        polls_until_done: 1,
        fail_with: Some("Database is out of space".into()),
    });
    let options = AggregatedSyncOptions {
        async_imports: AsyncImports::Always,
        ..AggregatedSyncOptions::default()
    };
    let report = run(&origin, &destination, &anc_district(), &options);
    let target = &report.targets[0];
    assert_eq!(target.status, TargetStatus::Error, "{target:?}");
    let said = target
        .errors
        .iter()
        .map(|e| e.message.clone())
        .collect::<Vec<_>>()
        .join(" ");
    assert!(said.contains("Database is out of space"), "{said}");
    assert_eq!(target.stats.created, 0);
    assert!(district_values(&destination).is_empty(), "nothing kept");
}
