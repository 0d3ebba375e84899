//! Who may do what in the app, decided from `/api/me`. The UI hides what a role cannot use;
//! `core` refuses it as well, so hiding a button is never the only guard.
//!
//! Every operation of `core` that reads or changes the app's configuration, or runs a sync,
//! first asks [`Actor::authorize`] for its [`Operation`]; a refusal is an [`AccessDenied`]
//! naming the role that is missing.

use crate::dhis2::Me;
use crate::model::Sharing;

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

/// The panels of the app, in home-page order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum Panel {
    Instances,
    Mapping,
    Sync,
    Rules,
    History,
    /// History retention and the user's sync defaults (administrators only).
    Settings,
}

impl Panel {
    pub const ALL: [Panel; 6] = [
        Panel::Instances,
        Panel::Mapping,
        Panel::Sync,
        Panel::Rules,
        Panel::History,
        Panel::Settings,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Panel::Instances => "Instances",
            Panel::Mapping => "Mapping",
            Panel::Sync => "Sync",
            Panel::Rules => "Rules",
            Panel::History => "History",
            Panel::Settings => "Settings",
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
            Panel::Settings => "settings",
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
            AppRole::Admin => Panel::ALL.to_vec(),
            AppRole::Configurator => Panel::ALL
                .into_iter()
                .filter(|panel| *panel != Panel::Settings)
                .collect(),
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

/// Everything a user can ask `core` to do. Each has one role it needs ([`Operation::required`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Operation {
    /// List the remote instances with their URLs and accounts.
    ListInstances,
    CreateInstance,
    EditInstance,
    DeleteInstance,
    /// Test the connection to an instance.
    TestInstance,
    /// Hold an instance's decrypted credentials outside a run (browse its metadata, test it).
    UseInstanceCredentials,
    /// See the names of the instances (pickers, rule summaries).
    ListInstanceNames,
    ReadMapping,
    EditMapping,
    ListRules,
    CreateRule,
    EditRule,
    DeleteRule,
    ShareRule,
    /// Run a manual (not saved) metadata sync.
    RunMetadataSync,
    /// Run a manual (not saved) aggregated data sync.
    RunAggregatedSync,
    /// Run a manual (not saved) events and tracker sync.
    RunEventsSync,
    /// Replay the origin's deletions on destinations.
    ReplayDeletions,
    /// Run a saved rule (the rule's own sharing is checked too).
    RunRule,
    ReadHistory,
    DeleteHistory,
    /// Delete history entries past the retention, whoever made them.
    PruneHistory,
    ReadSettings,
    EditSettings,
}

/// The least a user needs for an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub enum RequiredRole {
    /// `METADATA_SYNC_EXECUTOR`, `METADATA_SYNC_CONFIGURATOR` or `ALL`.
    Executor,
    /// `METADATA_SYNC_CONFIGURATOR` or `ALL`.
    Configurator,
    /// The DHIS2 authority `ALL`.
    Administrator,
}

impl std::fmt::Display for RequiredRole {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RequiredRole::Executor => {
                write!(f, "the user role {EXECUTOR_ROLE} (or {CONFIGURATOR_ROLE})")
            }
            RequiredRole::Configurator => write!(f, "the user role {CONFIGURATOR_ROLE}"),
            RequiredRole::Administrator => {
                write!(f, "the DHIS2 authority {ALL_AUTHORITY} (superuser)")
            }
        }
    }
}

impl Operation {
    pub fn required(self) -> RequiredRole {
        use Operation::*;
        match self {
            ListInstanceNames | ListRules | RunRule | ReadHistory | ReadSettings => {
                RequiredRole::Executor
            }
            ListInstances
            | CreateInstance
            | EditInstance
            | DeleteInstance
            | TestInstance
            | UseInstanceCredentials
            | ReadMapping
            | EditMapping
            | CreateRule
            | EditRule
            | DeleteRule
            | ShareRule
            | RunMetadataSync
            | RunAggregatedSync
            | RunEventsSync
            | ReplayDeletions
            | DeleteHistory => RequiredRole::Configurator,
            EditSettings | PruneHistory => RequiredRole::Administrator,
        }
    }

