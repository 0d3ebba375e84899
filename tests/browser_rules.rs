//! The Rules panel in headless Chromium, against the Sync panel's fake DHIS2 (schemas, a data
//! set listing, a stored destination instance): the editor's steps and their checks, the
//! table's filters and actions, and what a run-only user may do.
//! Run: `CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown --test browser_rules`
#![cfg(target_arch = "wasm32")]

mod browser_support;
#[path = "browser_support/sync.rs"]
#[allow(dead_code)]
mod sync_support;

use browser_support::*;
use mdsync_core::crypto::EncryptionKey;
use mdsync_core::dhis2::{Auth, Dhis2Client, Me, Method, Version};
use mdsync_core::instances::InstanceManager;
use mdsync_core::model::{Sharing, LOCAL_INSTANCE_ID};
use mdsync_core::rules::{
    create_rule, MetadataRuleSelection, PickedObject, RuleDraft, RuleJob, RuleSummary,
};
use mdsync_core::storage::Storage;
use mdsync_core::sync::metadata::MetadataSyncOptions;
use sync_support::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Stores a rule as the fake's administrator: ANC monthly from here to the remote, readable
/// by every app user.
async fn stored_rule(
    fake: &FakeDhis2,
    name: &str,
    schedule: Option<&str>,
    enabled: bool,
) -> String {
    let storage = Storage::new(
        Dhis2Client::new(fake.clone(), BASE_URL, Auth::Session),
        Version::new(2, 41),
    );
    let me = Me {
        id: "xE7jOejl9FI".into(),
        username: "jtraore".into(),
        name: "John Traore".into(),
        authorities: vec!["ALL".into()],
        user_roles: Vec::new(),
        user_groups: Vec::new(),
        organisation_units: Vec::new(),
        ui_locale: None,
    };
    let manager = InstanceManager::new(me, EncryptionKey::from_bytes([7u8; 32]), BASE_URL);
    let draft = RuleDraft {
        name: name.into(),
        code: String::new(),
        description: String::new(),
        origin: LOCAL_INSTANCE_ID.into(),
        destinations: vec![REMOTE_ID.into()],
        job: RuleJob::Metadata {
            selection: MetadataRuleSelection {
                objects: vec![PickedObject {
                    id: "pBOMPrpg1QX".into(),
                    plural: Some("dataSets".into()),
                    name: "ANC monthly".into(),
                }],
                ..MetadataRuleSelection::default()
            },
            // Only the data set itself: the fake serves no dependencies.
            options: MetadataSyncOptions {
                include_dependencies: false,
                ..MetadataSyncOptions::default()
            },
        },
        schedule: schedule.map(str::to_string),
        enabled,
        sharing: Some(Sharing {
            public_access: Sharing::PUBLIC_READ.into(),
            ..Sharing::default()
        }),
    };
    create_rule(&manager, &storage, &draft, 1_764_000_000_000)
        .await
        .expect("rule stored")
        .summary
        .id
}

fn stored_summaries(fake: &FakeDhis2) -> Vec<RuleSummary> {
    fake.datastore_values("metadata-sync")
        .into_iter()
        .find(|(key, _)| key == "rules")
        .and_then(|(_, value)| serde_json::from_str(&value).ok())
        .unwrap_or_default()
}

