//! Rules of the data kinds: aggregated and events rules are checked per kind (data, org units, a
//! valid period), run through the one run operation against the simulator (their data lands,
//! history names the rule, the rule's record is written, "since the last successful run" counts
//! from it), are run by the scheduler when due, come from MDSync's files, and stored metadata
//! rules keep loading as they were.

mod aggregated_common;
mod events_common;
mod rules_common;
mod support;

use std::sync::Arc;
use std::time::Duration;

use dhis2_sim::DemoSide;
use mdsync_core::clock::{Clock, TestClock};
use mdsync_core::crypto::EncryptionKey;
use mdsync_core::model::{InstanceName, LOCAL_INSTANCE_ID};
use mdsync_core::rules::{
    create_rule, get_rule, import_rules, run_rule, validate_rule, ChosenObjects, DatePeriod,
    RuleContext, RuleDetails, RuleDraft, RuleField, RuleJob, RuleKind, RuleProblem, RuleStep,
    RuleSummary, Scheduler, SchedulerOptions,
};
use mdsync_core::sync::aggregated::{AggregatedSelection, AggregatedSyncOptions};
use mdsync_core::sync::events::{Chosen, EventsSelection, EventsSyncOptions};
use mdsync_core::sync::{list_history, CancellationToken, NoProgress, TargetStatus};
use rules_common::World;

/// A rule of `job` from here to `destination`.
fn draft(name: &str, destination: &str, job: RuleJob) -> RuleDraft {
    RuleDraft {
        name: name.into(),
        code: String::new(),
        description: String::new(),
        origin: LOCAL_INSTANCE_ID.into(),
        destinations: vec![destination.into()],
        job,
        schedule: None,
        enabled: false,
        sharing: None,
    }
}

fn aggregated(selection: AggregatedSelection) -> RuleJob {
    RuleJob::Aggregated {
        selection,
        options: AggregatedSyncOptions::default(),
    }
}

fn events(selection: EventsSelection) -> RuleJob {
    RuleJob::Events {
        selection,
        options: EventsSyncOptions::default(),
    }
}

/// This instance with the demo's data (June 2025: "last year" is the demo's year) and an
/// empty copy as the remote.
fn demo_world(emptied: fn(&str, &str) -> Arc<dhis2_sim::Sim>) -> World {
    World {
        local: aggregated_common::demo("local", "2.39", DemoSide::Source),
        remote: emptied("remote", "2.41"),
        key: EncryptionKey::generate().expect("randomness"),
        clock: TestClock::starting_at(aggregated_common::JUNE_2025),
    }
}

fn problems(draft: &RuleDraft) -> Vec<RuleProblem> {
    let instances = [
        InstanceName {
            id: LOCAL_INSTANCE_ID.into(),
            name: "This instance".into(),
            is_local: true,
        },
        InstanceName {
            id: "RemoteInst1".into(),
            name: "Remote".into(),
            is_local: false,
        },
    ];
    validate_rule(
        draft,
        &RuleContext {
            rules: &[],
            editing: None,
            instances: Some(&instances),
        },
    )
    .0
}

