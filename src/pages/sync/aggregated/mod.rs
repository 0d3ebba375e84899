//! `#/sync/aggregated`: data values between instances. Pick the origin and destinations, the
//! data (data sets, groups, elements; indicators in aggregation mode), the organisation units
//! and the period, set the options, run (dry run or sync) and read the per-destination report.
//! The page only builds `core`'s `SyncRequest`; the engine does the rest.

pub(crate) mod attribute_options;
pub(crate) mod data_picker;
mod instances;
pub(crate) mod levels_groups;
pub(crate) mod options;
pub(crate) mod page;
mod results;
mod run;
mod save_as_rule;
pub(crate) mod state;

pub use page::AggregatedSyncPage;
