//! Aggregated data sync: data values between instances, raw (`dataValueSets`) or aggregated
//! (`analytics/dataValueSet`), push or pull, with the mapping applied. A kind of the one
//! pipeline (prepare → read → transform → write → report), run through
//! [`crate::sync::run_sync`] with [`crate::sync::SyncJob::Aggregated`].
//!
//! ```text
//! let selection = AggregatedSelection { data_sets: vec![anc], org_units: vec![district],
//!     include_descendants: true, period: DatePeriod::LastYear, ..Default::default() };
//! let job = AggregatedJob { selection, options: AggregatedSyncOptions::default(),
//!     last_run: RuleLastRun::default(), started_millis: clock.now_millis() };
//! let report = run_aggregated_sync(&origin, &targets, &mappings, &job, &runtime).await;
//! ```
//!
//! - [`selection`]: what, where, when, how (plain serialisable values, saved in rules);
//! - [`period`]: the period resolved in the server's time zone; aggregation periods;
//! - [`origin`]: prepare on the origin; [`plan`]: the slices (data × org unit batch × window);
//! - [`read`], [`write`], [`slices`]: one slice at a time, read → map → write;
//! - [`targets`]: prepare per destination (mapping and its checks);
//! - [`report`]: conflicts table, data stats, typed notes.

pub mod engine;
mod files;
pub mod origin;
mod outcome;
pub mod period;
pub mod plan;
pub mod read;
pub mod report;
pub mod selection;
mod slice_write;
pub mod slices;
pub mod targets;
pub mod write;

pub use engine::{run_aggregated_sync, AggregatedJob};
pub use outcome::OriginFailure;
pub use period::{periods_within, resolve_period, ResolvedPeriod};
pub use report::{
    conflicts_csv, AggregatedNote, AggregatedRunDetails, AggregatedTargetDetails, ConflictRow,
    DataStats, LevelCount, SliceOutcome, SliceStatus,
};
pub use selection::{
    AggregatedInputError, AggregatedSelection, AggregatedSyncOptions, AggregationOptions,
    AggregationType, AsyncImports, AttributeOptions,
};
pub use targets::TargetMapping;
