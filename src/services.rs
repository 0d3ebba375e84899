//! What every page needs to reach the network: the base URL of the hosting instance, the
//! transport (which picks session cookie or explicit credentials per request), the page origin
//! and the deployment's encryption key. Provided once as a Leptos context; tests provide one built on a fake transport.

use std::cell::RefCell;
use std::rc::Rc;

use mdsync_core::crypto::{CryptoError, EncryptionKey};
use mdsync_core::dhis2::{app_base_url, Auth, Dhis2Client, HttpRequest, Transport, TransportError};
use mdsync_core::instances::InstanceError;
use send_wrapper::SendWrapper;

use crate::transport::{FetchTransport, SharedTransport};

/// Why the deployment's encryption key is not available.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum KeyError {
    #[error(
        "The app's configuration ({url}) could not be read: {problem}. Reinstall the app from a \
         zip built with `cargo xtask dist`, which includes the encryption key."
    )]
    ConfigUnreadable { url: String, problem: ConfigProblem },
    #[error(transparent)]
    InvalidKey(#[from] CryptoError),
}

/// What went wrong reading `app-config.json`.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ConfigProblem {
    #[error(transparent)]
    Transport(TransportError),
    #[error("status {0}")]
    Status(u16),
    #[error("{0}")]
    NotJson(String),
}

/// Why a panel could not open the app's data: the key, or the stored instances.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum OpenError {
    #[error(transparent)]
    Key(#[from] KeyError),
    #[error(transparent)]
    Instances(#[from] InstanceError),
}

/// Where the encryption key comes from.
#[derive(Clone)]
pub enum KeySource {
    /// `app-config.json` next to `index.html` (shipped in the zip by `cargo xtask dist`).
    AppConfig { url: String },
    /// A key given directly (tests).
    Given(EncryptionKey),
}

struct Inner {
    base_url: String,
    origin: String,
    transport: SharedTransport,
    key_source: KeySource,
    key: RefCell<Option<EncryptionKey>>,
}

/// Cheap to clone; `Send + Sync` only so Leptos accepts it as context (wasm32 has one thread).
#[derive(Clone)]
pub struct Services(SendWrapper<Rc<Inner>>);

impl Services {
    pub fn new(
        base_url: &str,
        origin: &str,
        transport: SharedTransport,
        key_source: KeySource,
    ) -> Self {
        Services(SendWrapper::new(Rc::new(Inner {
            base_url: base_url.trim_end_matches('/').to_string(),
            origin: origin.to_string(),
            transport,
            key_source,
            key: RefCell::new(None),
        })))
    }

    /// The root of the hosting DHIS2 instance, without `/api`.
    pub fn base_url(&self) -> &str {
        &self.0.base_url
    }

    /// The origin the app runs at (`window.location.origin`): what a remote instance must put
    /// in its CORS allowlist.
    pub fn origin(&self) -> &str {
        &self.0.origin
    }

    /// A client for the hosting instance, authenticated by the session cookie.
    pub fn local_client(&self) -> Dhis2Client<SharedTransport> {
        Dhis2Client::new(self.0.transport.clone(), &self.0.base_url, Auth::Session)
    }

    /// The transport, for clients of remote instances (their auth header turns cookies off).
    pub fn transport(&self) -> SharedTransport {
        self.0.transport.clone()
    }

    /// The deployment's encryption key, read from `app-config.json` on first use.
    pub async fn encryption_key(&self) -> Result<EncryptionKey, KeyError> {
        if let Some(key) = self.0.key.borrow().clone() {
            return Ok(key);
        }
        let key = match &self.0.key_source {
            KeySource::Given(key) => key.clone(),
            KeySource::AppConfig { url } => load_key(&self.0.transport, url).await?,
        };
        *self.0.key.borrow_mut() = Some(key.clone());
        Ok(key)
    }
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct AppConfig {
    encryption_key: String,
}

async fn load_key(transport: &SharedTransport, url: &str) -> Result<EncryptionKey, KeyError> {
    let unreadable = |problem: ConfigProblem| KeyError::ConfigUnreadable {
        url: url.to_string(),
        problem,
    };
    let response = transport
        .send(HttpRequest::get(url))
        .await
        .map_err(|e| unreadable(ConfigProblem::Transport(e)))?;
    if !response.is_success() {
        return Err(unreadable(ConfigProblem::Status(response.status)));
    }
    let config: AppConfig = serde_json::from_slice(&response.body)
        .map_err(|e| unreadable(ConfigProblem::NotJson(e.to_string())))?;
    Ok(EncryptionKey::parse(&config.encryption_key)?)
}

/// The page's own URL and origin.
fn page_location() -> (String, String) {
    let location = web_sys::window().map(|w| w.location());
    let href = location
        .as_ref()
        .and_then(|l| l.href().ok())
        .unwrap_or_default();
    let origin = location
        .as_ref()
        .and_then(|l| l.origin().ok())
        .unwrap_or_default();
    (href, origin)
}

/// Resolves `relative` against the page URL.
fn resolve(relative: &str, page: &str) -> Option<String> {
    web_sys::Url::new_with_base(relative, page)
        .ok()
        .map(|url| url.href())
}

/// Finds the hosting instance: from the page when the server filled it in, else from the
/// served manifest, else `../../..` (`mdsync_core::dhis2::app_base_url` says which servers do
/// what).
async fn discover_base_url(transport: &SharedTransport, page: &str) -> String {
    let meta = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| {
            d.query_selector("meta[name=\"dhis2-base-url\"]")
                .ok()
                .flatten()
        })
        .and_then(|meta| meta.get_attribute("content"));
    if let Some(injected) = app_base_url::injected_base_url(meta.as_deref())
        .and_then(|content| resolve(content, page))
        .filter(|url| url.starts_with("http://") || url.starts_with("https://"))
    {
        return injected.trim_end_matches('/').to_string();
    }
    if let Some(manifest_url) = resolve("manifest.webapp", page) {
        if let Ok(response) = transport.send(HttpRequest::get(manifest_url)).await {
            let href = app_base_url::manifest_base_url(&response.body);
            if let (true, Some(href)) = (response.is_success(), href) {
                return href;
            }
        }
    }
    resolve(app_base_url::FALLBACK_RELATIVE_BASE, page)
        .unwrap_or_default()
        .trim_end_matches('/')
        .to_string()
}

/// Builds the real services for the page the app runs in.
pub async fn discover() -> Services {
    let (page, origin) = page_location();
    let transport = SharedTransport::new(FetchTransport::default());
    let base_url = discover_base_url(&transport, &page).await;
    let config_url = resolve("app-config.json", &page).unwrap_or_else(|| "app-config.json".into());
    Services::new(
        &base_url,
        &origin,
        transport,
        KeySource::AppConfig { url: config_url },
    )
}

/// True when DHIS2's global shell (2.42+) hosts the app in a same-origin iframe: the shell
/// draws the header bar then. A cross-origin parent cannot be inspected and is not the shell.
pub fn hosted_in_dhis2_shell() -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let Ok(Some(top)) = window.top() else {
        return false;
    };
    if js_sys::Object::is(&top, &window) {
        return false;
    }
    let own_origin = window.location().origin().ok();
    let top_origin = top.location().origin().ok();
    own_origin.is_some() && own_origin == top_origin
}
