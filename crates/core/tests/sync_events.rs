//! The events engine against the simulator, in process: the demo's event program (2,000
//! inpatient cases) and tracker program (500 children with enrollments and visits) from an
//! origin to destinations across DHIS2 versions and both tracker APIs.

mod events_common;
mod support;

use events_common::*;
use mdsync_core::sync::events::EventsSyncOptions;
use mdsync_core::sync::report::SyncKind;
use mdsync_core::sync::TargetStatus;

fn options() -> EventsSyncOptions {
    EventsSyncOptions::default()
}

#[test]
fn an_event_program_year_arrives_whole_across_versions_and_apis_and_a_second_run_changes_nothing() {
    for (from, to) in [
        ("2.30", "2.41"),
        ("2.35", "2.38"),
        ("2.41", "2.42"),
        ("2.42", "2.35"),
    ] {
        let origin = demo("origin", from);
        let destination = empty_copy("destination", to);
        let program = event_program();
        let report = run(&origin, &destination, &selection(&program), &options());
        assert_eq!(report.kind, SyncKind::Events);
        assert!(report.errors.is_empty(), "{from}→{to}: {:?}", report.errors);
        let target = &report.targets[0];
        assert_eq!(
            target.status,
            TargetStatus::Success,
            "{from}→{to}: {:?}",
            target.errors
        );
        let expected = events_in_2024(&origin, &program);
        assert!(
            expected.len() > 1500,
            "the demo year has most of the 2,000 events"
        );
        let arrived = events_of(&destination, &program);
        assert_eq!(arrived.len(), expected.len(), "{from}→{to}");
        for (id, event) in &expected {
            let copy = arrived
                .get(id)
                .unwrap_or_else(|| panic!("{from}→{to}: {id} missing"));
            for key in [
                "program",
                "programStage",
                "orgUnit",
                "status",
                "occurredAt",
                "attributeOptionCombo",
            ] {
                assert_eq!(copy.get(key), event.get(key), "{from}→{to} {id} {key}");
            }
            assert_eq!(values_of(copy), values_of(event), "{from}→{to} {id}");
        }
        let events = target
            .type_stats
            .iter()
            .find(|t| t.type_name == "events")
            .expect("events counted");
        assert_eq!(events.stats.created as usize, expected.len(), "{from}→{to}");
        let details = report.events.as_ref().expect("details");
        assert_eq!(details.programs[0].events as usize, expected.len());
        assert!(details.pages_read >= expected.len() / 200, "read in pages");

        let again = run(&origin, &destination, &selection(&program), &options());
        let target = &again.targets[0];
        assert_eq!(target.stats.created, 0, "{from}→{to}: second run");
        assert_eq!(target.stats.updated as usize, expected.len());
        assert_eq!(events_of(&destination, &program).len(), expected.len());
    }
}

#[test]
fn a_tracker_program_arrives_with_enrollments_events_and_relationships_across_versions() {
    for (from, to) in [("2.38", "2.41"), ("2.41", "2.42"), ("2.36", "2.30")] {
        let origin = demo("origin", from);
        let destination = empty_copy("destination", to);
        let relationships = add_relationships(&origin, &[&destination], 5);
        let program = tracker_program();
        let report = run(&origin, &destination, &selection(&program), &options());
        assert!(report.errors.is_empty(), "{from}→{to}: {:?}", report.errors);
        let target = &report.targets[0];
        assert_eq!(
            target.status,
            TargetStatus::Success,
            "{from}→{to}: {:?}",
            target.errors
        );
        let expected = entities_via_api(&origin, &program);
        let arrived = entities_via_api(&destination, &program);
        assert_eq!(
            expected.len(),
            500,
            "every child is enrolled in the demo year"
        );
        assert_eq!(arrived.len(), expected.len(), "{from}→{to}");
        for (id, entity) in &expected {
            assert_eq!(arrived.get(id), Some(entity), "{from}→{to}: {id}");
        }
        let (entities, enrollments, events, stored_relationships) = counts(&destination);
        assert_eq!((entities, enrollments), (500, 500), "{from}→{to}");
        assert!(events > 1000, "births and visits: {events}");
        assert_eq!(stored_relationships, relationships.len(), "{from}→{to}");
        let created = |name: &str| {
            target
                .type_stats
                .iter()
                .find(|t| t.type_name == name)
                .map_or(0, |t| t.stats.created)
        };
        assert_eq!(created("trackedEntities"), 500, "{from}→{to}");
        assert_eq!(created("enrollments"), 500, "{from}→{to}");
        assert_eq!(created("events") as usize, events, "{from}→{to}");
        assert_eq!(
            created("relationships") as usize,
            relationships.len(),
            "{from}→{to}"
        );
        let stats = &report.events.as_ref().expect("details").programs[0];
        assert_eq!((stats.tracked_entities, stats.enrollments), (500, 500));

        let again = run(&origin, &destination, &selection(&program), &options());
        assert_eq!(again.targets[0].stats.created, 0, "{from}→{to}: second run");
        assert_eq!(
            counts(&destination),
            (entities, enrollments, events, stored_relationships)
        );
        assert_eq!(entities_via_api(&destination, &program), arrived);
    }
}

