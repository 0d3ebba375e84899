//! The metadata sync page in headless Chromium, against a fake DHIS2 (schemas, a type listing,
//! an in-memory dataStore) and a fake destination.
//! Run: `CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown --test browser_sync`
#![cfg(target_arch = "wasm32")]

mod browser_support;
#[path = "browser_support/sync.rs"]
mod sync_support;

use browser_support::*;
use mdsync_core::dhis2::Method;
use sync_support::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// The remote as destination, and the "ANC monthly" data set picked.
async fn pick_anc_monthly_for_the_remote(mounted: &Mounted) {
    mounted.click(&format!("sync-destination-{REMOTE_ID}"));
    mounted.click("type-dataSets");
    mounted
        .wait_until("rows listed", |m| m.row_with("ANC monthly").is_some())
        .await;
    mounted.click_in_row("ANC monthly", "sync-row-check");
}

#[wasm_bindgen_test]
async fn the_menu_leads_to_metadata_and_says_what_is_coming() {
    let fake = server().await;
    set_hash("#/sync");
    let mounted = mount_shell(services(&fake));
    mounted.wait_for("sync-menu-metadata").await;
    let aggregated = mounted
        .find("sync-menu-aggregated")
        .expect("an aggregated data entry");
    assert_eq!(
        aggregated.get_attribute("href").as_deref(),
        Some("#/sync/aggregated")
    );
    assert_eq!(
        mounted
            .find("sync-menu-events")
            .and_then(|e| e.get_attribute("href"))
            .as_deref(),
        Some("#/sync/events")
    );
    let deleted = mounted
        .find("sync-menu-deleted")
        .expect("a deleted objects entry");
    assert_eq!(
        deleted.get_attribute("href").as_deref(),
        Some("#/sync/deleted")
    );
    set_hash("#/");
}

#[wasm_bindgen_test]
async fn types_are_grouped_and_picked_rows_fill_the_running_list() {
    let fake = server().await;
    let mounted = open_page(&fake).await;
    for (group, member) in [
        ("aggregated", "type-dataSets"),
        ("tracker", "type-programs"),
        ("org-units", "type-organisationUnits"),
        ("categories", "type-categoryCombos"),
        ("users", "type-userRoles"),
        ("dashboards", "type-dashboards"),
        ("other", "type-attributes"),
    ] {
        let group_element = mounted
            .find(&format!("type-group-{group}"))
            .unwrap_or_else(|| panic!("group {group}"));
        assert!(
            group_element
                .query_selector(&format!("[data-test=\"{member}\"]"))
                .ok()
                .flatten()
                .is_some(),
            "{member} belongs to {group}"
        );
    }
    assert!(mounted.text("type-group-aggregated").contains("Data sets"));

    mounted.click("type-dataSets");
    mounted
        .wait_until("rows listed", |m| m.row_with("ANC monthly").is_some())
        .await;
    assert!(mounted
        .text("sync-objects")
        .contains("Page 1 of 2 (3 objects)"));
    let listing = fake.requests_to("dhis2.test/dhis/api/dataSets");
    let url = &listing.last().expect("a listing request").url;
    assert!(
        url.contains("fields=id%2CdisplayName%2Ccode%2ClastUpdated") && url.contains("page=1"),
        "{url}"
    );

    mounted.click_in_row("ANC monthly", "sync-row-check");
    let line = mounted.wait_for_text("sync-picked", "ANC monthly").await;
    assert!(line.contains("Data sets"), "{line}");
    assert_eq!(mounted.text("sync-picked-count"), "1");
    assert_eq!(
        mounted.text("type-count"),
        "1",
        "the type list counts picks too"
    );

    mounted.click("sync-select-page");
    mounted
        .wait_until("both picked", |m| m.text("sync-picked-count") == "2")
        .await;
    assert!(mounted.text("sync-picked").contains("Malaria weekly"));

    check(&mounted, "[data-test=\"sync-picked-item\"][data-id=\"pBOMPrpg1QX\"] [data-test=\"sync-picked-remove\"]");
    mounted
        .wait_until("one left", |m| m.text("sync-picked-count") == "1")
        .await;
    assert!(!mounted.text("sync-picked").contains("ANC monthly"));

    mounted.click("sync-all-of-type");
    mounted.wait_for("sync-picked-all").await;
    assert_eq!(mounted.text("sync-picked-count"), "all");

    mounted.type_into("sync-search", "anc & co");
    mounted
        .wait_until("a search request", |_| {
            fake.requests_to("dhis2.test/dhis/api/dataSets")
                .iter()
                .any(|r| {
                    r.url.contains("filter=name%3Ailike%3Aanc%20%26%20co")
                        && r.url.contains("rootJunction=OR")
                })
        })
        .await;
    mounted.type_into("sync-since", "2024-01-01");
    mounted
        .wait_until("a dated search request", |_| {
            fake.requests_to("dhis2.test/dhis/api/dataSets")
                .iter()
                .any(|r| {
                    r.url
                        .contains("filter=identifiable%3Atoken%3Aanc%20%26%20co")
                        && r.url.contains("filter=lastUpdated%3Age%3A2024-01-01")
                        && !r.url.contains("rootJunction")
                })
        })
        .await;
    set_hash("#/");
}

