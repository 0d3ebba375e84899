//! `#/sync/events`: events and tracker data between instances. Pick the origin and
//! destinations, the programs (event and tracker), the organisation units and the period (by
//! which date), all events or chosen ones from a table paged on the origin's server, all
//! tracked entities or chosen ones, the options; run (dry run or sync) and read the report per
//! destination. The page only builds `core`'s `SyncRequest`; the engine does the rest. Its
//! own wasm chunk (see `pages::lazy_panel`).

mod chosen;
mod entities;
mod load;
mod messages;
mod options;
mod page;
mod programs;
mod results;
mod run;
mod save_as_rule;
mod state;
mod when;

pub use page::EventsSyncPage;
