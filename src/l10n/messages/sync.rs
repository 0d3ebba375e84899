//! The Sync panel's words for what `core` decides: pipeline steps, statuses, the options'
//! choices, type groups, retries and the reasons a run did not start.

use mdsync_core::browse::{QueryError, TypeGroup};
use mdsync_core::dhis2::metadata::{AtomicMode, IdScheme, ImportStrategy, MergeMode};
use mdsync_core::dhis2::retry::RetryReason;
use mdsync_core::sync::aggregated::AggregatedInputError;
use mdsync_core::sync::metadata::InclusionMode;
use mdsync_core::sync::{RunError, SyncStep, TargetStatus};

use super::access::access_denied;
use super::dhis2::dhis2_error;
use super::instances::instance_error;
use super::storage::storage_error;
use crate::l10n::Language;
use crate::tr;

pub fn step_label(lang: Language, step: SyncStep) -> String {
    match step {
        SyncStep::Prepare => tr!(lang, sync.steps.prepare),
        SyncStep::Read => tr!(lang, sync.steps.read),
        SyncStep::Transform => tr!(lang, sync.steps.transform),
        SyncStep::Write => tr!(lang, sync.steps.write),
        SyncStep::Report => tr!(lang, sync.steps.report),
    }
}

/// The label of a target's status, and its stable key (CSS class, `data-status`).
pub fn target_status(lang: Language, status: TargetStatus) -> (String, &'static str) {
    match status {
        TargetStatus::Success => (tr!(lang, sync.status.success), "success"),
        TargetStatus::Warning => (tr!(lang, sync.status.warning), "warning"),
        TargetStatus::Error => (tr!(lang, sync.status.error), "error"),
        TargetStatus::NetworkError => (tr!(lang, sync.status.network_error), "network-error"),
        TargetStatus::Cancelled => (tr!(lang, sync.status.cancelled), "cancelled"),
    }
}

pub fn type_group(lang: Language, group: TypeGroup) -> String {
    match group {
        TypeGroup::Aggregated => tr!(lang, sync.groups.aggregated),
        TypeGroup::Tracker => tr!(lang, sync.groups.tracker),
        TypeGroup::OrgUnits => tr!(lang, sync.groups.org_units),
        TypeGroup::Categories => tr!(lang, sync.groups.categories),
        TypeGroup::Users => tr!(lang, sync.groups.users),
        TypeGroup::Dashboards => tr!(lang, sync.groups.dashboards),
        TypeGroup::Other => tr!(lang, sync.groups.other),
    }
}

/// "a network error", as in "retrying (2 of 5) after a network error".
pub fn retry_reason(lang: Language, reason: RetryReason) -> String {
    match reason {
        RetryReason::Timeout => tr!(lang, sync.retry.timeout),
        RetryReason::ConnectionDropped | RetryReason::Unreachable => {
            tr!(lang, sync.retry.network)
        }
        RetryReason::ServerUnavailable { status } => {
            tr!(lang, sync.retry.unavailable, status = status)
        }
        RetryReason::TooLarge => tr!(lang, sync.retry.too_large),
    }
}

pub fn query_error(lang: Language, error: &QueryError) -> String {
    match error {
        QueryError::BadDate(date) => tr!(lang, sync.query.bad_date, date = date),
        QueryError::TooLong { bytes, limit } => tr!(
            lang,
            sync.query.too_long,
            bytes = lang.number(*bytes as f64),
            limit = lang.number(*limit as f64)
        ),
    }
}