#[wasm_bindgen_test]
async fn options_reach_the_import_and_the_report_is_shown_and_saved() {
    let fake = server().await;
    let mounted = open_page(&fake).await;
    mounted.wait_for("sync-destination").await;
    assert!(mounted.find("opt-merge-note").is_none());
    mounted.click(&format!("sync-destination-{REMOTE_ID}"));
    mounted
        .wait_for_text("opt-merge-note", "DHIS2 2.41+ ignores merge mode")
        .await;

    mounted.click("type-dataSets");
    mounted
        .wait_until("rows listed", |m| m.row_with("ANC monthly").is_some())
        .await;
    mounted.click_in_row("ANC monthly", "sync-row-check");
    mounted.wait_for("sync-picked-line").await;

    mounted.click("opt-dependencies");
    mounted.type_into("opt-strategy", "CREATE");
    mounted.type_into("opt-atomic", "NONE");
    mounted.type_into("opt-identifier", "CODE");
    mounted.click("opt-skip-sharing");
    mounted.click("sync-dry-run");

    let status = mounted.wait_for_text("sync-results", "finished").await;
    assert!(status.contains("Dry run finished"), "{status}");
    let (posts, reads): (Vec<_>, Vec<_>) = fake
        .requests_to("remote.test/dhis/api/metadata")
        .into_iter()
        .partition(|r| r.method == Method::Post);
    assert_eq!(posts.len(), 1, "one chunk sent to the destination");
    assert_eq!(
        reads.len(),
        1,
        "one existence check for the dry-run preview"
    );
    assert!(reads[0].url.contains("filter=id:in:"), "{}", reads[0].url);
    let preview = mounted
        .wait_for_text("sync-dry-run-preview", "Would create")
        .await;
    assert!(preview.contains("Data sets"), "{preview}");
    let url = &posts[0].url;
    for expected in [
        "importMode=VALIDATE",
        "importStrategy=CREATE",
        "atomicMode=NONE",
        "identifier=CODE",
        "skipSharing=true",
    ] {
        assert!(url.contains(expected), "{expected} in {url}");
    }
    let reads: Vec<String> = fake
        .requests_to("dhis2.test/dhis/api/dataSets")
        .into_iter()
        .map(|r| r.url)
        .filter(|url| url.contains("paging=false"))
        .collect();
    assert_eq!(reads.len(), 1, "{reads:?}");
    assert!(
        reads[0].contains("filter=id:in:%5BpBOMPrpg1QX%5D"),
        "only the picked id: {}",
        reads[0]
    );
    assert!(
        fake.requests_to("dhis2.test/dhis/api/sections").is_empty(),
        "without dependencies, no children are read"
    );
    let body = String::from_utf8_lossy(posts[0].body.as_deref().unwrap_or_default()).into_owned();
    assert!(
        body.contains("pBOMPrpg1QX"),
        "the picked data set is sent: {body}"
    );

    assert_eq!(mounted.text("sync-target-status"), "Success");
    let row = mounted
        .find_all("[data-test=\"sync-type-stats\"][data-type=\"dataSets\"]")
        .into_iter()
        .next()
        .expect("a dataSets row in the report");
    let cell = |name: &str| {
        row.query_selector(&format!("[data-test=\"{name}\"]"))
            .ok()
            .flatten()
            .and_then(|e| e.text_content())
            .unwrap_or_default()
    };
    assert_eq!(cell("sync-type-sent"), "1", "one data set in the payload");
    assert_eq!(
        cell("sync-type-created"),
        "1",
        "as the destination reported"
    );
    assert!(mounted.find("sync-dry-run-note").is_some());
    mounted.wait_for("sync-history-saved").await;
    let history = fake
        .datastore_values("metadata-sync")
        .into_iter()
        // One key per run: `history-<id>`, holding its summary and report.
        .find(|(key, _)| key.starts_with("history-"))
        .map(|(_, value)| value)
        .unwrap_or_default();
    assert!(
        history.contains("\"dryRun\":true") && history.contains("Destination"),
        "{history}"
    );
    set_hash("#/");
}

