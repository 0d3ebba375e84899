//! Rules through `core`: validation step by step, who sees, runs and changes what (role and
//! sharing, in `core` and in DHIS2's own key sharing), runs and their record, and bad input.

mod rules_common;
mod support;

use mdsync_core::access::{AccessDenied, Operation};
use mdsync_core::dhis2::{Method, Transport};
use mdsync_core::model::{InstanceName, Sharing, LOCAL_INSTANCE_ID};
use mdsync_core::rules::{
    create_rule, delete_rules, get_rule, list_rules, replicate_rule, run_rule, set_enabled,
    share_rule, update_rule, validate_rule, InstanceRole, LastRunFilter, MetadataFilter,
    RuleContext, RuleDraft, RuleError, RuleField, RuleJob, RuleProblem, RuleQuery, RuleStep,
};
use mdsync_core::storage::keys;
use mdsync_core::sync::{
    list_history, list_rule_history, CancellationToken, NoProgress, TargetStatus,
};
use rules_common::*;

fn now(world: &World) -> u64 {
    use mdsync_core::clock::Clock;
    world.clock.now_millis()
}

#[test]
fn a_draft_is_checked_step_by_step_with_the_message_at_its_field() {
    let remote = InstanceName {
        id: "RemoteInst1".into(),
        name: "Remote".into(),
        is_local: false,
    };
    let local = InstanceName {
        id: LOCAL_INSTANCE_ID.into(),
        name: "This instance".into(),
        is_local: true,
    };
    let instances = [local, remote];
    let mut draft = constants_rule("  ", "RemoteInst1");
    let RuleJob::Metadata { selection, .. } = &mut draft.job else {
        unreachable!("a metadata draft")
    };
    selection.objects.clear();
    selection.filters.push(MetadataFilter {
        metadata_type: String::new(),
        text: None,
        created: mdsync_core::rules::DatePeriod::Fixed {
            start: Some("2026-02-01".into()),
            end: Some("2026-01-01".into()),
        },
        last_updated: mdsync_core::rules::DatePeriod::All,
    });
    draft.destinations.push(LOCAL_INSTANCE_ID.into());
    draft.destinations.push("GoneInstanc".into());
    draft.schedule = Some("0 0 0 31 2 *".into());
    draft.enabled = true;
    let context = RuleContext {
        rules: &[],
        editing: None,
        instances: Some(&instances),
    };
    let problems = validate_rule(&draft, &context);
    assert_eq!(
        problems.at(RuleField::Name),
        Some(&RuleProblem::NameMissing)
    );
    assert_eq!(
        problems.at(RuleField::Filter(0)),
        Some(&RuleProblem::FilterWithoutType { index: 0 })
    );
    assert!(problems
        .0
        .contains(&RuleProblem::PeriodEndsBeforeStart { index: 0 }));
    assert!(problems.0.contains(&RuleProblem::OriginIsDestination {
        name: "This instance".into()
    }));
    assert!(problems.0.contains(&RuleProblem::UnknownInstance {
        id: "GoneInstanc".into()
    }));
    let schedule = problems.at(RuleField::Schedule).expect("schedule problem");
    assert_eq!(schedule.step(), RuleStep::Schedule);
    assert!(schedule.to_string().contains("never fires"), "{schedule}");
    assert_eq!(problems.of_step(RuleStep::General).len(), 1);

    // Nothing picked at all; enabled without a schedule; a pull into a remote.
    let mut empty = constants_rule("Nightly", "RemoteInst1");
    let RuleJob::Metadata { selection, .. } = &mut empty.job else {
        unreachable!("a metadata draft")
    };
    selection.objects.clear();
    empty.enabled = true;
    empty.origin = "RemoteInst1".into();
    empty.destinations = vec!["RemoteInst1".into()];
    let problems = validate_rule(&empty, &context);
    assert_eq!(
        problems.at(RuleField::Selection),
        Some(&RuleProblem::NothingSelected)
    );
    assert_eq!(
        problems.at(RuleField::Enabled),
        Some(&RuleProblem::EnabledWithoutSchedule)
    );
    assert_eq!(
        problems.at(RuleField::Origin),
        Some(&RuleProblem::PullNeedsThisInstance)
    );

    // A valid rule passes; its name is then taken (whatever the case).
    let valid = constants_rule("Nightly constants", "RemoteInst1");
    assert!(validate_rule(&valid, &context).is_empty());
}

