//! `cargo bench -p mdsync-core --features bench --bench metadata_engine`: resolution + payload
//! build of a generated ~10,000-object package, against a plain serde_json parse + serialize.

fn main() {
    let report = mdsync_core::sync::metadata::bench::run();
    print!("{report}");
}
