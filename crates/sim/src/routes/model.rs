//! The `Route` object: what a POST/PUT body gives, the checks DHIS2 runs before saving it
//! (`RouteService.validateRoute`, then the metadata importer's required and unique
//! properties), and how a GET renders it.

use super::auth::{AuthParseError, SecretBox, StoredAuth};
use super::facts::RouteFacts;
use super::sharing::RouteSharing;
use crate::{Account, SimResponse};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

pub const KLASS: &str = "org.hisp.dhis.route.Route";
/// `Route.PATH_WILDCARD_SUFFIX`: a URL ending in it lets runs ask sub-paths.
pub const WILDCARD_SUFFIX: &str = "/**";
const DEFAULT_RESPONSE_TIMEOUT_SECONDS: i64 = 5;

#[derive(Debug, Clone)]
pub struct StoredRoute {
    pub uid: String,
    /// The database id; DHIS2 prints it in the sub-path refusal.
    pub numeric_id: u64,
    pub code: Option<String>,
    pub name: String,
    pub description: Option<String>,
    pub disabled: bool,
    pub url: String,
    pub headers: BTreeMap<String, String>,
    pub auth: Option<StoredAuth>,
    pub authorities: Vec<String>,
    pub response_timeout_seconds: i64,
    pub sharing: RouteSharing,
    pub created: String,
    pub last_updated: String,
}

impl StoredRoute {
    /// `https://host/base/**` → `https://host/base/`; a URL without the wildcard as it is.
    pub fn base_url(&self) -> String {
        match self.url.strip_suffix(WILDCARD_SUFFIX) {
            Some(base) => format!("{base}/"),
            None => self.url.clone(),
        }
    }

    pub fn allows_sub_paths(&self) -> bool {
        self.url.ends_with(WILDCARD_SUFFIX)
    }

    /// The object as `GET /api/routes/{id}` renders it for `user` (before `fields`).
    pub fn render(&self, facts: RouteFacts, user: &Account, base_url: &str) -> Value {
        let mut out = Map::new();
        out.insert("id".into(), json!(self.uid));
        if let Some(code) = &self.code {
            out.insert("code".into(), json!(code));
        }
        out.insert("name".into(), json!(self.name));
        out.insert("displayName".into(), json!(self.name));
        if let Some(description) = &self.description {
            out.insert("description".into(), json!(description));
        }
        out.insert("disabled".into(), json!(self.disabled));
        out.insert("url".into(), json!(self.url));
        out.insert("headers".into(), json!(self.headers));
        if let Some(auth) = &self.auth {
            out.insert("auth".into(), auth.render(facts));
        }
        out.insert("authorities".into(), json!(self.authorities));
        if facts.has_response_timeout() {
            out.insert(
                "responseTimeoutSeconds".into(),
                json!(self.response_timeout_seconds),
            );
        }
        out.insert("created".into(), json!(self.created));
        out.insert("lastUpdated".into(), json!(self.last_updated));
        out.insert("createdBy".into(), json!({ "id": self.sharing.owner }));
        out.insert("sharing".into(), self.sharing.render());
        out.insert("access".into(), self.sharing.access_json(user));
        out.insert(
            "href".into(),
            json!(format!("{base_url}/api/routes/{}", self.uid)),
        );
        Value::Object(out)
    }
}

/// A route as a POST or PUT body describes it, secrets already sealed.
#[derive(Debug, Clone)]
pub struct RouteDraft {
    pub id: Option<String>,
    pub code: Option<String>,
    pub name: Option<String>,
    pub description: Option<String>,
    pub disabled: bool,
    pub url: Option<String>,
    pub headers: BTreeMap<String, String>,
    pub auth: Option<StoredAuth>,
    pub authorities: Vec<String>,
    pub response_timeout_seconds: i64,
    pub body: Map<String, Value>,
}

/// Why a body could not even be read: the answer DHIS2 gives.
pub fn unreadable(error: &str) -> SimResponse {
    SimResponse::web_message(409, error)
}

