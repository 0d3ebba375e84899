//! The release web build, with the panels split into wasm chunks fetched on first use.
//!
//! trunk cannot split a wasm module, so the release build runs the steps itself:
//!
//! 1. `cargo build --release` for wasm32 with `--cfg mdsync_split` (the split points in
//!    `src/pages/lazy_panel.rs`) and `--emit-relocs` (the splitter reads the relocations);
//! 2. `wasm_split_cli_support::transform` cuts the module at those points: a main module, one
//!    chunk per split point (plus chunks of code they share) and `__wasm_split.js`, which fetches
//!    and links a chunk the first time its function is called;
//! 3. `wasm-bindgen --target web` on the main module (keeping the exports the chunks link to);
//! 4. `wasm-opt -Oz` on every wasm file;
//! 5. the page: `index.html` is the repository's (trunk's input, used by `trunk serve` during
//!    development) with its `data-trunk` links replaced by what they stand for.
//!
//! Everything the page loads sits in `app-<hash>/`, named by a hash of its contents, so a
//! browser never mixes files of two releases from its cache.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::cmd;
use crate::error::{IoContext, Result, XtaskError};
use crate::toolchain;
use crate::workspace::Workspace;

/// The crate's binary, and the base name of the wasm-bindgen output.
const APP_NAME: &str = "metadata-sync";
/// The loader module the main wasm imports its chunk loaders from.
const SPLIT_LINK_MODULE: &str = "__wasm_split.js";
/// Added to `.cargo/config.toml`'s wasm32 rustflags (cargo joins the two lists).
const SPLIT_RUSTFLAGS: &str = r#"target.wasm32-unknown-unknown.rustflags=["--cfg", "mdsync_split", "-Clink-args=--emit-relocs"]"#;
/// The wasm features rustc 1.95 targets by default; the chunks carry no feature section, so
/// wasm-opt is told them explicitly.
const WASM_OPT_FEATURES: [&str; 6] = [
    "--enable-bulk-memory",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-mutable-globals",
    "--enable-reference-types",
    "--enable-multivalue",
];

/// The main wasm module: everything the first load needs. The other `.wasm` files are chunks.
pub fn is_main_wasm(file_name: &str) -> bool {
    file_name == format!("{APP_NAME}_bg.wasm")
}

/// Builds the release web app into `workspace.web_build_dir()` and returns that directory.
pub fn build(workspace: &Workspace) -> Result<PathBuf> {
    check_wasm_opt()?;
    cmd::run(
        Command::new("cargo")
            .current_dir(&workspace.root)
            .args([
                "build",
                "--release",
                "--locked",
                "--target",
                "wasm32-unknown-unknown",
            ])
            .args(["--bin", APP_NAME, "--config", SPLIT_RUSTFLAGS]),
    )?;
    let input = workspace
        .target_dir
        .join("wasm32-unknown-unknown")
        .join("release")
        .join(format!("{APP_NAME}.wasm"));
    let staging = workspace.target_dir.join("web-split");
    let assets = staging.join("app");
    recreate_dir(&staging)?;
    fs::create_dir_all(&assets).at(&assets)?;

    let main_split = staging.join(format!("{APP_NAME}_split.wasm"));
    split(&input, &assets, &main_split)?;
    cmd::run(
        Command::new("wasm-bindgen")
            .args(["--target", "web", "--keep-lld-exports", "--no-typescript"])
            .args(["--out-name", APP_NAME, "--out-dir"])
            .arg(&assets)
            .arg(&main_split),
    )?;
    for wasm in files_with_extension(&assets, "wasm")? {
        cmd::run(
            Command::new("wasm-opt")
                // The chunks keep the input's name section; nothing at run time needs it.
                .args(["-Oz", "--strip-debug", "--strip-producers"])
                .args(WASM_OPT_FEATURES)
                .arg(&wasm)
                .arg("-o")
                .arg(&wasm),
        )?;
    }

    let web_dir = workspace.web_build_dir();
    recreate_dir(&web_dir)?;
    let page_template = workspace.path("index.html");
    let template = fs::read_to_string(&page_template).at(&page_template)?;
    let mut page = Page::default();
    for line in template.lines() {
        page.add_line(line, workspace, &assets, &web_dir)?;
    }
    let asset_dir_name = format!("app-{}", content_hash(&assets)?);
    copy_dir(&assets, &web_dir.join(&asset_dir_name))?;
    let index = web_dir.join("index.html");
    fs::write(
        &index,
        page.html.replace(ASSET_DIR_PLACEHOLDER, &asset_dir_name),
    )
    .at(&index)?;
    Ok(web_dir)
}

