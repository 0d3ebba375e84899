//! What an events and tracker sync says, in the user's language: its refusals
//! ([`EventsProblem`], inside a report's errors) and its notes ([`EventsNote`], in the run's
//! events details).

use mdsync_core::sync::events::{EventsInputError, EventsNote, EventsProblem, ProgramProblem};

use crate::l10n::Language;
use crate::{counted, tr};

/// A refusal of an events run, a destination or one object.
pub fn events_problem(lang: Language, problem: &EventsProblem) -> String {
    match problem {
        EventsProblem::Input { error } => events_input(lang, error),
        EventsProblem::Program { problem } => program_problem(lang, problem),
        EventsProblem::StageNotAtDestination { stage } => {
            tr!(
                lang,
                sync.problems.events.stage_not_at_destination,
                stage = stage
            )
        }
        EventsProblem::NothingMappedAsAggregated { programs } => tr!(
            lang,
            sync.problems.events.nothing_mapped_as_aggregated,
            programs = programs.join(", ")
        ),
    }
}

/// What is wrong with an events selection.
pub fn events_input(lang: Language, error: &EventsInputError) -> String {
    match error {
        EventsInputError::NoProgram => tr!(lang, sync.problems.events.no_program),
        EventsInputError::NoOrgUnit => tr!(lang, sync.problems.events.no_org_unit),
        EventsInputError::BadId { id } => tr!(lang, sync.problems.events.bad_id, id = id),
        EventsInputError::NothingChosen { what } if what == "events" => {
            tr!(lang, sync.problems.events.no_event_chosen)
        }
        EventsInputError::NothingChosen { .. } => {
            tr!(lang, sync.problems.events.no_tracked_entity_chosen)
        }
        EventsInputError::PageSize { size } => tr!(
            lang,
            sync.problems.events.page_size,
            size = lang.number(*size as f64),
            max = lang.number(mdsync_core::sync::events::selection::MAX_PAGE_SIZE as f64)
        ),
        EventsInputError::BadDate { date } => {
            tr!(lang, sync.problems.events.bad_date, date = date)
        }
    }
}

/// Why a destination gets nothing of a program.
pub fn program_problem(lang: Language, problem: &ProgramProblem) -> String {
    match problem {
        ProgramProblem::Missing { name, destination } => tr!(
            lang,
            sync.problems.events.program_missing,
            name = name,
            destination = destination
        ),
        ProgramProblem::EventToTracker { name, destination } => tr!(
            lang,
            sync.problems.events.event_to_tracker,
            name = name,
            destination = destination
        ),
        ProgramProblem::TrackedEntityTypeMismatch {
            name,
            destination,
            origin_type,
            destination_type,
        } => tr!(
            lang,
            sync.problems.events.tracked_entity_type_mismatch,
            name = name,
            destination = destination,
            origin_type = origin_type,
            destination_type = destination_type
        ),
    }
}

