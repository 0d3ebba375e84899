use serde::{Deserialize, Serialize};

use super::{Sharing, Uid};
use crate::dhis2::retry::RequestTimeouts;
use crate::dhis2::Version;

/// The id under which "This instance" (the DHIS2 the app runs in) is listed.
pub const LOCAL_INSTANCE_ID: &str = "LOCAL";
/// The name under which the local instance is listed.
pub const LOCAL_INSTANCE_NAME: &str = "This instance";

/// How the app authenticates against a remote instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum AuthKind {
    /// Username and password (`Authorization: Basic`), every version.
    #[default]
    Basic,
    /// A DHIS2 personal access token (`Authorization: ApiToken`), 2.37 and later.
    Token,
}

impl AuthKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AuthKind::Basic => "basic",
            AuthKind::Token => "token",
        }
    }

    /// What the secret of this kind is called on screen.
    pub fn secret_label(self) -> &'static str {
        match self {
            AuthKind::Basic => "password",
            AuthKind::Token => "personal access token",
        }
    }
}

/// A remote DHIS2 instance as stored in the `instances` key. It never holds the password or
/// token: those live encrypted in `instance-secret-<id>`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Instance {
    pub id: Uid,
    pub name: String,
    /// The instance root, normalised (no trailing slash, no `/api`).
    pub url: String,
    #[serde(default)]
    pub description: String,
    #[serde(rename = "auth", default)]
    pub auth_kind: AuthKind,
    /// The account name for Basic auth; `None` for tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// The DHIS2 version last seen by a connection test or a sync.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<Version>,
    #[serde(default)]
    pub sharing: Sharing,
    /// The DHIS2 route (on the local server) that holds the credential and carries every
    /// request to this instance; `None`: the credential is in `instance-secret-<id>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub route: Option<String>,
    /// This instance's own request time limits (a server behind a slow link or a proxy that
    /// cuts at 60 s); `None`: the defaults, which suit a 2G link.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeouts: Option<RequestTimeouts>,
}

/// What the Instances panel shows to a user who may configure: everything except the secret,
/// of which it only learns whether one is stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InstanceView {
    /// A UID, or [`LOCAL_INSTANCE_ID`].
    pub id: String,
    pub name: String,
    pub url: String,
    pub description: String,
    pub auth_kind: AuthKind,
    pub username: Option<String>,
    pub version: Option<Version>,
    pub sharing: Sharing,
    pub has_secret: bool,
    /// The credential is kept in a DHIS2 route (so `has_secret` is true without a stored one).
    #[serde(default)]
    pub through_route: bool,
    /// "This instance": listed first, neither editable nor deletable.
    pub is_local: bool,
}

impl InstanceView {
    pub fn editable(&self) -> bool {
        !self.is_local
    }
}

/// What a run-only user sees of an instance: its name, nothing more.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InstanceName {
    pub id: String,
    pub name: String,
    pub is_local: bool,
}

impl Instance {
    pub fn view(&self, has_secret: bool) -> InstanceView {
        InstanceView {
            id: self.id.to_string(),
            name: self.name.clone(),
            url: self.url.clone(),
            description: self.description.clone(),
            auth_kind: self.auth_kind,
            username: self.username.clone(),
            version: self.version.clone(),
            sharing: self.sharing.clone(),
            has_secret: has_secret || self.route.is_some(),
            through_route: self.route.is_some(),
            is_local: false,
        }
    }

    pub fn name_only(&self) -> InstanceName {
        InstanceName {
            id: self.id.to_string(),
            name: self.name.clone(),
            is_local: false,
        }
    }
}
