//! The user's own defaults for new metadata syncs (sharing, users, organisation units), kept
//! in their user dataStore (`/api/userDataStore/metadata-sync/sync-defaults`): each user's
//! choice, invisible to and unchangeable by others.

use serde::{Deserialize, Serialize};

use super::StorageError;
use crate::access::{Actor, Operation};
use crate::browse::SyncOptionsForm;
use crate::dhis2::user_datastore::{get_user_key, save_user_key};
use crate::dhis2::{Dhis2Client, Transport};
use crate::sync::metadata::{InclusionMode, MetadataSyncOptions};

/// The user dataStore namespace of the app.
pub const USER_NAMESPACE: &str = "metadata-sync";
/// The key of the defaults in it.
pub const SYNC_DEFAULTS_KEY: &str = "sync-defaults";

/// How a new metadata sync starts. Fields a newer version adds read as the engine's defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SyncDefaults {
    pub sharing: InclusionMode,
    pub users: InclusionMode,
    pub org_units: InclusionMode,
}

impl Default for SyncDefaults {
    fn default() -> Self {
        let engine = MetadataSyncOptions::default();
        SyncDefaults {
            sharing: engine.sharing,
            users: engine.users,
            org_units: engine.org_units,
        }
    }
}

impl SyncDefaults {
    /// Sets the Sync page's switches to these defaults.
    pub fn apply(&self, form: &mut SyncOptionsForm) {
        form.sharing = self.sharing;
        form.users = self.users;
        form.org_units = self.org_units;
    }
}

/// The user's defaults; the engine's when they never saved any.
pub async fn read_sync_defaults<T: Transport>(
    client: &Dhis2Client<T>,
) -> Result<SyncDefaults, StorageError> {
    match get_user_key(client, USER_NAMESPACE, SYNC_DEFAULTS_KEY).await? {
        None => Ok(SyncDefaults::default()),
        Some(value) => serde_json::from_value(value).map_err(|error| StorageError::Corrupt {
            key: format!("userDataStore/{USER_NAMESPACE}/{SYNC_DEFAULTS_KEY}"),
            reason: error.to_string(),
        }),
    }
}

/// Saves the user's defaults (on the Settings page, for administrators).
pub async fn save_sync_defaults<T: Transport>(
    client: &Dhis2Client<T>,
    actor: &Actor,
    defaults: &SyncDefaults,
) -> Result<(), StorageError> {
    actor.authorize(Operation::EditSettings)?;
    let value = serde_json::to_value(defaults).map_err(|error| StorageError::Encode {
        key: SYNC_DEFAULTS_KEY.into(),
        reason: error.to_string(),
    })?;
    save_user_key(client, USER_NAMESPACE, SYNC_DEFAULTS_KEY, &value).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_follow_the_engine_and_apply_to_the_form() {
        let mut form = SyncOptionsForm::default();
        let defaults = SyncDefaults {
            sharing: InclusionMode::Remove,
            users: InclusionMode::ObjectsAndReferences,
            org_units: InclusionMode::ReferencesOnly,
        };
        defaults.apply(&mut form);
        assert_eq!(form.sharing, InclusionMode::Remove);
        assert_eq!(form.users, InclusionMode::ObjectsAndReferences);
        let stored: SyncDefaults = serde_json::from_str(r#"{"users":"remove"}"#).expect("defaults");
        assert_eq!(stored.users, InclusionMode::Remove);
        assert_eq!(stored.sharing, SyncDefaults::default().sharing);
    }
}
