//! The translation files (`locales/<language>.json`) agree with each other and with the code:
//! every language has every key with the same placeholders, no translated text is left in
//! English, and no key is unused. (A key the code names but the files lack does not compile,
//! and build.rs refuses a key missing from one language: see README, "Translations".)

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::Value;

const REFERENCE: &str = "en";
const TRANSLATED: [&str; 3] = ["es", "fr", "pt"];

/// Texts spelled the same in English and in the language (checked one by one: cognates,
/// column titles, DHIS2 terms). Anything else identical to English is an untranslated text.
const SAME_AS_ENGLISH: [(&str, &[&str]); 3] = [
    ("es", &["URL", "Error", "No", "General"]),
    (
        "fr",
        &[
            "URL",
            "Date",
            "{{ count }} destination",
            "{{ count }} destinations",
            "Instances",
            "Description",
            "Actions",
            "Code",
            "1. Instances",
            "3. Options",
            "5. Options",
            "Destinations",
            "Destination",
            "Type",
            "Message",
            "Sections",
            "Options",
            "Documents",
        ],
    ),
    ("pt", &["URL"]),
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `locales/<language>.json` as `dotted.key → text`.
fn messages(language: &str) -> BTreeMap<String, String> {
    let path = root().join("locales").join(format!("{language}.json"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    let json: Value = serde_json::from_str(&text)
        .unwrap_or_else(|error| panic!("{} is not JSON: {error}", path.display()));
    let mut flat = BTreeMap::new();
    flatten("", &json, &mut flat, &path);
    flat
}

fn flatten(prefix: &str, value: &Value, out: &mut BTreeMap<String, String>, path: &Path) {
    match value {
        Value::Object(entries) => {
            for (key, child) in entries {
                let dotted = if prefix.is_empty() {
                    key.clone()
                } else {
                    format!("{prefix}.{key}")
                };
                flatten(&dotted, child, out, path);
            }
        }
        Value::String(text) => {
            out.insert(prefix.to_string(), text.clone());
        }
        other => panic!("{}: {prefix} is {other}, not a text", path.display()),
    }
}

/// The `{{ name }}` placeholders of a text.
fn placeholders(text: &str) -> BTreeSet<String> {
    text.split("{{")
        .skip(1)
        .filter_map(|rest| rest.split_once("}}"))
        .map(|(name, _)| name.trim().to_string())
        .collect()
}

#[test]
fn every_language_has_every_key_with_the_same_placeholders() {
    let english = messages(REFERENCE);
    assert!(english.len() > 100, "en.json looks empty");
    for language in TRANSLATED {
        let translated = messages(language);
        let missing: Vec<&String> = english
            .keys()
            .filter(|key| !translated.contains_key(*key))
            .collect();
        let surplus: Vec<&String> = translated
            .keys()
            .filter(|key| !english.contains_key(*key))
            .collect();
        assert!(
            missing.is_empty() && surplus.is_empty(),
            "{language}.json: missing {missing:?}, not in en.json {surplus:?}"
        );
        for (key, text) in &english {
            assert_eq!(
                placeholders(text),
                placeholders(&translated[key]),
                "{language}.json, {key}: the placeholders differ from en.json"
            );
        }
    }
}

#[test]
fn no_translated_text_is_left_in_english() {
    let english = messages(REFERENCE);
    for language in TRANSLATED {
        let allowed = SAME_AS_ENGLISH
            .iter()
            .find(|(code, _)| *code == language)
            .map(|(_, texts)| *texts)
            .unwrap_or_default();
        let translated = messages(language);
        let untranslated: Vec<(&String, &String)> = english
            .iter()
            .filter(|(key, text)| translated[*key] == **text && !allowed.contains(&text.as_str()))
            .collect();
        assert!(
            untranslated.is_empty(),
            "{language}.json keeps the English text of {untranslated:?}; translate it, or add it to \
             SAME_AS_ENGLISH if the word is the same in that language"
        );
        let empty: Vec<&String> = translated
            .iter()
            .filter(|(_, text)| text.trim().is_empty())
            .map(|(key, _)| key)
            .collect();
        assert!(
            empty.is_empty(),
            "{language}.json has empty texts: {empty:?}"
        );
    }
}

fn rust_sources(dir: &Path, out: &mut String) {
    let entries =
        std::fs::read_dir(dir).unwrap_or_else(|error| panic!("{}: {error}", dir.display()));
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_sources(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            out.push_str(&std::fs::read_to_string(&path).unwrap_or_default());
            out.push('\n');
        }
    }
}

/// Whether `key` appears in `code` as a whole dotted path (`home.open`, not `home.open_x`).
fn names(code: &str, key: &str) -> bool {
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '.';
    code.match_indices(key).any(|(at, _)| {
        let before = code[..at].chars().next_back();
        let after = code[at + key.len()..].chars().next();
        !before.is_some_and(word) && !after.is_some_and(word)
    })
}

#[test]
fn every_key_is_used_by_the_app() {
    let mut code = String::new();
    rust_sources(&root().join("src"), &mut code);
    let english = messages(REFERENCE);
    // A counted message (`sync.objects.one` and `.other`) is used through `counted!` by its
    // base (`sync.objects`).
    let counted: BTreeSet<&str> = english
        .keys()
        .filter_map(|key| key.strip_suffix(".one"))
        .filter(|base| english.contains_key(&format!("{base}.other")))
        .collect();
    let unused: Vec<String> = english
        .keys()
        .map(|key| {
            key.strip_suffix(".one")
                .or_else(|| key.strip_suffix(".other"))
                .filter(|base| counted.contains(base))
                .unwrap_or(key)
                .to_string()
        })
        .collect::<BTreeSet<_>>()
        .into_iter()
        .filter(|key| !names(&code, key))
        .collect();
    assert!(
        unused.is_empty(),
        "keys of en.json no code uses (remove them from every language): {unused:?}"
    );
}

#[test]
fn counted_messages_have_both_forms_everywhere() {
    for language in std::iter::once(REFERENCE).chain(TRANSLATED) {
        let all = messages(language);
        for key in all.keys() {
            if let Some(base) = key.strip_suffix(".one") {
                assert!(
                    all.contains_key(&format!("{base}.other")),
                    "{language}.json: {base} has a \"one\" form but no \"other\""
                );
            }
        }
    }
}