#[wasm_bindgen_test]
async fn the_editor_checks_each_step_at_its_field_and_saves_a_rule_the_list_shows() {
    let fake = server().await;
    stored_rule(&fake, "Malaria weekly", None, false).await;
    set_hash("#/rules/new");
    let mounted = mount_shell(services(&fake));
    mounted.wait_for("rule-name").await;

    // General: a name, and not one already taken.
    mounted.click("rule-next");
    let error = mounted
        .wait_for_text("rule-name-error", "Enter a name")
        .await;
    assert!(error.contains("Enter a name."), "{error}");
    mounted.type_into("rule-name", "malaria WEEKLY");
    mounted.click("rule-next");
    mounted
        .wait_for_text("rule-name-error", "already exists")
        .await;
    mounted.type_into("rule-name", "ANC nightly");
    mounted.type_into("rule-code", "ANC_NIGHTLY");
    mounted.click("rule-next");

    // What: nothing picked is refused; the Sync page's browser picks the data set.
    mounted.wait_for("rule-what").await;
    assert!(mounted.find("rule-name-error").is_none());
    mounted.click("rule-next");
    mounted
        .wait_for_text("rule-selection-error", "Choose what to sync")
        .await;
    mounted.click("type-dataSets");
    mounted
        .wait_until("rows listed", |m| m.row_with("ANC monthly").is_some())
        .await;
    mounted.click_in_row("ANC monthly", "sync-row-check");
    mounted.wait_for("sync-picked-line").await;
    mounted.click("rule-next");

    // Instances: a destination is needed.
    mounted.wait_for("rule-instances").await;
    mounted.click("rule-next");
    mounted
        .wait_for_text("rule-destinations-error", "at least one destination")
        .await;
    mounted.click(&format!("sync-destination-{REMOTE_ID}"));
    mounted.click("rule-next");

    // Schedule: an invalid cron is refused at the field with the reason; a valid one is said
    // in words with its next three runs.
    mounted.wait_for("schedule-mode").await;
    mounted.type_into("schedule-mode", "custom");
    mounted.wait_for("schedule-cron").await;
    mounted.type_into("schedule-cron", "0 0 2 31 2 ?");
    mounted.wait_for_text("schedule-error", "never fires").await;
    mounted.type_into("schedule-cron", "1 2 3");
    mounted
        .wait_for_text("schedule-error", "has 3 field(s)")
        .await;
    // Scheduled without a valid schedule is refused at the switch.
    mounted.click("rule-enabled");
    mounted.click("rule-next");
    mounted.wait_for("rule-step-schedule").await;
    assert!(
        mounted.find("rule-summary").is_none(),
        "an invalid schedule does not pass"
    );
    mounted.type_into("schedule-cron", "0 30 2 * * ?");
    let words = mounted
        .wait_for_text("schedule-words", "Every day at 02:30")
        .await;
    assert_eq!(words.trim(), "Every day at 02:30");
    assert_eq!(
        mounted.find_all("[data-test=\"schedule-next-run\"]").len(),
        3,
        "three next runs"
    );
    assert!(mounted.text("schedule-next-runs").contains("02:30:00"));
    mounted.click("rule-next");

    // Summary: everything in words, then Save.
    mounted.wait_for("rule-summary").await;
    assert_eq!(mounted.text("rule-summary-name"), "ANC nightly");
    assert!(mounted.text("rule-summary-what").contains("ANC monthly"));
    assert_eq!(mounted.text("rule-summary-destinations"), "Destination");
    assert_eq!(mounted.text("rule-summary-schedule"), "Every day at 02:30");
    assert_eq!(mounted.text("rule-summary-enabled"), "Yes");
    mounted.click("rule-save");

    mounted
        .wait_until("the list with the new rule", |m| {
            m.row_with("ANC nightly").is_some()
        })
        .await;
    let row = mounted
        .row_with("ANC nightly")
        .expect("row")
        .text_content()
        .unwrap_or_default();
    assert!(row.contains("Every day at 02:30"), "{row}");
    assert!(row.contains("Destination"), "{row}");
    let saved = stored_summaries(&fake);
    let rule = saved
        .iter()
        .find(|r| r.name == "ANC nightly")
        .expect("the rule is in the rules list key");
    assert_eq!(rule.code, "ANC_NIGHTLY");
    assert_eq!(rule.schedule.as_deref(), Some("0 30 2 * * ?"));
    assert!(rule.enabled);
    set_hash("#/");
}

