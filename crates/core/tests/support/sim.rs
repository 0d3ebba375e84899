//! The simulator as a [`Transport`]: requests go to in-process [`Sim`] instances, routed by the
//! start of their URL, with no sockets.

use std::sync::Arc;

use dhis2_sim::{InstanceConfig, Seed, Sim, SimFault, SimRequest, SimVersion};
use mdsync_core::dhis2::{Auth, Dhis2Client, HttpRequest, HttpResponse, Transport, TransportError};

/// The password of every simulated account (`admin`, `configurator`, `executor`, `guest`).
pub const PASSWORD: &str = "district";

/// Routes each request to the simulated instance whose base URL starts its URL; any other URL
/// is unreachable, like a host that does not exist.
///
/// In browser mode ([`SimTransport::browser`]) requests carry an `Origin` and a cross-origin
/// answer without the matching `Access-Control-Allow-Origin` is refused as a browser refuses
/// it: as a network error.
#[derive(Clone)]
pub struct SimTransport {
    instances: Vec<Arc<Sim>>,
    origin: Option<String>,
}

impl SimTransport {
    pub fn new(sim: Arc<Sim>) -> Self {
        SimTransport {
            instances: vec![sim],
            origin: None,
        }
    }

    /// Several instances reachable through one transport.
    pub fn network(instances: Vec<Arc<Sim>>) -> Self {
        SimTransport {
            instances,
            origin: None,
        }
    }

    /// Behaves as a browser page served from `origin`.
    pub fn browser(mut self, origin: &str) -> Self {
        self.origin = Some(origin.trim_end_matches('/').to_string());
        self
    }

    pub fn with(mut self, sim: Arc<Sim>) -> Self {
        self.instances.push(sim);
        self
    }

    fn route(&self, url: &str) -> Option<&Arc<Sim>> {
        self.instances
            .iter()
            .filter(|sim| {
                let base = sim.base_url();
                url.starts_with(base)
                    && matches!(url[base.len()..].chars().next(), None | Some('/' | '?'))
            })
            .max_by_key(|sim| sim.base_url().len())
    }
}

fn origin_of(url: &str) -> &str {
    match url.find("://") {
        Some(index) => {
            let rest = &url[index + 3..];
            let end = rest
                .find('/')
                .map(|slash| index + 3 + slash)
                .unwrap_or(url.len());
            &url[..end]
        }
        None => url,
    }
}

impl Transport for SimTransport {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let url = request.url.clone();
        let Some(sim) = self.route(&url) else {
            return Err(TransportError::Unreachable {
                url,
                reason: "no such host".into(),
            });
        };
        let mut sim_request = SimRequest::new(request.method.as_str(), &request.url);
        for (name, value) in &request.headers {
            sim_request = sim_request.with_header(name, value);
        }
        let cross_origin = self
            .origin
            .as_deref()
            .filter(|origin| *origin != origin_of(sim.base_url()));
        if let Some(origin) = cross_origin {
            sim_request = sim_request.with_header("Origin", origin);
        }
        if let Some(body) = request.body {
            sim_request = sim_request.with_body(body);
        }
        let response = match sim.handle(sim_request) {
            Ok(response) => response,
            Err(SimFault::DropConnection) => return Err(TransportError::ConnectionDropped { url }),
            Err(SimFault::NeverAnswer) => return Err(TransportError::Timeout { url }),
        };
        if let Some(origin) = cross_origin {
            if response.header("Access-Control-Allow-Origin") != Some(origin) {
                return Err(TransportError::Unreachable {
                    url,
                    reason: "blocked by CORS policy (the browser hides the answer)".into(),
                });
            }
        }
        Ok(HttpResponse {
            status: response.status,
            headers: response.headers,
            body: response.body,
        })
    }
}

/// A fresh empty instance of `version` (e.g. "2.30", "2.38.5") at `http://<name>.sim`.
pub fn sim_named(name: &str, version: &str) -> Arc<Sim> {
    let version: SimVersion = version
        .parse()
        .unwrap_or_else(|error| panic!("bad simulator version {version}: {error}"));
    let mut config = InstanceConfig::new(name, version);
    config.seed = Seed::Empty;
    config.base_url = format!("http://{name}.sim");
    Arc::new(Sim::new(config))
}

/// A fresh empty instance of `version` at `http://local.sim`.
pub fn sim_of(version: &str) -> Arc<Sim> {
    sim_named("local", version)
}

/// A client of `sim` logged in as `username` (Basic auth, password `district`).
pub fn client_for(sim: &Arc<Sim>, username: &str) -> Dhis2Client<SimTransport> {
    Dhis2Client::new(
        SimTransport::new(Arc::clone(sim)),
        sim.base_url(),
        Auth::Basic {
            username: username.into(),
            password: PASSWORD.into(),
        },
    )
}
