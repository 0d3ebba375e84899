//! Importing a mapping MDSync wrote: the file a user exported (the bare dictionary, or the
//! dataStore entry `mappings-<id>` as the Data Store Manager app exports it), or the entry read
//! straight from MDSync's dataStore namespace. What cannot be used is left out and reported.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::dhis2::{DataStore, Dhis2Client, Dhis2Error, Transport, Version};
use crate::mapping::decode::decode_lenient;
use crate::mapping::error::{JsonKind, MappingError, MappingIssue};
use crate::mapping::model::MappingDictionary;

/// MDSync's dataStore namespace.
pub const MDSYNC_NAMESPACE: &str = "metadata-synchronization";

/// The shape the imported JSON had.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum ImportShape {
    /// `{type: {id: entry}}`.
    Dictionary,
    /// `{"mappingDictionary": {…}}`: the value of MDSync's `mappings-<id>` key.
    DataStoreEntry,
    /// `{"id", "owner", "mappingDictionary"}`: a whole MDSync `DataSourceMapping`.
    DataSourceMapping,
    /// `{"metadataMapping": {…}}`: an `instances-<id>` entry from before MDSync's migration 9.
    InstanceDetails,
}

/// How many entries of a type were imported (nested ones included).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TypeCount {
    pub mapping_type: String,
    pub entries: usize,
}

/// What an import took and what it left.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportReport {
    pub shape: ImportShape,
    pub imported: Vec<TypeCount>,
    /// Entries left out: ids that are not UIDs, misplaced sentinels, wrong kinds, nested
    /// mappings a type does not take.
    pub not_understood: Vec<MappingIssue>,
    /// Types and fields kept as they are but not used.
    pub kept_unused: Vec<MappingIssue>,
}

impl ImportReport {
    pub fn imported_entries(&self) -> usize {
        self.imported.iter().map(|count| count.entries).sum()
    }
}

impl std::fmt::Display for ImportReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let counts: Vec<String> = self
            .imported
            .iter()
            .map(|count| format!("{} {}", count.entries, count.mapping_type))
            .collect();
        if counts.is_empty() {
            writeln!(f, "Imported no entries.")?;
        } else {
            writeln!(
                f,
                "Imported {} entries: {}.",
                self.imported_entries(),
                counts.join(", ")
            )?;
        }
        if !self.not_understood.is_empty() {
            writeln!(
                f,
                "Not understood, left out ({}):",
                self.not_understood.len()
            )?;
            for issue in &self.not_understood {
                writeln!(f, "  {issue}")?;
            }
        }
        if !self.kept_unused.is_empty() {
            writeln!(
                f,
                "Kept as they are, not used ({}):",
                self.kept_unused.len()
            )?;
            for issue in &self.kept_unused {
                writeln!(f, "  {issue}")?;
            }
        }
        Ok(())
    }
}

/// Imports a mapping in any of MDSync's shapes.
pub fn import_mdsync(value: &Value) -> Result<(MappingDictionary, ImportReport), MappingError> {
    let Value::Object(fields) = value else {
        return Err(MappingError::NotADictionary {
            found: JsonKind::of(value),
        });
    };
    let (shape, dictionary) = if let Some(inner) = fields.get("mappingDictionary") {
        let whole = fields.contains_key("owner");
        let shape = if whole {
            ImportShape::DataSourceMapping
        } else {
            ImportShape::DataStoreEntry
        };
        (shape, inner)
    } else if let Some(inner) = fields.get("metadataMapping") {
        // Old instance details also hold the (encrypted) password: only the mapping is read.
        (ImportShape::InstanceDetails, inner)
    } else {
        (ImportShape::Dictionary, value)
    };
    let decoded = decode_lenient(dictionary)?;
    let (not_understood, kept_unused) =
        decoded.issues.into_iter().partition(MappingIssue::is_error);
    let imported = decoded
        .dictionary
        .types()
        .map(|(name, entries)| TypeCount {
            mapping_type: name.to_string(),
            entries: entries
                .values()
                .map(|entry| 1 + entry.mapping.as_ref().map_or(0, MappingDictionary::len))
                .sum(),
        })
        .collect();
    Ok((
        decoded.dictionary,
        ImportReport {
            shape,
            imported,
            not_understood,
            kept_unused,
        },
    ))
}

/// [`import_mdsync`] of JSON text.
pub fn import_mdsync_text(text: &str) -> Result<(MappingDictionary, ImportReport), MappingError> {
    let value: Value = serde_json::from_str(text).map_err(|error| MappingError::NotJson {
        reason: error.to_string(),
    })?;
    import_mdsync(&value)
}

/// Whose mapping an MDSync mapping is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MdsyncOwner {
    /// `instance`, `store` or `package`.
    #[serde(rename = "type")]
    pub kind: String,
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub module_id: Option<String>,
}

/// An entry of MDSync's `mappings` list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MdsyncMappingSummary {
    pub id: String,
    pub owner: MdsyncOwner,
}

/// Reading MDSync's dataStore failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MdsyncReadError {
    #[error("Could not read MDSync's mappings: {0}")]
    Dhis2(#[from] Dhis2Error),
    #[error("MDSync's dataStore entry '{key}' (namespace '{MDSYNC_NAMESPACE}') cannot be read: {reason}")]
    Damaged { key: String, reason: String },
}

/// The mappings MDSync keeps (its `mappings` key); none when MDSync never ran here.
pub async fn list_mdsync_mappings<T: Transport>(
    client: &Dhis2Client<T>,
    version: &Version,
) -> Result<Vec<MdsyncMappingSummary>, MdsyncReadError> {
    let store = DataStore::new(client, MDSYNC_NAMESPACE, version.clone());
    match store.get("mappings").await? {
        None => Ok(Vec::new()),
        Some(value) => serde_json::from_value(value).map_err(|error| MdsyncReadError::Damaged {
            key: "mappings".into(),
            reason: error.to_string(),
        }),
    }
}

/// Reads the MDSync mapping owned by instance `mdsync_instance_id` (MDSync's own id of that
/// instance), from `mappings-<mappingId>`; `None` when MDSync has none for it.
pub async fn read_mdsync_mapping<T: Transport>(
    client: &Dhis2Client<T>,
    version: &Version,
    mdsync_instance_id: &str,
) -> Result<Option<(MappingDictionary, ImportReport)>, MdsyncReadError> {
    let summaries = list_mdsync_mappings(client, version).await?;
    let Some(summary) = summaries
        .iter()
        .find(|summary| summary.owner.kind == "instance" && summary.owner.id == mdsync_instance_id)
    else {
        return Ok(None);
    };
    let key = format!("mappings-{}", summary.id);
    let store = DataStore::new(client, MDSYNC_NAMESPACE, version.clone());
    let Some(value) = store.get(&key).await? else {
        return Ok(None);
    };
    import_mdsync(&value)
        .map(Some)
        .map_err(|error| MdsyncReadError::Damaged {
            key,
            reason: error.to_string(),
        })
}
