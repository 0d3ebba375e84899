use mdsync_core::dhis2::Version;
use mdsync_core::instances::{InstanceError, InstanceManager, InstanceTransport};

use mdsync_core::storage::Storage;
use mdsync_core::sync::metadata::SyncInstance;

use crate::services::{OpenError, Services};
use crate::session::Session;
use crate::transport::SharedTransport;

/// What the page needs to reach instances: the user's instance manager (decrypts secrets),
/// the services, and the hosting instance's version.
#[derive(Clone)]
pub struct SyncContext {
    pub manager: InstanceManager,
    pub services: Services,
    pub version: Version,
}

impl SyncContext {
    /// Reads the encryption key and brings the stored data to the current layout.
    pub async fn open(services: Services, session: &Session) -> Result<SyncContext, OpenError> {
        let storage = Storage::new(services.local_client(), session.info.version.clone());
        // The key and the stored data's layout are needed together: one round trip for both.
        let (key, checked) =
            futures::future::join(services.encryption_key(), storage.require_current_schema())
                .await;
        let manager = InstanceManager::new(session.me.clone(), key?, services.base_url());
        if checked.is_err() {
            // Not current: configurators upgrade it (others get the reason to ask for one).
            manager.prepare_storage(&storage).await?;
        }
        // History retention runs at app start (`pages::history::start_up`).
        Ok(SyncContext {
            manager,
            services,
            version: session.info.version.clone(),
        })
    }

    pub fn storage(&self) -> Storage<SharedTransport> {
        Storage::new(self.services.local_client(), self.version.clone())
    }

    /// A client for an instance (the local one with the session, a remote one with its
    /// decrypted credentials), with its name and last known version.
    pub async fn instance(
        &self,
        id: &str,
    ) -> Result<
        (
            SyncInstance<InstanceTransport<SharedTransport>>,
            Option<Version>,
        ),
        InstanceError,
    > {
        let target = self.manager.connection_target(&self.storage(), id).await?;
        // Straight to the instance, or through its DHIS2 route when the credential lives there.
        let client = target.client(self.services.transport());
        Ok((
            SyncInstance::new(target.name.clone(), client),
            target.version,
        ))
    }
}
