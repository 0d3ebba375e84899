//! Plain data with serde, validated at construction.

mod instance;
mod sharing;
mod uid;

pub use instance::{
    AuthKind, Instance, InstanceName, InstanceView, LOCAL_INSTANCE_ID, LOCAL_INSTANCE_NAME,
};
pub use sharing::{AccessEntry, Sharing};
pub use uid::{Uid, UidError};
