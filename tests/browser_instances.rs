//! The Instances panel in headless Chromium, against a fake DHIS2 with an in-memory dataStore.
//! Run: `CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown --test browser_instances`
#![cfg(target_arch = "wasm32")]

mod browser_support;

use browser_support::*;
use mdsync_core::dhis2::{Method, TransportError};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const REMOTE: &str = "http://remote.test/dhis";
const NAMESPACE: &str = "metadata-sync";

fn remote_answers(fake: &FakeDhis2, status: u16, body: &str) {
    fake.on(
        Method::Get,
        "remote.test/dhis/api/system/info",
        json(status, body),
    );
}

async fn open_instances(fake: &FakeDhis2) -> Mounted {
    set_hash("#/instances");
    let mounted = mount_shell(services(fake));
    mounted.wait_for("instances-table").await;
    mounted
}

async fn create_remote(mounted: &Mounted, name: &str, password: &str) {
    mounted.click("instance-new");
    mounted.wait_for("instance-form").await;
    mounted.type_into("instance-name", name);
    mounted.type_into("instance-url", &format!("{REMOTE}/api/"));
    mounted.type_into("instance-description", "Where the data goes");
    mounted.type_into("instance-username", "admin");
    mounted.type_into("instance-secret", password);
    mounted.click("instance-save");
    mounted
        .wait_for_text("instances-notice", &format!("Saved \"{name}\""))
        .await;
}

#[wasm_bindgen_test]
async fn this_instance_comes_first_and_cannot_be_changed() {
    let fake = FakeDhis2::server(&["ALL"], &[]);
    let mounted = open_instances(&fake).await;
    let rows = mounted.find_all("[data-test=\"data-table-row\"]");
    assert_eq!(rows.len(), 1);
    let text = rows[0].text_content().unwrap_or_default();
    assert!(text.contains("This instance"), "{text}");
    assert!(text.contains(BASE_URL), "{text}");
    assert!(
        text.contains("2.41.1"),
        "the local version is the session's: {text}"
    );
    for action in ["instance-edit", "instance-copy", "instance-delete"] {
        assert!(
            rows[0]
                .query_selector(&format!("[data-test=\"{action}\"]"))
                .ok()
                .flatten()
                .is_none(),
            "{action} must not exist for This instance"
        );
    }
    set_hash("#/");
}

#[wasm_bindgen_test]
async fn the_form_shows_every_field_error_and_the_http_warning() {
    let fake = FakeDhis2::server(&["ALL"], &[]);
    let mounted = open_instances(&fake).await;
    mounted.click("instance-new");
    mounted.wait_for("instance-form").await;
    mounted.click("instance-save");
    mounted.wait_for("field-error-name").await;
    assert!(mounted.text("field-error-url").contains("URL"));
    assert!(mounted.text("field-error-username").contains("username"));
    assert!(mounted.text("field-error-secret").contains("password"));
    assert!(mounted.find("instance-http-warning").is_none());
    mounted.type_into("instance-url", "http://plain.example.org");
    mounted.wait_for("instance-http-warning").await;
    mounted.type_into("instance-url", "https://secure.example.org");
    mounted
        .wait_until("the warning goes", |m| {
            m.find("instance-http-warning").is_none()
        })
        .await;
    for (key, value) in fake.datastore_values(NAMESPACE) {
        assert!(
            !key.starts_with("instance-secret-"),
            "an invalid form stores no secret"
        );
        if key == "instances" {
            let list: serde_json::Value = serde_json::from_str(&value).unwrap_or_default();
            assert_eq!(
                list,
                serde_json::json!([]),
                "an invalid form stores no instance"
            );
        }
    }
    set_hash("#/");
}