#[test]
fn configurators_create_edit_replicate_enable_and_delete_rules() {
    let world = World::new("2.40");
    let remote = world.configured_remote();
    let (storage, configurator) = world.open("configurator");
    let draft = constants_rule("Nightly constants", &remote);
    let rule = world
        .run(create_rule(&configurator, &storage, &draft, now(&world)))
        .expect("created");
    assert_eq!(rule.summary.destinations[0].name, "Remote");
    assert_eq!(
        rule.summary.sharing.owner.as_deref(),
        Some(configurator.me().id.as_str())
    );
    assert!(world.stored(&keys::rule(&rule.summary.id)).is_some());
    assert!(world
        .stored(&keys::rule_last_run(&rule.summary.id))
        .is_some());

    // Names are unique, whatever the case.
    let again = world.run(create_rule(
        &configurator,
        &storage,
        &constants_rule("NIGHTLY constants", &remote),
        now(&world),
    ));
    match again {
        Err(RuleError::Invalid(problems)) => assert_eq!(
            problems.at(RuleField::Name),
            Some(&RuleProblem::NameTaken {
                name: "NIGHTLY constants".into()
            })
        ),
        other => panic!("expected a taken name, got {other:?}"),
    }

    // Enabling needs a schedule; then it is on and "scheduled since" now.
    let id = rule.summary.id.clone();
    assert!(matches!(
        world.run(set_enabled(&configurator, &storage, &id, true, now(&world))),
        Err(RuleError::Invalid(_))
    ));
    let mut edited = RuleDraft::of(&rule);
    edited.description = "Every night".into();
    edited.schedule = Some("0 0 2 ? * *".into());
    let (edited, notes) = world
        .run(update_rule(
            &configurator,
            &storage,
            &id,
            &edited,
            now(&world),
        ))
        .expect("updated");
    assert!(notes.is_empty());
    assert_eq!(edited.summary.description, "Every night");
    let enabled = world
        .run(set_enabled(&configurator, &storage, &id, true, now(&world)))
        .expect("enabled");
    assert!(enabled.enabled && enabled.scheduled_since.as_deref() == Some(START));

    // "Copy of …", switched off, without the run record.
    let copy = world
        .run(replicate_rule(&configurator, &storage, &id, now(&world)))
        .expect("replicated");
    assert_eq!(copy.summary.name, "Copy of Nightly constants");
    assert!(!copy.summary.enabled);
    let second = world
        .run(replicate_rule(&configurator, &storage, &id, now(&world)))
        .expect("replicated again");
    assert_eq!(second.summary.name, "Copy of Nightly constants (2)");

    let listing = world
        .run(list_rules(&configurator, &storage))
        .expect("listed");
    assert_eq!(listing.rows.len(), 3);
    assert!(listing.rows.iter().all(|row| row.can_edit));
    let page = RuleQuery {
        search: "copy".into(),
        page_size: 1,
        ..RuleQuery::default()
    }
    .apply(&listing.rows);
    assert_eq!((page.total, page.pages, page.rows.len()), (2, 2, 1));
    let enabled_only = RuleQuery {
        enabled: Some(true),
        last_run: Some(LastRunFilter::Never),
        ..RuleQuery::default()
    }
    .apply(&listing.rows);
    assert_eq!(enabled_only.total, 1);

    let deleted = world
        .run(delete_rules(
            &configurator,
            &storage,
            &[copy.summary.id.clone(), second.summary.id.clone()],
        ))
        .expect("deleted");
    assert_eq!(
        deleted,
        ["Copy of Nightly constants", "Copy of Nightly constants (2)"]
    );
    assert!(world.stored(&keys::rule(&copy.summary.id)).is_none());
    assert!(world
        .stored(&keys::rule_last_run(&copy.summary.id))
        .is_none());
    let listing = world
        .run(list_rules(&configurator, &storage))
        .expect("listed");
    assert_eq!(listing.rows.len(), 1);
}

