//! `/api/userDataStore[/{namespace}[/{key}]]`: each user's private key-value store (§4).
//! Superusers may address another user's store with `?username=`.

use crate::{RequestContext, SimResponse, SimVersion};
use serde_json::{json, Value};
use std::collections::BTreeMap;

type Namespaces = BTreeMap<String, BTreeMap<String, String>>;

/// Every user's namespaces, by username.
#[derive(Debug, Default)]
pub struct UserDataStore {
    users: BTreeMap<String, Namespaces>,
}

/// 2.38 (`UserDatastoreController`) reworded some messages; update went from 201 to 200.
fn reworded(version: SimVersion) -> bool {
    version.at_least(38, 0)
}

fn message(status: u16, text: String) -> SimResponse {
    SimResponse::web_message(status, &text)
}

impl UserDataStore {
    pub fn handle(&mut self, ctx: &RequestContext) -> Option<SimResponse> {
        let segments: Vec<&str> = ctx.segments.iter().map(String::as_str).collect();
        if segments.first() != Some(&"userDataStore") {
            return None;
        }
        let username = match ctx.query.get("username") {
            Some(other) if ctx.user.is_superuser() => other.to_string(),
            _ => ctx.user.username.clone(),
        };
        let new = reworded(ctx.version);
        let namespaces = self.users.entry(username).or_default();
        let ns_missing = |ns: &str| {
            message(
                404,
                if new {
                    format!("Namespace not found: '{ns}'")
                } else {
                    format!("The namespace '{ns}' was not found.")
                },
            )
        };
        let key_missing = |ns: &str, key: &str| {
            message(
                404,
                if new {
                    format!("Key '{key}' not found in namespace '{ns}'")
                } else {
                    format!("The key '{key}' was not found in the namespace '{ns}'.")
                },
            )
        };
        let response = match (ctx.method, &segments[1..]) {
            ("GET", []) => SimResponse::json(200, &json!(namespaces.keys().collect::<Vec<_>>())),
            ("GET", [ns]) => match namespaces.get(*ns) {
                Some(keys) => SimResponse::json(200, &json!(keys.keys().collect::<Vec<_>>())),
                None => ns_missing(ns),
            },
            ("DELETE", [ns]) => match namespaces.remove(*ns) {
                Some(_) if new => message(200, format!("Namespace deleted: '{ns}'")),
                Some(_) => message(200, format!("All keys from namespace '{ns}' deleted.")),
                None => ns_missing(ns),
            },
            ("GET", [ns, key]) => match namespaces.get(*ns).and_then(|keys| keys.get(*key)) {
                Some(value) => {
                    SimResponse::bytes(200, "application/json;charset=UTF-8", value.clone())
                }
                None => key_missing(ns, key),
            },
            ("POST", [ns, key]) => {
                if namespaces
                    .get(*ns)
                    .is_some_and(|keys| keys.contains_key(*key))
                {
                    return Some(message(
                        409,
                        if new {
                            format!("Key '{key}' already exists in namespace '{ns}'")
                        } else {
                            format!("The key '{key}' already exists in the namespace '{ns}'.")
                        },
                    ));
                }
                let Some(text) = super::json_text(ctx.body) else {
                    return Some(SimResponse::web_message(400, "The data is not valid JSON."));
                };
                namespaces
                    .entry(ns.to_string())
                    .or_default()
                    .insert(key.to_string(), text);
                message(201, format!("Key '{key}' in namespace '{ns}' created."))
            }
            ("PUT", [ns, key]) => {
                let Some(text) = super::json_text(ctx.body) else {
                    return Some(SimResponse::web_message(400, "The data is not valid JSON."));
                };
                match namespaces.get_mut(*ns).and_then(|keys| keys.get_mut(*key)) {
                    Some(value) => {
                        *value = text;
                        if new {
                            message(200, format!("Key updated: '{key}'"))
                        } else {
                            message(201, format!("Key '{key}' in namespace '{ns}' updated."))
                        }
                    }
                    None => key_missing(ns, key),
                }
            }
            ("DELETE", [ns, key]) => {
                match namespaces.get_mut(*ns).and_then(|keys| keys.remove(*key)) {
                    Some(_) => {
                        if namespaces.get(*ns).is_some_and(|keys| keys.is_empty()) {
                            namespaces.remove(*ns);
                        }
                        message(
                            200,
                            format!("Key '{key}' deleted from the namespace '{ns}'."),
                        )
                    }
                    None => key_missing(ns, key),
                }
            }
            _ => return None,
        };
        Some(response)
    }

    /// The parsed value of a user's key (for assertions).
    pub fn value(&self, username: &str, namespace: &str, key: &str) -> Option<Value> {
        let text = self.users.get(username)?.get(namespace)?.get(key)?;
        serde_json::from_str(text).ok()
    }
}