pub fn run_error(lang: Language, error: &RunError) -> String {
    match error {
        RunError::Denied(denied) => access_denied(lang, denied),
        RunError::NoDestination => tr!(lang, sync.choose_destination),
        RunError::OriginIsDestination { name } => {
            tr!(lang, sync.run_errors.origin_is_destination, name = name)
        }
        RunError::Instance(error) => instance_error(lang, error),
        RunError::Selection(error) => tr!(
            lang,
            sync.run_errors.selection,
            error = dhis2_error(lang, error)
        ),
        RunError::DestinationRead { name, error } => tr!(
            lang,
            sync.run_errors.destination_read,
            name = name,
            error = dhis2_error(lang, error)
        ),
        RunError::NoSuchRun { id } => tr!(lang, sync.run_errors.no_such_run, id = id),
        RunError::CannotResume { id } => tr!(lang, sync.run_errors.cannot_resume, id = id),
        RunError::Journal(error) => tr!(
            lang,
            sync.run_errors.journal,
            error = storage_error(lang, error)
        ),
        RunError::AggregatedInput(error) => aggregated_input(lang, error),
        RunError::Mapping(error) => super::mapping::mapping_store_error(lang, error),
    }
}

/// What is missing or wrong in an aggregated data sync's selection. (`field` is `core`'s
/// name of the field.)
pub fn aggregated_input(lang: Language, error: &AggregatedInputError) -> String {
    match error {
        AggregatedInputError::NoData => tr!(lang, sync.aggregated.no_data),
        AggregatedInputError::NoOrgUnit => tr!(lang, sync.aggregated.no_org_unit),
        AggregatedInputError::BadId { field, id } => {
            tr!(lang, sync.aggregated.bad_id, id = id, field = field)
        }
        AggregatedInputError::EndBeforeStart { start, end } => tr!(
            lang,
            sync.aggregated.end_before_start,
            start = lang.date(start),
            end = lang.date(end)
        ),
        AggregatedInputError::BadDate { field, date } => {
            tr!(lang, sync.aggregated.bad_date, date = date, field = field)
        }
        AggregatedInputError::IndicatorsNeedAggregation => {
            tr!(lang, sync.aggregated.indicators_need_aggregation)
        }
        AggregatedInputError::StaleNeedsRawMode => tr!(lang, sync.aggregated.stale_needs_raw_mode),
        AggregatedInputError::NoAttributeOption => tr!(lang, sync.aggregated.no_attribute_option),
        AggregatedInputError::BadLevel { level } => {
            tr!(
                lang,
                aggregated.levels_groups.bad_level,
                level = level.to_string()
            )
        }
    }
}

/// The label of a choice of the sync options, in the user's language.
pub trait ChoiceText {
    fn text(self, lang: Language) -> String;
}

impl ChoiceText for InclusionMode {
    fn text(self, lang: Language) -> String {
        match self {
            InclusionMode::ObjectsAndReferences => tr!(lang, sync.choices.objects_and_references),
            InclusionMode::ReferencesOnly => tr!(lang, sync.choices.references_only),
            InclusionMode::Remove => tr!(lang, sync.choices.remove),
        }
    }
}

impl ChoiceText for ImportStrategy {
    fn text(self, lang: Language) -> String {
        match self {
            ImportStrategy::CreateAndUpdate => tr!(lang, sync.choices.create_and_update),
            ImportStrategy::Create => tr!(lang, sync.choices.create_only),
            ImportStrategy::Update => tr!(lang, sync.choices.update_only),
            ImportStrategy::Delete => tr!(lang, sync.choices.delete),
        }
    }
}

impl ChoiceText for AtomicMode {
    fn text(self, lang: Language) -> String {
        match self {
            AtomicMode::All => tr!(lang, sync.choices.all_or_nothing),
            AtomicMode::None => tr!(lang, sync.choices.import_valid),
        }
    }
}

impl ChoiceText for MergeMode {
    fn text(self, lang: Language) -> String {
        match self {
            MergeMode::Replace => tr!(lang, sync.choices.replace),
            MergeMode::Merge => tr!(lang, sync.choices.merge),
        }
    }
}

impl ChoiceText for IdScheme {
    fn text(self, lang: Language) -> String {
        match self {
            // DHIS2's name for its identifiers, the same in every language.
            IdScheme::Uid => "UID".to_string(),
            IdScheme::Code => tr!(lang, sync.choices.code),
        }
    }
}
