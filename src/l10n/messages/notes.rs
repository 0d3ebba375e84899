//! What a report says beyond its figures, in the user's language: the notes of a target
//! ([`ReportNote`]), the errors this app phrased ([`SyncProblem`], inside a [`SyncError`]), the
//! mapping check's findings ([`Finding`]) and the notes of an aggregated run
//! ([`AggregatedNote`]). Notes stored before they were typed are English sentences and are shown
//! as they are; the server's own messages are DHIS2's words and are shown as they came.

use mdsync_core::mapping::Finding;
use mdsync_core::sync::aggregated::AggregatedNote;
use mdsync_core::sync::{ReportNote, SyncError, SyncProblem};

use super::dhis2::dhis2_error;
use super::sync::aggregated_input;
use super::types::type_label;
use crate::l10n::Language;
use crate::{counted, tr};

pub fn report_note(lang: Language, note: &ReportNote) -> String {
    let n = |value: &usize| lang.number(*value as f64);
    match note {
        ReportNote::CancelledBeforeWriting => tr!(lang, sync.notes.cancelled_before_writing),
        ReportNote::Cancelled { sent, planned } => tr!(
            lang,
            sync.notes.cancelled,
            sent = n(sent),
            chunks = counted!(lang, sync.results.chunks, *planned)
        ),
        ReportNote::StoppedAfterChunk { sent, planned } => tr!(
            lang,
            sync.notes.stopped_after_chunk,
            sent = n(sent),
            planned = n(planned)
        ),
        ReportNote::InterruptedThenResumed { error } => tr!(
            lang,
            sync.notes.interrupted_then_resumed,
            error = sync_error_message(lang, error)
        ),
        ReportNote::AlreadySent { objects } => counted!(lang, sync.notes.already_sent, *objects),
        ReportNote::DryRunPreviewFailed { target, error } => tr!(
            lang,
            sync.notes.dry_run_preview_failed,
            target = target,
            error = dhis2_error(lang, error)
        ),
        ReportNote::MergeModeIgnored { version } => {
            tr!(lang, sync.notes.merge_mode_ignored, version = version)
        }
        ReportNote::TypeUnknown {
            version,
            plural,
            objects,
        } => counted!(
            lang,
            sync.notes.type_unknown,
            *objects,
            version = version,
            kind = type_label(lang, plural)
        ),
        ReportNote::PropertyDropped {
            version,
            plural,
            property,
            objects,
        } => counted!(
            lang,
            sync.notes.property_dropped,
            *objects,
            version = version,
            kind = type_label(lang, plural),
            property = property
        ),
        ReportNote::MappingApplied {
            objects,
            references,
            expressions,
        } => tr!(
            lang,
            sync.notes.mapping_applied,
            objects = n(objects),
            references = n(references),
            expressions = n(expressions)
        ),
        ReportNote::MappingFinding { finding } => finding_text(lang, finding),
        ReportNote::AlreadyAbsent { objects } => {
            counted!(lang, sync.notes.already_absent, *objects)
        }
        ReportNote::RawResponsesLeftOut { responses, bytes } => counted!(
            lang,
            sync.notes.raw_responses_left_out,
            *responses,
            bytes = n(bytes)
        ),
        ReportNote::ProgressNotSaved { detail } => {
            tr!(lang, sync.notes.progress_not_saved, error = detail)
        }
        ReportNote::Problem { problem } => sync_problem(lang, problem),
        ReportNote::Aggregated { detail } => aggregated_note(lang, detail),
        ReportNote::Other(text) => text.clone(),
        ReportNote::Unknown(_) => tr!(lang, sync.notes.unknown),
    }
}

/// An error of a report: the app's words when the app phrased it, else the server's message.
pub fn sync_error_message(lang: Language, error: &SyncError) -> String {
    match &error.problem {
        Some(problem) => sync_problem(lang, problem),
        None => error.message.clone(),
    }
}

