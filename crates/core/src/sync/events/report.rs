//! What an events run read and what each destination said, as typed values: the app renders
//! them through its translations, the CLI prints their English `Display`.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::dhis2::tracker::read::DateField;

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
        what: String,
        count: usize,
    },
    /// Entries of a pull's mapping that could not be inverted.
    MappingNotInverted { target: String, detail: String },
    /// The server's time zone is unknown: dates are read as UTC.
    UnknownTimeZone { zone: String },
    /// "Since the last run" without a last run: every date was read.
    NoPreviousRun,
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
