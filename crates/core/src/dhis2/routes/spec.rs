//! A route as MetaData Sync writes it for a remote instance, and as it reads it back.

use super::support::RouteSupport;
use super::RouteError;
use crate::dhis2::Auth;
use crate::model::{AuthKind, Instance, Sharing};
use serde::Deserialize;
use serde_json::{json, Map, Value};

/// The credential a route adds to every request it passes to the remote.
#[derive(Clone, PartialEq, Eq)]
pub enum RouteAuth {
    /// `http-basic`: `Authorization: Basic …`.
    Basic { username: String, password: String },
    /// `api-token`: `Authorization: ApiToken …` (a personal access token of the remote).
    ApiToken { token: String },
}

/// The kinds of route auth MetaData Sync writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RouteAuthType {
    HttpBasic,
    ApiToken,
}

impl RouteAuthType {
    /// DHIS2's name of the scheme (the `auth.type` of a route).
    pub fn dhis2_name(self) -> &'static str {
        match self {
            RouteAuthType::HttpBasic => "http-basic",
            RouteAuthType::ApiToken => "api-token",
        }
    }

    /// Reads a scheme name (`http-basic`, `api-token`, or the instance kinds `basic`, `token`).
    pub fn parse(name: &str) -> Result<Self, RouteError> {
        match name.trim() {
            "http-basic" | "basic" => Ok(RouteAuthType::HttpBasic),
            "api-token" | "token" => Ok(RouteAuthType::ApiToken),
            other => Err(RouteError::UnknownAuthType {
                auth_type: other.to_string(),
                known: "http-basic, api-token".to_string(),
            }),
        }
    }
}

impl From<AuthKind> for RouteAuthType {
    fn from(kind: AuthKind) -> Self {
        match kind {
            AuthKind::Basic => RouteAuthType::HttpBasic,
            AuthKind::Token => RouteAuthType::ApiToken,
        }
    }
}

impl RouteAuth {
    /// The route auth of an instance's kind, username and secret.
    pub fn for_kind(kind: AuthKind, username: Option<&str>, secret: &str) -> Self {
        match kind {
            AuthKind::Basic => RouteAuth::Basic {
                username: username.unwrap_or_default().to_string(),
                password: secret.to_string(),
            },
            AuthKind::Token => RouteAuth::ApiToken {
                token: secret.to_string(),
            },
        }
    }

    /// `None` for [`Auth::Session`], which has no credential to hand over.
    pub fn from_auth(auth: &Auth) -> Option<Self> {
        match auth {
            Auth::Session => None,
            Auth::Basic { username, password } => Some(RouteAuth::Basic {
                username: username.clone(),
                password: password.clone(),
            }),
            Auth::ApiToken { token } => Some(RouteAuth::ApiToken {
                token: token.clone(),
            }),
        }
    }

    pub fn auth_type(&self) -> RouteAuthType {
        match self {
            RouteAuth::Basic { .. } => RouteAuthType::HttpBasic,
            RouteAuth::ApiToken { .. } => RouteAuthType::ApiToken,
        }
    }

    fn to_dhis2(&self) -> Value {
        match self {
            RouteAuth::Basic { username, password } => {
                json!({ "type": "http-basic", "username": username, "password": password })
            }
            RouteAuth::ApiToken { token } => json!({ "type": "api-token", "token": token }),
        }
    }
}

/// Never prints a password or token.
impl std::fmt::Debug for RouteAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RouteAuth::Basic { username, .. } => {
                write!(f, "Basic {{ username: {username:?}, password: *** }}")
            }
            RouteAuth::ApiToken { .. } => f.write_str("ApiToken { token: *** }"),
        }
    }
}

/// Checks and normalises a remote instance root: http(s), a host, no credentials, no query.
pub fn normalize_remote_url(url: &str) -> Result<String, RouteError> {
    let invalid = |reason: &str| RouteError::InvalidRemoteUrl {
        url: url.to_string(),
        reason: reason.to_string(),
    };
    let parsed = url::Url::parse(url.trim()).map_err(|e| invalid(&e.to_string()))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(invalid("it must start with https:// (or http://)"));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(invalid("it names no server"));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(invalid("it must not contain a username or password"));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(invalid("it must not contain `?` or `#`"));
    }
    Ok(parsed.as_str().trim_end_matches('/').to_string())
}

