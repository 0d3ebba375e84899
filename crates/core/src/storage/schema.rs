use serde::{Deserialize, Serialize};

use super::migrations::LATEST_SCHEMA_VERSION;
use super::{keys, Storage, StorageError};
use crate::dhis2::Transport;

/// The `schema` key: the layout version of the stored data, and, while an upgrade runs, how far
/// it got (so an interrupted upgrade resumes instead of starting over).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct SchemaRecord {
    pub version: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub migration: Option<MigrationProgress>,
}

/// An upgrade in progress toward `target`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MigrationProgress {
    pub target: u64,
    #[serde(default)]
    pub completed_steps: Vec<String>,
}

/// Where the stored data stands against this build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaStatus {
    /// 0 when nothing was ever stored.
    pub current: u64,
    pub latest: u64,
    /// An upgrade was started and did not finish.
    pub interrupted: Option<MigrationProgress>,
}

impl SchemaStatus {
    pub fn is_current(&self) -> bool {
        self.current == self.latest && self.interrupted.is_none()
    }
}

impl<T: Transport> Storage<T> {
    /// Reads the `schema` key. A damaged key, or a version newer than this build knows, is an
    /// error: nothing gets written over data this build cannot understand.
    pub async fn schema_record(&self) -> Result<SchemaRecord, StorageError> {
        let record: SchemaRecord = self.read(keys::SCHEMA).await?.unwrap_or_default();
        if record.version > LATEST_SCHEMA_VERSION {
            return Err(StorageError::UnknownSchemaVersion {
                found: record.version,
                supported: LATEST_SCHEMA_VERSION,
            });
        }
        if let Some(progress) = &record.migration {
            if progress.target > LATEST_SCHEMA_VERSION || progress.target <= record.version {
                return Err(StorageError::corrupt(
                    keys::SCHEMA,
                    format!(
                        "it records an upgrade from version {} to {}",
                        record.version, progress.target
                    ),
                ));
            }
        }
        Ok(record)
    }

    pub async fn schema_status(&self) -> Result<SchemaStatus, StorageError> {
        let record = self.schema_record().await?;
        Ok(SchemaStatus {
            current: record.version,
            latest: LATEST_SCHEMA_VERSION,
            interrupted: record.migration,
        })
    }

    /// Fails with [`StorageError::MigrationNeeded`] unless the stored data is at this build's
    /// version (for users who may not run the upgrade themselves).
    pub async fn require_current_schema(&self) -> Result<(), StorageError> {
        let status = self.schema_status().await?;
        if status.is_current() {
            Ok(())
        } else {
            Err(StorageError::MigrationNeeded {
                found: status.current,
                latest: status.latest,
            })
        }
    }

    pub(crate) async fn write_schema(&self, record: &SchemaRecord) -> Result<(), StorageError> {
        self.write(keys::SCHEMA, record).await.map(|_| ())
    }
}