#[test]
fn data_rules_need_their_data_org_units_and_a_valid_period_with_the_message_at_the_field() {
    let good = aggregated_common::anc_district();
    assert_eq!(
        problems(&draft("ANC", "RemoteInst1", aggregated(good.clone()))),
        []
    );

    let no_units = AggregatedSelection {
        org_units: vec![],
        ..good.clone()
    };
    let found = problems(&draft("ANC", "RemoteInst1", aggregated(no_units)));
    assert_eq!(found, [RuleProblem::NoOrgUnit]);
    assert_eq!(found[0].field(), RuleField::OrgUnits);
    assert_eq!(found[0].step(), RuleStep::What);
    assert_eq!(
        found[0].to_string(),
        "Choose at least one organisation unit."
    );

    let no_data = AggregatedSelection {
        data_sets: vec![],
        ..good.clone()
    };
    let found = problems(&draft("ANC", "RemoteInst1", aggregated(no_data)));
    assert_eq!(found, [RuleProblem::NoData]);
    assert_eq!(found[0].field(), RuleField::Selection);

    let half_fixed = AggregatedSelection {
        period: DatePeriod::Fixed {
            start: Some("2024-01-01".into()),
            end: None,
        },
        ..good.clone()
    };
    let found = problems(&draft("ANC", "RemoteInst1", aggregated(half_fixed)));
    assert_eq!(found, [RuleProblem::DataPeriodWithoutDates]);
    assert_eq!(found[0].field(), RuleField::Period);

    let reversed = AggregatedSelection {
        period: DatePeriod::Fixed {
            start: Some("2024-12-31".into()),
            end: Some("2024-01-01".into()),
        },
        ..good.clone()
    };
    assert_eq!(
        problems(&draft("ANC", "RemoteInst1", aggregated(reversed))),
        [RuleProblem::DataPeriodEndsBeforeStart]
    );
    let not_a_date = AggregatedSelection {
        period: DatePeriod::Fixed {
            start: Some("01/02/2024".into()),
            end: Some("2024-12-31".into()),
        },
        ..good.clone()
    };
    assert_eq!(
        problems(&draft("ANC", "RemoteInst1", aggregated(not_a_date))),
        [RuleProblem::DataPeriodNotADate {
            date: "01/02/2024".into()
        }]
    );
    let indicators = AggregatedSelection {
        indicators: vec!["Uvn6LCg7dVU".into()],
        ..good
    };
    assert_eq!(
        problems(&draft("ANC", "RemoteInst1", aggregated(indicators))),
        [RuleProblem::IndicatorsNeedAggregation]
    );

    let program = events_common::selection(&events_common::event_program());
    assert_eq!(
        problems(&draft("Cases", "RemoteInst1", events(program.clone()))),
        []
    );
    let nothing = EventsSelection {
        programs: vec![],
        org_units: vec![],
        ..program.clone()
    };
    assert_eq!(
        problems(&draft("Cases", "RemoteInst1", events(nothing))),
        [RuleProblem::NoProgram, RuleProblem::NoOrgUnit]
    );
    let none_chosen = EventsSelection {
        events: Chosen::Only { ids: vec![] },
        ..program
    };
    let found = problems(&draft("Cases", "RemoteInst1", events(none_chosen)));
    assert_eq!(
        found,
        [RuleProblem::NoneChosen {
            what: ChosenObjects::Events
        }]
    );
    assert!(found[0].to_string().contains("events"));
}

#[test]
fn stored_metadata_rules_load_unchanged_and_data_jobs_round_trip() {
    // A `rule-<id>` and a `rules` line as the metadata-only version wrote them.
    let stored = serde_json::json!({
        "job": {
            "kind": "metadata",
            "selection": {"objects": [{"id": "ConstPiNum1", "type": "constants"}]},
            "options": {}
        }
    });
    let details: RuleDetails = serde_json::from_value(stored.clone()).expect("loads");
    let RuleJob::Metadata { selection, .. } = &details.job else {
        panic!("a metadata job: {:?}", details.job);
    };
    assert_eq!(selection.objects[0].id, "ConstPiNum1");
    assert_eq!(
        serde_json::to_value(&details).expect("json")["job"]["kind"],
        "metadata"
    );
    let line = serde_json::json!({
        "id": "RuleNumber1", "name": "Nightly", "kind": "metadata",
        "origin": {"id": "LOCAL"}, "destinations": [{"id": "RemoteInst1"}],
        "sharing": {}, "created": "2026-01-01T00:00:00Z", "lastUpdated": "2026-01-01T00:00:00Z"
    });
    let summary: RuleSummary = serde_json::from_value(line).expect("line loads");
    assert_eq!(summary.kind, RuleKind::Metadata);

    for job in [
        aggregated(aggregated_common::anc_district()),
        events(events_common::selection(&events_common::tracker_program())),
    ] {
        let text = serde_json::to_string(&RuleDetails { job: job.clone() }).expect("json");
        let back: RuleDetails = serde_json::from_str(&text).expect("back");
        assert_eq!(back.job, job);
        assert!(text.contains(&format!("\"kind\":\"{}\"", job.kind().as_str())));
    }
    assert_eq!(RuleKind::parse("Aggregated"), Some(RuleKind::Aggregated));
    assert_eq!(RuleKind::parse("deleted"), None);
}

