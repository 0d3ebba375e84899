//! What every command that talks to DHIS2 needs: the local instance's storage, the user, and
//! the instance manager, built from the config.

use std::time::Duration;

use mdsync_core::dhis2::{Dhis2Client, Transport};
use mdsync_core::instances::InstanceManager;
use mdsync_core::storage::Storage;

use crate::config::Config;
use crate::error::CliError;
use crate::transport::{ReqwestTransport, DEFAULT_TIMEOUT};

pub struct Context<T> {
    pub storage: Storage<T>,
    pub instances: InstanceManager,
}

impl Context<ReqwestTransport> {
    /// Connects to the local instance named in the config over HTTP.
    pub async fn open(config: &Config) -> Result<Self, CliError> {
        let timeout = config
            .local
            .timeout_seconds
            .map(Duration::from_secs)
            .unwrap_or(DEFAULT_TIMEOUT);
        let context = Context::open_with(config, ReqwestTransport::new(timeout)?).await?;
        context.apply_connect_timeouts().await;
        Ok(context)
    }

    /// Gives every saved instance's URL its own connect limit in the transport (the engine
    /// applies the total limit itself). An instance list that cannot be read leaves the
    /// defaults: the command then fails on that read with a message of its own.
    async fn apply_connect_timeouts(&self) {
        let Ok(instances) = self.storage.instances().list().await else {
            return;
        };
        let transport = self.storage.client().transport();
        for instance in instances {
            let limits = instance.timeouts.unwrap_or_default();
            transport.set_connect_timeout(&instance.url, limits.connect());
        }
    }
}

impl<T: Transport> Context<T> {
    /// Connects through any transport (tests use the in-process simulator). Brings the stored
    /// data up to date when the user may, else refuses to work on an old layout.
    pub async fn open_with(config: &Config, transport: T) -> Result<Self, CliError> {
        let auth = config
            .local_auth()
            .map_err(|reason| CliError::Usage(format!("In the config file: {reason}")))?;
        let key = config.encryption_key()?;
        let client = Dhis2Client::new(transport, &config.local.url, auth.clone());
        let me = client.me().await?;
        let storage = Storage::connect(client).await?;
        let instances =
            InstanceManager::new(me, key, storage.client().base_url()).with_local_auth(auth);
        instances.prepare_storage(&storage).await?;
        Ok(Context { storage, instances })
    }

    /// The id of the instance whose id is `wanted`, else whose name is `wanted`
    /// (case-insensitive); commands take either.
    pub async fn resolve_instance(&self, wanted: &str) -> Result<String, CliError> {
        let names = self.instances.list_names(&self.storage).await?;
        names
            .iter()
            .find(|instance| instance.id == wanted)
            .or_else(|| {
                names
                    .iter()
                    .find(|instance| instance.name.eq_ignore_ascii_case(wanted.trim()))
            })
            .map(|instance| instance.id.clone())
            .ok_or_else(|| {
                let known: Vec<&str> = names.iter().map(|i| i.name.as_str()).collect();
                CliError::Usage(format!(
                    "No instance named or with id \"{wanted}\". Known: {}.",
                    known.join(", ")
                ))
            })
    }
}
