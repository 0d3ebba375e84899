//! Components in headless Chromium, against a fake DHIS2 transport.
//! Run: `CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown --test browser`
#![cfg(target_arch = "wasm32")]

mod browser_support;

use browser_support::*;
use mdsync_core::dhis2::{Method, TransportError};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const CONFIGURATOR: &str = "METADATA_SYNC_CONFIGURATOR";
const EXECUTOR: &str = "METADATA_SYNC_EXECUTOR";

fn home_cards(mounted: &Mounted) -> Vec<String> {
    mounted
        .find_all("[data-test^=\"home-card-\"]")
        .iter()
        .filter_map(|e| e.get_attribute("data-test"))
        .collect()
}

#[wasm_bindgen_test]
async fn header_bar_shows_the_server_title_and_the_user() {
    set_hash("#/");
    let local = FakeDhis2::server(&["ALL"], &[]);
    let mounted = mount_shell(services(&local));
    let title = mounted
        .wait_for_text("headerbar-title", "Sierra Leone")
        .await;
    assert_eq!(title, "Sierra Leone - MetaData Sync");
    mounted.click("headerbar-profile-icon");
    mounted.wait_for("headerbar-profile-menu").await;
    assert_eq!(mounted.text("headerbar-profile-name"), "John Traore");
    assert_eq!(mounted.text("headerbar-profile-username"), "jtraore");
    let logout = mounted
        .find("headerbar-logout")
        .and_then(|a| a.get_attribute("href"))
        .unwrap_or_default();
    assert_eq!(
        logout,
        format!("{BASE_URL}/api/auth/logout"),
        "2.41 logs out through the auth API"
    );
    // The session was read with the session cookie: no Authorization header.
    let me = local.requests_to("/api/me");
    assert!(!me.is_empty());
    assert!(me.iter().all(|r| r.header("Authorization").is_none()));
    assert!(me
        .iter()
        .all(|r| r.header("X-Requested-With") == Some("XMLHttpRequest")));
}

#[wasm_bindgen_test]
async fn apps_menu_uses_the_version_endpoint_and_filters() {
    set_hash("#/");
    let local = FakeDhis2::server(&["ALL"], &[]);
    local.on(
        Method::Get,
        "/api/apps/menu",
        json(
            200,
            r#"{"modules":[
            {"name":"dhis-web-dashboard","displayName":"Dashboard","defaultAction":"../dhis-web-dashboard/index.action","icon":"../icons/d.png"},
            {"name":"dhis-web-maps","displayName":"Maps","defaultAction":"../dhis-web-maps/index.action","icon":"../icons/m.png"}]}"#,
        ),
    );
    let mounted = mount_shell(services(&local));
    mounted.wait_for("headerbar-apps-icon").await;
    mounted.click("headerbar-apps-icon");
    mounted.wait_for("headerbar-apps-item").await;
    let items = mounted.find_all("[data-test=\"headerbar-apps-item\"]");
    assert_eq!(items.len(), 2);
    assert_eq!(
        items[0].get_attribute("href").as_deref(),
        Some("http://dhis2.test/dhis/dhis-web-dashboard/index.action")
    );
    mounted.type_into("headerbar-apps-search", "map");
    leptos::task::tick().await;
    let items = mounted.find_all("[data-test=\"headerbar-apps-item\"]");
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].text_content().unwrap_or_default(), "Maps");
    assert!(local.requests_to("getModules.action").is_empty());
}

#[wasm_bindgen_test]
async fn admin_and_configurator_see_the_five_panels_and_only_admins_the_settings() {
    set_hash("#/");
    for (authorities, roles, settings) in [
        (&["ALL"][..], &[][..], true),
        (&["M_metadatasync"][..], &[CONFIGURATOR][..], false),
    ] {
        let local = FakeDhis2::server(authorities, roles);
        let mounted = mount_shell(services(&local));
        mounted.wait_for("home").await;
        let mut expected = vec![
            "home-card-instances",
            "home-card-mapping",
            "home-card-sync",
            "home-card-rules",
            "home-card-history",
        ];
        if settings {
            expected.push("home-card-settings");
        }
        assert_eq!(home_cards(&mounted), expected, "{roles:?}");
    }
}

