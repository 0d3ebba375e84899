use serde::Serialize;

use super::error::InstanceError;
use super::form::{validate_form, InstanceForm, SaveWarning};
use super::routing::CredentialStore;
use crate::access::{Actor, AppRole, Operation};
use crate::crypto::EncryptionKey;
use crate::dhis2::{Auth, Me, Transport};
use crate::model::{
    AuthKind, Instance, InstanceName, InstanceView, Sharing, Uid, LOCAL_INSTANCE_ID,
    LOCAL_INSTANCE_NAME,
};
use crate::storage::{InstanceSecret, Storage, StorageError};

/// The result of a create, edit or replicate: the instance as the UI may show it, and warnings
/// worth telling the user (e.g. plain http).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SavedInstance {
    pub view: InstanceView,
    pub warnings: Vec<SaveWarning>,
}

/// Instance operations for one logged-in user. Plain data: cheap to clone, and every method
/// takes the [`Storage`] to work on.
#[derive(Debug, Clone)]
pub struct InstanceManager {
    pub(super) actor: Actor,
    pub(super) me: Me,
    pub(super) key: EncryptionKey,
    pub(super) local_url: String,
    pub(super) local_auth: Auth,
}

impl InstanceManager {
    /// `local_url` is the root of the DHIS2 the app runs in; it is reached with the browser
    /// session unless [`InstanceManager::with_local_auth`] says otherwise (CLI).
    pub fn new(me: Me, key: EncryptionKey, local_url: &str) -> Self {
        InstanceManager {
            actor: Actor::new(me.clone()),
            me,
            key,
            local_url: local_url.trim_end_matches('/').to_string(),
            local_auth: Auth::Session,
        }
    }

    pub fn with_local_auth(mut self, auth: Auth) -> Self {
        self.local_auth = auth;
        self
    }

    pub fn role(&self) -> AppRole {
        self.actor.role()
    }

    /// The acting user, for the operations of `core` that take one.
    pub fn actor(&self) -> &Actor {
        &self.actor
    }

    pub fn me(&self) -> &Me {
        &self.me
    }

    /// Binds secrets saved before they were bound to their instance's URL and username
    /// (configurators, when they open the app). Returns how many were upgraded.
    pub async fn rebind_legacy_secrets<T: Transport>(
        &self,
        storage: &Storage<T>,
    ) -> Result<usize, InstanceError> {
        self.authorize(Operation::EditInstance)?;
        let secrets = storage.secrets(&self.key);
        let mut upgraded = 0;
        for instance in storage.instances().list().await? {
            if instance.sharing.can_write(&self.me) && secrets.rebind_legacy(&instance).await? {
                upgraded += 1;
            }
        }
        Ok(upgraded)
    }

    /// What every entry point does once before listing or running: configurators bring the
    /// stored layout forward and bind legacy secrets; others only check the layout is current.
    pub async fn prepare_storage<T: Transport>(
        &self,
        storage: &Storage<T>,
    ) -> Result<(), InstanceError> {
        if self.authorize(Operation::EditInstance).is_ok() {
            let report = storage.migrate().await?;
            // Secrets saved before layout 3 are bound to the storage key only.
            if report.from < 3 && report.to >= 3 {
                self.rebind_legacy_secrets(storage).await?;
            }
        } else {
            storage.require_current_schema().await?;
        }
        Ok(())
    }

    /// "This instance", as listed first.
    pub fn local_view(&self) -> InstanceView {
        InstanceView {
            id: LOCAL_INSTANCE_ID.into(),
            name: LOCAL_INSTANCE_NAME.into(),
            url: self.local_url.clone(),
            description: "The DHIS2 instance this app runs in".into(),
            auth_kind: AuthKind::Basic,
            username: Some(self.me.username.clone()),
            version: None,
            sharing: Sharing {
                public_access: Sharing::PUBLIC_READ.into(),
                ..Sharing::default()
            },
            has_secret: false,
            through_route: false,
            is_local: true,
        }
    }

    pub(super) fn authorize(&self, operation: Operation) -> Result<(), InstanceError> {
        Ok(self.actor.authorize(operation)?)
    }

    fn refuse_local(id: &str, operation: Operation) -> Result<(), InstanceError> {
        if id == LOCAL_INSTANCE_ID {
            Err(InstanceError::LocalInstance { operation })
        } else {
            Ok(())
        }
    }

    async fn visible<T: Transport>(
        &self,
        storage: &Storage<T>,
    ) -> Result<Vec<Instance>, InstanceError> {
        let all = storage.instances().list().await?;
        Ok(all
            .into_iter()
            .filter(|instance| instance.sharing.can_read(&self.me))
            .collect())
    }

