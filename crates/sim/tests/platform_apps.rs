mod platform_support;

use platform_support::*;
use serde_json::json;

const MANIFEST: &str = r#"{"name": "MetaData Sync", "short_name": "metadata-sync", "version": "1.0.0",
  "launch_path": "index.html", "activities": {"dhis": {"href": "*", "namespace": "metadata-sync"}},
  "icons": {"48": "icon.png"}}"#;

fn our_app() -> Vec<u8> {
    zip_of(&[
        ("manifest.webapp", MANIFEST),
        (
            "index.html",
            "<html><meta name=\"dhis2-base-url\" content=\"__DHIS2_BASE_URL__\"></html>",
        ),
        ("app_bg.wasm", "\0asm"),
        ("app.js", "export {}"),
        ("style.css", "body{}"),
    ])
}

#[test]
fn the_reference_test_app_installs_and_is_served_on_2_41() {
    let zip = std::fs::read(reference_file("payloads/apps/test-app-v1.zip")).expect("readable zip");
    let sim = sim("2.41");
    let response = send(&sim, upload("admin", &zip));
    assert_eq!(
        response.status,
        204,
        "{}",
        String::from_utf8_lossy(&response.body)
    );
    // 2.35+: key from short_name "test minio"; the authority drops non-alphanumerics.
    let (_, apps) = call(&sim, "admin", "GET", "/api/apps", None);
    assert_eq!(apps[0]["key"], "test-minio");
    assert_eq!(
        apps[0]["launchUrl"],
        "http://127.0.0.1/api/apps/test-minio/index.html"
    );
    let page = send(
        &sim,
        as_user("admin", "GET", "/api/apps/test-minio/subDir/test-page.html"),
    );
    assert_eq!(page.status, 200);
    assert_eq!(page.header("Content-Type"), Some("text/html;charset=UTF-8"));
    let manifest = send(
        &sim,
        as_user("admin", "GET", "/api/apps/test-minio/manifest.webapp"),
    );
    assert_eq!(
        manifest.body_json().unwrap()["activities"]["dhis"]["href"],
        "http://127.0.0.1"
    );
    assert_eq!(
        call(
            &sim,
            "guest",
            "GET",
            "/api/dataStore/test-app-minio-ns/x",
            None
        )
        .0,
        403
    );
}

#[test]
fn a_zip_with_its_manifest_in_a_folder_is_refused_before_2_41() {
    let zip = std::fs::read(reference_file("payloads/apps/test-app-v1.zip")).expect("readable zip");
    let response = send(&sim("2.40"), upload("admin", &zip));
    assert_eq!(response.status, 409);
    assert_eq!(response.body_json().unwrap()["message"], "Missing manifest");
}

#[test]
fn bad_uploads_are_409_web_messages() {
    let sim = sim("2.38");
    let garbage = send(&sim, upload("admin", b"not a zip"));
    assert_eq!(
        (
            garbage.status,
            garbage.body_json().unwrap()["message"].clone()
        ),
        (409, json!("Zip-file could not be read"))
    );
    let no_manifest = send(&sim, upload("admin", &zip_of(&[("index.html", "x")])));
    assert_eq!(
        no_manifest.body_json().unwrap()["message"],
        "Missing manifest"
    );
    let bad_json = send(
        &sim,
        upload("admin", &zip_of(&[("manifest.webapp", "{oops")])),
    );
    assert_eq!(
        bad_json.body_json().unwrap()["message"],
        "Invalid JSON in app manifest file"
    );
    assert_eq!(
        send(&sim, upload("configurator", &our_app())).status,
        403,
        "needs app management"
    );
}

#[test]
fn install_serve_rewrite_and_protect_the_namespace() {
    let sim = sim("2.41");
    assert_eq!(send(&sim, upload("admin", &our_app())).status, 204);
    let wasm = send(
        &sim,
        as_user("configurator", "GET", "/api/apps/metadata-sync/app_bg.wasm"),
    );
    assert_eq!(
        (wasm.status, wasm.header("Content-Type")),
        (200, Some("application/wasm"))
    );
    for (file, kind) in [
        ("app.js", "application/javascript"),
        ("style.css", "text/css"),
    ] {
        let served = send(
            &sim,
            as_user("admin", "GET", &format!("/api/apps/metadata-sync/{file}")),
        );
        assert_eq!(served.header("Content-Type"), Some(kind));
    }
    let index = send(
        &sim,
        as_user("executor", "GET", "/api/apps/metadata-sync/index.html"),
    );
    assert!(String::from_utf8_lossy(&index.body).contains("content=\"http://127.0.0.1\""));
    assert_eq!(
        send(
            &sim,
            as_user("outsider", "GET", "/api/apps/metadata-sync/index.html")
        )
        .status,
        403
    );

    // The namespace belongs to the app: its users may write, others get 403.
    assert_eq!(
        call(
            &sim,
            "configurator",
            "POST",
            "/api/dataStore/metadata-sync/schema",
            Some(r#"{"version":1}"#)
        )
        .0,
        201
    );
    assert_eq!(
        call(
            &sim,
            "executor",
            "GET",
            "/api/dataStore/metadata-sync/schema",
            None
        )
        .0,
        200
    );
    assert_eq!(
        call(
            &sim,
            "outsider",
            "GET",
            "/api/dataStore/metadata-sync/schema",
            None
        )
        .0,
        403
    );
    assert_eq!(
        call(
            &sim,
            "outsider",
            "PUT",
            "/api/dataStore/metadata-sync/schema",
            Some("{}")
        )
        .0,
        403
    );
    assert_eq!(
        sim.datastore_value("metadata-sync", "schema"),
        Some(json!({"version": 1}))
    );

    // Another app may not claim the namespace.
    let thief = zip_of(&[(
        "manifest.webapp",
        r#"{"name":"Thief","activities":{"dhis":{"namespace":"metadata-sync"}}}"#,
    )]);
    let refused = send(&sim, upload("admin", &thief));
    assert_eq!(
        refused.body_json().unwrap()["message"],
        "Namespace defined in manifest is in use"
    );

    let (_, menu) = call(
        &sim,
        "executor",
        "GET",
        "/dhis-web-commons/menu/getModules.action",
        None,
    );
    assert_eq!(menu["modules"][0]["displayName"], "MetaData Sync");
    assert_eq!(
        menu["modules"][0]["defaultAction"],
        "http://127.0.0.1/api/apps/metadata-sync/index.html"
    );

    assert_eq!(
        send(&sim, as_user("admin", "DELETE", "/api/apps/metadata-sync")).status,
        204
    );
    assert_eq!(call(&sim, "admin", "GET", "/api/apps", None).1, json!([]));
}

#[test]
fn keys_and_authorities_before_2_35_come_from_the_name() {
    let sim = sim("2.34");
    assert_eq!(send(&sim, upload("admin", &our_app())).status, 204);
    let (_, apps) = call(&sim, "admin", "GET", "/api/apps", None);
    assert_eq!(apps[0]["key"], "MetaData-Sync");
    // The MetaData Sync roles carry the authority of this version.
    assert_eq!(
        send(
            &sim,
            as_user("configurator", "GET", "/api/apps/MetaData-Sync/index.html")
        )
        .status,
        200
    );
}