#[test]
fn run_only_users_see_and_run_the_rules_shared_with_them_and_change_nothing() {
    let world = World::new("2.40");
    let remote = world.configured_remote();
    let (storage, configurator) = world.open("configurator");
    let private = world
        .run(create_rule(
            &configurator,
            &storage,
            &constants_rule("Private rule", &remote),
            now(&world),
        ))
        .expect("created");
    let mut shared_draft = constants_rule("Shared rule", &remote);
    shared_draft.sharing = Some(public_read());
    let shared = world
        .run(create_rule(
            &configurator,
            &storage,
            &shared_draft,
            now(&world),
        ))
        .expect("created");

    let (executor_storage, executor) = world.open("executor");
    let listing = world
        .run(list_rules(&executor, &executor_storage))
        .expect("listed");
    let names: Vec<&str> = listing
        .rows
        .iter()
        .map(|r| r.summary.name.as_str())
        .collect();
    assert_eq!(names, ["Shared rule"]);
    assert!(!listing.rows[0].can_edit);
    assert!(matches!(
        world.run(get_rule(&executor, &executor_storage, &private.summary.id)),
        Err(RuleError::NotFound { .. })
    ));
    assert!(matches!(
        world.run(run_rule(
            &executor,
            &executor_storage,
            &private.summary.id,
            &NoProgress,
            &CancellationToken::new(),
            &world.clock
        )),
        Err(RuleError::NotFound { .. })
    ));

    // The shared rule runs, as the executor; history and the rule's record say so.
    let outcome = world
        .run(run_rule(
            &executor,
            &executor_storage,
            &shared.summary.id,
            &NoProgress,
            &CancellationToken::new(),
            &world.clock,
        ))
        .expect("ran");
    assert!(outcome.report.succeeded(), "{:?}", outcome.report);
    assert!(world.remote_has(CONSTANTS[0]));
    outcome.record.expect("record written by the run-only user");
    assert_eq!(
        outcome.last_run.last_executed_by.as_deref(),
        Some("executor")
    );
    assert_eq!(
        outcome.last_run.last_successful_sync.as_deref(),
        Some(START)
    );
    let history = outcome.history.expect("history");
    assert_eq!(history.rule_id.as_deref(), Some(shared.summary.id.as_str()));
    assert_eq!(history.user.as_deref(), Some("executor"));
    // The rule's history is read whole by everyone it is shared with; their own list holds
    // their own runs.
    world
        .run(run_rule(
            &configurator,
            &storage,
            &shared.summary.id,
            &NoProgress,
            &CancellationToken::new(),
            &world.clock,
        ))
        .expect("ran as the configurator");
    let of_rule = world
        .run(list_rule_history(
            &executor_storage,
            executor.actor(),
            &shared.summary.id,
            &shared.summary.name,
            &shared.summary.sharing,
        ))
        .expect("rule history");
    assert_eq!(of_rule.len(), 2);
    assert!(world
        .run(list_rule_history(
            &executor_storage,
            executor.actor(),
            &private.summary.id,
            &private.summary.name,
            &private.summary.sharing,
        ))
        .is_err());
    let mine = world
        .run(list_history(&executor_storage, executor.actor()))
        .expect("history");
    assert_eq!(mine.len(), 1);
    let row = world
        .run(list_rules(&configurator, &storage))
        .expect("listed");
    let seen = row
        .rows
        .iter()
        .find(|r| r.summary.id == shared.summary.id)
        .expect("row");
    assert_eq!(seen.last_run.last_status, Some(TargetStatus::Success));

    // Nothing else: not through core…
    let id = shared.summary.id.clone();
    let missing_role = |result: Result<(), RuleError>| {
        matches!(
            result,
            Err(RuleError::Denied(AccessDenied::MissingRole { .. }))
        )
    };
    let draft = RuleDraft::of(
        &world
            .run(get_rule(&executor, &executor_storage, &id))
            .expect("get"),
    );
    assert!(missing_role(
        world
            .run(update_rule(
                &executor,
                &executor_storage,
                &id,
                &draft,
                now(&world)
            ))
            .map(|_| ())
    ));
    assert!(missing_role(
        world
            .run(delete_rules(
                &executor,
                &executor_storage,
                std::slice::from_ref(&id)
            ))
            .map(|_| ())
    ));
    assert!(missing_role(
        world
            .run(share_rule(
                &executor,
                &executor_storage,
                &id,
                &Sharing::default()
            ))
            .map(|_| ())
    ));
    assert!(missing_role(
        world
            .run(set_enabled(
                &executor,
                &executor_storage,
                &id,
                false,
                now(&world)
            ))
            .map(|_| ())
    ));
    assert!(missing_role(
        world
            .run(create_rule(
                &executor,
                &executor_storage,
                &draft,
                now(&world)
            ))
            .map(|_| ())
    ));
    // …nor straight at the dataStore: DHIS2 refuses the writes.
    let client = world.client("executor");
    for key in [keys::RULES.to_string(), keys::rule(&id)] {
        let request = client
            .request(Method::Put, &format!("api/dataStore/metadata-sync/{key}"))
            .with_body("application/json", b"[]".to_vec());
        let status = world
            .run(client.transport().send(request))
            .expect("answered")
            .status;
        assert_eq!(status, 403, "{key}");
    }

    // A user without an app role sees no rule at all.
    let (guest_storage, guest) = world.open("guest");
    assert!(matches!(
        world.run(list_rules(&guest, &guest_storage)),
        Err(RuleError::Denied(AccessDenied::MissingRole {
            operation: Operation::ListRules,
            ..
        }))
    ));
}

