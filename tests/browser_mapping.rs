//! The Mapping panel in headless Chromium, against a fake DHIS2 (this instance, with an
//! in-memory dataStore) and a fake destination whose data elements carry other ids: auto-map,
//! the picker, exclude / reset, save, a damaged stored mapping, and "Apply mapping" on the
//! metadata sync page.
//! Run: `CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown --test browser_mapping`
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

const MAPPING_KEY: &str = "metadata-sync/mappings-rEmoteInst1";

/// Three data elements here; on the destination the first has another id but the same code,
/// the second another id and code but the same name (other case and accents), the third none.
async fn mapping_server() -> FakeDhis2 {
    let fake = server().await;
    fake.on(
        Method::Get,
        "dhis2.test/dhis/api/dataElements?",
        json(
            200,
            r#"{"pager":{"page":1,"pageCount":1,"total":3,"pageSize":25},"dataElements":[
            {"id":"fbfJHSPpUQD","name":"ANC 1st visit","code":"DE_ANC_01"},
            {"id":"cYeuwXTCPkU","name":"Fièvre confirmée","code":"DE_MAL_02"},
            {"id":"Jtf34kNZhzP","name":"Stock on hand","code":"DE_STK_03"}]}"#,
        ),
    )
    .on(
        Method::Get,
        "remote.test/dhis/api/dataElements?",
        json(
            200,
            r#"{"pager":{"page":1,"pageCount":1,"total":2,"pageSize":10},"dataElements":[
            {"id":"hfdmMSPBgLG","name":"First ANC visit","code":"DE_ANC_01"},
            {"id":"x3Do5e7g4Qo","name":"FIEVRE  confirmee","code":"MAL_CONF"}]}"#,
        ),
    );
    fake
}

async fn open_panel(fake: &FakeDhis2) -> Mounted {
    set_hash(&format!("#/mapping?instance={REMOTE_ID}"));
    let mounted = mount_shell(services(fake));
    mounted
        .wait_until("the origin rows are listed", |m| {
            m.row_with("Stock on hand").is_some()
        })
        .await;
    mounted
}

fn status_of(mounted: &Mounted, name: &str) -> String {
    mounted
        .row_with(name)
        .and_then(|row| row.get_attribute("data-status"))
        .unwrap_or_default()
}

fn stored_mapping(fake: &FakeDhis2) -> Option<serde_json::Value> {
    fake.datastore
        .borrow()
        .get(MAPPING_KEY)
        .and_then(|text| serde_json::from_str(text).ok())
}

#[wasm_bindgen_test]
async fn auto_map_finds_counterparts_by_code_and_name_and_save_stores_them() {
    let fake = mapping_server().await;
    let mounted = open_panel(&fake).await;
    assert_eq!(status_of(&mounted, "ANC 1st visit"), "unmapped");
    assert!(
        mounted
            .find("mapping-save")
            .and_then(|b| b.get_attribute("disabled"))
            .is_some(),
        "nothing to save yet"
    );

    mounted.click("mapping-auto-map");
    let summary = mounted.wait_for_text("mapping-summary", "2 objects").await;
    assert!(
        mounted
            .text("mapping-summary-code")
            .contains("1 by the same code"),
        "{summary}"
    );
    assert!(
        mounted
            .text("mapping-summary-name")
            .contains("1 by the same name"),
        "{summary}"
    );
    assert!(
        mounted
            .text("mapping-summary-not-found")
            .contains("1 without"),
        "{summary}"
    );
    mounted
        .wait_until("rows show their targets", |m| {
            status_of(m, "ANC 1st visit") == "mapped"
        })
        .await;
    let anc = mounted
        .row_with("ANC 1st visit")
        .expect("row")
        .text_content()
        .unwrap_or_default();
    assert!(
        anc.contains("First ANC visit") && anc.contains("same code"),
        "{anc}"
    );
    let fever = mounted
        .row_with("Fièvre confirmée")
        .expect("row")
        .text_content()
        .unwrap_or_default();
    assert!(
        fever.contains("x3Do5e7g4Qo") && fever.contains("same name"),
        "{fever}"
    );
    assert_eq!(status_of(&mounted, "Stock on hand"), "unmapped");
    assert!(
        stored_mapping(&fake).is_none(),
        "auto-map stores nothing by itself"
    );
    mounted.wait_for("mapping-unsaved").await;

    mounted.click("mapping-save");
    mounted
        .wait_for_text("mapping-notice", "Mapping saved")
        .await;
    let stored = stored_mapping(&fake).expect("the mapping is stored");
    let entries = &stored["aggregatedDataElements"];
    assert_eq!(entries["fbfJHSPpUQD"]["mappedId"], "hfdmMSPBgLG");
    assert_eq!(entries["fbfJHSPpUQD"]["mappedCode"], "DE_ANC_01");
    assert_eq!(entries["cYeuwXTCPkU"]["mappedId"], "x3Do5e7g4Qo");
    assert!(entries.get("Jtf34kNZhzP").is_none(), "{stored}");
    assert!(mounted.find("mapping-unsaved").is_none());
    set_hash("#/");
}

