//! What a progress bar shows of a running sync, built from the engine's [`SyncProgress`]
//! events: the step reached, a sentence, and how far the current step is.

use crate::dhis2::retry::RetryNotice;
use crate::sync::{SyncProgress, SyncStep, TargetStatus};

/// The steps in the order the bar shows them.
pub const STEPS: [SyncStep; 5] = [
    SyncStep::Prepare,
    SyncStep::Read,
    SyncStep::Transform,
    SyncStep::Write,
    SyncStep::Report,
];

pub fn step_label(step: SyncStep) -> &'static str {
    match step {
        SyncStep::Prepare => "Prepare",
        SyncStep::Read => "Read",
        SyncStep::Transform => "Transform",
        SyncStep::Write => "Write",
        SyncStep::Report => "Report",
    }
}

fn index_of(step: SyncStep) -> usize {
    STEPS.iter().position(|s| *s == step).unwrap_or(0)
}

/// The state of a run as the bar draws it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunProgress {
    pub step: Option<SyncStep>,
    pub target: Option<String>,
    pub message: String,
    /// `done` of `total` units of the current step, when the engine said.
    pub units: Option<(usize, usize)>,
    pub finished_targets: Vec<(String, TargetStatus)>,
    pub done: bool,
    /// "retrying (2 of 5) after a network error", until the next event.
    pub retrying: Option<String>,
    /// The same retry as facts, for the app to say in the user's language.
    pub retry: Option<RetryNotice>,
    /// Aggregated syncs: data values moved so far.
    pub values_moved: Option<u64>,
}

impl RunProgress {
    pub fn apply(&mut self, event: SyncProgress) {
        self.retrying = None;
        self.retry = None;
        match event {
            SyncProgress::Step {
                step,
                target,
                message,
            } => {
                if self.step != Some(step) {
                    self.units = None;
                }
                self.step = Some(step);
                self.target = target;
                self.message = message;
                if step == SyncStep::Report {
                    self.done = true;
                }
            }
            SyncProgress::Advance {
                step,
                target,
                done,
                total,
            } => {
                self.step = Some(step);
                self.target = target;
                self.units = Some((done, total));
            }
            SyncProgress::DataValues {
                slices_done,
                slices_total,
                values_moved,
            } => {
                self.step = Some(SyncStep::Write);
                self.target = None;
                self.units = Some((slices_done, slices_total));
                self.values_moved = Some(values_moved);
            }
            SyncProgress::TrackerPages { entities, .. } => {
                // Pages have no known total: the count of objects moved is the progress.
                self.step = Some(SyncStep::Write);
                self.target = None;
                self.units = None;
                self.values_moved = Some(entities);
            }
            SyncProgress::TargetDone { target, status } => {
                self.finished_targets.push((target, status));
            }
            SyncProgress::Retrying {
                target,
                attempt,
                max_attempts,
                reason,
                delay_ms,
            } => {
                if target.is_some() {
                    self.target = target;
                }
                self.retry = Some(RetryNotice {
                    attempt,
                    max_attempts,
                    reason,
                    delay: std::time::Duration::from_millis(delay_ms),
                });
                self.retrying = Some(super::reliability_text::retrying(
                    attempt,
                    max_attempts,
                    reason,
                ));
            }
        }
    }

    /// The run is over, whatever the last event was (a deletion run sends no report step).
    pub fn finish(&mut self) {
        self.done = true;
    }

    /// Whether a step is behind, at, or ahead of the run.
    pub fn state_of(&self, step: SyncStep) -> StepState {
        match self.step {
            _ if self.done => StepState::Done,
            None => StepState::Pending,
            Some(current) if current == step => StepState::Current,
            Some(current) if index_of(step) < index_of(current) => StepState::Done,
            Some(_) => StepState::Pending,
        }
    }

    /// 0–100: whole steps done plus the part of the current one.
    pub fn percent(&self) -> u32 {
        if self.done {
            return 100;
        }
        let Some(step) = self.step else {
            return 0;
        };
        let part = match self.units {
            Some((done, total)) if total > 0 => done.min(total) as f64 / total as f64,
            _ => 0.0,
        };
        let steps = STEPS.len() as f64;
        ((index_of(step) as f64 + part) / steps * 100.0).round() as u32
    }

    /// "Write — Destination: chunk 2 of 5".
    pub fn describe(&self) -> String {
        let Some(step) = self.step else {
            return "Starting…".into();
        };
        let mut text = step_label(step).to_string();
        if let Some(target) = &self.target {
            text.push_str(&format!(" — {target}"));
        }
        if !self.message.is_empty() {
            text.push_str(&format!(": {}", self.message));
        }
        if let Some((done, total)) = self.units {
            text.push_str(&format!(" ({done} of {total})"));
        }
        if let Some(retrying) = &self.retrying {
            text.push_str(&format!(" — {retrying}"));
        }
        text
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepState {
    Done,
    Current,
    Pending,
}

impl StepState {
    pub fn as_str(self) -> &'static str {
        match self {
            StepState::Done => "done",
            StepState::Current => "current",
            StepState::Pending => "pending",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_move_the_bar_forward() {
        let mut progress = RunProgress::default();
        assert_eq!(
            (progress.percent(), progress.describe()),
            (0, "Starting…".to_string())
        );
        progress.apply(SyncProgress::Step {
            step: SyncStep::Read,
            target: None,
            message: "Reading".into(),
        });
        assert_eq!(progress.percent(), 20);
        assert_eq!(progress.state_of(SyncStep::Prepare), StepState::Done);
        assert_eq!(progress.state_of(SyncStep::Read), StepState::Current);
        assert_eq!(progress.state_of(SyncStep::Write), StepState::Pending);
        progress.apply(SyncProgress::Advance {
            step: SyncStep::Write,
            target: Some("Dest".into()),
            done: 1,
            total: 2,
        });
        assert_eq!(progress.percent(), 70);
        assert_eq!(progress.describe(), "Write — Dest: Reading (1 of 2)");
        progress.apply(SyncProgress::Retrying {
            target: Some("Dest".into()),
            attempt: 2,
            max_attempts: 5,
            reason: crate::dhis2::retry::RetryReason::ConnectionDropped,
            delay_ms: 2000,
        });
        assert_eq!(
            progress.describe(),
            "Write — Dest: Reading (1 of 2) — retrying (2 of 5) after a network error"
        );
        progress.apply(SyncProgress::TargetDone {
            target: "Dest".into(),
            status: TargetStatus::Success,
        });
        assert_eq!(progress.finished_targets.len(), 1);
        progress.apply(SyncProgress::Step {
            step: SyncStep::Report,
            target: None,
            message: "Done".into(),
        });
        assert_eq!(progress.percent(), 100);
        assert_eq!(progress.state_of(SyncStep::Report), StepState::Done);

        let mut deleting = RunProgress::default();
        deleting.apply(SyncProgress::Step {
            step: SyncStep::Write,
            target: None,
            message: "Deleting".into(),
        });
        deleting.finish();
        assert_eq!(deleting.percent(), 100);
    }
}