#[wasm_bindgen_test]
async fn run_only_users_see_rules_and_history_and_are_stopped_elsewhere() {
    set_hash("#/");
    let local = FakeDhis2::server(&["M_metadatasync"], &[EXECUTOR]);
    let mounted = mount_shell(services(&local));
    mounted.wait_for("home").await;
    assert_eq!(
        home_cards(&mounted),
        ["home-card-rules", "home-card-history"]
    );

    set_hash("#/instances");
    let message = mounted
        .wait_for_text("not-allowed-message", "Instances")
        .await;
    assert!(message.contains("not allowed"), "{message}");
    assert!(message.contains("Rules, History"), "{message}");

    set_hash("#/history");
    mounted.wait_for("panel-history").await;
    assert!(mounted.find("not-allowed").is_none());
    set_hash("#/");
}

#[wasm_bindgen_test]
async fn users_without_a_role_are_told_which_role_to_ask_for() {
    set_hash("#/");
    let local = FakeDhis2::server(&["M_dhis-web-dashboard"], &["Data entry clerk"]);
    let mounted = mount_shell(services(&local));
    let message = mounted
        .wait_for_text("no-access-message", CONFIGURATOR)
        .await;
    assert!(message.contains(EXECUTOR), "{message}");
    assert!(mounted.find("home").is_none());
}

#[wasm_bindgen_test]
async fn a_login_page_instead_of_data_says_to_log_in_again() {
    set_hash("#/");
    let local = FakeDhis2::default();
    local.on(
        Method::Get,
        "/api/system/info",
        html(
            200,
            "<!DOCTYPE html><html><body><form action=\"login.action\"><input name=\"j_username\"></form></body></html>",
        ),
    );
    let mounted = mount_shell(services(&local));
    let message = mounted
        .wait_for_text("app-error-message", "login page")
        .await;
    assert!(message.contains("log in to DHIS2 again"), "{message}");
    let link = mounted.wait_for("app-login-link").await;
    assert_eq!(
        link.get_attribute("href").as_deref(),
        Some("http://dhis2.test/dhis/")
    );
    assert!(mounted.find("home").is_none());
}

#[wasm_bindgen_test]
async fn a_401_says_the_credentials_were_refused() {
    set_hash("#/");
    let local = FakeDhis2::default();
    local.on(
        Method::Get,
        "/api/system/info",
        json(
            401,
            r#"{"httpStatus":"Unauthorized","httpStatusCode":401,"status":"ERROR","message":"Unauthorized"}"#,
        ),
    );
    let mounted = mount_shell(services(&local));
    let message = mounted.wait_for_text("app-error-message", "401").await;
    assert!(message.contains("refused"), "{message}");
    mounted.wait_for("app-login-link").await;
}

#[wasm_bindgen_test]
async fn an_unreachable_server_is_named_without_a_login_link() {
    set_hash("#/");
    let local = FakeDhis2::default();
    local.fail(
        "/api/system/info",
        TransportError::Unreachable {
            url: format!("{BASE_URL}/api/system/info"),
            reason: "Failed to fetch".into(),
        },
    );
    let mounted = mount_shell(services(&local));
    let message = mounted
        .wait_for_text("app-error-message", "Could not reach")
        .await;
    assert!(message.contains(BASE_URL), "{message}");
    assert!(mounted.find("app-login-link").is_none());
}

#[wasm_bindgen_test]
async fn an_unknown_hash_says_there_is_no_such_page() {
    set_hash("#/nowhere");
    let local = FakeDhis2::server(&["ALL"], &[]);
    let mounted = mount_shell(services(&local));
    let page = mounted.wait_for_text("not-found", "nowhere").await;
    assert!(page.contains("No such page"), "{page}");
    set_hash("#/");
}

