//! What a report tells the user beyond figures and errors, typed so the app can say it in the
//! user's language (`src/l10n/messages/notes.rs`); the English text is [`Display`], for the CLI.
//!
//! Reports are kept in history and in run journals, so every variant is stored as JSON
//! (`{"note": "<variant>", …fields}`) and must keep reading back: add variants, do not rename
//! them or their fields. Notes stored before notes were typed were English sentences: they read
//! back as [`ReportNote::Other`].
//!
//! To add a note: add a variant with the facts as fields (counts as numbers, names as strings,
//! errors as their typed value), its English text below, and its words in
//! `src/l10n/messages/notes.rs` and `locales/*.json` (keys `sync.notes.*`).
//!
//! [`Display`]: std::fmt::Display

use serde::{Deserialize, Serialize};

use super::aggregated::AggregatedNote;
use super::problems::SyncProblem;
use crate::dhis2::Dhis2Error;
use crate::mapping::Finding;

/// One thing the user should know about what a sync did on one target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "note", rename_all = "camelCase")]
pub enum ReportNote {
    /// The run was cancelled while the origin was read: this target was not touched.
    CancelledBeforeWriting,
    /// Cancelled between chunks: `sent` of `planned` chunks went before the stop.
    #[serde(rename_all = "camelCase")]
    Cancelled { sent: usize, planned: usize },
    /// The run stopped (error or interruption) after `sent` of `planned` chunks.
    #[serde(rename_all = "camelCase")]
    StoppedAfterChunk { sent: usize, planned: usize },
    /// A resumed run: the interruption of the earlier attempt (its error as reported then).
    #[serde(rename_all = "camelCase")]
    InterruptedThenResumed { error: super::SyncError },
    /// Objects the interrupted attempt had already written: not sent again.
    #[serde(rename_all = "camelCase")]
    AlreadySent { objects: usize },
    /// A dry run could not ask the target which objects it has.
    #[serde(rename_all = "camelCase")]
    DryRunPreviewFailed { target: String, error: Dhis2Error },
    /// DHIS2 2.41+ ignores `mergeMode`.
    #[serde(rename_all = "camelCase")]
    MergeModeIgnored { version: String },
    /// The target's version has no such type: its objects were left out.
    #[serde(rename_all = "camelCase")]
    TypeUnknown {
        version: String,
        plural: String,
        objects: usize,
    },
    /// The target's version does not know a property: dropped from these objects.
    #[serde(rename_all = "camelCase")]
    PropertyDropped {
        version: String,
        plural: String,
        property: String,
        objects: usize,
    },
    /// The mapping was applied to a metadata payload.
    #[serde(rename_all = "camelCase")]
    MappingApplied {
        objects: usize,
        references: usize,
        expressions: usize,
    },
    /// Something the mapping check found that does not stop the run.
    #[serde(rename_all = "camelCase")]
    MappingFinding { finding: Finding },
    /// Deletions: objects the target did not have (E5001), the state wanted.
    #[serde(rename_all = "camelCase")]
    AlreadyAbsent { objects: usize },
    /// History keeps the report small: raw answers left out.
    #[serde(rename_all = "camelCase")]
    RawResponsesLeftOut { responses: usize, bytes: usize },
    /// The run's journal could not be saved: an interruption cannot be resumed.
    #[serde(rename_all = "camelCase")]
    ProgressNotSaved { detail: String },
    /// A problem that did not stop the work on this target (the analytics tables could not be
    /// run after an aggregated sync…).
    #[serde(rename_all = "camelCase")]
    Problem { problem: SyncProblem },
    /// A note of an aggregated data sync (also kept in the target's aggregated details).
    #[serde(rename_all = "camelCase")]
    Aggregated { detail: AggregatedNote },
    /// A note stored before notes were typed (an English sentence), shown as it is.
    #[serde(untagged)]
    Other(String),
    /// A note of a newer version of the app that this one does not know: kept as stored so the
    /// history entry still reads; shown as "a note this version cannot show".
    #[serde(untagged)]
    Unknown(serde_json::Value),
}

impl ReportNote {
    /// Whether the note describes how an attempt stopped (dropped when the run is resumed).
    pub fn is_stop(&self) -> bool {
        match self {
            ReportNote::Cancelled { .. } | ReportNote::StoppedAfterChunk { .. } => true,
            ReportNote::Other(text) => {
                text.starts_with("Stopped after chunk") || text.starts_with("Cancelled:")
            }
            _ => false,
        }
    }
}

impl From<SyncProblem> for ReportNote {
    fn from(problem: SyncProblem) -> Self {
        ReportNote::Problem { problem }
    }
}

impl From<AggregatedNote> for ReportNote {
    fn from(detail: AggregatedNote) -> Self {
        ReportNote::Aggregated { detail }
    }
}

