//! Payload cleanup before any target sees it: server-owned fields, and the sharing, users and
//! organisation unit switches.

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::rules::{ORG_UNIT_TYPES, USER_TYPES};
use super::selection::{InclusionMode, MetadataSyncOptions};
use crate::dhis2::schemas::ReferenceTarget;
use crate::dhis2::SchemaRegistry;

/// Fields the server computes or owns; sending them back is noise at best. (`access` is only
/// server-owned as the computed object: in sharing entries it is the granted access string, and
/// `externalAccess` is a sharing setting — both are data to keep.)
fn is_server_owned(key: &str, field: &Value) -> bool {
    match key {
        "href" | "favorites" | "favorite" | "lastUpdatedBy" | "createdBy" => true,
        "access" => field.is_object(),
        _ => false,
    }
}

const LEGACY_SHARING: &[&str] = &[
    "publicAccess",
    "externalAccess",
    "userGroupAccesses",
    "userAccesses",
    "user",
];

/// The metadata payload: objects by plural.
pub type Payload = std::collections::BTreeMap<String, Vec<Value>>;

/// Applies the sharing, users and org unit switches to every object of the payload.
/// Server-owned fields are left out later, when the payload is serialized ([`Stripped`]), which
/// saves a walk through every object.
pub fn clean_payload(
    payload: &mut Payload,
    registry: &SchemaRegistry,
    options: &MetadataSyncOptions,
) {
    let mut cleaner = ObjectCleaner::new(registry, options);
    for (plural, objects) in payload.iter_mut() {
        for object in objects.iter_mut() {
            cleaner.clean(plural, object);
        }
    }
}

/// What [`clean_payload`] does, one object at a time: the resolver cleans each object right
/// after reading it, while it is still in the processor's cache, rather than in a second walk
/// through the whole payload.
pub struct ObjectCleaner<'a> {
    registry: &'a SchemaRegistry,
    options: &'a MetadataSyncOptions,
    /// Plural → keys to remove (see [`removed_reference_keys`]), worked out once per type.
    removed_keys: HashMap<String, Vec<String>>,
}

impl<'a> ObjectCleaner<'a> {
    pub fn new(registry: &'a SchemaRegistry, options: &'a MetadataSyncOptions) -> Self {
        ObjectCleaner {
            registry,
            options,
            removed_keys: HashMap::new(),
        }
    }

    /// Applies the sharing, users and org unit switches to one object of type `plural`.
    pub fn clean(&mut self, plural: &str, object: &mut Value) {
        let Value::Object(map) = object else { return };
        if !self.removed_keys.contains_key(plural) {
            let keys = removed_reference_keys(self.registry, plural, self.options);
            self.removed_keys.insert(plural.to_string(), keys);
        }
        for key in self.removed_keys.get(plural).into_iter().flatten() {
            map.remove(key);
        }
        apply_sharing_mode(map, self.options.sharing, self.options.users);
    }
}

/// Removes server-owned fields at every depth. Computed `display*` labels are strings;
/// settable `display*` flags (`displayInList`…) are booleans and stay.
pub fn strip_server_owned(value: &mut Value, strip_timestamps: bool) {
    match value {
        Value::Object(map) => {
            let unwanted = |key: &str, field: &Value| unwanted(key, field, strip_timestamps);
            // Reading is much cheaper than `retain` on a map with nothing to remove (the usual
            // case with `fields=:owner`).
            if map.iter().any(|(key, field)| unwanted(key, field)) {
                map.retain(|key, field| !unwanted(key, field));
            }
            for field in map.values_mut() {
                if field.is_object() || field.is_array() {
                    strip_server_owned(field, strip_timestamps);
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                strip_server_owned(item, strip_timestamps);
            }
        }
        _ => {}
    }
}

/// Whether a field is server-owned (or a timestamp the options drop). Computed `display*` labels
/// are strings; settable `display*` flags (`displayInList`…) are booleans and stay.
fn unwanted(key: &str, field: &Value, strip_timestamps: bool) -> bool {
    // Every unwanted key starts with one of these letters: most keys are settled by one byte.
    if !matches!(
        key.as_bytes().first(),
        Some(b'a' | b'c' | b'd' | b'e' | b'f' | b'h' | b'l')
    ) {
        return false;
    }
    is_server_owned(key, field)
        || (key.starts_with("display") && field.is_string())
        || (strip_timestamps && (key == "created" || key == "lastUpdated"))
}

/// Serializes a value without its server-owned fields, at every depth.
pub struct Stripped<'a> {
    pub value: &'a Value,
    pub strip_timestamps: bool,
}

impl serde::Serialize for Stripped<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeSeq};
        let nested = |value| Stripped {
            value,
            strip_timestamps: self.strip_timestamps,
        };
        match self.value {
            Value::Object(map) => {
                let mut out = serializer.serialize_map(None)?;
                for (key, field) in map {
                    if !unwanted(key, field, self.strip_timestamps) {
                        out.serialize_entry(key, &nested(field))?;
                    }
                }
                out.end()
            }
            Value::Array(items) => {
                let mut out = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    out.serialize_element(&nested(item))?;
                }
                out.end()
            }
            other => other.serialize(serializer),
        }
    }
}

