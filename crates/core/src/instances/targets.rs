//! Reaching saved instances: their URL and credentials for the engine, connection tests, and
//! the version they report.

use super::connection::{test_connection, ConnectionDiagnosis, ConnectionRequest};
use super::error::InstanceError;
use super::form::InstanceForm;
use super::manager::{InstanceManager, SavedInstance};
use super::routing::{InstanceTransport, TargetRoute};
use super::url::normalise_url;
use crate::access::Operation;
use crate::dhis2::retry::RequestTimeouts;
use crate::dhis2::routes::{RouteSupport, RoutedTransport};
use crate::dhis2::{Auth, Dhis2Client, Transport, Version};
use crate::model::{AuthKind, LOCAL_INSTANCE_ID, LOCAL_INSTANCE_NAME};
use crate::storage::{InstanceSecret, Storage};

/// Where and how to reach an instance: for the sync engine and the connection test. It holds
/// the secret, so it is never shown or stored; its `Debug` hides it.
#[derive(Debug, Clone, PartialEq)]
pub struct ConnectionTarget {
    pub id: String,
    pub name: String,
    pub url: String,
    /// The credential (or, through a route, the user's own local auth).
    pub auth: Auth,
    pub version: Option<Version>,
    /// The local DHIS2 route requests go through, when the credential lives in one.
    pub route: Option<TargetRoute>,
    /// The instance's request time limits (its own, or the defaults).
    pub timeouts: RequestTimeouts,
}

impl ConnectionTarget {
    /// The request path to this instance over `transport`: straight, or through its route.
    pub fn transport<T: Transport>(&self, transport: T) -> InstanceTransport<T> {
        match &self.route {
            None => InstanceTransport::Direct(transport),
            Some(route) => InstanceTransport::Routed(RoutedTransport::new(
                transport,
                &route.local_url,
                &route.route_id,
                &self.url,
                &route.local_support,
            )),
        }
    }

    /// A client for this instance over `transport`.
    pub fn client<T: Transport>(&self, transport: T) -> Dhis2Client<InstanceTransport<T>> {
        Dhis2Client::new(self.transport(transport), &self.url, self.auth.clone())
    }
}

impl InstanceManager {
    /// Remembers the version a connection test or a sync saw.
    pub async fn record_version<T: Transport>(
        &self,
        storage: &Storage<T>,
        id: &str,
        version: &Version,
    ) -> Result<(), InstanceError> {
        if id == LOCAL_INSTANCE_ID {
            return Ok(());
        }
        let Some(mut instance) = storage.instances().get(id).await? else {
            return Err(InstanceError::NotFound { id: id.into() });
        };
        if instance.version.as_ref() != Some(version) {
            instance.version = Some(version.clone());
            storage.instances().save(&instance).await?;
        }
        Ok(())
    }

    /// After a save: keeps the version that a connection test of the same URL, run in the form
    /// just before, saw, so the lists show it without a second test. Returns the version kept;
    /// `None` when the test failed, was of another URL, or the version is already stored.
    pub async fn keep_tested_version<T: Transport>(
        &self,
        storage: &Storage<T>,
        saved: &SavedInstance,
        tested_url: &str,
        diagnosis: &ConnectionDiagnosis,
    ) -> Result<Option<Version>, InstanceError> {
        let ConnectionDiagnosis::Connected { version, .. } = diagnosis else {
            return Ok(None);
        };
        let same_url = normalise_url(tested_url).is_ok_and(|tested| tested.url == saved.view.url);
        if !same_url || saved.view.version.as_ref() == Some(version) {
            return Ok(None);
        }
        self.record_version(storage, &saved.view.id, version)
            .await?;
        Ok(Some(version.clone()))
    }

    /// URL and credentials of an instance, for a configurator who browses or tests it. Runs go
    /// through `core`'s run operation, which opens the instances itself: a run-only user never
    /// receives credentials.
    pub async fn connection_target<T: Transport>(
        &self,
        storage: &Storage<T>,
        id: &str,
    ) -> Result<ConnectionTarget, InstanceError> {
        self.target_for(storage, id, Operation::UseInstanceCredentials)
            .await
    }

