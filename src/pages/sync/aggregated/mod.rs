//! `#/sync/aggregated`: data values between instances. Pick the origin and destinations, the
//! data (data sets, groups, elements; indicators in aggregation mode), the organisation units
//! and the period, set the options, run (dry run or sync) and read the per-destination report.
//! The page only builds `core`'s `SyncRequest`; the engine does the rest.

mod data_picker;
mod instances;
mod options;
mod page;
mod results;
mod run;
mod state;

pub use page::AggregatedSyncPage;
