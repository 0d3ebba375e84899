//! File resources, as FILE_RESOURCE and IMAGE data values point at them (dhis2-core
//! `FileResourceController`, the same on 2.30 … 2.42):
//! - `POST /api/fileResources?domain=…` (multipart, the file in part `file`): `202 Accepted`,
//!   a WebMessage with `response.fileResource`, `storageStatus` `PENDING`;
//! - `GET /api/fileResources/{id}`: the resource; it reads `STORED` from the first read after
//!   the upload on (a real server stores the file in the background);
//! - `GET /api/fileResources/{id}/data`: the file; `409` while it is not stored yet.
//!
//! Other `fileResources` requests are left to the metadata store.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::dates::{format_no_zone, now_millis, Millis};
use crate::response::{reason_phrase, SimResponse};
use crate::uid::generate_uid;
use crate::RequestContext;

/// One stored file resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFile {
    pub name: String,
    pub content_type: String,
    pub domain: String,
    pub bytes: Vec<u8>,
    /// Reads of the resource until it says `STORED` (the upload's answer says `PENDING`).
    pending_reads: u32,
    created: Millis,
}

/// Every file resource of an instance.
#[derive(Debug, Default)]
pub struct FileResources {
    files: BTreeMap<String, StoredFile>,
}

impl FileResources {
    /// Adds a stored file (seeds, tests); its id.
    pub fn add(&mut self, name: &str, content_type: &str, bytes: Vec<u8>) -> String {
        let id = generate_uid();
        self.files.insert(
            id.clone(),
            StoredFile {
                name: name.into(),
                content_type: content_type.into(),
                domain: "DATA_VALUE".into(),
                bytes,
                pending_reads: 0,
                created: now_millis(),
            },
        );
        id
    }

    pub fn get(&self, id: &str) -> Option<&StoredFile> {
        self.files.get(id)
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// `fileResources` requests this store answers; `None` for the rest.
    pub fn handle(&mut self, ctx: &RequestContext, content_type: &str) -> Option<SimResponse> {
        let segments: Vec<&str> = ctx.segments.iter().map(String::as_str).collect();
        match (ctx.method, segments.as_slice()) {
            ("POST", ["fileResources"]) => Some(self.upload(ctx, content_type)),
            ("GET", ["fileResources", id]) => Some(self.resource(id)),
            ("GET", ["fileResources", id, "data"]) => Some(self.data(id)),
            _ => None,
        }
    }

    fn upload(&mut self, ctx: &RequestContext, content_type: &str) -> SimResponse {
        let Some(part) = crate::multipart::part(content_type, ctx.body, "file") else {
            return SimResponse::web_message(400, "Missing parameter 'file'");
        };
        let domain = ctx.query.get("domain").unwrap_or("DATA_VALUE").to_string();
        let id = generate_uid();
        let file = StoredFile {
            name: part.filename.unwrap_or_else(|| "file".into()),
            content_type: part
                .content_type
                .unwrap_or_else(|| "application/octet-stream".into()),
            domain,
            bytes: part.bytes,
            pending_reads: 1,
            created: now_millis(),
        };
        let resource = describe(&id, &file);
        self.files.insert(id, file);
        SimResponse::json(
            202,
            &json!({
                "httpStatus": reason_phrase(202),
                "httpStatusCode": 202,
                "status": "OK",
                "response": { "responseType": "FileResource", "fileResource": resource },
            }),
        )
    }

    fn resource(&mut self, id: &str) -> SimResponse {
        let Some(file) = self.files.get_mut(id) else {
            return not_found(id);
        };
        file.pending_reads = file.pending_reads.saturating_sub(1);
        SimResponse::json(200, &describe(id, file))
    }

    fn data(&self, id: &str) -> SimResponse {
        let Some(file) = self.files.get(id) else {
            return not_found(id);
        };
        if file.pending_reads > 0 {
            return SimResponse::web_message(
                409,
                "The content is being processed and is not available yet. Try again later.",
            );
        }
        SimResponse::bytes(200, &file.content_type, file.bytes.clone()).with_header(
            "Content-Disposition",
            &format!("filename=\"{}\"", file.name),
        )
    }
}

fn not_found(id: &str) -> SimResponse {
    SimResponse::web_message(
        404,
        &format!("FileResource with id {id} could not be found."),
    )
}

fn describe(id: &str, file: &StoredFile) -> Value {
    let stamp = format_no_zone(file.created);
    json!({
        "id": id,
        "name": file.name,
        "created": stamp,
        "lastUpdated": stamp,
        "contentType": file.content_type,
        "contentLength": file.bytes.len().to_string(),
        "domain": file.domain,
        "hasMultipleStorageFiles": false,
        "storageStatus": if file.pending_reads > 0 { "PENDING" } else { "STORED" },
    })
}
