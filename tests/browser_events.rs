//! The events and tracker sync page in headless Chromium, against a fake DHIS2 (the Sync
//! panel's fake of `browser_support/sync.rs`, with programs, org units, events and the
//! destination's tracker import added here).
//! Run: `CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown --test browser_events`
#![cfg(target_arch = "wasm32")]

mod browser_support;
#[path = "browser_support/sync.rs"]
#[allow(dead_code)]
mod sync_support;

use browser_support::*;
use mdsync_core::dhis2::Method;
use sync_support::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const EVENT_PROGRAM: &str = "eBAyeGv0exc";
const TRACKER_PROGRAM: &str = "IpHINAT79UW";
const SIERRA_LEONE: &str = r#"{"id":"ImspTQPwCqd","displayName":"Sierra Leone","path":"/ImspTQPwCqd",
    "level":1,"children":[{"id":"O6uvpzGd5pu"}]}"#;
const BO: &str = r#"{"id":"O6uvpzGd5pu","displayName":"Bo","path":"/ImspTQPwCqd/O6uvpzGd5pu",
    "level":2,"children":[]}"#;

const PROGRAMS: &str = r#"{"programs":[
  {"id":"eBAyeGv0exc","name":"Inpatient morbidity and mortality","displayName":"Inpatient morbidity and mortality",
   "programType":"WITHOUT_REGISTRATION","programStages":[{"id":"Zj7UnCAulEk","programStageDataElements":[]}]},
  {"id":"IpHINAT79UW","name":"Child Programme","displayName":"Child Programme",
   "programType":"WITH_REGISTRATION","trackedEntityType":{"id":"nEenWmSyUEp"},
   "programStages":[{"id":"A03MvHHogjR","programStageDataElements":[]}]}]}"#;

fn event(id: &str, day: u32, status: &str, stored_by: &str) -> String {
    format!(
        r#"{{"event":"{id}","program":"{EVENT_PROGRAM}","programStage":"Zj7UnCAulEk",
        "orgUnit":"O6uvpzGd5pu","occurredAt":"2025-03-{day:02}T00:00:00.000","status":"{status}",
        "storedBy":"{stored_by}","updatedAt":"2025-03-{day:02}T10:00:00.000","dataValues":[]}}"#
    )
}

