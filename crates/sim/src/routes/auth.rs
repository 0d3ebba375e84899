//! A route's authentication (`auth`) as DHIS2 reads, stores and applies it: the `type` picks
//! the scheme (Jackson subtypes of `AuthScheme`), secrets are encrypted before they are stored
//! (`RouteObjectBundleHook`) and decrypted only to build the upstream request.

use super::facts::RouteFacts;
use base64::Engine;
use serde_json::{json, Map, Value};
use std::collections::hash_map::RandomState;
use std::collections::BTreeMap;
use std::hash::{BuildHasher, Hasher};

/// Encrypts route secrets at rest with a key of this instance.
///
/// DHIS2 uses jasypt (PBE with AES). The simulator has no cryptography dependency and needs
/// none: what matters is that the stored and (on old versions) returned value is not the clear
/// secret and that only this instance can turn it back. So: a keyed SipHash keystream (the
/// std `RandomState` key) XORed with the secret, behind a random nonce. Not for real secrets.
#[derive(Debug, Clone, Default)]
pub struct SecretBox {
    key: RandomState,
}

impl SecretBox {
    pub fn seal(&self, clear: &str) -> String {
        if clear.is_empty() {
            // DHIS2 encrypts only secrets that have text.
            return String::new();
        }
        let nonce: [u8; 8] = rand::random();
        let mut out = nonce.to_vec();
        out.extend(self.xor(&nonce, clear.as_bytes()));
        base64::engine::general_purpose::STANDARD.encode(out)
    }

    pub fn open(&self, sealed: &str) -> Option<String> {
        if sealed.is_empty() {
            return Some(String::new());
        }
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(sealed)
            .ok()?;
        let (nonce, cipher) = bytes.split_at_checked(8)?;
        String::from_utf8(self.xor(nonce, cipher)).ok()
    }

    fn xor(&self, nonce: &[u8], data: &[u8]) -> Vec<u8> {
        data.chunks(8)
            .enumerate()
            .flat_map(|(block, chunk)| {
                let mut hasher = self.key.build_hasher();
                hasher.write(nonce);
                hasher.write_u64(block as u64);
                let stream = hasher.finish().to_le_bytes();
                chunk
                    .iter()
                    .zip(stream)
                    .map(|(byte, key)| byte ^ key)
                    .collect::<Vec<_>>()
            })
            .collect()
    }
}

/// A stored auth scheme; every secret field holds the sealed form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoredAuth {
    HttpBasic {
        username: String,
        password: String,
    },
    ApiToken {
        token: String,
    },
    ApiHeaders {
        headers: BTreeMap<String, String>,
    },
    ApiQueryParams {
        params: BTreeMap<String, String>,
    },
    /// Stored, but running it needs a token endpoint the simulator does not have.
    OAuth2ClientCredentials {
        fields: Map<String, Value>,
        client_secret: String,
    },
}

/// What a scheme adds to an upstream request.
#[derive(Debug, Default)]
pub struct AppliedAuth {
    pub headers: Vec<(String, String)>,
    pub params: Vec<(String, String)>,
}

/// The scheme cannot be applied (DHIS2: 502 "An error occurred during authentication").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuthNotApplicable;

/// What Jackson makes of a bad `auth`: DHIS2's catch-all handler answers 500 with this text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthParseError(pub String);

