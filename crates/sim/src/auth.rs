//! Who is calling: Basic auth, the `JSESSIONID` session cookie, and personal access tokens
//! (`ApiToken`, 2.37+), plus the login and logout endpoints (§6).

use crate::pat::{ApiTokens, TokenCheck};
use crate::{Account, Query, SimRequest, SimResponse, SimVersion};
use base64::Engine;
use std::collections::HashMap;

pub const LOGIN_PAGE_PATH: &str = "/dhis-web-commons/security/login.action";
pub const LOGIN_FORM_PATH: &str = "/dhis-web-commons-security/login.action";
pub const LOGOUT_PATH: &str = "/dhis-web-commons-security/logout.action";
pub const SESSION_COOKIE: &str = "JSESSIONID";

/// The outcome of authenticating a request.
#[derive(Debug)]
pub enum Authentication {
    /// An account, by index into the instance's accounts.
    User(usize),
    /// No credentials at all.
    Anonymous,
    /// Credentials were given and refused: answer this.
    Refused(SimResponse),
}

/// Sessions (logged in, or anonymous holding the page asked before the login) and tokens.
#[derive(Debug, Default)]
pub struct AuthState {
    /// Session id → username, for logged-in sessions.
    sessions: HashMap<String, String>,
    /// Anonymous session id → the URL to return to after login (Spring's saved request).
    saved_requests: HashMap<String, String>,
    pub tokens: ApiTokens,
}

impl AuthState {
    pub fn authenticate(
        &self,
        request: &SimRequest,
        accounts: &[Account],
        version: SimVersion,
    ) -> Authentication {
        if let Some(header) = request.header("Authorization") {
            let header = header.trim();
            if let Some(encoded) = strip_prefix_ignore_case(header, "Basic ") {
                return match basic_credentials(encoded)
                    .and_then(|(user, pass)| find_account(accounts, &user, &pass))
                {
                    Some(index) => Authentication::User(index),
                    None => Authentication::Refused(unauthenticated(request, "Unauthorized")),
                };
            }
            if version.at_least(37, 0) {
                if let Some(key) = strip_prefix_ignore_case(header, "ApiToken ") {
                    return match self.tokens.check(key.trim()) {
                        TokenCheck::Valid(owner) => accounts
                            .iter()
                            .position(|a| a.username == owner)
                            .map(Authentication::User)
                            .unwrap_or(Authentication::Anonymous),
                        TokenCheck::Expired => Authentication::Refused(SimResponse::web_message(
                            401,
                            "The API token has expired",
                        )),
                        TokenCheck::Unknown => Authentication::Refused(SimResponse::web_message(
                            401,
                            "The API token does not exists",
                        )),
                    };
                }
            }
        }
        if let Some(username) = session_id(request).and_then(|id| self.sessions.get(&id)) {
            if let Some(index) = accounts.iter().position(|a| &a.username == username) {
                return Authentication::User(index);
            }
        }
        Authentication::Anonymous
    }

    /// The answer to a request without valid credentials: a JSON 401 for XHR callers, else a
    /// 302 to the login page. The request is remembered to come back to after login when the
    /// version's request cache keeps it (see [`request_is_saved`]).
    pub fn challenge(
        &mut self,
        request: &SimRequest,
        base_url: &str,
        version: SimVersion,
    ) -> SimResponse {
        let mut response = if is_xhr(request) {
            unauthenticated(request, "Unauthorized")
        } else {
            SimResponse::empty(302).with_header("Location", &format!("{base_url}{LOGIN_PAGE_PATH}"))
        };
        if request_is_saved(version, request) {
            let id = session_id(request)
                .filter(|id| !self.sessions.contains_key(id))
                .unwrap_or_else(new_session_id);
            self.saved_requests
                .insert(id.clone(), path_and_query(&request.url));
            response = response.with_header("Set-Cookie", &session_cookie(&id));
        }
        response
    }

    /// `POST /dhis-web-commons-security/login.action` with `j_username`, `j_password`.
    pub fn login_form(
        &mut self,
        request: &SimRequest,
        accounts: &[Account],
        base_url: &str,
    ) -> SimResponse {
        let form = Query::parse(&String::from_utf8_lossy(&request.body));
        let username = form.get("j_username").unwrap_or_default();
        let password = form.get("j_password").unwrap_or_default();
        if find_account(accounts, username, password).is_none() {
            return SimResponse::empty(302).with_header(
                "Location",
                &format!("{base_url}{LOGIN_PAGE_PATH}?failed=true"),
            );
        }
        let saved = session_id(request).and_then(|id| self.saved_requests.remove(&id));
        // `MappedRedirectStrategy` sends a saved keep-alive ping back to the start page.
        let target = saved
            .map(|target| target.replacen("/dhis-web-commons-stream/ping.action", "/", 1))
            .unwrap_or_else(|| "/".to_string());
        let id = self.open_session(username);
        SimResponse::empty(302)
            .with_header("Location", &format!("{base_url}{target}"))
            .with_header("Set-Cookie", &session_cookie(&id))
    }

