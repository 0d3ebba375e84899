//! The Mapping panel (`#/mapping`, `#/mapping?instance=<id>`): which object of this instance
//! becomes which object of a remote one. Sections Aggregated, Programs, Organisation units and
//! Global list this instance's objects a page at a time with what each is mapped to; a picker
//! searches the destination; auto-map, the dictionary, its checks and its storage are core's
//! (`mdsync_core::mapping`). Nothing is stored until Save.

pub mod edit;
pub mod fetch;
mod leave_guard;
mod load;
mod nested;
mod page;
mod picker;
pub mod state;
mod summary;
mod table;
mod transfer;
pub mod types;

pub use page::{instance_in_hash, MappingPage};
