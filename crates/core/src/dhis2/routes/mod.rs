//! DHIS2 routes (`/api/routes`, 2.40+): the remote's credential lives in a route on the local
//! server, and every call to the remote goes through `<local>/api/routes/<id>/run/…`. No
//! browser ever holds the credential, a run-only user runs through a route shared with them,
//! and the remote needs no CORS entry.
//!
//! ```ignore
//! let info = local.system_info().await?;
//! let routes = local.routes(&info.version)?;              // RouteError::NotSupported < 2.40
//! let spec = RouteSpec::for_instance(&instance, RouteAuth::for_kind(kind, user, &secret))?;
//! routes.save(&spec).await?;                               // create or update
//! let remote = routes.remote_client(&spec.id, &spec.remote_url);
//! let remote_info = remote.system_info().await?;           // through the route
//! ```

mod error;
mod spec;
mod support;
mod transport;

pub use error::{diagnose_run, RouteError, ALLOW_LIST_SETTING};
pub use spec::{
    normalize_remote_url, RouteAuth, RouteAuthInfo, RouteAuthType, RouteSpec, RouteSummary,
};
pub use support::{QueryEncoding, RouteSupport};
pub use transport::RoutedTransport;

use super::{Dhis2Client, Method, SystemInfo, Transport, Version};
use crate::model::Sharing;
use error::{decode_write_refusal, RouteAction};

/// The route API of the local DHIS2, for one client (the user's own session or account).
pub struct LocalRoutes<'a, T> {
    client: &'a Dhis2Client<T>,
    support: RouteSupport,
}

impl<T: Transport> Dhis2Client<T> {
    /// The routes of this (local) server, whose version is `version`;
    /// [`RouteError::NotSupported`] before 2.40.
    pub fn routes(&self, version: &Version) -> Result<LocalRoutes<'_, T>, RouteError> {
        let support = RouteSupport::for_version(version);
        support.require()?;
        Ok(LocalRoutes {
            client: self,
            support,
        })
    }
}

fn route_path(id: &str) -> String {
    let id = percent_encoding::utf8_percent_encode(id, percent_encoding::NON_ALPHANUMERIC);
    format!("api/routes/{id}")
}

impl<'a, T: Transport> LocalRoutes<'a, T> {
    pub fn support(&self) -> &RouteSupport {
        &self.support
    }

    /// Every route this user may see (never a secret).
    pub async fn list(&self) -> Result<Vec<RouteSummary>, RouteError> {
        #[derive(serde::Deserialize)]
        struct Page {
            #[serde(default)]
            routes: Vec<RouteSummary>,
        }
        let path = format!("api/routes?paging=false&fields={}", RouteSummary::FIELDS);
        let page: Page = self.client.get_json(&path).await?;
        Ok(page.routes)
    }

    /// One route; `None` when it does not exist.
    pub async fn get(&self, id: &str) -> Result<Option<RouteSummary>, RouteError> {
        let path = format!("{}?fields={}", route_path(id), RouteSummary::FIELDS);
        match self.client.get_json(&path).await {
            Ok(route) => Ok(Some(route)),
            Err(super::Dhis2Error::NotFound { .. }) => Ok(None),
            Err(super::Dhis2Error::Forbidden { .. }) => {
                Err(RouteError::NotShared { id: id.into() })
            }
            Err(error) => Err(error.into()),
        }
    }

    /// Creates the route; returns its UID.
    pub async fn create(&self, spec: &RouteSpec) -> Result<String, RouteError> {
        let request = self
            .client
            .request(Method::Post, "api/routes")
            .with_json(&spec.to_dhis2(&self.support));
        self.write(RouteAction::Create, spec, request).await?;
        Ok(spec.id.clone())
    }

    /// Replaces the route `spec.id`. The credential must be given again: DHIS2 never returns
    /// it, and a changed URL must not inherit it.
    pub async fn update(&self, spec: &RouteSpec) -> Result<(), RouteError> {
        let request = self
            .client
            .request(Method::Put, &route_path(&spec.id))
            .with_json(&spec.to_dhis2(&self.support));
        self.write(RouteAction::Change, spec, request).await
    }

    /// Creates the route, or replaces it when it exists.
    pub async fn save(&self, spec: &RouteSpec) -> Result<(), RouteError> {
        match self.get(&spec.id).await? {
            Some(_) => self.update(spec).await,
            None => self.create(spec).await.map(|_| ()),
        }
    }

    /// Deletes the route; one already gone is not an error.
    pub async fn delete(&self, id: &str) -> Result<(), RouteError> {
        let request = self.client.request(Method::Delete, &route_path(id));
        let url = request.url.clone();
        let response = self.client.execute(request).await?;
        if response.is_success() || response.status == 404 {
            return Ok(());
        }
        let base = self.client.base_url();
        Err(decode_write_refusal(
            RouteAction::Delete,
            id,
            "",
            base,
            &url,
            &response,
        ))
    }

    /// Replaces who may use the route (`/api/sharing?type=route`).
    pub async fn set_sharing(&self, id: &str, sharing: &Sharing) -> Result<(), RouteError> {
        self.client
            .set_sharing("route", id, sharing)
            .await
            .map_err(|error| match error {
                super::Dhis2Error::Forbidden { message, .. } => RouteError::ChangeNotPermitted {
                    id: id.to_string(),
                    message,
                },
                super::Dhis2Error::NotFound { .. } => RouteError::NotFound { id: id.into() },
                other => other.into(),
            })
    }

    /// A client of the remote `remote_url` whose every request runs through the route
    /// `route_id`, with this client's local auth. The rest of core uses it like any client.
    pub fn remote_client(&self, route_id: &str, remote_url: &str) -> Dhis2Client<RoutedTransport<T>>
    where
        T: Clone,
    {
        let transport = RoutedTransport::new(
            self.client.transport().clone(),
            self.client.base_url(),
            route_id,
            remote_url,
            &self.support,
        );
        Dhis2Client::new(transport, remote_url, self.client.auth().clone())
    }

    /// Reads the remote's system info through the route: the connection test of an instance.
    /// Route-level failures come back as their [`RouteError`]; the remote's own as
    /// [`RouteError::Dhis2`].
    pub async fn test_connection(
        &self,
        route_id: &str,
        remote_url: &str,
    ) -> Result<SystemInfo, RouteError>
    where
        T: Clone,
    {
        let remote = self.remote_client(route_id, remote_url);
        remote.system_info().await.map_err(|error| {
            diagnose_run(&error, route_id, &self.support.version().to_string())
                .unwrap_or(RouteError::Dhis2(error))
        })
    }

    async fn write(
        &self,
        action: RouteAction,
        spec: &RouteSpec,
        request: super::HttpRequest,
    ) -> Result<(), RouteError> {
        let url = request.url.clone();
        let response = self.client.execute(request).await?;
        if response.is_success() {
            return Ok(());
        }
        let base = self.client.base_url();
        let route_url = spec.route_url();
        Err(decode_write_refusal(
            action, &spec.id, &route_url, base, &url, &response,
        ))
    }
}
