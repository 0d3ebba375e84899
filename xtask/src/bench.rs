//! `cargo xtask bench`: figures printed as tables, never asserted. The release bundle's size
//! against its budget, then the benchmarks other crates provide.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use flate2::write::GzEncoder;
use flate2::Compression;

use crate::cmd;
use crate::dist;
use crate::error::{IoContext, Result, XtaskError};
use crate::web_build;
use crate::workspace::Workspace;

#[path = "bench_wasm.rs"]
mod wasm;

/// What the browser downloads before the app can start (all but the lazy chunks), gzip -9.
pub const BUNDLE_BUDGET_GZIP_BYTES: u64 = 250 * 1024;

#[derive(Debug, clap::Args)]
pub struct BenchArgs {
    /// Measure the existing release build instead of building it first.
    #[arg(long)]
    pub no_build: bool,
    /// Only the bundle sizes, not the simulator and engine benchmarks.
    #[arg(long)]
    pub bundle_only: bool,
    /// Not the wasm run of the aggregated read + map + encode (with --no-build, the wasm
    /// pipeline built last time is run).
    #[arg(long)]
    pub no_wasm: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Wasm,
    Js,
    Css,
    /// A wasm chunk fetched when a panel first opens (`web_build`), not part of the first load.
    LazyChunk,
    Other,
}

impl Kind {
    fn of(path: &Path) -> Self {
        let name = path
            .file_name()
            .and_then(|name| name.to_str())
            .unwrap_or_default();
        match path.extension().and_then(|ext| ext.to_str()) {
            Some("wasm") if web_build::is_main_wasm(name) => Kind::Wasm,
            Some("wasm") => Kind::LazyChunk,
            Some("js" | "mjs") => Kind::Js,
            Some("css") => Kind::Css,
            _ => Kind::Other,
        }
    }

    fn label(self) -> &'static str {
        match self {
            Kind::Wasm => "wasm (main module)",
            Kind::Js => "js",
            Kind::Css => "css",
            Kind::LazyChunk => "wasm chunks (on first use)",
            Kind::Other => "other (html, icons, fonts…)",
        }
    }

    /// Counted in the first load: everything but the chunks (the page, manifest and icons too,
    /// to err on the safe side).
    fn is_first_load(self) -> bool {
        self != Kind::LazyChunk
    }
}

#[derive(Debug, Default, Clone, Copy, PartialEq)]
struct Size {
    raw: u64,
    gzip: u64,
}

impl std::ops::AddAssign for Size {
    fn add_assign(&mut self, other: Self) {
        self.raw += other.raw;
        self.gzip += other.gzip;
    }
}

pub fn bench(workspace: &Workspace, args: &BenchArgs) -> Result<()> {
    let web_dir = if args.no_build {
        workspace.web_build_dir()
    } else {
        let key = std::env::var("MDSYNC_ENCRYPTION_KEY").ok();
        dist::dist(workspace, key)?.web_dir
    };
    if !web_dir.join("index.html").is_file() {
        return Err(XtaskError::MissingBuild(web_dir.join("index.html")));
    }
    bundle_table(&web_dir)?;
    if !args.bundle_only {
        external_benchmarks(workspace, !args.no_wasm)?;
        if !args.no_wasm {
            wasm::aggregated(workspace, !args.no_build)?;
        }
    }
    Ok(())
}

fn bundle_table(web_dir: &Path) -> Result<()> {
    let mut files = Vec::new();
    collect(web_dir, &mut files)?;
    let mut by_kind: Vec<(Kind, Size)> = [
        Kind::Wasm,
        Kind::Js,
        Kind::Css,
        Kind::LazyChunk,
        Kind::Other,
    ]
    .into_iter()
    .map(|kind| (kind, Size::default()))
    .collect();
    let mut chunks = Vec::new();
    for file in &files {
        let contents = fs::read(file).at(file)?;
        let size = Size {
            raw: contents.len() as u64,
            gzip: gzip_len(&contents).at(file)?,
        };
        let kind = Kind::of(file);
        if let Some((_, total)) = by_kind.iter_mut().find(|(k, _)| *k == kind) {
            *total += size;
        }
        if kind == Kind::LazyChunk {
            chunks.push((file.file_name().unwrap_or_default().to_string_lossy(), size));
        }
    }
    let mut bundle = Size::default();
    let mut everything = Size::default();
    for (kind, size) in &by_kind {
        if kind.is_first_load() {
            bundle += *size;
        }
        everything += *size;
    }

    println!("\nRelease bundle ({})", web_dir.display());
    println!("  {:<30} {:>12} {:>12}", "", "raw bytes", "gzip -9");
    for (kind, size) in &by_kind {
        println!(
            "  {:<30} {:>12} {:>12}",
            kind.label(),
            grouped(size.raw),
            grouped(size.gzip)
        );
    }
    for (name, size) in &chunks {
        println!(
            "    {:<28} {:>12} {:>12}",
            name,
            grouped(size.raw),
            grouped(size.gzip)
        );
    }
    println!(
        "  {:<30} {:>12} {:>12}",
        "first load (all but chunks)",
        grouped(bundle.raw),
        grouped(bundle.gzip)
    );
    println!(
        "  {:<30} {:>12} {:>12}",
        "all panels opened",
        grouped(everything.raw),
        grouped(everything.gzip)
    );
    let share = bundle.gzip as f64 * 100.0 / BUNDLE_BUDGET_GZIP_BYTES as f64;
    let verdict = if bundle.gzip <= BUNDLE_BUDGET_GZIP_BYTES {
        "within"
    } else {
        "OVER"
    };
    println!(
        "  budget: {} bytes gzipped (250 KiB) for the first load; it uses {share:.0}%, {verdict} budget",
        grouped(BUNDLE_BUDGET_GZIP_BYTES)
    );
    Ok(())
}