#[wasm_bindgen_test]
async fn the_picker_maps_by_hand_and_rows_can_be_excluded_and_reset() {
    let fake = mapping_server().await;
    let mounted = open_panel(&fake).await;

    mounted.click_in_row("Stock on hand", "mapping-pick");
    mounted.wait_for("mapping-picker").await;
    mounted
        .wait_until("destination candidates listed", |m| {
            m.find_all("[data-test=\"mapping-picker-item\"]").len() == 2
        })
        .await;
    let choose = mounted
        .find_all("[data-test=\"mapping-picker-item\"]")
        .into_iter()
        .find(|item| {
            item.text_content()
                .unwrap_or_default()
                .contains("First ANC visit")
        })
        .and_then(|item| {
            item.query_selector("[data-test=\"mapping-picker-choose\"]")
                .ok()
                .flatten()
        })
        .expect("a Choose button");
    wasm_bindgen::JsCast::unchecked_into::<web_sys::HtmlElement>(choose).click();
    mounted
        .wait_until("the picker closes and the row is mapped", |m| {
            m.find("mapping-picker").is_none() && status_of(m, "Stock on hand") == "mapped"
        })
        .await;
    // The picker searches the destination on the server, a page at a time.
    mounted.click_in_row("ANC 1st visit", "mapping-pick");
    mounted.wait_for("mapping-picker").await;
    mounted.type_into("mapping-picker-search", "fever");
    mounted
        .wait_until("a search request", |_| {
            fake.requests_to("remote.test/dhis/api/dataElements?")
                .iter()
                .any(|r| r.url.contains("identifiable%3Atoken%3Afever") && r.url.contains("page=1"))
        })
        .await;
    mounted.click("mapping-picker-cancel");

    mounted.click_in_row("ANC 1st visit", "mapping-exclude");
    mounted
        .wait_until("excluded", |m| status_of(m, "ANC 1st visit") == "excluded")
        .await;
    mounted.click_in_row("ANC 1st visit", "mapping-reset");
    mounted
        .wait_until("reset", |m| status_of(m, "ANC 1st visit") == "unmapped")
        .await;

    mounted.click("mapping-save");
    mounted
        .wait_for_text("mapping-notice", "Mapping saved")
        .await;
    let stored = stored_mapping(&fake).expect("stored");
    assert_eq!(
        stored["aggregatedDataElements"]["Jtf34kNZhzP"]["mappedId"],
        "hfdmMSPBgLG"
    );
    assert_eq!(
        stored["aggregatedDataElements"]["Jtf34kNZhzP"]["mappedName"],
        "First ANC visit"
    );
    assert!(stored["aggregatedDataElements"]
        .get("fbfJHSPpUQD")
        .is_none());
    set_hash("#/");
}

