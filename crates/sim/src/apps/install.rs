//! Reading an uploaded app: the multipart `file` field, the zip, the manifest.

use super::{app_authority, app_key, AppStore, InstalledApp};
use crate::{RequestContext, SimResponse, SimVersion};
use serde_json::Value;
use std::collections::BTreeMap;
use std::io::{Cursor, Read};

/// Why an app could not be installed; the messages are DHIS2's `AppStatus` texts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InstallError {
    #[error("Zip-file could not be read")]
    InvalidZip,
    #[error("Missing manifest")]
    MissingManifest,
    #[error("Invalid JSON in app manifest file")]
    InvalidManifest,
    #[error("Namespace defined in manifest is in use")]
    NamespaceTaken,
}

const MANIFEST: &str = "manifest.webapp";

/// `POST /api/apps`: 204 on success, 409 WebMessage on a bad upload.
pub fn handle_upload(
    store: &mut AppStore,
    ctx: &RequestContext,
    content_type: &str,
) -> SimResponse {
    let Some(zip) = multipart_file(content_type, ctx.body) else {
        return SimResponse::web_message(400, "Required request part 'file' is not present");
    };
    match store.install(ctx.version, &zip) {
        Ok(_) => SimResponse::empty(204),
        Err(error) => SimResponse::web_message(409, &error.to_string()),
    }
}

/// The bytes of the multipart part named `file`.
pub fn multipart_file(content_type: &str, body: &[u8]) -> Option<Vec<u8>> {
    crate::multipart::part(content_type, body, "file").map(|part| part.bytes)
}

/// Unpacks a zip into an app. 2.41+ accept the manifest inside one top-level folder.
pub fn read_app(version: SimVersion, zip: &[u8]) -> Result<InstalledApp, InstallError> {
    let mut archive =
        zip::ZipArchive::new(Cursor::new(zip)).map_err(|_| InstallError::InvalidZip)?;
    let mut entries: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    for index in 0..archive.len() {
        let mut file = archive
            .by_index(index)
            .map_err(|_| InstallError::InvalidZip)?;
        if file.is_dir() {
            continue;
        }
        let mut content = Vec::new();
        file.read_to_end(&mut content)
            .map_err(|_| InstallError::InvalidZip)?;
        entries.insert(file.name().to_string(), content);
    }
    let prefix = if entries.contains_key(MANIFEST) {
        String::new()
    } else {
        match single_top_folder(&entries) {
            Some(folder)
                if version.at_least(41, 0)
                    && entries.contains_key(&format!("{folder}{MANIFEST}")) =>
            {
                folder
            }
            _ => return Err(InstallError::MissingManifest),
        }
    };
    let files: BTreeMap<String, Vec<u8>> = entries
        .into_iter()
        .filter_map(|(path, content)| Some((path.strip_prefix(&prefix)?.to_string(), content)))
        .collect();
    let manifest: Value = files
        .get(MANIFEST)
        .and_then(|bytes| serde_json::from_slice(bytes).ok())
        .filter(Value::is_object)
        .ok_or(InstallError::InvalidManifest)?;
    let name = manifest["name"].as_str().unwrap_or_default().to_string();
    if name.trim().is_empty() {
        return Err(InstallError::InvalidManifest);
    }
    let short_name = manifest["short_name"].as_str().map(str::to_string);
    let namespace = manifest["activities"]["dhis"]["namespace"]
        .as_str()
        .filter(|ns| !ns.trim().is_empty())
        .map(str::to_string);
    Ok(InstalledApp {
        key: app_key(version, &name, short_name.as_deref()),
        authority: app_authority(version, &name, short_name.as_deref()),
        name,
        short_name,
        manifest,
        files,
        namespace,
    })
}

/// `folder/` when every entry sits under one folder.
fn single_top_folder(entries: &BTreeMap<String, Vec<u8>>) -> Option<String> {
    let mut folders = entries
        .keys()
        .map(|path| path.split('/').next().unwrap_or(""));
    let first = folders.next()?;
    let all_nested = entries.keys().all(|path| path.contains('/'));
    (all_nested && folders.all(|folder| folder == first)).then(|| format!("{first}/"))
}
