//! Search, filters, sort and paging of the Rules table, so the panel only draws.

use super::model::RuleKind;
use super::operations::RuleRow;
use crate::sync::TargetStatus;

/// The "last run" filter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LastRunFilter {
    Never,
    Succeeded,
    Failed,
    /// Ran on or after this date (`YYYY-MM-DD`).
    Since(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RuleSort {
    #[default]
    Name,
    Kind,
    Origin,
    Enabled,
    LastRun,
    LastSuccessfulRun,
}

/// What the table asks for. Pages count from 1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleQuery {
    /// Matched against name, code and description.
    pub search: String,
    pub kind: Option<RuleKind>,
    /// A destination instance id.
    pub destination: Option<String>,
    pub enabled: Option<bool>,
    pub last_run: Option<LastRunFilter>,
    pub sort: RuleSort,
    pub descending: bool,
    pub page: usize,
    pub page_size: usize,
}

impl Default for RuleQuery {
    fn default() -> Self {
        RuleQuery {
            search: String::new(),
            kind: None,
            destination: None,
            enabled: None,
            last_run: None,
            sort: RuleSort::Name,
            descending: false,
            page: 1,
            page_size: 25,
        }
    }
}

/// One page of the table.
#[derive(Debug, Clone, PartialEq)]
pub struct RulePage {
    pub rows: Vec<RuleRow>,
    /// Rows matching the search and filters, on all pages.
    pub total: usize,
    pub page: usize,
    pub pages: usize,
}

impl RuleQuery {
    fn matches(&self, row: &RuleRow) -> bool {
        let rule = &row.summary;
        let search = self.search.trim().to_lowercase();
        let found = search.is_empty()
            || [&rule.name, &rule.code, &rule.description]
                .iter()
                .any(|text| text.to_lowercase().contains(&search));
        let last = &row.last_run;
        let last_run_ok = match &self.last_run {
            None => true,
            Some(LastRunFilter::Never) => last.last_executed.is_none(),
            Some(LastRunFilter::Succeeded) => {
                last.last_status.is_some_and(|status| !status.is_failure())
            }
            Some(LastRunFilter::Failed) => last.last_status.is_some_and(TargetStatus::is_failure),
            Some(LastRunFilter::Since(date)) => last
                .last_executed
                .as_deref()
                .is_some_and(|at| at.get(..10).is_some_and(|day| day >= date.as_str())),
        };
        found
            && self.kind.is_none_or(|kind| kind == rule.kind)
            && self
                .destination
                .as_ref()
                .is_none_or(|id| rule.destinations.iter().any(|d| d.id == *id))
            && self.enabled.is_none_or(|enabled| enabled == rule.enabled)
            && last_run_ok
    }

    /// The rows of the requested page, filtered and sorted.
    pub fn apply(&self, rows: &[RuleRow]) -> RulePage {
        let mut matching: Vec<&RuleRow> = rows.iter().filter(|row| self.matches(row)).collect();
        let key = |row: &RuleRow| -> String {
            let rule = &row.summary;
            match self.sort {
                RuleSort::Name => rule.name.to_lowercase(),
                RuleSort::Kind => rule.kind.as_str().to_string(),
                RuleSort::Origin => rule.origin.label().to_lowercase(),
                RuleSort::Enabled => u8::from(rule.enabled).to_string(),
                RuleSort::LastRun => row.last_run.last_executed.clone().unwrap_or_default(),
                RuleSort::LastSuccessfulRun => row
                    .last_run
                    .last_successful_sync
                    .clone()
                    .unwrap_or_default(),
            }
        };
        matching.sort_by(|a, b| {
            key(a).cmp(&key(b)).then_with(|| {
                a.summary
                    .name
                    .to_lowercase()
                    .cmp(&b.summary.name.to_lowercase())
            })
        });
        if self.descending {
            matching.reverse();
        }
        let total = matching.len();
        let size = self.page_size.max(1);
        let pages = total.div_ceil(size).max(1);
        let page = self.page.clamp(1, pages);
        RulePage {
            rows: matching
                .into_iter()
                .skip((page - 1) * size)
                .take(size)
                .cloned()
                .collect(),
            total,
            page,
            pages,
        }
    }
}
