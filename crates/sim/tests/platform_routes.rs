//! DHIS2 routes, stored: `/api/routes` CRUD by version, secrets never shown in clear, sharing,
//! the `route.remote_servers_allowed` allow list, and the refusals of bad input.
//! (Running routes: `platform_routes_run.rs`.)
mod platform_support;

use dhis2_sim::accounts::EXECUTOR_ID;
use dhis2_sim::{InstanceConfig, Sim};
use platform_support::call;
use serde_json::{json, Value};

fn sim_at(version: &str, base_url: &str) -> Sim {
    let mut config = InstanceConfig::new("local", version.parse().expect("test version"));
    config.base_url = base_url.to_string();
    Sim::new(config)
}

fn local(version: &str) -> Sim {
    sim_at(version, "http://local.sim")
}

fn basic_route(name: &str, url: &str) -> Value {
    json!({ "name": name, "code": name.to_uppercase(), "url": url,
            "auth": { "type": "http-basic", "username": "admin", "password": "district" } })
}

fn create(sim: &Sim, user: &str, body: &Value) -> (u16, Value) {
    call(sim, user, "POST", "/api/routes", Some(&body.to_string()))
}

fn created_uid(answer: &(u16, Value)) -> String {
    assert_eq!(answer.0, 201, "{}", answer.1);
    answer.1["response"]["uid"]
        .as_str()
        .expect("uid")
        .to_string()
}

#[test]
fn routes_exist_from_2_40() {
    let (status, body) = call(&local("2.39"), "admin", "GET", "/api/routes", None);
    assert_eq!(status, 404, "{body}");
    let (status, body) = call(&local("2.40"), "admin", "GET", "/api/routes", None);
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["routes"], json!([]));
    assert_eq!(body["pager"]["total"], json!(0));
}

#[test]
fn crud_round_trip_never_shows_the_secret() {
    for version in ["2.40", "2.40.8", "2.41", "2.41.4", "2.42"] {
        let sim = local(version);
        let uid = created_uid(&create(
            &sim,
            "admin",
            &basic_route("Remote", "https://remote.org/**"),
        ));
        let at_rest = sim.route_auth_at_rest(&uid).expect("stored");
        assert!(
            !at_rest.contains("district"),
            "{version}: stored in clear: {at_rest}"
        );

        let (status, one) = call(&sim, "admin", "GET", &format!("/api/routes/{uid}"), None);
        assert_eq!(status, 200, "{one}");
        assert_eq!(one["url"], json!("https://remote.org/**"));
        assert_eq!(one["auth"]["type"], json!("http-basic"));
        assert_eq!(one["auth"]["username"], json!("admin"));
        let write_only = version != "2.40" && version != "2.41";
        // Before the secrets became write-only a GET shows the encrypted value, never the clear one.
        assert_eq!(
            one["auth"].get("password").is_none(),
            write_only,
            "{version}: {one}"
        );
        let (_, listed) = call(
            &sim,
            "admin",
            "GET",
            "/api/routes?fields=*&paging=false",
            None,
        );
        for text in [one.to_string(), listed.to_string()] {
            assert!(!text.contains("district"), "{version}: {text}");
        }

        let renamed = json!({ "name": "Renamed", "url": "https://remote.org/**",
                              "auth": { "type": "api-token", "token": "d2pat_secret" } });
        let (status, body) = call(
            &sim,
            "admin",
            "PUT",
            &format!("/api/routes/{uid}"),
            Some(&renamed.to_string()),
        );
        assert_eq!(status, 200, "{version}: {body}");
        let (_, one) = call(
            &sim,
            "admin",
            "GET",
            &format!("/api/routes/{uid}?fields=name,auth"),
            None,
        );
        assert_eq!(one["name"], json!("Renamed"));
        assert_eq!(one["auth"]["type"], json!("api-token"));
        assert!(!one.to_string().contains("d2pat_secret"));

        let (status, _) = call(&sim, "admin", "DELETE", &format!("/api/routes/{uid}"), None);
        assert_eq!(status, 200);
        let (status, gone) = call(&sim, "admin", "GET", &format!("/api/routes/{uid}"), None);
        assert_eq!((status, gone["errorCode"].clone()), (404, json!("E1005")));
    }
}

#[test]
fn creating_needs_a_route_authority_and_deleting_another() {
    let sim = local("2.41");
    let (status, body) = create(
        &sim,
        "configurator",
        &basic_route("Remote", "https://remote.org/**"),
    );
    assert_eq!(status, 403, "{body}");
    assert_eq!(
        body["message"],
        json!("You don't have the proper permissions to create this object.")
    );
    let uid = created_uid(&create(
        &sim,
        "admin",
        &basic_route("Remote", "https://remote.org/**"),
    ));
    let (status, _) = call(
        &sim,
        "executor",
        "DELETE",
        &format!("/api/routes/{uid}"),
        None,
    );
    assert_eq!(status, 403);
}