    /// What the operation does, for messages ("run a metadata sync").
    pub fn describe(self) -> &'static str {
        use Operation::*;
        match self {
            ListInstances => "manage instances",
            CreateInstance => "create instances",
            EditInstance => "edit instances",
            DeleteInstance => "delete instances",
            TestInstance => "test instances",
            UseInstanceCredentials => "use an instance's credentials",
            ListInstanceNames => "see instances",
            ReadMapping => "read mappings",
            EditMapping => "change mappings",
            ListRules => "see rules",
            CreateRule => "create rules",
            EditRule => "edit rules",
            DeleteRule => "delete rules",
            ShareRule => "change the sharing of rules",
            RunMetadataSync => "run a metadata sync",
            RunAggregatedSync => "run an aggregated data sync",
            RunEventsSync => "run an events and tracker sync",
            ReplayDeletions => "replay deletions",
            RunRule => "run rules",
            ReadHistory => "read the sync history",
            DeleteHistory => "delete history entries",
            PruneHistory => "remove old history entries",
            ReadSettings => "read the settings",
            EditSettings => "change the settings",
        }
    }
}

impl AppRole {
    /// Whether this role meets `required`.
    pub fn meets(self, required: RequiredRole) -> bool {
        match required {
            RequiredRole::Executor => self != AppRole::NoAccess,
            RequiredRole::Configurator => matches!(self, AppRole::Admin | AppRole::Configurator),
            RequiredRole::Administrator => self == AppRole::Admin,
        }
    }
}

/// An operation refused for the acting user's role or the object's sharing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccessDenied {
    #[error(
        "You may not {}: it needs {required}. Ask your DHIS2 administrator for it.",
        operation.describe()
    )]
    MissingRole {
        operation: Operation,
        required: RequiredRole,
    },
    #[error(
        "You may not {}: \"{name}\" is not shared with you{}. Ask a configurator to share it.",
        operation.describe(),
        if *write_needed { " for editing" } else { "" }
    )]
    NotShared {
        operation: Operation,
        name: String,
        write_needed: bool,
    },
}

/// The user acting on `core`: who they are (from `/api/me`) and their app role.
#[derive(Debug, Clone, PartialEq)]
pub struct Actor {
    me: Me,
    role: AppRole,
}

impl Actor {
    pub fn new(me: Me) -> Actor {
        Actor {
            role: AppRole::of(&me),
            me,
        }
    }

    pub fn me(&self) -> &Me {
        &self.me
    }

    pub fn role(&self) -> AppRole {
        self.role
    }

    /// `Ok` when the user's role allows `operation`, else the role that is missing.
    pub fn authorize(&self, operation: Operation) -> Result<(), AccessDenied> {
        let required = operation.required();
        if self.role.meets(required) {
            Ok(())
        } else {
            Err(AccessDenied::MissingRole {
                operation,
                required,
            })
        }
    }

