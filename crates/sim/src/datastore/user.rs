//! `/api/userDataStore[/{namespace}[/{key}]]`: each user's private key-value store (§4), with
//! the codes and messages of each release of `UserKeyJsonValueController` (2.30–2.37) and
//! `UserDatastoreController` (2.38+), read tag by tag.

use crate::{Account, RequestContext, SimResponse, SimVersion};
use serde_json::{json, Value};
use std::collections::BTreeMap;

type Namespaces = BTreeMap<String, BTreeMap<String, String>>;

/// Every user's namespaces, by username.
#[derive(Debug, Default)]
pub struct UserDataStore {
    users: BTreeMap<String, Namespaces>,
}

/// The three behaviours the controller had.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Generation {
    /// 2.30 … 2.38.4, 2.39.0 … 2.39.2, 2.40.0: the 2.30 messages; PUT of a missing key is 404
    /// and an update answers 201 "… updated.".
    Legacy,
    /// 2.38.5+, 2.39.3+: PUT creates a missing key (201) and an update answers 200
    /// "Key updated: 'k'"; the other messages are still the 2.30 ones.
    Upsert,
    /// 2.40.1+: DHIS2's typed errors — new wording and `errorCode` (E1005, E1004, E1003).
    Typed,
}

fn generation(version: SimVersion) -> Generation {
    match version.minor {
        ..=37 => Generation::Legacy,
        38 if version.at_least(38, 5) => Generation::Upsert,
        39 if version.at_least(39, 3) => Generation::Upsert,
        38 | 39 => Generation::Legacy,
        40 if version.at_least(40, 1) => Generation::Typed,
        40 => Generation::Legacy,
        _ => Generation::Typed,
    }
}

/// `?username=` exists from 2.38.1; before, the parameter is ignored.
fn reads_username_parameter(version: SimVersion) -> bool {
    version.at_least(38, 1)
}

fn message(status: u16, text: String) -> SimResponse {
    SimResponse::web_message(status, &text)
}

fn not_found(generation: Generation, legacy: String, typed: String) -> SimResponse {
    match generation {
        Generation::Typed => SimResponse::web_message_with_code(404, "E1005", &typed),
        _ => message(404, legacy),
    }
}

fn namespace_missing(generation: Generation, ns: &str) -> SimResponse {
    not_found(
        generation,
        format!("The namespace '{ns}' was not found."),
        format!("Namespace not found: '{ns}'"),
    )
}

fn key_missing(generation: Generation, ns: &str, key: &str) -> SimResponse {
    not_found(
        generation,
        format!("The key '{key}' was not found in the namespace '{ns}'."),
        format!("Key '{key}' not found in namespace '{ns}'"),
    )
}

fn invalid_json(generation: Generation, key: &str) -> SimResponse {
    match generation {
        Generation::Typed => SimResponse::web_message_with_code(
            400,
            "E1003",
            &format!("Invalid JSON value for key '{key}'"),
        ),
        _ => SimResponse::web_message(400, "The data is not valid JSON."),
    }
}

fn created(ns: &str, key: &str) -> SimResponse {
    message(201, format!("Key '{key}' in namespace '{ns}' created."))
}

