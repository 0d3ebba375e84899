//! The Settings page in headless Chromium against a fake DHIS2: an administrator changes the
//! history retention (checked at its field, saved to the app's `settings` key and their own
//! defaults to their user dataStore); anyone else is refused, by the page and by `core`.
//! Run: `CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown --test browser_settings`
#![cfg(target_arch = "wasm32")]

mod browser_support;

use browser_support::*;
use mdsync_core::access::{AccessDenied, Actor, Operation};
use mdsync_core::dhis2::{Auth, Dhis2Client, Method, Version};
use mdsync_core::storage::{Settings, Storage, StorageError};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn stored_settings(fake: &FakeDhis2) -> Option<serde_json::Value> {
    fake.datastore_values("metadata-sync")
        .into_iter()
        .find(|(key, _)| key == "settings")
        .and_then(|(_, value)| serde_json::from_str(&value).ok())
}

fn with_user_datastore(fake: &FakeDhis2) {
    fake.on(
        Method::Put,
        "/api/userDataStore/",
        json(200, r#"{"httpStatusCode":200,"status":"OK"}"#),
    )
    .on(
        Method::Post,
        "/api/userDataStore/",
        json(201, r#"{"httpStatusCode":201,"status":"OK"}"#),
    );
}

#[wasm_bindgen_test]
async fn an_administrator_sets_the_retention_checked_at_its_field_and_saved() {
    let fake = FakeDhis2::server(&["ALL"], &["Superuser"]);
    with_user_datastore(&fake);
    set_hash("#/settings");
    let mounted = mount_shell(services(&fake));
    let field = mounted.wait_for("settings-retention-days").await;
    // Never saved: the default of new installs.
    mounted
        .wait_until("the default retention", |_| {
            field
                .clone()
                .dyn_into::<web_sys::HtmlInputElement>()
                .map(|input| input.value() == "30")
                .unwrap_or(false)
        })
        .await;

    // Zero days is refused at the field, nothing saved.
    mounted.type_into("settings-retention-days", "0");
    mounted.click("settings-save");
    let error = mounted
        .wait_for_text("settings-retention-error", "whole number")
        .await;
    assert!(error.contains("leave the field empty"), "{error}");
    assert!(stored_settings(&fake).is_none());

    // 45 days is saved, with the administrator's defaults in their own user dataStore.
    mounted.type_into("settings-retention-days", "45");
    mounted.type_into("settings-default-users", "remove");
    mounted.click("settings-save");
    mounted
        .wait_for_text("settings-notice", "Settings saved")
        .await;
    assert!(mounted.find("settings-retention-error").is_none());
    let saved = stored_settings(&fake).expect("settings stored");
    assert_eq!(saved["historyRetentionDays"], 45, "{saved}");
    let defaults: Vec<_> = fake
        .requests_to("/api/userDataStore/")
        .into_iter()
        .filter(|r| matches!(r.method, Method::Put | Method::Post))
        .collect();
    assert_eq!(defaults.len(), 1, "one write of the user's defaults");
    let body =
        String::from_utf8_lossy(defaults[0].body.as_deref().unwrap_or_default()).into_owned();
    assert!(body.contains(r#""users":"remove""#), "{body}");

    // Empty keeps every entry.
    mounted.type_into("settings-retention-days", "");
    mounted.click("settings-save");
    mounted
        .wait_until("kept all", |_| {
            stored_settings(&fake).is_some_and(|s| s["historyRetentionDays"] == 0)
        })
        .await;
    set_hash("#/");
}

#[wasm_bindgen_test]
async fn a_configurator_is_refused_the_settings_by_the_page_and_by_core() {
    let fake = FakeDhis2::server(&[], &["METADATA_SYNC_CONFIGURATOR"]);
    with_user_datastore(&fake);
    set_hash("#/settings");
    let mounted = mount_shell(services(&fake));
    mounted.wait_for("not-allowed").await;
    assert!(mounted.find("settings-retention-days").is_none());
    assert!(mounted.find("settings-save").is_none());

    // `core` refuses the write too, whatever the page shows.
    let client = Dhis2Client::new(fake.clone(), BASE_URL, Auth::Session);
    let me = client.me().await.expect("me");
    let storage = Storage::new(client, Version::new(2, 41));
    let refused = storage
        .change_settings(
            &Actor::new(me),
            &Settings {
                history_retention_days: 1,
                ..Settings::default()
            },
        )
        .await;
    assert!(
        matches!(
            refused,
            Err(StorageError::Denied(AccessDenied::MissingRole {
                operation: Operation::EditSettings,
                ..
            }))
        ),
        "{refused:?}"
    );
    assert!(stored_settings(&fake).is_none());
    set_hash("#/");
}