/// The wasm-opt on PATH must be npm binaryen's (node_modules/.bin comes first on xtask's PATH).
fn check_wasm_opt() -> Result<()> {
    let version = cmd::output(Command::new("wasm-opt").arg("--version"))?;
    if version.contains(toolchain::WASM_OPT_VERSION) {
        Ok(())
    } else {
        Err(XtaskError::WasmSplit(format!(
            "wasm-opt on PATH is \"{}\", expected {}; run `cargo xtask setup` (npm ci) and \
             remove Debian's binaryen, which breaks wasm-bindgen's output",
            version.trim(),
            toolchain::WASM_OPT_VERSION
        )))
    }
}

fn split(input: &Path, assets: &Path, main_out: &Path) -> Result<()> {
    println!("$ wasm-split {} -> {}", input.display(), assets.display());
    let wasm = fs::read(input).at(input)?;
    let main_module = format!("./{APP_NAME}.js");
    let mut options = wasm_split_cli_support::Options::new(&wasm);
    options.output_dir = assets;
    options.main_out_path = main_out;
    options.main_module = &main_module;
    let link_name = format!("./{SPLIT_LINK_MODULE}");
    options.link_name = &link_name;
    let split = wasm_split_cli_support::transform(options)
        .map_err(|error| XtaskError::WasmSplit(format!("{error:#}")))?;
    if split.split_modules.is_empty() {
        return Err(XtaskError::WasmSplit(
            "no split point found: was the app built with --cfg mdsync_split?".into(),
        ));
    }
    for chunk in &split.split_modules {
        println!("  chunk {}", chunk.display());
    }
    let link_module = assets.join(SPLIT_LINK_MODULE);
    let loader = fs::read_to_string(&link_module).at(&link_module)?;
    let loader = tolerant_chunk_loader(&loader).ok_or_else(|| {
        XtaskError::WasmSplit(format!(
            "{} no longer instantiates chunks with `{STREAMING_INSTANTIATE}`; \
             update web_build::tolerant_chunk_loader for this wasm_split_cli_support",
            link_module.display()
        ))
    })?;
    fs::write(&link_module, loader).at(&link_module)
}

/// How the generated loader instantiates a chunk (`src` is the pending fetch).
const STREAMING_INSTANTIATE: &str = "WebAssembly.instantiateStreaming(src, imports)";

/// `instantiateStreaming` needs `Content-Type: application/wasm`, which DHIS2 only sends when its
/// servlet container knows the type (older Tomcats and some proxies do not), and it reports an
/// HTTP error (or the login page of an expired session) as a MIME error. The loader gets a
/// helper that names those, and otherwise falls back to instantiating from bytes, as
/// wasm-bindgen does for the main module.
fn tolerant_chunk_loader(loader: &str) -> Option<String> {
    if !loader.contains(STREAMING_INSTANTIATE) {
        return None;
    }
    let mut patched = loader.replace(STREAMING_INSTANTIATE, "mdsyncInstantiate(src, imports)");
    patched.push_str(
        r#"
// Added by MetaData Sync's release build (xtask/src/web_build.rs).
async function mdsyncInstantiate(pending, imports) {
    const response = await pending;
    if (!response.ok) {
        throw new Error(`${response.url} answered HTTP ${response.status}`);
    }
    const type = (response.headers.get("Content-Type") || "").split(";")[0].trim();
    if (type === "text/html") {
        throw new Error(`${response.url} answered with an HTML page (has the session expired?)`);
    }
    if (type === "application/wasm") {
        return WebAssembly.instantiateStreaming(response, imports);
    }
    return WebAssembly.instantiate(await response.arrayBuffer(), imports);
}
"#,
    );
    Some(patched)
}

const ASSET_DIR_PLACEHOLDER: &str = "{{ASSET_DIR}}";

/// `index.html` as it is built, line by line.
#[derive(Default)]
struct Page {
    html: String,
}