#[wasm_bindgen_test]
async fn the_list_filters_searches_replicates_and_deletes_with_a_confirmation_naming_the_rules() {
    let fake = server().await;
    stored_rule(&fake, "ANC nightly", Some("0 0 2 * * ?"), true).await;
    stored_rule(&fake, "Malaria weekly", Some("0 0 3 ? * 1"), false).await;
    set_hash("#/rules");
    let mounted = mount_shell(services(&fake));
    mounted
        .wait_until("both rules listed", |m| {
            m.row_with("ANC nightly").is_some() && m.row_with("Malaria weekly").is_some()
        })
        .await;
    let weekly = mounted
        .row_with("Malaria weekly")
        .expect("row")
        .text_content()
        .unwrap_or_default();
    assert!(weekly.contains("Every Monday at 03:00"), "{weekly}");
    // The scheduler never beat against this server: a red dot says so.
    let dot = mounted.wait_for("scheduler-status").await;
    assert_eq!(dot.get_attribute("data-state").as_deref(), Some("down"));
    assert!(mounted
        .text("scheduler-status")
        .contains("No scheduler has run"));

    mounted.type_into("rules-filter-enabled", "yes");
    mounted
        .wait_until("only the scheduled rule", |m| {
            m.row_with("Malaria weekly").is_none()
        })
        .await;
    assert!(mounted.row_with("ANC nightly").is_some());
    mounted.type_into("rules-filter-enabled", "");
    mounted.type_into("data-table-search", "malaria");
    mounted
        .wait_until("the search keeps one rule", |m| {
            m.row_with("ANC nightly").is_none()
        })
        .await;
    assert!(mounted.row_with("Malaria weekly").is_some());
    mounted.type_into("data-table-search", "");

    mounted.click_in_row("Malaria weekly", "rule-replicate");
    mounted
        .wait_until("the copy", |m| {
            m.row_with("Copy of Malaria weekly").is_some()
        })
        .await;

    mounted
        .wait_until("rows back", |m| m.row_with("ANC nightly").is_some())
        .await;
    for name in ["ANC nightly", "Copy of Malaria weekly"] {
        mounted.click_in_row(name, "rule-select");
    }
    mounted
        .wait_for_text("rules-selected", "2 rules selected")
        .await;
    mounted.click("rules-delete-selected");
    let message = mounted.wait_for_text("confirm-dialog", "Delete").await;
    assert!(message.contains("“ANC nightly”"), "{message}");
    assert!(message.contains("“Copy of Malaria weekly”"), "{message}");
    assert!(!message.contains("“Malaria weekly”"), "{message}");
    mounted.click("confirm-ok");
    mounted
        .wait_until("two rules deleted", |m| m.row_with("ANC nightly").is_none())
        .await;
    let names: Vec<String> = stored_summaries(&fake)
        .into_iter()
        .map(|r| r.name)
        .collect();
    assert_eq!(names, vec!["Malaria weekly".to_string()]);
    set_hash("#/");
}

#[wasm_bindgen_test]
async fn a_run_only_user_runs_a_shared_rule_and_has_no_way_to_change_it() {
    let fake = server().await;
    stored_rule(&fake, "ANC nightly", None, false).await;
    // From now on the session is a run-only user's (the last canned answer wins).
    fake.on(
        Method::Get,
        "/api/me",
        json(
            200,
            r#"{"id":"ExecUser001","username":"executor","name":"Run Only",
            "authorities":[],"userRoles":[{"id":"role0000001","name":"METADATA_SYNC_EXECUTOR"}]}"#,
        ),
    );
    set_hash("#/rules");
    let mounted = mount_shell(services(&fake));
    mounted
        .wait_until("the shared rule", |m| m.row_with("ANC nightly").is_some())
        .await;
    for hidden in ["rules-new", "rules-import"] {
        assert!(mounted.find(hidden).is_none(), "{hidden} is not offered");
    }
    let row = mounted.row_with("ANC nightly").expect("row");
    for action in [
        "rule-edit",
        "rule-delete",
        "rule-share",
        "rule-toggle",
        "rule-replicate",
    ] {
        assert!(
            row.query_selector(&format!("[data-test=\"{action}\"]"))
                .ok()
                .flatten()
                .is_none(),
            "{action} is hidden from run-only users"
        );
    }

    mounted.click_in_row("ANC nightly", "rule-run");
    mounted.wait_for("confirm-dialog").await;
    mounted.click("confirm-ok");
    let report = mounted.wait_for_text("rule-run-report", "finished").await;
    assert!(report.contains("Sync finished"), "{report}");
    let posts: Vec<_> = fake
        .requests_to("remote.test/dhis/api/metadata")
        .into_iter()
        .filter(|r| r.method == Method::Post)
        .collect();
    assert_eq!(posts.len(), 1, "one import on the destination");
    let body = String::from_utf8_lossy(posts[0].body.as_deref().unwrap_or_default()).into_owned();
    assert!(body.contains("pBOMPrpg1QX"), "the rule's data set is sent");
    // The rule's own record now names the run.
    mounted
        .wait_until("the last run in the table", |m| {
            m.row_with("ANC nightly")
                .and_then(|r| r.text_content())
                .is_some_and(|t| t.contains("Success"))
        })
        .await;

    // The editor itself refuses a run-only user.
    set_hash("#/rules/x/edit");
    mounted.wait_for("rule-editor-refused").await;
    set_hash("#/");
}

