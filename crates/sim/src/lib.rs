//! dhis2-sim: a faithful in-memory DHIS2 Web API, 2.30 … 2.42.
//!
//! One [`Sim`] is one DHIS2 instance. Tests call [`Sim::handle`] in-process; the `dhis2-sim`
//! binary serves several instances over HTTP on loopback ports.

pub mod account;
pub mod request;
pub mod response;
pub mod version;

pub use account::Account;
pub use request::{Query, RequestContext, SimRequest};
pub use response::{SimFault, SimResponse};
pub use version::SimVersion;
