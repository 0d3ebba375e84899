use serde::Deserialize;

/// A reference to a named DHIS2 object (user role, user group…). `name` falls back to
/// `displayName` (real servers usually send both; a serde alias would call that a duplicate).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(from = "RawNamedRef")]
pub struct NamedRef {
    pub id: String,
    pub name: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawNamedRef {
    id: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    display_name: Option<String>,
}

impl From<RawNamedRef> for NamedRef {
    fn from(raw: RawNamedRef) -> Self {
        NamedRef {
            id: raw.id,
            name: raw.name.or(raw.display_name).unwrap_or_default(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
pub struct OrgUnitRef {
    pub id: String,
    #[serde(default)]
    pub path: Option<String>,
}

/// The logged-in user, from `/api/me`, whatever the server's version.
///
/// Before 2.38 the username and user roles sit under `userCredentials`; from 2.38 they are at
/// the top level (with `userCredentials` still sent for compatibility). [`Me`] is the same
/// either way.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Me {
    pub id: String,
    pub username: String,
    pub name: String,
    pub authorities: Vec<String>,
    pub user_roles: Vec<NamedRef>,
    pub user_groups: Vec<NamedRef>,
    pub organisation_units: Vec<OrgUnitRef>,
}

/// A field selection that works on every version: fields a version lacks are ignored by it.
pub const ME_FIELDS: &str = "id,username,name,displayName,authorities,userRoles[id,name],\
userGroups[id,name],organisationUnits[id,path],userCredentials[username,userRoles[id,name]]";

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawMe {
    id: String,
    #[serde(default)]
    username: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    display_name: Option<String>,
    #[serde(default)]
    authorities: Vec<String>,
    #[serde(default)]
    user_roles: Option<Vec<NamedRef>>,
    #[serde(default)]
    user_groups: Vec<NamedRef>,
    #[serde(default)]
    organisation_units: Vec<OrgUnitRef>,
    #[serde(default)]
    user_credentials: Option<RawUserCredentials>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawUserCredentials {
    #[serde(default)]
    username: Option<String>,
    #[serde(default)]
    user_roles: Option<Vec<NamedRef>>,
}

impl<'de> Deserialize<'de> for Me {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = RawMe::deserialize(deserializer)?;
        let credentials = raw.user_credentials;
        let username = raw
            .username
            .or_else(|| credentials.as_ref().and_then(|c| c.username.clone()))
            .ok_or_else(|| serde::de::Error::missing_field("username"))?;
        let user_roles = raw
            .user_roles
            .filter(|roles| !roles.is_empty())
            .or_else(|| credentials.and_then(|c| c.user_roles))
            .unwrap_or_default();
        let name = raw
            .name
            .or(raw.display_name)
            .unwrap_or_else(|| username.clone());
        Ok(Me {
            id: raw.id,
            username,
            name,
            authorities: raw.authorities,
            user_roles,
            user_groups: raw.user_groups,
            organisation_units: raw.organisation_units,
        })
    }
}
