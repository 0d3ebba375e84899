//! Saving text as a file: a Blob, an object URL and a clicked `<a download>`.

use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Blob, BlobPropertyBag, HtmlAnchorElement, Url};

fn describe(error: JsValue) -> String {
    error
        .as_string()
        .unwrap_or_else(|| "the browser refused to create the file".to_string())
}

/// Offers `text` as a file named `file_name` of type `mime`.
pub fn download_text(file_name: &str, mime: &str, text: &str) -> Result<(), String> {
    let window = web_sys::window().ok_or("no browser window")?;
    let document = window.document().ok_or("no document")?;
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = BlobPropertyBag::new();
    options.set_type(mime);
    let blob = Blob::new_with_str_sequence_and_options(&parts, &options).map_err(describe)?;
    let url = Url::create_object_url_with_blob(&blob).map_err(describe)?;
    let anchor: HtmlAnchorElement = document
        .create_element("a")
        .map_err(describe)?
        .unchecked_into();
    anchor.set_href(&url);
    anchor.set_download(file_name);
    anchor
        .set_attribute("style", "display:none")
        .map_err(describe)?;
    let body = document.body().ok_or("no document body")?;
    body.append_child(&anchor).map_err(describe)?;
    anchor.click();
    anchor.remove();
    // Revoked later: revoking at once can cancel the download in some browsers.
    let revoke = js_sys::Function::new_with_args("url", "URL.revokeObjectURL(url)");
    window
        .set_timeout_with_callback_and_timeout_and_arguments_1(
            &revoke,
            10_000,
            &JsValue::from_str(&url),
        )
        .map_err(describe)?;
    Ok(())
}

/// Today as `YYYY-MM-DD` (UTC).
pub fn today() -> String {
    let iso = js_sys::Date::new_0()
        .to_iso_string()
        .as_string()
        .unwrap_or_default();
    iso.get(..10).unwrap_or_default().to_string()
}