#[wasm_bindgen_test]
async fn the_mapped_filter_lists_only_mapped_rows_through_the_server() {
    let fake = mapping_server().await;
    fake.datastore.borrow_mut().insert(
        MAPPING_KEY.into(),
        r#"{"aggregatedDataElements":{"fbfJHSPpUQD":{"mappedId":"hfdmMSPBgLG"},
        "Jtf34kNZhzP":{"mappedId":"DISABLED","mappedCode":"DISABLED"}}}"#
            .into(),
    );
    let mounted = open_panel(&fake).await;
    assert_eq!(status_of(&mounted, "ANC 1st visit"), "mapped");
    assert_eq!(status_of(&mounted, "Stock on hand"), "excluded");
    mounted.type_into("mapping-filter", "mapped");
    mounted
        .wait_until("a request filtered by id", |_| {
            fake.requests_to("dhis2.test/dhis/api/dataElements?")
                .iter()
                .any(|r| r.url.contains("id%3Ain%3A%5BfbfJHSPpUQD%5D"))
        })
        .await;
    mounted.type_into("mapping-filter", "unmapped");
    mounted
        .wait_until("a request leaving mapped and excluded out", |_| {
            fake.requests_to("dhis2.test/dhis/api/dataElements?")
                .iter()
                .any(|r| {
                    r.url
                        .contains("id%3A%21in%3A%5BJtf34kNZhzP%2CfbfJHSPpUQD%5D")
                })
        })
        .await;
    set_hash("#/");
}

#[wasm_bindgen_test]
async fn a_damaged_stored_mapping_is_named_and_left_alone() {
    let fake = mapping_server().await;
    let damaged = r#"{"aggregatedDataElements":{"not-a-uid!":{"mappedId":"x"}}}"#;
    fake.datastore
        .borrow_mut()
        .insert(MAPPING_KEY.into(), damaged.into());
    set_hash(&format!("#/mapping?instance={REMOTE_ID}"));
    let mounted = mount_shell(services(&fake));
    let message = mounted
        .wait_for_text("mapping-load-error", "mappings-rEmoteInst1")
        .await;
    assert!(message.contains("damaged"), "{message}");
    assert!(
        mounted.find("mapping-save").is_none(),
        "nothing to save over it"
    );
    assert_eq!(
        fake.datastore.borrow().get(MAPPING_KEY).map(String::as_str),
        Some(damaged)
    );
    set_hash("#/");
}

#[wasm_bindgen_test]
async fn run_only_users_do_not_get_the_panel() {
    let fake = FakeDhis2::server(&["M_metadatasync"], &["METADATA_SYNC_EXECUTOR"]);
    set_hash("#/mapping");
    let mounted = mount_shell(services(&fake));
    mounted.wait_for("not-allowed").await;
    assert!(mounted.find("panel-mapping").is_none());
    assert!(fake
        .requests_to("/api/dataStore/metadata-sync/mappings-")
        .is_empty());
    set_hash("#/");
}

#[wasm_bindgen_test]
async fn apply_mapping_is_offered_only_toward_a_destination_with_a_mapping() {
    let fake = mapping_server().await;
    let mounted = open_page(&fake).await;
    let checkbox = |m: &Mounted| -> web_sys::HtmlInputElement {
        wasm_bindgen::JsCast::unchecked_into(m.find("opt-apply-mapping").expect("the checkbox"))
    };
    mounted
        .wait_for_text("opt-apply-mapping-help", "Choose a destination")
        .await;
    assert!(checkbox(&mounted).disabled());

    mounted.click(&format!("sync-destination-{REMOTE_ID}"));
    mounted
        .wait_for_text("opt-apply-mapping-help", "has a mapping yet")
        .await;
    assert!(checkbox(&mounted).disabled());

    // A mapping saved toward the destination (from the panel in another tab): choosing the
    // destination again finds it.
    fake.datastore.borrow_mut().insert(
        MAPPING_KEY.into(),
        r#"{"aggregatedDataElements":{"fbfJHSPpUQD":{"mappedId":"hfdmMSPBgLG"}}}"#.into(),
    );
    mounted.click(&format!("sync-destination-{REMOTE_ID}"));
    mounted.click(&format!("sync-destination-{REMOTE_ID}"));
    mounted
        .wait_until("the checkbox is offered", |m| !checkbox(m).disabled())
        .await;
    assert!(mounted.find("opt-apply-mapping-help").is_none());
    mounted.click("opt-apply-mapping");
    mounted
        .wait_until("checked", |m| checkbox(m).checked())
        .await;
    set_hash("#/");
}