impl UserDataStore {
    /// `accounts` resolves `?username=` (superusers only, 2.38.1+).
    pub fn handle(&mut self, ctx: &RequestContext, accounts: &[Account]) -> Option<SimResponse> {
        let segments: Vec<&str> = ctx.segments.iter().map(String::as_str).collect();
        if segments.first() != Some(&"userDataStore") {
            return None;
        }
        let generation = generation(ctx.version);
        let username = match self.owner(ctx, accounts) {
            Ok(username) => username,
            Err(refusal) => return Some(refusal),
        };
        let namespaces = self.users.entry(username).or_default();
        let response = match (ctx.method, &segments[1..]) {
            ("GET", []) => SimResponse::json(200, &json!(namespaces.keys().collect::<Vec<_>>())),
            ("GET", [ns]) | ("GET", [ns, "keys"])
                if segments.len() == 2 || generation == Generation::Typed =>
            {
                match namespaces.get(*ns) {
                    Some(keys) => SimResponse::json(200, &json!(keys.keys().collect::<Vec<_>>())),
                    None => namespace_missing(generation, ns),
                }
            }
            ("DELETE", [ns]) => match (namespaces.remove(*ns), generation) {
                (Some(_), Generation::Typed) => message(200, format!("Namespace deleted: '{ns}'")),
                (None, Generation::Typed) => namespace_missing(generation, ns),
                // Before 2.40.1 the namespace is not looked up first: always 200.
                _ => message(200, format!("All keys from namespace '{ns}' deleted.")),
            },
            ("GET", [ns, key]) => match namespaces.get(*ns).and_then(|keys| keys.get(*key)) {
                Some(value) => {
                    SimResponse::bytes(200, "application/json;charset=UTF-8", value.clone())
                }
                None => key_missing(generation, ns, key),
            },
            ("POST", [ns, key]) => add(namespaces, generation, ns, key, ctx.body),
            ("PUT", [ns, key]) => put(namespaces, generation, ns, key, ctx.body),
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
                    None => key_missing(generation, ns, key),
                }
            }
            _ => return None,
        };
        Some(response)
    }

    /// Whose store the request addresses: the caller's, or with `?username=` (2.38.1+) another
    /// user's for a superuser; anyone else gets DHIS2's 409.
    fn owner(&self, ctx: &RequestContext, accounts: &[Account]) -> Result<String, SimResponse> {
        let requested = ctx
            .query
            .get("username")
            .filter(|name| !name.trim().is_empty());
        let Some(requested) = requested.filter(|_| reads_username_parameter(ctx.version)) else {
            return Ok(ctx.user.username.clone());
        };
        if !ctx.user.is_superuser() {
            // The 2.38 text names the parameter `user`, the 2.40.1 one `username`.
            let parameter = if generation(ctx.version) == Generation::Typed {
                "username"
            } else {
                "user"
            };
            return Err(SimResponse::web_message(
                409,
                &format!(
                    "Only superusers can read or write other users data using the `{parameter}` parameter."
                ),
            ));
        }
        if !accounts.iter().any(|account| account.username == requested) {
            return Err(SimResponse::web_message(
                409,
                &format!("No user with username {requested} exists."),
            ));
        }
        Ok(requested.to_string())
    }

    /// The parsed value of a user's key (for assertions).
    pub fn value(&self, username: &str, namespace: &str, key: &str) -> Option<Value> {
        let text = self.users.get(username)?.get(namespace)?.get(key)?;
        serde_json::from_str(text).ok()
    }
}

/// `POST /{ns}/{key}`: the duplicate check comes before the JSON check in every version.
fn add(
    namespaces: &mut Namespaces,
    generation: Generation,
    ns: &str,
    key: &str,
    body: &[u8],
) -> SimResponse {
    if namespaces
        .get(ns)
        .is_some_and(|keys| keys.contains_key(key))
    {
        return match generation {
            Generation::Typed => SimResponse::web_message_with_code(
                409,
                "E1004",
                &format!("Key '{key}' already exists in namespace '{ns}'"),
            ),
            _ => message(
                409,
                format!("The key '{key}' already exists in the namespace '{ns}'."),
            ),
        };
    }
    let Some(text) = super::json_text(body) else {
        return invalid_json(generation, key);
    };
    namespaces
        .entry(ns.to_string())
        .or_default()
        .insert(key.to_string(), text);
    created(ns, key)
}

/// `PUT /{ns}/{key}`: update, or (from 2.38.5 / 2.39.3 / 2.40.1) create a missing key.
fn put(
    namespaces: &mut Namespaces,
    generation: Generation,
    ns: &str,
    key: &str,
    body: &[u8],
) -> SimResponse {
    let exists = namespaces
        .get(ns)
        .is_some_and(|keys| keys.contains_key(key));
    match generation {
        // The key is looked up before the body is validated.
        Generation::Legacy if !exists => key_missing(generation, ns, key),
        // 2.38.5 validates the body before anything else.
        Generation::Upsert if super::json_text(body).is_none() => invalid_json(generation, key),
        Generation::Upsert | Generation::Typed if !exists => {
            add(namespaces, generation, ns, key, body)
        }
        _ => {
            let Some(text) = super::json_text(body) else {
                return invalid_json(generation, key);
            };
            if let Some(value) = namespaces.get_mut(ns).and_then(|keys| keys.get_mut(key)) {
                *value = text;
            }
            if generation == Generation::Legacy {
                message(201, format!("Key '{key}' in namespace '{ns}' updated."))
            } else {
                message(200, format!("Key updated: '{key}'"))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generations_follow_the_tags() {
        let at = |minor, patch| generation(SimVersion::new(minor, patch));
        assert_eq!(at(30, 0), Generation::Legacy);
        assert_eq!(at(38, 4), Generation::Legacy);
        assert_eq!(at(38, 5), Generation::Upsert);
        assert_eq!(at(39, 2), Generation::Legacy);
        assert_eq!(at(39, 3), Generation::Upsert);
        assert_eq!(at(40, 0), Generation::Legacy);
        assert_eq!(at(40, 1), Generation::Typed);
        assert_eq!(at(41, 0), Generation::Typed);
        assert_eq!(at(42, 0), Generation::Typed);
    }
}
