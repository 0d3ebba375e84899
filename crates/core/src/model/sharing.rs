use serde::{Deserialize, Serialize};

use crate::dhis2::Me;

/// Who may see and use an object, in DHIS2's terms: an access string such as `rw------` for
/// everyone, plus per-user and per-group entries. The first two characters are metadata read
/// and write.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Sharing {
    /// The user who owns the object (UID), if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    #[serde(default = "Sharing::private_access")]
    pub public_access: String,
    #[serde(default)]
    pub user_accesses: Vec<AccessEntry>,
    #[serde(default)]
    pub user_group_accesses: Vec<AccessEntry>,
}

/// One user's or group's access.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccessEntry {
    pub id: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    pub access: String,
}

impl Default for Sharing {
    /// Private: only the owner and superusers.
    fn default() -> Self {
        Sharing {
            owner: None,
            public_access: Self::private_access(),
            user_accesses: Vec::new(),
            user_group_accesses: Vec::new(),
        }
    }
}

impl Sharing {
    pub const PRIVATE: &'static str = "--------";
    pub const PUBLIC_READ: &'static str = "r-------";
    pub const PUBLIC_READ_WRITE: &'static str = "rw------";

    fn private_access() -> String {
        Self::PRIVATE.to_string()
    }

    /// True when a DHIS2 access string grants metadata read.
    pub fn access_reads(access: &str) -> bool {
        access.starts_with('r')
    }

    /// True when a DHIS2 access string grants metadata write.
    pub fn access_writes(access: &str) -> bool {
        access.as_bytes().get(1) == Some(&b'w')
    }

    /// True when an access string is 8 characters of `r`, `w` and `-` in DHIS2's positions.
    pub fn is_valid_access(access: &str) -> bool {
        access.len() == 8
            && access.bytes().enumerate().all(|(index, b)| {
                b == b'-' || (index % 2 == 0 && b == b'r') || (index % 2 == 1 && b == b'w')
            })
    }

    /// May this user see the object? Superusers (`ALL`) always may.
    pub fn can_read(&self, me: &Me) -> bool {
        self.grants(me, Self::access_reads)
    }

    /// May this user change the object? Superusers (`ALL`) always may.
    pub fn can_write(&self, me: &Me) -> bool {
        self.grants(me, Self::access_writes)
    }

    fn grants(&self, me: &Me, check: fn(&str) -> bool) -> bool {
        if me
            .authorities
            .iter()
            .any(|a| a == crate::access::ALL_AUTHORITY)
        {
            return true;
        }
        if self.owner.as_deref() == Some(me.id.as_str()) || check(&self.public_access) {
            return true;
        }
        let by_user = self
            .user_accesses
            .iter()
            .any(|entry| entry.id == me.id && check(&entry.access));
        let by_group = self.user_group_accesses.iter().any(|entry| {
            check(&entry.access) && me.user_groups.iter().any(|group| group.id == entry.id)
        });
        by_user || by_group
    }

    /// The `object` DHIS2's `/api/sharing` endpoint takes.
    pub fn to_dhis2_object(&self) -> serde_json::Value {
        let entries = |list: &[AccessEntry]| {
            list.iter()
                .map(|entry| serde_json::json!({ "id": entry.id, "access": entry.access }))
                .collect::<Vec<_>>()
        };
        let mut object = serde_json::json!({
            "publicAccess": self.public_access,
            "externalAccess": false,
            "userAccesses": entries(&self.user_accesses),
            "userGroupAccesses": entries(&self.user_group_accesses),
        });
        if let Some(owner) = &self.owner {
            object["user"] = serde_json::json!({ "id": owner });
        }
        object
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dhis2::NamedRef;

    fn me(id: &str, groups: &[&str], authorities: &[&str]) -> Me {
        Me {
            id: id.into(),
            username: id.into(),
            name: id.into(),
            authorities: authorities.iter().map(|a| a.to_string()).collect(),
            user_roles: Vec::new(),
            user_groups: groups
                .iter()
                .map(|g| NamedRef {
                    id: g.to_string(),
                    name: String::new(),
                })
                .collect(),
            organisation_units: Vec::new(),
            ui_locale: None,
        }
    }

    #[test]
    fn private_sharing_admits_owner_and_superusers_only() {
        let sharing = Sharing {
            owner: Some("owner000001".into()),
            ..Sharing::default()
        };
        assert!(sharing.can_write(&me("owner000001", &[], &[])));
        assert!(sharing.can_read(&me("someone0001", &[], &["ALL"])));
        assert!(!sharing.can_read(&me("someone0001", &[], &[])));
    }

    #[test]
    fn group_and_user_entries_grant_what_their_access_says() {
        let sharing = Sharing {
            owner: None,
            public_access: Sharing::PRIVATE.into(),
            user_accesses: vec![AccessEntry {
                id: "reader00001".into(),
                name: String::new(),
                access: "r-------".into(),
            }],
            user_group_accesses: vec![AccessEntry {
                id: "group000001".into(),
                name: String::new(),
                access: "rw------".into(),
            }],
        };
        let reader = me("reader00001", &[], &[]);
        assert!(sharing.can_read(&reader) && !sharing.can_write(&reader));
        assert!(sharing.can_write(&me("member00001", &["group000001"], &[])));
        assert!(!sharing.can_read(&me("member00001", &["other000001"], &[])));
        assert!(Sharing::is_valid_access("rw------") && !Sharing::is_valid_access("wr------"));
    }
}
