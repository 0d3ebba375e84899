//! Sharing instances with run-only users: a rule shared with them runs once its instances are
//! shared too; `core` refuses them every change of an instance and its credentials outside a
//! run, and DHIS2 itself refuses their direct reads of unshared credentials and their writes.

mod rules_common;
mod support;

use dhis2_sim::accounts::EXECUTOR_ID;
use mdsync_core::access::{AccessDenied, Operation};
use mdsync_core::dhis2::{Method, Transport};
use mdsync_core::instances::{CredentialStore, InstanceError, InstanceForm};
use mdsync_core::model::{AccessEntry, AuthKind, Sharing};
use mdsync_core::rules::{create_rule, run_rule, RuleError};
use mdsync_core::storage::keys;
use mdsync_core::sync::{CancellationToken, NoProgress};
use rules_common::*;

fn now(world: &World) -> u64 {
    use mdsync_core::clock::Clock;
    world.clock.now_millis()
}

/// A configurator saves the remote, private to them (the credential in the dataStore).
fn private_remote(world: &World, name: &str) -> String {
    let (storage, configurator) = world.open("configurator");
    let form = InstanceForm {
        name: name.into(),
        url: world.remote.base_url().into(),
        description: String::new(),
        auth_kind: AuthKind::Basic,
        username: "admin".into(),
        secret: "district".into(),
        sharing: Sharing::default(),
    };
    world
        .run(configurator.create_with(&storage, &form, CredentialStore::DataStore))
        .expect("instance saved")
        .view
        .id
}

fn executor_read_only() -> Sharing {
    Sharing {
        user_accesses: vec![AccessEntry {
            id: EXECUTOR_ID.into(),
            name: "Evan Runner".into(),
            access: Sharing::PUBLIC_READ.into(),
        }],
        ..Sharing::default()
    }
}

/// The status DHIS2 answers `executor`'s direct request on a key of the app's namespace.
fn executor_direct(world: &World, method: Method, key: &str, body: &str) -> u16 {
    let client = world.client("executor");
    let mut request = client.request(method, &format!("api/dataStore/metadata-sync/{key}"));
    if !body.is_empty() {
        request = request.with_body("application/json", body.as_bytes().to_vec());
    }
    world
        .run(client.transport().send(request))
        .expect("answered")
        .status
}

