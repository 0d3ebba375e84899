//! The aggregated data sync page in headless Chromium, against a fake DHIS2 (the Sync panel's
//! fake of `browser_support/sync.rs`, with org units and data values added here).
//! Run: `CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown --test browser_aggregated`
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

const SIERRA_LEONE: &str = r#"{"id":"ImspTQPwCqd","displayName":"Sierra Leone","path":"/ImspTQPwCqd",
    "level":1,"children":[{"id":"O6uvpzGd5pu"}]}"#;
const BO: &str = r#"{"id":"O6uvpzGd5pu","displayName":"Bo","path":"/ImspTQPwCqd/O6uvpzGd5pu",
    "level":2,"children":[]}"#;

/// Found by a search, but not below the user's root.
const OUTSIDE: &str = r#"{"id":"Bo0utside01","displayName":"Bo outside","path":"/Other0Root1/Bo0utside01",
    "level":2}"#;

/// The Sync panel's fake, plus the user's org units, the ANC data set's element, its values at
/// the origin (one the destination refuses) and the destination's answers.
async fn aggregated_server() -> FakeDhis2 {
    let fake = server().await;
    let units = |list: &str| json(200, &format!(r#"{{"organisationUnits":[{list}]}}"#));
    fake.on(
        Method::Get,
        "/api/me?fields=organisationUnits%5Bid",
        json(
            200,
            r#"{"organisationUnits":[{"id":"ImspTQPwCqd","path":"/ImspTQPwCqd"}]}"#,
        ),
    )
    // Roots by id; the children of Sierra Leone; Bo by id; Bo's subtree; a search.
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
    .on(Method::Get, "filter=id:in:%5BO6uvpzGd5pu", units(BO))
    .on(Method::Get, "filter=path:like:O6uvpzGd5pu", units(BO))
    .on(
        Method::Get,
        "dhis2.test/dhis/api/organisationUnits?page=1",
        units(&format!("{BO},{OUTSIDE}")),
    )
    .on(
        Method::Get,
        "dhis2.test/dhis/api/dataSets?paging=false&fields=id,dataSetElements",
        json(
            200,
            r#"{"dataSets":[{"id":"pBOMPrpg1QX","dataSetElements":[
              {"dataElement":{"id":"fbfJHSPpUQD","valueType":"NUMBER"}}]}]}"#,
        ),
    )
    .on(
        Method::Get,
        "/api/categoryOptionCombos?paging=false",
        json(
            200,
            r#"{"categoryOptionCombos":[{"id":"HllvX50cXC0","name":"default",
              "categoryCombo":{"id":"bjDvmb4bfuf"},"categoryOptions":[{"id":"xYerKDKCefk"}]}]}"#,
        ),
    )
    .on(
        Method::Get,
        "/api/metadata?",
        json(
            200,
            r#"{"system":{"version":"2.41.1"},
              "categoryOptionCombos":[{"id":"HllvX50cXC0","name":"default"}],
              "categoryCombos":[{"id":"bjDvmb4bfuf","name":"default"}],
              "categories":[{"id":"GLevLNI9wkl","name":"default"}],
              "categoryOptions":[{"id":"xYerKDKCefk","name":"default"}]}"#,
        ),
    )
    .on(
        Method::Get,
        "dhis2.test/dhis/api/dataValueSets",
        json(
            200,
            r#"{"dataValues":[
              {"dataElement":"fbfJHSPpUQD","period":"202401","orgUnit":"O6uvpzGd5pu",
               "categoryOptionCombo":"HllvX50cXC0","attributeOptionCombo":"HllvX50cXC0","value":"12"},
              {"dataElement":"fbfJHSPpUQD","period":"202402","orgUnit":"O6uvpzGd5pu",
               "categoryOptionCombo":"HllvX50cXC0","attributeOptionCombo":"HllvX50cXC0","value":"twelve"}]}"#,
        ),
    )
    // What the checks before a run read: the data set's element and its (default) combo.
    .on(
        Method::Get,
        "dhis2.test/dhis/api/dataElements?paging=false&fields=id,categoryCombo",
        json(
            200,
            r#"{"dataElements":[{"id":"fbfJHSPpUQD","categoryCombo":{"id":"bjDvmb4bfuf",
              "categoryOptionCombos":[{"id":"HllvX50cXC0"}]}}]}"#,
        ),
    )
    // The destination has the data set, its element and the unit.
    .on(
        Method::Get,
        "remote.test/dhis/api/dataSets?paging=false",
        json(200, r#"{"dataSets":[{"id":"pBOMPrpg1QX"}]}"#),
    )
    .on(
        Method::Get,
        "remote.test/dhis/api/dataElements?paging=false",
        json(200, r#"{"dataElements":[{"id":"fbfJHSPpUQD"}]}"#),
    )
    .on(
        Method::Get,
        "remote.test/dhis/api/organisationUnits?paging=false",
        units(r#"{"id":"O6uvpzGd5pu"}"#),
    )
    .on(
        Method::Get,
        "remote.test/dhis/api/dataValueSets.json",
        json(200, r#"{"dataValues":[]}"#),
    )
    // 2.41 answers a conflict with 409 and the summary.
    .on(
        Method::Post,
        "remote.test/dhis/api/dataValueSets",
        json(
            409,
            r#"{"httpStatus":"Conflict","httpStatusCode":409,"status":"WARNING",
              "message":"One more conflicts encountered, please check import summary.",
              "response":{"responseType":"ImportSummary","status":"WARNING",
                "importCount":{"imported":1,"updated":0,"ignored":1,"deleted":0},
                "conflicts":[{"object":"twelve","objects":{"value":"twelve"},
                  "value":"Value must be a number","errorCode":"E7619","property":"value",
                  "indexes":[1]}]}}"#,
        ),
    );
    fake
}

async fn open_aggregated(fake: &FakeDhis2) -> Mounted {
    set_hash_settled("#/sync/aggregated").await;
    let mounted = mount_shell(services(fake));
    mounted.wait_for("panel-sync-aggregated").await;
    mounted
        .wait_until("data sets listed", |m| m.row_with("ANC monthly").is_some())
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

#[wasm_bindgen_test]
async fn the_menu_opens_the_page_with_data_sets_and_the_users_org_unit_tree() {
    let fake = aggregated_server().await;
    let mounted = open_aggregated(&fake).await;
    let listing = fake.requests_to("dhis2.test/dhis/api/dataSets?fields=");
    assert!(
        listing.iter().any(|r| r.url.contains("page=1")),
        "the data sets are read a page at a time"
    );
    assert!(mounted
        .text("aggregated-objects")
        .contains("Page 1 of 2 (3 objects)"));
    // Indicators only in aggregation mode.
    let indicators = mounted
        .find("aggregated-kind-indicators")
        .expect("an indicators tab");
    assert!(indicators.has_attribute("hidden"));
    mounted.click("aggregated-mode-analytics");
    mounted
        .wait_until("indicators offered", |m| {
            m.find("aggregated-kind-indicators")
                .is_some_and(|e| !e.has_attribute("hidden"))
        })
        .await;
    assert!(
        mounted.find("aggregated-delete-stale").is_none(),
        "stale values are a raw-mode option"
    );
    mounted.click("aggregated-mode-raw");

    mounted.click_in_row("ANC monthly", "aggregated-row-check");
    let picked = mounted
        .wait_for_text("aggregated-picked-list", "ANC monthly")
        .await;
    assert!(picked.contains("1 item chosen"), "{picked}");

    // The tree: the user's root, its children read only when opened.
    let root = mounted.wait_for("org-unit-node").await;
    assert!(root
        .text_content()
        .unwrap_or_default()
        .contains("Sierra Leone"));
    assert!(fake.requests_to("parent.id:eq:").is_empty());
    pick_bo(&mounted).await;
    assert_eq!(fake.requests_to("parent.id:eq:ImspTQPwCqd").len(), 1);
    assert!(mounted
        .text("org-unit-tree-selected")
        .contains("1 unit chosen"));
    let descendants: web_sys::HtmlInputElement = wasm_bindgen::JsCast::unchecked_into(
        mounted
            .find("org-unit-tree-descendants")
            .expect("the include switch"),
    );
    assert!(descendants.checked(), "units below are included by default");

    // The search stays within the user's hierarchy.
    mounted.type_into("org-unit-search", "bo");
    mounted.click("org-unit-search-go");
    let results = mounted.wait_for("org-unit-search-results").await;
    let found = mounted.find_all("[data-test=\"org-unit-search-result\"]");
    assert_eq!(
        found.len(),
        1,
        "the unit outside the user's hierarchy is left out: {}",
        results.text_content().unwrap_or_default()
    );
    let period: web_sys::HtmlSelectElement = wasm_bindgen::JsCast::unchecked_into(
        mounted
            .find("period-picker-kind")
            .expect("the period select"),
    );
    assert_eq!(
        period.value(),
        "last_year",
        "last year is the default period"
    );
    assert!(
        mounted.find("period-picker-start").is_none(),
        "dates only for a fixed period"
    );
    set_hash("#/");
}

#[wasm_bindgen_test]
async fn missing_or_wrong_choices_are_said_before_anything_is_read() {
    let fake = aggregated_server().await;
    let mounted = open_aggregated(&fake).await;
    mounted.wait_for("sync-destination").await;

    mounted.click("aggregated-dry-run");
    mounted
        .wait_for_text("aggregated-notice", "Choose what to sync")
        .await;
    mounted.click_in_row("ANC monthly", "aggregated-row-check");
    mounted.click("aggregated-dry-run");
    mounted
        .wait_for_text("aggregated-notice", "Choose at least one organisation unit")
        .await;
    pick_bo(&mounted).await;
    mounted.click("aggregated-dry-run");
    mounted
        .wait_for_text("aggregated-notice", "Choose at least one destination")
        .await;
    mounted.click(&format!("sync-destination-{REMOTE_ID}"));
    mounted.type_into("period-picker-kind", "fixed");
    mounted.wait_for("period-picker-start").await;
    mounted.type_into("period-picker-start", "2024-12-31");
    mounted.type_into("period-picker-end", "2024-01-01");
    mounted.click("aggregated-dry-run");
    let said = mounted
        .wait_for_text("aggregated-notice", "before it starts")
        .await;
    assert!(said.contains("Swap the dates"), "{said}");
    assert!(
        fake.requests_to("api/dataValueSets").is_empty(),
        "nothing was read or written"
    );
    set_hash("#/");
}

#[wasm_bindgen_test]
async fn a_sync_writes_the_values_and_reports_counts_and_conflicts() {
    let fake = aggregated_server().await;
    let mounted = open_aggregated(&fake).await;
    mounted.wait_for("sync-destination").await;
    mounted.click(&format!("sync-destination-{REMOTE_ID}"));
    mounted.click_in_row("ANC monthly", "aggregated-row-check");
    pick_bo(&mounted).await;

    mounted.click("aggregated-start");
    let dialog = mounted.wait_for("confirm-dialog").await;
    assert!(
        dialog
            .text_content()
            .unwrap_or_default()
            .contains("Destination"),
        "the confirmation names the destination"
    );
    mounted.click("confirm-ok");

    let results = mounted
        .wait_for_text("aggregated-results", "finished")
        .await;
    assert!(results.contains("Sync finished"), "{results}");
    let reads = fake.requests_to("dhis2.test/dhis/api/dataValueSets");
    assert!(
        !reads.is_empty(),
        "values were read from the origin: {results} {:?}",
        fake.requests_to("/api/")
            .iter()
            .map(|r| &r.url)
            .collect::<Vec<_>>()
    );
    assert!(
        reads
            .iter()
            .all(|r| r.url.contains("dataSet=pBOMPrpg1QX") && r.url.contains("startDate=")),
        "{:?}",
        reads.iter().map(|r| &r.url).collect::<Vec<_>>()
    );
    let posts: Vec<_> = fake
        .requests_to("remote.test/dhis/api/dataValueSets")
        .into_iter()
        .filter(|r| r.method == Method::Post)
        .collect();
    assert_eq!(posts.len(), 1, "one chunk written");
    let body = String::from_utf8_lossy(posts[0].body.as_deref().unwrap_or_default()).into_owned();
    assert!(
        body.contains("fbfJHSPpUQD") && body.contains("twelve"),
        "{body}"
    );

    let target = mounted.wait_for("aggregated-target").await;
    assert_eq!(
        target.get_attribute("data-status").as_deref(),
        Some("warning"),
        "a refused value is a warning, not a failure"
    );
    assert_eq!(mounted.text("aggregated-values-sent"), "2");
    assert_eq!(mounted.text("aggregated-imported"), "1");
    assert_eq!(mounted.text("aggregated-ignored"), "1");
    let conflicts = mounted.text("aggregated-conflicts");
    assert!(
        conflicts.contains("1 value refused") && conflicts.contains("Value must be a number"),
        "{conflicts}"
    );
    assert!(
        mounted.row_with("202402").is_some(),
        "the refused value's row"
    );
    mounted
        .find("aggregated-download-conflicts")
        .expect("a CSV download");
    mounted.wait_for("aggregated-history-saved").await;
    assert!(
        fake.datastore_values(mdsync_core::storage::NAMESPACE)
            .iter()
            .any(|(key, value)| key.starts_with("history") && value.contains("fbfJHSPpUQD")),
        "the history entry holds the data stats"
    );
    set_hash("#/");
}

#[wasm_bindgen_test]
async fn chosen_attribute_options_are_offered_by_combo_and_limit_the_read() {
    let fake = aggregated_server().await;
    fake.on(
        Method::Get,
        "dhis2.test/dhis/api/categoryCombos?paging=false&filter=dataDimensionType:eq:ATTRIBUTE",
        json(
            200,
            r#"{"categoryCombos":[
              {"id":"bjDvmb4bfuf","name":"default","isDefault":true,
               "categories":[{"categoryOptions":[{"id":"xYerKDKCefk","displayName":"default"}]}]},
              {"id":"Fund0Combo1","displayName":"Funding mechanism","isDefault":false,
               "categories":[{"categoryOptions":[{"id":"Fund0USAID1","displayName":"USAID"},
                 {"id":"Fund0CDC001","displayName":"CDC"}]}]}]}"#,
        ),
    );
    let mounted = open_aggregated(&fake).await;
    mounted.wait_for("sync-destination").await;
    mounted.click(&format!("sync-destination-{REMOTE_ID}"));
    mounted.click_in_row("ANC monthly", "aggregated-row-check");
    pick_bo(&mounted).await;

    assert!(
        fake.requests_to("api/categoryCombos").is_empty(),
        "read only when asked for"
    );
    mounted.click("aggregated-attributes-chosen");
    mounted.wait_for("aggregated-attribute-combo").await;
    let combos = mounted.find_all("[data-test=\"aggregated-attribute-combo\"]");
    assert_eq!(combos.len(), 1, "the default combo is not offered");
    let offered = mounted.text("aggregated-attributes");
    assert!(
        offered.contains("Funding mechanism")
            && offered.contains("CDC")
            && offered.contains("USAID"),
        "{offered}"
    );
    // Chosen, but none picked: said before anything is read.
    mounted.click("aggregated-dry-run");
    mounted
        .wait_for_text("aggregated-notice", "at least one attribute option")
        .await;
    assert!(fake.requests_to("api/dataValueSets").is_empty());

    check(
        &mounted,
        "[data-test=\"aggregated-attribute-option\"][value=\"Fund0USAID1\"]",
    );
    mounted.click("aggregated-dry-run");
    mounted
        .wait_for_text("aggregated-results", "finished")
        .await;
    assert!(
        fake.requests_to("/api/categoryOptionCombos")
            .iter()
            .any(|r| r.url.contains("Fund0USAID1") && !r.url.contains("Fund0CDC001")),
        "the combos of the chosen option are looked up"
    );
    let reads = fake.requests_to("dhis2.test/dhis/api/dataValueSets");
    assert!(!reads.is_empty());
    assert!(
        reads
            .iter()
            .all(|r| r.url.contains("attributeOptionCombo=HllvX50cXC0")),
        "{:?}",
        reads.iter().map(|r| &r.url).collect::<Vec<_>>()
    );
    set_hash("#/");
}

#[wasm_bindgen_test]
async fn levels_and_groups_are_read_when_opened_and_pick_the_units_read() {
    let fake = aggregated_server().await;
    fake.on(
        Method::Get,
        "dhis2.test/dhis/api/organisationUnitLevels",
        json(
            200,
            r#"{"organisationUnitLevels":[{"id":"Lvl0000001a","level":1,"displayName":"National"},
              {"id":"Lvl0000002a","level":2,"displayName":"District"}]}"#,
        ),
    )
    .on(
        Method::Get,
        "dhis2.test/dhis/api/organisationUnitGroups",
        json(
            200,
            r#"{"organisationUnitGroups":[{"id":"CXw2yu5fodb","displayName":"CHC"},
              {"id":"RpbiCJpIYEj","displayName":"Urban"}]}"#,
        ),
    )
    // Level 2 below the user's root: Bo.
    .on(
        Method::Get,
        "filter=level:in:%5B2%5D",
        json(200, &format!(r#"{{"organisationUnits":[{BO}]}}"#)),
    );
    let mounted = open_aggregated(&fake).await;
    mounted.wait_for("sync-destination").await;
    mounted.click(&format!("sync-destination-{REMOTE_ID}"));
    mounted.click_in_row("ANC monthly", "aggregated-row-check");
    assert!(
        fake.requests_to("api/organisationUnitLevels").is_empty(),
        "read only when opened"
    );
    mounted.click("aggregated-levels-groups-open");
    mounted.wait_for("aggregated-level").await;
    let offered = mounted.text("aggregated-levels-groups");
    assert!(
        offered.contains("District") && offered.contains("CHC") && offered.contains("Urban"),
        "{offered}"
    );
    mounted.type_into("aggregated-groups-filter", "urb");
    mounted
        .wait_until("the filter leaves Urban", |m| {
            m.find_all("[data-test=\"aggregated-group\"]").len() == 1
        })
        .await;
    // No unit chosen in the tree: level 2 within the user's hierarchy.
    check(&mounted, "[data-test=\"aggregated-level\"][value=\"2\"]");
    mounted.wait_for("aggregated-levels-groups-count").await;
    mounted.click("aggregated-dry-run");
    mounted
        .wait_for_text("aggregated-results", "finished")
        .await;
    assert!(
        fake.requests_to("filter=level:in")
            .iter()
            .any(|r| r.url.contains("path:like:ImspTQPwCqd")),
        "the level is resolved below the user's root"
    );
    let reads = fake.requests_to("dhis2.test/dhis/api/dataValueSets");
    assert!(!reads.is_empty());
    assert!(
        reads.iter().all(|r| r.url.contains("orgUnit=O6uvpzGd5pu")),
        "{:?}",
        reads.iter().map(|r| &r.url).collect::<Vec<_>>()
    );
    set_hash("#/");
}

#[wasm_bindgen_test]
async fn a_mapping_onto_a_data_element_the_destination_lacks_is_shown_before_the_run() {
    let fake = aggregated_server().await;
    // The stored mapping sends the data set's data element to one the destination does not
    // hold (it has only the origin's own id).
    fake.datastore.borrow_mut().insert(
        format!("metadata-sync/mappings-{REMOTE_ID}"),
        r#"{"aggregatedDataElements":{"fbfJHSPpUQD":{"mappedId":"MissingDe01"}}}"#.into(),
    );
    let mounted = open_aggregated(&fake).await;
    mounted.wait_for("sync-destination").await;
    mounted.click(&format!("sync-destination-{REMOTE_ID}"));
    mounted.click_in_row("ANC monthly", "aggregated-row-check");
    pick_bo(&mounted).await;

    mounted.click("aggregated-start");
    mounted.wait_for("confirm-dialog").await;
    mounted.click("confirm-ok");
    let dialog = mounted.wait_for("mapping-checks-dialog").await;
    let findings = mounted.find_all("[data-test=\"mapping-check-finding\"]");
    assert!(!findings.is_empty(), "the dialog lists what it found");
    let text = dialog.text_content().unwrap_or_default();
    assert!(text.contains("MissingDe01"), "{text}");
    assert!(
        fake.requests_to("remote.test/dhis/api/dataValueSets")
            .iter()
            .all(|r| r.method != Method::Post),
        "nothing is written before the user decides"
    );

    // Going on runs the sync with the mapping applied.
    mounted.click("mapping-check-go-on");
    let results = mounted
        .wait_for_text("aggregated-results", "finished")
        .await;
    assert!(results.contains("Sync finished"), "{results}");
    let posts: Vec<_> = fake
        .requests_to("remote.test/dhis/api/dataValueSets")
        .into_iter()
        .filter(|r| r.method == Method::Post)
        .collect();
    assert_eq!(posts.len(), 1, "one chunk written");
    let body = String::from_utf8_lossy(posts[0].body.as_deref().unwrap_or_default()).into_owned();
    assert!(
        body.contains("MissingDe01") && !body.contains("fbfJHSPpUQD"),
        "the values carry the mapped data element: {body}"
    );
    set_hash("#/");
}
