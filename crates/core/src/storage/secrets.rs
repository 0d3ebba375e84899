use serde::{Deserialize, Serialize};

use super::{keys, Storage, StorageError};
use crate::crypto::{EncryptedSecret, EncryptionKey};
use crate::dhis2::{Auth, Transport};
use crate::model::Sharing;

/// The secret part of an instance's credentials. Its `Debug` output never shows the secret.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum InstanceSecret {
    Password(String),
    Token(String),
}

impl std::fmt::Debug for InstanceSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            InstanceSecret::Password(_) => f.write_str("Password(***)"),
            InstanceSecret::Token(_) => f.write_str("Token(***)"),
        }
    }
}

impl InstanceSecret {
    pub fn is_empty(&self) -> bool {
        match self {
            InstanceSecret::Password(text) | InstanceSecret::Token(text) => text.is_empty(),
        }
    }

    /// The auth to send, given the instance's username (used for passwords only).
    pub fn to_auth(&self, username: Option<&str>) -> Auth {
        match self {
            InstanceSecret::Password(password) => Auth::Basic {
                username: username.unwrap_or_default().to_string(),
                password: password.clone(),
            },
            InstanceSecret::Token(token) => Auth::ApiToken {
                token: token.clone(),
            },
        }
    }
}

/// Instance credentials, each encrypted in its own key `instance-secret-<id>`, whose dataStore
/// sharing follows the instance's.
pub struct SecretRepository<'s, T> {
    storage: &'s Storage<T>,
    key: &'s EncryptionKey,
}

impl<'s, T: Transport> SecretRepository<'s, T> {
    pub(crate) fn new(storage: &'s Storage<T>, key: &'s EncryptionKey) -> Self {
        SecretRepository { storage, key }
    }

    /// Encrypts and stores the secret of an instance.
    pub async fn save(
        &self,
        instance_id: &str,
        secret: &InstanceSecret,
    ) -> Result<(), StorageError> {
        let key = keys::instance_secret(instance_id);
        let plaintext = serde_json::to_vec(secret).map_err(|error| StorageError::Encode {
            key: key.clone(),
            reason: error.to_string(),
        })?;
        let encrypted =
            self.key
                .encrypt(&plaintext, &key)
                .map_err(|source| StorageError::Secret {
                    key: key.clone(),
                    source,
                })?;
        self.storage.write(&key, &encrypted).await.map(|_| ())
    }

    /// Decrypts the secret of an instance; `None` when none is stored.
    pub async fn load(&self, instance_id: &str) -> Result<Option<InstanceSecret>, StorageError> {
        let key = keys::instance_secret(instance_id);
        let Some(encrypted) = self.storage.read::<EncryptedSecret>(&key).await? else {
            return Ok(None);
        };
        let plaintext =
            self.key
                .decrypt(&encrypted, &key)
                .map_err(|source| StorageError::Secret {
                    key: key.clone(),
                    source,
                })?;
        serde_json::from_slice(&plaintext)
            .map(Some)
            .map_err(|error| StorageError::corrupt(&key, error))
    }

    /// Whether a secret is stored, without decrypting it.
    pub async fn exists(&self, instance_id: &str) -> Result<bool, StorageError> {
        let key = keys::instance_secret(instance_id);
        Ok(self.storage.keys().await?.contains(&key))
    }

    /// The ids of the instances that have a stored secret (one request for all).
    pub async fn instance_ids_with_secret(&self) -> Result<Vec<String>, StorageError> {
        Ok(self
            .storage
            .keys()
            .await?
            .into_iter()
            .filter_map(|key| key.strip_prefix(keys::SECRET_PREFIX).map(str::to_string))
            .collect())
    }

    pub async fn delete(&self, instance_id: &str) -> Result<bool, StorageError> {
        self.storage
            .remove(&keys::instance_secret(instance_id))
            .await
    }

    /// Gives the secret key the instance's sharing, so that only the users allowed to use the
    /// instance can read its (encrypted) credentials. Does nothing when no secret is stored.
    pub async fn share(&self, instance_id: &str, sharing: &Sharing) -> Result<(), StorageError> {
        let key = keys::instance_secret(instance_id);
        let Some(metadata) = self.storage.datastore().metadata(&key).await? else {
            return Ok(());
        };
        self.storage
            .client()
            .set_sharing("dataStore", &metadata.id, sharing)
            .await?;
        Ok(())
    }
}