#[wasm_bindgen_test]
async fn create_test_edit_replicate_delete_and_no_plaintext_secret() {
    let fake = FakeDhis2::server(&["ALL"], &[]);
    remote_answers(
        &fake,
        200,
        r#"{"version":"2.39.1","systemName":"Remote DHIS2"}"#,
    );
    let mounted = open_instances(&fake).await;
    create_remote(&mounted, "Remote", "district-secret").await;
    mounted
        .wait_until("two rows", |m| {
            m.find_all("[data-test=\"data-table-row\"]").len() == 2
        })
        .await;
    let row = mounted
        .row_with("Remote")
        .map(|r| r.text_content().unwrap_or_default());
    let row = row.unwrap_or_default();
    assert!(row.contains(REMOTE), "the pasted /api/ is cut off: {row}");
    assert!(row.contains("Username and password (admin)"), "{row}");

    let stored = fake.datastore_values(NAMESPACE);
    assert!(
        stored
            .iter()
            .any(|(key, _)| key.starts_with("instance-secret-")),
        "stored keys: {:?}",
        stored.iter().map(|(k, _)| k).collect::<Vec<_>>()
    );
    for (key, value) in &stored {
        assert!(
            !value.contains("district-secret"),
            "plaintext secret in {key}: {value}"
        );
    }

    mounted.click_in_row("Remote", "instance-test");
    let message = mounted
        .wait_for_text("connection-message", "Connected")
        .await;
    assert_eq!(message, "Connected to \"Remote DHIS2\", DHIS2 2.39.1.");
    let sent = fake.requests_to("remote.test/dhis/api/system/info");
    let authorization = sent
        .last()
        .and_then(|r| r.header("Authorization").map(str::to_string));
    // base64("admin:district-secret")
    assert_eq!(
        authorization.as_deref(),
        Some("Basic YWRtaW46ZGlzdHJpY3Qtc2VjcmV0")
    );
    mounted
        .wait_until("the tested version is listed", |m| {
            m.row_with("Remote")
                .and_then(|r| r.text_content())
                .unwrap_or_default()
                .contains("2.39.1")
        })
        .await;

    mounted.click_in_row("Remote", "instance-edit");
    let saved_hint = mounted.wait_for("instance-secret-saved").await;
    assert!(saved_hint
        .text_content()
        .unwrap_or_default()
        .contains("type to replace it"));
    let secret_field = mounted.find("instance-secret").map(|e| {
        use wasm_bindgen::JsCast;
        e.unchecked_into::<web_sys::HtmlInputElement>().value()
    });
    assert_eq!(
        secret_field.as_deref(),
        Some(""),
        "a stored secret is never shown"
    );
    remote_answers(
        &fake,
        401,
        r#"{"httpStatus":"Unauthorized","httpStatusCode":401,"status":"ERROR","message":"Unauthorized"}"#,
    );
    mounted.type_into("instance-secret", "wrong");
    mounted.click("instance-form-test");
    let message = mounted.wait_for_text("connection-message", "401").await;
    assert!(
        message.contains("username or password is wrong"),
        "{message}"
    );
    mounted.click("instance-cancel");
    mounted.wait_for("instances-table").await;

    mounted.click_in_row("Remote", "instance-copy");
    mounted
        .wait_for_text("instances-notice", "Copy of Remote")
        .await;
    mounted
        .wait_until("the copy is listed", |m| {
            m.row_with("Copy of Remote").is_some()
        })
        .await;

    mounted.click_in_row("Copy of Remote", "instance-delete");
    let dialog = mounted.wait_for("confirm-dialog").await;
    assert!(dialog
        .text_content()
        .unwrap_or_default()
        .contains("Copy of Remote"));
    mounted.click("confirm-ok");
    mounted.wait_for_text("instances-notice", "Deleted").await;
    mounted
        .wait_until("the copy is gone", |m| {
            m.row_with("Copy of Remote").is_none()
        })
        .await;
    assert!(mounted.row_with("Remote").is_some());
    set_hash("#/");
}