/// Keys of a type that reference user or org unit types switched to `Remove`.
fn removed_reference_keys(
    registry: &SchemaRegistry,
    plural: &str,
    options: &MetadataSyncOptions,
) -> Vec<String> {
    let mut removed_types: Vec<&str> = Vec::new();
    if options.users == InclusionMode::Remove {
        removed_types.extend(USER_TYPES);
    }
    if options.org_units == InclusionMode::Remove {
        removed_types.extend(ORG_UNIT_TYPES);
    }
    let Some(schema) = registry.by_plural(plural) else {
        return Vec::new();
    };
    // Sharing keys are handled by the sharing switch, and an org unit's own parent is not a
    // reference to remove when org units themselves are synced.
    registry
        .references_of(schema)
        .into_iter()
        .filter(|reference| {
            matches!(&reference.target, ReferenceTarget::Type(t) if removed_types.contains(&t.as_str()))
                && !LEGACY_SHARING.contains(&reference.json_key.as_str())
                && reference.json_key != "sharing"
        })
        .map(|reference| reference.json_key)
        .collect()
}

fn apply_sharing_mode(map: &mut Map<String, Value>, sharing: InclusionMode, users: InclusionMode) {
    if sharing == InclusionMode::Remove {
        map.remove("sharing");
        for key in LEGACY_SHARING {
            map.remove(*key);
        }
        return;
    }
    if users == InclusionMode::Remove {
        map.remove("user");
        map.remove("userAccesses");
        if let Some(Value::Object(sharing)) = map.get_mut("sharing") {
            sharing.remove("owner");
            // Replacing in place saves allocating the key again (the usual case).
            match sharing.get_mut("users") {
                Some(users) => *users = Value::Object(Map::new()),
                None => {
                    sharing.insert("users".into(), Value::Object(Map::new()));
                }
            }
        }
    }
}

/// User group ids named in sharing (for the "objects and references" sharing switch).
pub fn sharing_user_groups(payload: &Payload) -> Vec<String> {
    let mut ids = std::collections::BTreeSet::new();
    for object in payload.values().flatten() {
        if let Some(Value::Object(groups)) = object.get("sharing").and_then(|s| s.get("userGroups"))
        {
            ids.extend(groups.keys().cloned());
        }
        if let Some(Value::Array(accesses)) = object.get("userGroupAccesses") {
            ids.extend(
                accesses
                    .iter()
                    .filter_map(|a| a.get("id").or_else(|| a.get("userGroupUid")))
                    .filter_map(Value::as_str)
                    .map(str::to_string),
            );
        }
    }
    ids.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn strips_server_fields_but_keeps_settable_flags() {
        let mut object = json!({"id": "a", "href": "h", "displayName": "x", "displayInList": true,
            "access": {"read": true}, "legends": [{"id": "b", "displayName": "y", "favorite": false}],
            "created": "2020", "lastUpdatedBy": {"id": "u"}});
        strip_server_owned(&mut object, true);
        assert_eq!(
            object,
            json!({"id": "a", "displayInList": true, "legends": [{"id": "b"}]})
        );
    }

    #[test]
    fn sharing_access_strings_survive_stripping() {
        let object = json!({"id": "a", "access": {"read": true}, "externalAccess": false,
            "userGroupAccesses": [{"id": "g", "access": "rwrw----"}],
            "sharing": {"public": "r-------", "external": false,
                "userGroups": {"g": {"id": "g", "access": "rwrw----"}}}});
        let expected = json!({"id": "a", "externalAccess": false,
            "userGroupAccesses": [{"id": "g", "access": "rwrw----"}],
            "sharing": {"public": "r-------", "external": false,
                "userGroups": {"g": {"id": "g", "access": "rwrw----"}}}});
        let mut stripped = object.clone();
        strip_server_owned(&mut stripped, false);
        assert_eq!(stripped, expected);
        let serialized = serde_json::to_value(Stripped {
            value: &object,
            strip_timestamps: false,
        })
        .unwrap_or_default();
        assert_eq!(serialized, expected);
    }

    #[test]
    fn serializing_stripped_equals_stripping_first() {
        let object = json!({"id": "a", "href": "h", "displayName": "x", "displayInList": true,
            "access": {"read": true}, "legends": [{"id": "b", "displayName": "y", "favorite": false}],
            "created": "2020", "lastUpdatedBy": {"id": "u"}});
        for timestamps in [false, true] {
            let mut stripped = object.clone();
            strip_server_owned(&mut stripped, timestamps);
            let serialized = serde_json::to_value(Stripped {
                value: &object,
                strip_timestamps: timestamps,
            })
            .unwrap_or_default();
            assert_eq!(serialized, stripped);
        }
    }

    #[test]
    fn sharing_switches() {
        let base = json!({"id": "a", "publicAccess": "rw------", "user": {"id": "u"},
            "sharing": {"owner": "u", "public": "rw------", "users": {"u": {"id": "u", "access": "rw------"}},
                "userGroups": {"g": {"id": "g", "access": "r-------"}}}});
        let mut removed = base.clone();
        apply_sharing_mode(
            removed.as_object_mut().unwrap(),
            InclusionMode::Remove,
            InclusionMode::Remove,
        );
        assert_eq!(removed, json!({"id": "a"}));
        let mut no_users = base.clone();
        apply_sharing_mode(
            no_users.as_object_mut().unwrap(),
            InclusionMode::ReferencesOnly,
            InclusionMode::Remove,
        );
        assert!(no_users.get("user").is_none());
        assert_eq!(no_users["sharing"]["users"], json!({}));
        assert!(no_users["sharing"].get("owner").is_none());
        let payload: Payload = [("dataSets".to_string(), vec![base])].into_iter().collect();
        assert_eq!(sharing_user_groups(&payload), vec!["g".to_string()]);
    }
}
