use mdsync_core::access::AppRole;
use mdsync_core::instances::InstanceManager;
use mdsync_core::rules::ServerZone;
use mdsync_core::storage::Storage;

use crate::pages::sync::context::SyncContext;
use crate::session::Session;
use crate::transport::SharedTransport;

/// What every page of the panel needs: the user's instance manager (the acting user of every
/// rule operation), the session and the server's time zone (schedules are shown in it).
#[derive(Clone)]
pub struct RulesContext {
    pub sync: SyncContext,
    pub session: Session,
    pub zone: ServerZone,
}

impl RulesContext {
    pub fn new(sync: SyncContext, session: Session) -> RulesContext {
        // An unknown zone falls back to UTC; the schedule field names the zone it shows.
        let (zone, _) = ServerZone::of_server(session.info.server_time_zone_id.as_deref());
        RulesContext {
            sync,
            session,
            zone,
        }
    }

    pub fn manager(&self) -> &InstanceManager {
        &self.sync.manager
    }

    pub fn storage(&self) -> Storage<SharedTransport> {
        self.sync.storage()
    }

    /// Configurators and administrators create rules; run-only users only run them.
    pub fn can_create(&self) -> bool {
        self.session.role.can_configure()
    }

    pub fn role(&self) -> AppRole {
        self.session.role
    }
}
