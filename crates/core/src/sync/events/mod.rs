//! Events and tracker sync: events of event programs, tracked entities with their
//! enrollments, events and relationships, between instances of any version (the tracker API of
//! each side is absorbed in [`crate::dhis2::tracker`]), with the mapping applied. A kind of the
//! one pipeline (prepare → read → transform → write → report), run through
//! [`crate::sync::run_sync`] with [`crate::sync::SyncJob::Events`].
//!
//! ```text
//! let selection = EventsSelection { programs: vec![program], org_units: vec![district],
//!     include_children: true, period: DatePeriod::LastYear, ..Default::default() };
//! let job = EventsJob { selection, options: EventsSyncOptions::default(),
//!     last_run: RuleLastRun::default(), started_millis: clock.now_millis(), uid_seed };
//! let report = run_events_sync(&origin, &targets, &mappings, &job, &runtime).await;
//! ```
//!
//! - [`selection`]: what, where, when, how (plain serialisable values, saved in rules);
//! - [`programs`]: the programs on both sides and the checks before writing;
//! - [`engine`]: page by page, read → map → options → write;
//! - [`send`]: a page to a destination, in halves when it is too large;
//! - [`transform`]: new UIDs, exclusions, relationships;
//! - [`report`]: typed notes and per-program figures.

pub mod as_aggregated;
pub mod engine;
pub mod programs;
pub mod report;
pub mod selection;
pub mod send;
pub mod transform;

pub use engine::{run_events_sync, EventsJob};
pub use programs::ProgramProblem;
pub use report::{EventsNote, EventsProblem, EventsRunDetails, ProgramStats};
pub use selection::{
    AsAggregated, Chosen, EventsInputError, EventsPeriodField, EventsSelection, EventsSyncOptions,
    TrackedEntitiesPeriodField,
};
