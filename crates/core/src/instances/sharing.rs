//! Who may see and use an instance, and keeping a rule's instances readable by the people the
//! rule is shared with.
//!
//! The `instances` key holds no secret and is read by every app user; what guards an instance
//! is its credential: the `instance-secret-<id>` key (or, on 2.40+, the DHIS2 route) gets the
//! instance's sharing, read-only for everyone but configurators, so DHIS2 itself refuses the
//! credential to a user the instance is not shared with, and refuses every write of it to a
//! run-only user. `core` checks the same sharing before it opens an instance
//! ([`InstanceManager::target_for`]).

use serde::Serialize;

use super::error::InstanceError;
use super::form::{FieldError, FieldProblem, FormErrors, FormField};
use super::manager::InstanceManager;
use crate::access::Operation;
use crate::dhis2::Transport;
use crate::model::{AccessEntry, Instance, InstanceView, Sharing, LOCAL_INSTANCE_ID};
use crate::storage::Storage;

/// An instance of a rule that some of the rule's audience cannot read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InstanceSharingGap {
    pub id: String,
    pub name: String,
    /// Everyone with the app may see the rule, not the instance.
    pub public_missing: bool,
    /// Users (names where known, else ids) the rule is shared with who cannot read it.
    pub users_missing: Vec<String>,
    /// User groups the rule is shared with that cannot read it.
    pub groups_missing: Vec<String>,
}

impl InstanceSharingGap {
    fn is_empty(&self) -> bool {
        !self.public_missing && self.users_missing.is_empty() && self.groups_missing.is_empty()
    }
}

fn label(entry: &AccessEntry) -> String {
    if entry.name.is_empty() {
        entry.id.clone()
    } else {
        entry.name.clone()
    }
}

fn entry_reads(list: &[AccessEntry], id: &str) -> bool {
    list.iter()
        .any(|entry| entry.id == id && Sharing::access_reads(&entry.access))
}

/// Who of `audience` (read access) `instance` does not let read it. Groups are compared as
/// entries: a user reached through another group than the rule's is not seen here.
fn gap(instance: &Instance, audience: &Sharing) -> InstanceSharingGap {
    let sharing = &instance.sharing;
    let public = Sharing::access_reads(&sharing.public_access);
    let reads_user = |id: &str| {
        public || sharing.owner.as_deref() == Some(id) || entry_reads(&sharing.user_accesses, id)
    };
    InstanceSharingGap {
        id: instance.id.as_str().to_string(),
        name: instance.name.clone(),
        public_missing: Sharing::access_reads(&audience.public_access) && !public,
        users_missing: audience
            .user_accesses
            .iter()
            .filter(|entry| Sharing::access_reads(&entry.access) && !reads_user(&entry.id))
            .map(label)
            .collect(),
        groups_missing: audience
            .user_group_accesses
            .iter()
            .filter(|entry| {
                Sharing::access_reads(&entry.access)
                    && !public
                    && !entry_reads(&sharing.user_group_accesses, &entry.id)
            })
            .map(label)
            .collect(),
    }
}

/// Adds read access for `audience` to `sharing`, leaving every existing grant as it is.
fn add_read_access(sharing: &mut Sharing, audience: &Sharing) {
    if Sharing::access_reads(&audience.public_access)
        && !Sharing::access_reads(&sharing.public_access)
    {
        sharing.public_access = Sharing::PUBLIC_READ.into();
    }
    let merge = |list: &mut Vec<AccessEntry>, wanted: &[AccessEntry]| {
        for entry in wanted
            .iter()
            .filter(|entry| Sharing::access_reads(&entry.access))
        {
            match list.iter_mut().find(|existing| existing.id == entry.id) {
                Some(existing) if !Sharing::access_reads(&existing.access) => {
                    existing.access = Sharing::PUBLIC_READ.into()
                }
                Some(_) => {}
                None => list.push(AccessEntry {
                    id: entry.id.clone(),
                    name: entry.name.clone(),
                    access: Sharing::PUBLIC_READ.into(),
                }),
            }
        }
    };
    merge(&mut sharing.user_accesses, &audience.user_accesses);
    merge(
        &mut sharing.user_group_accesses,
        &audience.user_group_accesses,
    );
}

/// Refuses access strings DHIS2 would not take, as the form does.
fn check_access_strings(sharing: &Sharing) -> Result<(), InstanceError> {
    let errors: Vec<FieldError> = std::iter::once(&sharing.public_access)
        .chain(
            sharing
                .user_accesses
                .iter()
                .chain(&sharing.user_group_accesses)
                .map(|entry| &entry.access),
        )
        .filter(|access| !Sharing::is_valid_access(access))
        .map(|access| FieldError {
            field: FormField::Sharing,
            problem: FieldProblem::NotAnAccessString {
                access: access.clone(),
            },
        })
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(InstanceError::Invalid(FormErrors { errors }))
    }
}

