//! MetaData Sync, the DHIS2 app (Leptos CSR, compiled to wasm32 by trunk).
//!
//! Thin by design: pages read signals and call `mdsync_core`; nothing here builds DHIS2
//! payloads. The modules without a `cfg` are plain Rust and tested natively; the browser
//! modules exist only on wasm32, so native builds of the workspace stay fast.

pub mod links;
pub mod routes;
pub mod session;
pub mod table_model;

#[cfg(target_arch = "wasm32")]
pub mod app;
#[cfg(target_arch = "wasm32")]
pub mod clock;
#[cfg(target_arch = "wasm32")]
pub mod components;
#[cfg(target_arch = "wasm32")]
pub mod l10n;
#[cfg(target_arch = "wasm32")]
pub mod pages;
#[cfg(target_arch = "wasm32")]
pub mod services;
#[cfg(target_arch = "wasm32")]
pub mod transport;

// The `i18n` module generated from `locales/*.json` by build.rs (leptos_i18n): `i18n::Locale`
// and one accessor per key. Pages reach it through `crate::l10n`.
#[cfg(target_arch = "wasm32")]
include!(concat!(env!("OUT_DIR"), "/i18n/mod.rs"));

/// Mounts the app on `<body>`.
#[cfg(target_arch = "wasm32")]
pub fn start() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
