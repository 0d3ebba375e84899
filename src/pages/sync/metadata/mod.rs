//! `#/sync/metadata`: pick the origin and destinations, browse the origin's metadata, set the
//! options, run (dry run, sync, download payload), read the per-destination report.

mod browser;
mod instances;
mod options;
mod page;
mod picked;
mod run;
mod state;

pub use page::MetadataSyncPage;
