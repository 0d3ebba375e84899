//! The app's own data, kept in the DHIS2 dataStore of the instance the app runs in.
//!
//! Namespace [`NAMESPACE`]; a list key holds light summaries, heavy or secret parts live in
//! their own key (see [`keys`]). A `schema` key records the layout version; [`Storage::migrate`]
//! brings older layouts forward. A damaged entry is reported with its key and never
//! overwritten.

mod collection;
mod error;
mod guarded;
mod instances;
pub mod keys;
mod mappings;
mod migrations;
mod protection;
mod schema;
mod secrets;
mod settings;
pub mod user_defaults;

pub use collection::{Collection, Identified};
pub use error::StorageError;
pub use instances::InstanceRepository;
pub use mappings::MappingRepository;
pub use migrations::{
    Migration, MigrationReport, MigrationStep, LATEST_SCHEMA_VERSION, MIGRATIONS,
};
pub use protection::{KeyProtection, ProtectionReport};
pub use schema::{MigrationProgress, SchemaRecord, SchemaStatus};
pub use secrets::{InstanceSecret, SecretRepository};
pub use settings::Settings;

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::crypto::EncryptionKey;
use crate::dhis2::{DataStore, Dhis2Client, Transport, Version, WriteOutcome};

/// The dataStore namespace of the app (declared in `manifest.webapp`).
pub const NAMESPACE: &str = "metadata-sync";

/// The app's storage on one DHIS2 instance.
pub struct Storage<T> {
    client: Dhis2Client<T>,
    server_version: Version,
    namespace: String,
    /// The acting user's id: the owner of the keys they create.
    acting_user: Option<String>,
    /// Users holding the configurator role, looked up once when a key is first protected.
    configurators: std::sync::OnceLock<Vec<String>>,
}

impl<T: Transport> Storage<T> {
    /// Storage through `client`, on a server of `server_version` (from `/api/system/info`).
    pub fn new(client: Dhis2Client<T>, server_version: Version) -> Self {
        Storage {
            client,
            server_version,
            namespace: NAMESPACE.to_string(),
            acting_user: None,
            configurators: std::sync::OnceLock::new(),
        }
    }

    /// Names the acting user (from `/api/me`): the owner given to the keys they create.
    pub fn acting_as(mut self, user_id: &str) -> Self {
        self.acting_user = Some(user_id.to_string());
        self
    }

    pub(crate) fn acting_user(&self) -> Option<&str> {
        self.acting_user.as_deref()
    }

    /// Asks the server for its version, then opens the storage.
    pub async fn connect(client: Dhis2Client<T>) -> Result<Self, StorageError> {
        let info = client.system_info().await?;
        Ok(Storage::new(client, info.version))
    }

    /// The same storage in another namespace (tests, or side-by-side deployments).
    pub fn with_namespace(mut self, namespace: &str) -> Self {
        self.namespace = namespace.to_string();
        self
    }

    pub fn client(&self) -> &Dhis2Client<T> {
        &self.client
    }

    pub fn server_version(&self) -> &Version {
        &self.server_version
    }

    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    pub fn datastore(&self) -> DataStore<'_, T> {
        DataStore::new(&self.client, &self.namespace, self.server_version.clone())
    }

    /// Reads and decodes a key; `None` when it does not exist.
    pub async fn read<D: DeserializeOwned>(&self, key: &str) -> Result<Option<D>, StorageError> {
        let Some(value) = self.datastore().get(key).await? else {
            return Ok(None);
        };
        serde_json::from_value(value)
            .map(Some)
            .map_err(|error| StorageError::corrupt(key, error))
    }

    /// Writes a key, creating it if needed. A key created here gets its protection
    /// ([`KeyProtection::of_key`]) at once; when DHIS2 refuses it, the key is removed again and
    /// the write fails.
    pub async fn write<S: Serialize>(
        &self,
        key: &str,
        value: &S,
    ) -> Result<WriteOutcome, StorageError> {
        self.write_with(key, value, &KeyProtection::of_key(key))
            .await
    }

    /// As [`Storage::write`], with the protection given.
    pub(crate) async fn write_with<S: Serialize>(
        &self,
        key: &str,
        value: &S,
        protection: &KeyProtection,
    ) -> Result<WriteOutcome, StorageError> {
        let value = to_json(key, value)?;
        let outcome = self.datastore().save(key, &value).await?;
        if outcome == WriteOutcome::Created {
            self.protect_new(key, protection).await?;
        }
        Ok(outcome)
    }

    /// Writes a key that should not exist yet (a fresh id): one request on every version, then
    /// its protection.
    pub async fn write_new<S: Serialize>(
        &self,
        key: &str,
        value: &S,
    ) -> Result<WriteOutcome, StorageError> {
        let value = to_json(key, value)?;
        let outcome = self.datastore().save_new(key, &value).await?;
        self.protect_new(key, &KeyProtection::of_key(key)).await?;
        Ok(outcome)
    }

    /// Writes a key only if it does not exist; `false` when it was already there.
    pub async fn create_if_missing<S: Serialize>(
        &self,
        key: &str,
        value: &S,
    ) -> Result<bool, StorageError> {
        let value = to_json(key, value)?;
        let created = self.datastore().create(key, &value).await?;
        if created {
            self.protect_new(key, &KeyProtection::of_key(key)).await?;
        }
        Ok(created)
    }

    /// Protects a key just created; removes it when DHIS2 refuses.
    pub(crate) async fn protect_new(
        &self,
        key: &str,
        protection: &KeyProtection,
    ) -> Result<(), StorageError> {
        if let Err(error) = self.protect(key, protection).await {
            let _ = self.remove(key).await;
            return Err(error);
        }
        Ok(())
    }

    /// Deletes a key; `false` when it did not exist.
    pub async fn remove(&self, key: &str) -> Result<bool, StorageError> {
        Ok(self.datastore().delete(key).await?)
    }

    /// Every key of the namespace.
    pub async fn keys(&self) -> Result<Vec<String>, StorageError> {
        Ok(self.datastore().keys().await?)
    }

    /// Remote instances (`instances`).
    pub fn instances(&self) -> InstanceRepository<'_, T> {
        InstanceRepository::new(self)
    }

    /// Encrypted instance credentials (`instance-secret-<id>`).
    pub fn secrets<'s>(&'s self, key: &'s EncryptionKey) -> SecretRepository<'s, T> {
        SecretRepository::new(self, key)
    }

    /// Mapping dictionaries toward each instance (`mappings-<instanceId>`), of type `D`.
    pub fn mappings<D>(&self) -> MappingRepository<'_, T, D> {
        MappingRepository::new(self)
    }

    /// Sync rules: summaries `S` in `rules`, full rules `D` in `rule-<id>`.
    pub fn rules<S, D>(&self) -> Collection<'_, T, S, D> {
        Collection::new(self, keys::RULES, keys::RULE_PREFIX)
    }

    /// App settings (`settings`); defaults when never saved.
    pub async fn settings(&self) -> Result<Settings, StorageError> {
        Ok(self.read(keys::SETTINGS).await?.unwrap_or_default())
    }

    pub async fn save_settings(&self, settings: &Settings) -> Result<(), StorageError> {
        self.write(keys::SETTINGS, settings).await.map(|_| ())
    }
}

fn to_json<S: Serialize>(key: &str, value: &S) -> Result<serde_json::Value, StorageError> {
    serde_json::to_value(value).map_err(|error| StorageError::Encode {
        key: key.to_string(),
        reason: error.to_string(),
    })
}
