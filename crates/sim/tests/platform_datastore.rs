mod platform_support;

use platform_support::*;
use serde_json::json;

#[test]
fn messages_and_codes_of_2_37_and_later() {
    let sim = sim("2.39.3");
    let (status, body) = call(
        &sim,
        "admin",
        "POST",
        "/api/dataStore/android/config",
        Some(r#"{"a":1}"#),
    );
    assert_eq!(status, 201);
    assert_eq!(
        body,
        json!({"httpStatus": "Created", "httpStatusCode": 201, "status": "OK", "message": "Key created: 'config'"})
    );
    let (status, body) = call(
        &sim,
        "admin",
        "POST",
        "/api/dataStore/android/config",
        Some("{}"),
    );
    assert_eq!(status, 409);
    assert_eq!(
        body["message"],
        "Key 'config' already exists in namespace 'android'"
    );
    assert!(body.get("errorCode").is_none(), "E1004 only in 2.41");
    let (status, body) = call(
        &sim,
        "admin",
        "PUT",
        "/api/dataStore/android/config",
        Some(r#"{"a":2}"#),
    );
    assert_eq!(
        (status, body["message"].as_str()),
        (200, Some("Key updated: 'config'"))
    );
    let (status, value) = call(&sim, "admin", "GET", "/api/dataStore/android/config", None);
    assert_eq!((status, value), (200, json!({"a": 2})));
    let (_, keys) = call(&sim, "admin", "GET", "/api/dataStore/android", None);
    assert_eq!(keys, json!(["config"]));
    let (status, body) = call(&sim, "admin", "GET", "/api/dataStore/android/nope", None);
    assert_eq!(
        (status, body["message"].as_str()),
        (404, Some("Key 'nope' not found in namespace 'android'"))
    );
    let (status, body) = call(&sim, "admin", "GET", "/api/dataStore/other", None);
    assert_eq!(
        (status, body["message"].as_str()),
        (404, Some("Namespace not found: 'other'"))
    );
    let (status, body) = call(
        &sim,
        "admin",
        "DELETE",
        "/api/dataStore/android/config",
        None,
    );
    assert_eq!(
        (status, body["message"].as_str()),
        (200, Some("Key 'config' deleted from namespace 'android'"))
    );
    let (status, _) = call(
        &sim,
        "admin",
        "DELETE",
        "/api/dataStore/android/config",
        None,
    );
    assert_eq!(status, 404);
}

#[test]
fn messages_of_2_30_to_2_36() {
    let sim = sim("2.36");
    let (s, b) = call(&sim, "admin", "POST", "/api/dataStore/ns/k", Some("1"));
    assert_eq!((s, b["message"].as_str()), (201, Some("Key 'k' created.")));
    let (s, b) = call(&sim, "admin", "POST", "/api/dataStore/ns/k", Some("1"));
    assert_eq!(
        (s, b["message"].as_str()),
        (
            409,
            Some("The key 'k' already exists on the namespace 'ns'.")
        )
    );
    let (s, b) = call(&sim, "admin", "PUT", "/api/dataStore/ns/k", Some("2"));
    assert_eq!((s, b["message"].as_str()), (200, Some("Key 'k' updated.")));
    let (s, b) = call(&sim, "admin", "GET", "/api/dataStore/ns/x", None);
    assert_eq!(
        (s, b["message"].as_str()),
        (
            404,
            Some("The key 'x' was not found in the namespace 'ns'.")
        )
    );
    let (s, b) = call(&sim, "admin", "GET", "/api/dataStore/zz/x", None);
    assert_eq!(
        (s, b["message"].as_str()),
        (404, Some("The namespace 'zz' was not found."))
    );
    let (s, b) = call(&sim, "admin", "PUT", "/api/dataStore/ns/x", Some("2"));
    assert_eq!(
        (s, b["message"].as_str()),
        (
            404,
            Some("The key 'x' was not found in the namespace 'ns'.")
        )
    );
    let (s, b) = call(&sim, "admin", "DELETE", "/api/dataStore/ns", None);
    assert_eq!(
        (s, b["message"].as_str()),
        (200, Some("Namespace 'ns' deleted."))
    );
}

#[test]
fn put_upserts_exactly_from_2_38_5_2_39_3_2_40_1_and_2_41() {
    let cases = [
        ("2.37", 404),
        ("2.38.4", 404),
        ("2.38.5", 201),
        ("2.39.2", 404),
        ("2.39.3", 201),
        ("2.40.0", 404),
        ("2.40.1", 201),
        ("2.41.0", 201),
        ("2.42", 201),
    ];
    for (version, expected) in cases {
        let sim = sim(version);
        call(&sim, "admin", "POST", "/api/dataStore/ns/other", Some("0"));
        let (status, body) = call(
            &sim,
            "admin",
            "PUT",
            "/api/dataStore/ns/new",
            Some(r#"{"v":1}"#),
        );
        assert_eq!(status, expected, "PUT of a missing key on {version}");
        if expected == 201 {
            assert_eq!(body["message"], "Key created: 'new'");
        }
    }
}

#[test]
fn error_codes_appear_from_2_40_and_2_41() {
    let not_found =
        |version: &str| call(&sim(version), "admin", "GET", "/api/dataStore/ns/k", None).1;
    assert!(not_found("2.39").get("errorCode").is_none());
    assert_eq!(not_found("2.40")["errorCode"], "E1005");
    let sim41 = sim("2.41");
    call(&sim41, "admin", "POST", "/api/dataStore/ns/k", Some("1"));
    let (_, duplicate) = call(&sim41, "admin", "POST", "/api/dataStore/ns/k", Some("1"));
    assert_eq!(duplicate["errorCode"], "E1004");
}

#[test]
fn invalid_json_is_a_400() {
    let (status, body) = call(
        &sim("2.38"),
        "admin",
        "POST",
        "/api/dataStore/ns/k",
        Some("{not json"),
    );
    assert_eq!(status, 400);
    assert_eq!(body["httpStatusCode"], 400);
}

#[test]
fn metadata_and_sharing_of_entries_are_enforced() {
    let sim = sim("2.38");
    call(
        &sim,
        "configurator",
        "POST",
        "/api/dataStore/ns/secret",
        Some(r#"{"s":1}"#),
    );
    let (status, meta) = call(
        &sim,
        "configurator",
        "GET",
        "/api/dataStore/ns/secret/metaData",
        None,
    );
    assert_eq!(status, 200);
    let id = meta["id"].as_str().unwrap().to_string();
    assert!(dhis2_sim::uid::is_valid_uid(&id));
    assert_eq!(
        (meta["key"].as_str(), meta["namespace"].as_str()),
        (Some("secret"), Some("ns"))
    );
    assert_eq!(meta["sharing"]["public"], "rw------");

    let (_, sharing) = call(
        &sim,
        "configurator",
        "GET",
        &format!("/api/sharing?type=dataStore&id={id}"),
        None,
    );
    assert_eq!(sharing["object"]["publicAccess"], "rw------");
    let restrict = json!({"object": {"publicAccess": "--------", "userAccesses": [{"id": "eXc4Rn7Wq1P", "access": "r-------"}]}}).to_string();
    let (status, body) = call(
        &sim,
        "guest",
        "POST",
        &format!("/api/sharing?type=dataStore&id={id}"),
        Some(&restrict),
    );
    assert_eq!(
        status, 403,
        "only the owner or a superuser manages sharing: {body}"
    );
    let (status, body) = call(
        &sim,
        "configurator",
        "POST",
        &format!("/api/sharing?type=dataStore&id={id}"),
        Some(&restrict),
    );
    assert_eq!(
        (status, body["message"].as_str()),
        (200, Some("Access control set"))
    );

    assert_eq!(
        call(&sim, "guest", "GET", "/api/dataStore/ns/secret", None).0,
        403
    );
    assert_eq!(
        call(&sim, "guest", "GET", "/api/dataStore/ns", None).1,
        json!([])
    );
    assert_eq!(
        call(&sim, "executor", "GET", "/api/dataStore/ns/secret", None).0,
        200
    );
    assert_eq!(
        call(
            &sim,
            "executor",
            "PUT",
            "/api/dataStore/ns/secret",
            Some("1")
        )
        .0,
        403
    );
    assert_eq!(
        call(
            &sim,
            "configurator",
            "PUT",
            "/api/dataStore/ns/secret",
            Some("1")
        )
        .0,
        200
    );
    assert_eq!(
        call(&sim, "admin", "GET", "/api/dataStore/ns/secret", None).0,
        200
    );
}

#[test]
fn query_api_from_2_38() {
    let sim = sim("2.38");
    for (key, value) in [
        ("a", r#"{"name":"A","n":{"x":1}}"#),
        ("b", r#"{"name":"B"}"#),
    ] {
        call(
            &sim,
            "admin",
            "POST",
            &format!("/api/dataStore/ns/{key}"),
            Some(value),
        );
    }
    let (_, page) = call(
        &sim,
        "admin",
        "GET",
        "/api/dataStore/ns?fields=name,n.x",
        None,
    );
    assert_eq!(page["pager"], json!({"page": 1, "pageSize": 50}));
    assert_eq!(
        page["entries"],
        json!([{"key": "a", "name": "A", "n.x": 1}, {"key": "b", "name": "B"}])
    );
    let (_, all) = call(
        &sim,
        "admin",
        "GET",
        "/api/dataStore/ns?fields=.&paging=false",
        None,
    );
    assert!(all.get("pager").is_none());
    assert_eq!(all["entries"][1]["value"], json!({"name": "B"}));
    let (_, keys) = call(
        &self::sim("2.37"),
        "admin",
        "GET",
        "/api/dataStore/ns?fields=.",
        None,
    );
    assert_eq!(
        keys["httpStatusCode"], 404,
        "2.37 has no query API; the namespace is missing there"
    );
}

#[test]
fn user_data_store_is_private_per_user_with_its_own_messages() {
    let old = sim("2.30");
    let (s, b) = call(
        &old,
        "guest",
        "POST",
        "/api/userDataStore/prefs/theme",
        Some(r#""dark""#),
    );
    assert_eq!(
        (s, b["message"].as_str()),
        (201, Some("Key 'theme' in namespace 'prefs' created."))
    );
    let (s, b) = call(
        &old,
        "guest",
        "PUT",
        "/api/userDataStore/prefs/theme",
        Some(r#""light""#),
    );
    assert_eq!(
        (s, b["message"].as_str()),
        (201, Some("Key 'theme' in namespace 'prefs' updated."))
    );
    assert_eq!(
        call(&old, "guest", "GET", "/api/userDataStore/prefs/theme", None).1,
        json!("light")
    );
    assert_eq!(
        call(
            &old,
            "executor",
            "GET",
            "/api/userDataStore/prefs/theme",
            None
        )
        .0,
        404
    );
    // `?username=` only exists from 2.38.1 (UserDatastoreController.getUser): 2.30 ignores it.
    let (status, _) = call(
        &old,
        "admin",
        "GET",
        "/api/userDataStore/prefs/theme?username=guest",
        None,
    );
    assert_eq!(status, 404, "2.30 reads the caller's own store");

    let new = sim("2.41");
    call(
        &new,
        "guest",
        "POST",
        "/api/userDataStore/prefs/theme",
        Some("1"),
    );
    let (s, b) = call(
        &new,
        "guest",
        "PUT",
        "/api/userDataStore/prefs/theme",
        Some("2"),
    );
    assert_eq!(
        (s, b["message"].as_str()),
        (200, Some("Key updated: 'theme'"))
    );
    let (_, other) = call(
        &new,
        "admin",
        "GET",
        "/api/userDataStore/prefs/theme?username=guest",
        None,
    );
    assert_eq!(
        other,
        json!(2),
        "a superuser reads another user's store from 2.38.1"
    );
    let (s, b) = call(&new, "guest", "DELETE", "/api/userDataStore/prefs", None);
    assert_eq!(
        (s, b["message"].as_str()),
        (200, Some("Namespace deleted: 'prefs'"))
    );
}
