//! Bad input and failures of the events engine: each said clearly, the rest goes on where it
//! can, and nothing reported as written that was not.

mod events_common;
mod support;

use dhis2_sim::seed::rng::uid;
use dhis2_sim::{FaultKind, FaultRule};
use events_common::*;
use mdsync_core::sync::events::{
    EventsInputError, EventsNote, EventsProblem, EventsSelection, EventsSyncOptions, ProgramProblem,
};
use mdsync_core::sync::{CancellationToken, NoProgress, SyncProblem, SyncProgress, TargetStatus};

/// The typed refusal of an events run inside an error, if it is one.
fn events_problem(error: &mdsync_core::sync::SyncError) -> Option<&EventsProblem> {
    match &error.problem {
        Some(SyncProblem::Events { error }) => Some(error),
        _ => None,
    }
}

fn small_pages() -> EventsSyncOptions {
    EventsSyncOptions {
        page_size: 100,
        ..EventsSyncOptions::default()
    }
}

fn province_events() -> EventsSelection {
    EventsSelection {
        org_units: vec![province(0)],
        ..selection(&event_program())
    }
}

/// What the report says was created equals what the destination holds.
fn assert_truthful(
    report: &mdsync_core::sync::SyncReport,
    destination: &std::sync::Arc<dhis2_sim::Sim>,
) {
    let (entities, enrollments, events, relationships) = counts(destination);
    let created = |name: &str| {
        report.targets[0]
            .type_stats
            .iter()
            .find(|t| t.type_name == name)
            .map_or(0, |t| t.stats.created as usize)
    };
    assert_eq!(created("trackedEntities"), entities);
    assert_eq!(created("enrollments"), enrollments);
    assert_eq!(created("events"), events);
    assert_eq!(created("relationships"), relationships);
}

#[test]
fn a_login_page_halfway_through_the_origin_gives_a_truthful_partial_report() {
    for (from, path) in [("2.41", "/api/tracker/events*"), ("2.33", "/api/events*")] {
        let origin = demo("origin", from);
        let destination = empty_copy("destination", "2.40");
        origin.add_fault(FaultRule {
            method: Some("GET".into()),
            nth: Some(2),
            ..FaultRule::new(path, FaultKind::LoginPage)
        });
        let report = run(&origin, &destination, &province_events(), &small_pages());
        origin.clear_faults();
        assert!(!report.succeeded(), "{from}");
        assert!(
            report
                .errors
                .iter()
                .any(|e| e.message.contains("login page")),
            "{from}: {:?}",
            report.errors
        );
        assert!(
            report.origin_interrupted,
            "the run can be resumed once logged in"
        );
        let details = report.events.as_ref().unwrap();
        assert_eq!(details.pages_read, 1);
        assert!(details
            .notes
            .contains(&EventsNote::OriginStopped { pages: 1 }));
        assert_eq!(
            counts(&destination).2,
            100,
            "{from}: the first page arrived"
        );
        assert_truthful(&report, &destination);
    }
}

#[test]
fn a_dropped_connection_or_a_401_at_a_destination_stops_it_and_the_others_go_on() {
    let origin = demo("origin", "2.38");
    let dropping = empty_copy("dropping", "2.42");
    let refusing = empty_copy("refusing", "2.30");
    let healthy = empty_copy("healthy", "2.36");
    dropping.add_fault(FaultRule {
        method: Some("POST".into()),
        nth: Some(2),
        ..FaultRule::new("/api/tracker*", FaultKind::Drop)
    });
    refusing.add_fault(FaultRule {
        method: Some("POST".into()),
        nth: Some(3),
        status: Some(401),
        ..FaultRule::new("/api/events*", FaultKind::Status)
    });
    let report = run_with(
        &origin,
        &[&dropping, &refusing, &healthy],
        &[],
        &job(
            &province_events(),
            &EventsSyncOptions {
                page_size: 50,
                ..EventsSyncOptions::default()
            },
        ),
        &NoProgress,
        &CancellationToken::new(),
    );
    dropping.clear_faults();
    refusing.clear_faults();
    let read = report.events.as_ref().unwrap().programs[0].events;
    assert!(read > 150, "several pages");
    let [dropped, refused, fine] = &report.targets[..] else {
        panic!("three destinations")
    };
    assert_eq!(
        dropped.status,
        TargetStatus::NetworkError,
        "{:?}",
        dropped.errors
    );
    assert!(dropped.interruption.is_some());
    assert_eq!(refused.status, TargetStatus::Error, "{:?}", refused.errors);
    assert!(refused.errors.iter().any(|e| e.message.contains("401")));
    assert_eq!(fine.status, TargetStatus::Success);
    assert_eq!(fine.stats.created, read);
    // Each says what arrived, and it is what arrived.
    for (target, sim) in [(dropped, &dropping), (refused, &refusing), (fine, &healthy)] {
        assert_eq!(
            target.stats.created as usize,
            counts(sim).2,
            "{}",
            target.target
        );
    }
    assert!(dropped.stats.created >= 50 && refused.stats.created == 100);
}