#[wasm_bindgen_test]
async fn organisation_units_are_picked_in_the_destination_tree_and_kept_by_path() {
    let fake = mapping_server().await;
    fake.on(
        Method::Get,
        "dhis2.test/dhis/api/organisationUnits?",
        json(
            200,
            r#"{"pager":{"page":1,"pageCount":1,"total":1,"pageSize":25},"organisationUnits":[
            {"id":"DiszpKrYNg8","name":"Ngelehun CHC","level":4,
             "path":"/ImspTQPwCqd/O6uvpzGd5pu/YuQRtpLP10I/DiszpKrYNg8"}]}"#,
        ),
    )
    .on(
        Method::Get,
        "remote.test/dhis/api/me?",
        json(
            200,
            r#"{"organisationUnits":[{"id":"ImspTQPwCqd"}],"dataViewOrganisationUnits":[]}"#,
        ),
    )
    .on(
        Method::Get,
        "remote.test/dhis/api/organisationUnits?",
        json(
            200,
            r#"{"organisationUnits":[{"id":"ImspTQPwCqd","name":"Sierra Leone","level":1,
            "path":"/ImspTQPwCqd","children":[{"id":"O6uvpzGd5pu"}]}]}"#,
        ),
    )
    .on(
        Method::Get,
        "filter=parent.id:eq:ImspTQPwCqd",
        json(
            200,
            r#"{"organisationUnits":[{"id":"O6uvpzGd5pu","name":"Bo","level":2,
            "path":"/ImspTQPwCqd/O6uvpzGd5pu","children":[]}]}"#,
        ),
    );
    let mounted = open_panel(&fake).await;
    mounted.click("mapping-section-org-units");
    mounted
        .wait_until("the origin units are listed", |m| {
            m.row_with("Ngelehun CHC").is_some()
        })
        .await;
    mounted.click_in_row("Ngelehun CHC", "mapping-pick");
    mounted
        .wait_until("the destination's root", |m| {
            m.find_all("[data-test=\"org-unit-node\"]").len() == 1
        })
        .await;
    mounted.click("org-unit-open");
    mounted
        .wait_until("its children", |m| {
            m.find_all("[data-test=\"org-unit-node\"][data-id=\"O6uvpzGd5pu\"]")
                .len()
                == 1
        })
        .await;
    let check: web_sys::HtmlElement = wasm_bindgen::JsCast::unchecked_into(
        mounted
            .find_all("[data-test=\"org-unit-node\"][data-id=\"O6uvpzGd5pu\"] [data-test=\"org-unit-check\"]")
            .into_iter()
            .next()
            .expect("Bo's checkbox"),
    );
    check.click();
    mounted
        .wait_until("the unit is mapped", |m| {
            m.find("mapping-picker").is_none() && status_of(m, "Ngelehun CHC") == "mapped"
        })
        .await;
    mounted.click("mapping-save");
    mounted
        .wait_for_text("mapping-notice", "Mapping saved")
        .await;
    let stored = stored_mapping(&fake).expect("stored");
    let entry = &stored["organisationUnits"]["/ImspTQPwCqd/O6uvpzGd5pu/YuQRtpLP10I/DiszpKrYNg8"];
    assert_eq!(entry["mappedId"], "/ImspTQPwCqd/O6uvpzGd5pu", "{stored}");
    assert_eq!(entry["mappedName"], "Bo");
    assert_eq!(entry["mappedLevel"], 2);
    set_hash("#/");
}

#[wasm_bindgen_test]
fn the_instance_comes_from_the_hash() {
    use metadata_sync::pages::mapping::instance_in_hash;
    assert_eq!(
        instance_in_hash("#/mapping?instance=rEmoteInst1").as_deref(),
        Some("rEmoteInst1")
    );
    assert_eq!(instance_in_hash("#/mapping"), None);
    assert_eq!(instance_in_hash("#/mapping?instance="), None);
}