#[wasm_bindgen_test]
async fn a_fresh_heartbeat_shows_a_green_dot_naming_the_rule_due_next() {
    use mdsync_core::rules::{iso_utc, CronSchedule, Heartbeat, ServerZone};
    let fake = server().await;
    stored_rule(&fake, "ANC nightly", Some("0 0 2 * * ?"), true).await;
    stored_rule(&fake, "Malaria weekly", Some("0 0 3 ? * 1"), false).await;
    let now = js_sys::Date::now() as u64;
    let beat = now - 40_000;
    let next = CronSchedule::parse("0 0 2 * * ?")
        .expect("cron")
        .next_after(beat, &ServerZone::utc())
        .expect("a next run");
    let heartbeat = Heartbeat {
        host: "sync-server".into(),
        process_id: "1".into(),
        account: "scheduler".into(),
        started: iso_utc(beat - 60_000),
        beat: iso_utc(beat),
        interval_seconds: 60,
        last_execution: None,
        next_execution: Some(iso_utc(next)),
        stopped: None,
        rules: 1,
        running: Vec::new(),
        notes: Vec::new(),
    };
    let storage = Storage::new(
        Dhis2Client::new(fake.clone(), BASE_URL, Auth::Session),
        Version::new(2, 41),
    );
    storage
        .write("scheduler", &heartbeat)
        .await
        .expect("heartbeat written");
    set_hash("#/rules");
    let mounted = mount_shell(services(&fake));
    let dot = mounted.wait_for("scheduler-status").await;
    assert_eq!(dot.get_attribute("data-state").as_deref(), Some("running"));
    let text = mounted
        .wait_for_text("scheduler-status", "next run: ANC nightly at")
        .await;
    assert!(
        text.contains("Scheduler running on sync-server, last seen 4"),
        "{text}"
    );
    assert!(text.contains("02:00 (UTC)"), "{text}");
    assert!(!text.contains("Malaria"), "{text}");
    set_hash("#/");
}

#[wasm_bindgen_test]
async fn editing_keeps_the_stored_picks_and_save_and_run_runs_the_saved_rule() {
    let fake = server().await;
    let id = stored_rule(&fake, "ANC nightly", None, false).await;
    set_hash(&format!("#/rules/{id}/edit"));
    let mounted = mount_shell(services(&fake));
    mounted.wait_for("rule-name").await;
    mounted
        .wait_until("the stored name", |m| {
            m.find("rule-name")
                .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
                .is_some_and(|input| input.value() == "ANC nightly")
        })
        .await;
    mounted.type_into("rule-name", "ANC nightly (edited)");
    mounted.click("rule-next");
    // The stored pick is shown by the Sync page's list, so the step passes as it is.
    mounted.wait_for_text("sync-picked", "ANC monthly").await;
    mounted.click("rule-next");
    mounted.wait_for("rule-instances").await;
    mounted.click("rule-next");
    mounted.wait_for("schedule-mode").await;
    assert_eq!(
        mounted.text("schedule-words").trim(),
        "No schedule: the rule runs only when someone runs it."
    );
    mounted.click("rule-next");
    mounted.wait_for("rule-summary").await;
    assert_eq!(mounted.text("rule-summary-destinations"), "Destination");
    mounted.click("rule-save-run");

    let report = mounted.wait_for_text("rule-run-report", "finished").await;
    assert!(report.contains("ANC nightly (edited)"), "{report}");
    let names: Vec<String> = stored_summaries(&fake)
        .into_iter()
        .map(|r| r.name)
        .collect();
    assert_eq!(names, vec!["ANC nightly (edited)".to_string()]);
    assert!(
        fake.requests_to("remote.test/dhis/api/metadata")
            .iter()
            .any(|r| r.method == Method::Post),
        "the rule ran against the destination"
    );
    set_hash("#/");
}

