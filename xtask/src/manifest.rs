//! The `manifest.webapp` that goes to the zip root: the repository's template with the version
//! filled in, checked against what DHIS2's App Management and the app itself rely on.

use std::path::Path;

use serde_json::Value;

/// What DHIS2 and the app rely on. The key is derived from `short_name` (2.35+), the dataStore
/// namespace is reserved through `activities.dhis.namespace`, and `href: "*"` is what the server
/// replaces with its own URL when the app fetches its manifest.
const EXPECTED_VALUES: [(&str, &str); 7] = [
    ("/name", "MetaData Sync"),
    ("/short_name", "metadata-sync"),
    ("/launch_path", "index.html"),
    ("/appType", "APP"),
    ("/activities/dhis/href", "*"),
    ("/activities/dhis/namespace", "metadata-sync"),
    ("/default_locale", "en"),
];

const REQUIRED_TEXT: [&str; 2] = ["/description", "/developer/name"];
const REQUIRED_ICONS: [&str; 2] = ["48", "128"];

/// Returns the manifest to ship, or every problem found (one per line).
/// `built` is the directory of the release build, where icons and the launch page must exist.
pub fn prepare(template: &str, version: &str, built: &Path) -> Result<Value, String> {
    let mut manifest: Value =
        serde_json::from_str(template).map_err(|error| format!("  not valid JSON: {error}"))?;
    let Some(object) = manifest.as_object_mut() else {
        return Err("  the manifest must be a JSON object".into());
    };
    object.insert("version".into(), Value::String(version.to_owned()));

    let mut problems = Vec::new();
    for (pointer, expected) in EXPECTED_VALUES {
        match manifest.pointer(pointer).and_then(Value::as_str) {
            Some(actual) if actual == expected => {}
            Some(actual) => problems.push(format!(
                "  {pointer} is \"{actual}\", expected \"{expected}\""
            )),
            None => problems.push(format!("  {pointer} is missing, expected \"{expected}\"")),
        }
    }
    for pointer in REQUIRED_TEXT {
        let present = manifest
            .pointer(pointer)
            .and_then(Value::as_str)
            .is_some_and(|text| !text.trim().is_empty());
        if !present {
            problems.push(format!("  {pointer} is missing or empty"));
        }
    }
    for size in REQUIRED_ICONS {
        match manifest["icons"][size].as_str() {
            Some(file) if built.join(file).is_file() => {}
            Some(file) => problems.push(format!(
                "  icons.{size} names \"{file}\", which the release build does not contain"
            )),
            None => problems.push(format!("  icons.{size} is missing")),
        }
    }
    if let Some(launch) = manifest["launch_path"].as_str() {
        if !built.join(launch).is_file() {
            problems.push(format!(
                "  launch_path \"{launch}\" is not in the release build"
            ));
        }
    }

    if problems.is_empty() {
        Ok(manifest)
    } else {
        Err(problems.join("\n"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;
    use std::path::PathBuf;

    const TEMPLATE: &str = r#"{
        "version": "0.0.0-template",
        "name": "MetaData Sync",
        "short_name": "metadata-sync",
        "description": "Copies metadata and data between DHIS2 instances",
        "launch_path": "index.html",
        "appType": "APP",
        "default_locale": "en",
        "activities": {"dhis": {"href": "*", "namespace": "metadata-sync"}},
        "icons": {"48": "assets/icon-48.png", "128": "assets/icon-128.png"},
        "developer": {"name": "MetaData Sync contributors"}
    }"#;

    /// A throwaway build directory holding the given files.
    struct BuildDir(PathBuf);

    impl BuildDir {
        fn with(name: &str, files: &[&str]) -> Self {
            let dir =
                std::env::temp_dir().join(format!("xtask-manifest-{name}-{}", std::process::id()));
            let _ = fs::remove_dir_all(&dir);
            for file in files {
                let path = dir.join(file);
                fs::create_dir_all(path.parent().expect("file has a parent"))
                    .expect("create test dir");
                fs::write(&path, b"x").expect("write test file");
            }
            Self(dir)
        }
    }

    impl Drop for BuildDir {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    #[test]
    fn a_complete_template_gets_the_cargo_version() {
        let built = BuildDir::with(
            "complete",
            &["index.html", "assets/icon-48.png", "assets/icon-128.png"],
        );
        let manifest = prepare(TEMPLATE, "1.4.2", &built.0).expect("template is complete");
        assert_eq!(manifest["version"], "1.4.2");
        assert_eq!(manifest["activities"]["dhis"]["namespace"], "metadata-sync");
    }

    #[test]
    fn missing_icon_files_and_launch_page_are_reported() {
        let built = BuildDir::with("no-icons", &[]);
        let problems = prepare(TEMPLATE, "1.0.0", &built.0).expect_err("files are missing");
        assert!(problems.contains("icons.48"), "{problems}");
        assert!(problems.contains("icons.128"), "{problems}");
        assert!(
            problems.contains("launch_path \"index.html\""),
            "{problems}"
        );
    }

    #[test]
    fn wrong_values_and_missing_keys_are_all_listed() {
        let built = BuildDir::with("wrong", &["index.html"]);
        let template = r#"{"name": "MDSync", "short_name": "metadata-sync",
            "launch_path": "index.html", "activities": {"dhis": {"href": "*"}}}"#;
        let problems = prepare(template, "1.0.0", &built.0).expect_err("template is wrong");
        for expected in [
            "/name is \"MDSync\", expected \"MetaData Sync\"",
            "/appType is missing",
            "/activities/dhis/namespace is missing",
            "/default_locale is missing",
            "/description is missing or empty",
            "/developer/name is missing or empty",
        ] {
            assert!(
                problems.contains(expected),
                "missing `{expected}` in:\n{problems}"
            );
        }
        assert!(!problems.contains("/short_name"), "{problems}");
    }

    #[test]
    fn a_non_object_manifest_is_rejected() {
        let built = BuildDir::with("array", &[]);
        assert!(prepare("[]", "1.0.0", &built.0).is_err());
        assert!(prepare("{", "1.0.0", &built.0).is_err());
    }
}