#[test]
fn an_aggregated_rule_lands_its_values_writes_history_and_its_record_and_counts_since_it() {
    let world = demo_world(aggregated_common::empty_copy);
    let remote = world.configured_remote();
    let (storage, configurator) = world.open("configurator");
    let rule = world
        .run(create_rule(
            &configurator,
            &storage,
            &draft(
                "ANC district",
                &remote,
                aggregated(aggregated_common::anc_district()),
            ),
            world.clock.now_millis(),
        ))
        .expect("created");
    assert_eq!(rule.summary.kind, RuleKind::Aggregated);
    let outcome = world
        .run(run_rule(
            &configurator,
            &storage,
            &rule.summary.id,
            &NoProgress,
            &CancellationToken::new(),
            &world.clock,
        ))
        .expect("ran");
    assert!(outcome.report.succeeded(), "{:?}", outcome.report);
    let origin_values = aggregated_common::district_values(&world.local);
    assert!(origin_values.len() > 100, "{}", origin_values.len());
    assert_eq!(
        aggregated_common::district_values(&world.remote),
        origin_values
    );
    let history = outcome.history.expect("history");
    assert_eq!(history.rule_id.as_deref(), Some(rule.summary.id.as_str()));
    assert_eq!(history.user.as_deref(), Some("configurator"));
    outcome.record.expect("record written");
    let stored = world
        .run(get_rule(&configurator, &storage, &rule.summary.id))
        .expect("rule");
    assert_eq!(stored.last_run.last_status, Some(TargetStatus::Success));
    assert_eq!(
        stored.last_run.last_history_id.as_deref(),
        Some(history.id.as_str())
    );
    assert_eq!(
        stored.last_run.last_successful_sync.as_deref(),
        Some("2025-06-15T10:00:00Z")
    );

    // "Since the last successful run" counts from the rule's own record: a day later nothing
    // changed at the origin, so nothing is read or sent again.
    let mut since = aggregated_common::anc_district();
    since.period = DatePeriod::SinceLastSuccessfulSync;
    let mut edited = mdsync_core::rules::RuleDraft::of(&stored);
    edited.job = aggregated(since);
    world
        .run(mdsync_core::rules::update_rule(
            &configurator,
            &storage,
            &rule.summary.id,
            &edited,
            world.clock.now_millis(),
        ))
        .expect("updated");
    world.clock.advance(Duration::from_secs(24 * 3600));
    world.remote.clear_request_log();
    let again = world
        .run(run_rule(
            &configurator,
            &storage,
            &rule.summary.id,
            &NoProgress,
            &CancellationToken::new(),
            &world.clock,
        ))
        .expect("ran again");
    assert!(again.report.succeeded(), "{:?}", again.report);
    let posted = aggregated_common::logged(&world.remote, "POST", "dataValueSets").0;
    assert_eq!(posted, 0, "nothing changed since the last successful run");
    assert_eq!(
        again.last_run.last_successful_sync.as_deref(),
        Some("2025-06-16T10:00:00Z")
    );
}

