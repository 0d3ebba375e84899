//! Sharing as the store keeps it (the 2.36+ `sharing` object) and its legacy rendering
//! (`publicAccess`, `externalAccess`, `user`, `userGroupAccesses`, `userAccesses`).

use crate::{Account, SimVersion};
use serde_json::{json, Map, Value};

pub const DEFAULT_PUBLIC_ACCESS: &str = "rw------";

/// Moves whichever sharing form `object` carries into a canonical `sharing` object.
/// `owner` is used when the payload names none.
pub fn normalize(object: &mut Map<String, Value>, owner: Option<&str>) {
    let given = object.remove("sharing");
    let legacy_public = object.remove("publicAccess");
    let legacy_external = object.remove("externalAccess");
    let legacy_groups = object.remove("userGroupAccesses");
    let legacy_users = object.remove("userAccesses");
    let user = object
        .get("user")
        .and_then(|user| user.get("id"))
        .and_then(Value::as_str)
        .map(str::to_string);
    let mut sharing = match given {
        Some(Value::Object(map)) => map,
        _ => {
            let mut map = Map::new();
            if let Some(public) = legacy_public {
                map.insert("public".into(), public);
            }
            if let Some(external) = legacy_external {
                map.insert("external".into(), external);
            }
            map.insert("userGroups".into(), access_map(legacy_groups));
            map.insert("users".into(), access_map(legacy_users));
            map
        }
    };
    if !sharing.get("owner").is_some_and(Value::is_string) {
        match user.as_deref().or(owner) {
            Some(owner) => sharing.insert("owner".into(), json!(owner)),
            None => sharing.remove("owner"),
        };
    }
    if !sharing.get("public").is_some_and(Value::is_string) {
        sharing.insert("public".into(), json!(DEFAULT_PUBLIC_ACCESS));
    }
    if !sharing.get("external").is_some_and(Value::is_boolean) {
        sharing.insert("external".into(), json!(false));
    }
    for key in ["users", "userGroups"] {
        let entries = match sharing.remove(key) {
            Some(Value::Object(entries)) => entries,
            _ => Map::new(),
        };
        let cleaned = entries
            .into_iter()
            .map(|(id, entry)| {
                let access = entry.get("access").cloned().unwrap_or(json!("r-------"));
                (id.clone(), json!({ "id": id, "access": access }))
            })
            .collect();
        sharing.insert(key.into(), Value::Object(cleaned));
    }
    object.insert("sharing".into(), Value::Object(sharing));
}

/// Replaces a 2.36+ `sharing` object by the legacy fields, for versions whose schemas do not
/// know `sharing` (used when the seed inserts objects written in the new form).
pub fn sharing_to_legacy(object: &mut Map<String, Value>) {
    let Some(Value::Object(sharing)) = object.remove("sharing") else {
        return;
    };
    let entries = |key: &str| -> Value {
        let values = sharing
            .get(key)
            .and_then(Value::as_object)
            .map(|map| map.values().cloned().collect())
            .unwrap_or_default();
        Value::Array(values)
    };
    if let Some(public) = sharing.get("public") {
        object.insert("publicAccess".into(), public.clone());
    }
    if let Some(external) = sharing.get("external") {
        object.insert("externalAccess".into(), external.clone());
    }
    if let Some(owner) = sharing.get("owner").and_then(Value::as_str) {
        object.insert("user".into(), json!({ "id": owner }));
    }
    object.insert("userGroupAccesses".into(), entries("userGroups"));
    object.insert("userAccesses".into(), entries("users"));
}

/// `[{"id":"x","access":"rw------",…}]` → `{"x":{"id":"x","access":"rw------"}}`.
fn access_map(list: Option<Value>) -> Value {
    let mut map = Map::new();
    for entry in list.and_then(|v| v.as_array().cloned()).unwrap_or_default() {
        let id = entry
            .get("id")
            .or_else(|| entry.get("userGroupUid"))
            .or_else(|| entry.get("userUid"))
            .and_then(Value::as_str);
        if let Some(id) = id {
            let access = entry.get("access").cloned().unwrap_or(json!("r-------"));
            map.insert(id.to_string(), json!({ "id": id, "access": access }));
        }
    }
    Value::Object(map)
}

/// Adds the legacy fields from `sharing`; drops `sharing` itself before 2.36.
pub fn render(object: &mut Map<String, Value>, version: SimVersion) {
    let Some(sharing) = object.get("sharing").cloned() else {
        return;
    };
    let entries = |key: &str| -> Vec<Value> {
        sharing
            .get(key)
            .and_then(Value::as_object)
            .map(|map| map.values().cloned().collect())
            .unwrap_or_default()
    };
    object.insert(
        "publicAccess".into(),
        sharing
            .get("public")
            .cloned()
            .unwrap_or(json!(DEFAULT_PUBLIC_ACCESS)),
    );
    object.insert(
        "externalAccess".into(),
        sharing.get("external").cloned().unwrap_or(json!(false)),
    );
    if let Some(owner) = sharing.get("owner").and_then(Value::as_str) {
        object.insert("user".into(), json!({ "id": owner }));
    }
    object.insert(
        "userGroupAccesses".into(),
        Value::Array(entries("userGroups")),
    );
    object.insert("userAccesses".into(), Value::Array(entries("users")));
    if !version.at_least(36, 0) {
        object.remove("sharing");
    }
}

/// The access string `user` has on an object with `sharing` (superusers: full).
pub fn effective_access(sharing: Option<&Value>, user: &Account) -> String {
    if user.is_superuser() {
        return "rwrw----".to_string();
    }
    let Some(sharing) = sharing else {
        return "rwrw----".to_string();
    };
    if sharing.get("owner").and_then(Value::as_str) == Some(user.id.as_str()) {
        return "rwrw----".to_string();
    }
    let mut grants: Vec<&str> = vec![sharing
        .get("public")
        .and_then(Value::as_str)
        .unwrap_or(DEFAULT_PUBLIC_ACCESS)];
    if let Some(access) = sharing
        .pointer(&format!("/users/{}/access", user.id))
        .and_then(Value::as_str)
    {
        grants.push(access);
    }
    for (group, _) in &user.user_groups {
        if let Some(access) = sharing
            .pointer(&format!("/userGroups/{group}/access"))
            .and_then(Value::as_str)
        {
            grants.push(access);
        }
    }
    let mut merged = *b"--------";
    for grant in grants {
        for (slot, byte) in merged.iter_mut().zip(grant.bytes()) {
            if byte != b'-' {
                *slot = byte;
            }
        }
    }
    String::from_utf8_lossy(&merged).into_owned()
}

/// The `access` object DHIS2 attaches to objects it returns.
pub fn access_json(access: &str, data_shareable: bool) -> Value {
    let bytes = access.as_bytes();
    let at = |index: usize, expected: u8| bytes.get(index) == Some(&expected);
    let write = at(1, b'w');
    let mut out = json!({
        "manage": write, "externalize": write, "write": write,
        "read": at(0, b'r'), "update": write, "delete": write,
    });
    if data_shareable {
        out["data"] = json!({ "read": at(2, b'r'), "write": at(3, b'w') });
    }
    out
}

/// True when `text` is a valid 8-character access string.
pub fn is_valid_access(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 8
        && bytes.iter().enumerate().all(|(index, &byte)| {
            byte == b'-'
                || (index % 2 == 0 && byte == b'r' && index < 4)
                || (index % 2 == 1 && byte == b'w' && index < 4)
        })
}
