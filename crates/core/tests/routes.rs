//! DHIS2 routes from core: a route on the local instance holds a remote's credential, and a
//! client of the remote built on the route works like any other client — without the
//! credential ever reaching the user who runs through it.
mod support;

use std::sync::Arc;

use dhis2_sim::accounts::EXECUTOR_ID;
use dhis2_sim::routes::SimPeers;
use dhis2_sim::Sim;
use mdsync_core::dhis2::metadata::fetch_by_ids;
use mdsync_core::dhis2::routes::{
    RouteAuth, RouteError, RouteSpec, RouteSupport, ALLOW_LIST_SETTING,
};
use mdsync_core::dhis2::{Dhis2Client, Version};
use mdsync_core::model::{AccessEntry, AuthKind, Instance, Sharing, Uid};
use support::{block_on, client_for, sim_named, ScriptedTransport, SimTransport};

/// A local instance whose routes reach `remote` in-process; `allow` is its
/// `route.remote_servers_allowed`.
fn local_and_remote(local: &str, remote: &str, allow: &[&str]) -> (Arc<Sim>, Arc<Sim>, SimPeers) {
    let peers = SimPeers::new();
    let local = sim_named("local", local);
    let remote = sim_named("remote", remote);
    peers.add(&remote);
    local.set_route_upstream(Some(peers.upstream()));
    local.set_route_remote_servers_allowed(allow.iter().map(|glob| glob.to_string()).collect());
    (local, remote, peers)
}

/// The remote as MetaData Sync knows it, shared read-only with the executor.
fn instance(remote: &Sim) -> Instance {
    Instance {
        id: Uid::generate(),
        name: "Remote DHIS2".into(),
        url: remote.base_url().to_string(),
        description: String::new(),
        auth_kind: AuthKind::Basic,
        username: Some("admin".into()),
        version: None,
        sharing: Sharing {
            user_accesses: vec![AccessEntry {
                id: EXECUTOR_ID.into(),
                name: String::new(),
                access: Sharing::PUBLIC_READ.into(),
            }],
            ..Sharing::default()
        },
        route: None,
        timeouts: None,
    }
}

fn admin_secret() -> RouteAuth {
    RouteAuth::for_kind(AuthKind::Basic, Some("admin"), "district")
}

fn version_of(client: &Dhis2Client<SimTransport>) -> Version {
    block_on(client.system_info())
        .expect("local system info")
        .version
}

#[test]
fn a_route_carries_system_info_and_metadata_reads_to_the_remote() {
    for local_version in ["2.40", "2.41", "2.42.4"] {
        let (local, remote_sim, _peers) =
            local_and_remote(local_version, "2.38.5", &["http://remote.sim"]);
        let admin = client_for(&local, "admin");
        let version = version_of(&admin);
        let routes = admin.routes(&version).expect("routes exist from 2.40");
        let spec = RouteSpec::for_instance(&instance(&remote_sim), admin_secret()).expect("valid");
        block_on(routes.save(&spec)).expect("route created");
        block_on(routes.save(&spec)).expect("saved again: updated in place");

        let remote = routes.remote_client(&spec.id, &spec.remote_url);
        let info = block_on(remote.system_info()).expect("system info through the route");
        assert_eq!(info.version.to_string(), "2.38.5", "{local_version}");
        // `filter=id:in:[…]` with escaped brackets, and a list read with a space in a filter.
        let combos = block_on(fetch_by_ids(
            &remote,
            "categoryCombos",
            "name",
            &["default", "nosuch"],
            "id,name",
        ))
        .expect("metadata read through the route");
        assert_eq!(combos.len(), 1, "{local_version}: {combos:?}");
        let listed: serde_json::Value =
            block_on(remote.get_json("api/categoryCombos?fields=id&filter=name:ilike:def%20ault"))
                .expect("a filter with a space");
        assert_eq!(
            listed["categoryCombos"],
            serde_json::json!([]),
            "{local_version}"
        );
        let sent = local.route_upstream_log();
        assert!(sent
            .iter()
            .all(|request| request.url.starts_with("http://remote.sim/")));
        assert!(
            sent.iter()
                .any(|r| r.url.contains("filter=name:ilike:def%20ault")),
            "{local_version}: {sent:?}"
        );
    }
}