/// A note of an events run.
pub fn events_note(lang: Language, note: &EventsNote) -> String {
    let n = |value: usize| lang.number(value as f64);
    match note {
        EventsNote::EntitiesAddedForEvents { program, count } => counted!(
            lang,
            sync.notes.events.entities_added_for_events,
            *count,
            program = program
        ),
        EventsNote::Cancelled { pages } => counted!(lang, sync.notes.events.cancelled, *pages),
        EventsNote::OriginStopped { pages } => {
            counted!(lang, sync.notes.events.origin_stopped, *pages)
        }
        EventsNote::SynchronousImport { target } => {
            tr!(lang, sync.notes.events.synchronous_import, target = target)
        }
        EventsNote::TrackerToEvents {
            target,
            program,
            destination_program,
        } => tr!(
            lang,
            sync.notes.events.tracker_to_events,
            target = target,
            program = program,
            destination_program = destination_program
        ),
        EventsNote::LeftOutByMapping {
            target,
            what,
            count,
            kind,
            reason,
        } => match (item_kind(lang, kind), exclusion(lang, reason)) {
            (Some(kind), Some(reason)) => tr!(
                lang,
                sync.notes.events.left_out_by_mapping,
                target = target,
                kind = kind,
                count = n(*count),
                reason = reason
            ),
            // Stored before the note was typed: its English words.
            _ => format!("{target}: {} {what}", n(*count)),
        },
        EventsNote::MappingNotInverted { target, detail } => tr!(
            lang,
            sync.notes.events.mapping_not_inverted,
            target = target,
            detail = detail
        ),
        EventsNote::UnknownTimeZone { zone } => {
            tr!(lang, sync.notes.events.unknown_time_zone, zone = zone)
        }
        EventsNote::NoPreviousRun => tr!(lang, sync.notes.events.no_previous_run),
        EventsNote::NotMappedAsAggregated { target, count, ids } => counted!(
            lang,
            sync.notes.events.not_mapped_as_aggregated,
            *count,
            target = target,
            ids = ids.join(", ")
        ),
        EventsNote::AggregatedFromEvents {
            events,
            values,
            indicator_values,
        } => tr!(
            lang,
            sync.notes.events.aggregated_from_events,
            events = lang.number(*events as f64),
            values = n(*values),
            indicator_values = n(*indicator_values)
        ),
    }
}

/// The kind of object a mapping left out (`ItemKind` codes).
fn item_kind(lang: Language, code: &str) -> Option<String> {
    Some(match code {
        "dataValue" => tr!(lang, sync.notes.events.kinds.data_values),
        "event" => tr!(lang, sync.notes.events.kinds.events),
        "eventDataValue" => tr!(lang, sync.notes.events.kinds.event_data_values),
        "trackedEntity" => tr!(lang, sync.notes.events.kinds.tracked_entities),
        "enrollment" => tr!(lang, sync.notes.events.kinds.enrollments),
        "programOwner" => tr!(lang, sync.notes.events.kinds.program_owners),
        "attribute" => tr!(lang, sync.notes.events.kinds.attributes),
        "relationship" => tr!(lang, sync.notes.events.kinds.relationships),
        _ => return None,
    })
}

/// Why a mapping left an object out (`Exclusion` codes).
fn exclusion(lang: Language, code: &str) -> Option<String> {
    Some(match code {
        "dataElement" => tr!(lang, sync.notes.events.reasons.data_element),
        "orgUnit" => tr!(lang, sync.notes.events.reasons.org_unit),
        "categoryOptionCombo" => tr!(lang, sync.notes.events.reasons.category_option_combo),
        "attributeOptionCombo" => tr!(lang, sync.notes.events.reasons.attribute_option_combo),
        "optionValue" => tr!(lang, sync.notes.events.reasons.option_value),
        "program" => tr!(lang, sync.notes.events.reasons.program),
        "programStage" => tr!(lang, sync.notes.events.reasons.program_stage),
        "attribute" => tr!(lang, sync.notes.events.reasons.attribute),
        "relationshipType" => tr!(lang, sync.notes.events.reasons.relationship_type),
        "eventProgramAtDestination" => {
            tr!(lang, sync.notes.events.reasons.event_program_at_destination)
        }
        "attributeNotInDestinationProgram" => {
            tr!(lang, sync.notes.events.reasons.not_in_destination_program)
        }
        "noProgramOwner" => tr!(lang, sync.notes.events.reasons.no_program_owner),
        "repeatedRelationship" => tr!(lang, sync.notes.events.reasons.repeated_relationship),
        "otherEndNotSynced" => tr!(lang, sync.notes.events.reasons.other_end_not_synced),
        "noEventProgram" => tr!(lang, sync.notes.events.reasons.no_event_program),
        "noDataValues" => tr!(lang, sync.notes.events.reasons.no_data_values),
        _ => return None,
    })
}
