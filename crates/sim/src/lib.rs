//! dhis2-sim: a faithful in-memory DHIS2 Web API, 2.30 … 2.42.
//!
//! One [`Sim`] is one DHIS2 instance. Tests call [`Sim::handle`] in-process; the `dhis2-sim`
//! binary serves several instances over HTTP on loopback ports (see [`server`]).

pub mod account;
pub mod accounts;
mod admin;
pub mod apps;
mod auth;
pub mod clock;
pub mod cors;
pub mod data_values;
pub mod datastore;
mod dispatch;
pub mod faults;
pub mod fields;
mod images;
mod locales;
mod me;
pub mod metadata;
mod multipart;
mod negotiation;
mod pages;
mod pat;
mod public;
pub mod request;
pub mod response;
pub mod routes;
pub mod seed;
pub mod server;
mod sim;
mod static_content;
mod system;
mod system_settings;
pub mod tracker;
pub mod uid;
mod user_settings;
pub mod version;

pub use account::Account;
pub use faults::{FaultKind, FaultRule};
pub use request::{Query, RequestContext, SimRequest};
pub use response::{SimFault, SimResponse};
pub use seed::{DemoSide, Seed};
pub use sim::{Handled, InstanceConfig, LoggedRequest, Sim};
pub use version::SimVersion;
