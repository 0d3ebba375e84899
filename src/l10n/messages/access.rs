//! The panels, the app roles and refusals ([`AccessDenied`]) in the user's language. Role and
//! authority names (`METADATA_SYNC_CONFIGURATOR`, `ALL`) are DHIS2 identifiers and stay as
//! they are in every language: they are what the administrator types.

use mdsync_core::access::{
    AccessDenied, AppRole, Operation, Panel, RequiredRole, ALL_AUTHORITY, CONFIGURATOR_ROLE,
    EXECUTOR_ROLE,
};

use crate::l10n::Language;
use crate::tr;

pub fn panel_title(lang: Language, panel: Panel) -> String {
    match panel {
        Panel::Instances => tr!(lang, panels.instances.title),
        Panel::Mapping => tr!(lang, panels.mapping.title),
        Panel::Sync => tr!(lang, panels.sync.title),
        Panel::Rules => tr!(lang, panels.rules.title),
        Panel::History => tr!(lang, panels.history.title),
        Panel::Settings => tr!(lang, panels.settings.title),
    }
}

/// What a panel is for, as the home page says it.
pub fn panel_description(lang: Language, panel: Panel, role: AppRole) -> String {
    match (panel, role) {
        (Panel::Instances, _) => tr!(lang, panels.instances.description),
        (Panel::Mapping, _) => tr!(lang, panels.mapping.description),
        (Panel::Sync, _) => tr!(lang, panels.sync.description),
        (Panel::Rules, AppRole::RunOnly) => tr!(lang, panels.rules.description_run_only),
        (Panel::Rules, _) => tr!(lang, panels.rules.description),
        (Panel::History, _) => tr!(lang, panels.history.description),
        (Panel::Settings, _) => tr!(lang, panels.settings.description),
    }
}

/// What a panel that is not built yet will offer.
pub fn panel_coming(lang: Language, panel: Panel) -> String {
    match panel {
        Panel::Instances => tr!(lang, panels.instances.coming),
        Panel::Mapping => tr!(lang, panels.mapping.coming),
        Panel::Sync => tr!(lang, panels.sync.coming),
        Panel::Rules => tr!(lang, panels.rules.coming),
        Panel::History => tr!(lang, panels.history.coming),
        Panel::Settings => tr!(lang, panels.settings.coming),
    }
}

/// The panel titles a role may open, joined for a sentence.
pub fn panel_list(lang: Language, role: AppRole) -> String {
    role.panels()
        .into_iter()
        .map(|panel| panel_title(lang, panel))
        .collect::<Vec<_>>()
        .join(", ")
}

/// What a user without access should ask their DHIS2 administrator for.
pub fn no_access_help(lang: Language) -> String {
    tr!(
        lang,
        access.no_access_help,
        configurator = CONFIGURATOR_ROLE,
        executor = EXECUTOR_ROLE
    )
}

pub fn access_denied(lang: Language, denied: &AccessDenied) -> String {
    match denied {
        AccessDenied::MissingRole {
            operation,
            required,
        } => tr!(
            lang,
            access.missing_role,
            operation = operation_text(lang, *operation),
            required = required_role(lang, *required)
        ),
        AccessDenied::NotShared {
            operation,
            name,
            write_needed: false,
        } => tr!(
            lang,
            access.not_shared,
            operation = operation_text(lang, *operation),
            name = name
        ),
        AccessDenied::NotShared {
            operation,
            name,
            write_needed: true,
        } => tr!(
            lang,
            access.not_shared_for_editing,
            operation = operation_text(lang, *operation),
            name = name
        ),
    }
}

pub fn required_role(lang: Language, required: RequiredRole) -> String {
    match required {
        RequiredRole::Executor => tr!(
            lang,
            access.required.executor,
            executor = EXECUTOR_ROLE,
            configurator = CONFIGURATOR_ROLE
        ),
        RequiredRole::Configurator => {
            tr!(
                lang,
                access.required.configurator,
                configurator = CONFIGURATOR_ROLE
            )
        }
        RequiredRole::Administrator => {
            tr!(lang, access.required.administrator, all = ALL_AUTHORITY)
        }
    }
}

/// What an operation does, to complete "You may not …".
pub fn operation_text(lang: Language, operation: Operation) -> String {
    use Operation::*;
    match operation {
        ListInstances => tr!(lang, access.operations.list_instances),
        CreateInstance => tr!(lang, access.operations.create_instance),
        EditInstance => tr!(lang, access.operations.edit_instance),
        DeleteInstance => tr!(lang, access.operations.delete_instance),
        TestInstance => tr!(lang, access.operations.test_instance),
        UseInstanceCredentials => tr!(lang, access.operations.use_instance_credentials),
        ListInstanceNames => tr!(lang, access.operations.list_instance_names),
        ReadMapping => tr!(lang, access.operations.read_mapping),
        EditMapping => tr!(lang, access.operations.edit_mapping),
        ListRules => tr!(lang, access.operations.list_rules),
        CreateRule => tr!(lang, access.operations.create_rule),
        EditRule => tr!(lang, access.operations.edit_rule),
        DeleteRule => tr!(lang, access.operations.delete_rule),
        ShareRule => tr!(lang, access.operations.share_rule),
        RunMetadataSync => tr!(lang, access.operations.run_metadata_sync),
        RunAggregatedSync => tr!(lang, access.operations.run_aggregated_sync),
        RunEventsSync => tr!(lang, access.operations.run_events_sync),
        ReplayDeletions => tr!(lang, access.operations.replay_deletions),
        RunRule => tr!(lang, access.operations.run_rule),
        ReadHistory => tr!(lang, access.operations.read_history),
        DeleteHistory => tr!(lang, access.operations.delete_history),
        PruneHistory => tr!(lang, access.operations.prune_history),
        ReadSettings => tr!(lang, access.operations.read_settings),
        EditSettings => tr!(lang, access.operations.edit_settings),
    }
}
