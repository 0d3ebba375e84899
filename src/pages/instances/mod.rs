//! The Instances panel: the list ("This instance" first), create / edit / replicate / delete,
//! and "Test connection". Every rule (validation, roles, sharing, encryption, diagnosis) is
//! core's `InstanceManager`; these files only draw and wire.

mod context;
mod diagnosis;
mod form;
mod list;
mod page;
mod sharing;
mod timeouts_fields;

pub use context::InstancesContext;
pub use page::InstancesPage;