    /// `POST /api/auth/login` (2.41+) with `{"username","password"}`. `redirectUrl` is the
    /// saved request of the caller's session, else `/` + the `startModule` setting
    /// (`AuthenticationController.getRedirectUrl`).
    pub fn login_json(
        &mut self,
        request: &SimRequest,
        accounts: &[Account],
        start_module: &str,
    ) -> SimResponse {
        let body = request.body_json().unwrap_or_default();
        let username = body["username"].as_str().unwrap_or_default();
        let password = body["password"].as_str().unwrap_or_default();
        if find_account(accounts, username, password).is_none() {
            return SimResponse::web_message(401, "Bad credentials");
        }
        let saved = session_id(request).and_then(|id| self.saved_requests.remove(&id));
        let redirect = saved.unwrap_or_else(|| format!("/{start_module}"));
        let id = self.open_session(username);
        let value = serde_json::json!({"loginStatus": "SUCCESS", "redirectUrl": redirect});
        SimResponse::json(200, &value).with_header("Set-Cookie", &session_cookie(&id))
    }

    /// Ends the caller's session and sends them to the login page.
    pub fn logout(&mut self, request: &SimRequest, base_url: &str) -> SimResponse {
        if let Some(id) = session_id(request) {
            self.sessions.remove(&id);
        }
        SimResponse::empty(302)
            .with_header("Location", &format!("{base_url}{LOGIN_PAGE_PATH}"))
            .with_header(
                "Set-Cookie",
                &format!("{SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly"),
            )
    }

    /// Opens a session for `username` (also used by tests that want a cookie directly).
    pub fn open_session(&mut self, username: &str) -> String {
        let id = new_session_id();
        self.sessions.insert(id.clone(), username.to_string());
        id
    }
}

/// Whether DHIS2's request cache keeps a refused request to return to after login.
/// 2.30–2.34 (`security.xml`, CSRF off) and 2.41+ (a plain `HttpSessionRequestCache` bean) keep
/// every one, XHR included. 2.35–2.40 use Spring Security's default matcher, which skips XHR,
/// requests accepting `application/json` (or multipart, event streams) and `favicon.*`.
pub fn request_is_saved(version: SimVersion, request: &SimRequest) -> bool {
    if !(35..=40).contains(&version.minor) {
        return true;
    }
    let path = request.path();
    let favicon = path
        .rsplit('/')
        .next()
        .is_some_and(|name| name.starts_with("favicon."));
    let accept = request
        .header("Accept")
        .unwrap_or_default()
        .to_ascii_lowercase();
    let accepts = |media: &str| {
        accept
            .split(',')
            .any(|range| range.split(';').next().unwrap_or_default().trim() == media)
    };
    let skipped = is_xhr(request)
        || favicon
        || accepts("application/json")
        || accepts("multipart/form-data")
        || accepts("text/event-stream");
    !skipped
}

/// 401 WebMessage.
fn unauthenticated(_request: &SimRequest, message: &str) -> SimResponse {
    SimResponse::web_message(401, message)
}

pub fn is_xhr(request: &SimRequest) -> bool {
    request
        .header("X-Requested-With")
        .is_some_and(|v| v.eq_ignore_ascii_case("XMLHttpRequest"))
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

fn basic_credentials(encoded: &str) -> Option<(String, String)> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let (user, pass) = text.split_once(':')?;
    Some((user.to_string(), pass.to_string()))
}

fn find_account(accounts: &[Account], username: &str, password: &str) -> Option<usize> {
    accounts
        .iter()
        .position(|a| a.username == username && a.password == password)
}

/// The session id from the `Cookie` header (`JSESSIONID`, or `SESSION` as with Redis sessions).
fn session_id(request: &SimRequest) -> Option<String> {
    request
        .headers
        .iter()
        .filter(|(name, _)| name.eq_ignore_ascii_case("Cookie"))
        .flat_map(|(_, value)| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE || *name == "SESSION")
        .map(|(_, value)| value.to_string())
}

fn session_cookie(id: &str) -> String {
    format!("{SESSION_COOKIE}={id}; Path=/; HttpOnly")
}

fn new_session_id() -> String {
    crate::uid::random_alphanumeric(32).to_ascii_uppercase()
}

/// `/path?query` of a request URL (scheme and host dropped).
pub fn path_and_query(url: &str) -> String {
    let absolute = if url.starts_with('/') {
        None
    } else {
        url.find("://")
    };
    match absolute {
        Some(index) => {
            let rest = &url[index + 3..];
            rest.find('/')
                .map(|slash| rest[slash..].to_string())
                .unwrap_or_else(|| "/".into())
        }
        None => url.to_string(),
    }
}
