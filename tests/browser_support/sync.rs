//! The fake DHIS2 of the Sync panel's browser tests (`tests/browser_sync.rs`): schemas, a
//! type listing, a stored destination instance with an encrypted password, and its answers.

use mdsync_core::crypto::EncryptionKey;
use mdsync_core::dhis2::{Auth, Dhis2Client, Method, Version};
use mdsync_core::model::{AuthKind, Instance, Sharing};
use mdsync_core::storage::{InstanceSecret, Storage};
use wasm_bindgen::JsCast;

use crate::browser_support::*;

pub const REMOTE: &str = "http://remote.test/dhis";
pub const REMOTE_ID: &str = "rEmoteInst1";

fn schema(plural: &str) -> String {
    let singular = plural.trim_end_matches('s');
    let mut class = singular.to_string();
    class[..1].make_ascii_uppercase();
    format!(
        r#"{{"klass":"org.hisp.dhis.x.{class}","singular":"{singular}","plural":"{plural}",
        "metadata":true,"order":1}}"#
    )
}

/// A 2.41 server as a configurator sees it, with schemas, two data sets and a destination
/// instance (stored, with its password encrypted) at 2.41.1.
pub async fn server() -> FakeDhis2 {
    let fake = FakeDhis2::server(&["ALL"], &[]);
    let schemas: Vec<String> = [
        "dataSets",
        "dataElements",
        "programs",
        "organisationUnits",
        "categoryCombos",
        "userRoles",
        "dashboards",
        "attributes",
    ]
    .iter()
    .map(|plural| schema(plural))
    .collect();
    fake.on(
        Method::Get,
        "dhis2.test/dhis/api/schemas",
        json(200, &format!(r#"{{"schemas":[{}]}}"#, schemas.join(","))),
    )
    .on(
        Method::Get,
        "dhis2.test/dhis/api/dataSets",
        json(
            200,
            r#"{"pager":{"page":1,"pageCount":2,"total":3,"pageSize":2},"dataSets":[
            {"id":"pBOMPrpg1QX","displayName":"ANC monthly","code":"DS_ANC","lastUpdated":"2024-03-01T10:00:00.000"},
            {"id":"QX4ZTUbOt3a","displayName":"Malaria weekly","lastUpdated":"2023-01-01T10:00:00.000"}]}"#,
        ),
    )
    // The engine's read by id (`paging=false&…&filter=id:in:[…]`) gets the picked one only.
    .on(
        Method::Get,
        "dhis2.test/dhis/api/dataSets?paging=false",
        json(
            200,
            r#"{"dataSets":[{"id":"pBOMPrpg1QX","name":"ANC monthly","code":"DS_ANC",
            "periodType":"Monthly"}]}"#,
        ),
    )
    .on(
        Method::Get,
        "remote.test/dhis/api/system/info",
        json(200, r#"{"version":"2.41.1","systemName":"Destination"}"#),
    )
    // The dry-run preview asks which selected objects the destination already has: none.
    .on(
        Method::Get,
        "remote.test/dhis/api/metadata?",
        json(200, r#"{"system":{"version":"2.41.1"},"dataSets":[]}"#),
    )
    .on(
        Method::Post,
        "remote.test/dhis/api/metadata",
        json(
            200,
            r#"{"httpStatus":"OK","httpStatusCode":200,"status":"OK","response":{
            "responseType":"ImportReport","status":"OK",
            "stats":{"created":1,"updated":0,"deleted":0,"ignored":0,"total":1},
            "typeReports":[{"klass":"org.hisp.dhis.dataset.DataSet",
              "stats":{"created":1,"updated":0,"deleted":0,"ignored":0,"total":1},"objectReports":[]}]}}"#,
        ),
    );
    let storage = Storage::new(
        Dhis2Client::new(fake.clone(), BASE_URL, Auth::Session),
        Version::new(2, 41),
    );
    storage
        .migrate()
        .await
        .expect("the fake dataStore takes the migrations");
    let instance = Instance {
        id: REMOTE_ID.parse().expect("a valid uid"),
        name: "Destination".into(),
        url: REMOTE.into(),
        description: String::new(),
        auth_kind: AuthKind::Basic,
        username: Some("admin".into()),
        version: Some("2.41.1".parse().expect("a version")),
        sharing: Sharing {
            public_access: Sharing::PUBLIC_READ.into(),
            ..Sharing::default()
        },
        route: None,
        timeouts: None,
    };
    storage
        .instances()
        .save(&instance)
        .await
        .expect("instance saved");
    storage
        .secrets(&EncryptionKey::from_bytes([7u8; 32]))
        .save(&instance, &InstanceSecret::Password("district".into()))
        .await
        .expect("secret saved");
    fake
}

pub async fn open_page(fake: &FakeDhis2) -> Mounted {
    set_hash("#/sync/metadata");
    let mounted = mount_shell(services(fake));
    mounted.wait_for("type-group-aggregated").await;
    mounted
}

pub fn check(mounted: &Mounted, selector: &str) {
    let input: web_sys::HtmlElement = mounted
        .find_all(selector)
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("{selector} to click"))
        .unchecked_into();
    input.click();
}
