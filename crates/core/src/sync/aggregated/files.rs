//! FILE_RESOURCE and IMAGE values: the value is the id of a file resource of the origin, which
//! means nothing to a destination. Each file is read from the origin once per slice, stored on
//! every destination as a new resource, and the value sent with the new id. A file that cannot
//! be read or stored becomes a conflict row; the run goes on.

use super::report::{AggregatedTargetDetails, ConflictRow};
use crate::clock::Clock;
use crate::dhis2::file_resources::{
    download_file_resource, upload_data_value_file, FileContent, StoragePolling,
};
use crate::dhis2::Transport;
use crate::mapping::DataValue;
use crate::sync::report::{TargetReport, TargetStatus};
use crate::sync::runtime::{EngineClient, SyncRuntime};

/// A file value of the origin with its file, or why the file could not be read.
#[derive(Debug)]
pub(super) struct FileValue {
    pub(super) value: DataValue,
    pub(super) file: Result<FileContent, String>,
}

/// Whether a value of a data element of `value_type` points at a file resource.
pub(super) fn is_file_type(value_type: &str) -> bool {
    matches!(value_type, "FILE_RESOURCE" | "IMAGE")
}

/// Reads the file of every value from the origin.
pub(super) async fn read_files<T: Transport, C: Clock>(
    origin: &EngineClient<'_, T, C>,
    values: Vec<DataValue>,
) -> Vec<FileValue> {
    let mut files = Vec::with_capacity(values.len());
    for value in values {
        let id = value.value.clone().unwrap_or_default();
        let file = download_file_resource(origin, &id)
            .await
            .map_err(|error| format!("The file could not be read from the origin: {error}"));
        files.push(FileValue { value, file });
    }
    files
}

/// Stores each file on the destination; the values to send, with the destination's ids.
pub(super) async fn store_files<T: Transport, C: Clock>(
    client: &EngineClient<'_, T, C>,
    files: &[FileValue],
    report: &mut TargetReport,
    details: &mut AggregatedTargetDetails,
    runtime: &SyncRuntime<'_, C>,
) -> Vec<DataValue> {
    let mut values = Vec::with_capacity(files.len());
    for FileValue { value, file } in files {
        let stored = match file {
            Ok(content) => {
                upload_data_value_file(client, runtime.clock, content, StoragePolling::default())
                    .await
                    .map_err(|error| {
                        format!("The file could not be stored on the destination: {error}")
                    })
            }
            Err(message) => Err(message.clone()),
        };
        match stored {
            Ok(id) => {
                details.files_copied += 1;
                values.push(DataValue {
                    value: Some(id),
                    ..value.clone()
                });
            }
            Err(message) => {
                details.add_conflicts(vec![ConflictRow {
                    object: value.value.clone(),
                    data_element: Some(value.data_element.clone()),
                    period: Some(value.period.clone()),
                    org_unit: Some(value.org_unit.clone()),
                    category_option_combo: value.category_option_combo.clone(),
                    attribute_option_combo: value.attribute_option_combo.clone(),
                    value: value.value.clone(),
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
