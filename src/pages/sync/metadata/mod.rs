//! `#/sync/metadata`: pick the origin and destinations, browse the origin's metadata, set the
//! options, run (dry run, sync, download payload), read the per-destination report.

pub(crate) mod browser;
pub(crate) mod instances;
pub(crate) mod options;
pub(crate) mod page;
pub(crate) mod picked;
mod run;
pub(crate) mod save_as_rule;
pub(crate) mod state;

pub use page::MetadataSyncPage;
