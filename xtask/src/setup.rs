//! `cargo xtask setup`: installs what the build and the tests need, skipping whatever is
//! already there at the right version, so running it twice installs nothing twice.

use std::fs;
use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::cmd;
use crate::error::{Result, XtaskError};
use crate::toolchain::{
    self, CHROMEDRIVER, CHROMIUM, TRUNK_VERSION, WASM_BINDGEN_VERSION, WASM_TARGET,
};
use crate::workspace::Workspace;

/// One setup step: installs its tool, or says why nothing was needed.
type SetupStep = fn(&Workspace) -> Result<Outcome>;

enum Outcome {
    Installed,
    Present(String),
}

pub fn setup(workspace: &Workspace) -> Result<()> {
    toolchain::check_wasm_bindgen_pins(workspace)?;
    let steps: [(&str, SetupStep); 5] = [
        ("rust target wasm32-unknown-unknown", wasm_target),
        ("chromium + chromedriver (apt)", chromium),
        ("npm packages (binaryen, playwright-core)", npm_packages),
        ("trunk", trunk),
        ("wasm-bindgen-cli", wasm_bindgen_cli),
    ];
    let mut summary = Vec::new();
    for (name, step) in steps {
        println!("==> setup: {name}");
        let outcome = step(workspace)?;
        summary.push((name, outcome));
    }
    println!("\nsetup summary:");
    for (name, outcome) in summary {
        match outcome {
            Outcome::Installed => println!("  installed  {name}"),
            Outcome::Present(what) => println!("  skipped    {name} (already {what})"),
        }
    }
    Ok(())
}

fn wasm_target(_: &Workspace) -> Result<Outcome> {
    let installed = cmd::output(Command::new("rustup").args(["target", "list", "--installed"]))?;
    if installed.lines().any(|line| line.trim() == WASM_TARGET) {
        return Ok(Outcome::Present("installed".into()));
    }
    cmd::run(Command::new("rustup").args(["target", "add", WASM_TARGET]))?;
    Ok(Outcome::Installed)
}

fn chromium(_: &Workspace) -> Result<Outcome> {
    if Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists() {
        return Ok(Outcome::Present(format!("{CHROMIUM} and {CHROMEDRIVER}")));
    }
    let uid = cmd::output(Command::new("id").arg("-u"))?;
    if uid.trim() != "0" {
        return Err(XtaskError::NotRoot);
    }
    // Never Debian's binaryen: its wasm-opt 108 silently breaks wasm-bindgen's output.
    cmd::run(
        Command::new("apt-get")
            .arg("update")
            .env("DEBIAN_FRONTEND", "noninteractive"),
    )?;
    cmd::run(
        Command::new("apt-get")
            .args(["install", "-y", "chromium", "chromium-driver"])
            .env("DEBIAN_FRONTEND", "noninteractive"),
    )?;
    Ok(Outcome::Installed)
}

fn npm_packages(workspace: &Workspace) -> Result<Outcome> {
    if node_modules_match_lock(&workspace.root) {
        return Ok(Outcome::Present("as in package-lock.json".into()));
    }
    cmd::run(Command::new("npm").current_dir(&workspace.root).args([
        "ci",
        "--no-audit",
        "--no-fund",
    ]))?;
    Ok(Outcome::Installed)
}

/// True when every package in package-lock.json is installed at the locked version (npm keeps
/// its record of what it installed in node_modules/.package-lock.json).
fn node_modules_match_lock(root: &Path) -> bool {
    let read = |path: &Path| -> Option<Value> {
        serde_json::from_str(&fs::read_to_string(path).ok()?).ok()
    };
    let (Some(lock), Some(installed)) = (
        read(&root.join("package-lock.json")),
        read(&root.join("node_modules").join(".package-lock.json")),
    ) else {
        return false;
    };
    lock_satisfied(&lock, &installed)
}

fn lock_satisfied(lock: &Value, installed: &Value) -> bool {
    let Some(wanted) = lock["packages"].as_object() else {
        return false;
    };
    wanted
        .iter()
        .filter(|(name, _)| !name.is_empty())
        .all(|(name, package)| installed["packages"][name]["version"] == package["version"])
}

fn trunk(_: &Workspace) -> Result<Outcome> {
    if let Some(line) = cmd::tool_version("trunk") {
        if toolchain::is_trunk_version(&line) {
            return Ok(Outcome::Present(line));
        }
        println!("found `{line}`, want trunk {TRUNK_VERSION}");
    }
    cmd::run(Command::new("cargo").args([
        "install",
        "--locked",
        "trunk",
        "--version",
        TRUNK_VERSION,
    ]))?;
    Ok(Outcome::Installed)
}

fn wasm_bindgen_cli(_: &Workspace) -> Result<Outcome> {
    let runner_present = cmd::tool_version("wasm-bindgen-test-runner").is_some();
    if let Some(line) = cmd::tool_version("wasm-bindgen") {
        if toolchain::is_wasm_bindgen_version(&line) && runner_present {
            return Ok(Outcome::Present(line));
        }
        println!("found `{line}`, want wasm-bindgen {WASM_BINDGEN_VERSION}");
    }
    // Without --locked: the CLI's lock file names a webpki-roots release the registry lacks.
    cmd::run(Command::new("cargo").args([
        "install",
        "--force",
        "wasm-bindgen-cli",
        "--version",
        WASM_BINDGEN_VERSION,
    ]))?;
    Ok(Outcome::Installed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn lock() -> Value {
        json!({"packages": {
            "": {"name": "root"},
            "node_modules/binaryen": {"version": "132.0.0"},
            "node_modules/playwright-core": {"version": "1.65.1"}
        }})
    }

    #[test]
    fn installed_packages_at_locked_versions_satisfy_the_lock() {
        let installed = json!({"packages": {
            "node_modules/binaryen": {"version": "132.0.0"},
            "node_modules/playwright-core": {"version": "1.65.1"}
        }});
        assert!(lock_satisfied(&lock(), &installed));
    }

    #[test]
    fn a_missing_or_different_package_means_npm_ci_must_run() {
        let older = json!({"packages": {
            "node_modules/binaryen": {"version": "116.0.0"},
            "node_modules/playwright-core": {"version": "1.65.1"}
        }});
        assert!(!lock_satisfied(&lock(), &older));
        let missing = json!({"packages": {"node_modules/binaryen": {"version": "132.0.0"}}});
        assert!(!lock_satisfied(&lock(), &missing));
    }
}
