//! The names of the tracker object types in the user's language (the selection's errors and
//! the run's notes are rendered by `l10n::messages::events_notes`).

use crate::l10n::messages::type_label;
use crate::l10n::Language;
use crate::tr;

/// Tracked entities, enrollments, events and relationships; other types as the catalog names
/// them.
pub fn object_label(lang: Language, plural: &str) -> String {
    match plural {
        "trackedEntities" => tr!(lang, events.objects.tracked_entities),
        "enrollments" => tr!(lang, events.objects.enrollments),
        "events" => tr!(lang, events.objects.events),
        "relationships" => tr!(lang, events.objects.relationships),
        other => type_label(lang, other),
    }
}
