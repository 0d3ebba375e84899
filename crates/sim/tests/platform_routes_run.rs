//! DHIS2 routes, run: `/api/routes/{id}/run/**` proxies to another simulated instance
//! (in-process, and over loopback HTTP), with the route's credential and never the caller's.
mod platform_support;

use dhis2_sim::accounts::EXECUTOR_ID;
use dhis2_sim::routes::{LoopbackHttp, SimPeers};
use dhis2_sim::{FaultKind, FaultRule, InstanceConfig, Sim, SimRequest};
use platform_support::{as_user, basic, call, send};
use serde_json::{json, Value};
use std::sync::Arc;

fn sim_at(version: &str, base_url: &str) -> Arc<Sim> {
    let mut config = InstanceConfig::new("sim", version.parse().expect("test version"));
    config.base_url = base_url.to_string();
    Arc::new(Sim::new(config))
}

/// A local instance whose routes reach `remote` in-process (and may point at http://remote.sim).
fn pair(local_version: &str, remote_version: &str) -> (Arc<Sim>, Arc<Sim>, SimPeers) {
    let peers = SimPeers::new();
    let local = sim_at(local_version, "http://local.sim");
    let remote = sim_at(remote_version, "http://remote.sim");
    peers.add(&remote);
    local.set_route_upstream(Some(peers.upstream()));
    local.set_route_remote_servers_allowed(vec!["http://remote.sim".into()]);
    (local, remote, peers)
}

/// A route to `url` with `auth`, shared read-only with the executor; returns its UID.
fn route(local: &Sim, url: &str, auth: Value) -> String {
    let body = json!({ "name": "Remote", "code": "REMOTE", "url": url, "auth": auth,
        "sharing": { "public": "--------",
                     "users": { EXECUTOR_ID: { "id": EXECUTOR_ID, "access": "r-------" } } } });
    let (status, answer) = call(
        local,
        "admin",
        "POST",
        "/api/routes",
        Some(&body.to_string()),
    );
    assert_eq!(status, 201, "{answer}");
    answer["response"]["uid"].as_str().expect("uid").to_string()
}

fn guest_basic() -> Value {
    json!({ "type": "http-basic", "username": "guest", "password": "district" })
}

fn run(local: &Sim, user: &str, method: &str, url: &str) -> (u16, Value) {
    call(local, user, method, url, None)
}

#[test]
fn runs_reach_the_remote_with_the_route_credential_only() {
    for version in ["2.40", "2.41", "2.42", "2.42.5"] {
        let (local, remote, _peers) = pair(version, "2.38");
        let uid = route(&local, "http://remote.sim/**", guest_basic());
        let request = as_user(
            "executor",
            "GET",
            &format!("/api/routes/{uid}/run/api/me?fields=username"),
        )
        .with_header("Cookie", "JSESSIONID=caller-session")
        .with_header("Accept", "application/json");
        let response = send(&local, request);
        assert_eq!(response.status, 200, "{version}");
        let body = response.body_json().expect("JSON");
        assert_eq!(
            body["username"],
            json!("guest"),
            "{version}: the remote saw the route's user"
        );
        assert!(response.header("Set-Cookie").is_none());

        let sent = local.route_upstream_log();
        let upstream = sent.last().expect("a request went upstream");
        assert_eq!(upstream.url, "http://remote.sim/api/me?fields=username");
        assert_eq!(
            upstream.header("Authorization"),
            Some(basic("guest").as_str())
        );
        assert_eq!(upstream.header("Cookie"), None, "{version}");
        assert_eq!(upstream.header("X-Forwarded-User"), Some("executor"));
        assert_eq!(upstream.header("Accept"), Some("application/json"));
        assert!(upstream
            .headers
            .iter()
            .all(|(_, value)| *value != basic("executor")));
        let logged = remote.request_log();
        assert!(logged
            .iter()
            .any(|entry| entry.path == "/api/me" && entry.status == 200));
    }
}

#[test]
fn api_token_routes_send_the_token() {
    let (local, remote, _peers) = pair("2.41", "2.39");
    let (_, created) = call(&remote, "admin", "POST", "/api/apiToken", Some("{}"));
    let token = created["response"]["key"]
        .as_str()
        .expect("key")
        .to_string();
    let uid = route(
        &local,
        "http://remote.sim/**",
        json!({ "type": "api-token", "token": token }),
    );
    let (status, me) = run(
        &local,
        "executor",
        "GET",
        &format!("/api/routes/{uid}/run/api/me"),
    );
    assert_eq!((status, me["username"].clone()), (200, json!("admin")));
    let sent = local.route_upstream_log();
    assert_eq!(
        sent[0].header("Authorization"),
        Some(format!("ApiToken {token}").as_str())
    );
}

