//! `GET /api/locales/ui` (`LocaleController`): the languages of the user interface, sorted by
//! their English name. 2.30–2.40 send `{locale, name}` (`name` in the server's language);
//! 2.41 sends `{locale, name, displayName}` (`name` in the language itself, `displayName` in
//! the user's); 2.42.5 adds the BCP 47 `languageTag`. From 2.41 the list is public.
//!
//! DHIS2 ships some forty UI languages; the simulator lists a handful of them (the names are
//! Java's), enough for a language picker to have something to show.

use crate::{SimResponse, SimVersion};
use serde_json::{json, Value};

/// (locale, English name, name in the language itself, BCP 47 tag), in English-name order.
const LOCALES: [(&str, &str, &str, &str); 7] = [
    ("ar", "Arabic", "العربية", "ar"),
    ("zh", "Chinese", "中文", "zh"),
    ("en", "English", "English", "en"),
    ("fr", "French", "français", "fr"),
    ("pt", "Portuguese", "português", "pt"),
    (
        "pt_BR",
        "Portuguese (Brazil)",
        "português (Brasil)",
        "pt-BR",
    ),
    ("es", "Spanish", "español", "es"),
];

/// True when `/api/[NN/]locales/ui` needs no login on this version.
pub fn is_public(version: SimVersion) -> bool {
    version.at_least(41, 0)
}

/// The answer to `GET /api/locales/ui`.
pub fn ui_locales(version: SimVersion) -> SimResponse {
    let list: Vec<Value> = LOCALES
        .iter()
        .map(|(locale, english, native, tag)| {
            if !version.at_least(41, 0) {
                return json!({"locale": locale, "name": english});
            }
            let mut entry = json!({"locale": locale, "name": native, "displayName": english});
            if version.at_least(42, 5) {
                entry["languageTag"] = json!(tag);
            }
            entry
        })
        .collect();
    SimResponse::json(200, &json!(list))
}

/// `/api/locales/…`; `None` for the paths the simulator does not serve.
pub fn handle(version: SimVersion, method: &str, segments: &[String]) -> Option<SimResponse> {
    match (method, segments) {
        ("GET", [_, ui]) if ui == "ui" => Some(ui_locales(version)),
        _ => None,
    }
}
