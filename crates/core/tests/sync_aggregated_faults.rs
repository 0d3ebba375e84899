//! Bad input and failures of the aggregated engine: each said clearly, and nothing reported as
//! written that was not.

mod aggregated_common;
mod support;

use aggregated_common::*;
use dhis2_sim::{DemoSide, FaultKind, FaultRule};
use mdsync_core::dhis2::Dhis2Error;
use mdsync_core::rules::DatePeriod;
use mdsync_core::sync::aggregated::{
    AggregatedNote, AggregatedSelection, AggregatedSyncOptions, SliceStatus,
};
use mdsync_core::sync::metadata::SyncInstance;
use mdsync_core::sync::{
    CancellationToken, NoProgress, ReportNote, SyncProblem, SyncProgress, TargetStatus,
};

fn three_data_sets() -> AggregatedSelection {
    AggregatedSelection {
        data_sets: vec![
            anc_data_set(),
            dhis2_sim::seed::rng::uid("ds:Child health and immunization"),
            dhis2_sim::seed::rng::uid("ds:Malaria and HIV"),
        ],
        ..anc_district()
    }
}

#[test]
fn a_login_page_halfway_through_the_origin_gives_a_truthful_partial_report() {
    let origin = demo("origin", "2.40", DemoSide::Source);
    let destination = empty_copy("destination", "2.40");
    origin.add_fault(FaultRule {
        method: Some("GET".into()),
        nth: Some(2),
        ..FaultRule::new("/api/dataValueSets*", FaultKind::LoginPage)
    });
    let report = run(
        &origin,
        &destination,
        &three_data_sets(),
        &AggregatedSyncOptions::default(),
    );
    origin.clear_faults();
    assert!(!report.succeeded());
    assert!(
        report
            .errors
            .iter()
            .any(|e| e.message.contains("after 1 of 3 slice") && e.message.contains("login page")),
        "{:?}",
        report.errors
    );
    assert!(
        report.errors.iter().any(|e| matches!(
            &e.problem,
            Some(SyncProblem::OriginReadFailed {
                done: 1,
                total: 3,
                error: Dhis2Error::LoginPage { .. }
            })
        )),
        "{:?}",
        report.errors
    );
    let target = &report.targets[0];
    let details = target.aggregated.as_ref().unwrap();
    assert_eq!(details.slices.len(), 1);
    assert_eq!(details.slices[0].status, SliceStatus::Written);
    assert!(
        target
            .notes
            .iter()
            .any(|n| *n == AggregatedNote::StoppedAt { done: 1, total: 3 }.into()),
        "{:?}",
        target.notes
    );
    // What the report says landed is exactly what the destination holds.
    assert_eq!(district_values(&destination), district_values(&origin));
    assert_eq!(target.stats.created, details.slices[0].values);
}

#[test]
fn a_500_on_a_destination_stops_that_destination_and_the_others_go_on() {
    let origin = demo("origin", "2.41", DemoSide::Source);
    let failing = empty_copy("failing", "2.38");
    let healthy = empty_copy("healthy", "2.36");
    failing.add_fault(FaultRule {
        method: Some("POST".into()),
        nth: Some(2),
        status: Some(500),
        ..FaultRule::new("/api/dataValueSets*", FaultKind::Status)
    });
    let report = run_with(
        &origin,
        &[&failing, &healthy],
        &[],
        &three_data_sets(),
        &AggregatedSyncOptions::default(),
        &NoProgress,
        &CancellationToken::new(),
    );
    failing.clear_faults();
    let (bad, good) = (&report.targets[0], &report.targets[1]);
    assert_eq!(bad.status, TargetStatus::Error);
    assert!(
        bad.errors.iter().any(|e| e.message.contains("500")),
        "{:?}",
        bad.errors
    );
    let slices = &bad.aggregated.as_ref().unwrap().slices;
    assert_eq!(
        slices.iter().map(|s| s.status).collect::<Vec<_>>(),
        [SliceStatus::Written, SliceStatus::Failed]
    );
    assert_eq!(good.status, TargetStatus::Success);
    assert_eq!(good.aggregated.as_ref().unwrap().slices.len(), 3);
    assert_eq!(district_values(&failing), district_values(&origin));
}

