//! The wasm side of the aggregated benchmark: the same read + map + encode as
//! `crates/core/benches/aggregated_sync.rs` (`crates/core/benches/wasm/lib.rs`), built for
//! wasm32 with the app's release profile and run under Node over the very answers the native
//! bench read (it saves them when `AGGREGATED_BENCH_WASM_DIR` is set). Printed, never asserted.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::cmd;
use crate::error::{IoContext, Result};
use crate::workspace::Workspace;

/// Read by `aggregated_sync.rs`: where to save the answers and the native figure.
pub const DIR_ENV: &str = "AGGREGATED_BENCH_WASM_DIR";

const CRATE_DIR: &str = "crates/core/benches/wasm";

/// Where the native bench leaves the answers, and the wasm package is put.
pub fn dir(workspace: &Workspace) -> PathBuf {
    workspace.target_dir.join("bench-wasm")
}

/// Builds (unless `build` is false) and runs the wasm pipeline, then prints its throughput
/// and its time against native's.
pub fn aggregated(workspace: &Workspace, build: bool) -> Result<()> {
    println!("\naggregated read + map + encode in wasm (wasm32, the app's release profile, Node)");
    let dir = dir(workspace);
    let package = dir.join("pkg");
    if build {
        let target_dir = workspace.target_dir.join("wasm-bench");
        cmd::run(
            Command::new("cargo")
                .current_dir(&workspace.root)
                .args(["build", "--release", "--target", "wasm32-unknown-unknown"])
                .arg("--manifest-path")
                .arg(workspace.path(CRATE_DIR).join("Cargo.toml"))
                .arg("--target-dir")
                .arg(&target_dir),
        )?;
        let wasm = target_dir.join("wasm32-unknown-unknown/release/mdsync_bench_wasm.wasm");
        cmd::run(
            Command::new("wasm-bindgen")
                .args(["--target", "nodejs", "--no-typescript", "--out-dir"])
                .arg(&package)
                .arg(&wasm),
        )?;
    }
    if !package.join("mdsync_bench_wasm.js").is_file() {
        println!("  not built: run `cargo xtask bench` without --no-build once");
        return Ok(());
    }
    let bodies = dir.join("bodies.bin");
    let native = read_json(&dir.join("native.json"));
    if !bodies.is_file() || native.is_none() {
        println!("  skipped: the native aggregated bench saved no answers to read");
        return Ok(());
    }
    let output = cmd::output(
        Command::new("node")
            .arg(workspace.path(CRATE_DIR).join("run.mjs"))
            .arg(&package)
            .arg(&bodies),
    );
    // The answers are a few hundred MiB: not left behind.
    fs::remove_file(&bodies).at(&bodies)?;
    let output = output?;
    let wasm: Option<Value> = output
        .lines()
        .last()
        .and_then(|line| serde_json::from_str(line).ok());
    let figures = wasm
        .as_ref()
        .zip(native.as_ref())
        .and_then(|(wasm, native)| {
            Some((
                wasm["values"].as_f64()?,
                wasm["cpuMs"].as_f64()?,
                wasm["wallMs"].as_f64()?,
                wasm["encoded"].as_f64()?,
                native["cpuMs"].as_f64()?,
                native["values"].as_f64()?,
            ))
        });
    let Some((values, cpu_ms, wall_ms, encoded, native_ms, native_values)) = figures else {
        println!("  the wasm run printed no figures:\n{output}");
        return Ok(());
    };
    let per_second = |values: f64, ms: f64| values / (ms / 1e3).max(1e-9) / 1e6;
    println!(
        "  read + map + encode: {values:.0} values ({:.0} MiB encoded) in {cpu_ms:.0} ms CPU \
         ({wall_ms:.0} ms wall): {:.2} million values/s",
        encoded / 1048576.0,
        per_second(values, cpu_ms)
    );
    println!(
        "  native, same answers: {native_values:.0} values in {native_ms:.0} ms CPU: {:.2} million \
         values/s; wasm takes {:.2}× native's time (target ≤ 2)",
        per_second(native_values, native_ms),
        (cpu_ms / values.max(1.0)) / (native_ms / native_values.max(1.0)).max(1e-12)
    );
    Ok(())
}

fn read_json(path: &Path) -> Option<Value> {
    serde_json::from_str(&fs::read_to_string(path).ok()?).ok()
}
