//! FILE_RESOURCE and IMAGE values: the value is the id of a file resource of the origin, which
//! means nothing to a destination. Each file is stored on every destination as a new resource,
//! and the value sent with the new id. A file that cannot be read or stored becomes a conflict
//! row; the run goes on.
//!
//! A destination whose value at the same place already points at the same file keeps its
//! resource: nothing is downloaded or uploaded for it, and the value goes with the
//! destination's id (unchanged, so DHIS2 neither imports nor updates it). "The same file" is
//! asked of both servers' `fileResources/{id}` (small JSON, no file): the same `contentMd5` when
//! both give one (DHIS2 does), else the same name, type and size. A stored origin → destination
//! id record was not chosen: it would go stale when someone replaces the destination's value,
//! which the servers' own answers cannot.

use std::collections::HashMap;

use serde_json::Value;

use super::report::{AggregatedTargetDetails, ConflictRow};
use crate::clock::Clock;
use crate::dhis2::file_resources::{
    download_file_resource, upload_data_value_file, FileContent, StoragePolling,
};
use crate::dhis2::{Dhis2Client, Transport};
use crate::mapping::{DataValue, SharedStr};
use crate::sync::report::{TargetReport, TargetStatus};
use crate::sync::runtime::{EngineClient, SyncRuntime};

/// A file value of the origin; its file is read when a destination first needs it.
#[derive(Debug)]
pub(super) struct FileValue {
    pub(super) value: DataValue,
    /// `None` until read; then the file, or why it could not be read.
    file: Option<Result<FileContent, String>>,
    /// The origin's description of the resource, once asked (`None` inside: it gave none).
    described: Option<Option<FileFacts>>,
}

impl FileValue {
    pub(super) fn new(value: DataValue) -> Self {
        FileValue {
            value,
            file: None,
            described: None,
        }
    }

    fn id(&self) -> &str {
        self.value.value.as_deref().unwrap_or_default()
    }

    /// The file, read from the origin the first time.
    async fn content<O: Transport, C: Clock>(
        &mut self,
        origin: &EngineClient<'_, O, C>,
    ) -> &Result<FileContent, String> {
        if self.file.is_none() {
            let read = download_file_resource(origin, self.id())
                .await
                .map_err(|error| format!("The file could not be read from the origin: {error}"));
            self.file = Some(read);
        }
        self.file.get_or_insert_with(|| Err(String::new()))
    }

    /// What the origin says of the resource, asked the first time.
    async fn facts<O: Transport, C: Clock>(
        &mut self,
        origin: &EngineClient<'_, O, C>,
    ) -> Option<FileFacts> {
        if self.described.is_none() {
            self.described = Some(FileFacts::read(origin, self.id()).await);
        }
        self.described.clone().flatten()
    }
}

/// What tells two file resources' files apart without reading them.
#[derive(Debug, Clone, PartialEq, Eq)]
struct FileFacts {
    name: String,
    content_type: String,
    length: String,
    md5: Option<String>,
}

impl FileFacts {
    async fn read<T: Transport>(client: &Dhis2Client<T>, id: &str) -> Option<FileFacts> {
        if id.is_empty() || id.contains(['/', '?', '&', '#']) {
            return None;
        }
        let resource: Value = client
            .get_json(&format!(
                "api/fileResources/{id}?fields=id,name,contentType,contentLength,contentMd5"
            ))
            .await
            .ok()?;
        let text = |key: &str| match resource.get(key) {
            Some(Value::String(text)) => Some(text.clone()),
            Some(Value::Number(number)) => Some(number.to_string()),
            _ => None,
        };
        Some(FileFacts {
            name: text("name")?,
            content_type: text("contentType").unwrap_or_default(),
            length: text("contentLength")?,
            md5: text("contentMd5").filter(|md5| !md5.is_empty()),
        })
    }

    fn same_file(&self, other: &FileFacts) -> bool {
        match (&self.md5, &other.md5) {
            (Some(a), Some(b)) => a.eq_ignore_ascii_case(b) && self.length == other.length,
            _ => {
                self.name == other.name
                    && self.content_type == other.content_type
                    && self.length == other.length
            }
        }
    }
}

