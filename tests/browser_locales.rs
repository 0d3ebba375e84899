//! The app in each of its languages, chosen from the user's DHIS2 interface locale
//! (`settings.keyUiLocale` of `/api/me`), in headless Chromium against a fake DHIS2.
#![cfg(target_arch = "wasm32")]

mod browser_support;

use browser_support::*;
use leptos::prelude::*;
use mdsync_core::dhis2::{Method, Version};
use mdsync_core::instances::ConnectionDiagnosis;
use metadata_sync::l10n::messages::connection_diagnosis;
use metadata_sync::l10n::Language;
use metadata_sync::{counted, tr};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// A configurator whose DHIS2 interface locale is `locale` (`None`: the setting is absent).
fn server_speaking(locale: Option<&str>) -> FakeDhis2 {
    let fake = FakeDhis2::server(&["M_metadatasync"], &["METADATA_SYNC_CONFIGURATOR"]);
    let settings = match locale {
        Some(locale) => format!(r#","settings":{{"keyUiLocale":"{locale}"}}"#),
        None => String::new(),
    };
    // Later answers win over the server's default `/api/me`.
    fake.on(
        Method::Get,
        "/api/me",
        json(
            200,
            &format!(
                r#"{{"id":"xE7jOejl9FI","username":"configurateur","name":"Aminata Diallo",
                "authorities":["M_metadatasync"],
                "userRoles":[{{"id":"rCfgMdSync1","name":"METADATA_SYNC_CONFIGURATOR"}}]{settings}}}"#
            ),
        ),
    );
    fake
}

fn html_lang() -> String {
    document()
        .document_element()
        .and_then(|root| root.get_attribute("lang"))
        .unwrap_or_default()
}

/// (DHIS2 locale, `<html lang>`, Instances card title, its link, the Sync card title).
const HOMES: [(Option<&str>, &str, &str, &str, &str); 8] = [
    (Some("en"), "en", "Instances", "Open Instances", "Sync"),
    (
        Some("es"),
        "es",
        "Instancias",
        "Abrir: Instancias",
        "Sincronización",
    ),
    (
        Some("fr"),
        "fr",
        "Instances",
        "Ouvrir : Instances",
        "Synchronisation",
    ),
    (
        Some("pt"),
        "pt",
        "Instâncias",
        "Abrir: Instâncias",
        "Sincronização",
    ),
    // Regional forms speak their language and keep their region for numbers and dates.
    (
        Some("pt_MZ"),
        "pt-MZ",
        "Instâncias",
        "Abrir: Instâncias",
        "Sincronização",
    ),
    (
        Some("fr_SN"),
        "fr-SN",
        "Instances",
        "Ouvrir : Instances",
        "Synchronisation",
    ),
    // A language the app does not ship, and a value that is no locale, speak English.
    (Some("zh_CN"), "en", "Instances", "Open Instances", "Sync"),
    (
        Some("<b>fr</b>"),
        "en",
        "Instances",
        "Open Instances",
        "Sync",
    ),
];

#[wasm_bindgen_test]
async fn the_home_page_speaks_the_users_dhis2_language() {
    for (locale, lang, instances, open, sync) in HOMES {
        set_hash("#/");
        let local = server_speaking(locale);
        let mounted = mount_shell(services(&local));
        mounted.wait_for("home-card-instances").await;
        mounted
            .wait_until(&format!("the home page in {lang}"), |m| {
                m.text("home-card-sync").contains(sync)
            })
            .await;
        let card = mounted.text("home-card-instances");
        assert!(card.contains(instances), "{locale:?}: {card}");
        assert!(card.contains(open), "{locale:?}: {card}");
        assert_eq!(html_lang(), lang, "{locale:?}: <html lang>");
        // One round trip at start-up: the language came with `me`, no request of its own.
        assert!(local.requests_to("/api/userSettings").is_empty());
        let me = local.requests_to("/api/me");
        assert!(
            me.iter().any(|request| request.url.contains("settings")),
            "/api/me is asked for the settings"
        );
    }
}

