//! Where things are: the checkout, cargo's target directory, the app version, and the PATH
//! every child process gets.

use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::cmd;
use crate::error::{Result, XtaskError};

/// The root package: the DHIS2 app itself.
pub const APP_PACKAGE: &str = "metadata-sync";

pub struct Workspace {
    pub root: PathBuf,
    pub target_dir: PathBuf,
    /// The app version (the workspace version, which the root package inherits).
    pub version: String,
    /// The version requirement of `wasm-bindgen` in the root package, e.g. `=0.2.130`.
    pub wasm_bindgen_requirement: Option<String>,
}

impl Workspace {
    /// Reads the workspace through `cargo metadata`, so CARGO_TARGET_DIR and the like are honoured
    /// exactly as cargo itself honours them.
    pub fn load() -> Result<Self> {
        let root = repository_root();
        let mut command = Command::new("cargo");
        command
            .current_dir(&root)
            .args(["metadata", "--no-deps", "--format-version", "1"]);
        let text = cmd::output(&mut command)?;
        let metadata: Value =
            serde_json::from_str(&text).map_err(|error| XtaskError::UnexpectedOutput {
                command: cmd::describe(&command),
                detail: error.to_string(),
            })?;
        Self::from_metadata(root, &metadata).ok_or_else(|| XtaskError::UnexpectedOutput {
            command: cmd::describe(&command),
            detail: format!("no package `{APP_PACKAGE}` or no target_directory"),
        })
    }

    fn from_metadata(root: PathBuf, metadata: &Value) -> Option<Self> {
        let target_dir = PathBuf::from(metadata["target_directory"].as_str()?);
        let app = metadata["packages"]
            .as_array()?
            .iter()
            .find(|package| package["name"] == APP_PACKAGE)?;
        let version = app["version"].as_str()?.to_owned();
        let wasm_bindgen_requirement = app["dependencies"]
            .as_array()?
            .iter()
            .find(|dependency| dependency["name"] == "wasm-bindgen")
            .and_then(|dependency| dependency["req"].as_str())
            .map(str::to_owned);
        Some(Self {
            root,
            target_dir,
            version,
            wasm_bindgen_requirement,
        })
    }

    pub fn path(&self, relative: impl AsRef<Path>) -> PathBuf {
        self.root.join(relative)
    }

    /// Where trunk writes the release build (kept apart from `dist/`, which holds the zips).
    pub fn web_build_dir(&self) -> PathBuf {
        self.target_dir.join("dist-web")
    }

    pub fn zip_path(&self) -> PathBuf {
        self.root
            .join("dist")
            .join(format!("{APP_PACKAGE}-{}.zip", self.version))
    }
}

/// The checkout this xtask was built from (xtask/ sits at its root).
pub fn repository_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| manifest_dir.to_path_buf())
}

/// Where `cargo install` puts binaries.
pub fn cargo_bin_dir() -> Option<PathBuf> {
    if let Some(root) = env::var_os("CARGO_INSTALL_ROOT") {
        return Some(PathBuf::from(root).join("bin"));
    }
    if let Some(home) = env::var_os("CARGO_HOME") {
        return Some(PathBuf::from(home).join("bin"));
    }
    env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo").join("bin"))
}

/// Puts `node_modules/.bin` (wasm-opt from npm binaryen) and cargo's bin directory (trunk,
/// wasm-bindgen, wasm-bindgen-test-runner) first on PATH, and sets the defaults the tools need.
/// Called once at start-up, before any thread exists; every child inherits it.
pub fn prepare_environment(root: &Path) {
    let mut entries = vec![root.join("node_modules").join(".bin")];
    entries.extend(cargo_bin_dir());
    if let Some(path) = env::var_os("PATH") {
        entries.extend(env::split_paths(&path));
    }
    if let Ok(joined) = env::join_paths(dedup(entries)) {
        env::set_var("PATH", joined);
    }
    set_default("TRUNK_SKIP_VERSION_CHECK", "true");
    set_default("CHROMEDRIVER", "/usr/bin/chromedriver");
}

fn set_default(key: &str, value: &str) {
    if env::var_os(key).is_none() {
        env::set_var(key, value);
    }
}

fn dedup(entries: Vec<PathBuf>) -> Vec<PathBuf> {
    let mut seen = Vec::new();
    for entry in entries {
        if !seen.contains(&entry) {
            seen.push(entry);
        }
    }
    seen
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_version_and_wasm_bindgen_pin_from_cargo_metadata() {
        let metadata = json!({
            "target_directory": "/repo/target",
            "packages": [
                {"name": "xtask", "version": "9.9.9", "dependencies": []},
                {"name": "metadata-sync", "version": "1.2.3", "dependencies": [
                    {"name": "serde", "req": "^1"},
                    {"name": "wasm-bindgen", "req": "=0.2.130"}
                ]}
            ]
        });
        let workspace = Workspace::from_metadata(PathBuf::from("/repo"), &metadata)
            .expect("metadata has the app package");
        assert_eq!(workspace.version, "1.2.3");
        assert_eq!(
            workspace.wasm_bindgen_requirement.as_deref(),
            Some("=0.2.130")
        );
        assert_eq!(workspace.target_dir, PathBuf::from("/repo/target"));
        assert_eq!(
            workspace.zip_path(),
            PathBuf::from("/repo/dist/metadata-sync-1.2.3.zip")
        );
    }

    #[test]
    fn metadata_without_the_app_package_is_rejected() {
        let metadata = json!({"target_directory": "/t", "packages": [{"name": "other"}]});
        assert!(Workspace::from_metadata(PathBuf::from("/repo"), &metadata).is_none());
    }

    #[test]
    fn dedup_keeps_first_occurrence_order() {
        let paths = dedup(vec!["/a".into(), "/b".into(), "/a".into(), "/c".into()]);
        assert_eq!(paths, vec![PathBuf::from("/a"), "/b".into(), "/c".into()]);
    }
}
