//! The Instances panel.

mod page;

pub use page::InstancesPage;
