//! File resources: the file behind a FILE_RESOURCE / IMAGE data value, read from one instance
//! and stored on another.
//!
//! The same on 2.30 … 2.42 (dhis2-core `FileResourceController`):
//! - `GET /api/fileResources/{id}/data`: the file, with its `Content-Type` and a
//!   `Content-Disposition` naming it;
//! - `POST /api/fileResources?domain=DATA_VALUE`, multipart with the file in part `file`:
//!   `202 Accepted`, a WebMessage whose `response.fileResource` has the new `id` and a
//!   `storageStatus` (`PENDING` until the file store has it);
//! - `GET /api/fileResources/{id}`: the resource, `storageStatus` `STORED` once usable. A data
//!   value may only point at a stored resource, so the upload waits for it.

use std::time::Duration;

use serde_json::Value;

use super::client::check_response;
use super::{Dhis2Client, Dhis2Error, Method, Transport};
use crate::clock::Clock;

/// A file as read from an instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileContent {
    pub name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// How long an upload waits for its resource to be stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoragePolling {
    pub interval: Duration,
    pub max_polls: u32,
}

impl Default for StoragePolling {
    fn default() -> Self {
        StoragePolling {
            interval: Duration::from_millis(500),
            max_polls: 40,
        }
    }
}

/// `GET /api/fileResources/{id}/data`.
pub async fn download_file_resource<T: Transport>(
    client: &Dhis2Client<T>,
    id: &str,
) -> Result<FileContent, Dhis2Error> {
    let request = client.request(Method::Get, &format!("api/fileResources/{id}/data"));
    let url = request.url.clone();
    let response = client.execute(request).await?;
    check_response(client.base_url(), &url, &response)?;
    // A proxy's or login page's HTML is not the file.
    let content_type = response
        .header("Content-Type")
        .unwrap_or("application/octet-stream")
        .to_string();
    if content_type.starts_with("text/html") {
        return Err(Dhis2Error::LoginPage { url });
    }
    let name = response
        .header("Content-Disposition")
        .and_then(file_name_of)
        .unwrap_or_else(|| id.to_string());
    Ok(FileContent {
        name,
        content_type,
        bytes: response.body,
    })
}

/// `filename="a.png"` (or unquoted) in a `Content-Disposition`.
fn file_name_of(disposition: &str) -> Option<String> {
    disposition.split(';').find_map(|part| {
        let value = part.trim().strip_prefix("filename=")?;
        let name = value.trim().trim_matches('"');
        (!name.is_empty()).then(|| name.to_string())
    })
}

/// Uploads `file` as a `DATA_VALUE` resource and waits until it is stored; its new id.
pub async fn upload_data_value_file<T: Transport, C: Clock>(
    client: &Dhis2Client<T>,
    clock: &C,
    file: &FileContent,
    polling: StoragePolling,
) -> Result<String, Dhis2Error> {
    let boundary = boundary_for(&file.bytes);
    let body = multipart_body(&boundary, file);
    let request = client
        .request(Method::Post, "api/fileResources?domain=DATA_VALUE")
        .with_body(&format!("multipart/form-data; boundary={boundary}"), body);
    let url = request.url.clone();
    let response = client.execute(request).await?;
    check_response(client.base_url(), &url, &response)?;
    let answer: Value = serde_json::from_slice(&response.body).map_err(|_| Dhis2Error::Decode {
        url: url.clone(),
        reason: "the answer to a file upload is not JSON".into(),
    })?;
    let resource = answer
        .pointer("/response/fileResource")
        .or_else(|| answer.get("fileResource"))
        .unwrap_or(&answer);
    let Some(id) = resource
        .get("id")
        .and_then(Value::as_str)
        .map(str::to_string)
    else {
        return Err(Dhis2Error::Decode {
            url,
            reason: "the answer to a file upload names no file resource".into(),
        });
    };
    let mut status = storage_status(resource);
    let mut polls = 0;
    while status.as_deref() != Some("STORED") {
        if status.as_deref() == Some("FAILED") {
            return Err(Dhis2Error::Http {
                url,
                status: 500,
                message: format!("the server could not store the file of resource {id}"),
                error_code: None,
            });
        }
        if polls >= polling.max_polls {
            return Err(Dhis2Error::Http {
                url,
                status: 503,
                message: format!(
                    "file resource {id} was still not stored after {polls} checks; try again later"
                ),
                error_code: None,
            });
        }
        polls += 1;
        clock.sleep(polling.interval).await;
        let resource: Value = client
            .get_json(&format!("api/fileResources/{id}?fields=id,storageStatus"))
            .await?;
        status = storage_status(&resource);
    }
    Ok(id)
}

fn storage_status(resource: &Value) -> Option<String> {
    resource
        .get("storageStatus")
        .and_then(Value::as_str)
        .map(str::to_string)
}

/// A boundary that does not occur in the file.
fn boundary_for(bytes: &[u8]) -> String {
    let mut seed = bytes.len() as u64 ^ 0x9e37_79b9_7f4a_7c15;
    loop {
        let boundary = format!("mdsync-{seed:016x}");
        if !bytes
            .windows(boundary.len())
            .any(|window| window == boundary.as_bytes())
        {
            return boundary;
        }
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
    }
}

/// `multipart/form-data` with the file in part `file`.
pub fn multipart_body(boundary: &str, file: &FileContent) -> Vec<u8> {
    // Quotes and line breaks would end the header early.
    let name: String = file
        .name
        .chars()
        .map(|c| {
            if matches!(c, '"' | '\r' | '\n') {
                '_'
            } else {
                c
            }
        })
        .collect();
    let mut body = Vec::with_capacity(file.bytes.len() + 256);
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: {}\r\n\r\n",
            file.content_type
        )
        .as_bytes(),
    );
    body.extend_from_slice(&file.bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    body
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_multipart_body_names_the_file_and_keeps_its_bytes() {
        let file = FileContent {
            name: "scan \"1\".png".into(),
            content_type: "image/png".into(),
            bytes: vec![0x89, b'P', b'N', b'G', 0, 255],
        };
        let boundary = boundary_for(&file.bytes);
        let body = multipart_body(&boundary, &file);
        let text = String::from_utf8_lossy(&body);
        assert!(text.starts_with(&format!("--{boundary}\r\n")));
        assert!(text.contains("name=\"file\"; filename=\"scan _1_.png\""));
        assert!(text.contains("Content-Type: image/png\r\n\r\n"));
        assert!(body.windows(6).any(|w| w == file.bytes.as_slice()));
        assert!(text.ends_with(&format!("--{boundary}--\r\n")));
        assert_eq!(
            file_name_of("attachment; filename=\"a b.pdf\""),
            Some("a b.pdf".into())
        );
        assert_eq!(file_name_of("inline"), None);
    }
}
