//! Where a login lands per version: the page first asked for when DHIS2's request cache kept
//! it (never a public file such as the favicon), else the start page.
mod platform_support;

use dhis2_sim::{Sim, SimRequest, SimResponse};
use platform_support::*;

const BASE: &str = "http://127.0.0.1";

fn form_login(sim: &Sim, cookie: Option<&str>) -> SimResponse {
    let mut request = SimRequest::new("POST", "/dhis-web-commons-security/login.action")
        .with_header("Content-Type", "application/x-www-form-urlencoded")
        .with_body("j_username=admin&j_password=district");
    if let Some(cookie) = cookie {
        request = request.with_header("Cookie", cookie);
    }
    send(sim, request)
}

#[test]
fn a_login_lands_on_the_page_asked_for_never_on_the_favicon() {
    for version in ["2.30", "2.38", "2.41"] {
        let sim = sim(version);
        let page = send(
            &sim,
            anonymous("/api/apps/my-app/index.html").with_header("Accept", PAGE_ACCEPT),
        );
        assert_eq!(page.status, 302);
        let cookie = session_cookie_of(&page).expect("an anonymous session");
        let icon = send(
            &sim,
            anonymous("/favicon.ico").with_header("Cookie", &cookie),
        );
        assert_eq!(icon.status, 200);
        let login = form_login(&sim, Some(&cookie));
        assert_eq!(
            login.header("Location"),
            Some(format!("{BASE}/api/apps/my-app/index.html").as_str()),
            "{version}"
        );
        assert_eq!(
            form_login(&sim, None).header("Location"),
            Some(format!("{BASE}/").as_str())
        );
    }
}

#[test]
fn which_refused_requests_a_login_returns_to_follows_the_request_cache() {
    let after_xhr = |version: &str| {
        let sim = sim(version);
        let page = send(
            &sim,
            anonymous("/api/apps/my-app/index.html").with_header("Accept", PAGE_ACCEPT),
        );
        let cookie = session_cookie_of(&page).expect("an anonymous session");
        let xhr = send(
            &sim,
            anonymous("/api/me")
                .with_header("X-Requested-With", "XMLHttpRequest")
                .with_header("Cookie", &cookie),
        );
        assert_eq!(xhr.status, 401);
        form_login(&sim, Some(&cookie))
            .header("Location")
            .map(str::to_string)
    };
    // 2.30–2.34 and 2.41+ keep every refused request, XHR too; 2.35–2.40 skip XHR and JSON.
    assert_eq!(after_xhr("2.30"), Some(format!("{BASE}/api/me")));
    assert_eq!(
        after_xhr("2.38"),
        Some(format!("{BASE}/api/apps/my-app/index.html"))
    );
    assert_eq!(after_xhr("2.41"), Some(format!("{BASE}/api/me")));
    // A saved keep-alive ping is sent to the start page instead.
    let sim = sim("2.30");
    let ping = send(&sim, anonymous("/dhis-web-commons-stream/ping.action"));
    let login = form_login(&sim, session_cookie_of(&ping).as_deref());
    assert_eq!(login.header("Location"), Some(format!("{BASE}/").as_str()));
}

#[test]
fn the_2_41_json_login_lands_on_the_start_module_or_the_saved_page() {
    let sim = sim("2.41");
    let login = |cookie: Option<&str>| {
        let mut request = SimRequest::new("POST", "/api/auth/login")
            .with_header("Content-Type", "application/json")
            .with_body(r#"{"username":"admin","password":"district"}"#);
        if let Some(cookie) = cookie {
            request = request.with_header("Cookie", cookie);
        }
        send(&sim, request)
    };
    let fresh = login(None);
    assert_eq!(json_of(&fresh)["redirectUrl"], "/dhis-web-dashboard");
    let session = session_cookie_of(&fresh).expect("a session");
    let landing = send(
        &sim,
        anonymous("/dhis-web-dashboard").with_header("Cookie", &session),
    );
    assert_eq!(landing.status, 200, "the landing page is served");
    let page = send(&sim, anonymous("/api/apps/my-app/index.html?x=1"));
    let saved = login(session_cookie_of(&page).as_deref());
    assert_eq!(
        json_of(&saved)["redirectUrl"],
        "/api/apps/my-app/index.html?x=1"
    );
}