#[wasm_bindgen_test]
async fn a_test_before_the_first_save_gives_the_listed_version() {
    let fake = FakeDhis2::server(&["ALL"], &[]);
    remote_answers(&fake, 200, r#"{"version":"2.40.3","systemName":"Remote"}"#);
    let mounted = open_instances(&fake).await;
    mounted.click("instance-new");
    mounted.wait_for("instance-form").await;
    mounted.type_into("instance-name", "Tested first");
    mounted.type_into("instance-url", &format!("{REMOTE}/api/"));
    mounted.type_into("instance-username", "admin");
    mounted.type_into("instance-secret", "district");
    mounted.click("instance-form-test");
    mounted
        .wait_for_text("connection-message", "DHIS2 2.40.3")
        .await;
    mounted.click("instance-save");
    mounted
        .wait_for_text("instances-notice", "Saved \"Tested first\"")
        .await;
    mounted
        .wait_until("the version tested before saving is listed", |m| {
            m.row_with("Tested first")
                .and_then(|r| r.text_content())
                .unwrap_or_default()
                .contains("2.40.3")
        })
        .await;
    assert_eq!(
        fake.requests_to("remote.test/dhis/api/system/info").len(),
        1,
        "no second test after saving"
    );
    set_hash("#/");
}

#[wasm_bindgen_test]
async fn an_unreachable_remote_names_the_origin_to_allow() {
    let fake = FakeDhis2::server(&["ALL"], &[]);
    fake.fail(
        "remote.test/dhis/api/system/info",
        TransportError::Unreachable {
            url: format!("{REMOTE}/api/system/info"),
            reason: "Failed to fetch".into(),
        },
    );
    let mounted = open_instances(&fake).await;
    mounted.click("instance-new");
    mounted.wait_for("instance-form").await;
    mounted.type_into("instance-name", "Blocked");
    mounted.type_into("instance-url", REMOTE);
    mounted.type_into("instance-username", "admin");
    mounted.type_into("instance-secret", "district");
    mounted.click("instance-form-test");
    let message = mounted.wait_for_text("connection-message", "CORS").await;
    assert!(
        message.contains(&format!("add {ORIGIN} to its CORS allowlist")),
        "{message}"
    );
    set_hash("#/");
}

#[wasm_bindgen_test]
async fn a_missing_encryption_key_is_explained() {
    set_hash("#/instances");
    let fake = FakeDhis2::server(&["ALL"], &[]);
    let services = metadata_sync::services::Services::new(
        BASE_URL,
        ORIGIN,
        metadata_sync::transport::SharedTransport::new(fake.clone()),
        metadata_sync::services::KeySource::AppConfig {
            url: format!("{BASE_URL}/api/apps/metadata-sync/app-config.json"),
        },
    );
    let mounted = mount_shell(services);
    let message = mounted
        .wait_for_text("instances-error", "app-config.json")
        .await;
    assert!(message.contains("cargo xtask dist"), "{message}");
    set_hash("#/");
}

fn input_value(mounted: &Mounted, data_test: &str) -> String {
    let input: web_sys::HtmlInputElement = wasm_bindgen::JsCast::unchecked_into(
        mounted
            .find(data_test)
            .unwrap_or_else(|| panic!("{data_test}")),
    );
    input.value()
}

#[wasm_bindgen_test]
async fn time_limits_are_checked_at_their_field_saved_and_shown_again() {
    let fake = FakeDhis2::server(&["ALL"], &[]);
    let mounted = open_instances(&fake).await;
    mounted.click("instance-new");
    mounted.wait_for("instance-timeouts").await;
    // The defaults, which suit a 2G link, are shown.
    mounted
        .wait_until("the default limits are shown", |m| {
            input_value(m, "instance-connect-timeout") == "30"
                && input_value(m, "instance-total-timeout") == "180"
        })
        .await;
    assert!(mounted.text("instance-timeouts").contains("slow (2G) link"));

    mounted.type_into("instance-name", "Behind a proxy");
    mounted.type_into("instance-url", REMOTE);
    mounted.type_into("instance-username", "admin");
    mounted.type_into("instance-secret", "district");

    // Not a number, out of range, total below connect: each said under its field, nothing saved.
    mounted.type_into("instance-connect-timeout", "soon");
    mounted.click("instance-save");
    let said = mounted
        .wait_for_text("field-error-connect-timeout", "whole number")
        .await;
    assert!(!said.is_empty());
    mounted.type_into("instance-connect-timeout", "0");
    mounted.click("instance-save");
    mounted
        .wait_for_text("field-error-connect-timeout", "between 1 and 600")
        .await;
    mounted.type_into("instance-connect-timeout", "20");
    mounted.type_into("instance-total-timeout", "10");
    mounted.click("instance-save");
    mounted
        .wait_for_text("field-error-total-timeout", "must not be shorter")
        .await;
    assert!(mounted.find("field-error-connect-timeout").is_none());
    assert!(
        !fake
            .datastore_values(NAMESPACE)
            .iter()
            .any(|(_, value)| value.contains("Behind a proxy")),
        "nothing saved while the limits are wrong"
    );

    // Under a 60 s proxy: saved with the instance.
    mounted.type_into("instance-connect-timeout", "10");
    mounted.type_into("instance-total-timeout", "55");
    mounted.click("instance-save");
    mounted
        .wait_for_text("instances-notice", "Saved \"Behind a proxy\"")
        .await;
    let stored = fake
        .datastore_values(NAMESPACE)
        .into_iter()
        .find(|(_, value)| value.contains("Behind a proxy"))
        .map(|(_, value)| value)
        .expect("the instance is stored");
    let stored: serde_json::Value = serde_json::from_str(&stored).expect("json");
    let instance = stored
        .as_array()
        .and_then(|list| list.iter().find(|i| i["name"] == "Behind a proxy"))
        .cloned()
        .unwrap_or(stored);
    assert_eq!(instance["timeouts"]["connectSeconds"], 10, "{instance}");
    assert_eq!(instance["timeouts"]["totalSeconds"], 55, "{instance}");
    // The browser transport applies the connect limit to reads from that instance.
    assert_eq!(
        metadata_sync::transport::connect_timeout_for(&format!("{REMOTE}/api/system/info")),
        std::time::Duration::from_secs(10)
    );

    set_hash("#/");
}