pub fn sync_problem(lang: Language, problem: &SyncProblem) -> String {
    match problem {
        SyncProblem::Dhis2 { error } => dhis2_error(lang, error),
        SyncProblem::NotAtOrigin {
            origin,
            kind: None,
            ids,
        } => tr!(
            lang,
            sync.problems.selected_not_at_origin,
            ids = ids.join(", "),
            origin = origin
        ),
        SyncProblem::NotAtOrigin {
            origin,
            kind: Some(kind),
            ids,
        } => tr!(
            lang,
            sync.problems.not_at_origin,
            origin = origin,
            kind = type_label(lang, kind),
            ids = ids.join(", ")
        ),
        SyncProblem::OutsideHierarchy { origin, units } => tr!(
            lang,
            sync.problems.outside_hierarchy,
            units = units.join(", "),
            origin = origin
        ),
        SyncProblem::OriginReadFailed { done, total, error } => tr!(
            lang,
            sync.problems.origin_read_failed,
            done = lang.number(*done as f64),
            total = lang.number(*total as f64),
            error = dhis2_error(lang, error)
        ),
        SyncProblem::SliceTooLarge { label, limit } => tr!(
            lang,
            sync.problems.slice_too_large,
            label = label,
            limit = lang.number(*limit as f64)
        ),
        SyncProblem::DataSetMissing { id } => tr!(lang, sync.problems.data_set_missing, id = id),
        SyncProblem::MappingUnreadable { detail } => {
            tr!(lang, sync.problems.mapping_unreadable, detail = detail)
        }
        SyncProblem::Mapping { finding } => finding_text(lang, finding),
        SyncProblem::AnalyticsFailed {
            instance,
            message,
            error,
        } => {
            let reason = match (message, error) {
                (Some(message), _) => message.clone(),
                (None, Some(error)) => dhis2_error(lang, error),
                (None, None) => String::new(),
            };
            match instance {
                Some(instance) => tr!(
                    lang,
                    sync.problems.analytics_failed,
                    instance = instance,
                    reason = reason
                ),
                None => tr!(lang, sync.problems.analytics_failed_origin, reason = reason),
            }
        }
        SyncProblem::BadSelection { error } => aggregated_input(lang, error),
        SyncProblem::NoUnitsAtLevelsOrGroups {
            origin,
            levels,
            groups,
        } => tr!(
            lang,
            aggregated.levels_groups.none_found,
            origin = origin,
            levels = levels
                .iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(", "),
            groups = groups.join(", ")
        ),
        SyncProblem::Events { error } => super::events_notes::events_problem(lang, error),
    }
}

/// What the mapping check found (entry paths are the mapping file's own).
pub fn finding_text(lang: Language, finding: &Finding) -> String {
    match finding {
        Finding::Unmapped { plural, id } => tr!(
            lang,
            sync.findings.unmapped,
            kind = type_label(lang, plural),
            id = id
        ),
        Finding::TargetMissing { entry, target } => tr!(
            lang,
            sync.findings.target_missing,
            entry = entry.to_string(),
            target = target
        ),
        Finding::Overlap {
            mapping_type,
            target,
            origins,
        } => tr!(
            lang,
            sync.findings.overlap,
            entry = mapping_type.to_string(),
            origins = origins.join(", "),
            target = target
        ),
    }
}

/// A note of an aggregated data sync.
pub fn aggregated_note(lang: Language, note: &AggregatedNote) -> String {
    let n = |value: &u64| lang.number(*value as f64);
    match note {
        AggregatedNote::NoPreviousRun => tr!(lang, sync.notes.aggregated.no_previous_run),
        AggregatedNote::UnknownTimeZone { zone } => {
            tr!(lang, sync.notes.aggregated.unknown_time_zone, zone = zone)
        }
        AggregatedNote::SkippedExisting { values, bytes } => tr!(
            lang,
            sync.notes.aggregated.skipped_existing,
            values = n(values),
            bytes = n(bytes)
        ),
        AggregatedNote::ExcludedByMapping { values } => {
            tr!(
                lang,
                sync.notes.aggregated.excluded_by_mapping,
                values = n(values)
            )
        }
        AggregatedNote::MissingAtDestination { plural, ids } => tr!(
            lang,
            sync.notes.aggregated.missing_at_destination,
            kind = type_label(lang, plural),
            ids = ids.join(", ")
        ),
        AggregatedNote::MappingNotInverted { detail } => {
            tr!(
                lang,
                sync.notes.aggregated.mapping_not_inverted,
                detail = detail
            )
        }
        AggregatedNote::StaleDeleted { values } => {
            tr!(
                lang,
                sync.notes.aggregated.stale_deleted,
                values = n(values)
            )
        }
        AggregatedNote::StoppedAt { done, total } => tr!(
            lang,
            sync.notes.aggregated.stopped_at,
            done = lang.number(*done as f64),
            total = lang.number(*total as f64)
        ),
        AggregatedNote::ConflictsLeftOut { kept, more } => tr!(
            lang,
            sync.notes.aggregated.conflicts_left_out,
            kept = lang.number(*kept as f64),
            more = lang.number(*more as f64)
        ),
        AggregatedNote::SliceSplit { label } => {
            tr!(lang, sync.notes.aggregated.slice_split, label = label)
        }
        AggregatedNote::MappingNeedsUids => tr!(lang, sync.notes.aggregated.mapping_needs_uids),
        AggregatedNote::AnalyticsRun { instance } => {
            tr!(
                lang,
                sync.notes.aggregated.analytics_run,
                instance = instance
            )
        }
        AggregatedNote::FileValuesNotSent { values } => {
            tr!(
                lang,
                sync.notes.aggregated.file_values_not_sent,
                values = n(values)
            )
        }
        AggregatedNote::FilesCopied { files } => {
            tr!(lang, sync.notes.aggregated.files_copied, files = n(files))
        }
    }
}