/// The Sync panel's fake, plus the origin's programs, units and events (two pages of the
/// table; 2.41's envelope), the user's dataStore, and the destination's answers.
async fn events_server() -> FakeDhis2 {
    let fake = server().await;
    let units = |list: &str| json(200, &format!(r#"{{"organisationUnits":[{list}]}}"#));
    let page_one: Vec<String> = (1..=20)
        .map(|n| event(&format!("Evt0000A{n:03}"), n, "COMPLETED", "amara"))
        .collect();
    let page_two = [event("Evt0000B001", 21, "ACTIVE", "fatmata")];
    fake.on(
        Method::Get,
        "/api/me?fields=organisationUnits%5Bid",
        json(
            200,
            r#"{"organisationUnits":[{"id":"ImspTQPwCqd","path":"/ImspTQPwCqd"}]}"#,
        ),
    )
    .on(
        Method::Get,
        "dhis2.test/dhis/api/organisationUnits?paging=false",
        units(SIERRA_LEONE),
    )
    .on(
        Method::Get,
        "filter=parent.id:eq:ImspTQPwCqd",
        units(BO),
    )
    // The mapping context of both sides.
    .on(
        Method::Get,
        "/api/categoryOptionCombos?paging=false",
        json(
            200,
            r#"{"categoryOptionCombos":[{"id":"HllvX50cXC0","name":"default",
              "categoryCombo":{"id":"bjDvmb4bfuf"},"categoryOptions":[{"id":"xYerKDKCefk"}]}]}"#,
        ),
    )
    .on(Method::Get, "dhis2.test/dhis/api/programs", json(200, PROGRAMS))
    .on(Method::Get, "remote.test/dhis/api/programs", json(200, PROGRAMS))
    // The checks before a run: the destination holds the unit, stages and entity type.
    .on(
        Method::Get,
        "remote.test/dhis/api/organisationUnits?paging=false&fields=id&filter=id:in:",
        units(r#"{"id":"O6uvpzGd5pu"}"#),
    )
    .on(
        Method::Get,
        "remote.test/dhis/api/programStages?paging=false&fields=id&filter=id:in:",
        json(
            200,
            r#"{"programStages":[{"id":"A03MvHHogjR"},{"id":"Zj7UnCAulEk"}]}"#,
        ),
    )
    .on(
        Method::Get,
        "remote.test/dhis/api/trackedEntityTypes?paging=false&fields=id&filter=id:in:",
        json(200, r#"{"trackedEntityTypes":[{"id":"nEenWmSyUEp"}]}"#),
    )
    // The table's pages (later entries win: page 2 is the specific one).
    .on(
        Method::Get,
        "dhis2.test/dhis/api/tracker/events?",
        json(
            200,
            &format!(
                r#"{{"pager":{{"page":1,"pageSize":20,"total":21,"pageCount":2}},"events":[{}]}}"#,
                page_one.join(",")
            ),
        ),
    )
    .on(
        Method::Get,
        "&page=2&pageSize=20",
        json(
            200,
            &format!(
                r#"{{"pager":{{"page":2,"pageSize":20,"total":21,"pageCount":2}},"events":[{}]}}"#,
                page_two.join(",")
            ),
        ),
    )
    // The engine's read: a page of 200 with the two events the test chooses.
    .on(
        Method::Get,
        "&pageSize=200",
        json(
            200,
            &format!(
                r#"{{"pager":{{"page":1,"pageSize":200}},"events":[{},{}]}}"#,
                event("Evt0000A001", 1, "COMPLETED", "amara"),
                page_two[0]
            ),
        ),
    )
    .on(
        Method::Get,
        "/api/userDataStore/metadata%2Dsync/events%2Dcolumns",
        json(
            404,
            r#"{"httpStatus":"Not Found","httpStatusCode":404,"status":"ERROR","message":"Key not found"}"#,
        ),
    )
    .on(
        Method::Put,
        "/api/userDataStore/metadata%2Dsync/events%2Dcolumns",
        json(200, r#"{"httpStatusCode":200,"status":"OK"}"#),
    )
    // 2.41 takes one event and refuses the other (atomic mode OBJECT).
    .on(
        Method::Post,
        "remote.test/dhis/api/tracker",
        json(
            409,
            r#"{"status":"ERROR","validationReport":{"errorReports":[
              {"message":"Event: `Evt0000B001`, has an invalid org unit.","errorCode":"E1029",
               "trackerType":"EVENT","uid":"Evt0000B001"}],"warningReports":[]},
              "stats":{"created":1,"updated":0,"deleted":0,"ignored":1,"total":2},
              "bundleReport":{"status":"OK","typeReportMap":{"EVENT":{"trackerType":"EVENT",
                "stats":{"created":1,"updated":0,"deleted":0,"ignored":1,"total":2},"objectReports":[]}}}}"#,
        ),
    );
    fake
}

async fn open_events(fake: &FakeDhis2) -> Mounted {
    set_hash_settled("#/sync/events").await;
    let mounted = mount_shell(services(fake));
    mounted.wait_for("panel-sync-events").await;
    mounted
        .wait_until("programs listed", |m| {
            m.find(&format!("events-program-{EVENT_PROGRAM}")).is_some()
        })
        .await;
    mounted
}

/// Sierra Leone opened, Bo checked.
async fn pick_bo(mounted: &Mounted) {
    mounted.wait_for("org-unit-open").await;
    mounted.click("org-unit-open");
    mounted
        .wait_until("Bo listed", |m| {
            !m.find_all("[data-test=\"org-unit-node\"][data-id=\"O6uvpzGd5pu\"]")
                .is_empty()
        })
        .await;
    check(
        mounted,
        "[data-test=\"org-unit-node\"][data-id=\"O6uvpzGd5pu\"] [data-test=\"org-unit-check\"]",
    );
    mounted.wait_for("org-unit-chip").await;
}