impl RouteDraft {
    /// Reads a body. Jackson failures come first in DHIS2 (before any permission check):
    /// bad JSON → 409, a bad `auth` → 500 from the catch-all handler.
    pub fn parse(body: &[u8], facts: RouteFacts, secrets: &SecretBox) -> Result<Self, SimResponse> {
        let object = match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(object)) => object,
            Ok(_) => return Err(unreadable("Request body must be a JSON object.")),
            Err(error) => return Err(unreadable(&format!("JSON parse error: {error}"))),
        };
        let auth = StoredAuth::parse(object.get("auth"), facts, secrets)
            .map_err(|AuthParseError(message)| SimResponse::web_message(500, &message))?;
        let text = |key: &str| object.get(key).and_then(Value::as_str).map(str::to_string);
        Ok(RouteDraft {
            id: text("id"),
            code: text("code"),
            name: text("name"),
            description: text("description"),
            disabled: object
                .get("disabled")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            url: text("url"),
            headers: object
                .get("headers")
                .and_then(Value::as_object)
                .map(|headers| {
                    headers
                        .iter()
                        .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                        .collect()
                })
                .unwrap_or_default(),
            auth,
            authorities: object
                .get("authorities")
                .and_then(Value::as_array)
                .map(|list| {
                    list.iter()
                        .filter_map(|a| a.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default(),
            response_timeout_seconds: object
                .get("responseTimeoutSeconds")
                .and_then(Value::as_i64)
                .unwrap_or(DEFAULT_RESPONSE_TIMEOUT_SECONDS),
            body: object,
        })
    }
}

/// `scheme://host[:port]` of an absolute URL, with its scheme; `None` when Java's `new URL`
/// would call it malformed (no scheme it knows).
pub fn split_origin(url: &str) -> Option<(String, String)> {
    let (scheme, rest) = url.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    if !matches!(scheme.as_str(), "http" | "https" | "ftp" | "file" | "jar") {
        return None;
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host_port = authority.rsplit('@').next().unwrap_or_default();
    Some((scheme.clone(), format!("{scheme}://{host_port}")))
}

/// `TextUtils.createRegexFromGlob` then `String.matches`: `*` any run, `?` one character,
/// the whole origin must match.
pub fn glob_matches(glob: &str, text: &str) -> bool {
    fn matches(glob: &[u8], text: &[u8]) -> bool {
        match (glob.first(), text.first()) {
            (None, None) => true,
            (Some(b'*'), _) => {
                matches(&glob[1..], text) || (!text.is_empty() && matches(glob, &text[1..]))
            }
            (Some(b'?'), Some(_)) => matches(&glob[1..], &text[1..]),
            (Some(g), Some(t)) if g == t => matches(&glob[1..], &text[1..]),
            _ => false,
        }
    }
    matches(glob.as_bytes(), text.as_bytes())
}

/// `RouteService.validateRoute` (2.40.10, 2.41.6, 2.42+): 409 `ConflictException`s.
pub fn validate_route(
    url: Option<&str>,
    timeout_seconds: i64,
    facts: RouteFacts,
    allowed: &[String],
) -> Result<(), String> {
    let Some((scheme, origin)) = url.and_then(split_origin) else {
        return Err("Malformed route URL".into());
    };
    if scheme != "http" && scheme != "https" {
        return Err("Route URL scheme must be either http or https".into());
    }
    if facts.checks_allow_list()
        && !allowed
            .iter()
            .any(|glob| glob_matches(glob.trim(), &origin))
    {
        return Err("Route URL is not permitted".into());
    }
    if !(1..=60).contains(&timeout_seconds) {
        return Err(
            "Route response timeout must be greater than 0 seconds and less than or \
                    equal to 60 seconds"
                .into(),
        );
    }
    Ok(())
}

/// One `errorReports` entry of an ObjectReport.
pub fn error_report(
    code: &str,
    message: String,
    uid: &str,
    property: &str,
    args: Vec<String>,
) -> Value {
    json!({
        "message": message, "mainKlass": KLASS, "mainId": uid, "errorKlass": KLASS,
        "errorProperty": property, "errorProperties": args, "errorCode": code, "args": args,
    })
}

/// The WebMessage of a single-object write: 201/200 OK, or 409 with the error reports.
pub fn object_report(status: u16, uid: &str, errors: Vec<Value>) -> SimResponse {
    let mut body = crate::response::web_message_value(status, "");
    let Value::Object(map) = &mut body else {
        return SimResponse::json(status, &body);
    };
    if status < 400 {
        map.remove("message");
    } else {
        map.insert(
            "message".into(),
            json!("One or more errors occurred, please see full details in import report."),
        );
    }
    map.insert(
        "response".into(),
        json!({ "responseType": "ObjectReport", "uid": uid, "klass": KLASS,
                "errorReports": errors }),
    );
    SimResponse::json(status, &body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_and_globs_follow_dhis2() {
        assert_eq!(
            split_origin("https://play.dhis2.org:8443/40/**"),
            Some(("https".into(), "https://play.dhis2.org:8443".into()))
        );
        assert_eq!(split_origin("play.dhis2.org/**"), None);
        assert!(glob_matches("https://*", "https://play.dhis2.org"));
        assert!(!glob_matches("https://*", "http://127.0.0.1:8081"));
        assert!(glob_matches(
            "http://127.0.0.1:80??",
            "http://127.0.0.1:8081"
        ));
    }
}