fn text(object: &Map<String, Value>, key: &str) -> String {
    object
        .get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

fn sealed_map(
    object: &Map<String, Value>,
    key: &str,
    secrets: &SecretBox,
) -> BTreeMap<String, String> {
    object
        .get(key)
        .and_then(Value::as_object)
        .map(|entries| {
            entries
                .iter()
                .map(|(name, value)| {
                    (
                        name.clone(),
                        secrets.seal(value.as_str().unwrap_or_default()),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

impl StoredAuth {
    /// Reads `auth` from a POST/PUT body and seals its secrets. `Ok(None)` for no auth.
    pub fn parse(
        value: Option<&Value>,
        facts: RouteFacts,
        secrets: &SecretBox,
    ) -> Result<Option<StoredAuth>, AuthParseError> {
        let object = match value {
            None | Some(Value::Null) => return Ok(None),
            Some(Value::Object(object)) => object,
            Some(_) => &Map::new(),
        };
        let class = facts.auth_class();
        let Some(kind) = object.get("type").and_then(Value::as_str) else {
            return Err(AuthParseError(format!(
                "Missing type id when trying to resolve subtype of [simple type, class {class}]: \
                 missing type id property 'type' (for POJO property 'auth')"
            )));
        };
        let known = facts.known_auth_types();
        if !known.contains(&kind) {
            return Err(AuthParseError(format!(
                "Could not resolve type id '{kind}' as a subtype of `{class}`: known type ids = \
                 [{}] (for POJO property 'auth')",
                known.join(", ")
            )));
        }
        Ok(Some(match kind {
            "http-basic" => StoredAuth::HttpBasic {
                username: text(object, "username"),
                password: secrets.seal(&text(object, "password")),
            },
            "api-token" => StoredAuth::ApiToken {
                token: secrets.seal(&text(object, "token")),
            },
            "api-headers" => StoredAuth::ApiHeaders {
                headers: sealed_map(object, "headers", secrets),
            },
            "api-query-params" => StoredAuth::ApiQueryParams {
                params: sealed_map(object, "queryParams", secrets),
            },
            _ => {
                let mut fields = object.clone();
                let client_secret = fields
                    .remove("clientSecret")
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default();
                StoredAuth::OAuth2ClientCredentials {
                    fields,
                    client_secret: secrets.seal(&client_secret),
                }
            }
        }))
    }

    pub fn type_name(&self) -> &'static str {
        match self {
            StoredAuth::HttpBasic { .. } => "http-basic",
            StoredAuth::ApiToken { .. } => "api-token",
            StoredAuth::ApiHeaders { .. } => "api-headers",
            StoredAuth::ApiQueryParams { .. } => "api-query-params",
            StoredAuth::OAuth2ClientCredentials { .. } => "oauth2-client-credentials",
        }
    }

    /// The `auth` object a GET shows: never a clear secret; the sealed one on versions whose
    /// secrets were not yet write-only.
    pub fn render(&self, facts: RouteFacts) -> Value {
        let shown = !facts.secrets_write_only();
        let mut out = json!({ "type": self.type_name() });
        match self {
            StoredAuth::HttpBasic { username, password } => {
                out["username"] = json!(username);
                if shown {
                    out["password"] = json!(password);
                }
            }
            StoredAuth::ApiToken { token } if shown => out["token"] = json!(token),
            StoredAuth::ApiHeaders { headers } if shown => out["headers"] = json!(headers),
            StoredAuth::ApiQueryParams { params } if shown => out["queryParams"] = json!(params),
            StoredAuth::OAuth2ClientCredentials { fields, .. } => {
                for (key, value) in fields {
                    out[key] = value.clone();
                }
            }
            _ => {}
        }
        out
    }

    /// The headers and query parameters the scheme adds to an upstream request, decrypted.
    pub fn apply(&self, secrets: &SecretBox) -> Result<AppliedAuth, AuthNotApplicable> {
        let open = |sealed: &str| secrets.open(sealed).ok_or(AuthNotApplicable);
        let mut headers = Vec::new();
        let mut params = Vec::new();
        match self {
            StoredAuth::HttpBasic { username, password } => {
                let password = open(password)?;
                // Like `HttpBasicAuthScheme.apply`: nothing is added without both parts.
                if !username.is_empty() && !password.is_empty() {
                    let raw = format!("{username}:{password}");
                    let encoded = base64::engine::general_purpose::STANDARD.encode(raw);
                    headers.push(("Authorization".to_string(), format!("Basic {encoded}")));
                }
            }
            StoredAuth::ApiToken { token } => {
                let token = open(token)?;
                if !token.is_empty() {
                    headers.push(("Authorization".to_string(), format!("ApiToken {token}")));
                }
            }
            StoredAuth::ApiHeaders { headers: sealed } => {
                for (name, value) in sealed {
                    headers.push((name.clone(), open(value)?));
                }
            }
            StoredAuth::ApiQueryParams { params: sealed } => {
                for (name, value) in sealed {
                    params.push((name.clone(), open(value)?));
                }
            }
            StoredAuth::OAuth2ClientCredentials { .. } => return Err(AuthNotApplicable),
        }
        Ok(AppliedAuth { headers, params })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_secrets_differ_from_the_clear_text_and_open_again() {
        let secrets = SecretBox::default();
        let sealed = secrets.seal("district");
        assert_ne!(sealed, "district");
        assert!(!sealed.contains("district"));
        assert_ne!(sealed, secrets.seal("district"), "a fresh nonce each time");
        assert_eq!(secrets.open(&sealed).as_deref(), Some("district"));
        let other_instance = SecretBox::default();
        assert_ne!(other_instance.open(&sealed).as_deref(), Some("district"));
    }
}
