//! `/api/dataStore[/{namespace}[/{key}[/metaData]]]` with each version's codes and messages
//! (§4), entry sharing, namespaces protected by installed apps, and the 2.38+ query API.

mod messages;
mod query;
pub mod sharing;
mod user;

pub use user::UserDataStore;

pub use messages::Messages;
use sharing::EntrySharing;

use crate::{Account, RequestContext, SimResponse};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// One key of a namespace.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The UID DHIS2 gives the entry (used by `/api/sharing?type=dataStore`).
    pub id: String,
    pub key: String,
    pub namespace: String,
    /// The JSON text as it was sent.
    pub value: String,
    pub created: String,
    pub last_updated: String,
    pub sharing: EntrySharing,
}

#[derive(Debug, Default)]
pub struct DataStore {
    namespaces: BTreeMap<String, BTreeMap<String, Entry>>,
}

impl DataStore {
    pub fn namespaces(&self) -> Vec<String> {
        self.namespaces.keys().cloned().collect()
    }

    /// The parsed value of `namespace`/`key`, for tests and tools.
    pub fn value(&self, namespace: &str, key: &str) -> Option<Value> {
        let entry = self.namespaces.get(namespace)?.get(key)?;
        serde_json::from_str(&entry.value).ok()
    }

    pub fn entry(&self, namespace: &str, key: &str) -> Option<&Entry> {
        self.namespaces.get(namespace)?.get(key)
    }

    fn entry_by_id_mut(&mut self, id: &str) -> Option<&mut Entry> {
        self.namespaces
            .values_mut()
            .flat_map(|entries| entries.values_mut())
            .find(|entry| entry.id == id)
    }

    /// Writes a value directly (seeding, tests), owned by `owner`.
    pub fn put(&mut self, namespace: &str, key: &str, value: &Value, owner: &str) {
        let now = crate::clock::now_iso();
        let entries = self.namespaces.entry(namespace.to_string()).or_default();
        let entry = entries.entry(key.to_string()).or_insert_with(|| Entry {
            id: crate::uid::generate_uid(),
            key: key.to_string(),
            namespace: namespace.to_string(),
            value: String::new(),
            created: now.clone(),
            last_updated: now.clone(),
            sharing: EntrySharing::new(owner),
        });
        entry.value = value.to_string();
        entry.last_updated = now;
    }

    /// `/api/sharing?type=dataStore…`.
    pub fn handle_sharing(&mut self, ctx: &RequestContext) -> SimResponse {
        sharing::handle(self, ctx)
    }

    /// Routes under `/api/dataStore`. `protection` is the authority an installed app requires
    /// for the namespace, if one protects it.
    pub fn handle(
        &mut self,
        ctx: &RequestContext,
        protection: Option<&str>,
    ) -> Option<SimResponse> {
        let segments: Vec<&str> = ctx.segments.iter().map(String::as_str).collect();
        if segments.first() != Some(&"dataStore") {
            return None;
        }
        let messages = Messages::new(ctx.version);
        let user = ctx.user;
        if let (Some(ns), Some(authority)) = (segments.get(1), protection) {
            if !user.has_authority(authority) {
                return Some(messages.namespace_protected(ns));
            }
        }
        let response = match (ctx.method, &segments[1..]) {
            ("GET", []) => SimResponse::json(200, &json!(self.namespaces())),
            ("GET", [ns]) if ctx.version.at_least(38, 0) && query::is_query(&ctx.query) => {
                match self.namespaces.get(*ns) {
                    Some(entries) => query::run(entries, user, &ctx.query),
                    None => messages.namespace_not_found(ns),
                }
            }
            ("GET", [ns]) => self.keys(ns, user, messages),
            ("GET", [ns, "keys"]) if ctx.version.at_least(41, 0) => self.keys(ns, user, messages),
            ("DELETE", [ns]) => match self.namespaces.remove(*ns) {
                Some(_) => messages.namespace_deleted(ns),
                None => messages.namespace_not_found(ns),
            },
            ("GET", [ns, key]) => match self.readable(ns, key, user, messages) {
                Ok(entry) => {
                    SimResponse::bytes(200, "application/json;charset=UTF-8", entry.value.clone())
                }
                Err(response) => response,
            },
            ("GET", [ns, key, "metaData"]) => match self.readable(ns, key, user, messages) {
                Ok(entry) => SimResponse::json(200, &metadata_of(entry, ctx)),
                Err(response) => response,
            },
            ("POST", [ns, key]) => self.create(ns, key, ctx, messages),
            ("PUT", [ns, key]) => self.update(ns, key, ctx, messages),
            ("DELETE", [ns, key]) => match self.readable(ns, key, user, messages) {
                Ok(entry) if !entry.sharing.allows(user, true) => {
                    messages.entry_access_denied(ns, key)
                }
                Ok(_) => {
                    if let Some(entries) = self.namespaces.get_mut(*ns) {
                        entries.remove(*key);
                        if entries.is_empty() {
                            self.namespaces.remove(*ns);
                        }
                    }
                    messages.key_deleted(ns, key)
                }
                Err(response) => response,
            },
            _ => return None,
        };
        Some(response)
    }

