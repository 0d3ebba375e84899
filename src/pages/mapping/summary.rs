use leptos::prelude::*;
use mdsync_core::mapping::{AutoMapOutcome, MatchRule};

use super::state::{AutoMapSummary, MappingState};
use crate::components::notice::{Notice, NoticeKind};
use crate::counted;

/// Counts of what the last auto-map found, by rule.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub same_id: usize,
    pub same_code: usize,
    pub same_name: usize,
    pub ambiguous: usize,
    pub not_found: usize,
    pub already: usize,
    pub nested_unmatched: usize,
}

impl Counts {
    pub fn of(summary: &AutoMapSummary) -> Counts {
        let mut counts = Counts::default();
        for row in &summary.rows {
            match &row.outcome {
                AutoMapOutcome::Mapped {
                    rule,
                    nested_unmatched,
                    ..
                } => {
                    counts.nested_unmatched += nested_unmatched.len();
                    match rule {
                        MatchRule::SameId => counts.same_id += 1,
                        MatchRule::SameCode => counts.same_code += 1,
                        MatchRule::SameName => counts.same_name += 1,
                    }
                }
                AutoMapOutcome::Ambiguous { .. } => counts.ambiguous += 1,
                AutoMapOutcome::NotFound => counts.not_found += 1,
                AutoMapOutcome::AlreadyMapped => counts.already += 1,
            }
        }
        counts
    }

    pub fn mapped(&self) -> usize {
        self.same_id + self.same_code + self.same_name
    }
}

/// What auto-map did, said once it is done; nothing is saved until Save.
#[component]
pub fn AutoMapReport(state: MappingState, summary: AutoMapSummary) -> impl IntoView {
    let lang = state.lang;
    let counts = Counts::of(&summary);
    let kind = if counts.ambiguous + counts.not_found + counts.nested_unmatched > 0 {
        NoticeKind::Warning
    } else {
        NoticeKind::Success
    };
    let line = |data_test: &'static str, text: String, count: usize| {
        (count > 0).then(|| view! { <li data-test=data_test>{text}</li> })
    };
    view! {
        <Notice kind title=counted!(lang, mapping.panel.summary.mapped, counts.mapped()) data_test="mapping-summary">
            <ul>
                {line("mapping-summary-id", counted!(lang, mapping.panel.summary.same_id, counts.same_id), counts.same_id)}
                {line("mapping-summary-code", counted!(lang, mapping.panel.summary.same_code, counts.same_code), counts.same_code)}
                {line("mapping-summary-name", counted!(lang, mapping.panel.summary.same_name, counts.same_name), counts.same_name)}
                {line("mapping-summary-ambiguous", counted!(lang, mapping.panel.summary.ambiguous, counts.ambiguous), counts.ambiguous)}
                {line("mapping-summary-not-found", counted!(lang, mapping.panel.summary.not_found, counts.not_found), counts.not_found)}
                {line("mapping-summary-already", counted!(lang, mapping.panel.summary.already, counts.already), counts.already)}
                {line("mapping-summary-nested", counted!(lang, mapping.panel.summary.nested_unmatched, counts.nested_unmatched), counts.nested_unmatched)}
            </ul>
            <p>{crate::tr!(lang, mapping.panel.summary.not_saved)}</p>
        </Notice>
    }
}
