//! Entry point of the app: mounts the Leptos root and nothing else.
fn main() {
    #[cfg(target_arch = "wasm32")]
    metadata_sync::start();
}
