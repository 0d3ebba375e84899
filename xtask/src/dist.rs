//! `cargo xtask dist`: the release build, packed as the zip DHIS2's App Management installs.

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};

use mdsync_core::crypto::{self, CryptoError, EncryptionKey};
use serde_json::json;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use crate::error::{IoContext, Result, XtaskError};
use crate::manifest;
use crate::toolchain;
use crate::web_build;
use crate::workspace::Workspace;

/// Files the zip gets from xtask rather than from the build.
const MANIFEST: &str = "manifest.webapp";
const APP_CONFIG: &str = "app-config.json";

pub struct DistOutput {
    pub zip: PathBuf,
    pub web_dir: PathBuf,
}

/// Builds the app in release mode and writes `dist/metadata-sync-<version>.zip`.
/// `encryption_key`: the deployment's credential key; a fresh one is generated when `None`.
pub fn dist(workspace: &Workspace, encryption_key: Option<String>) -> Result<DistOutput> {
    toolchain::check_wasm_bindgen_pins(workspace)?;
    let web_dir = web_build::build(workspace)?;

    let template_path = workspace.path(MANIFEST);
    let template = fs::read_to_string(&template_path).at(&template_path)?;
    let manifest =
        manifest::prepare(&template, &workspace.version, &web_dir).map_err(XtaskError::Manifest)?;

    let key = deployment_key(encryption_key)?;
    let app_config = json!({ "encryptionKey": key });

    let zip = workspace.zip_path();
    let files = build_files(&web_dir)?;
    write_zip(
        &zip,
        &web_dir,
        &files,
        &[
            (MANIFEST, pretty(&manifest)),
            (APP_CONFIG, pretty(&app_config)),
        ],
    )?;
    let size = fs::metadata(&zip).at(&zip)?.len();
    println!(
        "wrote {} ({} files, {size} bytes), version {}",
        zip.display(),
        files.len() + 2,
        workspace.version
    );
    Ok(DistOutput { zip, web_dir })
}

fn pretty(value: &serde_json::Value) -> Vec<u8> {
    let mut text = serde_json::to_vec_pretty(value).unwrap_or_default();
    text.push(b'\n');
    text
}

/// The key as the app and the CLI read it (`mdsync_core::crypto`'s format), or a fresh one.
fn deployment_key(given: Option<String>) -> Result<String> {
    let invalid = |error: CryptoError| XtaskError::EncryptionKey(error.to_string());
    match given {
        Some(text) => Ok(EncryptionKey::parse(&text)
            .map_err(invalid)?
            .to_key_string()),
        None => {
            println!("no --encryption-key / MDSYNC_ENCRYPTION_KEY given: generating a new key");
            crypto::generate_key_string().map_err(invalid)
        }
    }
}

/// Every file of the build, relative to it, sorted so the zip is laid out the same every time.
/// The files xtask writes itself are left out.
fn build_files(web_dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    collect(web_dir, web_dir, &mut files)?;
    files.retain(|file| file != Path::new(MANIFEST) && file != Path::new(APP_CONFIG));
    files.sort();
    Ok(files)
}

fn collect(base: &Path, dir: &Path, files: &mut Vec<PathBuf>) -> Result<()> {
    for entry in fs::read_dir(dir).at(dir)? {
        let path = entry.at(dir)?.path();
        if path.is_dir() {
            collect(base, &path, files)?;
        } else if let Ok(relative) = path.strip_prefix(base) {
            files.push(relative.to_path_buf());
        }
    }
    Ok(())
}

fn write_zip(
    zip_path: &Path,
    web_dir: &Path,
    files: &[PathBuf],
    generated: &[(&str, Vec<u8>)],
) -> Result<()> {
    let zip_error = |source| XtaskError::Zip {
        path: zip_path.to_path_buf(),
        source,
    };
    if let Some(parent) = zip_path.parent() {
        fs::create_dir_all(parent).at(parent)?;
    }
    let file = File::create(zip_path).at(zip_path)?;
    let mut writer = ZipWriter::new(file);
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .unix_permissions(0o644);
    for (name, contents) in generated {
        writer.start_file(*name, options).map_err(zip_error)?;
        writer.write_all(contents).at(zip_path)?;
    }
    for relative in files {
        let name = relative
            .components()
            .map(|part| part.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        let source = web_dir.join(relative);
        let contents = fs::read(&source).at(&source)?;
        writer.start_file(name, options).map_err(zip_error)?;
        writer.write_all(&contents).at(zip_path)?;
    }
    writer.finish().map_err(zip_error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn generated_keys_are_fresh_and_readable_by_core() {
        let first = deployment_key(None).expect("generated");
        let second = deployment_key(None).expect("generated");
        assert_ne!(first, second);
        assert_eq!(deployment_key(Some(first.clone())).expect("valid"), first);
    }

    #[test]
    fn a_given_key_must_be_32_bytes() {
        use base64::Engine;
        let short = base64::engine::general_purpose::STANDARD.encode([7u8; 16]);
        assert!(matches!(
            deployment_key(Some(short)),
            Err(XtaskError::EncryptionKey(message)) if message.contains("16 bytes")
        ));
        assert!(deployment_key(Some("not a key!".into())).is_err());
    }

    #[test]
    fn the_zip_has_the_manifest_at_its_root_and_the_build_files() {
        let dir = std::env::temp_dir().join(format!("xtask-zip-{}", std::process::id()));
        let web = dir.join("web");
        fs::create_dir_all(web.join("assets")).expect("create");
        fs::write(web.join("index.html"), b"<html>").expect("write");
        fs::write(web.join("assets/icon-48.png"), b"png").expect("write");
        fs::write(web.join(MANIFEST), b"{\"stale\": true}").expect("write");

        let files = build_files(&web).expect("list");
        assert_eq!(
            files,
            vec![PathBuf::from("assets/icon-48.png"), "index.html".into()]
        );
        let zip_path = dir.join("out/app.zip");
        write_zip(
            &zip_path,
            &web,
            &files,
            &[(MANIFEST, b"{\"version\": \"1.0.0\"}".to_vec())],
        )
        .expect("zip written");

        let mut archive =
            zip::ZipArchive::new(File::open(&zip_path).expect("open")).expect("valid zip");
        let mut names: Vec<String> = archive.file_names().map(str::to_owned).collect();
        names.sort();
        assert_eq!(
            names,
            ["assets/icon-48.png", "index.html", "manifest.webapp"]
        );
        let mut manifest = String::new();
        archive
            .by_name(MANIFEST)
            .expect("manifest at the root")
            .read_to_string(&mut manifest)
            .expect("read");
        assert_eq!(manifest, "{\"version\": \"1.0.0\"}");
        let _ = fs::remove_dir_all(&dir);
    }
}