#[test]
fn configurators_change_only_rules_shared_with_them_for_editing() {
    let world = World::new("2.40");
    let remote = world.configured_remote();
    let (storage, configurator) = world.open("configurator");
    let mut draft = constants_rule("Read-only for others", &remote);
    draft.sharing = Some(public_read());
    let rule = world
        .run(create_rule(&configurator, &storage, &draft, now(&world)))
        .expect("created");
    let (other_storage, other) = world.open("configurateur");
    let id = rule.summary.id.clone();
    assert!(matches!(
        world.run(set_enabled(&other, &other_storage, &id, false, now(&world))),
        Err(RuleError::Denied(AccessDenied::NotShared {
            write_needed: true,
            ..
        }))
    ));
    // Shared for editing by the owner, the other configurator may change it.
    let mut sharing = public_read();
    sharing.public_access = Sharing::PUBLIC_READ_WRITE.into();
    let notes = world
        .run(share_rule(&configurator, &storage, &id, &sharing))
        .expect("shared");
    assert!(notes.is_empty(), "{notes:?}");
    assert!(world
        .run(set_enabled(&other, &other_storage, &id, false, now(&world)))
        .is_ok());
    // Administrators see and change every rule, shared or not.
    let (admin_storage, admin) = world.open("admin");
    let listing = world
        .run(list_rules(&admin, &admin_storage))
        .expect("listed");
    assert!(listing.rows.iter().all(|row| row.can_edit));
}

