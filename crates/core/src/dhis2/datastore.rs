//! `/api/dataStore`, the same on every version from the caller's side.
//!
//! The differences absorbed here (reference §4): creating is `POST` (201, or 409 when the key
//! exists); `PUT` updates, and on a missing key answers 404 before 2.38.5 / 2.39.3 / 2.40.1 /
//! 2.41.0 but creates the key (201) from those releases on.

use serde::Deserialize;

use super::client::check_response;
use super::{Dhis2Client, Dhis2Error, HttpResponse, Method, Transport, Version};

/// Does `PUT` on a missing key create it (upsert) on this server version?
pub fn put_creates_missing_keys(version: &Version) -> bool {
    match version.minor {
        38 => version.at_least(2, 38, 5),
        39 => version.at_least(2, 39, 3),
        40 => version.at_least(2, 40, 1),
        minor => version.major > 2 || minor >= 41,
    }
}

/// How a write ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteOutcome {
    Created,
    Updated,
}

/// What `GET …/{key}/metaData` says about an entry; its `id` is what `/api/sharing` takes.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DataStoreEntryMetadata {
    pub id: String,
    #[serde(default)]
    pub key: Option<String>,
    #[serde(default)]
    pub namespace: Option<String>,
    /// The owner, 2.36+ (`createdBy`).
    #[serde(default)]
    created_by: Option<OwnerRef>,
    /// The owner, before 2.36 (classic sharing fields).
    #[serde(default)]
    user: Option<OwnerRef>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
struct OwnerRef {
    #[serde(default)]
    id: Option<String>,
}

impl DataStoreEntryMetadata {
    /// The user who owns the entry (its creator), as the version writes it.
    pub fn owner(&self) -> Option<&str> {
        self.created_by
            .as_ref()
            .or(self.user.as_ref())
            .and_then(|owner| owner.id.as_deref())
    }
}

/// One dataStore namespace of one server, seen through a client.
pub struct DataStore<'c, T> {
    client: &'c Dhis2Client<T>,
    namespace: String,
    version: Version,
}

fn encode(segment: &str) -> String {
    percent_encoding::utf8_percent_encode(segment, percent_encoding::NON_ALPHANUMERIC).to_string()
}

impl<'c, T: Transport> DataStore<'c, T> {
    /// `version` is the server's, from `/api/system/info`.
    pub fn new(client: &'c Dhis2Client<T>, namespace: &str, version: Version) -> Self {
        DataStore {
            client,
            namespace: namespace.to_string(),
            version,
        }
    }

    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    pub fn version(&self) -> &Version {
        &self.version
    }

    fn key_path(&self, key: &str) -> String {
        format!("api/dataStore/{}/{}", encode(&self.namespace), encode(key))
    }

