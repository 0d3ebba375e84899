//! Who may see, change and run a route: its sharing (owner, public access, users, user
//! groups), as the `sharing` property and through `/api/sharing?type=route&id=…`.

use crate::{Account, SimResponse};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

pub const PRIVATE: &str = "--------";
pub const PUBLIC_READ_WRITE: &str = "rw------";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteSharing {
    pub owner: String,
    pub public: String,
    /// user id → access string
    pub users: BTreeMap<String, String>,
    /// user group id → access string
    pub groups: BTreeMap<String, String>,
}

/// True when `text` is a metadata access string (`rw------`, `r-------`, `--------` …).
pub fn is_access_string(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 8
        && bytes.iter().enumerate().all(|(index, &byte)| {
            byte == b'-'
                || (index % 2 == 0 && byte == b'r' && index < 4)
                || (index % 2 == 1 && byte == b'w' && index < 4)
        })
}

/// `{"x": {"id": "x", "access": "r-------"}}` (2.36+) or `[{"id": "x", "access": …}]`
/// (classic) → id → access.
fn accesses(value: Option<&Value>) -> BTreeMap<String, String> {
    let entries: Vec<&Value> = match value {
        Some(Value::Object(map)) => map.values().collect(),
        Some(Value::Array(items)) => items.iter().collect(),
        _ => Vec::new(),
    };
    entries
        .into_iter()
        .filter_map(|entry| {
            let id = entry.get("id").and_then(Value::as_str)?;
            let access = entry
                .get("access")
                .and_then(Value::as_str)
                .unwrap_or("r-------");
            Some((id.to_string(), access.to_string()))
        })
        .collect()
}

impl RouteSharing {
    /// The sharing a POST/PUT body asks for, in either form; `default_public` when it names
    /// no public access.
    pub fn from_body(body: &Map<String, Value>, owner: &str, default_public: &str) -> Self {
        let sharing = body.get("sharing").and_then(Value::as_object);
        let public = sharing
            .and_then(|s| s.get("public"))
            .or_else(|| body.get("publicAccess"))
            .and_then(Value::as_str)
            .filter(|access| is_access_string(access))
            .unwrap_or(default_public);
        RouteSharing {
            owner: owner.to_string(),
            public: public.to_string(),
            users: accesses(
                sharing
                    .and_then(|s| s.get("users"))
                    .or_else(|| body.get("userAccesses")),
            ),
            groups: accesses(
                sharing
                    .and_then(|s| s.get("userGroups"))
                    .or_else(|| body.get("userGroupAccesses")),
            ),
        }
    }

    /// The access string `user` holds: superusers and the owner everything, others the union of
    /// the public, user and group grants.
    pub fn access(&self, user: &Account) -> String {
        if user.is_superuser() || self.owner == user.id {
            return "rwrw----".to_string();
        }
        let mut grants = vec![self.public.as_str()];
        grants.extend(self.users.get(&user.id).map(String::as_str));
        for (group, _) in &user.user_groups {
            grants.extend(self.groups.get(group).map(String::as_str));
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

    pub fn can_read(&self, user: &Account) -> bool {
        self.access(user).starts_with('r')
    }

    pub fn can_write(&self, user: &Account) -> bool {
        self.access(user).as_bytes().get(1) == Some(&b'w')
    }

    /// The 2.36+ `sharing` property.
    pub fn render(&self) -> Value {
        let by_id = |entries: &BTreeMap<String, String>| -> Value {
            entries
                .iter()
                .map(|(id, access)| (id.clone(), json!({ "id": id, "access": access })))
                .collect::<Map<_, _>>()
                .into()
        };
        json!({
            "owner": self.owner, "external": false, "public": self.public,
            "users": by_id(&self.users), "userGroups": by_id(&self.groups),
        })
    }

    /// The `access` object DHIS2 attaches to an object for the requesting user.
    pub fn access_json(&self, user: &Account) -> Value {
        let access = self.access(user);
        let write = access.as_bytes().get(1) == Some(&b'w');
        json!({ "manage": write, "externalize": write, "write": write,
                "read": access.starts_with('r'), "update": write, "delete": write })
    }

    /// `GET /api/sharing?type=route&id=…`.
    pub fn document(
        &self,
        id: &str,
        name: &str,
        accounts: &[Account],
        with_external: bool,
    ) -> Value {
        let user_name = |id: &str| {
            accounts
                .iter()
                .find(|account| account.id == id)
                .map(|account| (account.display_name(), account.username.clone()))
        };
        let group_name = |id: &str| {
            accounts
                .iter()
                .flat_map(|account| &account.user_groups)
                .find(|(group, _)| group == id)
                .map(|(_, name)| name.clone())
                .unwrap_or_default()
        };
        let users: Vec<Value> = self
            .users
            .iter()
            .map(|(id, access)| {
                let (name, username) = user_name(id).unwrap_or_default();
                json!({ "id": id, "name": name, "displayName": name, "username": username,
                        "access": access })
            })
            .collect();
        let groups: Vec<Value> = self
            .groups
            .iter()
            .map(|(id, access)| {
                let name = group_name(id);
                json!({ "id": id, "name": name, "displayName": name, "access": access })
            })
            .collect();
        let owner_name = user_name(&self.owner)
            .map(|(name, _)| name)
            .unwrap_or_default();
        let mut meta = json!({ "allowPublicAccess": true });
        let mut object = json!({
            "id": id, "name": name, "displayName": name, "publicAccess": self.public,
            "user": { "id": self.owner, "name": owner_name },
            "userGroupAccesses": groups, "userAccesses": users,
        });
        if with_external {
            meta["allowExternalAccess"] = json!(false);
            object["externalAccess"] = json!(false);
        }
        json!({ "meta": meta, "object": object })
    }

    /// Applies `POST /api/sharing` (`{"object": {publicAccess, userAccesses, …}}`).
    pub fn update_from_document(&mut self, body: &[u8]) -> Result<(), SimResponse> {
        let body: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
        let Some(object) = body.get("object").and_then(Value::as_object) else {
            return Err(SimResponse::web_message(
                400,
                "Request body must be {\"object\": {…}}.",
            ));
        };
        let public = object
            .get("publicAccess")
            .and_then(Value::as_str)
            .unwrap_or(PRIVATE);
        if !is_access_string(public) {
            return Err(SimResponse::web_message(
                409,
                &format!("Invalid public access string: {public}"),
            ));
        }
        let users = accesses(object.get("userAccesses"));
        let groups = accesses(object.get("userGroupAccesses"));
        if let Some(bad) = users
            .values()
            .chain(groups.values())
            .find(|a| !is_access_string(a))
        {
            return Err(SimResponse::web_message(
                409,
                &format!("Invalid access string: {bad}"),
            ));
        }
        self.public = public.to_string();
        self.users = users;
        self.groups = groups;
        if let Some(owner) = object
            .get("user")
            .and_then(|user| user.get("id"))
            .and_then(Value::as_str)
        {
            self.owner = owner.to_string();
        }
        Ok(())
    }
}
