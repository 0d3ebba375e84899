//! Sharing of dataStore entries: who may read and write an entry, and
//! `/api/sharing?type=dataStore&id=…` to see and change it.

use super::{DataStore, Entry};
use crate::{Account, RequestContext, SimResponse};
use serde_json::{json, Value};

/// An entry's sharing: owner, public access string (`rw------`), user and user-group grants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntrySharing {
    pub owner: String,
    pub public_access: String,
    pub user_accesses: Vec<(String, String)>,
    pub user_group_accesses: Vec<(String, String)>,
}

impl EntrySharing {
    /// New entries are readable and writable by everyone, owned by their creator.
    pub fn new(owner: &str) -> Self {
        EntrySharing {
            owner: owner.to_string(),
            public_access: "rw------".to_string(),
            user_accesses: Vec::new(),
            user_group_accesses: Vec::new(),
        }
    }

    /// True when `user` may read (`write = false`) or write the entry.
    pub fn allows(&self, user: &Account, write: bool) -> bool {
        let position = usize::from(write);
        let grants = |access: &str| access.chars().nth(position).is_some_and(|c| c != '-');
        user.is_superuser()
            || self.owner == user.id
            || grants(&self.public_access)
            || self
                .user_accesses
                .iter()
                .any(|(id, access)| *id == user.id && grants(access))
            || self.user_group_accesses.iter().any(|(id, access)| {
                user.user_groups.iter().any(|(group, _)| group == id) && grants(access)
            })
    }

    /// The classic (pre-2.36) sharing fields.
    pub fn classic_fields(&self) -> Value {
        json!({
            "publicAccess": self.public_access,
            "externalAccess": false,
            "user": {"id": self.owner},
            "userAccesses": self.user_accesses.iter()
                .map(|(id, access)| json!({"id": id, "access": access})).collect::<Vec<_>>(),
            "userGroupAccesses": self.user_group_accesses.iter()
                .map(|(id, access)| json!({"id": id, "access": access})).collect::<Vec<_>>(),
        })
    }

    /// The 2.36+ `sharing` object.
    pub fn sharing_object(&self) -> Value {
        let by_id = |pairs: &[(String, String)]| -> Value {
            pairs
                .iter()
                .map(|(id, access)| (id.clone(), json!({"id": id, "access": access})))
                .collect::<serde_json::Map<_, _>>()
                .into()
        };
        json!({"owner": self.owner, "external": false, "public": self.public_access,
               "users": by_id(&self.user_accesses), "userGroups": by_id(&self.user_group_accesses)})
    }
}

fn parse_accesses(value: &Value) -> Vec<(String, String)> {
    value
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|item| {
                    Some((
                        item["id"].as_str()?.to_string(),
                        item["access"].as_str()?.to_string(),
                    ))
                })
                .collect()
        })
        .unwrap_or_default()
}

fn is_access_string(text: &str) -> bool {
    text.len() == 8 && text.chars().all(|c| matches!(c, 'r' | 'w' | '-'))
}

/// `GET|POST|PUT /api/sharing?type=dataStore&id=<entry id>`.
pub fn handle(store: &mut DataStore, ctx: &RequestContext) -> SimResponse {
    let id = ctx.query.get("id").unwrap_or_default().to_string();
    let Some(entry) = store.entry_by_id_mut(&id) else {
        return SimResponse::web_message(
            404,
            &format!("Object of type dataStore with ID {id} was not found."),
        );
    };
    if ctx.method == "GET" {
        return SimResponse::json(200, &describe(entry));
    }
    if !(ctx.user.is_superuser() || entry.sharing.owner == ctx.user.id) {
        return SimResponse::web_message(403, "You do not have manage access to this object.");
    }
    let body: Value = serde_json::from_slice(ctx.body).unwrap_or_default();
    let object = &body["object"];
    let public_access = object["publicAccess"]
        .as_str()
        .unwrap_or(&entry.sharing.public_access)
        .to_string();
    if !is_access_string(&public_access) {
        return SimResponse::web_message(
            409,
            &format!("Invalid public access string: {public_access}"),
        );
    }
    entry.sharing.public_access = public_access;
    entry.sharing.user_accesses = parse_accesses(&object["userAccesses"]);
    entry.sharing.user_group_accesses = parse_accesses(&object["userGroupAccesses"]);
    entry.last_updated = crate::clock::now_iso();
    SimResponse::web_message(200, "Access control set")
}

fn describe(entry: &Entry) -> Value {
    let mut object = entry.sharing.classic_fields();
    object["id"] = json!(entry.id);
    object["name"] = json!(entry.key);
    object["displayName"] = json!(entry.key);
    json!({"meta": {"allowPublicAccess": true, "allowExternalAccess": false}, "object": object})
}
