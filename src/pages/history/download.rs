//! Dates for the names of downloaded files (the download itself: `pages::sync::download`).

/// Today as `YYYY-MM-DD` (UTC).
pub fn today() -> String {
    let iso = js_sys::Date::new_0()
        .to_iso_string()
        .as_string()
        .unwrap_or_default();
    iso.get(..10).unwrap_or_default().to_string()
}