fn one_province(program: &str) -> mdsync_core::sync::events::EventsSelection {
    mdsync_core::sync::events::EventsSelection {
        org_units: vec![province(0)],
        ..selection(program)
    }
}

#[test]
fn new_uids_keep_every_reference_consistent_and_the_origin_ids_do_not_arrive() {
    let origin = demo("origin", "2.41");
    let destination = empty_copy("destination", "2.42");
    add_relationships(&origin, &[&destination], 250);
    let program = tracker_program();
    let options = EventsSyncOptions {
        new_uids: true,
        ..options()
    };
    let report = run(&origin, &destination, &one_province(&program), &options);
    assert_eq!(
        report.targets[0].status,
        TargetStatus::Success,
        "{:?}",
        report.targets[0].errors
    );
    let read = &report.events.as_ref().unwrap().programs[0];
    assert!(read.tracked_entities > 10);
    let origin_ids: std::collections::BTreeSet<String> =
        entities_via_api(&origin, &program).into_keys().collect();
    let arrived = entities_via_api(&destination, &program);
    assert_eq!(arrived.len() as u64, read.tracked_entities);
    let mut relationships = 0;
    for (id, entity) in &arrived {
        assert!(!origin_ids.contains(id), "origin id {id} arrived");
        for enrollment in entity["enrollments"].as_array().unwrap() {
            assert_eq!(enrollment["trackedEntity"], id.as_str());
            for event in enrollment["events"].as_array().unwrap() {
                assert_eq!(event["enrollment"], enrollment["enrollment"]);
            }
        }
        for relationship in entity["relationships"].as_array().unwrap() {
            relationships += 1;
            let from = relationship["from"]["trackedEntity"].as_str().unwrap();
            let to = relationship["to"]["trackedEntity"].as_str().unwrap();
            assert!(from == id || to == id);
            assert!(!origin_ids.contains(from) && !origin_ids.contains(to));
        }
    }
    assert!(
        relationships > 0,
        "relationships between children of the province arrive"
    );
}

#[test]
fn geometry_and_relationships_are_left_out_when_asked() {
    let origin = demo("origin", "2.38");
    let destination = empty_copy("destination", "2.40");
    add_relationships(&origin, &[&destination], 250);
    origin.with_stores(|_, _, tracker| {
        let events: Vec<serde_json::Value> = tracker.events().cloned().collect();
        for mut event in events {
            event["geometry"] = serde_json::json!({ "type": "Point", "coordinates": [-11.5, 8.4] });
            tracker.insert_event(event);
        }
    });
    let program = tracker_program();
    let kept = run(&origin, &destination, &one_province(&program), &options());
    assert!(
        counts(&destination).3 > 0,
        "relationships arrive by default"
    );
    let with_geometry = destination
        .with_stores(|_, _, t| t.events().filter(|e| e.get("geometry").is_some()).count());
    assert!(with_geometry > 0, "geometry arrives by default");
    assert_eq!(kept.targets[0].status, TargetStatus::Success);

    let bare = empty_copy("bare", "2.40");
    add_relationships(&origin, &[&bare], 0);
    let options = EventsSyncOptions {
        exclude_geometry: true,
        exclude_relationships: true,
        ..options()
    };
    let report = run(&origin, &bare, &one_province(&program), &options);
    assert_eq!(
        report.targets[0].status,
        TargetStatus::Success,
        "{:?}",
        report.targets[0].errors
    );
    let (entities, _, events, relationships) = counts(&bare);
    assert!(entities > 0 && events > 0);
    assert_eq!(relationships, 0);
    assert_eq!(
        bare.with_stores(|_, _, t| t.events().filter(|e| e.get("geometry").is_some()).count()),
        0
    );
}