impl InstanceManager {
    /// Changes who may see and use an instance (configurators with write sharing on it). The
    /// credential's key (or route) gets the new sharing first: when DHIS2 refuses it, nothing
    /// is changed.
    pub async fn share<T: Transport>(
        &self,
        storage: &Storage<T>,
        id: &str,
        sharing: &Sharing,
    ) -> Result<InstanceView, InstanceError> {
        let (_, stored) = self.writable(storage, id, Operation::EditInstance).await?;
        check_access_strings(sharing)?;
        let mut instance = stored.clone();
        instance.sharing = sharing.clone();
        if instance.sharing.owner.is_none() {
            instance.sharing.owner = stored.sharing.owner.clone();
        }
        self.apply_sharing(storage, &instance).await?;
        let has_secret = instance.route.is_some()
            || storage
                .secrets(&self.key)
                .exists(instance.id.as_str())
                .await?;
        Ok(instance.view(has_secret))
    }

    async fn apply_sharing<T: Transport>(
        &self,
        storage: &Storage<T>,
        instance: &Instance,
    ) -> Result<(), InstanceError> {
        storage.secrets(&self.key).share(instance).await?;
        self.share_route(storage, instance).await?;
        storage.instances().save(instance).await?;
        Ok(())
    }

    /// The instances among `instance_ids` (a rule's origin and destinations) that some of the
    /// people `audience` (the rule's sharing) names cannot read: they would see the rule and
    /// fail to run it. "This instance" and unknown ids are left out.
    pub async fn sharing_gaps<T: Transport>(
        &self,
        storage: &Storage<T>,
        instance_ids: &[String],
        audience: &Sharing,
    ) -> Result<Vec<InstanceSharingGap>, InstanceError> {
        self.authorize(Operation::ListInstances)?;
        let all = storage.instances().list().await?;
        Ok(all
            .iter()
            .filter(|instance| {
                instance.id.as_str() != LOCAL_INSTANCE_ID
                    && instance_ids.iter().any(|id| id == instance.id.as_str())
            })
            .map(|instance| gap(instance, audience))
            .filter(|gap| !gap.is_empty())
            .collect())
    }

    /// Shares each of `instance_ids` read-only with `audience` (its public access, users and
    /// groups), keeping every grant they already have. Returns the names of the instances
    /// changed. Needs write sharing on each.
    pub async fn share_read_only_with<T: Transport>(
        &self,
        storage: &Storage<T>,
        instance_ids: &[String],
        audience: &Sharing,
    ) -> Result<Vec<String>, InstanceError> {
        let mut changed = Vec::new();
        for id in instance_ids.iter().filter(|id| *id != LOCAL_INSTANCE_ID) {
            let (_, stored) = self.writable(storage, id, Operation::EditInstance).await?;
            let mut instance = stored.clone();
            add_read_access(&mut instance.sharing, audience);
            if instance.sharing != stored.sharing {
                self.apply_sharing(storage, &instance).await?;
                changed.push(instance.name);
            }
        }
        Ok(changed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{AuthKind, Uid};

    fn instance(sharing: Sharing) -> Instance {
        Instance {
            id: "InstanceAb1".parse::<Uid>().expect("uid"),
            name: "Remote".into(),
            url: "https://remote.example.org".into(),
            description: String::new(),
            auth_kind: AuthKind::Basic,
            username: Some("admin".into()),
            version: None,
            sharing,
            route: None,
            timeouts: None,
        }
    }

    fn entry(id: &str, access: &str) -> AccessEntry {
        AccessEntry {
            id: id.into(),
            name: format!("name of {id}"),
            access: access.into(),
        }
    }

    #[test]
    fn a_rule_shared_wider_than_its_instance_shows_who_is_missing() {
        let private = instance(Sharing {
            owner: Some("owner000001".into()),
            user_accesses: vec![entry("reader00001", "r-------")],
            ..Sharing::default()
        });
        let audience = Sharing {
            public_access: Sharing::PUBLIC_READ.into(),
            user_accesses: vec![
                entry("reader00001", "r-------"),
                entry("newuser0001", "r-------"),
                entry("owner000001", "rw------"),
            ],
            user_group_accesses: vec![entry("group000001", "r-------")],
            ..Sharing::default()
        };
        let found = gap(&private, &audience);
        assert!(found.public_missing);
        assert_eq!(found.users_missing, vec!["name of newuser0001".to_string()]);
        assert_eq!(
            found.groups_missing,
            vec!["name of group000001".to_string()]
        );

        let mut widened = private.clone();
        add_read_access(&mut widened.sharing, &audience);
        assert!(gap(&widened, &audience).is_empty());
        // Read-only for the newcomers; the owner and existing grants unchanged.
        assert_eq!(widened.sharing.public_access, Sharing::PUBLIC_READ);
        assert_eq!(widened.sharing.owner.as_deref(), Some("owner000001"));
        assert!(widened
            .sharing
            .user_accesses
            .iter()
            .all(|e| e.id == "owner000001" || e.access == Sharing::PUBLIC_READ));
    }

    #[test]
    fn write_access_already_granted_is_kept() {
        let mut sharing = Sharing {
            user_accesses: vec![entry("editor00001", "rw------")],
            ..Sharing::default()
        };
        add_read_access(
            &mut sharing,
            &Sharing {
                user_accesses: vec![entry("editor00001", "r-------")],
                ..Sharing::default()
            },
        );
        assert_eq!(sharing.user_accesses.len(), 1);
        assert_eq!(sharing.user_accesses[0].access, "rw------");
    }
}
