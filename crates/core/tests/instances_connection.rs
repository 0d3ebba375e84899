//! "Test connection" diagnoses, against simulated instances and injected faults.

mod support;

use std::sync::Arc;

use dhis2_sim::{FaultKind, FaultRule, Sim};
use mdsync_core::dhis2::{Auth, Dhis2Client, Version};
use mdsync_core::instances::{
    test_connection, ConnectionDiagnosis, ConnectionRequest, FormField, InstanceManager,
    NotDhis2Sign,
};
use mdsync_core::model::{AuthKind, Sharing};
use support::{block_on, client_for, sim_named, ScriptedTransport, SimTransport, PASSWORD};

const APP_ORIGIN: &str = "http://local.sim";

fn basic(username: &str, password: &str) -> Auth {
    Auth::Basic {
        username: username.into(),
        password: password.into(),
    }
}

fn request(url: &str, auth: Auth) -> ConnectionRequest {
    ConnectionRequest {
        url: url.into(),
        auth,
        app_origin: None,
        known_version: None,
    }
}

fn diagnose(remote: &Arc<Sim>, request: &ConnectionRequest) -> ConnectionDiagnosis {
    block_on(test_connection(
        SimTransport::new(Arc::clone(remote)),
        request,
    ))
}

fn new_token(sim: &Arc<Sim>) -> String {
    let client = client_for(sim, "admin");
    let created: serde_json::Value =
        block_on(client.post_json("api/apiToken", &serde_json::json!({}))).expect("token");
    created["response"]["key"]
        .as_str()
        .or_else(|| created["key"].as_str())
        .expect("token key")
        .to_string()
}

#[test]
fn success_names_the_system_and_its_version() {
    for version in ["2.30", "2.36", "2.38.1", "2.41"] {
        let remote = sim_named("remote", version);
        let diagnosis = diagnose(
            &remote,
            &request("http://remote.sim/api", basic("admin", PASSWORD)),
        );
        let ConnectionDiagnosis::Connected { version: seen, .. } = &diagnosis else {
            panic!("{version}: {diagnosis:?}");
        };
        assert_eq!(seen.to_string(), remote.version().to_string());
        assert!(diagnosis.is_success());
        assert!(
            diagnosis.message().contains(&remote.version().to_string()),
            "{}",
            diagnosis.message()
        );
    }
}

#[test]
fn a_wrong_password_points_at_the_secret() {
    let remote = sim_named("remote", "2.39");
    let diagnosis = diagnose(
        &remote,
        &request("http://remote.sim", basic("admin", "nope")),
    );
    assert_eq!(diagnosis, ConnectionDiagnosis::WrongPassword);
    assert_eq!(diagnosis.field(), Some(FormField::Secret));
    assert!(diagnosis
        .message()
        .contains("username or password is wrong"));
}

#[test]
fn tokens_work_from_2_37_and_are_explained_before() {
    let remote = sim_named("remote", "2.41");
    let token = new_token(&remote);
    let good = diagnose(
        &remote,
        &request("http://remote.sim", Auth::ApiToken { token }),
    );
    assert!(good.is_success(), "{good:?}");
    let bad = diagnose(
        &remote,
        &request(
            "http://remote.sim",
            Auth::ApiToken {
                token: "d2pat_wrong".into(),
            },
        ),
    );
    assert!(
        matches!(bad, ConnectionDiagnosis::TokenRefused { .. }),
        "{bad:?}"
    );
    assert!(bad.message().contains("2.37"));

    let old = sim_named("old", "2.36");
    let refused = diagnose(
        &old,
        &request(
            "http://old.sim",
            Auth::ApiToken {
                token: "d2pat_anything".into(),
            },
        ),
    );
    assert!(
        matches!(refused, ConnectionDiagnosis::TokenRefused { .. }),
        "{refused:?}"
    );
    let known = ConnectionRequest {
        known_version: Some("2.36.4".parse().expect("version")),
        ..request(
            "http://old.sim",
            Auth::ApiToken {
                token: "d2pat_anything".into(),
            },
        )
    };
    let diagnosis = diagnose(&old, &known);
    assert!(
        matches!(diagnosis, ConnectionDiagnosis::TokensNeed237 { .. }),
        "{diagnosis:?}"
    );
    assert_eq!(diagnosis.field(), Some(FormField::AuthKind));
    assert!(diagnosis.message().contains("2.36.4") && diagnosis.message().contains("2.37"));
}

#[test]
fn what_is_not_a_dhis2_root_says_so() {
    let remote = sim_named("remote", "2.40");
    // An URL below the root: the server has no /somewhere/api/system/info.
    let wrong_path = diagnose(
        &remote,
        &request("http://remote.sim/somewhere", basic("admin", PASSWORD)),
    );
    assert!(
        matches!(wrong_path, ConnectionDiagnosis::NotDhis2 { .. }),
        "{wrong_path:?}"
    );
    assert_eq!(wrong_path.field(), Some(FormField::Url));

    // A login page with status 200 (e.g. a proxy in front of an expired session).
    remote.add_fault(FaultRule::new("/api/system/info", FaultKind::LoginPage));
    let login = diagnose(
        &remote,
        &request("http://remote.sim", basic("admin", PASSWORD)),
    );
    assert!(
        matches!(
            &login,
            ConnectionDiagnosis::NotDhis2 {
                sign: NotDhis2Sign::LoginPage,
                ..
            }
        ),
        "{login:?}"
    );
    assert!(login.message().contains("root of a DHIS2 instance"));

    let not_json = block_on(test_connection(
        &ScriptedTransport::always(Ok(ScriptedTransport::json(200, "not json"))),
        &request("https://web.example.org", basic("a", "b")),
    ));
    assert!(
        matches!(not_json, ConnectionDiagnosis::NotDhis2 { .. }),
        "{not_json:?}"
    );
    let invalid = diagnose(&remote, &request("remote.sim", basic("admin", PASSWORD)));
    assert!(matches!(invalid, ConnectionDiagnosis::InvalidUrl { .. }));
}

