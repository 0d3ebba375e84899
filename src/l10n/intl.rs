//! Numbers, dates and plural categories as the browser's `Intl` writes them for a locale:
//! CLDR data the browser already has, so the app ships none.

use js_sys::{Array, Date, Function, Object, Reflect};
use wasm_bindgen::JsValue;

/// The plural forms the translation files give a counted message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PluralForm {
    One,
    Other,
}

fn locales(tag: &str) -> Array {
    Array::of1(&JsValue::from_str(tag))
}

/// CLDR's cardinal category of `count` in `tag` (`fr`: 0 and 1 are "one"). The shipped
/// languages know "one", "many" (French, Spanish and Portuguese millions) and "other"; the
/// files give "one" and "other", and "many" reads as "other".
pub fn plural_form(tag: &str, count: f64) -> PluralForm {
    let rules = js_sys::Intl::PluralRules::new(&locales(tag), &Object::new());
    if rules.select(count) == "one" {
        PluralForm::One
    } else {
        PluralForm::Other
    }
}

/// `12345` → `12,345` (en), `12 345` (fr), `12.345` (es, pt).
pub fn number(tag: &str, value: f64) -> String {
    let format = js_sys::Intl::NumberFormat::new(&locales(tag), &Object::new()).format();
    call_format(&format, &JsValue::from_f64(value)).unwrap_or_else(|| value.to_string())
}

/// A date (`2024-01-31`) or a timestamp (`2024-01-31T10:20:00.000`, as DHIS2 writes them)
/// in the medium style of the locale (`31 janv. 2024`), with the time when there is one.
/// Anything the browser cannot read is shown as it came.
pub fn date(tag: &str, iso: &str) -> String {
    let text = iso.trim();
    let has_time = text.len() > 10;
    // A bare date is read as midnight UTC by `Date`; format it in UTC so that it stays the day
    // it names whatever the browser's time zone.
    let parsed = Date::new(&JsValue::from_str(text));
    if parsed.get_time().is_nan() {
        return iso.to_string();
    }
    let options = Object::new();
    let set = |key: &str, value: &str| {
        let _ = Reflect::set(&options, &JsValue::from_str(key), &JsValue::from_str(value));
    };
    set("dateStyle", "medium");
    if has_time {
        set("timeStyle", "short");
    } else {
        set("timeZone", "UTC");
    }
    let format = js_sys::Intl::DateTimeFormat::new(&locales(tag), &options).format();
    call_format(&format, &parsed).unwrap_or_else(|| iso.to_string())
}

fn call_format(format: &Function, value: &JsValue) -> Option<String> {
    format
        .call1(&JsValue::NULL, value)
        .ok()
        .and_then(|text| text.as_string())
}
