//! What an events run read and what each destination said, as typed values: the app renders
//! them through its translations, the CLI prints their English `Display`.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::programs::ProgramProblem;
use super::selection::EventsInputError;
use crate::dhis2::tracker::read::DateField;

/// What stopped an events run, a destination or one object, phrased by this app (kept in a
/// [`crate::sync::SyncError`] through [`crate::sync::SyncProblem::Events`]): typed so the app
/// says it in the user's language; [`fmt::Display`] is the English text (the CLI).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(
    tag = "events",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum EventsProblem {
    /// The selection or options cannot run.
    #[error("{error}")]
    Input { error: EventsInputError },
    /// A destination lacks a program, or has it in a shape the data cannot go to.
    #[error("{problem}")]
    Program { problem: ProgramProblem },
    /// One event not sent: its program stage is not in the destination program.
    #[error(
        "Not sent: its program stage {stage} is not in the destination program. Map the stage \
         (Mapping → program stages)."
    )]
    StageNotAtDestination { stage: String },
    /// "Send as aggregated values": the mapping toward this destination names no aggregated
    /// data element for any data element or program indicator of these programs.
    #[error(
        "Nothing to send as aggregated values: the mapping toward this destination names no \
         aggregated data element for the data elements or program indicators of {}. Map them \
         (Mapping → aggregated data elements).",
        programs.join(", ")
    )]
    NothingMappedAsAggregated { programs: Vec<String> },
}

/// Something the user should know about a run (not an error).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "note", rename_all = "camelCase")]
pub enum EventsNote {
    /// The tracked entities of chosen events of a tracker program were added to the run.
    EntitiesAddedForEvents { program: String, count: usize },
    /// The run was stopped by the user after this many pages; what was written before stays.
    Cancelled { pages: usize },
    /// Reading the origin failed after this many pages (the error is in the run's errors):
    /// what the destinations report was written, the rest was not read.
    OriginStopped { pages: usize },
    /// A destination with the old tracker API was written synchronously (it has no tracker
    /// import jobs).
    SynchronousImport { target: String },
    /// A tracker program was sent as events of a destination event program.
    TrackerToEvents {
        target: String,
        program: String,
        destination_program: String,
    },
    /// The mapping left objects out for a destination.
    LeftOutByMapping {
        target: String,
        /// In English (`events (organisation unit excluded)`), for the CLI and old entries.
        what: String,
        count: usize,
        /// What was left out: the mapping's item kind (`event`, `trackedEntity`, …).
        #[serde(default)]
        kind: String,
        /// Why: the mapping's exclusion (`orgUnit`, `programStage`, …).
        #[serde(default)]
        reason: String,
    },
    /// Entries of a pull's mapping that could not be inverted.
    MappingNotInverted { target: String, detail: String },
    /// The server's time zone is unknown: dates are read as UTC.
    UnknownTimeZone { zone: String },
    /// "Since the last run" without a last run: every date was read.
    NoPreviousRun,
    /// "Send as aggregated values": program data elements or indicators that had values but
    /// no aggregated data element mapped at this destination, left out (`ids`: the first few,
    /// `program.dataElement` or program indicator ids).
    NotMappedAsAggregated {
        target: String,
        count: usize,
        ids: Vec<String>,
    },
    /// "Send as aggregated values": what the origin's events and analytics gave.
    #[serde(rename_all = "camelCase")]
    AggregatedFromEvents {
        /// Events whose values were added up.
        events: u64,
        /// Data values made of them (program data elements).
        values: usize,
        /// Data values of program indicators read from analytics.
        indicator_values: usize,
    },
}

impl fmt::Display for EventsNote {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EventsNote::EntitiesAddedForEvents { program, count } => write!(
                f,
                "{count} tracked entit(ies) of program {program} were added: chosen events belong to them"
            ),
            EventsNote::Cancelled { pages } => write!(
                f,
                "Cancelled after {pages} page(s): what was written before stays written"
            ),
            EventsNote::OriginStopped { pages } => write!(
                f,
                "Reading the origin stopped after {pages} page(s): what the destinations report was written, the rest was not read"
            ),
            EventsNote::SynchronousImport { target } => write!(
                f,
                "[{target}] imported synchronously: its DHIS2 version has no tracker import jobs"
            ),
            EventsNote::TrackerToEvents {
                target,
                program,
                destination_program,
            } => write!(
                f,
                "[{target}] tracker program {program} sent as events of event program {destination_program}"
            ),
            EventsNote::LeftOutByMapping {
                target,
                what,
                count,
                ..
            } => write!(f, "[{target}] the mapping left out {count} {what}"),
            EventsNote::MappingNotInverted { target, detail } => {
                write!(f, "[{target}] mapping entry not inverted: {detail}")
            }
            EventsNote::UnknownTimeZone { zone } => {
                write!(f, "Unknown server time zone {zone:?}: dates read as UTC")
            }
            EventsNote::NoPreviousRun => {
                f.write_str("No previous run: every date was read")
            }
            EventsNote::NotMappedAsAggregated { target, count, ids } => write!(
                f,
                "[{target}] {count} program data element(s) or indicator(s) with values have no aggregated data element mapped and were left out: {}",
                ids.join(", ")
            ),
            EventsNote::AggregatedFromEvents {
                events,
                values,
                indicator_values,
            } => write!(
                f,
                "Values of {events} event(s) added up into {values} data value(s); {indicator_values} program indicator value(s) read from analytics"
            ),
        }
    }
}

/// What was read of one program (history's data stats).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProgramStats {
    pub program: String,
    pub name: Option<String>,
    /// A tracker program (with registration).
    pub tracker: bool,
    pub tracked_entities: u64,
    pub enrollments: u64,
    pub events: u64,
    pub relationships: u64,
}

/// The run as a whole: the dates read, pages, per program figures, notes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventsRunDetails {
    /// (date field, first day, last day) for events; for tracked entities.
    pub events_window: Option<(DateField, String, String)>,
    pub tracked_entities_window: Option<(DateField, String, String)>,
    pub pages_read: usize,
    /// Top-level objects read (events of event programs, tracked entities).
    pub entities_read: u64,
    pub programs: Vec<ProgramStats>,
    pub notes: Vec<EventsNote>,
}
