//! The mapping toward each instance, in the app's dataStore (`mappings-<instanceId>`), behind
//! the access checks: reading needs [`Operation::ReadMapping`], changing
//! [`Operation::EditMapping`]. A damaged stored mapping is reported with its key and never
//! overwritten unless the caller says so.

use serde_json::Value;

use super::error::MappingError;
use super::invert::{mapping_for_direction, Direction, InvertReport};
use super::mdsync_format::{import_mdsync, ImportReport};
use super::model::MappingDictionary;
use crate::access::{AccessDenied, Actor, Operation};
use crate::dhis2::Transport;
use crate::model::LOCAL_INSTANCE_ID;
use crate::storage::{keys, Storage, StorageError};

/// Reading or writing a stored mapping failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MappingStoreError {
    #[error(transparent)]
    Access(#[from] AccessDenied),

    #[error(
        "The stored mapping '{key}' is damaged: {reason}. It was left as it is; repair it with \
         the Data Store Manager app, or import a mapping over it saying to replace the damaged one."
    )]
    Damaged { key: String, reason: String },

    #[error(transparent)]
    Storage(StorageError),

    #[error(transparent)]
    Mapping(#[from] MappingError),
}

impl From<StorageError> for MappingStoreError {
    fn from(error: StorageError) -> Self {
        match error {
            StorageError::Corrupt { key, reason } => MappingStoreError::Damaged { key, reason },
            other => MappingStoreError::Storage(other),
        }
    }
}

/// The mapping toward `instance_id`; `None` when none was saved.
pub async fn load_mapping<T: Transport>(
    storage: &Storage<T>,
    actor: &Actor,
    instance_id: &str,
) -> Result<Option<MappingDictionary>, MappingStoreError> {
    actor.authorize(Operation::ReadMapping)?;
    Ok(storage
        .mappings::<MappingDictionary>()
        .get(instance_id)
        .await?)
}

/// Saves the mapping toward `instance_id`. Refuses to replace a damaged stored mapping unless
/// `replace_damaged` is set.
pub async fn save_mapping<T: Transport>(
    storage: &Storage<T>,
    actor: &Actor,
    instance_id: &str,
    mapping: &MappingDictionary,
    replace_damaged: bool,
) -> Result<(), MappingStoreError> {
    actor.authorize(Operation::EditMapping)?;
    match storage
        .mappings::<MappingDictionary>()
        .get(instance_id)
        .await
    {
        Ok(_) => {}
        Err(StorageError::Corrupt { .. }) if replace_damaged => {}
        Err(error) => return Err(error.into()),
    }
    storage
        .mappings::<MappingDictionary>()
        .save(instance_id, mapping)
        .await?;
    Ok(())
}

/// What an import did.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportOutcome {
    pub report: ImportReport,
    /// How many entries the mapping it replaced had (`None`: there was none, or it was damaged).
    pub replaced_entries: Option<usize>,
}

/// Imports a mapping in MDSync's format (or ours) as the mapping toward `instance_id`,
/// replacing the one stored.
pub async fn import_mapping<T: Transport>(
    storage: &Storage<T>,
    actor: &Actor,
    instance_id: &str,
    value: &Value,
    replace_damaged: bool,
) -> Result<ImportOutcome, MappingStoreError> {
    actor.authorize(Operation::EditMapping)?;
    let (mapping, report) = import_mdsync(value)?;
    save_imported(
        storage,
        actor,
        instance_id,
        mapping,
        report,
        replace_damaged,
    )
    .await
}

/// Stores an already imported mapping (e.g. read from MDSync's dataStore with
/// [`super::mdsync_format::read_mdsync_mapping`]) as the mapping toward `instance_id`.
pub async fn save_imported<T: Transport>(
    storage: &Storage<T>,
    actor: &Actor,
    instance_id: &str,
    mapping: MappingDictionary,
    report: ImportReport,
    replace_damaged: bool,
) -> Result<ImportOutcome, MappingStoreError> {
    actor.authorize(Operation::EditMapping)?;
    let replaced_entries = match storage
        .mappings::<MappingDictionary>()
        .get(instance_id)
        .await
    {
        Ok(existing) => existing.map(|existing| existing.len()),
        Err(StorageError::Corrupt { .. }) if replace_damaged => None,
        Err(error) => return Err(error.into()),
    };
    storage
        .mappings::<MappingDictionary>()
        .save(instance_id, &mapping)
        .await?;
    Ok(ImportOutcome {
        report,
        replaced_entries,
    })
}

/// The mapping a sync from `origin_id` to `destination_id` applies: a push (from this
/// instance) uses the destination's mapping; a pull (into this instance) the origin's,
/// inverted, with what could not be inverted. Part of running a sync, so it checks no role of
/// its own: the sync operation that calls it does.
pub async fn mapping_for_run<T: Transport>(
    storage: &Storage<T>,
    origin_id: &str,
    destination_id: &str,
) -> Result<(MappingDictionary, Option<InvertReport>), MappingStoreError> {
    let (direction, remote) = if origin_id == LOCAL_INSTANCE_ID {
        (Direction::Push, destination_id)
    } else {
        (Direction::Pull, origin_id)
    };
    let stored = storage
        .mappings::<MappingDictionary>()
        .get(remote)
        .await?
        .unwrap_or_default();
    Ok(mapping_for_direction(direction, stored))
}

/// The dataStore key of the mapping toward `instance_id`.
pub fn mapping_key(instance_id: &str) -> String {
    keys::mappings(instance_id)
}
