//! The users every simulated instance starts with (passwords are all `district`), with the
//! org unit hierarchies and authorities of a real deployment.

use crate::metadata::schema::authorities::metadata_manager_authorities;
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
pub const FRENCH_CONFIGURATOR_ID: &str = "cFgFr5nKs2W";
pub const PORTUGUESE_CONFIGURATOR_ID: &str = "cFgPt3mZa7Q";
pub const DEFAULT_PASSWORD: &str = "district";

/// Where the accounts capture data: the country for the administrators and MetaData Sync
/// users, one province (region) each for the two data entry clerks. Each is (UID, path).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgUnitPlaces {
    pub national: (String, String),
    pub clerk: (String, String),
    pub outsider: (String, String),
}

impl OrgUnitPlaces {
    /// Sierra Leone of DHIS2's demo database (the reference payloads' tree): the country,
    /// Bo and Bombali.
    pub fn sierra_leone() -> Self {
        let unit = |id: &str, path: &str| (id.to_string(), path.to_string());
        OrgUnitPlaces {
            national: unit("ImspTQPwCqd", "/ImspTQPwCqd"),
            clerk: unit("O6uvpzGd5pu", "/ImspTQPwCqd/O6uvpzGd5pu"),
            outsider: unit("fdc6uOvgoji", "/ImspTQPwCqd/fdc6uOvgoji"),
        }
    }
}

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

/// The interface language (`keyUiLocale` user setting) of the accounts that do not use the
/// server's default: configurators for francophone and lusophone deployments.
pub const UI_LOCALES: [(&str, &str); 2] = [("configurateur", "fr"), ("configurador", "pt")];

/// admin (superuser), configurator, executor, guest (app access, no app role) and outsider
/// (no app access), and configurators who work in French and in Portuguese ([`UI_LOCALES`]),
/// placed in Sierra Leone (see [`place_accounts`] for other trees).
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
        organisation_units: Vec::new(),
    };
    // A configurator runs syncs with their own session, so their role carries what a
    // metadata manager's does: creating and deleting the synced types, and entering data.
    let mut configurator_authorities = vec![
        app_authority.clone(),
        "F_METADATA_IMPORT".to_string(),
        "F_METADATA_EXPORT".to_string(),
        "F_DATAVALUE_ADD".to_string(),
    ];
    configurator_authorities.extend(metadata_manager_authorities(version));
    let mut accounts = vec![
        Account {
            user_roles: owned(&[("yrB6vc5Ip3r", "Superuser")]),
            authorities: vec!["ALL".to_string()],
            user_groups: owned(&[("wl5cDMuUhmF", "Administrators")]),
            ..account(ADMIN_ID, "admin", "John", "Traore")
        },
        Account {
            user_roles: owned(&[("rCfgMdSync1", "METADATA_SYNC_CONFIGURATOR")]),
            authorities: configurator_authorities.clone(),
            user_groups: owned(&sync_group),
            ..account(CONFIGURATOR_ID, "configurator", "Cora", "Figueroa")
        },
        Account {
            user_roles: owned(&[("rCfgMdSync1", "METADATA_SYNC_CONFIGURATOR")]),
            authorities: configurator_authorities.clone(),
            user_groups: owned(&sync_group),
            ..account(FRENCH_CONFIGURATOR_ID, "configurateur", "Aminata", "Diallo")
        },
        Account {
            user_roles: owned(&[("rCfgMdSync1", "METADATA_SYNC_CONFIGURATOR")]),
            authorities: configurator_authorities,
            user_groups: owned(&sync_group),
            ..account(
                PORTUGUESE_CONFIGURATOR_ID,
                "configurador",
                "Armando",
                "Macuácua",
            )
        },
        Account {
            user_roles: owned(&[("rExeMdSync1", "METADATA_SYNC_EXECUTOR")]),
            authorities: vec![app_authority.clone()],
            user_groups: owned(&sync_group),
            ..account(EXECUTOR_ID, "executor", "Evan", "Runner")
        },
        // May open the app (its role carries the app's `M_` authority, as when an admin grants
        // the app to data entry clerks) but holds neither MetaData Sync role: the app must
        // explain which role to ask for.
        Account {
            user_roles: owned(&[("rDataEntr01", "Data entry clerk")]),
            authorities: vec![app_authority, "F_DATAVALUE_ADD".to_string()],
            ..account(GUEST_ID, "guest", "Gail", "Guest")
        },
        // Has no access to the app at all (no `M_` authority): DHIS2 refuses to serve it.
        Account {
            user_roles: owned(&[("rDataEntr01", "Data entry clerk")]),
            authorities: vec!["F_DATAVALUE_ADD".to_string()],
            ..account(OUTSIDER_ID, "outsider", "Otto", "Outsider")
        },
    ];
    place_accounts(&mut accounts, &OrgUnitPlaces::sierra_leone());
    accounts
}

/// Assigns each account its data capture (and data view) org unit: the country to admin,
/// configurator and executor, a province each to guest and outsider.
pub fn place_accounts(accounts: &mut [Account], places: &OrgUnitPlaces) {
    for account in accounts {
        let place = match account.username.as_str() {
            "guest" => &places.clerk,
            "outsider" => &places.outsider,
            _ => &places.national,
        };
        account.organisation_units = vec![place.clone()];
    }
}
