//! The typed DHIS2 Web API client. Every difference between DHIS2 versions is absorbed here.

mod auth;
mod client;
mod error;
mod me;
mod system_info;
mod transport;
mod version;
mod web_message;

pub use auth::Auth;
pub use client::Dhis2Client;
pub use error::Dhis2Error;
pub use me::{Me, NamedRef, OrgUnitRef, ME_FIELDS};
pub use system_info::SystemInfo;
pub use transport::{HttpRequest, HttpResponse, Method, Transport, TransportError};
pub use version::{Version, VersionParseError};
pub use web_message::WebMessage;

mod datastore;
mod sharing;
pub use datastore::{put_creates_missing_keys, DataStore, DataStoreEntryMetadata, WriteOutcome};
pub mod analytics;
pub mod app_base_url;
pub mod data_values;
pub mod file_resources;
pub mod import_jobs;
pub mod import_report;
pub mod in_flight;
pub mod metadata;
pub mod retry;
pub mod schemas;
pub mod tracker;
pub mod user_datastore;
pub use import_report::{ImportError, ImportResult, ImportStats, ImportStatus, TypeImportStats};
pub use schemas::{Schema, SchemaProperty, SchemaRegistry};
pub mod header_bar;
pub mod metadata_list;
pub mod org_units;
pub mod routes;