#[test]
fn a_tracker_program_mapped_to_an_event_program_arrives_as_events() {
    use dhis2_sim::seed::rng::uid;
    let origin = demo("origin", "2.41");
    let destination = empty_copy("destination", "2.38");
    // The inpatient program is open to every facility there (children live in all of them).
    destination.with_stores(|metadata, _, _| {
        let mut program = metadata
            .get("programs", &event_program())
            .cloned()
            .expect("program");
        program["organisationUnits"] = serde_json::json!([]);
        metadata.insert("programs", program).expect("program");
    });
    let value = serde_json::json!({
        "trackerPrograms": { tracker_program(): { "mappedId": event_program() } },
        "trackedEntityAttributesToDE": {
            uid("tea:Sex"): { "mappedId": uid("de:tracker:Patient sex") }
        }
    });
    let (mapping, _) = mdsync_core::mapping::decode_strict(&value).expect("mapping");
    let mapping = mdsync_core::sync::aggregated::TargetMapping {
        mapping,
        ..Default::default()
    };
    let selection = one_province(&tracker_program());
    let job = job(&selection, &options());
    let report = run_with(
        &origin,
        &[&destination],
        std::slice::from_ref(&mapping),
        &job,
        &mdsync_core::sync::NoProgress,
        &mdsync_core::sync::CancellationToken::new(),
    );
    let target = &report.targets[0];
    assert_eq!(target.status, TargetStatus::Success, "{:?}", target.errors);
    let read = report.events.as_ref().unwrap().programs[0].tracked_entities;
    assert!(read > 10);
    let events = events_of(&destination, &event_program());
    assert_eq!(events.len() as u64, read, "one event per enrollment");
    for event in events.values() {
        assert_eq!(event["programStage"], uid("ps:Inpatient case"));
        let values = values_of(event);
        assert_eq!(values.len(), 1);
        assert_eq!(values[0].0, uid("de:tracker:Patient sex"));
        assert!(values[0].1 == "MALE" || values[0].1 == "FEMALE");
    }
    assert!(report
        .events
        .as_ref()
        .unwrap()
        .notes
        .iter()
        .any(|n| matches!(
            n,
            mdsync_core::sync::events::EventsNote::TrackerToEvents { .. }
        )));
    assert_eq!(
        counts(&destination).0,
        0,
        "no tracked entity at the destination"
    );
    // A second run updates the same events.
    let again = run_with(
        &origin,
        &[&destination],
        &[mapping],
        &job,
        &mdsync_core::sync::NoProgress,
        &mdsync_core::sync::CancellationToken::new(),
    );
    assert_eq!(again.targets[0].stats.created, 0);
    assert_eq!(events_of(&destination, &event_program()).len() as u64, read);
}

#[test]
fn chosen_events_of_a_tracker_program_bring_their_tracked_entities_with_a_note() {
    let origin = demo("origin", "2.36");
    let destination = empty_copy("destination", "2.41");
    let program = tracker_program();
    let chosen: Vec<String> = (0..3)
        .map(|i| dhis2_sim::seed::rng::uid(&format!("event:birth:{i}")))
        .collect();
    let selection = mdsync_core::sync::events::EventsSelection {
        events: mdsync_core::sync::events::Chosen::Only {
            ids: chosen.clone(),
        },
        ..selection(&program)
    };
    let report = run(&origin, &destination, &selection, &options());
    assert_eq!(
        report.targets[0].status,
        TargetStatus::Success,
        "{:?}",
        report.targets[0].errors
    );
    let (entities, enrollments, events, _) = counts(&destination);
    assert_eq!((entities, enrollments, events), (3, 3, 3));
    let arrived = events_of(&destination, &program);
    for id in &chosen {
        assert!(arrived.contains_key(id));
    }
    assert!(report
        .events
        .as_ref()
        .unwrap()
        .notes
        .iter()
        .any(|n| matches!(
            n,
            mdsync_core::sync::events::EventsNote::EntitiesAddedForEvents { count: 3, .. }
        )));
}

#[test]
fn a_dry_run_validates_without_writing_and_async_imports_are_followed_to_their_report() {
    let origin = demo("origin", "2.40");
    let destination = empty_copy("destination", "2.41");
    let program = event_program();
    let dry = EventsSyncOptions {
        dry_run: true,
        ..options()
    };
    let report = run(&origin, &destination, &one_province(&program), &dry);
    assert!(report.dry_run);
    assert_eq!(report.targets[0].status, TargetStatus::Success);
    assert!(
        report.targets[0].stats.created > 0,
        "what would be created is counted"
    );
    assert_eq!(counts(&destination).2, 0, "nothing written");

    let asynchronous = EventsSyncOptions {
        async_import: true,
        ..options()
    };
    let report = run(
        &origin,
        &destination,
        &one_province(&program),
        &asynchronous,
    );
    let target = &report.targets[0];
    assert_eq!(target.status, TargetStatus::Success, "{:?}", target.errors);
    let read = report.events.as_ref().unwrap().programs[0].events;
    assert_eq!(target.stats.created, read);
    assert_eq!(counts(&destination).2 as u64, read);
    assert!(
        destination
            .request_log()
            .iter()
            .any(|r| r.path.contains("/api/tracker/jobs/")),
        "the job was polled"
    );
}