    /// As [`Actor::authorize`], and the object's sharing must grant read (or write, for an
    /// operation that changes it).
    pub fn authorize_on(
        &self,
        operation: Operation,
        name: &str,
        sharing: &Sharing,
        write_needed: bool,
    ) -> Result<(), AccessDenied> {
        self.authorize(operation)?;
        let granted = if write_needed {
            sharing.can_write(&self.me)
        } else {
            sharing.can_read(&self.me)
        };
        if granted {
            Ok(())
        } else {
            Err(AccessDenied::NotShared {
                operation,
                name: name.to_string(),
                write_needed,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dhis2::NamedRef;

    fn me_with(roles: &[&str], authorities: &[&str]) -> Me {
        Me {
            id: "user0000001".into(),
            username: "someone".into(),
            name: "Someone".into(),
            authorities: authorities.iter().map(|a| a.to_string()).collect(),
            user_roles: roles
                .iter()
                .map(|name| NamedRef {
                    id: "role0000001".into(),
                    name: name.to_string(),
                })
                .collect(),
            user_groups: Vec::new(),
            organisation_units: Vec::new(),
            ui_locale: None,
        }
    }

    const EVERY_OPERATION: [Operation; 24] = {
        use Operation::*;
        [
            ListInstances,
            CreateInstance,
            EditInstance,
            DeleteInstance,
            TestInstance,
            UseInstanceCredentials,
            ListInstanceNames,
            ReadMapping,
            EditMapping,
            ListRules,
            CreateRule,
            EditRule,
            DeleteRule,
            ShareRule,
            RunMetadataSync,
            RunAggregatedSync,
            RunEventsSync,
            ReplayDeletions,
            RunRule,
            ReadHistory,
            DeleteHistory,
            PruneHistory,
            ReadSettings,
            EditSettings,
        ]
    };

    #[test]
    fn a_run_only_user_may_run_rules_and_read_history_and_nothing_else() {
        let executor = Actor::new(me_with(&[EXECUTOR_ROLE], &[]));
        let allowed: Vec<Operation> = EVERY_OPERATION
            .into_iter()
            .filter(|op| executor.authorize(*op).is_ok())
            .collect();
        assert_eq!(
            allowed,
            vec![
                Operation::ListInstanceNames,
                Operation::ListRules,
                Operation::RunRule,
                Operation::ReadHistory,
                Operation::ReadSettings
            ]
        );
        let refused = executor.authorize(Operation::RunMetadataSync).unwrap_err();
        assert_eq!(
            refused,
            AccessDenied::MissingRole {
                operation: Operation::RunMetadataSync,
                required: RequiredRole::Configurator
            }
        );
        assert!(refused.to_string().contains(CONFIGURATOR_ROLE));
        assert!(matches!(
            executor.authorize(Operation::RunAggregatedSync),
            Err(AccessDenied::MissingRole {
                required: RequiredRole::Configurator,
                ..
            })
        ));
    }

    #[test]
    fn a_user_without_an_app_role_may_do_nothing() {
        let guest = Actor::new(me_with(&["Data entry clerk"], &["M_metadatasync"]));
        for operation in EVERY_OPERATION {
            let refused = guest.authorize(operation).unwrap_err();
            assert!(
                refused.to_string().contains(EXECUTOR_ROLE)
                    || refused.to_string().contains(CONFIGURATOR_ROLE)
                    || refused.to_string().contains(ALL_AUTHORITY),
                "{refused}"
            );
        }
    }

    #[test]
    fn configurators_may_do_all_but_settings_which_need_a_superuser() {
        let configurator = Actor::new(me_with(&[CONFIGURATOR_ROLE], &[]));
        let admin = Actor::new(me_with(&[], &[ALL_AUTHORITY]));
        for operation in EVERY_OPERATION {
            assert!(admin.authorize(operation).is_ok());
            assert_eq!(
                configurator.authorize(operation).is_ok(),
                !matches!(operation, Operation::EditSettings | Operation::PruneHistory),
                "{operation:?}"
            );
        }
        assert!(configurator
            .authorize(Operation::EditSettings)
            .unwrap_err()
            .to_string()
            .contains("ALL"));
    }

    #[test]
    fn sharing_is_checked_after_the_role() {
        let executor = Actor::new(me_with(&[EXECUTOR_ROLE], &[]));
        let private = Sharing::default();
        let refused = executor
            .authorize_on(Operation::RunRule, "ANC monthly", &private, false)
            .unwrap_err();
        assert!(refused
            .to_string()
            .contains("\"ANC monthly\" is not shared with you"));
        let readable = Sharing {
            public_access: Sharing::PUBLIC_READ.into(),
            ..Sharing::default()
        };
        assert!(executor
            .authorize_on(Operation::RunRule, "ANC monthly", &readable, false)
            .is_ok());
        // Readable is not enough to change it, and the role is checked first.
        assert!(matches!(
            executor.authorize_on(Operation::EditRule, "ANC monthly", &readable, true),
            Err(AccessDenied::MissingRole { .. })
        ));
    }
}
