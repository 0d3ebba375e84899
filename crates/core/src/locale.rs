//! The language the app speaks, chosen from the user's DHIS2 interface locale (`keyUiLocale`).
//!
//! DHIS2 stores a Java locale (`fr`, `pt_BR`, `es_419`, `uz_UZ_Cyrl`…) per user, falling back
//! to the system setting of the same name. The app ships a few languages; a regional form
//! speaks its language, and anything else (unknown, empty, malformed) speaks English. Choosing
//! never fails: a strange value from the server is no reason to refuse to start.

use serde::Serialize;

/// A language of the app's translations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum UiLanguage {
    #[default]
    English,
    Spanish,
    French,
    Portuguese,
}

impl UiLanguage {
    /// Every language the app ships, English (the fallback) first.
    pub const ALL: [UiLanguage; 4] = [
        UiLanguage::English,
        UiLanguage::Spanish,
        UiLanguage::French,
        UiLanguage::Portuguese,
    ];

    /// The ISO 639-1 code, which names the translation file (`en`, `es`, `fr`, `pt`).
    pub fn code(self) -> &'static str {
        match self {
            UiLanguage::English => "en",
            UiLanguage::Spanish => "es",
            UiLanguage::French => "fr",
            UiLanguage::Portuguese => "pt",
        }
    }

    /// The language for a DHIS2 locale such as `fr`, `pt_BR`, `es-419` or `en_GB`; English for
    /// no locale, a language the app does not ship, or something that is not a locale at all.
    pub fn from_dhis2_locale(locale: Option<&str>) -> UiLanguage {
        locale
            .and_then(language_subtag)
            .and_then(|language| {
                UiLanguage::ALL
                    .into_iter()
                    .find(|candidate| candidate.code() == language)
            })
            .unwrap_or_default()
    }
}

/// The BCP 47 tag the browser formats numbers and dates with (`Intl`): the user's locale with
/// its region when the app speaks its language (`fr_SN` → `fr-SN`, `es_419` → `es-419`), else
/// the code of the language the app speaks (`ar_EG` → `en`, nothing → `en`).
pub fn formatting_tag(locale: Option<&str>) -> String {
    let language = UiLanguage::from_dhis2_locale(locale);
    let region = locale
        .filter(|raw| language_subtag(raw).as_deref() == Some(language.code()))
        .and_then(|raw| raw.trim().split(['_', '-']).nth(1))
        .filter(|region| {
            (region.len() == 2 && region.chars().all(|c| c.is_ascii_alphabetic()))
                || (region.len() == 3 && region.chars().all(|c| c.is_ascii_digit()))
        });
    match region {
        Some(region) => format!("{}-{}", language.code(), region.to_ascii_uppercase()),
        None => language.code().to_string(),
    }
}

/// The lower-cased language of a well-formed locale: 2 or 3 letters, then optional region,
/// script or variant subtags (letters and digits, at most 8 each) joined by `_` or `-`.
fn language_subtag(locale: &str) -> Option<String> {
    let mut subtags = locale.trim().split(['_', '-']);
    let language = subtags.next()?;
    let language_ok =
        (2..=3).contains(&language.len()) && language.chars().all(|c| c.is_ascii_alphabetic());
    let rest_ok = subtags.all(|subtag| {
        (1..=8).contains(&subtag.len()) && subtag.chars().all(|c| c.is_ascii_alphanumeric())
    });
    (language_ok && rest_ok).then(|| language.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn language(locale: &str) -> UiLanguage {
        UiLanguage::from_dhis2_locale(Some(locale))
    }

    #[test]
    fn the_shipped_languages_are_chosen_by_their_code() {
        assert_eq!(language("en"), UiLanguage::English);
        assert_eq!(language("es"), UiLanguage::Spanish);
        assert_eq!(language("fr"), UiLanguage::French);
        assert_eq!(language("pt"), UiLanguage::Portuguese);
        for shipped in UiLanguage::ALL {
            assert_eq!(language(shipped.code()), shipped);
        }
    }

    #[test]
    fn regional_forms_speak_their_language() {
        assert_eq!(language("pt_BR"), UiLanguage::Portuguese);
        assert_eq!(language("pt_MZ"), UiLanguage::Portuguese);
        assert_eq!(language("fr_SN"), UiLanguage::French);
        assert_eq!(language("es_419"), UiLanguage::Spanish);
        assert_eq!(language("en_GB"), UiLanguage::English);
        // BCP 47 spelling, upper case, and the spaces a hand-edited setting may carry.
        assert_eq!(language("pt-BR"), UiLanguage::Portuguese);
        assert_eq!(language("FR"), UiLanguage::French);
        assert_eq!(language(" fr_CI "), UiLanguage::French);
        assert_eq!(language("uz_UZ_Cyrl"), UiLanguage::English);
    }

    #[test]
    fn other_languages_and_no_locale_fall_back_to_english() {
        assert_eq!(UiLanguage::from_dhis2_locale(None), UiLanguage::English);
        for other in ["ar", "zh_CN", "lo", "ru", "nb", "km", "prs"] {
            assert_eq!(language(other), UiLanguage::English, "{other}");
        }
    }

    #[test]
    fn numbers_and_dates_follow_the_region_of_a_shipped_language() {
        let tag = |locale: &str| formatting_tag(Some(locale));
        assert_eq!(tag("fr_SN"), "fr-SN");
        assert_eq!(tag("pt_br"), "pt-BR");
        assert_eq!(tag("es_419"), "es-419");
        assert_eq!(tag("pt"), "pt");
        assert_eq!(tag("en_GB"), "en-GB");
        // A script or variant is not a region; another language formats as English does.
        assert_eq!(tag("fr_Latn"), "fr");
        assert_eq!(tag("ar_EG"), "en");
        assert_eq!(tag("uz_UZ_Cyrl"), "en");
        assert_eq!(tag("fr_SN!"), "en");
        assert_eq!(formatting_tag(None), "en");
    }

    #[test]
    fn malformed_locales_fall_back_to_english_without_an_error() {
        for malformed in [
            "",
            "   ",
            "f",
            "french",
            "fr_",
            "_fr",
            "fr__SN",
            "fr SN",
            "fr_SN!",
            "12",
            "fr_REGIONTOOLONG",
            "null",
            "{\"locale\":\"fr\"}",
            "é",
        ] {
            assert_eq!(language(malformed), UiLanguage::English, "{malformed:?}");
        }
    }
}
