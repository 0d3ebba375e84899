//! `core`'s typed notes of an aggregated run, in the user's language.

use mdsync_core::sync::aggregated::AggregatedNote;

use crate::l10n::messages::type_label;
use crate::l10n::Language;
use crate::tr;

pub fn note_text(lang: Language, note: &AggregatedNote) -> String {
    let n = |value: &u64| lang.number(*value as f64);
    match note {
        AggregatedNote::NoPreviousRun => tr!(lang, aggregated.notes.no_previous_run),
        AggregatedNote::UnknownTimeZone { zone } => {
            tr!(lang, aggregated.notes.unknown_time_zone, zone = zone)
        }
        AggregatedNote::SkippedExisting { values, bytes } => tr!(
            lang,
            aggregated.notes.skipped_existing,
            values = n(values),
            bytes = n(bytes)
        ),
        AggregatedNote::ExcludedByMapping { values } => {
            tr!(
                lang,
                aggregated.notes.excluded_by_mapping,
                values = n(values)
            )
        }
        AggregatedNote::MissingAtDestination { plural, ids } => tr!(
            lang,
            aggregated.notes.missing_at_destination,
            kind = type_label(lang, plural),
            ids = ids.join(", ")
        ),
        AggregatedNote::MappingNotInverted { detail } => {
            tr!(lang, aggregated.notes.mapping_not_inverted, detail = detail)
        }
        AggregatedNote::StaleDeleted { values } => {
            tr!(lang, aggregated.notes.stale_deleted, values = n(values))
        }
        AggregatedNote::StoppedAt { done, total } => tr!(
            lang,
            aggregated.notes.stopped_at,
            done = lang.number(*done as f64),
            total = lang.number(*total as f64)
        ),
        AggregatedNote::ConflictsLeftOut { kept, more } => tr!(
            lang,
            aggregated.notes.conflicts_left_out,
            kept = lang.number(*kept as f64),
            more = lang.number(*more as f64)
        ),
        AggregatedNote::SliceSplit { label } => {
            tr!(lang, aggregated.notes.slice_split, label = label)
        }
        AggregatedNote::MappingNeedsUids => tr!(lang, aggregated.notes.mapping_needs_uids),
        AggregatedNote::AnalyticsRun { instance } => {
            tr!(lang, aggregated.notes.analytics_run, instance = instance)
        }
        AggregatedNote::FileValuesNotSent { values } => {
            tr!(
                lang,
                aggregated.notes.file_values_not_sent,
                values = n(values)
            )
        }
    }
}