impl Page {
    /// Copies a line, or replaces a `<link data-trunk …>` with what it stands for.
    fn add_line(
        &mut self,
        line: &str,
        workspace: &Workspace,
        assets: &Path,
        web_dir: &Path,
    ) -> Result<()> {
        let trimmed = line.trim_start();
        let indent = &line[..line.len() - trimmed.len()];
        if !trimmed.starts_with("<link data-trunk") {
            self.html.push_str(line);
            self.html.push('\n');
            return Ok(());
        }
        let rel = attribute(trimmed, "rel").unwrap_or_default();
        let href = attribute(trimmed, "href").unwrap_or_default();
        let dir = ASSET_DIR_PLACEHOLDER;
        match rel {
            "css" => {
                let name = file_name(href);
                copy_file(&workspace.path(href), &assets.join(name))?;
                self.push(
                    indent,
                    &format!(r#"<link rel="stylesheet" href="./{dir}/{name}" />"#),
                );
            }
            "copy-file" => copy_file(&workspace.path(href), &web_dir.join(file_name(href)))?,
            "rust" => {
                let js = format!("./{dir}/{APP_NAME}.js");
                let wasm = format!("./{dir}/{APP_NAME}_bg.wasm");
                self.push(
                    indent,
                    &format!(r#"<link rel="modulepreload" href="{js}" />"#),
                );
                self.push(
                    indent,
                    &format!(r#"<link rel="modulepreload" href="./{dir}/{SPLIT_LINK_MODULE}" />"#),
                );
                self.push(
                    indent,
                    &format!(
                        r#"<link rel="preload" href="{wasm}" as="fetch" type="application/wasm" crossorigin="" />"#
                    ),
                );
                self.push(
                    indent,
                    &format!(
                        r#"<script type="module">import init from "{js}"; init({{ module_or_path: "{wasm}" }});</script>"#
                    ),
                );
            }
            other => {
                return Err(XtaskError::WasmSplit(format!(
                    "index.html: the release build does not know <link data-trunk rel=\"{other}\">"
                )))
            }
        }
        Ok(())
    }

    fn push(&mut self, indent: &str, line: &str) {
        self.html.push_str(indent);
        self.html.push_str(line);
        self.html.push('\n');
    }
}

/// The value of `name="…"` in a tag.
fn attribute<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let marker = format!(" {name}=\"");
    let start = tag.find(&marker)? + marker.len();
    let length = tag[start..].find('"')?;
    Some(&tag[start..start + length])
}

fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

fn recreate_dir(dir: &Path) -> Result<()> {
    if dir.exists() {
        fs::remove_dir_all(dir).at(dir)?;
    }
    fs::create_dir_all(dir).at(dir)
}

fn copy_file(from: &Path, to: &Path) -> Result<()> {
    fs::copy(from, to).at(from).map(|_| ())
}

fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    fs::create_dir_all(to).at(to)?;
    for file in sorted_files(from)? {
        copy_file(&file, &to.join(file.file_name().unwrap_or_default()))?;
    }
    Ok(())
}

fn sorted_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for entry in fs::read_dir(dir).at(dir)? {
        let path = entry.at(dir)?.path();
        if path.is_file() {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

fn files_with_extension(dir: &Path, extension: &str) -> Result<Vec<PathBuf>> {
    Ok(sorted_files(dir)?
        .into_iter()
        .filter(|file| file.extension().is_some_and(|ext| ext == extension))
        .collect())
}

/// 16 hex digits of FNV-1a over every file's name and contents: enough to tell releases apart.
fn content_hash(dir: &Path) -> Result<String> {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for file in sorted_files(dir)? {
        let name = file.file_name().unwrap_or_default().to_string_lossy();
        let contents = fs::read(&file).at(&file)?;
        for byte in name.as_bytes().iter().chain(&[0]).chain(&contents) {
            hash ^= u64::from(*byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    Ok(format!("{hash:016x}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_attributes_of_a_trunk_link() {
        let tag = r#"<link data-trunk rel="copy-file" href="assets/icon-48.png" />"#;
        assert_eq!(attribute(tag, "rel"), Some("copy-file"));
        assert_eq!(attribute(tag, "href"), Some("assets/icon-48.png"));
        assert_eq!(attribute(tag, "data-bin"), None);
        assert_eq!(file_name("assets/icon-48.png"), "icon-48.png");
    }

    #[test]
    fn the_chunk_loader_gets_the_tolerant_instantiation() {
        let generated =
            "return async (imports) => (WebAssembly.instantiateStreaming(src, imports));";
        let patched = tolerant_chunk_loader(generated).expect("the generated call is there");
        assert!(patched.contains("=> (mdsyncInstantiate(src, imports))"));
        assert!(patched.contains("async function mdsyncInstantiate(pending, imports)"));
        assert!(patched.contains("response.arrayBuffer()"));
        assert_eq!(tolerant_chunk_loader("something else"), None);
    }

    #[test]
    fn only_the_bindgen_output_is_the_main_module() {
        assert!(is_main_wasm("metadata-sync_bg.wasm"));
        assert!(!is_main_wasm("split_sync_panel.wasm"));
        assert!(!is_main_wasm("chunk_0.wasm"));
    }
}
