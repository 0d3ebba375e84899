//! Who may write which data: data write sharing of data sets and category options
//! (`AclService.canDataWrite`) and the user's data capture hierarchy.

use crate::Account;
use serde_json::Value;

/// Whether `object`'s sharing grants `user` the access at `slot` of the access string
/// (`rwrw----`: 0/1 metadata read/write, 2/3 data read/write), through public access, a user
/// access or a user group access. Owners get no data access from owning (DHIS2 checks the
/// sharing entries only). Reads the 2.36+ `sharing` object and the older separate fields.
pub fn grants(object: &Value, user: &Account, slot: usize) -> bool {
    let letter = if slot.is_multiple_of(2) { b'r' } else { b'w' };
    let grants_at =
        |access: Option<&str>| access.is_some_and(|a| a.as_bytes().get(slot) == Some(&letter));
    if let Some(sharing) = object.get("sharing").filter(|s| s.is_object()) {
        if slot < 2 && sharing.get("owner").and_then(Value::as_str) == Some(user.id.as_str()) {
            return true;
        }
        if grants_at(sharing.get("public").and_then(Value::as_str)) {
            return true;
        }
        let user_access = sharing
            .pointer(&format!("/users/{}/access", user.id))
            .and_then(Value::as_str);
        if grants_at(user_access) {
            return true;
        }
        return user.user_groups.iter().any(|(group, _)| {
            grants_at(
                sharing
                    .pointer(&format!("/userGroups/{group}/access"))
                    .and_then(Value::as_str),
            )
        });
    }
    if grants_at(object.get("publicAccess").and_then(Value::as_str)) {
        return true;
    }
    let listed = |key: &str, ids: &mut dyn Iterator<Item = &str>| {
        let entries = object.get(key).and_then(Value::as_array);
        let wanted: Vec<&str> = ids.collect();
        entries.into_iter().flatten().any(|entry| {
            let id = entry
                .get("id")
                .or_else(|| entry.get("userUid"))
                .or_else(|| entry.get("userGroupUid"))
                .and_then(Value::as_str);
            id.is_some_and(|id| wanted.contains(&id))
                && grants_at(entry.get("access").and_then(Value::as_str))
        })
    };
    listed("userAccesses", &mut std::iter::once(user.id.as_str()))
        || listed(
            "userGroupAccesses",
            &mut user.user_groups.iter().map(|(id, _)| id.as_str()),
        )
}

/// `AclService.canDataWrite`: superusers (and the simulator's own imports, with no user) may
/// write any data; others need data write sharing. A missing object is no restriction.
pub fn can_data_write(user: Option<&Account>, object: Option<&Value>) -> bool {
    match (user, object) {
        (Some(user), Some(object)) if !user.is_superuser() => grants(object, user, 3),
        _ => true,
    }
}

/// Whether the chain `ancestors` (the org unit first, then its parents) meets one of the
/// user's capture org units (`OrganisationUnit.isDescendant(userOrgUnits)`).
pub fn in_hierarchy(user: &Account, ancestors: &[String]) -> bool {
    user.organisation_units
        .iter()
        .any(|(unit, _)| ancestors.iter().any(|ancestor| ancestor == unit))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn clerk() -> Account {
        Account {
            id: "clerk000001".into(),
            username: "clerk".into(),
            password: String::new(),
            first_name: "C".into(),
            surname: "L".into(),
            user_roles: vec![],
            authorities: vec!["F_DATAVALUE_ADD".into()],
            user_groups: vec![("group000001".into(), "Clerks".into())],
            organisation_units: vec![("ouRoot00001".into(), "/ouRoot00001".into())],
        }
    }

    #[test]
    fn data_write_comes_from_sharing_only() {
        let user = clerk();
        let public = json!({ "sharing": { "public": "rwrw----" } });
        let metadata_only = json!({ "sharing": { "public": "rw------", "owner": "clerk000001" } });
        let group = json!({ "sharing": { "public": "r-------",
            "userGroups": { "group000001": { "id": "group000001", "access": "r-rw----" } } } });
        let legacy = json!({ "publicAccess": "--------",
            "userAccesses": [{ "id": "clerk000001", "access": "--rw----" }] });
        assert!(can_data_write(Some(&user), Some(&public)));
        assert!(!can_data_write(Some(&user), Some(&metadata_only)));
        assert!(
            grants(&metadata_only, &user, 1),
            "owners may change the metadata"
        );
        assert!(can_data_write(Some(&user), Some(&group)));
        assert!(can_data_write(Some(&user), Some(&legacy)));
        assert!(can_data_write(None, Some(&metadata_only)));
        assert!(in_hierarchy(
            &user,
            &["ouLeaf00001".into(), "ouRoot00001".into()]
        ));
        assert!(!in_hierarchy(&user, &["ouOther0001".into()]));
    }
}
