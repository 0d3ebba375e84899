//! What every simulator test suite needs: where the shared DHIS2 reference data is, and the
//! simulator's own `admin` account. Included by the suites' support modules with `#[path]`.
#![allow(dead_code)]

use std::path::PathBuf;

use dhis2_sim::accounts::default_accounts;
use dhis2_sim::{Account, SimVersion};

/// `$DHIS2_REFERENCE_DIR`, else the first `shared/dhis2-reference` above this crate (the shared
/// folder sits next to the repository). Fails saying where it looked.
pub fn reference_dir() -> PathBuf {
    if let Ok(dir) = std::env::var("DHIS2_REFERENCE_DIR") {
        let dir = PathBuf::from(dir);
        assert!(
            dir.is_dir(),
            "DHIS2_REFERENCE_DIR={} is not a directory",
            dir.display()
        );
        return dir;
    }
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let found = manifest
        .ancestors()
        .map(|ancestor| ancestor.join("shared").join("dhis2-reference"))
        .find(|candidate| candidate.is_dir());
    match found {
        Some(dir) => dir,
        None => panic!(
            "DHIS2 reference data not found: looked for shared/dhis2-reference in every folder above {}; \
             set DHIS2_REFERENCE_DIR to its location",
            manifest.display()
        ),
    }
}

/// The superuser every simulated instance has (authority `ALL`).
pub fn admin() -> Account {
    default_accounts(SimVersion::new(41, 0))
        .into_iter()
        .find(|account| account.username == "admin")
        .expect("the simulator always has an admin account")
}
