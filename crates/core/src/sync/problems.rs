//! Errors of a report that this app (not the server) phrases, typed so the app can say them in
//! the user's language (`src/l10n/messages/notes.rs`). A [`SyncError`] keeps its English
//! `message` (the CLI, downloads, old history entries) and, when the app phrased it, its
//! `problem`; errors the server phrased (import reports, conflicts) have none and are shown as
//! the server wrote them.
//!
//! Stored in history as `{"problem": "<variant>", …fields}`: add variants, do not rename them.
//!
//! [`SyncError`]: super::SyncError

use serde::{Deserialize, Serialize};

use super::aggregated::origin::PrepareError;
use super::aggregated::targets::PrepareTargetError;
use super::aggregated::{AggregatedInputError, OriginFailure};
use crate::dhis2::Dhis2Error;
use crate::mapping::Finding;

/// What went wrong, with the facts; [`std::fmt::Display`] is the English sentence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "problem", rename_all = "camelCase")]
pub enum SyncProblem {
    /// A request to a server failed.
    #[serde(rename_all = "camelCase")]
    Dhis2 { error: Dhis2Error },
    /// Selected objects the origin does not have (`kind`: the plural, when known).
    #[serde(rename_all = "camelCase")]
    NotAtOrigin {
        origin: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        kind: Option<String>,
        ids: Vec<String>,
    },
    /// Aggregated: org units outside the user's hierarchy on the origin.
    #[serde(rename_all = "camelCase")]
    OutsideHierarchy { origin: String, units: Vec<String> },
    /// Aggregated: no org unit of the origin is at the chosen levels or in the chosen groups.
    #[serde(rename_all = "camelCase")]
    NoUnitsAtLevelsOrGroups {
        origin: String,
        levels: Vec<u32>,
        groups: Vec<String>,
    },
    /// Aggregated: reading the origin failed after `done` of `total` slices.
    #[serde(rename_all = "camelCase")]
    OriginReadFailed {
        done: usize,
        total: usize,
        error: Dhis2Error,
    },
    /// Aggregated: a slice holds more values than one read may return, and cannot be split.
    #[serde(rename_all = "camelCase")]
    SliceTooLarge { label: String, limit: usize },
    /// Aggregated: the destination lacks the data set and the mapping names none.
    #[serde(rename_all = "camelCase")]
    DataSetMissing { id: String },
    /// The stored mapping toward this destination could not be read.
    #[serde(rename_all = "camelCase")]
    MappingUnreadable { detail: String },
    /// The mapping check found something that makes the run write to the wrong place.
    #[serde(rename_all = "camelCase")]
    Mapping { finding: Finding },
    /// The analytics tables could not be run (`instance`: `None` for the origin).
    #[serde(rename_all = "camelCase")]
    AnalyticsFailed {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        instance: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        message: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        error: Option<Dhis2Error>,
    },
    /// The aggregated selection or options are not usable.
    #[serde(rename_all = "camelCase")]
    BadSelection { error: AggregatedInputError },
    /// Events and tracker sync: a refusal of the run, a destination or one object.
    #[serde(rename_all = "camelCase")]
    Events { error: super::events::EventsProblem },
}