#[wasm_bindgen_test]
async fn an_aggregated_rule_is_made_in_the_editor_with_the_sync_pages_pickers_and_said_in_words() {
    let fake = server().await;
    let units = |list: &str| json(200, &format!(r#"{{"organisationUnits":[{list}]}}"#));
    let sierra_leone = r#"{"id":"ImspTQPwCqd","displayName":"Sierra Leone","path":"/ImspTQPwCqd",
        "level":1,"children":[{"id":"O6uvpzGd5pu"}]}"#;
    let bo = r#"{"id":"O6uvpzGd5pu","displayName":"Bo","path":"/ImspTQPwCqd/O6uvpzGd5pu",
        "level":2,"children":[]}"#;
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
        units(sierra_leone),
    )
    .on(Method::Get, "filter=parent.id:eq:ImspTQPwCqd", units(bo));
    set_hash("#/rules/new");
    let mounted = mount_shell(services(&fake));
    mounted.wait_for("rule-name").await;
    mounted.type_into("rule-name", "ANC in Bo");
    mounted.click("rule-next");

    // What: the kind, then the aggregated page's data picker and org unit tree.
    mounted.wait_for("rule-kind").await;
    mounted.click("rule-kind-aggregated");
    mounted.wait_for("rule-aggregated-data").await;
    mounted
        .wait_until("data sets listed", |m| m.row_with("ANC monthly").is_some())
        .await;
    mounted.click_in_row("ANC monthly", "aggregated-row-check");
    mounted
        .wait_for_text("aggregated-picked-list", "ANC monthly")
        .await;
    // No org unit: refused, with the message at the tree.
    mounted.click("rule-next");
    let error = mounted
        .wait_for_text("rule-org-units-error", "organisation unit")
        .await;
    assert_eq!(error.trim(), "Choose at least one organisation unit.");
    assert!(mounted.find("rule-selection-error").is_none());
    assert!(mounted.find("rule-instances").is_none());
    mounted.wait_for("org-unit-open").await;
    mounted.click("org-unit-open");
    mounted
        .wait_until("Bo listed", |m| {
            !m.find_all("[data-test=\"org-unit-node\"][data-id=\"O6uvpzGd5pu\"]")
                .is_empty()
        })
        .await;
    check(
        &mounted,
        "[data-test=\"org-unit-node\"][data-id=\"O6uvpzGd5pu\"] [data-test=\"org-unit-check\"]",
    );
    mounted.wait_for("org-unit-chip").await;
    mounted.click("rule-next");

    mounted.wait_for("rule-instances").await;
    mounted.click(&format!("sync-destination-{REMOTE_ID}"));
    mounted.click("rule-next");
    mounted.wait_for("schedule-mode").await;
    mounted.click("rule-next");

    // Summary: the data selection in words.
    mounted.wait_for("rule-summary").await;
    assert_eq!(mounted.text("rule-summary-kind"), "Aggregated data");
    let what = mounted.text("rule-summary-what");
    assert!(what.contains("ANC monthly"), "{what}");
    assert!(
        what.contains("Organisation units: Bo (with the units below them)"),
        "{what}"
    );
    assert!(what.contains("Period: Last year"), "{what}");
    mounted.click("rule-save");
    mounted
        .wait_until("the list with the new rule", |m| {
            m.row_with("ANC in Bo").is_some()
        })
        .await;
    let row = mounted
        .row_with("ANC in Bo")
        .expect("row")
        .text_content()
        .unwrap_or_default();
    assert!(row.contains("Aggregated data"), "{row}");
    let rule = stored_summaries(&fake)
        .into_iter()
        .find(|r| r.name == "ANC in Bo")
        .expect("stored");
    assert_eq!(rule.kind, mdsync_core::rules::RuleKind::Aggregated);
    let details: serde_json::Value = fake
        .datastore_values("metadata-sync")
        .into_iter()
        .find(|(key, _)| *key == format!("rule-{}", rule.id))
        .and_then(|(_, value)| serde_json::from_str(&value).ok())
        .expect("the rule's job is stored");
    assert_eq!(details["job"]["kind"], "aggregated");
    assert_eq!(
        details["job"]["selection"]["dataSets"],
        serde_json::json!(["pBOMPrpg1QX"])
    );
    assert_eq!(
        details["job"]["selection"]["orgUnits"],
        serde_json::json!(["O6uvpzGd5pu"])
    );
    set_hash("#/");
}

