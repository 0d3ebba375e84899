//! Who may do what in the app, decided from `/api/me`. The UI hides what a role cannot use;
//! `core` refuses it as well, so hiding a button is never the only guard.

use crate::dhis2::Me;

/// The user role name that grants configuration (MDSync's name, so user setups carry over).
pub const CONFIGURATOR_ROLE: &str = "METADATA_SYNC_CONFIGURATOR";
/// The user role name that grants running shared rules and reading history.
pub const EXECUTOR_ROLE: &str = "METADATA_SYNC_EXECUTOR";
/// The DHIS2 authority of superusers.
pub const ALL_AUTHORITY: &str = "ALL";

/// The app-level role of the logged-in user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum AppRole {
    /// Authority `ALL`: everything.
    Admin,
    /// User role `METADATA_SYNC_CONFIGURATOR`: instances, mappings, syncs, rules.
    Configurator,
    /// User role `METADATA_SYNC_EXECUTOR`: runs shared rules, reads history.
    RunOnly,
    /// Neither: may not use the app.
    NoAccess,
}

/// The five panels of the app, in home-page order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum Panel {
    Instances,
    Mapping,
    Sync,
    Rules,
    History,
}

impl Panel {
    pub const ALL: [Panel; 5] = [
        Panel::Instances,
        Panel::Mapping,
        Panel::Sync,
        Panel::Rules,
        Panel::History,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Panel::Instances => "Instances",
            Panel::Mapping => "Mapping",
            Panel::Sync => "Sync",
            Panel::Rules => "Rules",
            Panel::History => "History",
        }
    }

    /// The hash route of the panel (`#/instances`).
    pub fn route(self) -> &'static str {
        match self {
            Panel::Instances => "instances",
            Panel::Mapping => "mapping",
            Panel::Sync => "sync",
            Panel::Rules => "rules",
            Panel::History => "history",
        }
    }

    pub fn from_route(route: &str) -> Option<Panel> {
        Panel::ALL.into_iter().find(|panel| panel.route() == route)
    }
}

impl AppRole {
    pub fn of(me: &Me) -> AppRole {
        let has_role = |name: &str| me.user_roles.iter().any(|role| role.name == name);
        if me
            .authorities
            .iter()
            .any(|authority| authority == ALL_AUTHORITY)
        {
            AppRole::Admin
        } else if has_role(CONFIGURATOR_ROLE) {
            AppRole::Configurator
        } else if has_role(EXECUTOR_ROLE) {
            AppRole::RunOnly
        } else {
            AppRole::NoAccess
        }
    }

    /// May create, edit and delete instances, mappings and rules, and run manual syncs.
    pub fn can_configure(self) -> bool {
        matches!(self, AppRole::Admin | AppRole::Configurator)
    }

    /// May run rules shared with the user.
    pub fn can_run_rules(self) -> bool {
        self != AppRole::NoAccess
    }

    /// The panels this role sees, in home-page order.
    pub fn panels(self) -> Vec<Panel> {
        match self {
            AppRole::Admin | AppRole::Configurator => Panel::ALL.to_vec(),
            AppRole::RunOnly => vec![Panel::Rules, Panel::History],
            AppRole::NoAccess => Vec::new(),
        }
    }

    pub fn can_open(self, panel: Panel) -> bool {
        self.panels().contains(&panel)
    }

    /// What a user without access should ask their DHIS2 administrator for.
    pub fn access_help() -> String {
        format!(
            "You have no access to MetaData Sync. Ask your DHIS2 administrator for the user role \
             {CONFIGURATOR_ROLE} (to set up instances, mappings, syncs and rules) or \
             {EXECUTOR_ROLE} (to run the rules shared with you and read their history)."
        )
    }
}
