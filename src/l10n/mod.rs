//! The language the app speaks, and the text of everything it says.
//!
//! The words are in `locales/<language>.json`; `build.rs` turns them into the `crate::i18n`
//! module (leptos_i18n), so a key the code names and the files lack does not compile. Pages
//! take the [`Language`] from the context and write `tr!(lang, home.title)`, or
//! `counted!(lang, sync.objects, n)` for a message with plural forms. What `core` reports
//! (errors, diagnoses, notes) is a typed value; [`messages`] says it in the language.
//!
//! Until the session is loaded the app speaks the browser's language; then the user's DHIS2
//! interface language (`keyUiLocale`), see `mdsync_core::locale`.

mod intl;
pub mod messages;

use leptos::prelude::*;
use mdsync_core::locale::{formatting_tag, UiLanguage};

pub use crate::i18n::Locale;
pub use intl::PluralForm;

/// The text of a key in the language of `$lang` (a [`Language`]), as a `String`; read inside a
/// closure of a view it follows a change of language. Placeholders are named arguments:
/// `tr!(lang, instances.deleted, name = view.name)`.
#[macro_export]
macro_rules! tr {
    ($lang:expr, $($key_and_args:tt)+) => {
        ::leptos_i18n::td_string!($lang.locale(), $($key_and_args)+).to_string()
    };
}

/// A counted message: `$key` has the forms `one` and `other` in every language, and
/// `{{ count }}` is the count as the locale writes numbers. The form is the browser's CLDR
/// choice for the language (in French, 0 and 1 are "one").
#[macro_export]
macro_rules! counted {
    ($lang:expr, $($key:ident).+, $count:expr $(, $name:ident = $value:expr)* $(,)?) => {{
        let lang: $crate::l10n::Language = $lang;
        let count = $count as f64;
        let shown = lang.number(count);
        match lang.plural(count) {
            $crate::l10n::PluralForm::One => ::leptos_i18n::td_string!(
                lang.locale(), $($key).+.one, count = shown $(, $name = $value)*
            )
            .to_string(),
            $crate::l10n::PluralForm::Other => ::leptos_i18n::td_string!(
                lang.locale(), $($key).+.other, count = shown $(, $name = $value)*
            )
            .to_string(),
        }
    }};
}

/// The translation files' locale for a language of `core`.
pub fn locale_of(language: UiLanguage) -> Locale {
    match language {
        UiLanguage::English => Locale::en,
        UiLanguage::Spanish => Locale::es,
        UiLanguage::French => Locale::fr,
        UiLanguage::Portuguese => Locale::pt,
    }
}

/// The language the app speaks now, shared through the context. `Copy`: closures take it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Language {
    locale: RwSignal<Locale>,
    /// The BCP 47 tag numbers and dates are written with (`fr-SN`, `pt-BR`, `en`).
    tag: RwSignal<String>,
}

impl Language {
    /// A language from a DHIS2 (or browser) locale such as `fr_SN`; English when the app does
    /// not speak it or it is not a locale.
    pub fn new(locale: Option<&str>) -> Language {
        Language {
            locale: RwSignal::new(locale_of(UiLanguage::from_dhis2_locale(locale))),
            tag: RwSignal::new(formatting_tag(locale)),
        }
    }

    /// Switches to the language of a DHIS2 locale (the session's `keyUiLocale`).
    pub fn switch_to(&self, locale: Option<&str>) {
        self.locale
            .set(locale_of(UiLanguage::from_dhis2_locale(locale)));
        self.tag.set(formatting_tag(locale));
    }

    /// The current locale. Read in a view closure it is tracked, so the text follows a switch;
    /// read elsewhere (an event handler, a task) it is simply the current one.
    pub fn locale(&self) -> Locale {
        if tracking() {
            self.locale.get()
        } else {
            self.locale.get_untracked()
        }
    }

    /// The BCP 47 tag of the current locale, as `<html lang>` takes it.
    pub fn tag(&self) -> String {
        if tracking() {
            self.tag.get()
        } else {
            self.tag.get_untracked()
        }
    }

    /// `12345` written the locale's way (`12 345` in French).
    pub fn number(&self, value: f64) -> String {
        intl::number(&self.tag(), value)
    }

    /// A DHIS2 date or timestamp written the locale's way (`31 janv. 2024`).
    pub fn date(&self, iso: &str) -> String {
        intl::date(&self.tag(), iso)
    }

    /// The plural form of a count in the current language.
    pub fn plural(&self, count: f64) -> PluralForm {
        intl::plural_form(&self.tag(), count)
    }
}

/// Whether a reactive observer (a view closure, a memo, an effect) is reading.
fn tracking() -> bool {
    leptos::reactive::graph::Observer::get().is_some()
}

/// The browser's preferred language (`navigator.language`), spoken before the session says
/// the user's DHIS2 one.
pub fn browser_locale() -> Option<String> {
    web_sys::window().and_then(|window| window.navigator().language())
}

/// Provides the language to everything below, starting with the browser's, and keeps
/// `<html lang>` in step (screen readers and hyphenation read it).
pub fn provide_language() -> Language {
    let language = Language::new(browser_locale().as_deref());
    provide_context(language);
    Effect::new(move |_| {
        let tag = language.tag();
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("lang", &tag);
        }
    });
    language
}

/// The language provided by the shell; English where none is (a component mounted alone).
pub fn use_language() -> Language {
    use_context::<Language>().unwrap_or_else(|| Language::new(None))
}