#[test]
fn runs_need_read_access_or_one_of_the_route_authorities() {
    for (version, refusal) in [
        ("2.41", "User not authorized"),
        ("2.42", "User not authorized to execute route"),
    ] {
        let (local, _remote, _peers) = pair(version, "2.38");
        let uid = route(&local, "http://remote.sim/**", guest_basic());
        let (status, body) = run(
            &local,
            "guest",
            "GET",
            &format!("/api/routes/{uid}/run/api/me"),
        );
        assert_eq!((status, body["message"].clone()), (403, json!(refusal)));
        assert!(local.route_upstream_log().is_empty(), "nothing was sent");

        let with_authority = json!({ "name": "Open", "url": "http://remote.sim/**", "auth": guest_basic(),
            "authorities": ["F_DATAVALUE_ADD"], "sharing": { "public": "--------" } });
        let (_, answer) = call(
            &local,
            "admin",
            "POST",
            "/api/routes",
            Some(&with_authority.to_string()),
        );
        let open = answer["response"]["uid"].as_str().expect("uid");
        let (status, _) = run(
            &local,
            "guest",
            "GET",
            &format!("/api/routes/{open}/run/api/me"),
        );
        assert_eq!(status, 200, "{version}: guest holds F_DATAVALUE_ADD");
    }
}

#[test]
fn routes_run_by_code_and_a_disabled_route_is_not_found() {
    let (local, _remote, _peers) = pair("2.41", "2.38");
    let uid = route(&local, "http://remote.sim/**", guest_basic());
    let (status, _) = run(
        &local,
        "executor",
        "GET",
        "/api/routes/REMOTE/run/api/system/ping",
    );
    assert_eq!(status, 200);
    let (status, body) = run(&local, "executor", "GET", "/api/routes/nothing/run/api/me");
    assert_eq!(
        (status, body["message"].clone()),
        (404, json!("Route nothing not found"))
    );
    let disabled = json!({ "name": "Remote", "code": "REMOTE", "url": "http://remote.sim/**", "disabled": true });
    call(
        &local,
        "admin",
        "PUT",
        &format!("/api/routes/{uid}"),
        Some(&disabled.to_string()),
    );
    let (status, _) = run(
        &local,
        "admin",
        "GET",
        &format!("/api/routes/{uid}/run/api/me"),
    );
    assert_eq!(status, 404);
}

#[test]
fn the_allow_list_is_checked_again_when_a_route_runs() {
    let (local, _remote, _peers) = pair("2.42", "2.38");
    let uid = route(&local, "http://remote.sim/**", guest_basic());
    local.set_route_remote_servers_allowed(vec!["https://*".into()]);
    let (status, body) = run(
        &local,
        "executor",
        "GET",
        &format!("/api/routes/{uid}/run/api/me"),
    );
    assert_eq!(
        (status, body["message"].clone()),
        (502, json!("An unexpected error occurred"))
    );
    assert!(local.route_upstream_log().is_empty());
}

#[test]
fn remote_errors_pass_through_from_2_41_7_and_were_rewrapped_before() {
    for (version, passed_through) in [("2.41.6", false), ("2.41.7", true), ("2.42", true)] {
        let (local, _remote, _peers) = pair(version, "2.40");
        let uid = route(&local, "http://remote.sim/**", guest_basic());
        let (status, body) = run(
            &local,
            "executor",
            "GET",
            &format!("/api/routes/{uid}/run/api/nothingHere"),
        );
        assert_eq!(status, 404, "{version}");
        let message = body["message"].as_str().unwrap_or_default();
        assert_eq!(
            message == "Not found: /api/nothingHere",
            passed_through,
            "{version}: {message}"
        );
        assert_eq!(
            message.starts_with("404 Not Found: [{"),
            !passed_through,
            "{version}: {message}"
        );
    }
}

#[test]
fn an_unreachable_remote_is_reported_as_the_version_does() {
    for (version, status, start) in [
        (
            "2.41",
            503,
            "I/O error on GET request for \"http://gone.sim/api/me\": Connection refused",
        ),
        ("2.42", 500, "Connection refused"),
    ] {
        let (local, _remote, _peers) = pair(version, "2.38");
        local.set_route_remote_servers_allowed(vec!["http://*".into()]);
        let uid = route(&local, "http://gone.sim/**", guest_basic());
        let (got, body) = run(
            &local,
            "executor",
            "GET",
            &format!("/api/routes/{uid}/run/api/me"),
        );
        assert_eq!(
            (got, body["message"].clone()),
            (status, json!(start)),
            "{version}"
        );
    }
    let (local, remote, _peers) = pair("2.42", "2.38");
    remote.add_fault(FaultRule::new("/api/me", FaultKind::NeverAnswer));
    let uid = route(&local, "http://remote.sim/**", guest_basic());
    let response = send(
        &local,
        as_user("executor", "GET", &format!("/api/routes/{uid}/run/api/me")),
    );
    assert_eq!((response.status, response.body.len()), (504, 0));
}

