use serde::Deserialize;

use crate::locale::UiLanguage;

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
    /// The user's interface locale (`settings.keyUiLocale`: their own, else the system
    /// default), as the server wrote it (`fr`, `pt_BR`…); `None` when neither is set.
    pub ui_locale: Option<String>,
}

impl Me {
    /// The language the app speaks to this user (see [`UiLanguage::from_dhis2_locale`]).
    pub fn ui_language(&self) -> UiLanguage {
        UiLanguage::from_dhis2_locale(self.ui_locale.as_deref())
    }
}

/// A field selection that works on every version: fields a version lacks are ignored by it.
/// `settings` is the user's settings with the system's as fallback, in every version from
/// 2.30 (DHIS2's own header bar asks `/api/me?fields=…,settings` on all of them); it carries
/// `keyUiLocale`, so the language needs no request of its own.
pub const ME_FIELDS: &str = "id,username,name,displayName,authorities,userRoles[id,name],\
userGroups[id,name],organisationUnits[id,path],userCredentials[username,userRoles[id,name]],\
settings";

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
    /// Read leniently: a `settings` or `keyUiLocale` of an unexpected shape (a server bug, a
    /// hand-edited value) means "no locale", which speaks English, not an unreadable `/api/me`.
    #[serde(default)]
    settings: serde_json::Value,
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
            ui_locale: raw
                .settings
                .get("keyUiLocale")
                .and_then(serde_json::Value::as_str)
                .map(str::to_string),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::locale::UiLanguage;

    fn me(settings: &str) -> Me {
        let body = format!(r#"{{"id":"u1","username":"maria","name":"Maria"{settings}}}"#);
        serde_json::from_str(&body).expect("a readable /api/me")
    }

    #[test]
    fn the_interface_locale_comes_from_the_settings() {
        let french = me(r#","settings":{"keyUiLocale":"fr_SN","keyDbLocale":"en"}"#);
        assert_eq!(french.ui_locale.as_deref(), Some("fr_SN"));
        assert_eq!(french.ui_language(), UiLanguage::French);
        assert_eq!(me("").ui_locale, None);
        assert_eq!(me("").ui_language(), UiLanguage::English);
    }

    #[test]
    fn settings_of_an_unexpected_shape_read_as_no_locale() {
        for odd in [
            r#","settings":null"#,
            r#","settings":"fr""#,
            r#","settings":{"keyUiLocale":null}"#,
            r#","settings":{"keyUiLocale":42}"#,
            r#","settings":{"keyUiLocale":{"language":"fr"}}"#,
        ] {
            let read = me(odd);
            assert_eq!(read.ui_locale, None, "{odd}");
            assert_eq!(read.ui_language(), UiLanguage::English, "{odd}");
        }
        let garbage = me(r#","settings":{"keyUiLocale":"<script>"}"#);
        assert_eq!(garbage.ui_language(), UiLanguage::English);
    }
}
