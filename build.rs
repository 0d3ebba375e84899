//! Turns the translation files (`locales/<language>.json`) into the `i18n` module with
//! leptos_i18n's own parser and code generator: one `Locale` variant per language and one
//! accessor per key, so a key the code names but the files lack does not compile.
//!
//! A key missing from one language, a key only one language has, or any other remark of the
//! parser fails the build: leptos_i18n would otherwise show the English text in its place, and
//! a missing translation must never reach a user. (Keys no code uses are caught by
//! `tests/translations.rs`.)

use std::path::PathBuf;

use leptos_i18n_parser::parse_locales::options::{Config, ParseOptions};
use leptos_i18n_parser::parse_locales::parse_locales;

/// English first: it is the fallback language and the reference the others are checked against.
const LANGUAGES: [&str; 4] = ["en", "es", "fr", "pt"];

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=locales");
    if let Err(problem) = generate() {
        // `cargo::error` stops the build with the message on every line of it.
        for line in problem.lines() {
            println!("cargo::error={line}");
        }
    }
}

fn generate() -> Result<(), String> {
    let manifest_dir = env_path("CARGO_MANIFEST_DIR")?;
    let out_dir = env_path("OUT_DIR")?;
    let config = Config::new(LANGUAGES[0])
        .and_then(|config| config.add_locales(&LANGUAGES[1..]))
        .map_err(|error| format!("translations: {error}"))?
        // `td_string!` with placeholders yields a `String` (the app never renders a key as
        // a view of its own: strings go through `crate::l10n`).
        .parse_options(ParseOptions::default().interpolate_display(true));
    let parsed = parse_locales(Some(manifest_dir), config)
        .map_err(|error| format!("translations: {error}"))?;
    if let Some(files) = &parsed.tracked_files {
        for file in files {
            println!("cargo::rerun-if-changed={file}");
        }
    }
    let remarks: Vec<String> = parsed
        .diag
        .errors()
        .iter()
        .map(ToString::to_string)
        .chain(parsed.diag.warnings().iter().map(ToString::to_string))
        .collect();
    if !remarks.is_empty() {
        return Err(format!(
            "the translation files in locales/ disagree; every language must have every key \
             of en.json and no other:\n{}",
            remarks.join("\n")
        ));
    }
    let code = leptos_i18n_codegen::gen_code(&parsed, None, false, None, false)
        .map_err(|error| format!("translations: {error}"))?;
    let module_dir = out_dir.join("i18n");
    std::fs::create_dir_all(&module_dir)
        .and_then(|()| std::fs::write(module_dir.join("mod.rs"), code.to_string()))
        .map_err(|error| format!("writing {}: {error}", module_dir.display()))
}

fn env_path(name: &str) -> Result<PathBuf, String> {
    std::env::var_os(name)
        .map(PathBuf::from)
        .ok_or_else(|| format!("cargo did not set {name}"))
}
