//! The requests a DHIS2 app makes on start-up — `@dhis2/ui`'s header bar, the app-platform
//! shell and app-runtime — answered as DHIS2 answers them, per version: system and user
//! settings, `/api/me` field sets, UI locales, `/api/ping`, the favicon, the user dataStore
//! the shell writes to. Logos are in `platform_static_content.rs`, logins in
//! `platform_login_landing.rs`.
mod platform_support;

use platform_support::*;
use serde_json::json;

#[test]
fn header_bar_and_shell_requests_get_dhis2_answers_on_2_38_and_2_41() {
    for (version, api) in [("2.38", 38), ("2.41", 41)] {
        let sim = sim(version);
        sim.set_application_title("Sierra Leone");
        let get = |url: &str| send(&sim, runtime("admin", "GET", url));
        let info = get("/api/system/info");
        assert_eq!(info.status, 200);
        assert_eq!(
            json_of(&get("/api/me?fields=id")),
            json!({"id": "M5zQapPyTZI"})
        );
        let me = json_of(&get(&format!(
            "/api/{api}/me?fields=authorities,avatar,email,name,settings"
        )));
        assert_eq!(
            keys_of(&me),
            ["authorities", "email", "name", "settings"],
            "{version}"
        );
        assert_eq!(me["settings"]["keyUiLocale"], "en");
        let title = get(&format!("/api/{api}/systemSettings/applicationTitle"));
        assert_eq!(json_of(&title), json!({"applicationTitle": "Sierra Leone"}));
        let help = json_of(&get(&format!("/api/{api}/systemSettings/helpPageLink")));
        assert_eq!(
            help["helpPageLink"],
            "https://dhis2.github.io/dhis2-docs/master/en/user/html/dhis2_user_manual_en.html"
        );
        let modules = json_of(&get("/dhis-web-commons/menu/getModules.action"));
        assert!(modules["modules"].as_array().is_some_and(|m| !m.is_empty()));
        let dashboard = json_of(&get(&format!("/api/{api}/me/dashboard")));
        assert_eq!(
            keys_of(&dashboard),
            ["unreadInterpretations", "unreadMessageConversations"]
        );
        let settings = json_of(&get(&format!("/api/{api}/userSettings")));
        assert_eq!(
            keys_of(&settings),
            [
                "keyAnalysisDisplayProperty",
                "keyMessageEmailNotification",
                "keyMessageSmsNotification",
                "keyStyle",
                "keyUiLocale"
            ],
            "{version}: settings without value (keyDbLocale) are left out"
        );
        assert_eq!(settings["keyMessageEmailNotification"], true);
        // No custom logo: the header bar's JSON request is a 404 and it draws its own logo.
        let logo = get(&format!("/api/{api}/staticContent/logo_banner"));
        assert_eq!(
            (logo.status, json_of(&logo)["message"].as_str()),
            (404, Some("No custom file found."))
        );
    }
}

#[test]
fn the_recorded_header_bar_shapes_are_met() {
    let sim = sim("2.40");
    let shape = recorded("headerbar/me.json");
    let me = json_of(&send(
        &sim,
        runtime(
            "admin",
            "GET",
            "/api/me?fields=authorities,avatar,email,name,settings",
        ),
    ));
    assert_eq!(keys_of(&me), keys_of(&shape));
    assert!(me["settings"].is_object() && me["authorities"].is_array());
}

