//! Shared by the integration tests of `mdsync-core` (`mod support;`): the simulator as a
//! transport, a scripted transport, an executor, and the reference data folder.
#![allow(dead_code)]

pub mod clocked;
pub mod demo_pair;
pub mod scripted;
pub mod sim;

use std::future::Future;
use std::path::PathBuf;

#[allow(unused_imports)]
pub use mdsync_core::dhis2::in_flight::InFlight;
#[allow(unused_imports)]
pub use scripted::ScriptedTransport;
#[allow(unused_imports)]
pub use sim::{client_for, sim_named, sim_of, SimTransport, PASSWORD};

/// Runs a future to completion on the current thread (core's futures are not `Send`).
pub fn block_on<F: Future>(future: F) -> F::Output {
    futures::executor::block_on(future)
}

/// The folder of real DHIS2 recordings: `$DHIS2_REFERENCE_DIR`, else the
/// `shared/dhis2-reference` folder next to the repository. Panics, saying where it looked, when
/// it is missing.
pub fn reference_dir() -> PathBuf {
    let dir = match std::env::var_os("DHIS2_REFERENCE_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/dhis2-reference"),
    };
    assert!(
        dir.join("recorded").is_dir(),
        "DHIS2 reference data not found: looked for {}/recorded. Set DHIS2_REFERENCE_DIR to the \
         dhis2-reference folder (it holds recorded/ and payloads/).",
        dir.display()
    );
    dir
}

/// The bytes of a reference file, e.g. `recorded/user/user37.json`.
pub fn reference_file(relative: &str) -> Vec<u8> {
    let path = reference_dir().join(relative);
    std::fs::read(&path)
        .unwrap_or_else(|error| panic!("cannot read reference file {}: {error}", path.display()))
}