    /// A stored instance the user may change.
    pub(super) async fn writable<T: Transport>(
        &self,
        storage: &Storage<T>,
        id: &str,
        operation: Operation,
    ) -> Result<(Vec<Instance>, Instance), InstanceError> {
        self.authorize(operation)?;
        Self::refuse_local(id, operation)?;
        let all = storage.instances().list().await?;
        let instance = all
            .iter()
            .find(|instance| instance.id.as_str() == id)
            .cloned()
            .ok_or_else(|| InstanceError::NotFound { id: id.into() })?;
        if !instance.sharing.can_write(&self.me) {
            return Err(InstanceError::NotShared {
                name: instance.name,
            });
        }
        Ok((all, instance))
    }

    /// Every instance the user may see, "This instance" first (configurators only).
    pub async fn list<T: Transport>(
        &self,
        storage: &Storage<T>,
    ) -> Result<Vec<InstanceView>, InstanceError> {
        self.authorize(Operation::ListInstances)?;
        // Both reads go out together: one round trip instead of two.
        let secrets = storage.secrets(&self.key);
        let (with_secret, visible) =
            futures::future::join(secrets.instance_ids_with_secret(), self.visible(storage)).await;
        let with_secret = with_secret?;
        let mut views = vec![self.local_view()];
        views.extend(visible?.iter().map(|instance| {
            instance.view(with_secret.iter().any(|id| id == instance.id.as_str()))
        }));
        Ok(views)
    }

    /// The names of the instances the user may use (every role with access to the app).
    pub async fn list_names<T: Transport>(
        &self,
        storage: &Storage<T>,
    ) -> Result<Vec<InstanceName>, InstanceError> {
        self.authorize(Operation::ListInstanceNames)?;
        let mut names = vec![InstanceName {
            id: LOCAL_INSTANCE_ID.into(),
            name: LOCAL_INSTANCE_NAME.into(),
            is_local: true,
        }];
        names.extend(self.visible(storage).await?.iter().map(Instance::name_only));
        Ok(names)
    }

    /// One instance (configurators only).
    pub async fn get<T: Transport>(
        &self,
        storage: &Storage<T>,
        id: &str,
    ) -> Result<InstanceView, InstanceError> {
        self.list(storage)
            .await?
            .into_iter()
            .find(|view| view.id == id)
            .ok_or_else(|| InstanceError::NotFound { id: id.into() })
    }

    /// The edit form of a stored instance, the secret left empty ("unchanged").
    pub async fn edit_form<T: Transport>(
        &self,
        storage: &Storage<T>,
        id: &str,
    ) -> Result<InstanceForm, InstanceError> {
        let (_, instance) = self.writable(storage, id, Operation::EditInstance).await?;
        Ok(InstanceForm::editing(&instance))
    }

    /// Saves a new instance; its credential goes into a DHIS2 route where the local server has
    /// routes (2.40+), else encrypted into the dataStore ([`CredentialStore::Automatic`]).
    pub async fn create<T: Transport>(
        &self,
        storage: &Storage<T>,
        form: &InstanceForm,
    ) -> Result<SavedInstance, InstanceError> {
        self.create_with(storage, form, CredentialStore::Automatic)
            .await
    }

    /// As [`InstanceManager::create`], with the credential kept where `store` says.
    pub async fn create_with<T: Transport>(
        &self,
        storage: &Storage<T>,
        form: &InstanceForm,
        store: CredentialStore,
    ) -> Result<SavedInstance, InstanceError> {
        self.authorize(Operation::CreateInstance)?;
        let all = storage.instances().list().await?;
        let valid = validate_form(form, &all, None).map_err(InstanceError::Invalid)?;
        let mut sharing = valid.sharing;
        sharing.owner.get_or_insert_with(|| self.me.id.clone());
        let mut instance = Instance {
            id: Uid::generate(),
            name: valid.name,
            url: valid.url,
            description: valid.description,
            auth_kind: valid.auth_kind,
            username: valid.username,
            version: None,
            sharing,
            route: None,
            timeouts: None,
        };
        let mut warnings = valid.warnings;
        let secret = valid.secret.ok_or(InstanceError::NoSecret {
            name: instance.name.clone(),
        })?;
        self.keep_credential(storage, &mut instance, &secret, store, &mut warnings)
            .await?;
        if let Err(error) = storage.instances().save(&instance).await {
            // Leave no orphaned credential behind; the save error is what the user must see.
            let _ = storage
                .secrets(&self.key)
                .delete(instance.id.as_str())
                .await;
            if let Some(route) = &instance.route {
                let _ = self.delete_route(storage, route).await;
            }
            return Err(error.into());
        }
        Ok(SavedInstance {
            view: instance.view(true),
            warnings,
        })
    }