impl std::fmt::Display for ReportNote {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use ReportNote::*;
        match self {
            CancelledBeforeWriting => write!(
                f,
                "Cancelled while reading the origin: nothing was written to this instance."
            ),
            Cancelled { sent, planned } => write!(
                f,
                "Cancelled: {sent} of {planned} chunk(s) were sent before the stop."
            ),
            StoppedAfterChunk { sent, planned } => write!(
                f,
                "Stopped after chunk {sent} of {planned}: chunks before it were imported, the \
                 rest were not sent."
            ),
            InterruptedThenResumed { error } => {
                write!(f, "Interrupted, then resumed: {}", error.message)
            }
            AlreadySent { objects } => write!(
                f,
                "{objects} object(s) reached this instance before the run was interrupted and \
                 were not sent again."
            ),
            DryRunPreviewFailed { target, error } => write!(
                f,
                "Could not check which objects {target} already has, so the dry run cannot say \
                 what would be created or updated: {error}"
            ),
            MergeModeIgnored { version } => write!(
                f,
                "DHIS2 {version} ignores the merge mode: objects are replaced, not merged."
            ),
            TypeUnknown {
                version,
                plural,
                objects,
            } => write!(
                f,
                "DHIS2 {version} has no {plural}: {objects} object(s) left out."
            ),
            PropertyDropped {
                version,
                plural,
                property,
                objects,
            } => write!(
                f,
                "DHIS2 {version} does not know {plural}.{property}: dropped from {objects} \
                 object(s)."
            ),
            MappingApplied {
                objects,
                references,
                expressions,
            } => write!(
                f,
                "Mapping applied: {objects} object(s) take their destination id, {references} \
                 reference(s) and {expressions} expression(s) translated."
            ),
            MappingFinding { finding } => write!(f, "{finding}"),
            AlreadyAbsent { objects } => write!(
                f,
                "{objects} object(s) were already absent from this target."
            ),
            RawResponsesLeftOut { responses, bytes } => write!(
                f,
                "{responses} raw server response(s) ({bytes} bytes) were left out of history to \
                 keep it small; download them from the results while the run is on screen."
            ),
            ProgressNotSaved { detail } => write!(
                f,
                "The run's progress could not be saved ({detail}): if it is interrupted, it \
                 cannot be resumed and has to run again."
            ),
            Problem { problem } => write!(f, "{problem}"),
            Aggregated { detail } => write!(f, "{detail}"),
            Other(text) => write!(f, "{text}"),
            Unknown(value) => write!(f, "(a note of a newer version: {value})"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_notes_read_back_as_written() {
        let notes = vec![
            ReportNote::CancelledBeforeWriting,
            ReportNote::StoppedAfterChunk {
                sent: 2,
                planned: 5,
            },
            ReportNote::PropertyDropped {
                version: "2.36.0".into(),
                plural: "dataElements".into(),
                property: "fieldMask".into(),
                objects: 3,
            },
            ReportNote::DryRunPreviewFailed {
                target: "Training".into(),
                error: Dhis2Error::Unauthorized {
                    base_url: "https://t.example".into(),
                },
            },
            ReportNote::Aggregated {
                detail: AggregatedNote::StoppedAt { done: 1, total: 4 },
            },
            ReportNote::Other("An old sentence.".into()),
        ];
        let text = serde_json::to_string(&notes).unwrap();
        assert!(
            text.contains(r#"{"note":"cancelledBeforeWriting"}"#),
            "{text}"
        );
        assert!(text.contains(r#""An old sentence.""#), "{text}");
        let back: Vec<ReportNote> = serde_json::from_str(&text).unwrap();
        assert_eq!(back, notes);
    }

    #[test]
    fn sentences_of_old_history_entries_read_as_other() {
        let old = r#"["Stopped after chunk 1 of 3: chunks before it were imported, the rest were not sent.",
                      "DHIS2 2.41.0 ignores the merge mode: objects are replaced, not merged."]"#;
        let notes: Vec<ReportNote> = serde_json::from_str(old).unwrap();
        assert!(matches!(&notes[1], ReportNote::Other(text) if text.contains("merge mode")));
        assert!(notes[0].is_stop() && !notes[1].is_stop());
        // An unknown tag (a newer app's note) is kept as it came rather than failing the entry.
        let newer: ReportNote = serde_json::from_str(r#"{"note":"fromTheFuture","n":1}"#).unwrap();
        assert!(
            matches!(&newer, ReportNote::Unknown(value) if value["n"] == 1),
            "{newer:?}"
        );
        // A known tag with a field missing is not silently taken for another note.
        let broken: ReportNote = serde_json::from_str(r#"{"note":"alreadyAbsent"}"#).unwrap();
        assert!(matches!(broken, ReportNote::Unknown(_)), "{broken:?}");
    }

    #[test]
    fn english_for_the_cli() {
        assert_eq!(
            ReportNote::AlreadyAbsent { objects: 2 }.to_string(),
            "2 object(s) were already absent from this target."
        );
        assert_eq!(
            ReportNote::Other("As it was.".into()).to_string(),
            "As it was."
        );
    }
}
