//! Where an instance's credential lives, and how requests reach the instance.
//!
//! On a local DHIS2 with routes (2.40+) the credential goes into a DHIS2 route by default
//! (`/api/routes`, encrypted by DHIS2, never returned in clear): every call to the remote runs
//! through `<local>/api/routes/<id>/run/…` with the user's own local session, so no browser ever
//! holds the credential — a run-only user runs through the route — and the remote needs no CORS
//! entry. Older servers keep the credential encrypted in the dataStore
//! ([`crate::storage::SecretRepository`]). A configurator can move an instance from one to the
//! other.

use super::error::InstanceError;
use super::form::SaveWarning;
use super::manager::InstanceManager;
use crate::access::Operation;
use crate::dhis2::routes::{RouteAuth, RouteError, RouteSpec, RouteSupport, RoutedTransport};
use crate::dhis2::{HttpRequest, HttpResponse, Transport, TransportError};
use crate::model::Instance;
use crate::storage::{InstanceSecret, Storage};

/// Where a configurator wants an instance's credential kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum CredentialStore {
    /// A DHIS2 route where the local server has routes (2.40+), else the dataStore.
    #[default]
    Automatic,
    /// A DHIS2 route; saving fails when the server refuses it.
    Route,
    /// MetaData Sync's encrypted dataStore secret (the CLI can use either).
    DataStore,
}

/// A request path to an instance: straight to it, or through a route of the local DHIS2.
#[derive(Debug, Clone)]
pub enum InstanceTransport<T> {
    Direct(T),
    Routed(RoutedTransport<T>),
}

impl<T: Transport> Transport for InstanceTransport<T> {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        match self {
            InstanceTransport::Direct(transport) => transport.send(request).await,
            InstanceTransport::Routed(transport) => transport.send(request).await,
        }
    }
}

/// The route a target is reached through.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetRoute {
    pub route_id: String,
    pub local_url: String,
    pub local_support: RouteSupport,
}

fn secret_text(secret: &InstanceSecret) -> &str {
    match secret {
        InstanceSecret::Password(text) | InstanceSecret::Token(text) => text,
    }
}

impl InstanceManager {
    /// Keeps `secret` where `store` says: a route (returns `Ok(true)` and sets
    /// `instance.route`), or the encrypted dataStore (`Ok(false)`). With
    /// [`CredentialStore::Automatic`], a route the server refuses falls back to the dataStore
    /// and the reason is added to `warnings`.
    pub(super) async fn keep_credential<T: Transport>(
        &self,
        storage: &Storage<T>,
        instance: &mut Instance,
        secret: &InstanceSecret,
        store: CredentialStore,
        warnings: &mut Vec<SaveWarning>,
    ) -> Result<(), InstanceError> {
        let wants_route = match store {
            CredentialStore::DataStore => false,
            CredentialStore::Route => true,
            CredentialStore::Automatic => {
                RouteSupport::for_version(storage.server_version()).available()
            }
        };
        if wants_route {
            match self.save_route(storage, instance, secret).await {
                Ok(()) => {
                    instance.route = Some(instance.id.as_str().to_string());
                    // A secret kept before in the dataStore is not needed any more.
                    storage
                        .secrets(&self.key)
                        .delete(instance.id.as_str())
                        .await?;
                    return Ok(());
                }
                Err(error) if store == CredentialStore::Route => return Err(error.into()),
                Err(reason) => warnings.push(SaveWarning::RouteRefused {
                    name: instance.name.clone(),
                    reason,
                }),
            }
        }
        if let Some(route_id) = instance.route.take() {
            self.delete_route(storage, &route_id).await?;
        }
        storage.secrets(&self.key).save(instance, secret).await?;
        Ok(())
    }

    async fn save_route<T: Transport>(
        &self,
        storage: &Storage<T>,
        instance: &Instance,
        secret: &InstanceSecret,
    ) -> Result<(), RouteError> {
        let routes = storage.client().routes(storage.server_version())?;
        let auth = RouteAuth::for_kind(
            instance.auth_kind,
            instance.username.as_deref(),
            secret_text(secret),
        );
        routes.save(&RouteSpec::for_instance(instance, auth)?).await
    }

    /// Gives the route the instance's (new) sharing, so only its users may run it.
    pub(super) async fn share_route<T: Transport>(
        &self,
        storage: &Storage<T>,
        instance: &Instance,
    ) -> Result<(), InstanceError> {
        let Some(route_id) = &instance.route else {
            return Ok(());
        };
        let routes = storage
            .client()
            .routes(storage.server_version())
            .map_err(InstanceError::from)?;
        routes
            .set_sharing(route_id, &instance.sharing)
            .await
            .map_err(InstanceError::from)
    }

    pub(super) async fn delete_route<T: Transport>(
        &self,
        storage: &Storage<T>,
        route_id: &str,
    ) -> Result<(), InstanceError> {
        let routes = storage
            .client()
            .routes(storage.server_version())
            .map_err(InstanceError::from)?;
        routes.delete(route_id).await.map_err(InstanceError::from)
    }

    /// Moves a stored instance's credential into a DHIS2 route (its dataStore secret is then
    /// deleted). Needs the stored secret, so only instances kept in the dataStore move this way.
    pub async fn move_to_route<T: Transport>(
        &self,
        storage: &Storage<T>,
        id: &str,
    ) -> Result<(), InstanceError> {
        let (_, mut instance) = self.writable(storage, id, Operation::EditInstance).await?;
        if instance.route.is_some() {
            return Ok(());
        }
        let secret = storage
            .secrets(&self.key)
            .load(&instance)
            .await?
            .ok_or_else(|| InstanceError::NoSecret {
                name: instance.name.clone(),
            })?;
        let mut warnings = Vec::new();
        self.keep_credential(
            storage,
            &mut instance,
            &secret,
            CredentialStore::Route,
            &mut warnings,
        )
        .await?;
        storage.instances().save(&instance).await?;
        Ok(())
    }

    /// Moves a routed instance back to the encrypted dataStore. DHIS2 never returns a route's
    /// credential, so the password or token must be given again; the route is deleted.
    pub async fn move_to_datastore<T: Transport>(
        &self,
        storage: &Storage<T>,
        id: &str,
        secret: &InstanceSecret,
    ) -> Result<(), InstanceError> {
        let (_, mut instance) = self.writable(storage, id, Operation::EditInstance).await?;
        let mut warnings = Vec::new();
        self.keep_credential(
            storage,
            &mut instance,
            secret,
            CredentialStore::DataStore,
            &mut warnings,
        )
        .await?;
        storage.instances().save(&instance).await?;
        Ok(())
    }
}