#[test]
fn a_single_setting_as_json_arrives_at_2_31_9_and_is_typed_from_2_36() {
    let ask = |version: &str, accept: &str| {
        send(
            &sim(version),
            as_user("guest", "GET", "/api/systemSettings/keyUseCustomLogoBanner")
                .with_header("Accept", accept),
        )
    };
    let old = ask("2.30", "application/json");
    assert_eq!(old.status, 406, "2.30 only produces text/plain for one key");
    assert_eq!(json_of(&old)["httpStatus"], "Not Acceptable");
    let text = ask("2.30", "text/plain");
    assert_eq!(
        (text.status, text.body.as_slice()),
        (200, b"false".as_slice())
    );
    assert_eq!(ask("2.31.8", "application/json").status, 406);
    assert_eq!(
        json_of(&ask("2.31.9", "application/json")),
        json!({"keyUseCustomLogoBanner": "false"})
    );
    assert_eq!(
        json_of(&ask("2.36", "application/json")),
        json!({"keyUseCustomLogoBanner": false})
    );
    // The list form was JSON all along.
    let (_, listed) = call(
        &sim("2.30"),
        "guest",
        "GET",
        "/api/systemSettings?key=applicationTitle",
        None,
    );
    assert_eq!(listed, json!({"applicationTitle": "Source DHIS2"}));
}

#[test]
fn unknown_setting_keys_by_version() {
    let unknown = |version: &str| {
        call(
            &sim(version),
            "guest",
            "GET",
            "/api/systemSettings/keyNope",
            None,
        )
    };
    assert_eq!(unknown("2.38"), (200, json!({"keyNope": ""})));
    let (status, body) = unknown("2.41");
    assert_eq!((status, body["errorCode"].as_str()), (404, Some("E1005")));
    assert_eq!(
        body["message"],
        "Setting does not exist or is marked as confidential"
    );
    assert_eq!(
        unknown("2.42").1["message"],
        "Setting does not exist: keyNope"
    );
    let (status, _) = call(
        &sim("2.41"),
        "guest",
        "POST",
        "/api/systemSettings/keyUseCustomLogoBanner?value=true",
        None,
    );
    assert_eq!(status, 403, "setting needs F_SYSTEM_SETTING");
}

#[test]
fn user_settings_follow_the_version_and_what_the_user_saved() {
    let v230 = call(&sim("2.30"), "admin", "GET", "/api/userSettings", None).1;
    assert_eq!(v230["keyMessageEmailNotification"], false);
    assert_eq!(v230["keyAutoSaveDataEntryForm"], false);
    let v242 = call(&sim("2.42"), "admin", "GET", "/api/userSettings", None).1;
    assert_eq!(
        (
            v242["keyDbLocale"].as_str(),
            v242["keyTrackerDashboardLayout"].as_str()
        ),
        (Some("en"), Some(""))
    );
    let sim = sim("2.41");
    let mut request = as_user("guest", "POST", "/api/userSettings/keyUiLocale").with_body("fr");
    request = request.with_header("Content-Type", "text/plain");
    assert_eq!(
        json_of(&send(&sim, request))["message"],
        "User setting saved"
    );
    let (_, me) = call(&sim, "guest", "GET", "/api/me?fields=settings", None);
    assert_eq!(me["settings"]["keyUiLocale"], "fr");
    let (status, body) = call(&sim, "guest", "GET", "/api/userSettings/keyNope", None);
    assert_eq!(
        (status, body["message"].as_str()),
        (404, Some("No user setting found with key: keyNope"))
    );
}

#[test]
fn ui_locales_by_version_and_public_from_2_41() {
    let (status, old) = call(&sim("2.38"), "guest", "GET", "/api/locales/ui", None);
    assert_eq!(status, 200);
    assert_eq!(old[0], json!({"locale": "ar", "name": "Arabic"}));
    let anonymous_xhr = |version: &str| {
        send(
            &sim(version),
            anonymous("/api/41/locales/ui").with_header("X-Requested-With", "XMLHttpRequest"),
        )
    };
    assert_eq!(anonymous_xhr("2.38").status, 401);
    let new = anonymous_xhr("2.41");
    assert_eq!(new.status, 200);
    let french = json_of(&new)[3].clone();
    assert_eq!(
        french,
        json!({"locale": "fr", "name": "français", "displayName": "French"})
    );
    let (_, tagged) = call(&sim("2.42.5"), "guest", "GET", "/api/locales/ui", None);
    assert_eq!(tagged[5]["languageTag"], "pt-BR");
}

