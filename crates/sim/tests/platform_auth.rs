mod platform_support;

use dhis2_sim::SimRequest;
use platform_support::*;
use serde_json::json;

#[test]
fn unauthenticated_xhr_gets_json_401_and_browsers_a_302_to_the_login_page() {
    let sim = sim("2.38");
    let xhr = send(
        &sim,
        SimRequest::new("GET", "/api/me").with_header("X-Requested-With", "XMLHttpRequest"),
    );
    assert_eq!(xhr.status, 401);
    assert_eq!(
        xhr.body_json().unwrap(),
        json!({"httpStatus": "Unauthorized", "httpStatusCode": 401, "status": "ERROR", "message": "Unauthorized"})
    );
    let browser = send(&sim, SimRequest::new("GET", "/api/me"));
    assert_eq!(browser.status, 302);
    assert_eq!(
        browser.header("Location"),
        Some("http://127.0.0.1/dhis-web-commons/security/login.action")
    );
    let page = send(
        &sim,
        SimRequest::new("GET", "/dhis-web-commons/security/login.action"),
    );
    let html = String::from_utf8_lossy(&page.body);
    assert_eq!(page.status, 200);
    assert!(html.contains("name=\"j_username\"") && html.contains("name=\"j_password\""));
}

#[test]
fn wrong_basic_password_is_refused() {
    let sim = sim("2.30");
    let response = send(
        &sim,
        SimRequest::new("GET", "/api/me")
            .with_header("Authorization", "Basic YWRtaW46d3Jvbmc=")
            .with_header("X-Requested-With", "XMLHttpRequest"),
    );
    assert_eq!(response.status, 401);
    let (status, me) = call(&sim, "admin", "GET", "/api/me", None);
    assert_eq!((status, me["id"].as_str()), (200, Some("M5zQapPyTZI")));
}

fn cookie_of(response: &dhis2_sim::SimResponse) -> String {
    let set_cookie = response.header("Set-Cookie").expect("a session cookie");
    set_cookie.split(';').next().unwrap().to_string()
}

#[test]
fn form_login_returns_to_the_page_asked_for_and_logout_ends_the_session() {
    let sim = sim("2.39");
    let first = send(&sim, SimRequest::new("GET", "/api/apps/my-app/index.html"));
    assert_eq!(first.status, 302);
    let anonymous = cookie_of(&first);
    let login = send(
        &sim,
        SimRequest::new("POST", "/dhis-web-commons-security/login.action")
            .with_header("Cookie", &anonymous)
            .with_header("Content-Type", "application/x-www-form-urlencoded")
            .with_body("j_username=configurator&j_password=district"),
    );
    assert_eq!(login.status, 302);
    assert_eq!(
        login.header("Location"),
        Some("http://127.0.0.1/api/apps/my-app/index.html")
    );
    let session = cookie_of(&login);
    assert!(session.starts_with("JSESSIONID="));
    let me = send(
        &sim,
        SimRequest::new("GET", "/api/me").with_header("Cookie", &session),
    );
    assert_eq!(me.body_json().unwrap()["username"], "configurator");

    let bad = send(
        &sim,
        SimRequest::new("POST", "/dhis-web-commons-security/login.action")
            .with_body("j_username=configurator&j_password=nope"),
    );
    assert!(bad
        .header("Location")
        .unwrap()
        .ends_with("login.action?failed=true"));

    send(
        &sim,
        SimRequest::new("GET", "/dhis-web-commons-security/logout.action")
            .with_header("Cookie", &session),
    );
    let after = send(
        &sim,
        SimRequest::new("GET", "/api/me")
            .with_header("Cookie", &session)
            .with_header("X-Requested-With", "XMLHttpRequest"),
    );
    assert_eq!(after.status, 401);
}

#[test]
fn json_login_exists_from_2_41() {
    let login = |version: &str| {
        send(
            &sim(version),
            SimRequest::new("POST", "/api/auth/login")
                .with_header("X-Requested-With", "XMLHttpRequest")
                .with_body(r#"{"username":"admin","password":"district"}"#),
        )
    };
    let new = login("2.41");
    assert_eq!(new.status, 200);
    assert_eq!(new.body_json().unwrap()["loginStatus"], "SUCCESS");
    assert!(new.header("Set-Cookie").unwrap().starts_with("JSESSIONID="));
    assert_eq!(
        login("2.40").status,
        401,
        "2.40 has no /api/auth/login: needs auth first"
    );
}

#[test]
fn personal_access_tokens_work_until_revoked_or_expired() {
    let sim = sim("2.37");
    let (status, created) = call(&sim, "executor", "POST", "/api/apiToken", Some("{}"));
    assert_eq!(status, 201);
    assert_eq!(
        created["response"]["responseType"],
        "ApiTokenCreationResponse"
    );
    let key = created["response"]["key"].as_str().unwrap().to_string();
    assert!(
        key.starts_with("d2pat_") && key.len() == 6 + 32 + 10,
        "{key}"
    );
    let with_token = || {
        send(
            &sim,
            SimRequest::new("GET", "/api/me")
                .with_header("Authorization", &format!("ApiToken {key}"))
                .with_header("X-Requested-With", "XMLHttpRequest"),
        )
    };
    let me = with_token();
    assert_eq!(me.status, 200);
    assert_eq!(
        me.body_json().unwrap()["userCredentials"]["username"],
        "executor"
    );

    let uid = created["response"]["uid"].as_str().unwrap();
    let (status, _) = call(
        &sim,
        "executor",
        "DELETE",
        &format!("/api/apiToken/{uid}"),
        None,
    );
    assert_eq!(status, 200);
    assert_eq!(with_token().status, 401);

    let (_, expired) = call(
        &sim,
        "executor",
        "POST",
        "/api/apiToken",
        Some(r#"{"expire": 1000}"#),
    );
    let expired_key = expired["response"]["key"].as_str().unwrap();
    let refused = send(
        &sim,
        SimRequest::new("GET", "/api/me")
            .with_header("Authorization", &format!("ApiToken {expired_key}")),
    );
    assert_eq!(refused.status, 401);
    assert_eq!(
        refused.body_json().unwrap()["message"],
        "The API token has expired"
    );
}

#[test]
fn api_tokens_do_not_exist_before_2_37() {
    let sim = sim("2.36");
    let (status, _) = call(&sim, "admin", "POST", "/api/apiToken", Some("{}"));
    assert_eq!(status, 404);
    let response = send(
        &sim,
        SimRequest::new("GET", "/api/me")
            .with_header("Authorization", "ApiToken d2pat_abc")
            .with_header("X-Requested-With", "XMLHttpRequest"),
    );
    assert_eq!(response.status, 401);
}
