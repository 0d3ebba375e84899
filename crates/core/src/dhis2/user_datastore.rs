//! `/api/userDataStore/{namespace}/{key}` (reference §4): the logged-in user's own key-value
//! store. A missing key answers 404; `PUT` creates one only from 2.38.5/2.39.3, so a write
//! that meets 404 creates the key with `POST`.

use super::client::{check_response, decode_json};
use super::{Dhis2Client, Dhis2Error, HttpResponse, Method, Transport};

fn encode(segment: &str) -> String {
    percent_encoding::utf8_percent_encode(segment, percent_encoding::NON_ALPHANUMERIC).to_string()
}

fn is_html(response: &HttpResponse) -> bool {
    response
        .header("Content-Type")
        .is_some_and(|value| value.to_ascii_lowercase().contains("text/html"))
        || response.body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'<')
}

fn key_path(namespace: &str, key: &str) -> String {
    format!("api/userDataStore/{}/{}", encode(namespace), encode(key))
}

/// The value of one of the user's keys, or `None` when it does not exist.
pub async fn get_user_key<T: Transport>(
    client: &Dhis2Client<T>,
    namespace: &str,
    key: &str,
) -> Result<Option<serde_json::Value>, Dhis2Error> {
    let request = client.request(Method::Get, &key_path(namespace, key));
    let url = request.url.clone();
    let response = client.execute(request).await?;
    if response.status == 404 && !is_html(&response) {
        return Ok(None);
    }
    check_response(client.base_url(), &url, &response)?;
    decode_json(&url, &response).map(Some)
}

/// Writes one of the user's keys, whether or not it exists.
pub async fn save_user_key<T: Transport>(
    client: &Dhis2Client<T>,
    namespace: &str,
    key: &str,
    value: &serde_json::Value,
) -> Result<(), Dhis2Error> {
    let path = key_path(namespace, key);
    let put = client.request(Method::Put, &path).with_json(value);
    let url = put.url.clone();
    let response = client.execute(put).await?;
    if response.status == 404 && !is_html(&response) {
        let post = client.request(Method::Post, &path).with_json(value);
        let url = post.url.clone();
        let response = client.execute(post).await?;
        return check_response(client.base_url(), &url, &response);
    }
    check_response(client.base_url(), &url, &response)
}