#[test]
fn cancel_stops_between_chunks_and_says_what_was_written() {
    let origin = demo("origin", "2.40", DemoSide::Source);
    let destination = empty_copy("destination", "2.40");
    let cancel = CancellationToken::new();
    let progress = |event: SyncProgress| {
        if let SyncProgress::DataValues { slices_done: 1, .. } = event {
            cancel.cancel();
        }
    };
    let report = run_with(
        &origin,
        &[&destination],
        &[],
        &three_data_sets(),
        &AggregatedSyncOptions::default(),
        &progress,
        &cancel,
    );
    let target = &report.targets[0];
    assert_eq!(target.status, TargetStatus::Cancelled);
    assert_eq!(target.aggregated.as_ref().unwrap().slices.len(), 1);
    assert!(
        target
            .notes
            .iter()
            .any(|n| *n == AggregatedNote::StoppedAt { done: 1, total: 3 }.into()),
        "{:?}",
        target.notes
    );
    assert_eq!(district_values(&destination), district_values(&origin));
}

#[test]
fn values_the_destination_refuses_are_conflict_rows_and_the_run_goes_on() {
    // The demo destination lacks some data elements under the origin's ids: unmapped, their
    // values are refused one by one; the rest land.
    let origin = demo("origin", "2.40", DemoSide::Source);
    let destination = demo("destination", "2.41", DemoSide::Destination);
    let report = run(
        &origin,
        &destination,
        &anc_district(),
        &AggregatedSyncOptions::default(),
    );
    let target = &report.targets[0];
    assert_eq!(target.status, TargetStatus::Warning, "{:?}", target.errors);
    let details = target.aggregated.as_ref().unwrap();
    assert!(!details.conflicts.is_empty());
    let moved: Vec<String> = moved_ids("dataElements")
        .into_iter()
        .map(|(from, _)| from)
        .collect();
    assert!(details.conflicts.iter().all(|row| row
        .data_element
        .as_ref()
        .is_some_and(|de| moved.contains(de))
        || row.object.as_ref().is_some_and(|o| moved.contains(o))));
    assert!(
        details.conflicts[0].value.is_some(),
        "2.41 says which value"
    );
    assert!(
        target.notes.iter().any(|n| matches!(
            n,
            ReportNote::Aggregated {
                detail: AggregatedNote::MissingAtDestination { plural, .. }
            } if plural == "dataElements"
        )),
        "{:?}",
        target.notes
    );
    assert!(target.stats.created + target.stats.updated > 0);
    let csv = mdsync_core::sync::aggregated::conflicts_csv(&details.conflicts);
    assert_eq!(csv.lines().count(), details.conflicts.len() + 1);
}

#[test]
fn a_data_set_the_destination_lacks_is_said_before_anything_is_written() {
    let origin = demo("origin", "2.40", DemoSide::Source);
    let destination = demo("destination", "2.40", DemoSide::Destination);
    destination.clear_request_log();
    let selection = AggregatedSelection {
        data_sets: vec![stock_data_set()],
        ..anc_district()
    };
    let report = run(
        &origin,
        &destination,
        &selection,
        &AggregatedSyncOptions::default(),
    );
    let target = &report.targets[0];
    assert_eq!(target.status, TargetStatus::Error);
    assert!(
        target.errors[0]
            .message
            .contains(&format!("no data set {}", stock_data_set())),
        "{:?}",
        target.errors
    );
    assert_eq!(logged(&destination, "POST", "dataValueSets").0, 0);
}

#[test]
fn bad_selections_are_refused_with_what_to_do() {
    let origin = demo("origin", "2.40", DemoSide::Source);
    let destination = empty_copy("destination", "2.40");
    // `guest` captures data in the first province only.
    let as_guest = SyncInstance::new("origin", support::client_for(&origin, "guest"));
    let elsewhere = AggregatedSelection {
        org_units: vec![district(1, 0)],
        ..anc_district()
    };
    let report = run_instances(
        &as_guest,
        &[instance(&destination, "destination")],
        &[],
        &elsewhere,
        &AggregatedSyncOptions::default(),
        &NoProgress,
        &CancellationToken::new(),
    );
    assert!(
        report.errors[0].message.contains("outside the hierarchy"),
        "{:?}",
        report.errors
    );
    assert!(report.errors[0].message.contains(&district(1, 0)));
    assert!(
        matches!(
            &report.errors[0].problem,
            Some(SyncProblem::OutsideHierarchy { units, .. }) if units.contains(&district(1, 0))
        ),
        "{:?}",
        report.errors
    );
    assert!(report.targets.is_empty() && !report.succeeded());

    let reversed = AggregatedSelection {
        period: DatePeriod::Fixed {
            start: Some("2024-12-31".into()),
            end: Some("2024-01-01".into()),
        },
        ..anc_district()
    };
    let report = run(
        &origin,
        &destination,
        &reversed,
        &AggregatedSyncOptions::default(),
    );
    assert!(report.errors[0]
        .message
        .contains("ends (2024-01-01) before it starts"));
    assert!(destination.request_log().is_empty());
}