#[test]
fn sharing_decides_who_sees_a_route() {
    let sim = local("2.41.9");
    let mut body = basic_route("Remote", "https://remote.org/**");
    body["sharing"] = json!({ "public": "--------" });
    let uid = created_uid(&create(&sim, "admin", &body));

    let (status, _) = call(&sim, "executor", "GET", &format!("/api/routes/{uid}"), None);
    assert_eq!(status, 403);
    let (_, listed) = call(&sim, "executor", "GET", "/api/routes", None);
    assert_eq!(listed["routes"], json!([]));
    let (status, _) = call(
        &sim,
        "executor",
        "GET",
        &format!("/api/sharing?type=route&id={uid}"),
        None,
    );
    assert_eq!(status, 403);

    let share = json!({ "object": { "publicAccess": "--------",
        "userAccesses": [{ "id": EXECUTOR_ID, "access": "r-------" }] } });
    let sharing_url = format!("/api/sharing?type=route&id={uid}");
    let (status, answer) = call(
        &sim,
        "admin",
        "POST",
        &sharing_url,
        Some(&share.to_string()),
    );
    assert_eq!(
        (status, answer["message"].clone()),
        (200, json!("Access control set"))
    );
    let (status, document) = call(&sim, "admin", "GET", &sharing_url, None);
    assert_eq!(status, 200);
    assert_eq!(
        document["object"]["userAccesses"][0]["username"],
        json!("executor")
    );

    let (status, seen) = call(&sim, "executor", "GET", &format!("/api/routes/{uid}"), None);
    assert_eq!(status, 200, "{seen}");
    assert!(!seen.to_string().contains("district"));
    assert_eq!(seen["access"]["write"], json!(false));
    let (status, _) = call(
        &sim,
        "executor",
        "POST",
        &sharing_url,
        Some(&share.to_string()),
    );
    assert_eq!(
        status, 403,
        "read access does not let one change the sharing"
    );
    let (status, _) = call(
        &sim,
        "executor",
        "PUT",
        &format!("/api/routes/{uid}"),
        Some(&body.to_string()),
    );
    assert_eq!(status, 403);
}

#[test]
fn routes_without_sharing_were_public_until_dhis2_20859() {
    for (version, public) in [
        ("2.41.8", "rw------"),
        ("2.41.9", "--------"),
        ("2.42.5", "--------"),
    ] {
        let sim = local(version);
        let uid = created_uid(&create(
            &sim,
            "admin",
            &basic_route("Remote", "https://remote.org/**"),
        ));
        let (_, one) = call(
            &sim,
            "admin",
            "GET",
            &format!("/api/routes/{uid}?fields=sharing"),
            None,
        );
        assert_eq!(one["sharing"]["public"], json!(public), "{version}");
    }
}

#[test]
fn the_allow_list_refuses_other_servers_from_2_42() {
    let sim = local("2.42");
    let (status, body) = create(&sim, "admin", &basic_route("Plain", "http://remote.sim/**"));
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["message"], json!("Route URL is not permitted"));
    assert_eq!(body["errorCode"], json!("E1004"));
    created_uid(&create(
        &sim,
        "admin",
        &basic_route("Secure", "https://remote.org/**"),
    ));

    sim.set_route_remote_servers_allowed(vec!["http://remote.sim".into()]);
    created_uid(&create(
        &sim,
        "admin",
        &basic_route("Plain", "http://remote.sim/**"),
    ));
    // 2.41 has no allow list.
    created_uid(&create(
        &local("2.41"),
        "admin",
        &basic_route("Plain", "http://remote.sim/**"),
    ));
}

#[test]
fn bad_routes_are_refused_with_dhis2_messages() {
    let sim = local("2.42");
    let mut unknown = basic_route("Remote", "https://remote.org/**");
    unknown["auth"] = json!({ "type": "oauth", "token": "x" });
    let (status, body) = create(&sim, "admin", &unknown);
    assert_eq!(status, 500, "{body}");
    let message = body["message"].as_str().unwrap_or_default();
    assert!(
        message.starts_with("Could not resolve type id 'oauth'"),
        "{message}"
    );
    assert!(
        message.contains(
            "[api-headers, api-query-params, api-token, http-basic, oauth2-client-credentials]"
        ),
        "{message}"
    );
    let (_, old) = create(&local("2.40"), "admin", &unknown);
    assert!(
        old["message"]
            .as_str()
            .unwrap_or_default()
            .contains("`org.hisp.dhis.common.auth.Auth`: known type ids = [api-token, http-basic]"),
        "{old}"
    );

    let (status, body) = create(&sim, "admin", &basic_route("Remote", "remote.org/**"));
    assert_eq!(
        (status, body["message"].clone()),
        (409, json!("Malformed route URL"))
    );
    let (status, body) = create(&sim, "admin", &basic_route("Remote", "ftp://remote.org/**"));
    assert_eq!(
        (status, body["message"].clone()),
        (409, json!("Route URL scheme must be either http or https"))
    );

    let nameless = json!({ "url": "https://remote.org/**" });
    let (status, body) = create(&sim, "admin", &nameless);
    assert_eq!(status, 409, "{body}");
    assert_eq!(
        body["response"]["errorReports"][0]["errorCode"],
        json!("E4000")
    );

    created_uid(&create(
        &sim,
        "admin",
        &basic_route("Remote", "https://remote.org/**"),
    ));
    let (status, body) = create(
        &sim,
        "admin",
        &basic_route("Remote", "https://other.org/**"),
    );
    assert_eq!(status, 409, "{body}");
    let reports = body["response"]["errorReports"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(
        reports.iter().all(|r| r["errorCode"] == json!("E5003")),
        "{body}"
    );
    assert_eq!(reports.len(), 2, "name and code are both taken: {body}");
}