#[test]
fn an_unreachable_server_from_a_browser_names_the_origin_to_allow() {
    let remote = sim_named("remote", "2.40");
    let browser = SimTransport::new(Arc::clone(&remote)).browser(APP_ORIGIN);
    let from_app = ConnectionRequest {
        app_origin: Some(APP_ORIGIN.into()),
        ..request("http://remote.sim", basic("admin", PASSWORD))
    };
    let blocked = block_on(test_connection(&browser, &from_app));
    assert_eq!(
        blocked,
        ConnectionDiagnosis::Unreachable {
            url: "http://remote.sim".into(),
            origin_to_allow: Some(APP_ORIGIN.into())
        }
    );
    let message = blocked.message();
    assert!(
        message.contains("add http://local.sim") && message.contains("corsWhitelist"),
        "{message}"
    );

    remote.set_cors_allowlist(vec![APP_ORIGIN.into()]);
    assert!(block_on(test_connection(&browser, &from_app)).is_success());

    let nowhere = diagnose(
        &remote,
        &request("http://nowhere.sim", basic("admin", PASSWORD)),
    );
    assert!(matches!(
        nowhere,
        ConnectionDiagnosis::Unreachable {
            origin_to_allow: None,
            ..
        }
    ));
    assert!(!nowhere.message().contains("CORS"));
}

#[test]
fn a_server_that_never_answers_or_hangs_up_is_too_slow() {
    let remote = sim_named("remote", "2.40");
    remote.add_fault(FaultRule::new("/api/system/info", FaultKind::NeverAnswer));
    let timeout = diagnose(
        &remote,
        &request("http://remote.sim", basic("admin", PASSWORD)),
    );
    assert!(
        matches!(timeout, ConnectionDiagnosis::TooSlow { .. }),
        "{timeout:?}"
    );
    remote.clear_faults();
    remote.add_fault(FaultRule::new("/api/system/info", FaultKind::Drop));
    let dropped = diagnose(
        &remote,
        &request("http://remote.sim", basic("admin", PASSWORD)),
    );
    assert!(
        matches!(dropped, ConnectionDiagnosis::TooSlow { .. }),
        "{dropped:?}"
    );
}

#[test]
fn servers_older_than_2_30_are_refused_with_the_reason() {
    let transport = ScriptedTransport::always(Ok(ScriptedTransport::json(
        200,
        r#"{"version":"2.29","systemName":"Old"}"#,
    )));
    let diagnosis = block_on(test_connection(
        &transport,
        &request("https://old.example.org", basic("a", "b")),
    ));
    assert_eq!(
        diagnosis,
        ConnectionDiagnosis::VersionTooOld {
            version: "2.29".into()
        }
    );
    assert!(diagnosis.message().contains("2.30 and later"));
}

#[test]
fn a_saved_instance_is_tested_and_its_version_remembered() {
    let local = sim_named("local", "2.41");
    let remote = sim_named("remote", "2.39");
    let transport = SimTransport::network(vec![Arc::clone(&local), Arc::clone(&remote)]);
    let client = Dhis2Client::new(transport, local.base_url(), basic("configurator", PASSWORD));
    let me = block_on(client.me()).expect("me");
    let storage = block_on(mdsync_core::storage::Storage::connect(client)).expect("storage");
    block_on(storage.migrate()).expect("migrate");
    let key = mdsync_core::crypto::EncryptionKey::generate().expect("randomness");
    let manager = InstanceManager::new(me, key, local.base_url());
    let form = mdsync_core::instances::InstanceForm {
        name: "Remote".into(),
        url: "http://remote.sim".into(),
        description: String::new(),
        auth_kind: AuthKind::Basic,
        username: "admin".into(),
        secret: PASSWORD.into(),
        sharing: Sharing::default(),
    };
    // Before saving: the form as typed.
    let untested = block_on(manager.test_form(&storage, &form, None, None)).expect("test form");
    assert!(untested.is_success(), "{untested:?}");
    let saved = block_on(manager.create(&storage, &form)).expect("create");
    assert_eq!(saved.view.version, None);
    let expected: Version = remote.version().to_string().parse().expect("version");
    // The form's test of another URL tells nothing about the saved one.
    let elsewhere =
        block_on(manager.keep_tested_version(&storage, &saved, "http://other.sim", &untested))
            .expect("keep");
    assert_eq!(elsewhere, None);
    // The same URL, typed with its /api suffix: the version seen before saving is kept.
    let kept = block_on(manager.keep_tested_version(
        &storage,
        &saved,
        "http://remote.sim/api/",
        &untested,
    ))
    .expect("keep");
    assert_eq!(kept, Some(expected.clone()));
    let view = block_on(manager.get(&storage, &saved.view.id)).expect("view");
    assert_eq!(view.version, Some(expected.clone()));

    let diagnosis = block_on(manager.test_saved(&storage, &saved.view.id, None)).expect("test");
    assert!(diagnosis.is_success(), "{diagnosis:?}");
    let view = block_on(manager.get(&storage, &saved.view.id)).expect("view");
    assert_eq!(view.version, Some(expected));
}
