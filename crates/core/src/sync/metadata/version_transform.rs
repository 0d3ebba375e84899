//! Adapting a payload read from one DHIS2 version to another: the `sharing` object (2.36+)
//! versus the legacy sharing fields, users with or without `userCredentials` (2.38), and
//! properties or types the target's schemas do not know.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use super::cleanup::Payload;
use crate::dhis2::{SchemaRegistry, Version};
use crate::sync::ReportNote;

/// User fields that lived under `userCredentials` before 2.38.
const CREDENTIAL_FIELDS: &[&str] = &[
    "username",
    "password",
    "userRoles",
    "disabled",
    "openId",
    "ldapId",
    "externalAuth",
    "twoFA",
    "accountExpiry",
    "passwordLastUpdated",
    "lastLogin",
    "catDimensionConstraints",
    "cogsDimensionConstraints",
    "selfRegistered",
    "invitation",
];

/// Keys never dropped by the schema filter.
const ALWAYS_KEPT: &[&str] = &[
    "id",
    "code",
    "name",
    "sharing",
    "translations",
    "attributeValues",
];

/// Adapts every object to the target version; returns notes about what was dropped.
pub fn adapt_payload(
    payload: &mut Payload,
    target_version: &Version,
    target_schemas: Option<&SchemaRegistry>,
) -> Vec<ReportNote> {
    let mut notes = Vec::new();
    for (plural, objects) in payload.iter_mut() {
        for object in objects.iter_mut() {
            let Value::Object(map) = object else { continue };
            adapt_sharing(map, target_version);
            if plural == "users" {
                adapt_user(map, target_version);
            }
        }
    }
    if let Some(registry) = target_schemas.filter(|r| !r.metadata_types().is_empty()) {
        notes.extend(filter_to_schemas(payload, registry, target_version));
    }
    notes
}

/// 2.36+ carries `sharing`; older servers only read the legacy fields.
pub fn adapt_sharing(map: &mut Map<String, Value>, target: &Version) {
    if target.minor_at_least(36) {
        if !map.contains_key("sharing") && map.contains_key("publicAccess") {
            let sharing = legacy_to_sharing(map);
            map.insert("sharing".into(), sharing);
        }
        return;
    }
    let Some(Value::Object(sharing)) = map.remove("sharing") else {
        return;
    };
    let accesses = |key: &str| -> Value {
        let entries = sharing.get(key).and_then(Value::as_object);
        Value::Array(
            entries
                .map(|entries| {
                    entries
                        .iter()
                        .map(|(id, entry)| json!({"id": id, "access": entry.get("access").cloned().unwrap_or(json!("r-------"))}))
                        .collect()
                })
                .unwrap_or_default(),
        )
    };
    if let Some(public) = sharing.get("public") {
        map.entry("publicAccess").or_insert(public.clone());
    }
    if let Some(external) = sharing.get("external") {
        map.entry("externalAccess").or_insert(external.clone());
    }
    if let Some(owner) = sharing.get("owner").and_then(Value::as_str) {
        map.entry("user").or_insert(json!({"id": owner}));
    }
    map.entry("userGroupAccesses")
        .or_insert(accesses("userGroups"));
    map.entry("userAccesses").or_insert(accesses("users"));
}