#[wasm_bindgen_test]
fn a_hand_pick_auto_maps_the_nested_items_among_the_targets_own() {
    use mdsync_core::mapping::{MappableObject, MappedId, MappingDictionary};
    use metadata_sync::pages::mapping::edit::{assign, row_key, RowStatus};
    use metadata_sync::pages::mapping::types::choice_named;

    let object =
        |text: &str| -> MappableObject { serde_json::from_str(text).expect("a mappable object") };
    // The origin's option set holds "Low" and "Stocked out"; the target's holds "LOW" under
    // another id and nothing for the other.
    let origin = object(
        r#"{"id":"fbfJHSPpUQD","name":"Cold chain status","code":"DE_CC",
        "optionSet":{"options":[{"id":"Wm3tXhIHNsJ","name":"Low","code":"LOW"},
                                {"id":"Cd4yEUaJxmS","name":"Stocked out","code":"OUT"}]}}"#,
    );
    let target = object(
        r#"{"id":"hfdmMSPBgLG","name":"Cold chain","code":"CC_STATUS",
        "optionSet":{"options":[{"id":"pZzk1L4Blf1","name":"Low stock","code":"LOW"}]}}"#,
    );
    let choice = choice_named("data-elements");
    let mut dictionary = MappingDictionary::default();
    assert!(assign(&mut dictionary, choice, &origin, &target));
    let entry = dictionary
        .get("aggregatedDataElements", "fbfJHSPpUQD")
        .expect("an entry");
    assert_eq!(
        entry.mapped_id,
        Some(MappedId::Id("hfdmMSPBgLG".parse().expect("uid")))
    );
    assert_eq!(entry.mapped_name.as_deref(), Some("Cold chain"));
    assert_eq!(entry.mapped_code.as_deref(), Some("CC_STATUS"));
    assert_eq!(entry.code.as_deref(), Some("DE_CC"));
    let options = entry.nested().entries("options").expect("nested options");
    assert_eq!(
        options["Wm3tXhIHNsJ"].mapped_id,
        Some(MappedId::Id("pZzk1L4Blf1".parse().expect("uid")))
    );
    assert!(options["Cd4yEUaJxmS"].is_disabled());
    // An option left without a counterpart needs a look.
    assert_eq!(RowStatus::of(Some(entry)), RowStatus::Conflict);
    assert_eq!(
        row_key(choice, &origin).map(|key| key.as_str().to_string()),
        Some("fbfJHSPpUQD".to_string())
    );
}

/// Puts a file into an `<input type="file">` and fires `change`, as a user picking it would.
fn pick_file(input: &web_sys::Element, name: &str, text: &str) {
    let pick = js_sys::Function::new_with_args(
        "input, name, text",
        "const files = new DataTransfer();
         files.items.add(new File([text], name, { type: 'application/json' }));
         input.files = files.files;
         input.dispatchEvent(new Event('change', { bubbles: true }));",
    );
    pick.call3(
        &wasm_bindgen::JsValue::NULL,
        input,
        &wasm_bindgen::JsValue::from_str(name),
        &wasm_bindgen::JsValue::from_str(text),
    )
    .expect("the file is picked");
}

#[wasm_bindgen_test]
async fn an_mdsync_mapping_file_is_imported_with_a_report_and_saved_only_on_save() {
    let fake = mapping_server().await;
    let mounted = open_panel(&fake).await;
    let exported_by_mdsync = r#"{"mappingDictionary":{"aggregatedDataElements":{
        "fbfJHSPpUQD":{"mappedId":"hfdmMSPBgLG","mappedName":"First ANC visit","mappedCode":"DE_ANC_01"},
        "cYeuwXTCPkU":{"mappedId":"not an id"}}}}"#;
    pick_file(
        &mounted.find("mapping-import-file").expect("the file input"),
        "mdsync-mapping.json",
        exported_by_mdsync,
    );
    let report = mounted
        .wait_for_text(
            "mapping-notice",
            "Imported 1 entry from mdsync-mapping.json",
        )
        .await;
    assert!(report.contains("1 entry was not understood"), "{report}");
    assert!(report.contains("cYeuwXTCPkU"), "{report}");
    mounted
        .wait_until("the imported entry shows", |m| {
            status_of(m, "ANC 1st visit") == "mapped"
        })
        .await;
    assert_eq!(status_of(&mounted, "Fièvre confirmée"), "unmapped");
    assert!(
        stored_mapping(&fake).is_none(),
        "an import stores nothing by itself"
    );

    mounted.click("mapping-save");
    mounted
        .wait_for_text("mapping-notice", "Mapping saved")
        .await;
    let stored = stored_mapping(&fake).expect("stored");
    assert_eq!(
        stored["aggregatedDataElements"]["fbfJHSPpUQD"]["mappedId"],
        "hfdmMSPBgLG"
    );
    assert!(stored["aggregatedDataElements"]
        .get("cYeuwXTCPkU")
        .is_none());

    // Not a mapping at all: said, and the draft is left as it was.
    pick_file(
        &mounted.find("mapping-import-file").expect("the file input"),
        "notes.json",
        "[1, 2]",
    );
    let refused = mounted
        .wait_for_text("mapping-notice", "notes.json could not be imported")
        .await;
    assert!(refused.contains("not a dictionary"), "{refused}");
    assert!(mounted.find("mapping-unsaved").is_none());
    set_hash("#/");
}

