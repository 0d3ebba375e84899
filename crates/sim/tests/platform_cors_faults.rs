mod platform_support;

use dhis2_sim::{FaultKind, FaultRule, InstanceConfig, Sim, SimFault, SimRequest};
use platform_support::*;
use serde_json::json;

fn sim_with_cors() -> Sim {
    let mut config = InstanceConfig::new("destination", "2.41".parse().unwrap());
    config.cors_whitelist = vec![
        "http://127.0.0.1:*".into(),
        "https://app.example.org".into(),
    ];
    Sim::new(config)
}

fn preflight(origin: &str) -> SimRequest {
    SimRequest::new("OPTIONS", "/api/me")
        .with_header("Origin", origin)
        .with_header("Access-Control-Request-Method", "GET")
        .with_header(
            "Access-Control-Request-Headers",
            "authorization,x-requested-with",
        )
}

#[test]
fn preflight_of_an_allowed_origin_is_204_with_the_allow_headers() {
    let sim = sim_with_cors();
    let response = send(&sim, preflight("http://127.0.0.1:8081"));
    assert_eq!(response.status, 204);
    assert_eq!(
        response.header("Access-Control-Allow-Origin"),
        Some("http://127.0.0.1:8081")
    );
    assert_eq!(
        response.header("Access-Control-Allow-Credentials"),
        Some("true")
    );
    assert_eq!(response.header("Access-Control-Allow-Methods"), Some("GET"));
    assert_eq!(
        response.header("Access-Control-Allow-Headers"),
        Some("authorization,x-requested-with")
    );
    let actual = send(
        &sim,
        as_user("admin", "GET", "/api/me").with_header("Origin", "https://app.example.org"),
    );
    assert_eq!(
        actual.header("Access-Control-Expose-Headers"),
        Some("ETag, Location")
    );
    assert_eq!(
        actual.header("Access-Control-Allow-Origin"),
        Some("https://app.example.org")
    );
}

#[test]
fn a_non_matching_origin_gets_no_cors_headers() {
    let sim = sim_with_cors();
    let response = send(&sim, preflight("https://evil.example.com"));
    assert!(response.header("Access-Control-Allow-Origin").is_none());
    let actual = send(
        &sim,
        as_user("admin", "GET", "/api/me").with_header("Origin", "https://evil.example.com"),
    );
    assert_eq!(actual.status, 200);
    assert!(actual
        .headers
        .iter()
        .all(|(name, _)| !name.starts_with("Access-Control")));
}

#[test]
fn the_allowlist_changes_at_runtime() {
    let sim = sim_with_cors();
    let (_, list) = call(
        &sim,
        "admin",
        "GET",
        "/api/configuration/corsWhitelist",
        None,
    );
    assert_eq!(
        list,
        json!(["http://127.0.0.1:*", "https://app.example.org"])
    );
    assert_eq!(
        call(
            &sim,
            "guest",
            "POST",
            "/api/configuration/corsWhitelist",
            Some("[]")
        )
        .0,
        403
    );
    let (status, _) = call(
        &sim,
        "admin",
        "POST",
        "/api/configuration/corsAllowlist",
        Some(r#"["https://app.example.org"]"#),
    );
    assert_eq!(status, 204);
    assert!(send(&sim, preflight("http://127.0.0.1:8081"))
        .header("Access-Control-Allow-Origin")
        .is_none());
    let removed = send(
        &sim,
        SimRequest::new("DELETE", "/__sim/cors?origin=https://app.example.org"),
    );
    assert_eq!(removed.body_json().unwrap(), json!([]));
    assert!(sim.cors_allowlist().is_empty());
}

#[test]
fn the_nth_request_fails_with_500_once() {
    let sim = sim("2.38");
    sim.add_fault(FaultRule {
        status: Some(500),
        nth: Some(2),
        times: Some(1),
        ..FaultRule::new("/api/system/*", FaultKind::Status)
    });
    let statuses: Vec<u16> = (0..3)
        .map(|_| call(&sim, "admin", "GET", "/api/system/info", None).0)
        .collect();
    assert_eq!(statuses, vec![200, 500, 200]);
    assert_eq!(call(&sim, "admin", "GET", "/api/me", None).0, 200);
}

#[test]
fn drop_never_answer_and_login_page_faults() {
    let sim = sim("2.38");
    let rules = json!([
        {"pathPattern": "/api/me", "kind": "drop", "times": 1},
        {"pathPattern": "/api/me", "method": "GET", "kind": "loginPage", "times": 1},
        {"pathPattern": "/api/dataStore*", "kind": "neverAnswer"}
    ]);
    let added = send(
        &sim,
        SimRequest::new("POST", "/__sim/faults").with_body(rules.to_string()),
    );
    assert_eq!(added.status, 201);
    assert_eq!(
        sim.handle(as_user("admin", "GET", "/api/me")),
        Err(SimFault::DropConnection)
    );
    let login = send(&sim, as_user("admin", "GET", "/api/me"));
    assert_eq!(login.status, 200);
    assert!(login
        .header("Content-Type")
        .unwrap()
        .starts_with("text/html"));
    assert!(String::from_utf8_lossy(&login.body).contains("j_password"));
    assert_eq!(
        sim.handle(as_user("admin", "GET", "/api/dataStore")),
        Err(SimFault::NeverAnswer)
    );
    send(&sim, SimRequest::new("DELETE", "/__sim/faults"));
    assert_eq!(call(&sim, "admin", "GET", "/api/dataStore", None).0, 200);
}

#[test]
fn latency_is_reported_to_the_caller() {
    let sim = sim("2.38");
    sim.add_fault(FaultRule {
        latency_ms: Some(1500),
        ..FaultRule::new("/api/me", FaultKind::Latency)
    });
    let handled = sim.handle_timed(as_user("admin", "GET", "/api/me"));
    assert_eq!(handled.latency, std::time::Duration::from_millis(1500));
    assert_eq!(handled.outcome.unwrap().status, 200);
}

#[test]
fn the_request_log_records_and_clears() {
    let sim = sim("2.38");
    call(
        &sim,
        "admin",
        "GET",
        "/api/system/info?fields=version",
        None,
    );
    call(&sim, "admin", "POST", "/api/dataStore/ns/k", Some("1"));
    let log = send(&sim, SimRequest::new("GET", "/__sim/requests"))
        .body_json()
        .unwrap();
    assert_eq!(log.as_array().unwrap().len(), 2, "{log}");
    assert_eq!(log[0]["path"], "/api/system/info");
    assert_eq!(log[0]["query"], "fields=version");
    assert_eq!(log[1]["method"], "POST");
    assert_eq!(log[1]["status"], 201);
    assert!(log[1]["bytes"].as_u64().unwrap() > 0);
    send(&sim, SimRequest::new("DELETE", "/__sim/requests"));
    assert!(sim.request_log().is_empty());
}