/// A benchmark another crate provides, run as a `harness = false` cargo bench target built with
/// the `tool` profile (optimised, quick to link), printing its own figures.
struct ExternalBenchmark {
    title: &'static str,
    package: &'static str,
    bench: &'static str,
    features: Option<&'static str>,
}

const EXTERNAL_BENCHMARKS: [ExternalBenchmark; 5] = [
    ExternalBenchmark {
        title: "simulator scale (dhis2-sim data values)",
        package: "xtask",
        bench: "simulator_scale",
        features: None,
    },
    ExternalBenchmark {
        title: "metadata dependency resolution (mdsync-core)",
        package: "mdsync-core",
        bench: "metadata_engine",
        features: Some("bench"),
    },
    ExternalBenchmark {
        title: "mapping 1,000,000 data values (mdsync-core)",
        package: "mdsync-core",
        bench: "mapping_apply",
        features: None,
    },
    ExternalBenchmark {
        title:
            "aggregated sync at the demo seed's scale, 100,000 and 1,000,000 values (mdsync-core)",
        package: "mdsync-core",
        bench: "aggregated_sync",
        features: None,
    },
    ExternalBenchmark {
        title: "events sync, 100,000 events and 20,000 tracked entities, and a tenth (mdsync-core)",
        package: "mdsync-core",
        bench: "events_sync",
        features: None,
    },
];

fn external_benchmarks(workspace: &Workspace, save_for_wasm: bool) -> Result<()> {
    for benchmark in &EXTERNAL_BENCHMARKS {
        println!("\n{}", benchmark.title);
        let mut command = Command::new("cargo");
        command.current_dir(&workspace.root).args([
            "bench",
            "--locked",
            "--profile",
            "tool",
            "-p",
            benchmark.package,
            "--bench",
            benchmark.bench,
        ]);
        if let Some(features) = benchmark.features {
            command.args(["--features", features]);
        }
        if save_for_wasm {
            command.env(wasm::DIR_ENV, wasm::dir(workspace));
        }
        cmd::run(&mut command)?;
    }
    Ok(())
}

fn gzip_len(contents: &[u8]) -> std::io::Result<u64> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::best());
    encoder.write_all(contents)?;
    Ok(encoder.finish()?.len() as u64)
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) -> Result<()> {
    for entry in fs::read_dir(dir).at(dir)? {
        let path = entry.at(dir)?.path();
        if path.is_dir() {
            collect(&path, files)?;
        } else if path.is_file() {
            files.push(path);
        }
    }
    Ok(())
}

/// 1234567 → "1,234,567".
fn grouped(value: u64) -> String {
    let digits = value.to_string();
    let mut out = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_classified_by_extension_and_chunks_apart() {
        assert_eq!(
            Kind::of(Path::new("app-1f2e/metadata-sync_bg.wasm")),
            Kind::Wasm
        );
        assert_eq!(
            Kind::of(Path::new("app-1f2e/split_sync_panel.wasm")),
            Kind::LazyChunk
        );
        assert!(!Kind::LazyChunk.is_first_load());
        assert_eq!(Kind::of(Path::new("app-1f2e/__wasm_split.js")), Kind::Js);
        assert_eq!(Kind::of(Path::new("style-9a.css")), Kind::Css);
        assert_eq!(Kind::of(Path::new("assets/icon-48.png")), Kind::Other);
    }

    #[test]
    fn gzip_shrinks_repetitive_content() {
        let text = "metadata ".repeat(1000);
        let compressed = gzip_len(text.as_bytes()).expect("in-memory gzip");
        assert!(compressed > 0);
        assert!(compressed < text.len() as u64 / 10, "{compressed}");
    }

    #[test]
    fn numbers_are_grouped_by_thousands() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1000), "1,000");
        assert_eq!(grouped(1234567), "1,234,567");
    }
}
