//! Scale figures for `cargo xtask bench` (filled in below).