fn header_texts(mounted: &Mounted) -> Vec<String> {
    mounted
        .find_all("[data-test=\"events-table\"] thead th")
        .into_iter()
        .map(|th| {
            let text = th.text_content().unwrap_or_default();
            // The sorted column carries its arrow.
            text.trim_end_matches(['↓', '↑', ' ']).trim().to_string()
        })
        .filter(|text| !text.is_empty())
        .collect()
}

async fn rows_loaded(mounted: &Mounted, first: &str) {
    let first = first.to_string();
    mounted
        .wait_until("the table's rows", move |m| {
            !m.find_all(&format!(
                "[data-test=\"events-table\"] [data-test=\"data-table-row\"][data-id=\"{first}\"]"
            ))
            .is_empty()
        })
        .await;
}

/// Ticks the event's box in the table.
fn choose(mounted: &Mounted, id: &str) {
    check(
        mounted,
        &format!(
            "[data-test=\"data-table-row\"][data-id=\"{id}\"] [data-test=\"events-row-check\"]"
        ),
    );
}

#[wasm_bindgen_test]
async fn the_menu_opens_the_page_and_the_selection_says_what_is_missing() {
    let fake = events_server().await;
    set_hash("#/sync");
    let mounted = mount_shell(services(&fake));
    let card = mounted.wait_for("sync-menu-events").await;
    assert_eq!(card.get_attribute("href").as_deref(), Some("#/sync/events"));
    drop(mounted);
    let mounted = open_events(&fake).await;
    let kinds = mounted.text("events-programs");
    assert!(
        kinds.contains("Event program") && kinds.contains("Tracker program"),
        "{kinds}"
    );
    mounted.wait_for("sync-destination").await;

    mounted.click("events-dry-run");
    mounted
        .wait_for_text("events-notice", "at least one program")
        .await;
    mounted.click(&format!("events-program-{EVENT_PROGRAM}"));
    mounted.click("events-dry-run");
    mounted
        .wait_for_text("events-notice", "organisation unit")
        .await;
    pick_bo(&mounted).await;
    mounted.click("events-dry-run");
    mounted.wait_for_text("events-notice", "destination").await;
    // Chosen events asked for, none chosen.
    mounted.click(&format!("sync-destination-{REMOTE_ID}"));
    mounted.click("events-only-chosen");
    mounted.click("events-dry-run");
    let said = mounted.text("events-notice");
    assert!(!said.is_empty(), "the empty choice is said");
    assert!(
        fake.requests_to("remote.test/dhis/api/tracker")
            .iter()
            .all(|r| r.method != Method::Post),
        "nothing was written"
    );
    // The tracked entities' date only with a tracker program.
    let entities_field = mounted
        .find("events-entities-period-field")
        .and_then(|e| e.parent_element())
        .expect("the tracked entities' date");
    assert!(entities_field.has_attribute("hidden"));
    mounted.click(&format!("events-program-{TRACKER_PROGRAM}"));
    mounted
        .wait_until("the tracked entities' date shown", |m| {
            m.find("events-entities-period-field")
                .and_then(|e| e.parent_element())
                .is_some_and(|e| !e.has_attribute("hidden"))
        })
        .await;
    set_hash("#/");
}

