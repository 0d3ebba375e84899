use super::{keys, Storage, StorageError};
use crate::dhis2::Transport;
use crate::model::Instance;

/// The remote instances, all in the `instances` key (no secrets there).
pub struct InstanceRepository<'s, T> {
    storage: &'s Storage<T>,
}

impl<'s, T: Transport> InstanceRepository<'s, T> {
    pub(crate) fn new(storage: &'s Storage<T>) -> Self {
        InstanceRepository { storage }
    }

    /// Every stored instance, in stored order (none when the key was never written).
    pub async fn list(&self) -> Result<Vec<Instance>, StorageError> {
        Ok(self
            .storage
            .read(keys::INSTANCES)
            .await?
            .unwrap_or_default())
    }

    pub async fn get(&self, id: &str) -> Result<Option<Instance>, StorageError> {
        Ok(self
            .list()
            .await?
            .into_iter()
            .find(|instance| instance.id.as_str() == id))
    }

    /// Adds the instance, or replaces the one with the same id.
    pub async fn save(&self, instance: &Instance) -> Result<(), StorageError> {
        let mut list = self.list().await?;
        match list.iter().position(|stored| stored.id == instance.id) {
            Some(index) => list[index] = instance.clone(),
            None => list.push(instance.clone()),
        }
        self.replace_all(&list).await
    }

    /// Removes the instance; `false` when it was not there.
    pub async fn delete(&self, id: &str) -> Result<bool, StorageError> {
        let mut list = self.list().await?;
        let before = list.len();
        list.retain(|instance| instance.id.as_str() != id);
        if list.len() == before {
            return Ok(false);
        }
        self.replace_all(&list).await?;
        Ok(true)
    }

    pub async fn replace_all(&self, instances: &[Instance]) -> Result<(), StorageError> {
        self.storage
            .write(keys::INSTANCES, &instances)
            .await
            .map(|_| ())
    }
}