#[test]
fn a_shared_rule_runs_for_the_executor_once_its_instance_is_shared_read_only() {
    let world = World::new("2.40");
    let remote = private_remote(&world, "Private remote");
    let (storage, configurator) = world.open("configurator");
    let mut draft = constants_rule("Shared rule", &remote);
    draft.sharing = Some(executor_read_only());
    let rule = world
        .run(create_rule(&configurator, &storage, &draft, now(&world)))
        .expect("created");
    let run_as_executor = || {
        let (executor_storage, executor) = world.open("executor");
        world.run(run_rule(
            &executor,
            &executor_storage,
            &rule.summary.id,
            &NoProgress,
            &CancellationToken::new(),
            &world.clock,
        ))
    };

    // The rule is shared, its destination is not: refused, naming the instance.
    match run_as_executor() {
        Err(error @ RuleError::Run(_)) => assert!(
            error
                .to_string()
                .contains("no access to the instance \"Private remote\""),
            "{error}"
        ),
        other => panic!("expected the instance refused, got {other:?}"),
    }
    assert!(!world.remote_has(CONSTANTS[0]));

    // The sharing dialog of the rule finds the gap, and closes it read-only.
    let gaps = world
        .run(configurator.sharing_gaps(
            &storage,
            std::slice::from_ref(&remote),
            &executor_read_only(),
        ))
        .expect("gaps");
    assert_eq!(gaps.len(), 1);
    assert_eq!(gaps[0].name, "Private remote");
    assert_eq!(gaps[0].users_missing, vec!["Evan Runner".to_string()]);
    let changed = world
        .run(configurator.share_read_only_with(
            &storage,
            std::slice::from_ref(&remote),
            &executor_read_only(),
        ))
        .expect("shared");
    assert_eq!(changed, vec!["Private remote".to_string()]);
    assert!(world
        .run(configurator.sharing_gaps(
            &storage,
            std::slice::from_ref(&remote),
            &executor_read_only()
        ))
        .expect("gaps")
        .is_empty());

    // DHIS2 now lets the executor read the (encrypted) credential, and still not write it.
    let secret_key = keys::instance_secret(&remote);
    assert_eq!(executor_direct(&world, Method::Get, &secret_key, ""), 200);
    assert_eq!(
        executor_direct(&world, Method::Put, &secret_key, r#"{"forged":true}"#),
        403
    );

    let outcome = run_as_executor().expect("ran");
    assert!(outcome.report.succeeded(), "{:?}", outcome.report);
    assert!(world.remote_has(CONSTANTS[0]));
    let history = outcome.history.expect("history written");
    assert_eq!(history.user.as_deref(), Some("executor"));
    // Nothing of the credential reaches the history.
    let stored = world
        .stored(&keys::history_entry(&history.id))
        .expect("history entry stored")
        .to_string();
    assert!(!stored.contains("district"), "{stored}");
}

#[test]
fn an_executor_can_use_a_shared_instance_only_through_a_run() {
    let world = World::new("2.40");
    let remote = private_remote(&world, "Shared remote");
    let (storage, configurator) = world.open("configurator");
    world
        .run(configurator.share(&storage, &remote, &executor_read_only()))
        .expect("shared");

    let (executor_storage, executor) = world.open("executor");
    // They see its name (pickers, rule summaries) …
    let names = world
        .run(executor.list_names(&executor_storage))
        .expect("names");
    assert!(names.iter().any(|n| n.name == "Shared remote"));
    // … but never its credentials, its edit form, nor a way to change or share it.
    let missing_role = |result: Result<(), InstanceError>, operation: Operation| {
        assert!(
            matches!(
                result,
                Err(InstanceError::Denied(AccessDenied::MissingRole { operation: refused, .. }))
                    if refused == operation
            ),
            "{operation:?}"
        );
    };
    missing_role(
        world
            .run(executor.connection_target(&executor_storage, &remote))
            .map(|_| ()),
        Operation::UseInstanceCredentials,
    );
    missing_role(
        world
            .run(executor.edit_form(&executor_storage, &remote))
            .map(|_| ()),
        Operation::EditInstance,
    );
    missing_role(
        world
            .run(executor.share(&executor_storage, &remote, &Sharing::default()))
            .map(|_| ()),
        Operation::EditInstance,
    );
    missing_role(
        world
            .run(executor.share_read_only_with(
                &executor_storage,
                std::slice::from_ref(&remote),
                &executor_read_only(),
            ))
            .map(|_| ()),
        Operation::EditInstance,
    );
    missing_role(
        world.run(executor.delete(&executor_storage, &remote)),
        Operation::DeleteInstance,
    );
    missing_role(
        world.run(executor.list(&executor_storage)).map(|_| ()),
        Operation::ListInstances,
    );

    // An attacker with the executor's session goes to the API directly: DHIS2 refuses every
    // write, and the instance is unchanged.
    let forged = format!(
        r#"[{{"id":"{remote}","name":"Hijacked","url":"https://evil.example.org","authKind":"basic","username":"admin"}}]"#
    );
    assert_eq!(
        executor_direct(&world, Method::Put, keys::INSTANCES, &forged),
        403
    );
    assert_eq!(
        executor_direct(&world, Method::Delete, &keys::instance_secret(&remote), ""),
        403
    );
    let still = world
        .run(configurator.get(&storage, &remote))
        .expect("still there");
    assert_eq!(still.name, "Shared remote");
    assert_eq!(still.url, world.remote.base_url().trim_end_matches('/'));
}

#[test]
fn an_unshared_instance_stays_closed_to_the_executor_in_core_and_in_dhis2() {
    let world = World::new("2.40");
    let shared = private_remote(&world, "Shared remote");
    let unshared = private_remote(&world, "Unshared remote");
    let (storage, configurator) = world.open("configurator");
    world
        .run(configurator.share(&storage, &shared, &executor_read_only()))
        .expect("shared");

    let (executor_storage, executor) = world.open("executor");
    let names = world
        .run(executor.list_names(&executor_storage))
        .expect("names");
    assert!(names.iter().any(|n| n.name == "Shared remote"));
    assert!(!names.iter().any(|n| n.name == "Unshared remote"));
    // DHIS2 refuses the encrypted credential of the unshared instance outright.
    assert_eq!(
        executor_direct(&world, Method::Get, &keys::instance_secret(&unshared), ""),
        403
    );
    assert_eq!(
        executor_direct(&world, Method::Get, &keys::instance_secret(&shared), ""),
        200
    );

    // A configurator may not widen the sharing of a remote shared with them read-only.
    let (_, other_configurator) = world.open("configurateur");
    let (other_storage, _) = world.open("configurateur");
    world
        .run(configurator.share(
            &storage,
            &shared,
            &Sharing {
                public_access: Sharing::PUBLIC_READ.into(),
                ..Sharing::default()
            },
        ))
        .expect("shared with everyone, read-only");
    assert!(matches!(
        world.run(other_configurator.share(&other_storage, &shared, &Sharing::default())),
        Err(InstanceError::NotShared { .. })
    ));

    // Bad access strings are refused at the sharing field, nothing saved.
    let refused = world.run(configurator.share(
        &storage,
        &shared,
        &Sharing {
            public_access: "everyone".into(),
            ..Sharing::default()
        },
    ));
    assert!(
        matches!(refused, Err(InstanceError::Invalid(_))),
        "{refused:?}"
    );
    let view = world
        .run(configurator.get(&storage, &shared))
        .expect("view");
    assert_eq!(view.sharing.public_access, Sharing::PUBLIC_READ);
}