#[wasm_bindgen_test]
async fn the_chosen_events_table_pages_sorts_and_remembers_its_columns() {
    let fake = events_server().await;
    let mounted = open_events(&fake).await;
    mounted.click(&format!("events-program-{EVENT_PROGRAM}"));
    pick_bo(&mounted).await;
    mounted.click("events-only-chosen");
    rows_loaded(&mounted, "Evt0000A001").await;

    let reads = fake.requests_to("dhis2.test/dhis/api/tracker/events?");
    let first = reads.last().expect("the table read the origin");
    for part in [
        "program=eBAyeGv0exc",
        "orgUnit=O6uvpzGd5pu",
        "orgUnitMode=DESCENDANTS",
        "page=1&pageSize=20",
        "totalPages=true",
        "order=occurredAt%3Adesc",
    ] {
        assert!(first.url.contains(part), "{part} in {}", first.url);
    }
    assert_eq!(
        mounted
            .find_all("[data-test=\"events-table\"] [data-test=\"data-table-row\"]")
            .len(),
        20
    );
    let info = mounted.text("data-table-page-info");
    assert!(info.contains("Page 1 of 2 (21 events)"), "{info}");
    assert_eq!(
        header_texts(&mounted),
        [
            "Program",
            "Organisation unit",
            "Event date",
            "Status",
            "Stored by"
        ]
    );
    let row = mounted
        .find_all("[data-test=\"data-table-row\"][data-id=\"Evt0000A003\"]")
        .into_iter()
        .next()
        .expect("a row");
    let cells = row.text_content().unwrap_or_default();
    assert!(
        cells.contains("Inpatient morbidity and mortality")
            && cells.contains("Bo")
            && cells.contains("2025-03-03")
            && cells.contains("COMPLETED")
            && cells.contains("amara"),
        "{cells}"
    );

    // Chosen on page 1, then on page 2: both stay chosen.
    choose(&mounted, "Evt0000A001");
    mounted.click("data-table-page-next");
    rows_loaded(&mounted, "Evt0000B001").await;
    assert!(fake
        .requests_to("&page=2&pageSize=20")
        .iter()
        .any(|r| r.url.contains("api/tracker/events")));
    choose(&mounted, "Evt0000B001");
    let chosen = mounted
        .wait_for_text("events-chosen-count", "2 events")
        .await;
    assert!(chosen.contains("2 events chosen"), "{chosen}");

    // Sorting asks the server again, from page 1.
    mounted.click("events-sort-status");
    mounted
        .wait_until("sorted by status", |_| {
            fake.requests_to("order=status%3Aasc")
                .iter()
                .any(|r| r.url.contains("page=1&"))
        })
        .await;

    // Columns: one more, one less; the choice goes to the user's dataStore.
    mounted.click("events-column-trackedEntity");
    mounted.click("events-column-storedBy");
    mounted
        .wait_until("the columns saved", |_| {
            fake.requests_to("userDataStore/metadata%2Dsync/events%2Dcolumns")
                .iter()
                .filter(|r| r.method == Method::Put)
                .count()
                >= 2
        })
        .await;
    let saved = fake
        .requests_to("userDataStore/metadata%2Dsync/events%2Dcolumns")
        .into_iter()
        .rfind(|r| r.method == Method::Put)
        .expect("a save");
    let body = String::from_utf8_lossy(saved.body.as_deref().unwrap_or_default()).into_owned();
    assert!(
        body.contains("trackedEntity") && !body.contains("storedBy"),
        "{body}"
    );
    assert!(header_texts(&mounted).contains(&"Tracked entity".to_string()));
    set_hash("#/");

    // Opened again, the page shows the user's columns.
    fake.on(
        Method::Get,
        "/api/userDataStore/metadata%2Dsync/events%2Dcolumns",
        json(200, r#"{"visible":["date","status","trackedEntity"]}"#),
    );
    drop(mounted);
    let mounted = open_events(&fake).await;
    mounted.click(&format!("events-program-{EVENT_PROGRAM}"));
    pick_bo(&mounted).await;
    mounted.click("events-only-chosen");
    rows_loaded(&mounted, "Evt0000A001").await;
    assert_eq!(
        header_texts(&mounted),
        ["Event date", "Status", "Tracked entity"]
    );
    set_hash("#/");
}

#[wasm_bindgen_test]
async fn a_sync_of_chosen_events_reports_counts_per_type_and_each_validation_error() {
    let fake = events_server().await;
    let mounted = open_events(&fake).await;
    mounted.wait_for("sync-destination").await;
    mounted.click(&format!("sync-destination-{REMOTE_ID}"));
    mounted.click(&format!("events-program-{EVENT_PROGRAM}"));
    pick_bo(&mounted).await;
    mounted.click("events-only-chosen");
    rows_loaded(&mounted, "Evt0000A001").await;
    choose(&mounted, "Evt0000A001");
    mounted.click("data-table-page-next");
    rows_loaded(&mounted, "Evt0000B001").await;
    choose(&mounted, "Evt0000B001");
    mounted.click("events-no-geometry");

    mounted.click("events-start");
    let dialog = mounted.wait_for("confirm-dialog").await;
    assert!(
        dialog
            .text_content()
            .unwrap_or_default()
            .contains("Destination"),
        "the confirmation names the destination"
    );
    mounted.click("confirm-ok");

    let results = mounted.wait_for_text("sync-results", "finished").await;
    assert!(results.contains("Sync finished"), "{results}");
    let reads: Vec<String> = fake
        .requests_to("dhis2.test/dhis/api/tracker/events?")
        .into_iter()
        .map(|r| r.url)
        .filter(|url| url.contains("pageSize=200"))
        .collect();
    assert!(
        reads
            .iter()
            .any(|url| url.contains("events=Evt0000A001%2CEvt0000B001")
                || url.contains("events=Evt0000B001%2CEvt0000A001")),
        "only the chosen events are read: {reads:?} {:?} {}",
        fake.requests_to("/api/")
            .iter()
            .map(|r| &r.url)
            .filter(|url| !url.contains("dataStore") && !url.contains("sharing"))
            .collect::<Vec<_>>(),
        mounted.text("sync-results")
    );
    let posts: Vec<_> = fake
        .requests_to("remote.test/dhis/api/tracker")
        .into_iter()
        .filter(|r| r.method == Method::Post)
        .collect();
    assert_eq!(posts.len(), 1, "one page written");
    let body = String::from_utf8_lossy(posts[0].body.as_deref().unwrap_or_default()).into_owned();
    assert!(
        body.contains("Evt0000A001") && body.contains("Evt0000B001"),
        "{body}"
    );

    let target = mounted.wait_for("sync-target").await;
    assert_ne!(
        target.get_attribute("data-status").as_deref(),
        Some("success"),
        "a refused event is not a clean success"
    );
    let row = mounted
        .find_all("[data-test=\"events-type-stats\"][data-type=\"events\"]")
        .into_iter()
        .next()
        .expect("a row for events");
    let counts = row.text_content().unwrap_or_default();
    assert!(counts.starts_with("Events"), "{counts}");
    assert_eq!(
        row.query_selector("[data-test=\"events-created\"]")
            .ok()
            .flatten()
            .and_then(|c| c.text_content())
            .as_deref(),
        Some("1")
    );
    assert_eq!(
        row.query_selector("[data-test=\"events-ignored\"]")
            .ok()
            .flatten()
            .and_then(|c| c.text_content())
            .as_deref(),
        Some("1")
    );
    let errors = mounted.text("events-errors");
    assert!(
        errors.contains("1 validation error")
            && errors.contains("E1029")
            && errors.contains("Evt0000B001")
            && errors.contains("invalid org unit"),
        "{errors}"
    );
    mounted.find("events-errors-csv").expect("a CSV download");
    let progress = mounted.text("events-pages-read");
    assert!(progress.contains("1 page"), "{progress}");
    mounted.wait_for("sync-history-saved").await;
    assert!(
        fake.datastore_values(mdsync_core::storage::NAMESPACE)
            .iter()
            .any(|(key, value)| key.starts_with("history") && value.contains("eBAyeGv0exc")),
        "the history entry holds the program's figures"
    );
    set_hash("#/");
}