/// Everything MetaData Sync puts in the route of one remote instance.
#[derive(Debug, Clone, PartialEq)]
pub struct RouteSpec {
    /// The route's UID: the instance's id, so that `/api/routes/<instance id>/run` reaches it.
    pub id: String,
    pub code: String,
    pub name: String,
    /// The remote instance root, normalised (the route URL is this + `/**`).
    pub remote_url: String,
    pub auth: RouteAuth,
    /// Who may use the route: the instance's sharing. Without read access a user can neither
    /// see the route nor run it.
    pub sharing: Sharing,
}

impl RouteSpec {
    /// The longest code DHIS2 stores (`route.code varchar(50)`).
    pub const CODE_MAX: usize = 50;
    /// Routes time out after 5 s by default; imports through them need the most DHIS2 allows.
    pub const RESPONSE_TIMEOUT_SECONDS: u32 = 60;

    /// The route of `instance`, which carries its id, name, URL and sharing.
    pub fn for_instance(instance: &Instance, auth: RouteAuth) -> Result<Self, RouteError> {
        Ok(RouteSpec {
            id: instance.id.as_str().to_string(),
            code: Self::code_for(instance.id.as_str()),
            name: instance.name.clone(),
            remote_url: normalize_remote_url(&instance.url)?,
            auth,
            sharing: instance.sharing.clone(),
        })
    }

    /// A code that cannot collide with another instance's: built from the instance id.
    pub fn code_for(instance_id: &str) -> String {
        let code = format!("METADATA_SYNC_{instance_id}");
        code.chars().take(Self::CODE_MAX).collect()
    }

    /// `<remote>/**`: the route passes sub-paths on, under the remote root only.
    pub fn route_url(&self) -> String {
        format!("{}/**", self.remote_url)
    }

    /// The body of `POST /api/routes` and `PUT /api/routes/{id}`.
    pub(crate) fn to_dhis2(&self, support: &RouteSupport) -> Value {
        let entries = |list: &[crate::model::AccessEntry]| -> Value {
            list.iter()
                .map(|entry| {
                    (
                        entry.id.clone(),
                        json!({ "id": entry.id, "access": entry.access }),
                    )
                })
                .collect::<Map<_, _>>()
                .into()
        };
        let mut sharing = json!({
            "public": self.sharing.public_access,
            "external": false,
            "users": entries(&self.sharing.user_accesses),
            "userGroups": entries(&self.sharing.user_group_accesses),
        });
        if let Some(owner) = &self.sharing.owner {
            sharing["owner"] = json!(owner);
        }
        let mut body = json!({
            "id": self.id,
            "code": self.code,
            "name": self.name,
            "description": "Remote DHIS2 instance used by MetaData Sync",
            "disabled": false,
            "url": self.route_url(),
            "headers": {},
            "authorities": [],
            "auth": self.auth.to_dhis2(),
            "sharing": sharing,
        });
        if support.has_response_timeout() {
            body["responseTimeoutSeconds"] = json!(Self::RESPONSE_TIMEOUT_SECONDS);
        }
        body
    }
}

/// The kind of auth of a stored route and its username; never its secret.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct RouteAuthInfo {
    #[serde(rename = "type")]
    pub auth_type: String,
    #[serde(default)]
    pub username: Option<String>,
}

/// A route as `GET /api/routes` shows it, asked with [`RouteSummary::FIELDS`] so that not even
/// an encrypted secret (shown by 2.40.0–2.40.7 and 2.41.0–2.41.3) is transferred.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct RouteSummary {
    pub id: String,
    #[serde(default)]
    pub code: Option<String>,
    pub name: String,
    pub url: String,
    #[serde(default)]
    pub disabled: bool,
    #[serde(default)]
    pub auth: Option<RouteAuthInfo>,
}

impl RouteSummary {
    pub const FIELDS: &'static str = "id,code,name,url,disabled,auth[type,username]";

    /// The remote root of a `<remote>/**` route.
    pub fn remote_url(&self) -> Option<&str> {
        self.url.strip_suffix("/**")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remote_urls_are_checked_and_normalised() {
        assert_eq!(
            normalize_remote_url("https://play.dhis2.org/40/").as_deref(),
            Ok("https://play.dhis2.org/40")
        );
        assert!(normalize_remote_url("ftp://x.org").is_err());
        assert!(normalize_remote_url("https://admin:district@x.org").is_err());
        assert!(normalize_remote_url("play.dhis2.org").is_err());
        assert!(matches!(
            RouteAuthType::parse("oauth"),
            Err(RouteError::UnknownAuthType { .. })
        ));
        let auth = RouteAuth::Basic {
            username: "u".into(),
            password: "hunter2".into(),
        };
        assert!(!format!("{auth:?}").contains("hunter2"));
    }
}