/// Puts a file into an `<input type="file">` and fires `change`, as a user picking it would.
fn pick_rules_file(input: &web_sys::Element, name: &str, text: &str) {
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
async fn import_takes_a_rules_file_and_says_clearly_when_a_file_holds_no_rule() {
    let fake = server().await;
    set_hash("#/rules");
    let mounted = mount_shell(services(&fake));
    mounted.wait_for("rules-import").await;
    let file = serde_json::json!({
        "format": "metadata-sync-rules",
        "version": 1,
        "exported": "2026-12-03T10:00:00Z",
        "rules": [{
            "name": "Imported ANC",
            "kind": "metadata",
            "origin": {"id": "LOCAL", "name": "This instance"},
            "destinations": [{"id": REMOTE_ID, "name": "Destination"}],
            "schedule": "0 0 2 * * ?",
            "enabled": true,
            "job": {
                "kind": "metadata",
                "selection": {"objects": [{"id": "pBOMPrpg1QX", "type": "dataSets"}]}
            }
        }]
    });
    pick_rules_file(
        &mounted.find("rules-import-file").expect("the file input"),
        "rules.json",
        &file.to_string(),
    );
    let notice = mounted.wait_for_text("rules-notice", "Imported ANC").await;
    assert!(notice.contains("rules.json: imported 1 rule"), "{notice}");
    // Imported switched off, to be checked before it runs on its own.
    assert!(notice.contains("switched off"), "{notice}");
    mounted
        .wait_until("the imported rule listed", |m| {
            m.row_with("Imported ANC").is_some()
        })
        .await;
    let stored = stored_summaries(&fake);
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].destinations[0].id, REMOTE_ID);
    assert!(!stored[0].enabled);

    // A file that is no rule: said plainly, nothing added.
    pick_rules_file(
        &mounted.find("rules-import-file").expect("the file input"),
        "data-sets.json",
        r#"{"dataSets": []}"#,
    );
    let refused = mounted.wait_for_text("rules-notice", "holds no rule").await;
    assert!(
        refused.contains("neither a MetaData Sync rules file nor rules exported from MDSync"),
        "{refused}"
    );
    // And a file that is not JSON at all.
    pick_rules_file(
        &mounted.find("rules-import-file").expect("the file input"),
        "notes.json",
        "this is not json",
    );
    mounted.wait_for_text("rules-notice", "not JSON").await;
    assert_eq!(stored_summaries(&fake).len(), 1);
    set_hash("#/");
}

/// The instance the fake stores, private to someone else (only superusers and its owner).
async fn make_destination_private(fake: &FakeDhis2) {
    let storage = Storage::new(
        Dhis2Client::new(fake.clone(), BASE_URL, Auth::Session),
        Version::new(2, 41),
    );
    let mut instance = storage
        .instances()
        .get(REMOTE_ID)
        .await
        .expect("read")
        .expect("the destination");
    instance.sharing = Sharing {
        owner: Some("OtherOwner1".into()),
        ..Sharing::default()
    };
    storage.instances().save(&instance).await.expect("saved");
}

fn stored_destination_sharing(fake: &FakeDhis2) -> Sharing {
    let instances: Vec<mdsync_core::model::Instance> = fake
        .datastore_values("metadata-sync")
        .into_iter()
        .find(|(key, _)| key == "instances")
        .and_then(|(_, value)| serde_json::from_str(&value).ok())
        .unwrap_or_default();
    instances
        .into_iter()
        .find(|i| i.id.as_str() == REMOTE_ID)
        .expect("the destination stored")
        .sharing
}