#[test]
fn api_ping_is_public_from_the_patch_releases() {
    let ping = |version: &str| send(&sim(version), anonymous("/api/ping"));
    for version in ["2.37.10", "2.38.4", "2.39.2", "2.40", "2.41"] {
        let response = ping(version);
        assert_eq!(
            (response.status, response.body.len()),
            (200, 0),
            "{version}"
        );
    }
    assert_eq!(
        ping("2.38.3").status,
        302,
        "before 2.38.4 it is not there: login first"
    );
    assert_eq!(
        call(&sim("2.38.3"), "admin", "GET", "/api/ping", None).0,
        404
    );
}

#[test]
fn the_favicon_needs_no_login_on_any_version() {
    for version in ["2.30", "2.38", "2.41"] {
        let response = send(&sim(version), anonymous("/favicon.ico"));
        assert_eq!(response.status, 200, "{version}");
        assert_eq!(response.header("Content-Type"), Some("image/x-icon"));
        assert_eq!(&response.body[..4], &[0, 0, 1, 0], "an ICO file");
        assert!(response.header("Set-Cookie").is_none());
    }
}

#[test]
fn an_unknown_static_content_key_is_a_404_web_message_not_a_redirect() {
    for version in ["2.30", "2.38", "2.41", "2.42"] {
        for accept in [IMAGE_ACCEPT, "application/json"] {
            let response = send(
                &sim(version),
                anonymous("/api/staticContent/logo_nope").with_header("Accept", accept),
            );
            assert_eq!(response.status, 404, "{version} {accept}");
            assert!(response.header("Location").is_none());
            let body = json_of(&response);
            assert_eq!(
                (
                    body["httpStatusCode"].as_i64(),
                    body["status"].as_str(),
                    body["message"].as_str()
                ),
                (Some(404), Some("ERROR"), Some("Key does not exist."))
            );
            assert_eq!(
                body["errorCode"].as_str(),
                (version == "2.42").then_some("E1005")
            );
        }
    }
}

#[test]
fn user_data_store_put_creates_a_missing_key_from_the_upsert_releases() {
    let put_missing = |version: &str| {
        call(
            &sim(version),
            "guest",
            "PUT",
            "/api/userDataStore/shell/state",
            Some(r#"{"a":1}"#),
        )
    };
    for version in ["2.30", "2.38.4", "2.39.2", "2.40.0"] {
        let (status, body) = put_missing(version);
        assert_eq!(status, 404, "{version}");
        assert_eq!(
            body["message"],
            "The key 'state' was not found in the namespace 'shell'."
        );
    }
    for version in ["2.38.5", "2.39.3", "2.40.1", "2.41"] {
        let (status, body) = put_missing(version);
        assert_eq!(
            (status, body["message"].as_str()),
            (201, Some("Key 'state' in namespace 'shell' created.")),
            "{version}"
        );
    }
    let sim = sim("2.41");
    call(
        &sim,
        "guest",
        "PUT",
        "/api/userDataStore/shell/state",
        Some("1"),
    );
    let (status, body) = call(
        &sim,
        "guest",
        "PUT",
        "/api/userDataStore/shell/state",
        Some("2"),
    );
    assert_eq!(
        (status, body["message"].as_str()),
        (200, Some("Key updated: 'state'"))
    );
    assert_eq!(
        call(&sim, "guest", "GET", "/api/userDataStore/shell/state", None).1,
        json!(2)
    );
    let (status, body) = call(
        &self::sim("2.38.4"),
        "guest",
        "DELETE",
        "/api/userDataStore/none",
        None,
    );
    assert_eq!(
        (status, body["message"].as_str()),
        (200, Some("All keys from namespace 'none' deleted."))
    );
    let (status, body) = call(&sim, "guest", "GET", "/api/userDataStore/shell/other", None);
    assert_eq!((status, body["errorCode"].as_str()), (404, Some("E1005")));
    let (status, body) = call(
        &sim,
        "guest",
        "GET",
        "/api/userDataStore/shell/state?username=admin",
        None,
    );
    assert_eq!(status, 409);
    assert_eq!(
        body["message"],
        "Only superusers can read or write other users data using the `username` parameter."
    );
}