#[wasm_bindgen_test]
async fn a_real_sync_asks_first_naming_the_destinations() {
    let fake = server().await;
    let mounted = open_page(&fake).await;
    mounted.click("sync-start");
    mounted
        .wait_for_text("sync-notice", "Select at least one object")
        .await;
    mounted.wait_for("sync-destination").await;
    pick_anc_monthly_for_the_remote(&mounted).await;
    mounted.click("sync-start");
    let dialog = mounted.wait_for_text("confirm-dialog", "Destination").await;
    assert!(dialog.contains("Write the selected metadata"), "{dialog}");
    assert!(
        fake.requests_to("remote.test/dhis/api/metadata").is_empty(),
        "nothing before confirming"
    );
    mounted.click("confirm-cancel");
    mounted
        .wait_until("dialog closed", |m| m.find("confirm-dialog").is_none())
        .await;
    assert!(fake.requests_to("remote.test/dhis/api/metadata").is_empty());
    set_hash("#/");
}

#[wasm_bindgen_test]
async fn cancel_during_the_read_writes_nothing_and_reports_cancelled() {
    let fake = server().await;
    // The origin is slow to give the picked data set: the sync is still reading when cancelled.
    let slow_read = fake.hold("filter=id:in:%5BpBOMPrpg1QX%5D");
    let mounted = open_page(&fake).await;
    mounted.wait_for("sync-destination").await;
    pick_anc_monthly_for_the_remote(&mounted).await;
    mounted.click("sync-start");
    mounted.wait_for_text("confirm-dialog", "Destination").await;
    mounted.click("confirm-ok");
    mounted.wait_for("sync-cancel").await;
    mounted
        .wait_until("the read is under way", |_| {
            !fake
                .requests_to("filter=id:in:%5BpBOMPrpg1QX%5D")
                .is_empty()
        })
        .await;
    mounted.click("sync-cancel");
    slow_read.open();

    let results = mounted.wait_for_text("sync-results", "finished").await;
    assert!(results.contains("finished: Cancelled"), "{results}");
    assert!(results.contains("nothing was written"), "{results}");
    assert_eq!(mounted.text("sync-target-status"), "Cancelled");
    let writes: Vec<_> = fake
        .requests_to("remote.test/dhis/api/metadata")
        .into_iter()
        .filter(|r| r.method == Method::Post)
        .collect();
    assert!(
        writes.is_empty(),
        "nothing is written after Cancel: {writes:?}"
    );
    assert!(
        mounted.find("sync-cancel").is_none(),
        "no Cancel once finished"
    );
    mounted.wait_for("sync-history-saved").await;
    set_hash("#/");
}

#[wasm_bindgen_test]
async fn deletions_are_listed_confirmed_and_replayed_on_the_destination() {
    let fake = server().await;
    fake.on(
        Method::Get,
        "dhis2.test/dhis/api/deletedObjects",
        json(
            200,
            r#"{"pager":{"page":1,"pageCount":1,"total":2,"pageSize":1000},"deletedObjects":[
            {"uid":"dEl0000001a","klass":"DataElement","code":"DE_OLD",
             "deletedAt":"2024-05-01T00:00:00.000","deletedBy":"admin"},
            {"uid":"xYz0000001a","klass":"SomethingElse"}]}"#,
        ),
    );
    set_hash("#/sync/deleted");
    let mounted = mount_shell(services(&fake));
    mounted.wait_for("deleted-list").await;
    mounted.type_into("deleted-since", "2024-01-01");
    mounted.click("deleted-list");
    mounted.wait_for("deleted-plan").await;
    let listed = fake.requests_to("dhis2.test/dhis/api/deletedObjects");
    assert!(
        listed[0].url.contains("deletedAt=2024-01-01"),
        "{}",
        listed[0].url
    );
    assert!(mounted
        .text("deleted-count")
        .starts_with("1 deleted object can be replayed"));
    assert!(mounted
        .text("deleted-count")
        .contains("1 deletion of another kind of object is left out"));

    mounted.click(&format!("deleted-destination-{REMOTE_ID}"));
    mounted.click("deleted-start");
    let dialog = mounted.wait_for_text("confirm-dialog", "Destination").await;
    assert!(
        dialog.contains("Delete 1 object on Destination"),
        "{dialog}"
    );
    assert!(
        dialog.contains("Data elements dEl0000001a (DE_OLD)"),
        "the confirmation names what will be deleted: {dialog}"
    );
    mounted.click("confirm-ok");
    mounted.wait_for("sync-results").await;
    let posts = fake.requests_to("remote.test/dhis/api/metadata");
    assert_eq!(posts.len(), 1);
    assert!(
        posts[0].url.contains("importStrategy=DELETE")
            && posts[0].url.contains("importMode=COMMIT")
    );
    let body = String::from_utf8_lossy(posts[0].body.as_deref().unwrap_or_default()).into_owned();
    assert!(
        body.contains("dEl0000001a") && !body.contains("xYz0000001a"),
        "{body}"
    );
    set_hash("#/");
}