#[wasm_bindgen_test]
async fn no_setting_at_all_speaks_english() {
    set_hash("#/");
    let local = server_speaking(None);
    let mounted = mount_shell(services(&local));
    mounted
        .wait_for_text("home-card-instances", "Open Instances")
        .await;
    assert_eq!(html_lang(), "en");
}

#[wasm_bindgen_test]
async fn the_instances_panel_speaks_french() {
    set_hash("#/instances");
    let local = server_speaking(Some("fr"));
    let mounted = mount_shell(services(&local));
    mounted.wait_for("instances-table").await;
    mounted
        .wait_until("the French instances table", |m| {
            m.text("instances-table").contains("Cette instance")
        })
        .await;
    let page = mounted.text("panel-instances");
    for french in [
        "Nouvelle instance",
        "Tester la connexion",
        "Votre session DHIS2",
        "Rechercher",
        "Authentification",
    ] {
        assert!(
            page.contains(french)
                || mounted.find_all("input").iter().any(|input| input
                    .get_attribute("placeholder")
                    .unwrap_or_default()
                    .contains(french)),
            "{french:?} missing from: {page}"
        );
    }
    for english in [
        "This instance",
        "Test connection",
        "New instance",
        "Your DHIS2 session",
    ] {
        assert!(!page.contains(english), "{english:?} left in: {page}");
    }
}

/// A component alone, with the language given.
fn mount_in(locale: &str, render: impl Fn(Language) -> AnyView + 'static) -> Mounted {
    let locale = locale.to_string();
    mount_view(move || {
        let lang = Language::new(Some(&locale));
        provide_context(lang);
        render(lang)
    })
}

#[wasm_bindgen_test]
async fn counts_numbers_and_dates_follow_the_locale() {
    let cases = [
        // (locale, 0, 1, 2, 12345, a date)
        (
            "en",
            "0 objects",
            "1 object",
            "2 objects",
            "12,345",
            "Jan 31, 2024",
        ),
        (
            "fr",
            "0 objet",
            "1 objet",
            "2 objets",
            "12\u{202f}345",
            "31 janv. 2024",
        ),
        (
            "pt",
            "0 objeto",
            "1 objeto",
            "2 objetos",
            "12.345",
            "31 de jan. de 2024",
        ),
        (
            "es",
            "0 objetos",
            "1 objeto",
            "2 objetos",
            "12.345",
            "31 ene 2024",
        ),
    ];
    for (locale, zero, one, two, big, date) in cases {
        let mounted = mount_in(locale, |lang| {
            view! {
                <p data-test="zero">{counted!(lang, sync.objects, 0)}</p>
                <p data-test="one">{counted!(lang, sync.objects, 1)}</p>
                <p data-test="two">{counted!(lang, sync.objects, 2)}</p>
                <p data-test="big">{lang.number(12345.0)}</p>
                <p data-test="date">{lang.date("2024-01-31")}</p>
            }
            .into_any()
        });
        mounted.wait_for("date").await;
        assert_eq!(mounted.text("zero"), zero, "{locale}");
        assert_eq!(mounted.text("one"), one, "{locale}");
        assert_eq!(mounted.text("two"), two, "{locale}");
        assert_eq!(mounted.text("big"), big, "{locale}");
        assert_eq!(mounted.text("date"), date, "{locale}");
    }
}