#[test]
fn an_events_rule_lands_its_events_and_writes_history_and_its_record() {
    let world = demo_world(events_common::empty_copy);
    let remote = world.configured_remote();
    let (storage, configurator) = world.open("configurator");
    let program = events_common::event_program();
    let rule = world
        .run(create_rule(
            &configurator,
            &storage,
            &draft(
                "Morbidity events",
                &remote,
                events(events_common::selection(&program)),
            ),
            world.clock.now_millis(),
        ))
        .expect("created");
    assert_eq!(rule.summary.kind, RuleKind::Events);
    assert!(events_common::events_in_2024(&world.remote, &program).is_empty());
    let outcome = world
        .run(run_rule(
            &configurator,
            &storage,
            &rule.summary.id,
            &NoProgress,
            &CancellationToken::new(),
            &world.clock,
        ))
        .expect("ran");
    assert!(outcome.report.succeeded(), "{:?}", outcome.report);
    let origin = events_common::events_in_2024(&world.local, &program);
    assert!(origin.len() > 10, "{}", origin.len());
    let landed = events_common::events_in_2024(&world.remote, &program);
    assert_eq!(
        landed.keys().collect::<Vec<_>>(),
        origin.keys().collect::<Vec<_>>()
    );
    let history = outcome.history.expect("history");
    assert_eq!(history.rule_id.as_deref(), Some(rule.summary.id.as_str()));
    outcome.record.expect("record");
    assert_eq!(outcome.last_run.last_status, Some(TargetStatus::Success));
    assert!(outcome.last_run.last_successful_sync.is_some());
}

#[test]
fn the_scheduler_runs_a_due_aggregated_rule() {
    let world = demo_world(aggregated_common::empty_copy);
    let remote = world.configured_remote();
    let (storage, configurator) = world.open("configurator");
    let mut scheduled = draft(
        "ANC nightly",
        &remote,
        aggregated(aggregated_common::anc_district()),
    );
    scheduled.schedule = Some("0 0 2 ? * *".into());
    scheduled.enabled = true;
    let id = world
        .run(create_rule(
            &configurator,
            &storage,
            &scheduled,
            world.clock.now_millis(),
        ))
        .expect("created")
        .summary
        .id;
    let run_once = || {
        let (storage, admin) = world.open("admin");
        world.run(async {
            let scheduler = Scheduler::start(
                &admin,
                &storage,
                world.clock.clone(),
                SchedulerOptions::new("alpha"),
                &|_| {},
            )
            .await
            .expect("scheduler started");
            scheduler.run_due_once(futures::future::pending()).await;
        });
    };
    // 10:00: not due before 02:00 tomorrow.
    run_once();
    assert!(aggregated_common::district_values(&world.remote).is_empty());
    world.clock.advance(Duration::from_secs(16 * 3600));
    run_once();
    assert_eq!(
        aggregated_common::district_values(&world.remote),
        aggregated_common::district_values(&world.local)
    );
    let (storage, admin) = world.open("admin");
    let history: Vec<_> = world
        .run(list_history(&storage, admin.actor()))
        .expect("history")
        .into_iter()
        .filter(|entry| entry.rule_id.as_deref() == Some(id.as_str()))
        .collect();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].user.as_deref(), Some("admin"));
    assert_eq!(history[0].date, "2025-06-16T02:00:00Z");
    let rule = world
        .run(get_rule(&configurator, &storage, &id))
        .expect("rule");
    assert_eq!(
        rule.last_run.last_executed.as_deref(),
        Some("2025-06-16T02:00:00Z")
    );
    assert_eq!(rule.last_run.last_status, Some(TargetStatus::Success));
}

