//! The MetaData Sync DHIS2 app (Leptos, compiled to wasm32).
