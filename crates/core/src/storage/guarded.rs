//! Settings and mappings as the app and the CLI reach them: each call takes the acting user and
//! refuses, with the role that is missing, what that user may not do. (The repositories below
//! them are the storage layer; only `core` calls them unguarded.)

use serde::de::DeserializeOwned;
use serde::Serialize;

use super::{Settings, Storage, StorageError};
use crate::access::{Actor, Operation};
use crate::dhis2::Transport;

impl<T: Transport> Storage<T> {
    /// The settings, for any user of the app.
    pub async fn settings_for(&self, actor: &Actor) -> Result<Settings, StorageError> {
        actor.authorize(Operation::ReadSettings)?;
        self.settings().await
    }

    /// Changes the settings (administrators only).
    pub async fn change_settings(
        &self,
        actor: &Actor,
        settings: &Settings,
    ) -> Result<(), StorageError> {
        actor.authorize(Operation::EditSettings)?;
        self.save_settings(settings).await
    }

    /// The mapping toward an instance (configurators).
    pub async fn mapping_for<D: Serialize + DeserializeOwned>(
        &self,
        actor: &Actor,
        instance_id: &str,
    ) -> Result<Option<D>, StorageError> {
        actor.authorize(Operation::ReadMapping)?;
        self.mappings::<D>().get(instance_id).await
    }

    /// Saves the mapping toward an instance (configurators).
    pub async fn change_mapping<D: Serialize + DeserializeOwned>(
        &self,
        actor: &Actor,
        instance_id: &str,
        mapping: &D,
    ) -> Result<(), StorageError> {
        actor.authorize(Operation::EditMapping)?;
        self.mappings::<D>().save(instance_id, mapping).await
    }

    /// Deletes the mapping toward an instance (configurators); `false` when there was none.
    pub async fn remove_mapping(
        &self,
        actor: &Actor,
        instance_id: &str,
    ) -> Result<bool, StorageError> {
        actor.authorize(Operation::EditMapping)?;
        self.mappings::<serde_json::Value>()
            .delete(instance_id)
            .await
    }
}