#[wasm_bindgen_test]
async fn sharing_a_rule_finds_users_and_groups_and_offers_to_share_its_private_destination() {
    let fake = server().await;
    make_destination_private(&fake).await;
    stored_rule(&fake, "ANC nightly", None, false).await;
    fake.on(
        Method::Get,
        "dhis2.test/dhis/api/users?",
        json(
            200,
            r#"{"pager":{"page":1,"pageCount":1,"total":1,"pageSize":10},
            "users":[{"id":"ExecUser001","displayName":"Evan Runner"}]}"#,
        ),
    )
    .on(
        Method::Get,
        "dhis2.test/dhis/api/userGroups?",
        json(
            200,
            r#"{"pager":{"page":1,"pageCount":1,"total":1,"pageSize":10},
            "userGroups":[{"id":"GroupSync01","displayName":"Evaluation team"}]}"#,
        ),
    );
    set_hash("#/rules");
    let mounted = mount_shell(services(&fake));
    mounted
        .wait_until("the rule", |m| m.row_with("ANC nightly").is_some())
        .await;
    mounted.click_in_row("ANC nightly", "rule-share");
    mounted.wait_for("sharing-dialog").await;
    mounted.type_into("sharing-search", "eva");
    mounted.click("sharing-search-go");
    mounted
        .wait_until("a user and a group found", |m| {
            m.find_all("[data-test=\"sharing-result\"]").len() == 2
        })
        .await;
    let searches: Vec<String> = fake
        .requests_to("ilike:eva")
        .into_iter()
        .map(|r| r.url)
        .collect();
    assert!(
        searches.iter().any(|u| u.contains("/api/users?")),
        "{searches:?}"
    );
    assert!(
        searches.iter().any(|u| u.contains("/api/userGroups?")),
        "{searches:?}"
    );
    for name in ["Evan Runner", "Evaluation team"] {
        let add: web_sys::HtmlElement = mounted
            .find_all(&format!(
                "[data-test=\"sharing-result\"][data-name=\"{name}\"] [data-test=\"sharing-add\"]"
            ))
            .into_iter()
            .next()
            .unwrap_or_else(|| panic!("{name} can be added"))
            .unchecked_into();
        add.click();
    }
    mounted
        .wait_until("both added", |m| {
            m.find_all("[data-test=\"sharing-entry\"]").len() == 2
        })
        .await;
    mounted.click("sharing-save");
    mounted.wait_for_text("rules-notice", "Sharing saved").await;
    let rule = stored_summaries(&fake).remove(0);
    assert!(rule
        .sharing
        .user_accesses
        .iter()
        .any(|e| e.id == "ExecUser001" && e.access == Sharing::PUBLIC_READ));
    assert!(rule
        .sharing
        .user_group_accesses
        .iter()
        .any(|e| e.id == "GroupSync01"));

    // They could see the rule and not run it: the app says so and offers the destination.
    let offer = mounted
        .wait_for_text("rule-instance-gap", "Destination")
        .await;
    assert!(offer.contains("cannot use “Destination”"), "{offer}");
    mounted.click("confirm-ok");
    mounted
        .wait_for_text("rules-notice", "Instances shared read-only: Destination")
        .await;
    let sharing = stored_destination_sharing(&fake);
    assert_eq!(sharing.public_access, Sharing::PUBLIC_READ, "{sharing:?}");
    assert!(sharing
        .user_accesses
        .iter()
        .any(|e| e.id == "ExecUser001" && e.access == Sharing::PUBLIC_READ));
    assert!(sharing
        .user_group_accesses
        .iter()
        .any(|e| e.id == "GroupSync01" && e.access == Sharing::PUBLIC_READ));
    // The owner and what others already had are kept.
    assert_eq!(sharing.owner.as_deref(), Some("OtherOwner1"));
    // The encrypted credential's key got the same readers (DHIS2 enforces it).
    assert!(fake
        .requests_to("/api/sharing?type=dataStore")
        .iter()
        .any(|r| r.method == Method::Post
            && String::from_utf8_lossy(r.body.as_deref().unwrap_or_default())
                .contains("ExecUser001")));
    set_hash("#/");
}

