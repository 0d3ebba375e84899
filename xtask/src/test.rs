//! `cargo xtask test`: every check CI runs, in order, each timed, closing with
//! `N passed, N failed`.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use clap::ValueEnum;

use crate::cmd;
use crate::dist;
use crate::error::{Result, XtaskError};
use crate::sim;
use crate::toolchain::{CHROMEDRIVER, WASM_TARGET};
use crate::workspace::{Workspace, APP_PACKAGE};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Step {
    /// cargo fmt --all --check
    Fmt,
    /// clippy, native, whole workspace
    Clippy,
    /// clippy of the app for wasm32
    ClippyWasm,
    /// native tests of the whole workspace
    Native,
    /// wasm-bindgen-test in headless Chromium (every tests/browser*.rs)
    Browser,
    /// release build and zip (cargo xtask dist)
    Dist,
    /// Playwright specs against the app installed in the simulator
    E2e,
}

impl Step {
    const ALL: [Step; 7] = [
        Step::Fmt,
        Step::Clippy,
        Step::ClippyWasm,
        Step::Native,
        Step::Browser,
        Step::Dist,
        Step::E2e,
    ];

    fn title(self) -> &'static str {
        match self {
            Step::Fmt => "format",
            Step::Clippy => "clippy (native)",
            Step::ClippyWasm => "clippy (wasm32)",
            Step::Native => "native tests",
            Step::Browser => "browser tests",
            Step::Dist => "release build (dist)",
            Step::E2e => "end-to-end",
        }
    }
}

#[derive(Debug, clap::Args)]
pub struct TestArgs {
    /// Run only these steps (comma-separated), e.g. `--only dist,e2e`.
    #[arg(long, value_enum, value_delimiter = ',')]
    pub only: Vec<Step>,
    /// Leave these steps out (comma-separated).
    #[arg(long, value_enum, value_delimiter = ',')]
    pub skip: Vec<Step>,
    /// Stop at the first failing step instead of running the rest.
    #[arg(long)]
    pub fail_fast: bool,
    /// End-to-end specs to run (file names without `.mjs`); all when absent.
    #[arg(long, value_delimiter = ',')]
    pub spec: Vec<String>,
}

enum Outcome {
    Passed,
    Skipped(String),
    Failed(String),
}

/// What earlier steps produced for later ones.
#[derive(Default)]
struct Artifacts {
    zip: Option<PathBuf>,
}

pub fn test(workspace: &Workspace, args: &TestArgs) -> Result<bool> {
    let selected: Vec<Step> = Step::ALL
        .into_iter()
        .filter(|step| args.only.is_empty() || args.only.contains(step))
        .filter(|step| !args.skip.contains(step))
        .collect();
    let mut artifacts = Artifacts::default();
    let mut results: Vec<(Step, Outcome, Duration)> = Vec::new();
    let total = Instant::now();

    for (index, step) in selected.iter().copied().enumerate() {
        println!("\n==> [{}/{}] {}", index + 1, selected.len(), step.title());
        let started = Instant::now();
        let outcome = run_step(workspace, args, step, &mut artifacts, &selected);
        let elapsed = started.elapsed();
        match &outcome {
            Outcome::Passed => println!("<== {} passed in {}", step.title(), seconds(elapsed)),
            Outcome::Skipped(why) => println!("<== {} skipped: {why}", step.title()),
            Outcome::Failed(why) => println!(
                "<== {} FAILED after {}: {why}",
                step.title(),
                seconds(elapsed)
            ),
        }
        let failed = matches!(outcome, Outcome::Failed(_));
        results.push((step, outcome, elapsed));
        if failed && args.fail_fast {
            println!("--fail-fast: stopping here");
            break;
        }
    }

    println!("\nsummary ({} in all):", seconds(total.elapsed()));
    let (mut passed, mut failed, mut skipped) = (0, 0, 0);
    for (step, outcome, elapsed) in &results {
        let (word, detail) = match outcome {
            Outcome::Passed => {
                passed += 1;
                ("ok     ", String::new())
            }
            Outcome::Skipped(why) => {
                skipped += 1;
                ("skipped", format!("  ({why})"))
            }
            Outcome::Failed(why) => {
                failed += 1;
                ("FAILED ", format!("  ({why})"))
            }
        };
        println!(
            "  {word} {:<22} {:>8}{detail}",
            step.title(),
            seconds(*elapsed)
        );
    }
    if skipped > 0 {
        println!("{passed} passed, {failed} failed, {skipped} skipped");
    } else {
        println!("{passed} passed, {failed} failed");
    }
    Ok(failed == 0)
}