#[test]
fn queries_reach_the_remote_as_each_version_passes_them() {
    let single = "fields=name&filter=name:in:%5Bdefault,x%20y%5D";
    let double = "fields=name&filter=name:in:%255Bdefault,x%2520y%255D";
    for (version, query, status, upstream_query) in [
        (
            "2.41",
            single,
            200,
            "fields=name&filter=name:in:%5Bdefault,x%20y%5D",
        ),
        (
            "2.42.3",
            single,
            200,
            "fields=name&filter=name:in:%255Bdefault,x%2520y%255D",
        ),
        ("2.42.4", single, 400, ""),
        (
            "2.42.4",
            double,
            200,
            "fields=name&filter=name:in:%5Bdefault,x%20y%5D",
        ),
    ] {
        let (local, _remote, _peers) = pair(version, "2.38");
        let uid = route(&local, "http://remote.sim/**", guest_basic());
        let url = format!("/api/routes/{uid}/run/api/categoryCombos?{query}");
        let (got, body) = run(&local, "executor", "GET", &url);
        assert_eq!(got, status, "{version} {query}: {body}");
        if status == 400 {
            assert!(body["message"]
                .as_str()
                .unwrap_or_default()
                .starts_with("Illegal character in query at index"));
            continue;
        }
        let sent = local.route_upstream_log();
        assert_eq!(
            sent[0].url.split_once('?').map(|(_, q)| q),
            Some(upstream_query),
            "{version}"
        );
        let found = body["categoryCombos"].as_array().map(Vec::len).unwrap_or(0);
        assert_eq!(found > 0, version != "2.42.3", "{version}: {body}");
    }
}

#[test]
fn content_type_and_methods_pass_from_their_releases() {
    for (version, forwards) in [("2.42.1", false), ("2.42.2", true)] {
        let (local, _remote, _peers) = pair(version, "2.38");
        let uid = route(
            &local,
            "http://remote.sim/**",
            json!({ "type": "http-basic", "username": "admin", "password": "district" }),
        );
        let (status, _) = call(
            &local,
            "executor",
            "POST",
            &format!("/api/routes/{uid}/run/api/dataStore/ns/key"),
            Some("{\"a\":1}"),
        );
        assert_eq!(status, 201, "{version}");
        let sent = local.route_upstream_log();
        assert_eq!(
            sent[0].header("Content-Type").is_some(),
            forwards,
            "{version}"
        );
    }
    let (local, _remote, _peers) = pair("2.40", "2.38");
    let uid = route(&local, "http://remote.sim/**", guest_basic());
    let (status, body) = run(
        &local,
        "executor",
        "PUT",
        &format!("/api/routes/{uid}/run/api/me"),
    );
    assert_eq!(
        (status, body["message"].clone()),
        (405, json!("Request method 'PUT' not supported"))
    );
}

#[test]
fn sub_paths_need_a_wildcard_url() {
    let (local, _remote, _peers) = pair("2.41.4", "2.38");
    let uid = route(&local, "http://remote.sim/api/system/ping", guest_basic());
    let (status, body) = run(
        &local,
        "executor",
        "GET",
        &format!("/api/routes/{uid}/run/api/me"),
    );
    assert_eq!(
        (status, body["message"].clone()),
        (400, json!("Route '1' does not allow sub-paths"))
    );
    let response = send(
        &local,
        as_user("executor", "GET", &format!("/api/routes/{uid}/run")),
    );
    assert_eq!(
        (response.status, response.body.as_slice()),
        (200, &b"pong"[..])
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_loopback_http_a_route_reaches_another_served_instance() {
    use dhis2_sim::server::start_instance;
    let remote = start_instance(InstanceConfig::new("remote", "2.39".parse().unwrap()), 0)
        .await
        .expect("bind");
    let mut config = InstanceConfig::new("local", "2.41".parse().unwrap());
    config.route_upstream = Some(Arc::new(LoopbackHttp));
    let local = start_instance(config, 0).await.expect("bind");
    let sim = Arc::clone(&local.sim);
    let uid = route(&sim, &format!("{}/**", remote.url()), guest_basic());
    let answer = tokio::task::spawn_blocking(move || {
        let request = SimRequest::new(
            "GET",
            &format!("/api/routes/{uid}/run/api/system/info?fields=version"),
        )
        .with_header("Authorization", &basic("executor"));
        sim.handle(request).expect("answered")
    })
    .await
    .expect("joined");
    assert_eq!(
        answer.status,
        200,
        "{}",
        String::from_utf8_lossy(&answer.body)
    );
    assert_eq!(answer.body_json().unwrap()["version"], json!("2.39.0"));
    assert!(remote
        .sim
        .request_log()
        .iter()
        .any(|entry| entry.path == "/api/system/info"));
    local.stop();
    remote.stop();
}