#[test]
fn a_refused_route_names_the_setting_to_change() {
    let (local, remote, _peers) = local_and_remote("2.42", "2.41", &["https://*"]);
    let admin = client_for(&local, "admin");
    let routes = admin.routes(&version_of(&admin)).expect("2.42 has routes");
    let spec = RouteSpec::for_instance(&instance(&remote), admin_secret()).expect("valid");
    let error = block_on(routes.create(&spec)).expect_err("http:// is not allowed by default");
    assert_eq!(
        error,
        RouteError::RemoteNotAllowed {
            origin: "http://remote.sim".into()
        }
    );
    let message = error.to_string();
    assert!(
        message.contains(ALLOW_LIST_SETTING) && message.contains("https://*"),
        "{message}"
    );
}

#[test]
fn a_run_only_user_calls_through_a_shared_route_without_the_credential() {
    let (local, remote, _peers) = local_and_remote("2.41.9", "2.39", &[]);
    let admin = client_for(&local, "admin");
    let version = version_of(&admin);
    let spec = RouteSpec::for_instance(&instance(&remote), admin_secret()).expect("valid");
    block_on(admin.routes(&version).expect("routes").create(&spec)).expect("created");

    let executor = client_for(&local, "executor");
    let routes = executor.routes(&version).expect("routes");
    let seen = block_on(routes.get(&spec.id))
        .expect("shared with the executor")
        .expect("exists");
    assert_eq!(
        seen.auth.as_ref().map(|a| a.auth_type.as_str()),
        Some("http-basic")
    );
    let raw: serde_json::Value =
        block_on(executor.get_json(&format!("api/routes/{}?fields=*", spec.id))).expect("readable");
    assert!(
        !raw.to_string().contains("district"),
        "the executor never receives the password: {raw}"
    );

    local.clear_route_upstream_log();
    let info = block_on(routes.test_connection(&spec.id, &spec.remote_url)).expect("runs");
    assert_eq!(info.version.to_string(), "2.39.0");
    let sent = local.route_upstream_log();
    let authorization = sent[0].header("Authorization").unwrap_or_default();
    assert_eq!(Some(authorization.to_string()), admin_secret_header());
    assert_eq!(sent[0].header("X-Forwarded-User"), Some("executor"));

    // The guest holds no share: the route refuses, and says why.
    let guest = client_for(&local, "guest");
    let refused = block_on(
        guest
            .routes(&version)
            .expect("routes")
            .test_connection(&spec.id, &spec.remote_url),
    );
    assert_eq!(
        refused.expect_err("not shared"),
        RouteError::NotShared {
            id: spec.id.clone()
        }
    );
    // Nor may the executor change the route.
    let changed = block_on(routes.update(&spec)).expect_err("read-only");
    assert!(
        matches!(changed, RouteError::ChangeNotPermitted { .. }),
        "{changed:?}"
    );
}

fn admin_secret_header() -> Option<String> {
    mdsync_core::dhis2::Auth::Basic {
        username: "admin".into(),
        password: "district".into(),
    }
    .authorization_header()
}

#[test]
fn what_cannot_work_is_refused_with_what_to_do() {
    let old = sim_named("local", "2.39");
    let client = client_for(&old, "admin");
    let refused = client
        .routes(&version_of(&client))
        .err()
        .expect("2.39 has no routes");
    assert!(matches!(refused, RouteError::NotSupported { .. }));
    assert!(refused.to_string().contains("2.40"));

    let (local, remote, _peers) = local_and_remote("2.41", "2.39", &[]);
    let configurator = client_for(&local, "configurator");
    let routes = configurator
        .routes(&version_of(&configurator))
        .expect("routes");
    let spec = RouteSpec::for_instance(&instance(&remote), admin_secret()).expect("valid");
    let refused = block_on(routes.create(&spec)).expect_err("no route authority");
    assert!(
        matches!(refused, RouteError::CreateNotPermitted { .. }),
        "{refused:?}"
    );
    assert!(refused.to_string().contains("F_ROUTE_PRIVATE_ADD"));

    let mut bad = instance(&remote);
    bad.url = "ftp://remote.sim".into();
    assert!(matches!(
        RouteSpec::for_instance(&bad, admin_secret()),
        Err(RouteError::InvalidRemoteUrl { .. })
    ));
    let unknown = mdsync_core::dhis2::routes::RouteAuthType::parse("oauth2");
    assert!(matches!(unknown, Err(RouteError::UnknownAuthType { .. })));

    // The routed client only ever reaches its own remote: nothing is sent elsewhere.
    let admin = client_for(&local, "admin");
    let remote_client = admin
        .routes(&version_of(&admin))
        .expect("routes")
        .remote_client(&spec.id, &spec.remote_url);
    local.clear_request_log();
    let elsewhere = block_on(remote_client.execute(mdsync_core::dhis2::HttpRequest::get(
        "http://evil.sim/api/me",
    )));
    assert!(elsewhere.is_err());
    assert!(local.request_log().is_empty(), "nothing was sent");
}