    fn keys(&self, ns: &str, user: &Account, messages: Messages) -> SimResponse {
        match self.namespaces.get(ns) {
            Some(entries) => {
                let keys: Vec<&String> = entries
                    .values()
                    .filter(|entry| entry.sharing.allows(user, false))
                    .map(|entry| &entry.key)
                    .collect();
                SimResponse::json(200, &json!(keys))
            }
            None => messages.namespace_not_found(ns),
        }
    }

    /// The entry if it exists and `user` may read it; otherwise the version's error answer.
    fn readable(
        &self,
        ns: &str,
        key: &str,
        user: &Account,
        messages: Messages,
    ) -> Result<&Entry, SimResponse> {
        let Some(entries) = self.namespaces.get(ns) else {
            return Err(if messages.checks_namespace_first() {
                messages.namespace_not_found(ns)
            } else {
                messages.key_not_found(ns, key)
            });
        };
        let entry = entries
            .get(key)
            .ok_or_else(|| messages.key_not_found(ns, key))?;
        if !entry.sharing.allows(user, false) {
            return Err(messages.entry_access_denied(ns, key));
        }
        Ok(entry)
    }

    fn create(
        &mut self,
        ns: &str,
        key: &str,
        ctx: &RequestContext,
        messages: Messages,
    ) -> SimResponse {
        if self.entry(ns, key).is_some() {
            return messages.already_exists(ns, key);
        }
        let Some(text) = json_text(ctx.body) else {
            return messages.invalid_json();
        };
        self.insert_text(ns, key, text, &ctx.user.id);
        messages.created(key)
    }

    fn update(
        &mut self,
        ns: &str,
        key: &str,
        ctx: &RequestContext,
        messages: Messages,
    ) -> SimResponse {
        let Some(text) = json_text(ctx.body) else {
            return messages.invalid_json();
        };
        match self.entry(ns, key) {
            None if messages.put_upserts() => {
                self.insert_text(ns, key, text, &ctx.user.id);
                messages.created(key)
            }
            None => self
                .readable(ns, key, ctx.user, messages)
                .err()
                .unwrap_or_else(|| messages.key_not_found(ns, key)),
            Some(entry) if !entry.sharing.allows(ctx.user, true) => {
                messages.entry_access_denied(ns, key)
            }
            Some(_) => {
                self.insert_text(ns, key, text, &ctx.user.id);
                messages.updated(key)
            }
        }
    }

    fn insert_text(&mut self, ns: &str, key: &str, text: String, owner: &str) {
        let now = crate::clock::now_iso();
        let entries = self.namespaces.entry(ns.to_string()).or_default();
        match entries.get_mut(key) {
            Some(entry) => {
                entry.value = text;
                entry.last_updated = now;
            }
            None => {
                entries.insert(
                    key.to_string(),
                    Entry {
                        id: crate::uid::generate_uid(),
                        key: key.to_string(),
                        namespace: ns.to_string(),
                        value: text,
                        created: now.clone(),
                        last_updated: now,
                        sharing: EntrySharing::new(owner),
                    },
                );
            }
        }
    }
}

/// The body as JSON text, or `None` when it is not valid JSON.
fn json_text(body: &[u8]) -> Option<String> {
    serde_json::from_slice::<Value>(body).ok()?;
    String::from_utf8(body.to_vec()).ok()
}

/// `/{key}/metaData`: the entry without its value (classic sharing fields before 2.36,
/// `createdBy` and `sharing` since).
fn metadata_of(entry: &Entry, ctx: &RequestContext) -> Value {
    let mut value = json!({"id": entry.id, "created": entry.created,
        "lastUpdated": entry.last_updated, "namespace": entry.namespace, "key": entry.key});
    if ctx.version.at_least(36, 0) {
        value["createdBy"] = json!({"id": entry.sharing.owner});
        value["sharing"] = entry.sharing.sharing_object();
    } else {
        if let (Value::Object(target), Value::Object(classic)) =
            (&mut value, entry.sharing.classic_fields())
        {
            target.extend(classic);
        }
    }
    if ctx.version.at_least(41, 0) {
        let write = entry.sharing.allows(ctx.user, true);
        value["access"] = json!({"read": true, "write": write, "update": write,
            "delete": write, "manage": write, "externalize": false});
    }
    value
}
