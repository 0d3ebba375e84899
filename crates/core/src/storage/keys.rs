//! The keys of the app's dataStore namespace.

pub const SCHEMA: &str = "schema";
pub const INSTANCES: &str = "instances";
pub const RULES: &str = "rules";
pub const RULE_PREFIX: &str = "rule-";
pub const HISTORY: &str = "history";
pub const HISTORY_PREFIX: &str = "history-";
pub const SETTINGS: &str = "settings";
pub const SCHEDULER: &str = "scheduler";
pub const SECRET_PREFIX: &str = "instance-secret-";
pub const MAPPINGS_PREFIX: &str = "mappings-";
pub const RUN_PREFIX: &str = "run-";
pub const LAST_RUN_PREFIX: &str = "last-run-";

pub fn instance_secret(instance_id: &str) -> String {
    format!("{SECRET_PREFIX}{instance_id}")
}

pub fn mappings(instance_id: &str) -> String {
    format!("{MAPPINGS_PREFIX}{instance_id}")
}

pub fn rule(rule_id: &str) -> String {
    format!("{RULE_PREFIX}{rule_id}")
}

/// A rule's record of its runs.
pub fn rule_last_run(rule_id: &str) -> String {
    format!("{LAST_RUN_PREFIX}{rule_id}")
}

pub fn history_entry(report_id: &str) -> String {
    format!("{HISTORY_PREFIX}{report_id}")
}
