use mdsync_core::access::{Actor, Operation};
use mdsync_core::instances::InstanceManager;
use mdsync_core::storage::Storage;

use crate::services::{OpenError, Services};
use crate::session::Session;
use crate::transport::SharedTransport;

/// What the panel's pages need: the services, the session and the acting user.
#[derive(Clone)]
pub struct HistoryContext {
    pub services: Services,
    pub session: Session,
    pub actor: Actor,
}

impl HistoryContext {
    pub fn new(services: Services, session: Session) -> Self {
        HistoryContext {
            actor: Actor::new(session.me.clone()),
            services,
            session,
        }
    }

    pub fn storage(&self) -> Storage<SharedTransport> {
        Storage::new(
            self.services.local_client(),
            self.session.info.version.clone(),
        )
    }

    /// Whether the user may delete entries (configurators and administrators).
    pub fn can_delete(&self) -> bool {
        self.actor.authorize(Operation::DeleteHistory).is_ok()
    }

    /// The instance manager a resumed run reaches its instances with (reads the key).
    pub async fn manager(&self) -> Result<InstanceManager, OpenError> {
        let key = self.services.encryption_key().await?;
        Ok(InstanceManager::new(
            self.session.me.clone(),
            key,
            self.services.base_url(),
        ))
    }
}
