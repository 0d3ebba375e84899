//! Personal access tokens (2.37+): `POST /api/apiToken` creates a `d2pat_…` key (§6).

use crate::clock;
use crate::{RequestContext, SimResponse};
use serde_json::json;

#[derive(Debug, Clone)]
pub struct ApiToken {
    pub uid: String,
    pub key: String,
    pub owner: String,
    pub created: String,
    /// Expiry in milliseconds since the epoch (`expire` of the request), if any.
    pub expire: Option<u64>,
}

#[derive(Debug, Default)]
pub struct ApiTokens {
    tokens: Vec<ApiToken>,
}

pub enum TokenCheck {
    Valid(String),
    Expired,
    Unknown,
}

impl ApiTokens {
    pub fn check(&self, key: &str) -> TokenCheck {
        match self.tokens.iter().find(|t| t.key == key) {
            None => TokenCheck::Unknown,
            Some(token) if token.expire.is_some_and(|e| e <= clock::now_millis()) => {
                TokenCheck::Expired
            }
            Some(token) => TokenCheck::Valid(token.owner.clone()),
        }
    }

    /// Creates a token for `owner`; returns it.
    pub fn create(&mut self, owner: &str, expire: Option<u64>) -> ApiToken {
        let random = crate::uid::random_alphanumeric(32);
        let checksum = crc32fast::hash(random.as_bytes());
        let token = ApiToken {
            uid: crate::uid::generate_uid(),
            key: format!("d2pat_{random}{checksum:010}"),
            owner: owner.to_string(),
            created: clock::now_iso(),
            expire,
        };
        self.tokens.push(token.clone());
        token
    }

    /// `/api/apiToken[/{uid}]`; `None` on versions before 2.37 (the endpoint did not exist).
    pub fn handle(&mut self, ctx: &RequestContext) -> Option<SimResponse> {
        if !ctx.version.at_least(37, 0)
            || ctx.segments.first().map(String::as_str) != Some("apiToken")
        {
            return None;
        }
        let username = ctx.user.username.as_str();
        let response = match (ctx.method, ctx.segments.get(1)) {
            ("POST", None) => {
                let body: serde_json::Value = serde_json::from_slice(ctx.body).unwrap_or_default();
                let token = self.create(username, body["expire"].as_u64());
                SimResponse::json(
                    201,
                    &json!({"httpStatus": "Created", "httpStatusCode": 201, "status": "OK",
                        "response": {"responseType": "ApiTokenCreationResponse", "key": token.key,
                        "uid": token.uid, "klass": "org.hisp.dhis.security.apikey.ApiToken",
                        "errorReports": []}}),
                )
            }
            ("GET", None) => {
                let mine: Vec<_> = self
                    .tokens
                    .iter()
                    .filter(|t| t.owner == username)
                    .map(|t| json!({"id": t.uid, "created": t.created, "expire": t.expire}))
                    .collect();
                SimResponse::json(200, &json!({"apiToken": mine}))
            }
            ("DELETE", Some(uid)) => {
                let before = self.tokens.len();
                self.tokens.retain(|t| {
                    !(t.uid == *uid && (t.owner == username || ctx.user.is_superuser()))
                });
                if self.tokens.len() == before {
                    SimResponse::web_message(
                        404,
                        &format!("ApiToken with id {uid} could not be found."),
                    )
                } else {
                    SimResponse::json(
                        200,
                        &json!({"httpStatus": "OK", "httpStatusCode": 200, "status": "OK",
                            "response": {"responseType": "ObjectReport", "uid": uid,
                            "klass": "org.hisp.dhis.security.apikey.ApiToken", "errorReports": []}}),
                    )
                }
            }
            _ => return None,
        };
        Some(response)
    }
}
