//! The tool versions the project is built with, and the check that the wasm-bindgen pin agrees
//! in all three places that name it.

use std::fs;

use crate::error::{IoContext, Result, XtaskError};
use crate::workspace::Workspace;

/// trunk 0.22 needs rustc 1.96.1; 0.21.14 builds with the toolchain we have.
pub const TRUNK_VERSION: &str = "0.21.14";
/// The one place xtask names the wasm-bindgen version. It must equal Cargo.toml's
/// `wasm-bindgen = "=…"` and Trunk.toml's `[tools] wasm_bindgen`.
pub const WASM_BINDGEN_VERSION: &str = "0.2.130";
/// npm binaryen 132 (`wasm-opt --version` → "wasm-opt version 132 (version_132)"). Debian's
/// binaryen 108 silently breaks wasm-bindgen's output.
pub const WASM_OPT_VERSION: &str = "version 132";
pub const WASM_TARGET: &str = "wasm32-unknown-unknown";
pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// Fails, naming every place that disagrees, unless Cargo.toml, Trunk.toml and this xtask pin
/// the same wasm-bindgen version.
pub fn check_wasm_bindgen_pins(workspace: &Workspace) -> Result<()> {
    let trunk_toml_path = workspace.path("Trunk.toml");
    let trunk_toml = fs::read_to_string(&trunk_toml_path).at(&trunk_toml_path)?;
    let problems = pin_problems(
        workspace.wasm_bindgen_requirement.as_deref(),
        toml_string_value(&trunk_toml, "tools", "wasm_bindgen").as_deref(),
    );
    if problems.is_empty() {
        Ok(())
    } else {
        Err(XtaskError::VersionPins(problems.join("\n")))
    }
}

fn pin_problems(cargo_requirement: Option<&str>, trunk_tools: Option<&str>) -> Vec<String> {
    let expected_requirement = format!("={WASM_BINDGEN_VERSION}");
    let mut problems = Vec::new();
    match cargo_requirement {
        Some(requirement) if requirement == expected_requirement => {}
        Some(requirement) => problems.push(format!(
            "  Cargo.toml: wasm-bindgen = \"{requirement}\", expected \"{expected_requirement}\""
        )),
        None => problems.push(format!(
            "  Cargo.toml: no wasm-bindgen dependency in the app; expected \"{expected_requirement}\""
        )),
    }
    match trunk_tools {
        Some(version) if version == WASM_BINDGEN_VERSION => {}
        Some(version) => problems.push(format!(
            "  Trunk.toml: [tools] wasm_bindgen = \"{version}\", expected \"{WASM_BINDGEN_VERSION}\""
        )),
        None => problems.push(format!(
            "  Trunk.toml: [tools] wasm_bindgen is missing; add wasm_bindgen = \"{WASM_BINDGEN_VERSION}\""
        )),
    }
    if !problems.is_empty() {
        problems.push(format!(
            "  xtask/src/toolchain.rs: WASM_BINDGEN_VERSION = \"{WASM_BINDGEN_VERSION}\""
        ));
    }
    problems
}

/// The string value of `key` in `[section]` of a TOML file. Enough for Trunk.toml's flat
/// `key = "value"` lines; it does not try to be a TOML parser.
fn toml_string_value(text: &str, section: &str, key: &str) -> Option<String> {
    let header = format!("[{section}]");
    let mut in_section = false;
    for line in text.lines() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.starts_with('[') {
            in_section = line == header;
            continue;
        }
        if !in_section {
            continue;
        }
        let Some((name, value)) = line.split_once('=') else {
            continue;
        };
        if name.trim() == key {
            let value = value.trim();
            return Some(value.trim_matches(|c| c == '"' || c == '\'').to_owned());
        }
    }
    None
}

/// `trunk 0.21.14` → true when it is the pinned version.
pub fn is_trunk_version(line: &str) -> bool {
    line.split_whitespace().nth(1) == Some(TRUNK_VERSION)
}

/// `wasm-bindgen 0.2.130` → true when it is the pinned version.
pub fn is_wasm_bindgen_version(line: &str) -> bool {
    line.split_whitespace().nth(1) == Some(WASM_BINDGEN_VERSION)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TRUNK_TOML: &str = r#"
[build]
target = "index.html"
dist = "dist" # trunk's own default

[tools]
# pinned
wasm_bindgen = "0.2.130"
wasm_opt = "version_132"

[watch]
wasm_bindgen = "not this one"
"#;

    #[test]
    fn finds_the_value_in_its_own_section_only() {
        assert_eq!(
            toml_string_value(TRUNK_TOML, "tools", "wasm_bindgen").as_deref(),
            Some("0.2.130")
        );
        assert_eq!(
            toml_string_value(TRUNK_TOML, "build", "dist").as_deref(),
            Some("dist")
        );
        assert_eq!(toml_string_value(TRUNK_TOML, "build", "wasm_bindgen"), None);
    }

    #[test]
    fn agreeing_pins_have_no_problems() {
        assert!(pin_problems(Some("=0.2.130"), Some("0.2.130")).is_empty());
    }

    #[test]
    fn each_disagreeing_place_is_named() {
        let problems = pin_problems(Some("=0.2.129"), None);
        let text = problems.join("\n");
        assert!(
            text.contains("Cargo.toml: wasm-bindgen = \"=0.2.129\""),
            "{text}"
        );
        assert!(
            text.contains("Trunk.toml: [tools] wasm_bindgen is missing"),
            "{text}"
        );
        assert!(text.contains("xtask/src/toolchain.rs"), "{text}");
    }

    #[test]
    fn a_caret_requirement_is_not_a_pin() {
        let problems = pin_problems(Some("^0.2.130"), Some("0.2.130"));
        assert_eq!(problems.len(), 2, "{problems:?}");
    }

    #[test]
    fn version_lines_are_matched_exactly() {
        assert!(is_trunk_version("trunk 0.21.14"));
        assert!(!is_trunk_version("trunk 0.21.1"));
        assert!(is_wasm_bindgen_version("wasm-bindgen 0.2.130"));
        assert!(!is_wasm_bindgen_version("wasm-bindgen 0.2.1300"));
    }
}
