//! Rules: syncs saved under a name (what, from where, to where, how, when), run by hand or by
//! the scheduler, and shared with the users who may see, run or edit them.
//!
//! - [`model`]: the rule as stored, and the editor's draft;
//! - [`validate`]: the editor's checks, step by step, with the field of each problem;
//! - [`schedule`] and [`frequency`]: cron expressions, presets, words and next run times;
//! - [`operations`] (list, get) and [`editing`] (create, edit, delete, replicate, share,
//!   enable), role and sharing checked; [`listing`]: the table's search, filters, paging;
//! - [`transfer`]: export and import (MDSync's files too, see [`mdsync_import`]);
//! - [`run`]: running a rule through the one run operation, and its payload;
//! - [`scheduler`] and [`heartbeat`]: running rules on their schedule without a browser.

pub mod editing;
pub mod editor_form;
pub mod events;
pub mod frequency;
pub mod heartbeat;
pub mod listing;
mod mdsync_data_import;
pub mod mdsync_import;
pub mod model;
pub mod operations;
pub mod periods;
pub mod run;
pub mod schedule;
pub mod scheduler;
mod store;
pub mod transfer;
pub mod validate;

pub use editing::{
    create_rule, delete_rules, replicate_rule, set_enabled, share_rule, update_rule,
};
pub use events::{SchedulerError, SchedulerEvent, SchedulerOptions};
pub use frequency::{Frequency, FrequencyError, ScheduleWords, TimeOfDay, Weekday};
pub use heartbeat::{read_heartbeat, Heartbeat, SchedulerStatus};
pub use listing::{LastRunFilter, RulePage, RuleQuery, RuleSort};
pub use model::{
    DatePeriod, MetadataFilter, MetadataRuleSelection, PickedObject, Rule, RuleDetails, RuleDraft,
    RuleInstance, RuleJob, RuleKind, RuleLastRun, RuleSummary, TextMatch, TextPosition,
};
pub use operations::{
    get_rule, list_rules, rule_names, InstanceRole, RuleError, RuleListing, RuleNotes, RuleRow,
};
pub use run::{rule_payloads, run_loaded_rule, run_rule, RuleRunOutcome};
pub use schedule::{iso_utc, parse_iso, CronSchedule, RunTime, ScheduleError, ServerZone};
pub use scheduler::Scheduler;
pub use store::{stored_rule_sharing, RuleLoadProblem};
pub use transfer::{export_rules, import_rules, ImportOutcome, ImportProblem, RuleExport};
pub use validate::{
    validate_rule, ChosenObjects, RuleContext, RuleField, RuleProblem, RuleProblems, RuleStep,
};