#[test]
fn a_program_the_destination_lacks_is_named_before_anything_is_written() {
    let origin = demo("origin", "2.41");
    let destination = empty_copy("destination", "2.41");
    let elsewhere = uid("program:elsewhere");
    // The mapping sends the inpatient program to a program the destination does not have.
    let value =
        serde_json::json!({ "eventPrograms": { event_program(): { "mappedId": elsewhere } } });
    let (mapping, _) = mdsync_core::mapping::decode_strict(&value).expect("mapping");
    let mapping = mdsync_core::sync::aggregated::TargetMapping {
        mapping,
        ..Default::default()
    };
    destination.clear_request_log();
    let report = run_with(
        &origin,
        &[&destination],
        &[mapping],
        &job(&province_events(), &small_pages()),
        &NoProgress,
        &CancellationToken::new(),
    );
    let target = &report.targets[0];
    assert_eq!(target.status, TargetStatus::Error);
    assert!(
        target
            .errors
            .iter()
            .any(|e| e.message.contains("Inpatient morbidity and mortality")
                && e.message.contains(&elsewhere)
                && e.message.contains("no program")),
        "{:?}",
        target.errors
    );
    // Typed, so the app says it in the user's language.
    assert!(
        target.errors.iter().any(|e| matches!(
            events_problem(e),
            Some(EventsProblem::Program { problem: ProgramProblem::Missing { name, destination } })
                if name == "Inpatient morbidity and mortality" && destination == &elsewhere
        )),
        "{:?}",
        target.errors
    );
    assert!(
        destination.request_log().iter().all(|r| r.method == "GET"),
        "nothing was posted"
    );
    assert_eq!(counts(&destination).2, 0);
}

#[test]
fn a_tracked_entity_type_mismatch_stops_the_destination_with_a_clear_message() {
    let origin = demo("origin", "2.38");
    let destination = empty_copy("destination", "2.41");
    destination.with_stores(|metadata, _, _| {
        let mut program = metadata
            .get("programs", &tracker_program())
            .cloned()
            .expect("program");
        program["trackedEntityType"] = serde_json::json!({ "id": uid("tet:Other") });
        metadata.insert("programs", program).expect("program");
    });
    let report = run(
        &origin,
        &destination,
        &selection(&tracker_program()),
        &small_pages(),
    );
    let target = &report.targets[0];
    assert_eq!(target.status, TargetStatus::Error);
    assert!(
        target
            .errors
            .iter()
            .any(|e| e.message.contains("tracked entity type")),
        "{:?}",
        target.errors
    );
    assert!(
        target.errors.iter().any(|e| matches!(
            events_problem(e),
            Some(EventsProblem::Program {
                problem: ProgramProblem::TrackedEntityTypeMismatch { destination_type, .. }
            }) if destination_type == &uid("tet:Other")
        )),
        "{:?}",
        target.errors
    );
    assert_eq!(counts(&destination), (0, 0, 0, 0));
}

#[test]
fn an_event_whose_stage_is_not_at_the_destination_is_listed_and_not_sent() {
    let origin = demo("origin", "2.40");
    let destination = empty_copy("destination", "2.40");
    let stray = uid("event:stray");
    origin.with_stores(|_, _, tracker| {
        let mut event = tracker
            .events()
            .find(|e| e["program"] == event_program())
            .cloned()
            .expect("event");
        event["event"] = serde_json::json!(stray);
        event["programStage"] = serde_json::json!(uid("ps:Birth"));
        event["orgUnit"] = serde_json::json!(facility_in_province_0(&origin_units()));
        tracker.insert_event(event);
    });
    let report = run(&origin, &destination, &province_events(), &small_pages());
    let target = &report.targets[0];
    assert_eq!(target.status, TargetStatus::Warning);
    let error = target
        .errors
        .iter()
        .find(|e| e.object_id.as_deref() == Some(stray.as_str()))
        .expect("listed");
    assert!(error.message.contains("program stage"), "{}", error.message);
    assert_eq!(
        events_problem(error),
        Some(&EventsProblem::StageNotAtDestination {
            stage: uid("ps:Birth")
        })
    );
    let read = report.events.as_ref().unwrap().programs[0].events;
    assert_eq!(counts(&destination).2 as u64, read - 1, "the rest arrived");
    assert_truthful(&report, &destination);
}

#[test]
fn a_rejected_object_is_listed_with_its_code_and_the_rest_goes_on() {
    for to in ["2.41", "2.35"] {
        let origin = demo("origin", "2.38");
        let destination = empty_copy("destination", to);
        let bad = uid("event:bad-value");
        origin.with_stores(|_, _, tracker| {
            let mut event = tracker
                .events()
                .find(|e| e["program"] == event_program())
                .cloned()
                .expect("event");
            event["event"] = serde_json::json!(bad);
            event["orgUnit"] = serde_json::json!(facility_in_province_0(&origin_units()));
            event["dataValues"] =
                serde_json::json!([{ "dataElement": uid("de:nowhere"), "value": "1" }]);
            tracker.insert_event(event);
        });
        let report = run(&origin, &destination, &province_events(), &small_pages());
        let target = &report.targets[0];
        assert_eq!(
            target.status,
            TargetStatus::Warning,
            "{to}: {:?}",
            target.errors
        );
        let error = target
            .errors
            .iter()
            .find(|e| e.object_id.as_deref() == Some(bad.as_str()))
            .expect("listed");
        assert_eq!(error.object_type.as_deref(), Some("events"));
        if to == "2.41" {
            assert_eq!(error.code.as_deref(), Some("E1304"));
        }
        assert!(!error.message.is_empty());
        let read = report.events.as_ref().unwrap().programs[0].events;
        assert_eq!(
            counts(&destination).2 as u64,
            read - 1,
            "{to}: the rest arrived"
        );
        assert_eq!(target.stats.ignored, 1, "{to}");
        assert_truthful(&report, &destination);
    }
}