#[test]
fn mdsync_aggregated_and_events_rules_are_imported_with_their_data_and_the_rest_reported() {
    let world = demo_world(aggregated_common::empty_copy);
    let remote = world.configured_remote();
    let (storage, configurator) = world.open("configurator");
    let data_set = aggregated_common::anc_data_set();
    let district = aggregated_common::district(0, 0);
    let file = serde_json::json!([
        {
            "name": "MDSync ANC",
            "type": "aggregated",
            "targetInstances": [remote],
            "frequency": "0 0 3 ? * *",
            "builder": {
                "originInstance": "LOCAL",
                "targetInstances": [remote],
                // MDSync keeps no types for a data rule's items: looked up on the origin.
                "metadataIds": [data_set, "NotThere001"],
                "dataParams": {
                    "orgUnitPaths": [format!("/{}/{district}", events_common::country())],
                    "period": "FIXED",
                    "startDate": "2024-01-01T00:00:00.000Z",
                    "endDate": "2024-12-31T00:00:00.000Z",
                    "allAttributeCategoryOptions": true,
                    "strategy": "NEW",
                    "dryRun": true,
                    "ignoreDuplicateExistingValues": true,
                    "preheatCache": true,
                    "orgUnitIdScheme": "UID"
                },
                "syncParams": {"importStrategy": "CREATE_AND_UPDATE"}
            }
        },
        {
            "name": "MDSync cases",
            "type": "events",
            "targetInstances": [remote],
            "builder": {
                "originInstance": "LOCAL",
                "targetInstances": [remote],
                "metadataIds": [events_common::event_program()],
                "dataParams": {
                    "orgUnitPaths": [format!("/{}", events_common::country())],
                    "period": "LAST_YEAR",
                    "allEvents": false,
                    "events": ["EvtAbcdef01"],
                    "allTEIs": true,
                    "eventsSyncPeriodField": "LAST_UPDATED",
                    "generateNewUid": true,
                    "excludeEventCoordinates": true,
                    "enableAggregation": true
                }
            }
        },
        {"name": "Deleted", "type": "deleted", "builder": {}}
    ]);
    let outcome = world
        .run(import_rules(
            &configurator,
            &storage,
            &file.to_string(),
            world.clock.now_millis(),
        ))
        .expect("imported");
    assert_eq!(outcome.created.len(), 2, "{:?}", outcome.problems);
    assert_eq!(outcome.problems.len(), 1);
    assert!(
        outcome.problems[0].to_string().contains("\"deleted\""),
        "{}",
        outcome.problems[0]
    );
    let anc = world
        .run(get_rule(&configurator, &storage, &outcome.created[0].id))
        .expect("rule");
    let RuleJob::Aggregated { selection, options } = &anc.job else {
        panic!("aggregated: {:?}", anc.job);
    };
    assert_eq!(selection.data_sets, [data_set]);
    assert!(selection.data_elements.is_empty());
    assert_eq!(selection.org_unit_ids(), [district]);
    assert_eq!(
        selection.period,
        DatePeriod::Fixed {
            start: Some("2024-01-01T00:00:00.000Z".into()),
            end: Some("2024-12-31T00:00:00.000Z".into())
        }
    );
    assert!(options.dry_run && options.ignore_existing);
    assert_eq!(
        options.strategy,
        mdsync_core::dhis2::data_values::DataImportStrategy::New
    );
    let cases = world
        .run(get_rule(&configurator, &storage, &outcome.created[1].id))
        .expect("rule");
    let RuleJob::Events { selection, options } = &cases.job else {
        panic!("events: {:?}", cases.job);
    };
    assert_eq!(selection.programs, [events_common::event_program()]);
    assert_eq!(
        selection.events,
        Chosen::Only {
            ids: vec!["EvtAbcdef01".into()]
        }
    );
    assert!(selection.tracked_entities.is_all());
    assert_eq!(selection.period, DatePeriod::LastYear);
    assert!(options.new_uids && options.exclude_geometry && !options.dry_run);
    let parts: Vec<(&str, &str)> = outcome
        .not_imported
        .iter()
        .map(|(rule, part)| (rule.as_str(), part.as_str()))
        .collect();
    assert!(
        parts.contains(&("MDSync ANC", "builder.dataParams.preheatCache")),
        "{parts:?}"
    );
    assert!(
        parts
            .iter()
            .any(|(rule, part)| *rule == "MDSync ANC" && part.contains("NotThere001")),
        "{parts:?}"
    );
    assert!(
        parts.contains(&("MDSync cases", "builder.dataParams.enableAggregation")),
        "{parts:?}"
    );
    assert!(!parts
        .iter()
        .any(|(_, part)| part.contains("orgUnitIdScheme")));
    assert!(!parts.iter().any(|(_, part)| part.contains("syncParams")));
}
