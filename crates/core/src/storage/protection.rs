//! Who may read and write each key of the app's namespace, set through DHIS2's own sharing
//! (`/api/sharing?type=dataStore`) so that a user who can reach the dataStore API directly (a
//! run-only user, or any holder of the app authority) cannot change what the app does for
//! others. The namespace protection of the manifest only keeps out users without the app.
//!
//! | key | read | write |
//! |---|---|---|
//! | configuration (`instances`, `rules`, `rule-*`, `mappings-*`, `settings`, `schema`, …) | every app user | configurators, administrators |
//! | `instance-secret-<id>` | the instance's users | configurators, administrators |
//! | `history-<id>` (one per run) | every app user | whoever ran the sync (its owner), administrators |
//! | `last-run-<ruleId>` (a rule's record of its runs) | the rule's users | the rule's users, configurators |
//!
//! Superusers (`ALL`) pass every sharing check in DHIS2. Configurators are found through the
//! user role [`CONFIGURATOR_ROLE`] when a key is created; one who gets the role later gains
//! write access when an administrator next opens the app ([`Storage::protect_all`]).

use serde::Deserialize;

use super::{keys, Storage, StorageError};
use crate::access::CONFIGURATOR_ROLE;
use crate::dhis2::{Dhis2Error, Transport};
use crate::model::{AccessEntry, Sharing};

/// The access of a key, by what it holds.
#[derive(Debug, Clone, PartialEq)]
pub enum KeyProtection {
    /// Read by every app user, written by configurators and administrators.
    Configuration,
    /// An instance's credentials: read by the users the instance is shared with.
    Secret { instance_sharing: Sharing },
    /// A record of what someone did (a run): read by every app user, written by its owner.
    Record,
    /// A rule's record of its runs: read and written by everyone the rule is shared with
    /// (whoever may run it updates it), and by configurators.
    RuleRunRecord { rule_sharing: Sharing },
}

impl KeyProtection {
    /// The protection of a key by its name (secrets take their instance's sharing instead).
    pub fn of_key(key: &str) -> KeyProtection {
        if key.starts_with(keys::HISTORY_PREFIX) || key.starts_with(keys::RUN_PREFIX) {
            KeyProtection::Record
        } else if key.starts_with(keys::SECRET_PREFIX) {
            KeyProtection::Secret {
                instance_sharing: Sharing::default(),
            }
        } else if key.starts_with(keys::LAST_RUN_PREFIX) {
            KeyProtection::RuleRunRecord {
                rule_sharing: Sharing::default(),
            }
        } else {
            KeyProtection::Configuration
        }
    }

    /// The sharing to give a key owned by `owner`, configurators being `configurators`.
    pub fn sharing(&self, owner: &str, configurators: &[String]) -> Sharing {
        let writers = || {
            configurators
                .iter()
                .map(|id| AccessEntry {
                    id: id.clone(),
                    name: String::new(),
                    access: Sharing::PUBLIC_READ_WRITE.into(),
                })
                .collect::<Vec<_>>()
        };
        match self {
            KeyProtection::Configuration => Sharing {
                owner: Some(owner.to_string()),
                public_access: Sharing::PUBLIC_READ.into(),
                user_accesses: writers(),
                user_group_accesses: Vec::new(),
            },
            KeyProtection::Secret { instance_sharing } => {
                let mut user_accesses = writers();
                for entry in &instance_sharing.user_accesses {
                    if Sharing::access_reads(&entry.access)
                        && !user_accesses.iter().any(|w| w.id == entry.id)
                    {
                        user_accesses.push(read_only(&entry.id));
                    }
                }
                Sharing {
                    owner: Some(owner.to_string()),
                    // Readable by all only when the instance itself is.
                    public_access: if Sharing::access_reads(&instance_sharing.public_access) {
                        Sharing::PUBLIC_READ.into()
                    } else {
                        Sharing::PRIVATE.into()
                    },
                    user_accesses,
                    user_group_accesses: instance_sharing
                        .user_group_accesses
                        .iter()
                        .filter(|entry| Sharing::access_reads(&entry.access))
                        .map(|entry| read_only(&entry.id))
                        .collect(),
                }
            }
            KeyProtection::Record => Sharing {
                owner: Some(owner.to_string()),
                public_access: Sharing::PUBLIC_READ.into(),
                user_accesses: Vec::new(),
                user_group_accesses: Vec::new(),
            },
            KeyProtection::RuleRunRecord { rule_sharing } => {
                let read_write = |entry: &AccessEntry| AccessEntry {
                    id: entry.id.clone(),
                    name: String::new(),
                    access: Sharing::PUBLIC_READ_WRITE.into(),
                };
                let mut user_accesses = writers();
                for entry in &rule_sharing.user_accesses {
                    if Sharing::access_reads(&entry.access)
                        && !user_accesses.iter().any(|w| w.id == entry.id)
                    {
                        user_accesses.push(read_write(entry));
                    }
                }
                Sharing {
                    owner: Some(owner.to_string()),
                    public_access: if Sharing::access_reads(&rule_sharing.public_access) {
                        Sharing::PUBLIC_READ_WRITE.into()
                    } else {
                        Sharing::PRIVATE.into()
                    },
                    user_accesses,
                    user_group_accesses: rule_sharing
                        .user_group_accesses
                        .iter()
                        .filter(|entry| Sharing::access_reads(&entry.access))
                        .map(read_write)
                        .collect(),
                }
            }
        }
    }
}