#[test]
fn cancel_between_pages_stops_with_a_truthful_report() {
    let origin = demo("origin", "2.41");
    let destination = empty_copy("destination", "2.42");
    let cancel = CancellationToken::new();
    let progress = |event: SyncProgress| {
        if let SyncProgress::TrackerPages { pages: 2, .. } = event {
            cancel.cancel();
        }
    };
    let report = run_with(
        &origin,
        &[&destination],
        &[],
        &job(&province_events(), &small_pages()),
        &progress,
        &cancel,
    );
    let target = &report.targets[0];
    assert_eq!(target.status, TargetStatus::Cancelled);
    let details = report.events.as_ref().unwrap();
    assert_eq!(details.pages_read, 2);
    assert!(details.notes.contains(&EventsNote::Cancelled { pages: 2 }));
    assert_eq!(counts(&destination).2, 200);
    assert_truthful(&report, &destination);
    assert!(report.resumable());
}

#[test]
fn bad_selections_are_refused_before_anything_is_read() {
    let origin = demo("origin", "2.41");
    let destination = empty_copy("destination", "2.41");
    origin.clear_request_log();
    let mut selection = province_events();
    selection.programs = vec!["not-an-id".into()];
    let report = run(&origin, &destination, &selection, &small_pages());
    assert!(!report.succeeded());
    assert!(report.errors[0].message.contains("not-an-id"));
    assert_eq!(
        events_problem(&report.errors[0]),
        Some(&EventsProblem::Input {
            error: EventsInputError::BadId {
                id: "not-an-id".into()
            }
        })
    );
    assert!(origin.request_log().is_empty());
    let mut unknown = province_events();
    unknown.programs = vec![uid("program:nowhere")];
    let report = run(&origin, &destination, &unknown, &small_pages());
    assert!(
        report.errors[0].message.contains(&uid("program:nowhere")),
        "{:?}",
        report.errors
    );
    assert_eq!(counts(&destination), (0, 0, 0, 0));
}

/// The demo's org units (for picking a facility).
fn origin_units() -> Vec<(String, serde_json::Value)> {
    dhis2_sim::seed::demo_metadata(dhis2_sim::DemoSide::Source)
        .into_iter()
        .filter(|(plural, _)| *plural == "organisationUnits")
        .map(|(plural, object)| (plural.to_string(), object))
        .collect()
}

/// A facility of province 0 where the inpatient program runs.
fn facility_in_province_0(units: &[(String, serde_json::Value)]) -> String {
    let program = dhis2_sim::seed::demo_metadata(dhis2_sim::DemoSide::Source)
        .into_iter()
        .find(|(plural, object)| *plural == "programs" && object["id"] == event_program())
        .map(|(_, object)| object)
        .expect("program");
    let assigned: Vec<&str> = program["organisationUnits"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|u| u["id"].as_str())
        .collect();
    units
        .iter()
        .find(|(_, unit)| {
            unit["path"]
                .as_str()
                .is_some_and(|p| p.contains(&province(0)))
                && unit["id"].as_str().is_some_and(|id| assigned.contains(&id))
        })
        .and_then(|(_, unit)| unit["id"].as_str().map(str::to_string))
        .expect("facility")
}

#[test]
fn an_html_login_page_at_a_destination_halfway_gives_a_truthful_partial_report() {
    let origin = demo("origin", "2.41");
    let destination = empty_copy("destination", "2.40");
    destination.add_fault(FaultRule {
        method: Some("POST".into()),
        nth: Some(2),
        ..FaultRule::new("/api/tracker*", FaultKind::LoginPage)
    });
    let report = run(&origin, &destination, &province_events(), &small_pages());
    destination.clear_faults();
    let target = &report.targets[0];
    assert!(!report.succeeded());
    assert!(
        target.interruption.is_some(),
        "resumable once logged in: {:?}",
        target.errors
    );
    // Said as a typed DHIS2 error (the app words it), not as the page's HTML.
    assert!(
        target.errors.iter().any(|e| matches!(
            &e.problem,
            Some(SyncProblem::Dhis2 {
                error: mdsync_core::dhis2::Dhis2Error::LoginPage { .. }
            })
        )),
        "{:?}",
        target.errors
    );
    assert_eq!(counts(&destination).2, 100, "the first page arrived");
    assert_truthful(&report, &destination);
}
