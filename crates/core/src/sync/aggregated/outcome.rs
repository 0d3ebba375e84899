//! The end of a run: each destination's report with its notes, what a resumed run continues
//! from, the analytics tables, and why reading the origin stopped.

use super::report::AggregatedNote;
use super::targets::TargetState;
use crate::clock::Clock;
use crate::dhis2::analytics::{run_analytics_tables, AnalyticsRun};
use crate::dhis2::{Dhis2Client, Dhis2Error, Transport};
use crate::sync::metadata::SyncInstance;
use crate::sync::report::{ReportNote, SyncProblem, TargetReport};
use crate::sync::runtime::SyncRuntime;
use crate::sync::{SyncProgress, SyncStep};

/// The target's report with its aggregated details and their notes.
pub(super) fn finish_target(
    state: TargetState,
    slices_total: usize,
    origin_failed: bool,
) -> TargetReport {
    let TargetState {
        mut report,
        mut details,
        ..
    } = state;
    details.slices_total = slices_total;
    let counted = [
        (details.values_skipped_existing > 0).then_some(AggregatedNote::SkippedExisting {
            values: details.values_skipped_existing,
            bytes: details.bytes_saved,
        }),
        (details.values_excluded_by_mapping > 0).then_some(AggregatedNote::ExcludedByMapping {
            values: details.values_excluded_by_mapping,
        }),
        (details.stale_deleted > 0).then_some(AggregatedNote::StaleDeleted {
            values: details.stale_deleted,
        }),
        (details.file_values_not_sent > 0).then_some(AggregatedNote::FileValuesNotSent {
            values: details.file_values_not_sent,
        }),
        (details.files_copied > 0).then_some(AggregatedNote::FilesCopied {
            files: details.files_copied,
        }),
        (details.conflicts_left_out > 0).then_some(AggregatedNote::ConflictsLeftOut {
            kept: details.conflicts.len(),
            more: details.conflicts_left_out,
        }),
    ];
    details.notes.extend(counted.into_iter().flatten());
    let written = details.slices_written();
    // A destination refused before any slice says so in its error; "stopped after slice 0"
    // would add nothing.
    let started = origin_failed || !details.slices.is_empty();
    let stopped = started && (report.status.is_failure() || origin_failed);
    let said = details
        .notes
        .iter()
        .any(|note| matches!(note, AggregatedNote::StoppedAt { .. }));
    if stopped && !said && written < slices_total {
        details.notes.push(AggregatedNote::StoppedAt {
            done: written,
            total: slices_total,
        });
    }
    report
        .notes
        .extend(details.notes.iter().cloned().map(ReportNote::from));
    report.chunks_planned = report.chunks.len();
    report.aggregated = Some(details);
    report
}

/// A target's report: fresh, or what an interrupted attempt of this run reported.
pub(super) fn resumed_report<T: Transport, C>(
    runtime: &SyncRuntime<'_, C>,
    index: usize,
    target: &SyncInstance<T>,
) -> TargetReport {
    match runtime
        .journal
        .and_then(|journal| journal.report_before(index))
    {
        Some(mut before) => {
            before.resume();
            before
        }
        None => TargetReport::new(&target.name, target.client.base_url()),
    }
}

/// Runs the analytics tables on an instance (`None`: the origin), with progress; why not, when
/// it failed ([`SyncProblem::AnalyticsFailed`]).
pub(super) async fn analytics<T: Transport, C: Clock>(
    client: &Dhis2Client<T>,
    runtime: &SyncRuntime<'_, C>,
    target: Option<&str>,
    last_years: Option<u32>,
) -> Result<(), SyncProblem> {
    let progress = runtime.progress;
    progress.on_progress(step(
        SyncStep::Prepare,
        target,
        "Running the analytics tables",
    ));
    let on_message = |message: &str| {
        progress.on_progress(step(SyncStep::Prepare, target, message));
    };
    match run_analytics_tables(
        client,
        runtime.clock,
        last_years,
        &runtime.polling,
        &on_message,
    )
    .await
    {
        Ok(AnalyticsRun::Done) => Ok(()),
        Ok(AnalyticsRun::Failed { message }) => Err(SyncProblem::AnalyticsFailed {
            instance: target.map(str::to_string),
            message: Some(message),
            error: None,
        }),
        Err(error) => Err(SyncProblem::AnalyticsFailed {
            instance: target.map(str::to_string),
            message: None,
            error: Some(error),
        }),
    }
}

/// Why reading the origin stopped half-way.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum OriginFailure {
    #[error("Reading the origin failed after {done} of {total} slice(s): {source}")]
    Read {
        done: usize,
        total: usize,
        source: Dhis2Error,
    },
    #[error(
        "{label} holds more values than one read may return ({limit}), and cannot be split \
         further. Raise the values per read, or choose a shorter period."
    )]
    TooLarge { label: String, limit: usize },
}

impl OriginFailure {
    pub fn dhis2(&self) -> Option<&Dhis2Error> {
        match self {
            OriginFailure::Read { source, .. } => Some(source),
            OriginFailure::TooLarge { .. } => None,
        }
    }
}

fn step(step: SyncStep, target: Option<&str>, message: &str) -> SyncProgress {
    SyncProgress::Step {
        step,
        target: target.map(str::to_string),
        message: message.to_string(),
    }
}
