//! The sharing and users switches, and users across the 2.38 `userCredentials` change.

mod support;
mod sync_common;

use mdsync_core::sync::metadata::{InclusionMode, MetadataSyncOptions};
use serde_json::Value;
use support::{client_for, sim_named};
use sync_common::*;

const USER_GROUPS: &str = "payloads/setup/userGroups.json";
const USER_ROLES: &str = "payloads/setup/userRoles.json";
const USERS: &str = "payloads/setup/users.json";

/// Syncs the aggregate data sets from 2.40 to `target_version` with `sharing`, and returns the
/// target's first data set and whether it got the user group its sharing names.
fn sync_data_sets_with_sharing(target_version: &str, sharing: InclusionMode) -> (Value, bool) {
    let source = source("2.40", &[SETUP, USER_GROUPS, AGGREGATE]);
    let target = sim_named("target", target_version);
    let options = MetadataSyncOptions {
        sharing,
        ..Default::default()
    };
    let data_sets = ids_of(&payload(AGGREGATE), "dataSets");
    assert_synced(&sync(&source, &target, &data_sets, &options));
    let client = client_for(&target, "admin");
    let group_synced = exported(&client, "userGroups", "OPVIvvXzNTw").is_some();
    let data_set = exported(&client, "dataSets", &data_sets[0]).expect("the data set is synced");
    (data_set, group_synced)
}

#[test]
fn sharing_with_objects_brings_the_user_groups_along() {
    let (data_set, group_synced) =
        sync_data_sets_with_sharing("2.41", InclusionMode::ObjectsAndReferences);
    assert!(group_synced, "the user group was not synced");
    assert!(
        data_set["sharing"]["userGroups"]
            .get("OPVIvvXzNTw")
            .is_some(),
        "sharing kept: {}",
        data_set["sharing"]
    );
}

#[test]
fn sharing_removed_leaves_no_sharing_behind() {
    let (data_set, group_synced) = sync_data_sets_with_sharing("2.40", InclusionMode::Remove);
    assert!(!group_synced);
    assert!(
        data_set["sharing"]["userGroups"]
            .get("OPVIvvXzNTw")
            .is_none(),
        "{}",
        data_set["sharing"]
    );
}

/// Syncs the payload's users from a 2.40 source through each version of `chain` in turn
/// (the users payload is in the 2.38+ form, so older sources are filled by a sync first).
fn users_round_trip(chain: &[&str]) -> Value {
    let mut source = source("2.40", &[SETUP, USER_ROLES, USER_GROUPS, USERS]);
    let users = ids_of(&payload(USERS), "users");
    let options = MetadataSyncOptions {
        users: InclusionMode::ObjectsAndReferences,
        org_units: InclusionMode::ObjectsAndReferences,
        ..Default::default()
    };
    let mut target = source.clone();
    for version in chain {
        target = sim_named(&format!("target{}", version.replace('.', "")), version);
        let report = sync(&source, &target, &users, &options);
        assert_synced(&report);
        source = target.clone();
    }
    let target_version = chain.last().copied().unwrap_or_default();
    let user = exported(&client_for(&target, "admin"), "users", &users[0])
        .unwrap_or_else(|| panic!("user {} not on the {target_version} target", users[0]));
    let roles = payload(USER_ROLES);
    for role in ids_of(&roles, "userRoles") {
        let referenced = payload(USERS)["users"][0].to_string().contains(&role);
        if referenced {
            assert!(
                exported(&client_for(&target, "admin"), "userRoles", &role).is_some(),
                "role {role}"
            );
        }
    }
    user
}

#[test]
fn users_fold_into_user_credentials_for_2_37() {
    let user = users_round_trip(&["2.37"]);
    let expected = payload(USERS)["users"][0]["username"].clone();
    assert_eq!(user["userCredentials"]["username"], expected, "{user}");
}

#[test]
fn users_unfold_from_user_credentials_for_2_41() {
    let user = users_round_trip(&["2.37", "2.41"]);
    let expected = payload(USERS)["users"][0]["username"].clone();
    assert_eq!(user["username"], expected, "{user}");
}
