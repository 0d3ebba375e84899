//! The client against real DHIS2 recordings, its error classification, and app roles.

mod support;

use mdsync_core::access::{AppRole, Panel};
use mdsync_core::dhis2::{
    Auth, Dhis2Client, Dhis2Error, Me, NamedRef, SystemInfo, TransportError, Version,
};
use support::{block_on, reference_file, ScriptedTransport};

fn decode<D: serde::de::DeserializeOwned>(relative: &str) -> Result<D, serde_json::Error> {
    serde_json::from_slice(&reference_file(relative))
}

#[test]
fn recorded_system_info_gives_version_and_name() {
    let info: SystemInfo = decode("recorded/systeminfo/system_info.json").expect("decodes");
    assert_eq!(info.version, Version::with_patch(2, 41, 0));
    assert_eq!(info.version.to_string(), "2.41.0");
    assert_eq!(
        info.system_name.as_deref(),
        Some("DHIS 2 Demo - Sierra Leone")
    );
    assert_eq!(info.revision.as_deref(), Some("585e4bd"));
    assert_eq!(
        info.context_path.as_deref(),
        Some("https://play.dhis2.org/android-current")
    );
    assert!(info.version.is_supported());
}

#[test]
fn me_before_2_38_reads_username_and_roles_from_user_credentials() {
    let me: Me = decode("recorded/user/user37.json").expect("decodes");
    assert_eq!(me.id, "DXyJmlo9rge");
    assert_eq!(me.username, "android");
    assert_eq!(me.name, "John Barnes");
    assert_eq!(
        me.user_roles,
        vec![NamedRef {
            id: "Ufph3mGRmMo".into(),
            name: "Superuser".into()
        }]
    );
    assert!(me.user_groups.is_empty());
    assert_eq!(me.organisation_units.len(), 1);
    assert_eq!(me.organisation_units[0].id, "YuQRtpLP10I");
    assert_eq!(
        me.organisation_units[0].path.as_deref(),
        Some("/ImspTQPwCqd/O6uvpzGd5pu/YuQRtpLP10I")
    );
}

#[test]
fn me_from_2_38_reads_the_flattened_fields_the_same_way() {
    let old: Me = decode("recorded/user/user37.json").expect("decodes");
    let new: Me = decode("recorded/user/user38.json").expect("decodes");
    assert_eq!(new.username, "android");
    assert_eq!(new.user_roles, old.user_roles);
    assert_eq!(new.organisation_units, old.organisation_units);
    assert_eq!(
        new.user_groups,
        vec![NamedRef {
            id: "Kk12LkEWtXp".into(),
            name: "_PROGRAM_TB program".into()
        }]
    );
}

#[test]
fn header_bar_recordings_lack_what_the_client_asks_for_and_fail_clearly() {
    // The header bar asks /api/me for name, email, settings and authorities only, and
    // /api/system/info for the name and context path: no id, no username, no version. The
    // client's own field selections (ME_FIELDS, SystemInfo::FIELDS) always include them.
    let me = decode::<Me>("recorded/headerbar/me.json");
    let message = me.expect_err("no id or username").to_string();
    assert!(
        message.contains("id") || message.contains("username"),
        "{message}"
    );
    let raw: serde_json::Value = decode("recorded/headerbar/me.json").expect("json");
    assert_eq!(raw["name"], "John Doe");
    assert_eq!(raw["authorities"][0], "F_SKIP_DATA_IMPORT_AUDIT");

    let info = decode::<SystemInfo>("recorded/headerbar/systemInfo.json");
    assert!(info
        .expect_err("no version")
        .to_string()
        .contains("version"));
}

fn client(transport: &ScriptedTransport) -> Dhis2Client<&ScriptedTransport> {
    Dhis2Client::new(
        transport,
        "https://dhis.example.org/",
        Auth::Basic {
            username: "admin".into(),
            password: "district".into(),
        },
    )
}

fn system_info_error(
    outcome: Result<mdsync_core::dhis2::HttpResponse, TransportError>,
) -> Dhis2Error {
    let transport = ScriptedTransport::always(outcome);
    let result = block_on(client(&transport).system_info());
    result.expect_err("should fail")
}

#[test]
fn requests_carry_auth_and_the_ajax_header() {
    let body =
        String::from_utf8(reference_file("recorded/systeminfo/system_info.json")).expect("utf-8");
    let transport = ScriptedTransport::always(Ok(ScriptedTransport::json(200, &body)));
    let info = block_on(client(&transport).system_info()).expect("system info");
    assert_eq!(info.version.minor, 41);
    let requests = transport.requests.borrow();
    let request = &requests[0];
    assert!(request
        .url
        .starts_with("https://dhis.example.org/api/system/info"));
    assert_eq!(request.header("X-Requested-With"), Some("XMLHttpRequest"));
    assert_eq!(
        request.header("Authorization"),
        Some("Basic YWRtaW46ZGlzdHJpY3Q=")
    );
}

#[test]
fn json_401_is_unauthorized() {
    let body =
        String::from_utf8(reference_file("recorded/user/user_unauthorized.json")).expect("utf-8");
    let error = system_info_error(Ok(ScriptedTransport::json(401, &body)));
    assert!(
        matches!(error, Dhis2Error::Unauthorized { .. }),
        "{error:?}"
    );
    assert_eq!(error.status(), Some(401));
}

#[test]
fn redirect_to_login_is_a_login_page() {
    let error = system_info_error(Ok(ScriptedTransport::redirect(
        "https://dhis.example.org/dhis-web-commons/security/login.action",
    )));
    assert!(matches!(error, Dhis2Error::LoginPage { .. }), "{error:?}");
}

