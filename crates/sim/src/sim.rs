//! [`Sim`]: one simulated DHIS2 instance — accounts, sessions, CORS, faults and the request
//! log around the API modules.

use crate::apps::{AppStore, InstallError};
use crate::auth::{AuthState, Authentication};
use crate::data_values::DataValueStore;
use crate::datastore::{DataStore, UserDataStore};
use crate::faults::{FaultKind, FaultRule, Faults};
use crate::metadata::MetadataStore;
use crate::routes::{RouteStore, RouteUpstream, UpstreamRequest};
use crate::seed::Seed;
use crate::static_content::StaticContent;
use crate::system_settings::SystemSettings;
use crate::tracker::TrackerStore;
use crate::user_settings::UserSettings;
use crate::{cors, Account, SimFault, SimRequest, SimResponse, SimVersion};
use serde::Serialize;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

/// The request log keeps at most this many entries (the oldest tenth is dropped when full).
pub const REQUEST_LOG_LIMIT: usize = 100_000;

/// How to build one instance.
#[derive(Debug, Clone)]
pub struct InstanceConfig {
    /// Short name, e.g. `source`; the default application title is derived from it.
    pub name: String,
    pub version: SimVersion,
    pub seed: Seed,
    /// The server's own URL without a trailing slash, e.g. `http://127.0.0.1:8080`
    /// (`contextPath` in `/api/system/info`, `activities.dhis.href` in served manifests).
    pub base_url: String,
    /// Origins allowed by CORS (globs allowed), as in `/api/configuration/corsWhitelist`.
    pub cors_whitelist: Vec<String>,
    /// dhis.conf `route.remote_servers_allowed` (2.42+): origin globs routes may point at.
    /// DHIS2's default is `https://*`.
    pub route_remote_servers_allowed: Vec<String>,
    /// Where route runs go ([`crate::routes::SimPeers`] in-process, `LoopbackHttp` over
    /// HTTP); `None`: every remote is unreachable.
    pub route_upstream: Option<Arc<dyn RouteUpstream>>,
}

impl InstanceConfig {
    /// An empty instance at `http://127.0.0.1` with no CORS origins.
    pub fn new(name: &str, version: SimVersion) -> Self {
        InstanceConfig {
            name: name.to_string(),
            version,
            seed: Seed::Empty,
            base_url: "http://127.0.0.1".to_string(),
            cors_whitelist: Vec::new(),
            route_remote_servers_allowed: vec![
                crate::routes::DEFAULT_REMOTE_SERVERS_ALLOWED.to_string()
            ],
            route_upstream: None,
        }
    }
}

/// One line of the request log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LoggedRequest {
    pub method: String,
    pub path: String,
    pub query: String,
    /// 0 when a fault dropped the request or never answered it.
    pub status: u16,
    /// Size of the response body.
    pub bytes: usize,
    /// Size of the request body (what a client sent).
    pub request_bytes: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fault: Option<String>,
}

/// The result of handling a request, with the latency faults asked for (the HTTP server waits
/// it asynchronously; [`Sim::handle`] sleeps it).
#[derive(Debug)]
pub struct Handled {
    pub latency: Duration,
    pub outcome: Result<SimResponse, SimFault>,
}

pub(crate) struct State {
    pub accounts: Vec<Account>,
    pub auth: AuthState,
    pub datastore: DataStore,
    pub user_datastore: UserDataStore,
    pub apps: AppStore,
    pub cors: Vec<String>,
    pub faults: Faults,
    pub log: Vec<LoggedRequest>,
    pub title: String,
    pub metadata: MetadataStore,
    pub data_values: DataValueStore,
    pub tracker: TrackerStore,
    pub system_settings: SystemSettings,
    pub user_settings: UserSettings,
    pub static_content: StaticContent,
    pub routes: RouteStore,
}

/// One DHIS2 instance. Share it as `Arc<Sim>`: every method takes `&self`.
pub struct Sim {
    name: String,
    version: SimVersion,
    base_url: String,
    state: Mutex<State>,
}

/// `source` → `Source DHIS2`.
fn title_from_name(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => format!("{}{} DHIS2", first.to_uppercase(), chars.as_str()),
        None => "DHIS2".to_string(),
    }
}