#[wasm_bindgen_test]
async fn data_table_searches_sorts_and_pages() {
    use leptos::prelude::*;
    use metadata_sync::components::data_table::{Column, DataTable};
    use metadata_sync::table_model::TableRow;
    use wasm_bindgen::JsCast;

    let rows: Vec<TableRow> = (0..23)
        .map(|i| TableRow {
            id: format!("id{i:02}"),
            cells: vec![format!("Instance {i:02}"), format!("https://h{i:02}.org")],
            pinned: i == 7,
        })
        .collect();
    let document = document();
    let container: web_sys::HtmlElement = document
        .create_element("div")
        .expect("div")
        .unchecked_into();
    document
        .body()
        .expect("body")
        .append_child(&container)
        .expect("appended");
    let handle = leptos::mount::mount_to(container.clone(), move || {
        view! {
            <DataTable
                columns=vec![Column::new("name", "Name"), Column::new("url", "URL")]
                rows=Signal::derive(move || rows.clone())
                page_size=10
            />
        }
    });
    let mounted_rows = || {
        let list = container
            .query_selector_all("[data-test=\"data-table-row\"]")
            .expect("rows");
        (0..list.length())
            .filter_map(|i| list.item(i))
            .filter_map(|n| n.dyn_into::<web_sys::Element>().ok())
            .filter_map(|e| e.get_attribute("data-id"))
            .collect::<Vec<_>>()
    };
    let find = |test: &str| -> web_sys::HtmlElement {
        container
            .query_selector(&format!("[data-test=\"{test}\"]"))
            .ok()
            .flatten()
            .unwrap_or_else(|| panic!("{test}"))
            .unchecked_into()
    };
    leptos::task::tick().await;
    assert_eq!(mounted_rows().len(), 10);
    assert_eq!(mounted_rows()[0], "id07", "the pinned row leads");
    assert_eq!(
        find("data-table-page-info").text_content().as_deref(),
        Some("1–10 of 23")
    );

    find("data-table-sort-name").click();
    find("data-table-sort-name").click();
    leptos::task::tick().await;
    assert_eq!(
        &mounted_rows()[..3],
        ["id07", "id22", "id21"],
        "descending, pinned first"
    );

    find("data-table-page-next").click();
    find("data-table-page-next").click();
    leptos::task::tick().await;
    assert_eq!(
        find("data-table-page-info").text_content().as_deref(),
        Some("21–23 of 23")
    );

    let search: web_sys::HtmlInputElement = find("data-table-search").unchecked_into();
    search.set_value("h13");
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    search
        .dispatch_event(&web_sys::Event::new_with_event_init_dict("input", &init).expect("event"))
        .expect("dispatched");
    leptos::task::tick().await;
    assert_eq!(mounted_rows(), ["id13"], "search goes back to page one");
    drop(handle);
    container.remove();
}

#[wasm_bindgen_test]
async fn fetch_transport_returns_statuses_and_reports_refused_connections() {
    use mdsync_core::dhis2::{HttpRequest, Transport};
    use metadata_sync::transport::FetchTransport;

    let transport = FetchTransport::default();
    let origin = web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default();
    let response = transport
        .send(HttpRequest::get(format!("{origin}/no-such-file.json")))
        .await
        .expect("the test server answers");
    assert_eq!(
        response.status, 404,
        "an HTTP error status is an answer, not a failure"
    );

    // Port 1 refuses connections: the browser rejects the fetch, as it does for CORS refusals.
    let refused = transport
        .send(HttpRequest::get("http://127.0.0.1:1/api/system/info"))
        .await;
    match refused {
        Err(TransportError::Unreachable { url, .. }) => {
            assert_eq!(url, "http://127.0.0.1:1/api/system/info")
        }
        other => panic!("expected Unreachable, got {other:?}"),
    }
}