    /// URL and credentials of an instance, for `operation`: the user's role must allow it and
    /// the instance must be shared with them.
    pub(crate) async fn target_for<T: Transport>(
        &self,
        storage: &Storage<T>,
        id: &str,
        operation: Operation,
    ) -> Result<ConnectionTarget, InstanceError> {
        self.authorize(operation)?;
        if id == LOCAL_INSTANCE_ID {
            return Ok(ConnectionTarget {
                id: id.into(),
                name: LOCAL_INSTANCE_NAME.into(),
                url: self.local_url.clone(),
                auth: self.local_auth.clone(),
                version: Some(storage.server_version().clone()),
                route: None,
                timeouts: RequestTimeouts::default(),
            });
        }
        let instance = storage
            .instances()
            .get(id)
            .await?
            .ok_or_else(|| InstanceError::NotFound { id: id.into() })?;
        if !instance.sharing.can_read(&self.me) {
            return Err(InstanceError::NotShared {
                name: instance.name,
            });
        }
        if let Some(route_id) = &instance.route {
            // The route holds the credential: the request carries the user's own local auth,
            // which DHIS2 swaps for the route's.
            return Ok(ConnectionTarget {
                id: id.into(),
                url: instance.url.clone(),
                auth: self.local_auth.clone(),
                version: instance.version.clone(),
                route: Some(TargetRoute {
                    route_id: route_id.clone(),
                    local_url: self.local_url.clone(),
                    local_support: RouteSupport::for_version(storage.server_version()),
                }),
                timeouts: instance.timeouts.unwrap_or_default(),
                name: instance.name,
            });
        }
        let secret = storage
            .secrets(&self.key)
            .load(&instance)
            .await?
            .ok_or_else(|| InstanceError::NoSecret {
                name: instance.name.clone(),
            })?;
        Ok(ConnectionTarget {
            id: id.into(),
            url: instance.url.clone(),
            auth: secret.to_auth(instance.username.as_deref()),
            version: instance.version.clone(),
            route: None,
            timeouts: instance.timeouts.unwrap_or_default(),
            name: instance.name,
        })
    }

    /// Tests a saved instance and, for configurators, remembers the version it reports.
    pub async fn test_saved<T: Transport>(
        &self,
        storage: &Storage<T>,
        id: &str,
        app_origin: Option<&str>,
    ) -> Result<ConnectionDiagnosis, InstanceError> {
        let target = self
            .target_for(storage, id, Operation::TestInstance)
            .await?;
        let transport = target.transport(storage.client().transport());
        let request = ConnectionRequest {
            url: target.url,
            auth: target.auth,
            // Through a route the browser never talks to the remote: no CORS to diagnose.
            app_origin: app_origin
                .filter(|_| target.route.is_none())
                .map(str::to_string),
            known_version: target.version,
        };
        let diagnosis = test_connection(transport, &request).await;
        if let ConnectionDiagnosis::Connected { version, .. } = &diagnosis {
            if self.actor.authorize(Operation::EditInstance).is_ok() {
                self.record_version(storage, id, version).await?;
            }
        }
        Ok(diagnosis)
    }

    /// Tests what the form holds before saving. Editing with an empty secret field uses the
    /// stored secret of `editing_id`.
    pub async fn test_form<T: Transport>(
        &self,
        storage: &Storage<T>,
        form: &InstanceForm,
        editing_id: Option<&str>,
        app_origin: Option<&str>,
    ) -> Result<ConnectionDiagnosis, InstanceError> {
        self.authorize(Operation::TestInstance)?;
        let stored = match editing_id {
            Some(id) => Some(self.writable(storage, id, Operation::EditInstance).await?.1),
            None => None,
        };
        let secret = if form.secret.trim().is_empty() {
            match (&stored, editing_id) {
                (Some(instance), Some(_)) if instance.auth_kind == form.auth_kind => {
                    storage.secrets(&self.key).load(instance).await?
                }
                _ => None,
            }
        } else {
            Some(match form.auth_kind {
                AuthKind::Basic => InstanceSecret::Password(form.secret.clone()),
                AuthKind::Token => InstanceSecret::Token(form.secret.trim().to_string()),
            })
        };
        let Some(secret) = secret else {
            return Err(InstanceError::NoSecret {
                name: form.name.trim().to_string(),
            });
        };
        let request = ConnectionRequest {
            url: form.url.clone(),
            auth: secret.to_auth(Some(form.username.trim())),
            app_origin: app_origin.map(str::to_string),
            known_version: stored.and_then(|instance| instance.version),
        };
        Ok(test_connection(storage.client().transport(), &request).await)
    }
}
