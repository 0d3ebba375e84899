use mdsync_core::dhis2::Version;
use mdsync_core::instances::InstanceManager;
use mdsync_core::storage::Storage;

use crate::services::Services;
use crate::transport::SharedTransport;

/// What every part of the panel needs: the manager (who the user is, the key) and a way to
/// open the storage of the hosting instance.
#[derive(Clone)]
pub struct InstancesContext {
    pub manager: InstanceManager,
    pub services: Services,
    pub version: Version,
}

impl InstancesContext {
    pub fn storage(&self) -> Storage<SharedTransport> {
        Storage::new(self.services.local_client(), self.version.clone())
    }

    /// The app's origin, which a remote must allow for CORS.
    pub fn origin(&self) -> Option<String> {
        Some(self.services.origin().to_string()).filter(|origin| !origin.is_empty())
    }
}
