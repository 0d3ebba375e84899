mod platform_support;

use platform_support::*;
use serde_json::json;

const APP_FIELDS: &str = "id,username,name,displayName,authorities,userRoles[id,name],\
userGroups[id,name],organisationUnits[id,path],userCredentials[username,userRoles[id,name]]";

#[test]
fn me_before_2_38_keeps_username_and_roles_under_user_credentials() {
    let (status, me) = call(&sim("2.37"), "configurator", "GET", "/api/me", None);
    assert_eq!(status, 200);
    assert!(me.get("username").is_none() && me.get("userRoles").is_none());
    assert_eq!(me["userCredentials"]["username"], "configurator");
    assert_eq!(
        me["userCredentials"]["userRoles"][0]["name"],
        "METADATA_SYNC_CONFIGURATOR"
    );
    assert_eq!(me["name"], "Cora Figueroa");
}

#[test]
fn me_from_2_38_is_flat_with_user_credentials_kept() {
    let (_, me) = call(&sim("2.38"), "executor", "GET", "/api/me", None);
    assert_eq!(me["username"], "executor");
    assert_eq!(me["userRoles"][0]["name"], "METADATA_SYNC_EXECUTOR");
    assert_eq!(me["userCredentials"]["username"], "executor");
}

#[test]
fn me_honours_nested_fields_the_app_asks_for() {
    for version in ["2.30", "2.37", "2.38", "2.42"] {
        let (_, me) = call(
            &sim(version),
            "admin",
            "GET",
            &format!("/api/me?fields={APP_FIELDS}"),
            None,
        );
        let keys: Vec<&String> = me.as_object().unwrap().keys().collect();
        let allowed = [
            "id",
            "username",
            "name",
            "displayName",
            "authorities",
            "userRoles",
            "userGroups",
            "organisationUnits",
            "userCredentials",
        ];
        assert!(
            keys.iter().all(|k| allowed.contains(&k.as_str())),
            "{version}: {keys:?}"
        );
        assert_eq!(
            me["userCredentials"],
            json!({"username": "admin",
            "userRoles": [{"id": "yrB6vc5Ip3r", "name": "Superuser"}]})
        );
        assert_eq!(
            me["organisationUnits"],
            json!([{"id": "ImspTQPwCqd", "path": "/ImspTQPwCqd"}])
        );
        assert_eq!(me["authorities"], json!(["ALL"]));
        assert_eq!(
            me.get("username").is_some(),
            version != "2.30" && version != "2.37"
        );
    }
}

#[test]
fn me_authorization_and_dashboard() {
    let sim = sim("2.35");
    let (_, authorities) = call(&sim, "guest", "GET", "/api/me/authorization", None);
    assert_eq!(authorities, json!(["M_metadatasync", "F_DATAVALUE_ADD"]));
    let (_, has) = call(&sim, "guest", "GET", "/api/me/authorization/ALL", None);
    assert_eq!(has, json!(false));
    let (_, dashboard) = call(&sim, "guest", "GET", "/api/me/dashboard", None);
    assert!(dashboard["unreadInterpretations"].is_number());
}

#[test]
fn system_info_reports_the_version_and_context_path_with_fields() {
    for (version, expected) in [
        ("2.30", "2.30"),
        ("2.31.9", "2.31.9"),
        ("2.38.1.1", "2.38.1.1"),
        ("2.41", "2.41.0"),
    ] {
        let (status, info) = call(&sim(version), "admin", "GET", "/api/system/info", None);
        assert_eq!(status, 200);
        assert_eq!(info["version"], expected);
        assert_eq!(info["contextPath"], "http://127.0.0.1");
        assert!(info["serverDate"].as_str().unwrap().len() == 23);
    }
    let (_, some) = call(
        &sim("2.39"),
        "admin",
        "GET",
        "/api/system/info?fields=version,systemName",
        None,
    );
    assert_eq!(some.as_object().unwrap().len(), 2);
    assert_eq!(some["systemName"], "Source DHIS2");
}

#[test]
fn system_info_is_reduced_for_non_superusers_from_2_41() {
    let (_, full) = call(&sim("2.40"), "guest", "GET", "/api/system/info", None);
    let (_, reduced) = call(&sim("2.41"), "guest", "GET", "/api/system/info", None);
    assert!(full.get("javaVersion").is_some());
    assert!(reduced.get("javaVersion").is_none());
    assert_eq!(reduced["version"], "2.41.0");
}

#[test]
fn header_bar_settings_and_menu() {
    let sim = sim("2.40");
    sim.set_application_title("Destination DHIS2");
    let (_, title) = call(
        &sim,
        "guest",
        "GET",
        "/api/systemSettings/applicationTitle",
        None,
    );
    assert_eq!(title, json!({"applicationTitle": "Destination DHIS2"}));
    let (_, help) = call(
        &sim,
        "guest",
        "GET",
        "/api/systemSettings/helpPageLink",
        None,
    );
    assert!(help["helpPageLink"].is_string());
    let (_, admin_menu) = call(
        &sim,
        "admin",
        "GET",
        "/dhis-web-commons/menu/getModules.action",
        None,
    );
    let (_, guest_menu) = call(&sim, "guest", "GET", "/api/apps/menu", None);
    assert!(admin_menu["modules"].as_array().unwrap().len() >= 4);
    assert_eq!(admin_menu["modules"][0]["name"], "dhis-web-dashboard");
    assert_eq!(guest_menu["modules"], json!([]));
    let (status, _) = call(&self::sim("2.39"), "admin", "GET", "/api/apps/menu", None);
    assert_eq!(status, 404, "/api/apps/menu exists from 2.40");
}