#[test]
fn a_server_that_does_not_know_the_auth_type_says_so() {
    let answer = ScriptedTransport::json(
        500,
        r#"{"httpStatus":"Internal Server Error","httpStatusCode":500,"status":"ERROR","message":"Could not resolve type id 'api-token' as a subtype of `org.hisp.dhis.common.auth.Auth`: known type ids = [http-basic] (for POJO property 'auth')"}"#,
    );
    let client = Dhis2Client::new(
        ScriptedTransport::always(Ok(answer)),
        "http://local.sim",
        mdsync_core::dhis2::Auth::Session,
    );
    let version: Version = "2.40.0".parse().expect("version");
    let routes = client.routes(&version).expect("2.40 has routes");
    let remote = sim_named("remote", "2.39");
    let spec = RouteSpec::for_instance(
        &instance(&remote),
        RouteAuth::ApiToken {
            token: "d2pat_x".into(),
        },
    )
    .expect("valid");
    let error = block_on(routes.create(&spec)).expect_err("refused");
    assert_eq!(
        error,
        RouteError::UnknownAuthType {
            auth_type: "api-token".into(),
            known: "http-basic".into()
        }
    );
    assert!(error.to_string().contains("http-basic"));
    assert!(RouteSupport::for_version(&version).check_writes().is_err());
}

#[test]
fn routes_are_listed_renamed_and_deleted() {
    let (local, remote, _peers) = local_and_remote("2.41", "2.39", &[]);
    let admin = client_for(&local, "admin");
    let routes = admin.routes(&version_of(&admin)).expect("routes");
    let mut spec = RouteSpec::for_instance(&instance(&remote), admin_secret()).expect("valid");
    block_on(routes.create(&spec)).expect("created");
    let listed = block_on(routes.list()).expect("listed");
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].remote_url(), Some("http://remote.sim"));
    assert_eq!(
        listed[0].code.as_deref(),
        Some(RouteSpec::code_for(&spec.id).as_str())
    );

    let twin = RouteSpec::for_instance(&instance(&remote), admin_secret()).expect("valid");
    let duplicate = block_on(routes.create(&twin)).expect_err("same name");
    assert_eq!(
        duplicate,
        RouteError::Duplicate {
            property: "name".into(),
            value: "Remote DHIS2".into()
        }
    );

    spec.name = "Renamed".into();
    block_on(routes.update(&spec)).expect("renamed");
    let seen = block_on(routes.get(&spec.id))
        .expect("read")
        .expect("exists");
    assert_eq!(seen.name, "Renamed");
    block_on(routes.delete(&spec.id)).expect("deleted");
    assert_eq!(block_on(routes.get(&spec.id)).expect("read"), None);
    block_on(routes.delete(&spec.id)).expect("deleting again is not an error");
}

#[test]
fn a_remote_that_does_not_answer_is_told_apart_from_the_route() {
    for (version, status) in [("2.41", 503), ("2.42", 500)] {
        let (local, _remote, _peers) = local_and_remote(version, "2.39", &["http://*"]);
        let admin = client_for(&local, "admin");
        let routes = admin.routes(&version_of(&admin)).expect("routes");
        let gone = sim_named("gone", "2.39");
        let spec = RouteSpec::for_instance(&instance(&gone), admin_secret()).expect("valid");
        block_on(routes.create(&spec)).expect("created");
        let error = block_on(routes.test_connection(&spec.id, &spec.remote_url))
            .expect_err("nobody answers at http://gone.sim");
        assert!(
            matches!(error, RouteError::RemoteUnreachable { status: s, .. } if s == status),
            "{version}: {error:?}"
        );
    }
}