impl Sim {
    pub fn new(config: InstanceConfig) -> Sim {
        let mut accounts = crate::accounts::default_accounts(config.version);
        let places = crate::seed::org_unit_places(&config.seed);
        crate::accounts::place_accounts(&mut accounts, &places);
        let mut metadata = MetadataStore::new(config.version, &accounts);
        let mut data_values = DataValueStore::new();
        let mut tracker = TrackerStore::new();
        crate::seed::apply(&config.seed, &mut metadata, &mut data_values, &mut tracker);
        let routes = RouteStore::new(
            config.version,
            config.route_remote_servers_allowed,
            config.route_upstream,
        );
        let state = State {
            accounts,
            auth: AuthState::default(),
            datastore: DataStore::default(),
            user_datastore: UserDataStore::default(),
            apps: AppStore::default(),
            cors: config.cors_whitelist,
            faults: Faults::default(),
            log: Vec::new(),
            title: title_from_name(&config.name),
            metadata,
            data_values,
            tracker,
            system_settings: SystemSettings::default(),
            user_settings: UserSettings::with_ui_locales(&crate::accounts::UI_LOCALES),
            static_content: StaticContent::default(),
            routes,
        };
        Sim {
            name: config.name,
            version: config.version,
            base_url: config.base_url.trim_end_matches('/').to_string(),
            state: Mutex::new(state),
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn version(&self) -> SimVersion {
        self.version
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        // A panic in one handler must not take the whole simulator down with a poisoned lock.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Handles a request, sleeping any injected latency first.
    pub fn handle(&self, request: SimRequest) -> Result<SimResponse, SimFault> {
        let handled = self.handle_timed(request);
        if !handled.latency.is_zero() {
            std::thread::sleep(handled.latency);
        }
        handled.outcome
    }

    /// Handles a request and says how long the answer must be delayed.
    pub fn handle_timed(&self, request: SimRequest) -> Handled {
        let path = request.path();
        if path.starts_with("/__sim/") {
            return Handled {
                latency: Duration::ZERO,
                outcome: Ok(crate::admin::handle(self, &request, &path)),
            };
        }
        let mut state = self.lock();
        let decision = state
            .faults
            .decide(&request.method, &path, request.target_bytes());
        let outcome = match &decision.replacement {
            None => Ok(crate::dispatch::respond(self, &mut state, &request, &path)),
            Some(rule) => fault_outcome(rule, &state.title),
        };
        // A route run waits for its remote with this instance unlocked.
        let (mut state, outcome) = crate::routes::complete_run(self, state, outcome);
        let outcome = outcome.map(|response| self.with_cors(&state, &request, response));
        if state.log.len() >= REQUEST_LOG_LIMIT {
            // A long demo run must not grow without bound: keep the most recent requests.
            state.log.drain(..REQUEST_LOG_LIMIT / 10);
        }
        state.log.push(LoggedRequest {
            method: request.method.clone(),
            path,
            query: request
                .url
                .split_once('?')
                .map(|(_, q)| q.to_string())
                .unwrap_or_default(),
            status: outcome.as_ref().map(|r| r.status).unwrap_or(0),
            bytes: outcome.as_ref().map(|r| r.body.len()).unwrap_or(0),
            request_bytes: request.body.len(),
            fault: decision
                .replacement
                .as_ref()
                .map(|rule| format!("{:?}", rule.kind)),
        });
        Handled {
            latency: decision.latency,
            outcome,
        }
    }

    /// Adds CORS headers for an allowed origin (preflights already carry theirs).
    fn with_cors(&self, state: &State, request: &SimRequest, response: SimResponse) -> SimResponse {
        match request.header("Origin") {
            Some(origin)
                if !cors::is_preflight(request)
                    && cors::is_allowed(origin, &state.cors, &self.base_url) =>
            {
                cors::add_headers(response, origin)
            }
            _ => response,
        }
    }

    pub fn request_log(&self) -> Vec<LoggedRequest> {
        self.lock().log.clone()
    }

    pub fn clear_request_log(&self) {
        self.lock().log.clear();
    }

    pub fn add_fault(&self, rule: FaultRule) {
        self.lock().faults.add(rule);
    }

    pub fn clear_faults(&self) {
        self.lock().faults.clear();
    }

    pub fn faults(&self) -> Vec<FaultRule> {
        self.lock().faults.rules()
    }

    /// How asynchronous import jobs started from now on behave: how many polls they take,
    /// whether they fail (`POST /__sim/jobs`).
    pub fn set_job_behaviour(&self, behaviour: crate::metadata::JobBehaviour) {
        self.lock().metadata.set_job_behaviour(behaviour);
    }

    pub fn job_behaviour(&self) -> crate::metadata::JobBehaviour {
        self.lock().metadata.job_behaviour()
    }

    pub fn cors_allowlist(&self) -> Vec<String> {
        self.lock().cors.clone()
    }

    pub fn set_cors_allowlist(&self, origins: Vec<String>) {
        self.lock().cors = origins;
    }

    pub fn application_title(&self) -> String {
        self.lock().title.clone()
    }

    pub fn set_application_title(&self, title: &str) {
        self.lock().title = title.to_string();
    }

    pub fn accounts(&self) -> Vec<Account> {
        self.lock().accounts.clone()
    }

    /// Installs an app zip directly (as `POST /api/apps` does); returns its key.
    pub fn install_app(&self, zip: &[u8]) -> Result<String, InstallError> {
        self.lock().apps.install(self.version, zip)
    }

    /// The parsed dataStore value, if any (for assertions).
    pub fn datastore_value(&self, namespace: &str, key: &str) -> Option<serde_json::Value> {
        self.lock().datastore.value(namespace, key)
    }

    /// Opens a session for `username` and returns the `JSESSIONID` value.
    pub fn open_session(&self, username: &str) -> String {
        self.lock().auth.open_session(username)
    }

    /// Direct access to the API stores, for seeding and assertions in tests.
    pub fn with_stores<R>(
        &self,
        work: impl FnOnce(&mut MetadataStore, &mut DataValueStore, &mut TrackerStore) -> R,
    ) -> R {
        let mut state = self.lock();
        let State {
            metadata,
            data_values,
            tracker,
            ..
        } = &mut *state;
        work(metadata, data_values, tracker)
    }

    /// Where this instance's route runs go (see [`InstanceConfig::route_upstream`]).
    pub fn set_route_upstream(&self, upstream: Option<Arc<dyn RouteUpstream>>) {
        self.lock().routes.set_upstream(upstream);
    }

    /// Replaces `route.remote_servers_allowed` (origin globs, e.g. `http://127.0.0.1:*`).
    pub fn set_route_remote_servers_allowed(&self, globs: Vec<String>) {
        self.lock().routes.set_allowed(globs);
    }

    /// Every request route runs sent upstream, headers included (for assertions).
    pub fn route_upstream_log(&self) -> Vec<UpstreamRequest> {
        self.lock().routes.sent().to_vec()
    }

    pub fn clear_route_upstream_log(&self) {
        self.lock().routes.clear_sent();
    }

    /// How a route's auth is kept at rest (its `Debug` form), for checks that no secret is
    /// stored in clear.
    pub fn route_auth_at_rest(&self, id: &str) -> Option<String> {
        self.lock().routes.stored_auth_debug(id)
    }

    /// Authenticates a request against this instance (used by the dispatcher).
    pub(crate) fn authenticate(&self, state: &State, request: &SimRequest) -> Authentication {
        state
            .auth
            .authenticate(request, &state.accounts, self.version)
    }
}

/// The answer a replacing fault gives.
fn fault_outcome(rule: &FaultRule, title: &str) -> Result<SimResponse, SimFault> {
    match rule.kind {
        FaultKind::Drop => Err(SimFault::DropConnection),
        FaultKind::NeverAnswer => Err(SimFault::NeverAnswer),
        FaultKind::LoginPage => Ok(crate::pages::login_page(title, false)),
        FaultKind::Status | FaultKind::Latency => {
            let status = rule.status.unwrap_or(500);
            Ok(SimResponse::web_message(
                status,
                &format!("Injected fault: {}", crate::response::reason_phrase(status)),
            ))
        }
    }
}