fn seconds(duration: Duration) -> String {
    format!("{:.1}s", duration.as_secs_f64())
}

fn run_step(
    workspace: &Workspace,
    args: &TestArgs,
    step: Step,
    artifacts: &mut Artifacts,
    selected: &[Step],
) -> Outcome {
    let cargo = |arguments: &[&str]| {
        let mut command = Command::new("cargo");
        command.current_dir(&workspace.root).args(arguments);
        command
    };
    let result = match step {
        Step::Fmt => {
            // rustfmt colours its diff even into a log file; keep CI logs readable.
            let color = if std::io::stdout().is_terminal() {
                "--color=auto"
            } else {
                "--color=never"
            };
            cmd::run(&mut cargo(&["fmt", "--all", "--check", "--", color]))
        }
        Step::Clippy => cmd::run(&mut cargo(&[
            "clippy",
            "--workspace",
            "--all-targets",
            "--locked",
            "--",
            "-D",
            "warnings",
        ])),
        Step::ClippyWasm => cmd::run(&mut cargo(&[
            "clippy",
            "--locked",
            "--target",
            WASM_TARGET,
            "-p",
            APP_PACKAGE,
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ])),
        Step::Native => {
            let started = std::time::SystemTime::now();
            let outcome = cmd::run_counting_tests(&mut cargo(&["test", "--workspace", "--locked"]))
                .map(|_| ());
            print_fault_matrix(workspace, started);
            outcome
        }
        Step::Browser => {
            let suites = browser_suites(workspace);
            if suites.is_empty() {
                return Outcome::Failed("found no tests/browser*.rs to run".into());
            }
            let mut arguments = vec![
                "test",
                "--locked",
                "--target",
                WASM_TARGET,
                "-p",
                APP_PACKAGE,
            ];
            for suite in &suites {
                arguments.extend(["--test", suite.as_str()]);
            }
            cmd::run_counting_tests(cargo(&arguments).env("CHROMEDRIVER", CHROMEDRIVER)).map(|_| ())
        }
        Step::Dist => {
            let key = std::env::var("MDSYNC_ENCRYPTION_KEY").ok();
            dist::dist(workspace, key).map(|output| {
                artifacts.zip = Some(output.zip);
            })
        }
        Step::E2e => {
            let zip = match &artifacts.zip {
                Some(zip) => zip.clone(),
                None if selected.contains(&Step::Dist) => {
                    return Outcome::Skipped("the release build failed".into());
                }
                None => workspace.zip_path(),
            };
            end_to_end(workspace, args, zip)
        }
    };
    match result {
        Ok(()) => Outcome::Passed,
        Err(error) => Outcome::Failed(error.to_string()),
    }
}

/// The fault matrix (fault × sync kind → outcome) that `crates/core/tests/sync_faults.rs`
/// wrote during this step, if it ran.
fn print_fault_matrix(workspace: &Workspace, since: std::time::SystemTime) {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace.path("target"));
    let path = target.join("tmp").join("fault-matrix.txt");
    let fresh = std::fs::metadata(&path)
        .and_then(|meta| meta.modified())
        .is_ok_and(|modified| modified >= since);
    if let (true, Ok(table)) = (fresh, std::fs::read_to_string(&path)) {
        println!("\nfault matrix (crates/core/tests/sync_faults.rs):\n{table}");
    }
}

fn end_to_end(workspace: &Workspace, args: &TestArgs, zip: PathBuf) -> Result<()> {
    if !zip.is_file() {
        return Err(XtaskError::MissingBuild(zip));
    }
    // The dev profile shares its dependencies with `cargo test`, so this is a quick link.
    let simulator = sim::build_binary(workspace, "dev")?;
    let mut command = Command::new("node");
    command
        .current_dir(&workspace.root)
        .arg("tests/e2e/run.mjs")
        .args(&args.spec)
        .env("DHIS2_SIM_BIN", simulator)
        .env("MDSYNC_ZIP", zip);
    cmd::run(&mut command)
}

/// The browser test suites: every `tests/browser*.rs` of the app, by test target name.
fn browser_suites(workspace: &Workspace) -> Vec<String> {
    let mut suites: Vec<String> = std::fs::read_dir(workspace.path("tests"))
        .into_iter()
        .flatten()
        .filter_map(|entry| entry.ok())
        .filter_map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            let stem = name.strip_suffix(".rs")?;
            (stem.starts_with("browser") && entry.path().is_file()).then(|| stem.to_string())
        })
        .collect();
    suites.sort();
    suites
}
