use std::marker::PhantomData;

use serde::de::DeserializeOwned;
use serde::Serialize;

use super::{Storage, StorageError};
use crate::dhis2::Transport;

/// Something kept in a list key, found by its id.
pub trait Identified {
    fn id(&self) -> &str;
}

/// A list key of summaries `S` (e.g. `rules`) plus one key per item holding its details `D`
/// (e.g. `rule-<id>`).
pub struct Collection<'s, T, S, D> {
    storage: &'s Storage<T>,
    list_key: &'static str,
    item_prefix: &'static str,
    types: PhantomData<fn() -> (S, D)>,
}

impl<'s, T, S, D> Collection<'s, T, S, D> {
    pub(crate) fn new(
        storage: &'s Storage<T>,
        list_key: &'static str,
        item_prefix: &'static str,
    ) -> Self {
        Collection {
            storage,
            list_key,
            item_prefix,
            types: PhantomData,
        }
    }
}

impl<'s, T, S, D> Collection<'s, T, S, D>
where
    T: Transport,
    S: Identified + Serialize + DeserializeOwned,
    D: Serialize + DeserializeOwned,
{
    pub fn item_key(&self, id: &str) -> String {
        format!("{}{id}", self.item_prefix)
    }

    /// Every summary, in stored order (none when the list was never written).
    pub async fn list(&self) -> Result<Vec<S>, StorageError> {
        Ok(self.storage.read(self.list_key).await?.unwrap_or_default())
    }

    pub async fn summary(&self, id: &str) -> Result<Option<S>, StorageError> {
        Ok(self.list().await?.into_iter().find(|item| item.id() == id))
    }

    /// The details of one item; `None` when it has none.
    pub async fn details(&self, id: &str) -> Result<Option<D>, StorageError> {
        self.storage.read(&self.item_key(id)).await
    }

    /// Saves the details, then adds or replaces the summary in the list. The details go first so
    /// that a listed item always has them.
    pub async fn save(&self, summary: &S, details: &D) -> Result<(), StorageError> {
        self.storage
            .write(&self.item_key(summary.id()), details)
            .await?;
        self.save_summary(summary).await
    }

    /// Adds or replaces a summary alone (e.g. a rule's "last executed").
    pub async fn save_summary(&self, summary: &S) -> Result<(), StorageError> {
        let mut list = self.list_values().await?;
        let value = serde_json::to_value(summary).map_err(|error| StorageError::Encode {
            key: self.list_key.to_string(),
            reason: error.to_string(),
        })?;
        match list
            .iter()
            .position(|item| item.get("id").and_then(|id| id.as_str()) == Some(summary.id()))
        {
            Some(index) => list[index] = value,
            None => list.push(value),
        }
        self.storage.write(self.list_key, &list).await.map(|_| ())
    }

    /// Removes the summary, then the details; `false` when neither existed.
    pub async fn delete(&self, id: &str) -> Result<bool, StorageError> {
        let mut list = self.list_values().await?;
        let before = list.len();
        list.retain(|item| item.get("id").and_then(|value| value.as_str()) != Some(id));
        let listed = list.len() != before;
        if listed {
            self.storage.write(self.list_key, &list).await?;
        }
        let had_details = self.storage.remove(&self.item_key(id)).await?;
        Ok(listed || had_details)
    }

    /// The list as raw JSON, checked to be a list of summaries, so that a rewrite keeps fields
    /// a newer app version added.
    async fn list_values(&self) -> Result<Vec<serde_json::Value>, StorageError> {
        let Some(value) = self
            .storage
            .read::<serde_json::Value>(self.list_key)
            .await?
        else {
            return Ok(Vec::new());
        };
        serde_json::from_value::<Vec<S>>(value.clone())
            .map_err(|error| StorageError::corrupt(self.list_key, error))?;
        match value {
            serde_json::Value::Array(items) => Ok(items),
            _ => Err(StorageError::corrupt(self.list_key, "it is not a list")),
        }
    }
}
