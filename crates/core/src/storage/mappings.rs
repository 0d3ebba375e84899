use std::marker::PhantomData;

use serde::de::DeserializeOwned;
use serde::Serialize;

use super::{keys, Storage, StorageError};
use crate::dhis2::Transport;

/// The mapping dictionary toward each instance, in `mappings-<instanceId>`.
pub struct MappingRepository<'s, T, D> {
    storage: &'s Storage<T>,
    types: PhantomData<fn() -> D>,
}

impl<'s, T, D> MappingRepository<'s, T, D> {
    pub(crate) fn new(storage: &'s Storage<T>) -> Self {
        MappingRepository {
            storage,
            types: PhantomData,
        }
    }
}

impl<'s, T: Transport, D: Serialize + DeserializeOwned> MappingRepository<'s, T, D> {
    /// The mapping toward `instance_id`; `None` when none was saved.
    pub async fn get(&self, instance_id: &str) -> Result<Option<D>, StorageError> {
        self.storage.read(&keys::mappings(instance_id)).await
    }

    pub async fn save(&self, instance_id: &str, mapping: &D) -> Result<(), StorageError> {
        self.storage
            .write(&keys::mappings(instance_id), mapping)
            .await
            .map(|_| ())
    }

    pub async fn delete(&self, instance_id: &str) -> Result<bool, StorageError> {
        self.storage.remove(&keys::mappings(instance_id)).await
    }
}
