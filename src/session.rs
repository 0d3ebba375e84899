//! What the shell loads before it shows anything: the server, the user and their app role.

use mdsync_core::access::AppRole;
use mdsync_core::dhis2::{Dhis2Client, Dhis2Error, Me, SystemInfo, Transport};

use mdsync_core::dhis2::header_bar;

/// The logged-in user's session on the instance that serves the app.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    pub base_url: String,
    pub info: SystemInfo,
    pub me: Me,
    pub role: AppRole,
    pub application_title: String,
}

impl Session {
    /// The header bar title: `"<application title> - MetaData Sync"`.
    pub fn header_title(&self) -> String {
        format!("{} - MetaData Sync", self.application_title)
    }
}

/// Loads the session. `system/info` goes first: a login page, a 401 or an unreachable server
/// shows up there, before anything else is asked.
pub async fn load_session<T: Transport>(client: &Dhis2Client<T>) -> Result<Session, Dhis2Error> {
    let info = client.system_info().await?;
    let me = client.me().await?;
    let application_title = header_bar::application_title(client).await;
    Ok(Session {
        base_url: client.base_url().to_string(),
        role: AppRole::of(&me),
        info,
        me,
        application_title,
    })
}
