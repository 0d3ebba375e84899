//! The interface language of each user: `keyUiLocale` as the profile app and the Users app
//! read and change it, and as `/api/me` carries it to an app at start-up.

mod platform_support;

use platform_support::*;
use serde_json::json;

fn text_of(response: &dhis2_sim::SimResponse) -> String {
    String::from_utf8_lossy(&response.body).to_string()
}

#[test]
fn the_french_and_portuguese_configurators_speak_their_language_in_every_version() {
    for version in ["2.30", "2.37", "2.38", "2.41", "2.42"] {
        let sim = sim(version);
        for (user, locale) in [("configurateur", "fr"), ("configurador", "pt")] {
            let (status, me) = call(
                &sim,
                user,
                "GET",
                "/api/me?fields=id,username,authorities,userCredentials[username],settings",
                None,
            );
            assert_eq!(status, 200, "{version} {user}");
            assert_eq!(
                me["settings"]["keyUiLocale"],
                json!(locale),
                "{version} {user}"
            );
            assert!(
                me["authorities"]
                    .as_array()
                    .is_some_and(|all| all.iter().any(|a| a == "F_METADATA_IMPORT")),
                "{version} {user}: a configurator's authorities"
            );
            let read = send(&sim, as_user(user, "GET", "/api/userSettings/keyUiLocale"));
            assert_eq!(text_of(&read), locale, "{version} {user}");
        }
    }
}

#[test]
fn a_user_switches_language_with_a_value_or_a_text_body() {
    let sim = sim("2.40");
    let (_, before) = call(&sim, "configurator", "GET", "/api/me?fields=settings", None);
    assert_eq!(before["settings"]["keyUiLocale"], "en");
    let by_query = send(
        &sim,
        as_user(
            "configurator",
            "POST",
            "/api/userSettings/keyUiLocale?value=pt_BR",
        ),
    );
    assert_eq!(json_of(&by_query)["message"], "User setting saved");
    let (_, after) = call(&sim, "configurator", "GET", "/api/me?fields=settings", None);
    assert_eq!(after["settings"]["keyUiLocale"], "pt_BR");
    let by_body = as_user("configurateur", "POST", "/api/userSettings/keyUiLocale")
        .with_header("Content-Type", "text/plain")
        .with_body("es");
    assert_eq!(send(&sim, by_body).status, 200);
    let (_, french_no_more) = call(&sim, "configurateur", "GET", "/api/me/settings", None);
    assert_eq!(french_no_more["keyUiLocale"], "es");
    // Other users keep theirs.
    let (_, portuguese) = call(
        &sim,
        "configurador",
        "GET",
        "/api/me/settings/keyUiLocale",
        None,
    );
    assert_eq!(portuguese, json!("pt"));
}

#[test]
fn an_administrator_sets_another_users_language_and_others_may_not() {
    let sim = sim("2.41");
    let set_by_admin = send(
        &sim,
        as_user(
            "admin",
            "POST",
            "/api/userSettings/keyUiLocale?user=executor&value=fr",
        ),
    );
    assert_eq!(set_by_admin.status, 200);
    let read = send(
        &sim,
        as_user("executor", "GET", "/api/userSettings/keyUiLocale"),
    );
    assert_eq!(text_of(&read), "fr");
    let read_by_admin = send(
        &sim,
        as_user(
            "admin",
            "GET",
            "/api/userSettings/keyUiLocale?user=configurador",
        ),
    );
    assert_eq!(text_of(&read_by_admin), "pt");
    let by_id = send(
        &sim,
        as_user(
            "admin",
            "POST",
            "/api/userSettings/keyUiLocale?userId=cFgPt3mZa7Q&value=pt_MZ",
        ),
    );
    assert_eq!(by_id.status, 200);
    let (_, me) = call(&sim, "configurador", "GET", "/api/me?fields=settings", None);
    assert_eq!(me["settings"]["keyUiLocale"], "pt_MZ");

    let (status, refused) = call(
        &sim,
        "configurator",
        "POST",
        "/api/userSettings/keyUiLocale?user=executor&value=es",
        None,
    );
    assert_eq!(
        (status, refused["message"].as_str()),
        (401, Some("You are not authorized to access user: executor"))
    );
    let (status, unknown) = call(
        &sim,
        "admin",
        "POST",
        "/api/userSettings/keyUiLocale?user=nobody&value=es",
        None,
    );
    assert_eq!(
        (status, unknown["message"].as_str()),
        (409, Some("Could not find user 'nobody'"))
    );
    // Naming oneself needs no right to manage users.
    let own = send(
        &sim,
        as_user(
            "executor",
            "POST",
            "/api/userSettings/keyUiLocale?user=executor&value=en",
        ),
    );
    assert_eq!(own.status, 200);
}