#[test]
fn html_login_page_with_200_is_a_login_page() {
    let page = "<!DOCTYPE html><html><body><form action=\"login.action\">\
                <input name=\"j_username\"></form></body></html>";
    let error = system_info_error(Ok(ScriptedTransport::html(200, page)));
    assert!(matches!(error, Dhis2Error::LoginPage { .. }), "{error:?}");
}

#[test]
fn json_404_is_not_found_with_the_server_message() {
    let error = system_info_error(Ok(ScriptedTransport::json(
        404,
        r#"{"httpStatus":"Not Found","httpStatusCode":404,"status":"ERROR","message":"Nothing here"}"#,
    )));
    match &error {
        Dhis2Error::NotFound { message, url } => {
            assert_eq!(message, "Nothing here");
            assert!(url.contains("/api/system/info"));
        }
        other => panic!("expected NotFound, got {other:?}"),
    }
}

#[test]
fn a_200_that_is_not_json_is_not_json() {
    let error = system_info_error(Ok(HttpResponseBuilder::plain(200, "Hello from nginx")));
    match error {
        Dhis2Error::NotJson {
            status, snippet, ..
        } => {
            assert_eq!(status, 200);
            assert_eq!(snippet, "Hello from nginx");
        }
        other => panic!("expected NotJson, got {other:?}"),
    }
    let html = system_info_error(Ok(ScriptedTransport::html(
        200,
        "<html><p>Welcome</p></html>",
    )));
    assert!(matches!(html, Dhis2Error::NotJson { .. }), "{html:?}");
}

#[test]
fn unreachable_and_interrupted_are_network_errors() {
    let unreachable = system_info_error(Err(TransportError::Unreachable {
        url: "https://dhis.example.org/api/system/info".into(),
        reason: "connection refused".into(),
    }));
    assert!(matches!(unreachable, Dhis2Error::Unreachable { .. }));
    assert!(unreachable.is_network());
    assert!(unreachable.to_string().contains("corsWhitelist"));
    let timeout = system_info_error(Err(TransportError::Timeout {
        url: "https://dhis.example.org/api/system/info".into(),
    }));
    assert!(matches!(timeout, Dhis2Error::Interrupted { .. }));
    assert!(timeout.is_network());
}

#[test]
fn servers_before_2_30_are_refused() {
    let error = system_info_error(Ok(ScriptedTransport::json(200, r#"{"version":"2.29"}"#)));
    match error {
        Dhis2Error::UnsupportedVersion { version, .. } => assert_eq!(version, "2.29"),
        other => panic!("expected UnsupportedVersion, got {other:?}"),
    }
}

struct HttpResponseBuilder;

impl HttpResponseBuilder {
    fn plain(status: u16, body: &str) -> mdsync_core::dhis2::HttpResponse {
        mdsync_core::dhis2::HttpResponse {
            status,
            headers: vec![("Content-Type".into(), "text/plain".into())],
            body: body.as_bytes().to_vec(),
        }
    }
}

fn me_with(authorities: &[&str], roles: &[&str]) -> Me {
    Me {
        id: "xE7jOejl9FI".into(),
        username: "someone".into(),
        name: "Some One".into(),
        authorities: authorities.iter().map(|a| a.to_string()).collect(),
        user_roles: roles
            .iter()
            .enumerate()
            .map(|(index, name)| NamedRef {
                id: format!("role{index:07}"),
                name: name.to_string(),
            })
            .collect(),
        user_groups: Vec::new(),
        organisation_units: Vec::new(),
        ui_locale: None,
    }
}

#[test]
fn app_roles_follow_authority_all_and_role_names() {
    let admin = me_with(&["ALL"], &["Superuser"]);
    assert_eq!(AppRole::of(&admin), AppRole::Admin);
    let configurator = me_with(&["F_METADATA_IMPORT"], &["METADATA_SYNC_CONFIGURATOR"]);
    assert_eq!(AppRole::of(&configurator), AppRole::Configurator);
    let both = me_with(
        &[],
        &["METADATA_SYNC_EXECUTOR", "METADATA_SYNC_CONFIGURATOR"],
    );
    assert_eq!(AppRole::of(&both), AppRole::Configurator);
    let runner = me_with(&[], &["Data entry", "METADATA_SYNC_EXECUTOR"]);
    assert_eq!(AppRole::of(&runner), AppRole::RunOnly);
    let nobody = me_with(&["F_DATAVALUE_ADD"], &["Data entry"]);
    assert_eq!(AppRole::of(&nobody), AppRole::NoAccess);
    // The recorded superuser has the role but no authorities in the recording: by name alone
    // it is not an app user.
    let recorded: Me = decode("recorded/user/user38.json").expect("decodes");
    assert_eq!(AppRole::of(&recorded), AppRole::NoAccess);
}

#[test]
fn panels_per_role() {
    assert_eq!(AppRole::Admin.panels(), Panel::ALL.to_vec());
    assert_eq!(
        AppRole::Configurator.panels(),
        vec![
            Panel::Instances,
            Panel::Mapping,
            Panel::Sync,
            Panel::Rules,
            Panel::History
        ]
    );
    assert!(!AppRole::Configurator.can_open(Panel::Settings));
    assert_eq!(
        AppRole::RunOnly.panels(),
        vec![Panel::Rules, Panel::History]
    );
    assert!(AppRole::NoAccess.panels().is_empty());
    assert!(!AppRole::RunOnly.can_open(Panel::Instances));
    assert!(AppRole::RunOnly.can_run_rules() && !AppRole::RunOnly.can_configure());
    assert!(AppRole::Configurator.can_configure());
    assert!(!AppRole::NoAccess.can_run_rules());
    assert!(AppRole::access_help().contains("METADATA_SYNC_EXECUTOR"));
    assert_eq!(Panel::from_route("rules"), Some(Panel::Rules));
}