/// Whether a value of a data element of `value_type` points at a file resource.
pub(super) fn is_file_type(value_type: &str) -> bool {
    matches!(value_type, "FILE_RESOURCE" | "IMAGE")
}

/// A value's place, as DHIS2 keys it (the default combo when none is named).
pub(super) type Place = (SharedStr, SharedStr, SharedStr, SharedStr, SharedStr);

pub(super) fn place_of(value: &DataValue, default_combo: &SharedStr) -> Place {
    let combo = |combo: &Option<SharedStr>| combo.clone().unwrap_or_else(|| default_combo.clone());
    (
        value.data_element.clone(),
        value.period.clone(),
        value.org_unit.clone(),
        combo(&value.category_option_combo),
        combo(&value.attribute_option_combo),
    )
}

/// For each file value (by index), the destination's resource id when its value at the value's
/// place (`mapped`: the place after mapping; `None` when the mapping leaves the value out)
/// points at the same file. Any failure to tell means "copy it".
pub(super) async fn already_there<O: Transport, T: Transport, C: Clock>(
    origin: &EngineClient<'_, O, C>,
    destination: &EngineClient<'_, T, C>,
    files: &mut [FileValue],
    mapped: &[Option<Place>],
    existing: &HashMap<Place, SharedStr>,
) -> Vec<Option<String>> {
    let mut kept = Vec::with_capacity(files.len());
    for (file, place) in files.iter_mut().zip(mapped) {
        let there = place.as_ref().and_then(|place| existing.get(place));
        let Some(there) = there.filter(|id| !id.is_empty()) else {
            kept.push(None);
            continue;
        };
        let Some(ours) = file.facts(origin).await else {
            kept.push(None);
            continue;
        };
        let theirs = FileFacts::read(destination, there).await;
        kept.push(
            theirs
                .filter(|theirs| ours.same_file(theirs))
                .map(|_| there.to_string()),
        );
    }
    kept
}

/// Stores each file on the destination; the values to send, with the destination's ids.
/// `kept`: per file, the destination's resource that already holds it (sent as is).
pub(super) async fn store_files<O: Transport, T: Transport, C: Clock>(
    origin: &EngineClient<'_, O, C>,
    client: &EngineClient<'_, T, C>,
    files: &mut [FileValue],
    kept: &[Option<String>],
    report: &mut TargetReport,
    details: &mut AggregatedTargetDetails,
    runtime: &SyncRuntime<'_, C>,
) -> Vec<DataValue> {
    let mut values = Vec::with_capacity(files.len());
    for (index, file) in files.iter_mut().enumerate() {
        if let Some(Some(id)) = kept.get(index) {
            details.files_unchanged += 1;
            values.push(DataValue {
                value: Some(id.into()),
                ..file.value.clone()
            });
            continue;
        }
        let stored = match file.content(origin).await {
            Ok(content) => {
                upload_data_value_file(client, runtime.clock, content, StoragePolling::default())
                    .await
                    .map_err(|error| {
                        format!("The file could not be stored on the destination: {error}")
                    })
            }
            Err(message) => Err(message.clone()),
        };
        let value = &file.value;
        match stored {
            Ok(id) => {
                details.files_copied += 1;
                values.push(DataValue {
                    value: Some(id.into()),
                    ..value.clone()
                });
            }
            Err(message) => {
                details.add_conflicts(vec![ConflictRow {
                    object: text(&value.value),
                    data_element: Some(value.data_element.to_string()),
                    period: Some(value.period.to_string()),
                    org_unit: Some(value.org_unit.to_string()),
                    category_option_combo: text(&value.category_option_combo),
                    attribute_option_combo: text(&value.attribute_option_combo),
                    value: text(&value.value),
                    message,
                    code: None,
                }]);
                report.stats.ignored += 1;
                report.stats.total += 1;
                report.raise(TargetStatus::Warning);
            }
        }
    }
    values
}

/// An optional field's text, owned.
fn text(field: &Option<SharedStr>) -> Option<String> {
    field.as_deref().map(str::to_string)
}
