//! MetaData Sync core: everything that is neither UI nor I/O.
//!
//! It compiles natively and to wasm32, and reaches the network only through the
//! [`dhis2::Transport`] port, which the app (gloo-net), the CLI (reqwest) and the tests
//! (the in-process simulator) implement.

pub mod access;
pub mod browse;
pub mod clock;
pub mod crypto;
pub mod dhis2;
pub mod instances;
pub mod locale;
pub mod mapping;
pub mod model;
pub mod rules;
pub mod storage;
pub mod sync;