impl std::fmt::Display for SyncProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use SyncProblem::*;
        match self {
            Dhis2 { error } => write!(f, "{error}"),
            NotAtOrigin {
                origin,
                kind: None,
                ids,
            } => write!(
                f,
                "{} was selected but does not exist on {origin}.",
                ids.join(", ")
            ),
            NotAtOrigin {
                origin,
                kind: Some(kind),
                ids,
            } => PrepareError::NotAtOrigin {
                origin: origin.clone(),
                kind: kind.clone(),
                ids: ids.clone(),
            }
            .fmt(f),
            OutsideHierarchy { origin, units } => PrepareError::OutsideHierarchy {
                origin: origin.clone(),
                units: units.clone(),
            }
            .fmt(f),
            NoUnitsAtLevelsOrGroups {
                origin,
                levels,
                groups,
            } => PrepareError::NoUnitsAtLevelsOrGroups {
                origin: origin.clone(),
                levels: levels.clone(),
                groups: groups.clone(),
            }
            .fmt(f),
            OriginReadFailed { done, total, error } => OriginFailure::Read {
                done: *done,
                total: *total,
                source: error.clone(),
            }
            .fmt(f),
            SliceTooLarge { label, limit } => OriginFailure::TooLarge {
                label: label.clone(),
                limit: *limit,
            }
            .fmt(f),
            DataSetMissing { id } => PrepareTargetError::DataSetMissing { id: id.clone() }.fmt(f),
            MappingUnreadable { detail } => PrepareTargetError::Mapping(detail.clone()).fmt(f),
            Mapping { finding } => write!(f, "{finding}"),
            AnalyticsFailed {
                instance,
                message,
                error,
            } => {
                let on = instance.as_deref().unwrap_or("the origin");
                write!(f, "The analytics tables could not be run on {on}")?;
                match (message, error) {
                    (Some(message), _) => write!(f, ": {message}"),
                    (None, Some(error)) => write!(f, ": {error}"),
                    (None, None) => write!(f, "."),
                }
            }
            BadSelection { error } => write!(f, "{error}"),
            Events { error } => write!(f, "{error}"),
        }
    }
}

impl From<AggregatedInputError> for SyncProblem {
    fn from(error: AggregatedInputError) -> Self {
        SyncProblem::BadSelection { error }
    }
}

impl From<super::events::EventsProblem> for SyncProblem {
    fn from(error: super::events::EventsProblem) -> Self {
        SyncProblem::Events { error }
    }
}

impl From<Dhis2Error> for SyncProblem {
    fn from(error: Dhis2Error) -> Self {
        SyncProblem::Dhis2 { error }
    }
}

impl From<PrepareError> for SyncProblem {
    fn from(error: PrepareError) -> Self {
        match error {
            PrepareError::Dhis2(error) => SyncProblem::Dhis2 { error },
            PrepareError::OutsideHierarchy { origin, units } => {
                SyncProblem::OutsideHierarchy { origin, units }
            }
            PrepareError::NotAtOrigin { origin, kind, ids } => SyncProblem::NotAtOrigin {
                origin,
                kind: Some(kind),
                ids,
            },
            PrepareError::NoUnitsAtLevelsOrGroups {
                origin,
                levels,
                groups,
            } => SyncProblem::NoUnitsAtLevelsOrGroups {
                origin,
                levels,
                groups,
            },
        }
    }
}

impl From<OriginFailure> for SyncProblem {
    fn from(failure: OriginFailure) -> Self {
        match failure {
            OriginFailure::Read {
                done,
                total,
                source,
            } => SyncProblem::OriginReadFailed {
                done,
                total,
                error: source,
            },
            OriginFailure::TooLarge { label, limit } => SyncProblem::SliceTooLarge { label, limit },
        }
    }
}

impl From<PrepareTargetError> for SyncProblem {
    fn from(error: PrepareTargetError) -> Self {
        match error {
            PrepareTargetError::Dhis2(error) => SyncProblem::Dhis2 { error },
            PrepareTargetError::DataSetMissing { id } => SyncProblem::DataSetMissing { id },
            PrepareTargetError::Mapping(detail) => SyncProblem::MappingUnreadable { detail },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_read_back_and_keep_the_english_of_their_errors() {
        let failure = OriginFailure::TooLarge {
            label: "2024-01".into(),
            limit: 50_000,
        };
        let english = failure.to_string();
        let problem = SyncProblem::from(failure);
        assert_eq!(problem.to_string(), english);
        let problems = vec![
            problem,
            SyncProblem::Dhis2 {
                error: Dhis2Error::LoginPage {
                    url: "https://o.example/api/me".into(),
                },
            },
            SyncProblem::NotAtOrigin {
                origin: "Origin".into(),
                kind: None,
                ids: vec!["fbfJHSPpUQD".into()],
            },
        ];
        let text = serde_json::to_string(&problems).unwrap();
        let back: Vec<SyncProblem> = serde_json::from_str(&text).unwrap();
        assert_eq!(back, problems, "{text}");
        assert_eq!(
            problems[2].to_string(),
            "fbfJHSPpUQD was selected but does not exist on Origin."
        );
    }
}