async fn pick_anc_monthly_with_mapping(mounted: &Mounted) {
    mounted.click(&format!("sync-destination-{REMOTE_ID}"));
    mounted.click("type-dataSets");
    mounted
        .wait_until("rows listed", |m| m.row_with("ANC monthly").is_some())
        .await;
    mounted.click_in_row("ANC monthly", "sync-row-check");
    let checkbox = |m: &Mounted| -> web_sys::HtmlInputElement {
        wasm_bindgen::JsCast::unchecked_into(m.find("opt-apply-mapping").expect("the checkbox"))
    };
    mounted
        .wait_until("Apply mapping is offered", |m| !checkbox(m).disabled())
        .await;
    mounted.click("opt-apply-mapping");
    mounted
        .wait_until("checked", |m| checkbox(m).checked())
        .await;
}

#[wasm_bindgen_test]
async fn the_mapping_is_checked_before_a_run_and_the_user_goes_on_or_fixes_it() {
    let fake = mapping_server().await;
    // The destination has no data set with the picked one's id, and the mapping does not say
    // where it goes.
    fake.on(
        Method::Get,
        "remote.test/dhis/api/dataSets?",
        json(200, r#"{"dataSets":[]}"#),
    )
    .on(
        Method::Get,
        "dhis2.test/dhis/api/sections",
        json(200, r#"{"sections":[]}"#),
    );
    fake.datastore.borrow_mut().insert(
        MAPPING_KEY.into(),
        r#"{"aggregatedDataElements":{"fbfJHSPpUQD":{"mappedId":"hfdmMSPBgLG"}}}"#.into(),
    );
    let mounted = open_page(&fake).await;
    mounted.wait_for("sync-destination").await;
    pick_anc_monthly_with_mapping(&mounted).await;

    mounted.click("sync-start");
    mounted.wait_for("confirm-dialog").await;
    mounted.click("confirm-ok");
    let dialog = mounted
        .wait_for_text("mapping-checks-dialog", "pBOMPrpg1QX")
        .await;
    assert!(dialog.contains("Destination: 1 finding"), "{dialog}");
    assert_eq!(
        mounted
            .find_all("[data-test=\"mapping-check-finding\"]")
            .len(),
        1
    );
    assert!(
        fake.requests_to("remote.test/dhis/api/metadata").is_empty(),
        "nothing is written before the user decides"
    );

    // Go on: the run starts and reports (this fake destination lacks what the mapping context
    // needs, so the report is the engine's to tell; the point is that the run went ahead).
    let asked_before = fake.requests_to("remote.test/dhis/api").len();
    mounted.click("mapping-check-go-on");
    mounted.wait_for("sync-results").await;
    assert!(mounted.find("mapping-checks-dialog").is_none());
    assert!(fake.requests_to("remote.test/dhis/api").len() > asked_before);

    // Again, and "Fix the mapping": the Mapping panel opens for that instance, nothing sent.
    let posts = fake.requests_to("remote.test/dhis/api/metadata").len();
    mounted.click("sync-start");
    mounted.wait_for("confirm-dialog").await;
    mounted.click("confirm-ok");
    mounted.wait_for("mapping-checks-dialog").await;
    mounted.click("mapping-check-fix");
    mounted.wait_for("panel-mapping").await;
    let hash = web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default();
    assert_eq!(hash, format!("#/mapping?instance={REMOTE_ID}"));
    assert_eq!(
        fake.requests_to("remote.test/dhis/api/metadata").len(),
        posts
    );
    set_hash("#/");
}

fn current_hash() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

#[wasm_bindgen_test]
async fn the_back_button_asks_before_unsaved_changes_are_lost_and_staying_keeps_them() {
    let fake = mapping_server().await;
    // A page of the app before the panel, so Back stays in the app.
    set_hash("#/");
    let mounted = open_panel(&fake).await;
    let panel_hash = format!("#/mapping?instance={REMOTE_ID}");
    mounted.click_in_row("ANC 1st visit", "mapping-exclude");
    mounted
        .wait_until("excluded", |m| status_of(m, "ANC 1st visit") == "excluded")
        .await;
    mounted.wait_for("mapping-unsaved").await;

    // Back: the app's dialog asks, and the address bar shows the panel again.
    let history = web_sys::window()
        .and_then(|w| w.history().ok())
        .expect("history");
    history.back().expect("back");
    let dialog = mounted.wait_for_text("confirm-dialog", "Leave").await;
    assert!(dialog.contains("unsaved changes"), "{dialog}");
    mounted
        .wait_until("the panel's address is back", |_| {
            current_hash() == panel_hash
        })
        .await;

    // Stay: the panel and its unsaved change are still there.
    mounted.click("confirm-cancel");
    mounted
        .wait_until("dialog closed", |m| m.find("confirm-dialog").is_none())
        .await;
    assert_eq!(status_of(&mounted, "ANC 1st visit"), "excluded");
    assert!(mounted.find("mapping-unsaved").is_some());
    assert!(stored_mapping(&fake).is_none(), "nothing saved");

    // A link elsewhere asks the same way; leaving goes on to where the user wanted.
    set_hash("#/instances");
    mounted.wait_for("confirm-dialog").await;
    assert_eq!(status_of(&mounted, "ANC 1st visit"), "excluded");
    mounted.click("confirm-ok");
    mounted
        .wait_until("the panel is left", |m| {
            m.find("panel-mapping").is_none() && current_hash() == "#/instances"
        })
        .await;
    assert!(stored_mapping(&fake).is_none(), "leaving does not save");
    set_hash("#/");
}

#[wasm_bindgen_test]
fn a_nested_item_is_picked_by_hand_and_keeps_its_own_code() {
    use mdsync_core::mapping::{MappableObject, MappedId, MappingDictionary, MappingKey};
    use metadata_sync::pages::mapping::edit::{assign, assign_nested, RowStatus};
    use metadata_sync::pages::mapping::types::choice_named;

    let object =
        |text: &str| -> MappableObject { serde_json::from_str(text).expect("a mappable object") };
    let origin = object(
        r#"{"id":"fbfJHSPpUQD","name":"Cold chain status","code":"DE_CC",
        "optionSet":{"options":[{"id":"Wm3tXhIHNsJ","name":"Low","code":"LOW"},
                                {"id":"Cd4yEUaJxmS","name":"Stocked out","code":"OUT"}]}}"#,
    );
    let target = object(
        r#"{"id":"hfdmMSPBgLG","name":"Cold chain","code":"CC_STATUS",
        "optionSet":{"options":[{"id":"pZzk1L4Blf1","name":"Low stock","code":"LOW"}]}}"#,
    );
    let choice = choice_named("data-elements");
    let mut dictionary = MappingDictionary::default();
    assert!(assign(&mut dictionary, choice, &origin, &target));
    // Auto-map left "Stocked out" without a counterpart; the user picks one by hand.
    let picked = object(r#"{"id":"jUb8gELQApl","name":"Out of stock","code":"OUT_OF_STOCK"}"#);
    let key = MappingKey::parse("Cd4yEUaJxmS").expect("a key");
    assert!(assign_nested(
        &mut dictionary,
        choice,
        "fbfJHSPpUQD",
        "options",
        &key,
        &picked
    ));
    let entry = dictionary
        .get("aggregatedDataElements", "fbfJHSPpUQD")
        .expect("an entry");
    let options = entry.nested().entries("options").expect("nested options");
    let option = &options["Cd4yEUaJxmS"];
    assert_eq!(
        option.mapped_id,
        Some(MappedId::Id("jUb8gELQApl".parse().expect("uid")))
    );
    assert_eq!(option.mapped_name.as_deref(), Some("Out of stock"));
    assert_eq!(option.mapped_code.as_deref(), Some("OUT_OF_STOCK"));
    assert_eq!(
        option.code.as_deref(),
        Some("OUT"),
        "the origin's code stays"
    );
    assert!(!option.is_disabled());
    // Every option has a counterpart now: the row is mapped, not in conflict.
    assert_eq!(RowStatus::of(Some(entry)), RowStatus::Mapped);
    // A row that is not mapped has no nested items to pick.
    assert!(!assign_nested(
        &mut dictionary,
        choice,
        "Jtf34kNZhzP",
        "options",
        &key,
        &picked
    ));
}
