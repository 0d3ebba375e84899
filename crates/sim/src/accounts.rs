//! The users every simulated instance starts with (passwords are all `district`).

use crate::{Account, SimVersion};

/// The app the MetaData Sync roles grant access to: its name and `short_name` decide the `M_`
/// authority DHIS2 derives for it (§7.2), so the roles carry the authority the installed app asks.
pub const APP_NAME: &str = "MetaData Sync";
pub const APP_SHORT_NAME: &str = "metadata-sync";

pub const ADMIN_ID: &str = "M5zQapPyTZI";
pub const CONFIGURATOR_ID: &str = "cFgR8tQm2Lx";
pub const EXECUTOR_ID: &str = "eXc4Rn7Wq1P";
pub const GUEST_ID: &str = "gSt9Kv2Hd6Y";
pub const OUTSIDER_ID: &str = "oUts1dR4nX8";
pub const DEFAULT_PASSWORD: &str = "district";

const ROOT_ORG_UNIT: (&str, &str) = ("ImspTQPwCqd", "/ImspTQPwCqd");

fn owned(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

/// The `M_` authority of the MetaData Sync app on this version.
pub fn metadata_sync_authority(version: SimVersion) -> String {
    crate::apps::app_authority(version, APP_NAME, Some(APP_SHORT_NAME))
}

fn app_authority_for_guest(version: SimVersion) -> String {
    metadata_sync_authority(version)
}

/// admin (superuser), configurator, executor, guest (app access, no app role) and outsider
/// (no app access).
pub fn default_accounts(version: SimVersion) -> Vec<Account> {
    let app_authority = metadata_sync_authority(version);
    let sync_group = [("uGrpMdSync1", "MetaData Sync users")];
    let account = |id: &str, username: &str, first: &str, last: &str| Account {
        id: id.to_string(),
        username: username.to_string(),
        password: DEFAULT_PASSWORD.to_string(),
        first_name: first.to_string(),
        surname: last.to_string(),
        user_roles: Vec::new(),
        authorities: Vec::new(),
        user_groups: Vec::new(),
        organisation_units: owned(&[ROOT_ORG_UNIT]),
    };
    vec![
        Account {
            user_roles: owned(&[("yrB6vc5Ip3r", "Superuser")]),
            authorities: vec!["ALL".to_string()],
            user_groups: owned(&[("wl5cDMuUhmF", "Administrators")]),
            ..account(ADMIN_ID, "admin", "John", "Traore")
        },
        Account {
            user_roles: owned(&[("rCfgMdSync1", "METADATA_SYNC_CONFIGURATOR")]),
            authorities: vec![
                app_authority.clone(),
                "F_METADATA_IMPORT".to_string(),
                "F_METADATA_EXPORT".to_string(),
            ],
            user_groups: owned(&sync_group),
            ..account(CONFIGURATOR_ID, "configurator", "Cora", "Figueroa")
        },
        Account {
            user_roles: owned(&[("rExeMdSync1", "METADATA_SYNC_EXECUTOR")]),
            authorities: vec![app_authority],
            user_groups: owned(&sync_group),
            ..account(EXECUTOR_ID, "executor", "Evan", "Runner")
        },
        // May open the app (its role carries the app's `M_` authority, as when an admin grants
        // the app to data entry clerks) but holds neither MetaData Sync role: the app must
        // explain which role to ask for.
        Account {
            user_roles: owned(&[("rDataEntr01", "Data entry clerk")]),
            authorities: vec![
                app_authority_for_guest(version),
                "F_DATAVALUE_ADD".to_string(),
            ],
            ..account(GUEST_ID, "guest", "Gail", "Guest")
        },
        // Has no access to the app at all (no `M_` authority): DHIS2 refuses to serve it.
        Account {
            user_roles: owned(&[("rDataEntr01", "Data entry clerk")]),
            authorities: vec!["F_DATAVALUE_ADD".to_string()],
            ..account(OUTSIDER_ID, "outsider", "Otto", "Outsider")
        },
    ]
}