    pub async fn update<T: Transport>(
        &self,
        storage: &Storage<T>,
        id: &str,
        form: &InstanceForm,
    ) -> Result<SavedInstance, InstanceError> {
        let (all, stored) = self.writable(storage, id, Operation::EditInstance).await?;
        let secrets = storage.secrets(&self.key);
        let has_secret = stored.route.is_some() || secrets.exists(id).await?;
        let valid = validate_form(form, &all, Some((&stored, has_secret)))
            .map_err(InstanceError::Invalid)?;
        let mut sharing = valid.sharing;
        if sharing.owner.is_none() {
            sharing.owner = stored.sharing.owner.clone();
        }
        let url_changed = valid.url != stored.url;
        let mut instance = Instance {
            id: stored.id.clone(),
            name: valid.name,
            url: valid.url,
            description: valid.description,
            auth_kind: valid.auth_kind,
            username: valid.username,
            version: if url_changed {
                None
            } else {
                stored.version.clone()
            },
            sharing,
            route: stored.route.clone(),
            timeouts: stored.timeouts,
        };
        let mut warnings = valid.warnings;
        let rebinding = instance.url != stored.url || instance.username != stored.username;
        // A new secret stays where the old one was (a route, or the dataStore).
        let store = if stored.route.is_some() {
            CredentialStore::Route
        } else {
            CredentialStore::DataStore
        };
        match &valid.secret {
            Some(secret) => {
                self.keep_credential(storage, &mut instance, secret, store, &mut warnings)
                    .await?
            }
            None if rebinding && stored.route.is_some() => {
                return Err(InstanceError::SecretNeededAgain {
                    name: instance.name,
                })
            }
            // A configurator moving the instance through this form keeps its secret: it is
            // decrypted under the old address and bound to the new one. Any other change of the
            // address (a direct dataStore write) leaves it undecryptable.
            None if rebinding => {
                if let Some(secret) = secrets.load(&stored).await? {
                    self.store_secret(storage, &instance, &secret).await?;
                }
            }
            None if instance.sharing != stored.sharing => {
                self.share_secret(storage, &instance).await?;
                self.share_route(storage, &instance).await?;
            }
            None => {}
        }
        storage.instances().save(&instance).await?;
        Ok(SavedInstance {
            view: instance.view(true),
            warnings,
        })
    }

    /// Saves a copy named "Copy of …", with the same credentials.
    pub async fn replicate<T: Transport>(
        &self,
        storage: &Storage<T>,
        id: &str,
    ) -> Result<SavedInstance, InstanceError> {
        self.authorize(Operation::CreateInstance)?;
        Self::refuse_local(id, Operation::CreateInstance)?;
        let all = storage.instances().list().await?;
        let original = all
            .iter()
            .find(|instance| instance.id.as_str() == id && instance.sharing.can_read(&self.me))
            .ok_or_else(|| InstanceError::NotFound { id: id.into() })?;
        let name = copy_name(&original.name, &all);
        let mut copy = original.clone();
        copy.id = Uid::generate();
        copy.name = name;
        copy.sharing.owner = Some(self.me.id.clone());
        let secrets = storage.secrets(&self.key);
        let warnings = Vec::new();
        let mut warnings = warnings;
        copy.route = None;
        if original.route.is_some() {
            warnings.push(SaveWarning::CopyNeedsSecret {
                name: original.name.clone(),
            });
        }
        let has_secret = match secrets.load(original).await? {
            Some(secret) => {
                self.store_secret(storage, &copy, &secret).await?;
                true
            }
            None => false,
        };
        storage.instances().save(&copy).await?;
        Ok(SavedInstance {
            view: copy.view(has_secret),
            warnings,
        })
    }

    /// Deletes the instance, its secret and its mapping.
    pub async fn delete<T: Transport>(
        &self,
        storage: &Storage<T>,
        id: &str,
    ) -> Result<(), InstanceError> {
        let (_, instance) = self
            .writable(storage, id, Operation::DeleteInstance)
            .await?;
        if let Some(route) = &instance.route {
            self.delete_route(storage, route).await?;
        }
        storage.instances().delete(id).await?;
        storage.secrets(&self.key).delete(id).await?;
        storage.remove(&crate::storage::keys::mappings(id)).await?;
        Ok(())
    }

    async fn store_secret<T: Transport>(
        &self,
        storage: &Storage<T>,
        instance: &Instance,
        secret: &InstanceSecret,
    ) -> Result<(), StorageError> {
        storage.secrets(&self.key).save(instance, secret).await
    }

    /// Restricts the secret key to the instance's sharing. A server that refuses fails the
    /// save: the secret is not left readable by every app user.
    async fn share_secret<T: Transport>(
        &self,
        storage: &Storage<T>,
        instance: &Instance,
    ) -> Result<(), StorageError> {
        storage.secrets(&self.key).share(instance).await
    }
}

/// "Copy of X", or "Copy of X (2)", … — the first name not taken.
fn copy_name(original: &str, all: &[Instance]) -> String {
    let taken = |name: &str| all.iter().any(|i| i.name.eq_ignore_ascii_case(name));
    let base = format!("Copy of {original}");
    if !taken(&base) {
        return base;
    }
    (2..)
        .map(|n| format!("{base} ({n})"))
        .find(|name| !taken(name))
        .unwrap_or(base)
}