fn read_only(id: &str) -> AccessEntry {
    AccessEntry {
        id: id.to_string(),
        name: String::new(),
        access: Sharing::PUBLIC_READ.into(),
    }
}

#[derive(Deserialize)]
struct RoleUsers {
    #[serde(default, rename = "userRoles")]
    user_roles: Vec<RoleWithUsers>,
}

#[derive(Deserialize)]
struct RoleWithUsers {
    #[serde(default)]
    users: Vec<IdOnly>,
}

#[derive(Deserialize)]
struct IdOnly {
    id: String,
}

/// What [`Storage::protect_all`] did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProtectionReport {
    pub protected: Vec<String>,
    /// Keys whose sharing this user may not change (only their owner or a superuser may).
    pub refused: Vec<(String, String)>,
}

impl<T: Transport> Storage<T> {
    /// The ids of the users holding the configurator role (one request, then remembered).
    pub(crate) async fn configurator_ids(&self) -> Result<Vec<String>, Dhis2Error> {
        if let Some(known) = self.configurators.get() {
            return Ok(known.clone());
        }
        let path = format!(
            "api/userRoles?filter=name:eq:{CONFIGURATOR_ROLE}&fields=users[id]&paging=false"
        );
        let roles: RoleUsers = self.client().get_json(&path).await?;
        let mut ids: Vec<String> = roles
            .user_roles
            .into_iter()
            .flat_map(|role| role.users)
            .map(|user| user.id)
            .collect();
        ids.sort();
        ids.dedup();
        let _ = self.configurators.set(ids.clone());
        Ok(ids)
    }

    /// Gives `key` the sharing of its protection, owned by the acting user. Refused sharing is
    /// an error: the caller must not leave the key readable or writable by all.
    pub async fn protect(&self, key: &str, protection: &KeyProtection) -> Result<(), StorageError> {
        let refused = |reason: String| StorageError::SharingRefused {
            key: key.to_string(),
            reason,
        };
        let (metadata, configurators) =
            futures::future::join(self.datastore().metadata(key), self.configurator_ids()).await;
        let Some(metadata) = metadata? else {
            return Err(refused("the entry does not exist".into()));
        };
        let configurators = configurators.map_err(|error| refused(error.to_string()))?;
        let owner = metadata
            .owner()
            .map(str::to_string)
            .or_else(|| self.acting_user().map(str::to_string))
            .unwrap_or_default();
        let sharing = protection.sharing(&owner, &configurators);
        self.client()
            .set_sharing("dataStore", &metadata.id, &sharing)
            .await
            .map_err(|error| refused(error.to_string()))
    }

    /// Gives every key of the namespace its protection (an upgrade, or a new configurator).
    /// Keys this user may not re-share are listed, not fatal.
    pub async fn protect_all(&self) -> Result<ProtectionReport, StorageError> {
        let mut report = ProtectionReport::default();
        for key in self.keys().await? {
            let protection = match KeyProtection::of_key(&key) {
                KeyProtection::Secret { .. } => {
                    let id = key.trim_start_matches(keys::SECRET_PREFIX);
                    let sharing = self
                        .instances()
                        .get(id)
                        .await?
                        .map(|instance| instance.sharing)
                        .unwrap_or_default();
                    KeyProtection::Secret {
                        instance_sharing: sharing,
                    }
                }
                KeyProtection::RuleRunRecord { .. } => {
                    let id = key.trim_start_matches(keys::LAST_RUN_PREFIX);
                    KeyProtection::RuleRunRecord {
                        rule_sharing: crate::rules::stored_rule_sharing(self, id).await?,
                    }
                }
                other => other,
            };
            match self.protect(&key, &protection).await {
                Ok(()) => report.protected.push(key),
                Err(StorageError::SharingRefused { reason, .. }) => {
                    report.refused.push((key, reason))
                }
                Err(other) => return Err(other),
            }
        }
        Ok(report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configuration_is_read_by_all_and_written_by_configurators() {
        let sharing =
            KeyProtection::of_key("instances").sharing("owner000001", &["conf0000001".to_string()]);
        assert_eq!(sharing.public_access, "r-------");
        assert_eq!(sharing.user_accesses.len(), 1);
        assert_eq!(sharing.user_accesses[0].access, "rw------");
        assert_eq!(sharing.owner.as_deref(), Some("owner000001"));
    }

    #[test]
    fn history_entries_are_written_by_their_owner_only() {
        let sharing = KeyProtection::of_key("history-abcdefghijk")
            .sharing("runner00001", &["conf0000001".to_string()]);
        assert_eq!(sharing.public_access, "r-------");
        assert!(sharing.user_accesses.is_empty());
    }

    #[test]
    fn a_secret_is_read_by_the_instance_users_only() {
        let instance_sharing = Sharing {
            owner: None,
            public_access: Sharing::PRIVATE.into(),
            user_accesses: vec![AccessEntry {
                id: "exec0000001".into(),
                name: String::new(),
                access: "r-------".into(),
            }],
            user_group_accesses: Vec::new(),
        };
        let sharing = KeyProtection::Secret { instance_sharing }
            .sharing("conf0000001", &["conf0000001".to_string()]);
        assert_eq!(sharing.public_access, "--------");
        let reader = sharing
            .user_accesses
            .iter()
            .find(|entry| entry.id == "exec0000001");
        assert_eq!(reader.map(|e| e.access.as_str()), Some("r-------"));
    }
}