#[wasm_bindgen_test]
async fn diagnoses_from_core_are_said_in_each_language() {
    let wrong_password = ConnectionDiagnosis::WrongPassword;
    let connected = ConnectionDiagnosis::Connected {
        system_name: Some("Sierra Leone".into()),
        version: Version::new(2, 41),
    };
    let expected = [
        (
            "en",
            "The username or password is wrong",
            "Connected to \"Sierra Leone\"",
        ),
        (
            "es",
            "El nombre de usuario o la contraseña son incorrectos",
            "Conectado a «Sierra Leone»",
        ),
        (
            "fr",
            "Le nom d’utilisateur ou le mot de passe est incorrect",
            "Connecté à « Sierra Leone »",
        ),
        (
            "pt",
            "O nome de utilizador ou a palavra-passe estão errados",
            "Ligado a «Sierra Leone»",
        ),
    ];
    for (locale, refused, works) in expected {
        let lang = Language::new(Some(locale));
        let said = connection_diagnosis(lang, &wrong_password);
        assert!(said.starts_with(refused), "{locale}: {said}");
        let said = connection_diagnosis(lang, &connected);
        assert!(said.starts_with(works), "{locale}: {said}");
        assert!(said.contains("2.41"), "{locale}: {said}");
        // The English text of `core` (CLI) is left for the CLI.
        if locale != "en" {
            assert_ne!(said, connected.message(), "{locale}");
        }
        // A key read straight from the files, for the record.
        assert!(!tr!(lang, instances.test.failed).is_empty());
    }
}

#[wasm_bindgen_test]
async fn the_sync_menu_speaks_portuguese() {
    set_hash("#/sync");
    let local = server_speaking(Some("pt"));
    let mounted = mount_shell(services(&local));
    mounted.wait_for("sync-menu-metadata").await;
    mounted
        .wait_until("the Portuguese sync menu", |m| {
            m.text("sync-menu-metadata").contains("Metadados")
        })
        .await;
    let page = mounted.text("panel-sync");
    for portuguese in [
        "Sincronização",
        "Abrir a sincronização de metadados",
        "Objetos eliminados",
        "Dados agregados",
    ] {
        assert!(
            page.contains(portuguese),
            "{portuguese:?} missing from: {page}"
        );
    }
    for english in ["Metadata", "Deleted objects", "Open", "Coming"] {
        assert!(!page.contains(english), "{english:?} left in: {page}");
    }
}

/// A finished run's results, as `core` reported them: typed notes and an error the app phrased
/// are said in French; a note of an old history entry (an English sentence) is shown as stored.
#[wasm_bindgen_test]
async fn a_sync_result_speaks_french() {
    use mdsync_core::dhis2::Dhis2Error;
    use mdsync_core::sync::report::SyncKind;
    use mdsync_core::sync::{ReportNote, SyncError, SyncReport, TargetReport, TargetStatus};
    use metadata_sync::pages::sync::results::RunResults;

    let mut target = TargetReport::new("Formation", "https://formation.example");
    target.raise(TargetStatus::Warning);
    target.notes = vec![
        ReportNote::AlreadyAbsent { objects: 3 },
        ReportNote::MergeModeIgnored {
            version: "2.41.1".into(),
        },
        ReportNote::StoppedAfterChunk {
            sent: 2,
            planned: 5,
        },
        ReportNote::Other("An English note of an old history entry.".into()),
    ];
    target.errors.push(SyncError::of(Dhis2Error::LoginPage {
        url: "https://formation.example/api/metadata".into(),
    }));
    let mut report = SyncReport::new(SyncKind::Deleted, "Sierra Leone");
    report.targets.push(target);
    let mounted = mount_in("fr", move |_| {
        let report = report.clone();
        view! { <RunResults report history=Ok("h1".to_string())/> }.into_any()
    });
    mounted.wait_for("sync-note").await;
    let notes: Vec<String> = mounted
        .find_all("[data-test=\"sync-note\"]")
        .iter()
        .map(|note| note.text_content().unwrap_or_default())
        .collect();
    assert_eq!(
        notes,
        [
            "3 objets étaient déjà absents de cette instance.",
            "DHIS2 2.41.1 ignore le mode de fusion : les objets sont remplacés, pas fusionnés.",
            "Arrêtée après le lot 2 sur 5 : les lots précédents ont été importés, les suivants \
             n’ont pas été envoyés.",
            "An English note of an old history entry.",
        ]
    );
    let errors = mounted.text("sync-errors");
    assert!(
        errors.contains("a répondu par une page de connexion"),
        "{errors}"
    );
    assert!(!errors.contains("answered with a login page"), "{errors}");
}
