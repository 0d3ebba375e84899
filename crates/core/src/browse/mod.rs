//! Browsing the metadata of an origin to pick what to sync: the type catalog (grouped as a
//! DHIS2 user thinks), the listing request of one type, the selection being built, the page's
//! and the page's options. The app draws these; nothing here touches a DOM.

pub mod catalog;
pub mod events;
pub mod options;
pub mod progress;
pub mod query;
pub mod reliability_text;
pub mod rules_editor;
pub mod selection;

pub use catalog::{label_of, TypeCatalog, TypeEntry, TypeGroup};
pub use options::{Choice, SyncOptionsForm};
pub use progress::{step_label, RunProgress, StepState, STEPS};
pub use query::{is_iso_date, ListRequest, QueryError, SortField};
pub use selection::{PickedLine, SelectionState};

use crate::sync::metadata::TargetPayload;
use crate::sync::TargetReport;

/// The body of "Download payload": one entry per destination, as it would be sent.
pub fn payload_document(payloads: &[TargetPayload]) -> String {
    serde_json::to_string_pretty(payloads).unwrap_or_default()
}

/// The body of "Download raw response": the server's answers to each chunk, as received.
pub fn raw_response_document(target: &TargetReport) -> String {
    serde_json::to_string_pretty(&target.raw_responses).unwrap_or_default()
}

/// A file name without characters file systems refuse: `metadata-payload-<name>.json`.
pub fn download_name(prefix: &str, name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let cleaned = cleaned.trim_matches('-');
    if cleaned.is_empty() {
        format!("{prefix}.json")
    } else {
        format!("{prefix}-{cleaned}.json")
    }
}