#[test]
fn a_rule_whose_destination_was_deleted_is_named_and_refused() {
    let world = World::new("2.40");
    let remote = world.configured_remote();
    let (storage, configurator) = world.open("configurator");
    let rule = world
        .run(create_rule(
            &configurator,
            &storage,
            &constants_rule("Orphan", &remote),
            now(&world),
        ))
        .expect("created");
    world
        .run(configurator.delete(&storage, &remote))
        .expect("instance deleted");
    let listing = world
        .run(list_rules(&configurator, &storage))
        .expect("listed");
    assert_eq!(listing.rows[0].missing_instances[0].name, "Remote");
    let refused = world.run(run_rule(
        &configurator,
        &storage,
        &rule.summary.id,
        &NoProgress,
        &CancellationToken::new(),
        &world.clock,
    ));
    match &refused {
        Err(RuleError::InstanceDeleted {
            role: InstanceRole::Destination,
            name,
            ..
        }) => assert_eq!(name, "Remote"),
        other => panic!("expected a refusal naming the instance, got {other:?}"),
    }
    let message = refused.unwrap_err().to_string();
    assert!(
        message.contains("\"Remote\"") && message.contains("no longer exists"),
        "{message}"
    );
    // The refusal is in history and in the rule's record.
    let history = world
        .run(list_history(&storage, configurator.actor()))
        .expect("history");
    assert_eq!(history[0].status, TargetStatus::Error);
    assert_eq!(
        history[0].rule_id.as_deref(),
        Some(rule.summary.id.as_str())
    );
    let rule = world
        .run(get_rule(&configurator, &storage, &rule.summary.id))
        .expect("rule");
    assert_eq!(rule.last_run.last_status, Some(TargetStatus::Error));
    assert_eq!(rule.last_run.last_successful_sync, None);
}

#[test]
fn a_damaged_rule_entry_is_reported_with_its_key_and_the_others_still_load() {
    let world = World::new("2.36");
    let remote = world.configured_remote();
    let (storage, configurator) = world.open("configurator");
    let good = world
        .run(create_rule(
            &configurator,
            &storage,
            &constants_rule("Good", &remote),
            now(&world),
        ))
        .expect("created");
    let bad = world
        .run(create_rule(
            &configurator,
            &storage,
            &constants_rule("Bad details", &remote),
            now(&world),
        ))
        .expect("created");
    // Damage: one line of the list, and the details of another rule.
    let mut list = world.stored(keys::RULES).expect("rules");
    list.as_array_mut()
        .expect("a list")
        .push(serde_json::json!({"id": "BrokenRule1", "name": 42}));
    world
        .run(storage.write(keys::RULES, &list))
        .expect("damaged list written");
    world
        .run(storage.write(
            &keys::rule(&bad.summary.id),
            &serde_json::json!({"job": "?"}),
        ))
        .expect("damaged details written");

    let listing = world
        .run(list_rules(&configurator, &storage))
        .expect("listed");
    assert_eq!(listing.rows.len(), 2);
    assert_eq!(listing.problems.len(), 1);
    let problem = &listing.problems[0];
    assert_eq!(problem.key, "rules");
    assert_eq!(problem.rule_id.as_deref(), Some("BrokenRule1"));
    assert!(problem.to_string().contains("BrokenRule1"), "{problem}");
    assert!(world
        .run(get_rule(&configurator, &storage, &good.summary.id))
        .is_ok());
    let damaged = world
        .run(get_rule(&configurator, &storage, &bad.summary.id))
        .unwrap_err()
        .to_string();
    assert!(damaged.contains(&keys::rule(&bad.summary.id)), "{damaged}");

    // Saving another rule would rewrite the damaged list: refused, nothing lost.
    let before = world.stored(keys::RULES);
    let refused = world.run(create_rule(
        &configurator,
        &storage,
        &constants_rule("Another", &remote),
        now(&world),
    ));
    assert!(refused.unwrap_err().to_string().contains("'rules'"));
    assert_eq!(world.stored(keys::RULES), before);
}