fn legacy_to_sharing(map: &Map<String, Value>) -> Value {
    let entries = |key: &str| -> Map<String, Value> {
        map.get(key)
            .and_then(Value::as_array)
            .map(|items| {
                items
                    .iter()
                    .filter_map(|item| {
                        let id = item.get("id")?.as_str()?;
                        let access = item.get("access").cloned().unwrap_or(json!("r-------"));
                        Some((id.to_string(), json!({"id": id, "access": access})))
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut sharing = Map::new();
    if let Some(public) = map.get("publicAccess") {
        sharing.insert("public".into(), public.clone());
    }
    sharing.insert(
        "external".into(),
        map.get("externalAccess")
            .cloned()
            .unwrap_or(Value::Bool(false)),
    );
    if let Some(owner) = map.get("user").and_then(|u| u.get("id")) {
        sharing.insert("owner".into(), owner.clone());
    }
    sharing.insert("users".into(), Value::Object(entries("userAccesses")));
    sharing.insert(
        "userGroups".into(),
        Value::Object(entries("userGroupAccesses")),
    );
    Value::Object(sharing)
}

/// Before 2.38 a user's account fields live under `userCredentials`; from 2.38 at the top.
pub fn adapt_user(map: &mut Map<String, Value>, target: &Version) {
    if target.minor_at_least(38) {
        if let Some(Value::Object(credentials)) = map.remove("userCredentials") {
            for (key, value) in credentials {
                if key != "id" && key != "user" {
                    map.entry(key).or_insert(value);
                }
            }
        }
        return;
    }
    let mut credentials = match map.remove("userCredentials") {
        Some(Value::Object(existing)) => existing,
        _ => Map::new(),
    };
    for key in CREDENTIAL_FIELDS {
        if let Some(value) = map.remove(*key) {
            credentials.entry(key.to_string()).or_insert(value);
        }
    }
    if !credentials.is_empty() {
        map.insert("userCredentials".into(), Value::Object(credentials));
    }
}

/// Drops types and top-level properties the target's schemas do not describe.
fn filter_to_schemas(
    payload: &mut Payload,
    registry: &SchemaRegistry,
    version: &Version,
) -> Vec<ReportNote> {
    let mut notes = Vec::new();
    let unknown: Vec<String> = payload
        .keys()
        .filter(|plural| registry.by_plural(plural).is_none())
        .cloned()
        .collect();
    for plural in unknown {
        let count = payload.remove(&plural).map_or(0, |objects| objects.len());
        notes.push(ReportNote::TypeUnknown {
            version: version.to_string(),
            plural,
            objects: count,
        });
    }
    for (plural, objects) in payload.iter_mut() {
        let Some(schema) = registry.by_plural(plural) else {
            continue;
        };
        // A schema listing few properties is a partial description: do not trust it to filter.
        if schema.properties.len() < 5 {
            continue;
        }
        let mut dropped: BTreeMap<String, usize> = BTreeMap::new();
        for object in objects.iter_mut() {
            let Value::Object(map) = object else { continue };
            map.retain(|key, _| {
                let known = ALWAYS_KEPT.contains(&key.as_str())
                    || schema.property_by_key(key).is_some()
                    || schema.properties.iter().any(|p| p.name == *key);
                if !known {
                    *dropped.entry(key.clone()).or_default() += 1;
                }
                known
            });
        }
        for (key, count) in dropped {
            notes.push(ReportNote::PropertyDropped {
                version: version.to_string(),
                plural: plural.clone(),
                property: key,
                objects: count,
            });
        }
    }
    notes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sharing_round_trips_between_old_and_new_servers() {
        let original = json!({"id": "a", "sharing": {"owner": "u1", "public": "rw------", "external": false,
            "users": {"u2": {"id": "u2", "access": "r-------"}},
            "userGroups": {"g1": {"id": "g1", "access": "rwrw----"}}}});
        let mut old = original.clone();
        adapt_sharing(old.as_object_mut().unwrap(), &Version::new(2, 30));
        assert!(old.get("sharing").is_none());
        assert_eq!(old["publicAccess"], "rw------");
        assert_eq!(old["user"], json!({"id": "u1"}));
        assert_eq!(
            old["userGroupAccesses"],
            json!([{"id": "g1", "access": "rwrw----"}])
        );
        let mut new = old.clone();
        adapt_sharing(new.as_object_mut().unwrap(), &Version::new(2, 41));
        assert_eq!(new["sharing"], original["sharing"]);
    }

    #[test]
    fn users_fold_and_unfold_at_2_38() {
        let flat =
            json!({"id": "u", "firstName": "A", "username": "a", "userRoles": [{"id": "r"}]});
        let mut old = flat.clone();
        adapt_user(old.as_object_mut().unwrap(), &Version::new(2, 37));
        assert_eq!(
            old["userCredentials"],
            json!({"username": "a", "userRoles": [{"id": "r"}]})
        );
        assert!(old.get("username").is_none());
        let mut new = old.clone();
        adapt_user(new.as_object_mut().unwrap(), &Version::new(2, 38));
        assert_eq!(new, flat);
    }
}