#[wasm_bindgen_test]
async fn a_dependency_unchecked_per_type_stays_a_reference() {
    let fake = server().await;
    // Schemas where a data set references a category combo directly and data elements through
    // its embedded data set elements; the origin has all three.
    fake.on(
        Method::Get,
        "dhis2.test/dhis/api/schemas",
        json(
            200,
            r#"{"schemas":[
            {"klass":"org.hisp.dhis.x.DataSet","singular":"dataSet","plural":"dataSets",
             "metadata":true,"order":3,"properties":[
              {"name":"categoryCombo","propertyType":"REFERENCE","klass":"org.hisp.dhis.x.CategoryCombo"},
              {"name":"dataSetElements","propertyType":"COLLECTION","embeddedObject":true,
               "itemKlass":"org.hisp.dhis.x.DataSetElement"}]},
            {"klass":"org.hisp.dhis.x.DataSetElement","singular":"dataSetElement",
             "embeddedObject":true,"properties":[
              {"name":"dataElement","propertyType":"REFERENCE","klass":"org.hisp.dhis.x.DataElement"}]},
            {"klass":"org.hisp.dhis.x.DataElement","singular":"dataElement","plural":"dataElements",
             "metadata":true,"order":2},
            {"klass":"org.hisp.dhis.x.CategoryCombo","singular":"categoryCombo",
             "plural":"categoryCombos","metadata":true,"order":1},
            {"klass":"org.hisp.dhis.x.Section","singular":"section","plural":"sections",
             "metadata":true,"order":4}]}"#,
        ),
    )
    .on(
        Method::Get,
        "dhis2.test/dhis/api/dataSets?paging=false",
        json(
            200,
            r#"{"dataSets":[{"id":"pBOMPrpg1QX","name":"ANC monthly","periodType":"Monthly",
            "categoryCombo":{"id":"ccAncVisit1"},
            "dataSetElements":[{"dataElement":{"id":"deAncVisit1"}}]}]}"#,
        ),
    )
    .on(
        Method::Get,
        "dhis2.test/dhis/api/dataElements?paging=false",
        json(
            200,
            r#"{"dataElements":[{"id":"deAncVisit1","name":"ANC 1st visit"}]}"#,
        ),
    )
    .on(
        Method::Get,
        "dhis2.test/dhis/api/categoryCombos?paging=false",
        json(
            200,
            r#"{"categoryCombos":[{"id":"ccAncVisit1","name":"Visit"}]}"#,
        ),
    )
    .on(
        Method::Get,
        "dhis2.test/dhis/api/sections?paging=false",
        json(200, r#"{"sections":[]}"#),
    );
    let mounted = open_page(&fake).await;
    mounted.wait_for("sync-destination").await;
    pick_anc_monthly_for_the_remote(&mounted).await;
    mounted.wait_for("sync-picked-line").await;

    mounted.click("opt-rules-toggle");
    mounted.wait_for("rule-dataSets-dataElements").await;
    let checked = |m: &Mounted, data_test: &str| {
        m.find(data_test)
            .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlInputElement>(e).ok())
            .is_some_and(|input| input.checked())
    };
    assert!(
        checked(&mounted, "rule-dataSets-categoryCombos"),
        "the defaults include category combos"
    );
    mounted.click("rule-dataSets-categoryCombos");
    mounted
        .wait_until("unchecked", |m| {
            !checked(m, "rule-dataSets-categoryCombos") && checked(m, "rule-dataSets-dataElements")
        })
        .await;
    mounted.click("sync-dry-run");

    let status = mounted.wait_for_text("sync-results", "finished").await;
    assert!(status.contains("Dry run finished"), "{status}");
    assert!(
        fake.requests_to("dhis2.test/dhis/api/categoryCombos")
            .is_empty(),
        "category combos stay references, not read from the origin"
    );
    let element_reads = fake.requests_to("dhis2.test/dhis/api/dataElements?paging=false");
    assert_eq!(
        element_reads.len(),
        1,
        "the other dependency is still followed"
    );
    assert!(
        element_reads[0].url.contains("deAncVisit1"),
        "{}",
        element_reads[0].url
    );
    let posts: Vec<_> = fake
        .requests_to("remote.test/dhis/api/metadata")
        .into_iter()
        .filter(|r| r.method == Method::Post)
        .collect();
    assert!(!posts.is_empty(), "a payload reached the destination");
    let body: String = posts
        .iter()
        .map(|post| String::from_utf8_lossy(post.body.as_deref().unwrap_or_default()).into_owned())
        .collect();
    assert!(
        body.contains("\"dataElements\":["),
        "data elements sent: {body}"
    );
    assert!(
        !body.contains("\"categoryCombos\":["),
        "no category combo object sent: {body}"
    );
    assert!(
        body.contains("ccAncVisit1"),
        "the reference stays in the data set: {body}"
    );
    set_hash("#/");
}
