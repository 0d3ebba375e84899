//! The Mapping panel's nested mappings in headless Chromium against a fake DHIS2 (the Sync
//! panel's fake of `browser_support/sync.rs`): a data element's category option is mapped by
//! hand and stored.
//! Run: `CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown --test browser_mapping_checks`
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

/// Three data elements here; on the destination the first has another id but the same code.
/// The stored mapping maps it, with one category option of it excluded.
async fn mapping_server() -> FakeDhis2 {
    let fake = server().await;
    fake.on(
        Method::Get,
        "dhis2.test/dhis/api/dataElements?",
        json(
            200,
            r#"{"pager":{"page":1,"pageCount":1,"total":2,"pageSize":25},"dataElements":[
            {"id":"fbfJHSPpUQD","name":"ANC 1st visit","code":"DE_ANC_01"},
            {"id":"Jtf34kNZhzP","name":"Stock on hand","code":"DE_STK_03"}]}"#,
        ),
    )
    .on(
        Method::Get,
        "remote.test/dhis/api/dataElements?",
        json(
            200,
            r#"{"pager":{"page":1,"pageCount":1,"total":1,"pageSize":10},"dataElements":[
            {"id":"hfdmMSPBgLG","name":"First ANC visit","code":"DE_ANC_01"}]}"#,
        ),
    )
    .on(
        Method::Get,
        "remote.test/dhis/api/categoryOptions?",
        json(
            200,
            r#"{"pager":{"page":1,"pageCount":1,"total":2,"pageSize":10},"categoryOptions":[
            {"id":"MascOpt0001","name":"Masculino","code":"SEX_M"},
            {"id":"FemeOpt0001","name":"Femenino","code":"SEX_F"}]}"#,
        ),
    );
    fake.datastore.borrow_mut().insert(
        MAPPING_KEY.into(),
        r#"{"aggregatedDataElements":{"fbfJHSPpUQD":{"mappedId":"hfdmMSPBgLG",
          "mapping":{"categoryOptions":{"MaleOpt0001":{"mappedId":"DISABLED","mappedCode":"DISABLED"}}}}}}"#
            .into(),
    );
    fake
}

#[wasm_bindgen_test]
async fn a_nested_category_option_is_mapped_by_hand_and_saved() {
    let fake = mapping_server().await;
    set_hash(&format!("#/mapping?instance={REMOTE_ID}"));
    let mounted = mount_shell(services(&fake));
    mounted
        .wait_until("the origin rows are listed", |m| {
            m.row_with("ANC 1st visit").is_some()
        })
        .await;
    mounted.click_in_row("ANC 1st visit", "mapping-nested-toggle");
    let item = mounted.wait_for("mapping-nested-item").await;
    assert_eq!(item.get_attribute("data-excluded").as_deref(), Some("true"));
    assert!(item
        .text_content()
        .unwrap_or_default()
        .contains("MaleOpt0001"));

    mounted.click("mapping-nested-pick");
    mounted.wait_for("mapping-picker").await;
    mounted
        .wait_until("the destination's category options", |m| {
            m.find_all("[data-test=\"mapping-picker-item\"]").len() == 2
        })
        .await;
    assert!(
        !fake
            .requests_to("remote.test/dhis/api/categoryOptions?")
            .is_empty(),
        "the picker searches the destination's category options"
    );
    let masculino = mounted
        .find_all("[data-test=\"mapping-picker-item\"]")
        .into_iter()
        .find(|i| i.text_content().unwrap_or_default().contains("Masculino"))
        .expect("Masculino offered");
    let choose: web_sys::HtmlElement = wasm_bindgen::JsCast::unchecked_into(
        masculino
            .query_selector("[data-test=\"mapping-picker-choose\"]")
            .ok()
            .flatten()
            .expect("a choose button"),
    );
    choose.click();
    mounted
        .wait_until("the nested item mapped", |m| {
            m.find("mapping-picker").is_none()
                && m.find("mapping-nested-item").is_some_and(|i| {
                    i.get_attribute("data-excluded").as_deref() == Some("false")
                        && i.text_content().unwrap_or_default().contains("Masculino")
                })
        })
        .await;
    assert!(
        fake.datastore
            .borrow()
            .get(MAPPING_KEY)
            .is_some_and(|stored| stored.contains("DISABLED")),
        "nothing is stored before Save"
    );

    mounted.wait_for("mapping-unsaved").await;
    mounted.click("mapping-save");
    mounted
        .wait_for_text("mapping-notice", "Mapping saved")
        .await;
    let stored: serde_json::Value = fake
        .datastore
        .borrow()
        .get(MAPPING_KEY)
        .and_then(|text| serde_json::from_str(text).ok())
        .expect("a stored mapping");
    let entry = &stored["aggregatedDataElements"]["fbfJHSPpUQD"];
    assert_eq!(entry["mappedId"], "hfdmMSPBgLG", "{stored}");
    let nested = &entry["mapping"]["categoryOptions"]["MaleOpt0001"];
    assert_eq!(nested["mappedId"], "MascOpt0001", "{stored}");
    assert_eq!(nested["mappedName"], "Masculino", "{stored}");
    assert_eq!(nested["mappedCode"], "SEX_M", "{stored}");
    set_hash("#/");
}