    async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<&serde_json::Value>,
    ) -> Result<(String, HttpResponse), Dhis2Error> {
        let mut request = self.client.request(method, path);
        if let Some(body) = body {
            request = request.with_json(body);
        }
        let url = request.url.clone();
        let response = self.client.execute(request).await?;
        Ok((url, response))
    }

    fn fail(&self, url: &str, response: &HttpResponse) -> Dhis2Error {
        match check_response(self.client.base_url(), url, response) {
            Err(error) => error,
            // A success code in an unexpected place (e.g. 204 where 201 was expected).
            Ok(()) => Dhis2Error::Http {
                url: url.to_string(),
                status: response.status,
                message: response.text(),
                error_code: None,
            },
        }
    }

    /// The keys of the namespace; an unknown namespace has none.
    pub async fn keys(&self) -> Result<Vec<String>, Dhis2Error> {
        let path = format!("api/dataStore/{}", encode(&self.namespace));
        let (url, response) = self.send(Method::Get, &path, None).await?;
        if response.status == 404 && !is_html(&response) {
            return Ok(Vec::new());
        }
        check_response(self.client.base_url(), &url, &response)?;
        super::client::decode_json(&url, &response)
    }

    /// Whether the server has the dataStore query API (`?fields=`), 2.38+.
    pub fn has_query_api(&self) -> bool {
        self.version.at_least(2, 38, 0)
    }

    /// One field of every entry the user may read (2.38+ query API, one request):
    /// `(key, value of the field)`, entries without the field left out.
    pub async fn field_of_all(
        &self,
        field: &str,
    ) -> Result<Vec<(String, serde_json::Value)>, Dhis2Error> {
        let path = format!(
            "api/dataStore/{}?fields={}&paging=false&headless=true",
            encode(&self.namespace),
            encode(field)
        );
        let (url, response) = self.send(Method::Get, &path, None).await?;
        if response.status == 404 && !is_html(&response) {
            return Ok(Vec::new());
        }
        check_response(self.client.base_url(), &url, &response)?;
        let rows: Vec<serde_json::Map<String, serde_json::Value>> =
            super::client::decode_json(&url, &response)?;
        Ok(rows
            .into_iter()
            .filter_map(|mut row| {
                let key = row.get("key")?.as_str()?.to_string();
                Some((key, row.remove(field)?))
            })
            .collect())
    }

    /// The value of a key, or `None` when the key does not exist.
    pub async fn get(&self, key: &str) -> Result<Option<serde_json::Value>, Dhis2Error> {
        let (url, response) = self.send(Method::Get, &self.key_path(key), None).await?;
        if response.status == 404 && !is_html(&response) {
            return Ok(None);
        }
        check_response(self.client.base_url(), &url, &response)?;
        super::client::decode_json(&url, &response).map(Some)
    }

    /// Creates a key; `Ok(false)` when it already exists (409), which is left untouched.
    pub async fn create(&self, key: &str, value: &serde_json::Value) -> Result<bool, Dhis2Error> {
        let (url, response) = self
            .send(Method::Post, &self.key_path(key), Some(value))
            .await?;
        match response.status {
            200 | 201 => Ok(true),
            409 if !is_html(&response) => Ok(false),
            _ => Err(self.fail(&url, &response)),
        }
    }

    /// Replaces the value of an existing key; `Ok(None)` when the key does not exist on a server
    /// without upsert. On a server with upsert a missing key is created (`Created`).
    pub async fn update(
        &self,
        key: &str,
        value: &serde_json::Value,
    ) -> Result<Option<WriteOutcome>, Dhis2Error> {
        let (url, response) = self
            .send(Method::Put, &self.key_path(key), Some(value))
            .await?;
        match response.status {
            200 | 204 => Ok(Some(WriteOutcome::Updated)),
            201 => Ok(Some(WriteOutcome::Created)),
            404 if !is_html(&response) => Ok(None),
            _ => Err(self.fail(&url, &response)),
        }
    }

    /// Writes a key whether or not it exists, in the fewest requests this version allows: one
    /// `PUT` where it upserts (or where the key exists), else `PUT` → 404 → `POST`.
    pub async fn save(
        &self,
        key: &str,
        value: &serde_json::Value,
    ) -> Result<WriteOutcome, Dhis2Error> {
        if let Some(outcome) = self.update(key, value).await? {
            return Ok(outcome);
        }
        if self.create(key, value).await? {
            return Ok(WriteOutcome::Created);
        }
        // Created by someone else between our two requests: ours is the newer value.
        match self.update(key, value).await? {
            Some(outcome) => Ok(outcome),
            None => Err(Dhis2Error::Http {
                url: self.client.url(&self.key_path(key)),
                status: 409,
                message: format!(
                    "The key '{key}' kept appearing and disappearing while it was being saved; \
                     try again."
                ),
                error_code: None,
            }),
        }
    }

    /// Writes a key that is expected not to exist yet (a fresh id) in one request: `PUT` where
    /// it upserts, else `POST` (falling back to `PUT` if the key was there after all).
    pub async fn save_new(
        &self,
        key: &str,
        value: &serde_json::Value,
    ) -> Result<WriteOutcome, Dhis2Error> {
        if !put_creates_missing_keys(&self.version) && self.create(key, value).await? {
            return Ok(WriteOutcome::Created);
        }
        self.save(key, value).await
    }

    /// Deletes a key; `Ok(false)` when it did not exist.
    pub async fn delete(&self, key: &str) -> Result<bool, Dhis2Error> {
        let (url, response) = self.send(Method::Delete, &self.key_path(key), None).await?;
        match response.status {
            200 | 204 => Ok(true),
            404 if !is_html(&response) => Ok(false),
            _ => Err(self.fail(&url, &response)),
        }
    }

    /// The entry's identity (for sharing), or `None` when the key does not exist.
    pub async fn metadata(&self, key: &str) -> Result<Option<DataStoreEntryMetadata>, Dhis2Error> {
        let path = format!("{}/metaData", self.key_path(key));
        let (url, response) = self.send(Method::Get, &path, None).await?;
        if response.status == 404 && !is_html(&response) {
            return Ok(None);
        }
        check_response(self.client.base_url(), &url, &response)?;
        super::client::decode_json(&url, &response).map(Some)
    }
}

fn is_html(response: &HttpResponse) -> bool {
    response
        .header("Content-Type")
        .is_some_and(|value| value.to_ascii_lowercase().contains("text/html"))
        || response.body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'<')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upsert_starts_at_the_documented_patch_releases() {
        let cases = [
            ("2.30", false),
            ("2.37.9", false),
            ("2.38.0", false),
            ("2.38.4.3", false),
            ("2.38.5", true),
            ("2.39.2.1", false),
            ("2.39.3", true),
            ("2.40.0.1", false),
            ("2.40.1", true),
            ("2.41.0", true),
            ("2.42", true),
        ];
        for (text, expected) in cases {
            let version: Version = text.parse().expect("version");
            assert_eq!(put_creates_missing_keys(&version), expected, "{text}");
        }
    }
}
