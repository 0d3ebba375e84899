use serde::{Deserialize, Serialize};

use super::{keys, KeyProtection, Storage, StorageError};
use crate::crypto::{CryptoError, EncryptedSecret, EncryptionKey};
use crate::dhis2::{Auth, Transport};
use crate::model::Instance;

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

/// The associated data a secret is encrypted under: the storage key (so a secret copied under
/// another instance's key does not decrypt), the instance's normalised URL and its username (so
/// a secret whose instance was pointed elsewhere does not decrypt, and is never sent there).
fn binding_context(instance: &Instance) -> String {
    format!(
        "{}\n{}\n{}",
        keys::instance_secret(instance.id.as_str()),
        instance.url,
        instance.username.as_deref().unwrap_or_default()
    )
}

/// The name of the binding written beside every secret saved by this version.
const BINDING: &str = "instance-id-url-username";

/// An encrypted secret as stored. Entries written before secrets were bound to the URL have no
/// `binding`: they were encrypted under the storage key alone ([`SecretRepository::rebind_legacy`]
/// upgrades them).
#[derive(Serialize, Deserialize)]
struct StoredSecret {
    #[serde(flatten)]
    encrypted: EncryptedSecret,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    binding: Option<String>,
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

    /// Encrypts and stores the secret of an instance, bound to its id, URL and username.
    pub async fn save(
        &self,
        instance: &Instance,
        secret: &InstanceSecret,
    ) -> Result<(), StorageError> {
        let key = keys::instance_secret(instance.id.as_str());
        let plaintext = serde_json::to_vec(secret).map_err(|error| StorageError::Encode {
            key: key.clone(),
            reason: error.to_string(),
        })?;
        let encrypted = self
            .key
            .encrypt(&plaintext, &binding_context(instance))
            .map_err(|source| StorageError::Secret {
                key: key.clone(),
                source,
            })?;
        let stored = StoredSecret {
            encrypted,
            binding: Some(BINDING.to_string()),
        };
        let protection = KeyProtection::Secret {
            instance_sharing: instance.sharing.clone(),
        };
        self.storage
            .write_with(&key, &stored, &protection)
            .await
            .map(|_| ())
    }

    /// Decrypts the secret of an instance; `None` when none is stored. A secret saved for
    /// another URL or username (the instance entry was changed outside the app's own path)
    /// does not decrypt: [`StorageError::SecretBoundElsewhere`].
    pub async fn load(&self, instance: &Instance) -> Result<Option<InstanceSecret>, StorageError> {
        let key = keys::instance_secret(instance.id.as_str());
        let Some(stored) = self.storage.read::<StoredSecret>(&key).await? else {
            return Ok(None);
        };
        let plaintext = match stored.binding.as_deref() {
            Some(BINDING) => self
                .key
                .decrypt(&stored.encrypted, &binding_context(instance))
                .map_err(|source| match source {
                    CryptoError::Tampered => StorageError::SecretBoundElsewhere {
                        key: key.clone(),
                        instance: instance.name.clone(),
                    },
                    source => StorageError::Secret {
                        key: key.clone(),
                        source,
                    },
                })?,
            Some(other) => {
                return Err(StorageError::Secret {
                    key: key.clone(),
                    source: CryptoError::UnsupportedFormat {
                        found: format!("binding {other}"),
                    },
                })
            }
            None => self
                .key
                .decrypt(&stored.encrypted, &key)
                .map_err(|source| StorageError::Secret {
                    key: key.clone(),
                    source,
                })?,
        };
        serde_json::from_slice(&plaintext)
            .map(Some)
            .map_err(|error| StorageError::corrupt(&key, error))
    }

    /// Re-encrypts a secret saved before secrets were bound to the instance's URL and username,
    /// binding it to `instance` as it is now. `true` when one was upgraded.
    pub async fn rebind_legacy(&self, instance: &Instance) -> Result<bool, StorageError> {
        let key = keys::instance_secret(instance.id.as_str());
        let Some(stored) = self.storage.read::<StoredSecret>(&key).await? else {
            return Ok(false);
        };
        if stored.binding.is_some() {
            return Ok(false);
        }
        match self.load(instance).await? {
            Some(secret) => self.save(instance, &secret).await.map(|()| true),
            None => Ok(false),
        }
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
    /// instance can read its (encrypted) credentials. Does nothing when no secret is stored;
    /// fails when DHIS2 refuses the sharing.
    pub async fn share(&self, instance: &Instance) -> Result<(), StorageError> {
        let key = keys::instance_secret(instance.id.as_str());
        if !self.storage.keys().await?.contains(&key) {
            return Ok(());
        }
        self.storage
            .protect(
                &key,
                &KeyProtection::Secret {
                    instance_sharing: instance.sharing.clone(),
                },
            )
            .await
    }
}