#[wasm_bindgen_test]
async fn the_instances_list_shares_an_instance_and_its_credential_follows() {
    let fake = server().await;
    set_hash("#/instances");
    let mounted = mount_shell(services(&fake));
    mounted
        .wait_until("the destination listed", |m| {
            m.row_with("Destination").is_some()
        })
        .await;
    mounted.click_in_row("Destination", "instance-share");
    mounted.wait_for("sharing-dialog").await;
    mounted.type_into("sharing-public", Sharing::PRIVATE);
    mounted.click("sharing-save");
    let notice = mounted
        .wait_for_text("instances-notice", "Sharing of “Destination” saved")
        .await;
    assert!(notice.contains("never shown"), "{notice}");
    assert!(mounted.find("sharing-dialog").is_none());
    let sharing = stored_destination_sharing(&fake);
    assert_eq!(sharing.public_access, Sharing::PRIVATE);
    // The secret's key is closed to app users too.
    let secret_sharing: Vec<String> = fake
        .requests_to("/api/sharing?type=dataStore")
        .into_iter()
        .filter(|r| r.method == Method::Post)
        .map(|r| String::from_utf8_lossy(r.body.as_deref().unwrap_or_default()).into_owned())
        .collect();
    assert!(
        secret_sharing
            .last()
            .is_some_and(|body| body.contains(r#""publicAccess":"--------""#)),
        "{secret_sharing:?}"
    );
    set_hash("#/");
}

#[wasm_bindgen_test]
async fn a_stored_metadata_rule_gets_a_filter_checked_at_its_row_and_saved() {
    let fake = server().await;
    let id = stored_rule(&fake, "ANC by name", None, false).await;
    set_hash(&format!("#/rules/{id}/edit"));
    let mounted = mount_shell(services(&fake));
    mounted
        .wait_until("the stored name", |m| {
            m.find("rule-name")
                .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
                .is_some_and(|input| input.value() == "ANC by name")
        })
        .await;
    mounted.click("rule-next");
    mounted.wait_for("rule-filters").await;
    mounted.click("rule-filter-add");
    mounted.wait_for("rule-filter").await;
    // A filter without its type is refused under its row.
    mounted.click("rule-next");
    let error = mounted
        .wait_for_text("rule-filter-error", "metadata type")
        .await;
    assert_eq!(error.trim(), "Choose the metadata type of filter 1.");
    mounted
        .wait_until("types offered", |m| {
            !m.find_all("[data-test=\"rule-filter-type\"] option[value=\"dataSets\"]")
                .is_empty()
        })
        .await;
    mounted.type_into("rule-filter-type", "dataSets");
    mounted.type_into("rule-filter-position", "starts_with");
    mounted.type_into("rule-filter-text", "ANC");
    mounted.click("rule-next");
    mounted.wait_for("rule-instances").await;
    mounted.click("rule-next");
    mounted.wait_for("schedule-mode").await;
    mounted.click("rule-next");
    let what = mounted.wait_for_text("rule-summary-what", "1 filter").await;
    assert!(what.contains("ANC monthly"), "{what}");
    mounted.click("rule-save");
    mounted
        .wait_until("back to the list", |m| m.row_with("ANC by name").is_some())
        .await;
    let details: serde_json::Value = fake
        .datastore_values("metadata-sync")
        .into_iter()
        .find(|(key, _)| *key == format!("rule-{id}"))
        .and_then(|(_, value)| serde_json::from_str(&value).ok())
        .expect("the rule's job is stored");
    let filter = &details["job"]["selection"]["filters"][0];
    assert_eq!(filter["metadataType"], "dataSets", "{details}");
    assert_eq!(filter["text"]["where"], "startsWith", "{details}");
    assert_eq!(filter["text"]["value"], "ANC", "{details}");
    assert_eq!(
        details["job"]["selection"]["objects"][0]["id"], "pBOMPrpg1QX",
        "the picked data set stays"
    );
    set_hash("#/");
}
