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
