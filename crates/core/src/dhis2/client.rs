use serde::de::DeserializeOwned;

use super::{
    Auth, Dhis2Error, HttpRequest, HttpResponse, Me, Method, SystemInfo, Transport, TransportError,
    WebMessage, ME_FIELDS,
};

/// A client for one DHIS2 instance: base URL, auth, and the transport to reach it.
///
/// Every request carries `X-Requested-With: XMLHttpRequest`, so that a bad login comes back as a
/// JSON 401 rather than a redirect to the HTML login page.
pub struct Dhis2Client<T> {
    transport: T,
    base_url: String,
    auth: Auth,
}

impl<T: Transport> Dhis2Client<T> {
    /// `base_url` is the instance root (`https://play.dhis2.org/40`), without `/api`.
    pub fn new(transport: T, base_url: &str, auth: Auth) -> Self {
        Dhis2Client {
            transport,
            base_url: base_url.trim_end_matches('/').to_string(),
            auth,
        }
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    pub fn auth(&self) -> &Auth {
        &self.auth
    }

    pub fn transport(&self) -> &T {
        &self.transport
    }

    /// The absolute URL of a server path such as `api/system/info` (a leading `/` is optional).
    pub fn url(&self, path: &str) -> String {
        format!("{}/{}", self.base_url, path.trim_start_matches('/'))
    }

    /// A request to `path` with the auth and JSON headers set.
    pub fn request(&self, method: Method, path: &str) -> HttpRequest {
        let mut request = HttpRequest::new(method, self.url(path))
            .with_header("Accept", "application/json")
            .with_header("X-Requested-With", "XMLHttpRequest");
        if let Some(authorization) = self.auth.authorization_header() {
            request = request.with_header("Authorization", authorization);
        }
        request
    }

    /// Sends a request and returns whatever came back, whatever its status. Only failures below
    /// HTTP are errors here; use this where a 404 or 409 carries meaning (dataStore, imports).
    pub async fn execute(&self, request: HttpRequest) -> Result<HttpResponse, Dhis2Error> {
        let url = request.url.clone();
        self.transport
            .send(request)
            .await
            .map_err(|source| match source {
                TransportError::Unreachable { .. } => Dhis2Error::Unreachable {
                    base_url: self.base_url.clone(),
                    source,
                },
                other => Dhis2Error::Interrupted { url, source: other },
            })
    }

    /// Sends a request and decodes a successful JSON answer; any other answer is an error that
    /// says what happened.
    pub async fn execute_json<D: DeserializeOwned>(
        &self,
        request: HttpRequest,
    ) -> Result<D, Dhis2Error> {
        let url = request.url.clone();
        let response = self.execute(request).await?;
        check_response(&self.base_url, &url, &response)?;
        decode_json(&url, &response)
    }

    pub async fn get_json<D: DeserializeOwned>(&self, path: &str) -> Result<D, Dhis2Error> {
        self.execute_json(self.request(Method::Get, path)).await
    }

    /// As `get_json`, with the answer read by `decode` (a reader faster than serde's generic
    /// one, such as `DataValueSet::from_json`); the errors are `get_json`'s.
    pub async fn get_decoded<D>(
        &self,
        path: &str,
        decode: impl FnOnce(&[u8]) -> serde_json::Result<D>,
    ) -> Result<D, Dhis2Error> {
        let request = self.request(Method::Get, path);
        let url = request.url.clone();
        let response = self.execute(request).await?;
        check_response(&self.base_url, &url, &response)?;
        decode_json_with(&url, &response, decode)
    }

    pub async fn post_json<D: DeserializeOwned>(
        &self,
        path: &str,
        body: &serde_json::Value,
    ) -> Result<D, Dhis2Error> {
        self.execute_json(self.request(Method::Post, path).with_json(body))
            .await
    }

    pub async fn put_json<D: DeserializeOwned>(
        &self,
        path: &str,
        body: &serde_json::Value,
    ) -> Result<D, Dhis2Error> {
        self.execute_json(self.request(Method::Put, path).with_json(body))
            .await
    }

    /// `/api/system/info`; refuses servers older than 2.30.
    pub async fn system_info(&self) -> Result<SystemInfo, Dhis2Error> {
        let info: SystemInfo = self
            .get_json(&format!("api/system/info?fields={}", SystemInfo::FIELDS))
            .await?;
        if !info.version.is_supported() {
            return Err(Dhis2Error::UnsupportedVersion {
                base_url: self.base_url.clone(),
                version: info.version.to_string(),
            });
        }
        Ok(info)
    }

    /// `/api/me`, decoded the same way before and after 2.38.
    pub async fn me(&self) -> Result<Me, Dhis2Error> {
        self.get_json(&format!("api/me?fields={ME_FIELDS}")).await
    }
}

/// Turns a non-successful or non-JSON answer into the error that explains it.
pub(crate) fn check_response(
    base_url: &str,
    url: &str,
    response: &HttpResponse,
) -> Result<(), Dhis2Error> {
    let status = response.status;
    if (300..400).contains(&status) {
        let location = response
            .header("Location")
            .unwrap_or_default()
            .to_ascii_lowercase();
        if location.contains("login") {
            return Err(Dhis2Error::LoginPage {
                url: url.to_string(),
            });
        }
    }
    if looks_like_html(response) {
        return Err(if status == 401 {
            Dhis2Error::Unauthorized {
                base_url: base_url.to_string(),
            }
        } else if looks_like_login_page(response) {
            Dhis2Error::LoginPage {
                url: url.to_string(),
            }
        } else {
            Dhis2Error::NotJson {
                url: url.to_string(),
                status,
                snippet: snippet(response),
            }
        });
    }
    if response.is_success() {
        return Ok(());
    }
    let message = WebMessage::parse(&response.body);
    let text = message
        .as_ref()
        .and_then(|m| m.message.clone())
        .unwrap_or_else(|| snippet(response));
    Err(match status {
        401 => Dhis2Error::Unauthorized {
            base_url: base_url.to_string(),
        },
        403 => Dhis2Error::Forbidden {
            url: url.to_string(),
            message: text,
        },
        404 => Dhis2Error::NotFound {
            url: url.to_string(),
            message: text,
        },
        _ => Dhis2Error::Http {
            url: url.to_string(),
            status,
            message: text,
            error_code: message.and_then(|m| m.error_code),
        },
    })
}

pub(crate) fn decode_json<D: DeserializeOwned>(
    url: &str,
    response: &HttpResponse,
) -> Result<D, Dhis2Error> {
    decode_json_with(url, response, |body| serde_json::from_slice(body))
}

fn decode_json_with<D>(
    url: &str,
    response: &HttpResponse,
    decode: impl FnOnce(&[u8]) -> serde_json::Result<D>,
) -> Result<D, Dhis2Error> {
    decode(&response.body).map_err(|error| {
        if serde_json::from_slice::<serde_json::Value>(&response.body).is_err() {
            Dhis2Error::NotJson {
                url: url.to_string(),
                status: response.status,
                snippet: snippet(response),
            }
        } else {
            Dhis2Error::Decode {
                url: url.to_string(),
                reason: error.to_string(),
            }
        }
    })
}

fn looks_like_html(response: &HttpResponse) -> bool {
    let content_type = response
        .header("Content-Type")
        .unwrap_or_default()
        .to_ascii_lowercase();
    if content_type.contains("text/html") {
        return true;
    }
    let start = response
        .body
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .copied();
    start == Some(b'<')
}

fn looks_like_login_page(response: &HttpResponse) -> bool {
    let text = response.text().to_ascii_lowercase();
    text.contains("j_username") || text.contains("login") || text.contains("sign in")
}

fn snippet(response: &HttpResponse) -> String {
    let text = response.text();
    let trimmed = text.trim();
    trimmed.chars().take(80).collect()
}
