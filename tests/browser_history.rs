//! The History panel in headless Chromium, against a fake DHIS2 whose dataStore holds runs
//! written through `core` (and an interrupted run's journal).
//! Run: `CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown --test browser_history`
#![cfg(target_arch = "wasm32")]

mod browser_support;

use browser_support::*;
use mdsync_core::dhis2::{Auth, Dhis2Client, ImportStats, Version};
use mdsync_core::storage::Storage;
use mdsync_core::sync::journal::{run_key, JournalJob, JOURNAL_VERSION};
use mdsync_core::sync::metadata::{MetadataSelection, MetadataSyncOptions};
use mdsync_core::sync::report::SyncKind;
use mdsync_core::sync::{
    save_run_with_parameters, RunContext, RunJournal, RunParameters, SyncError, SyncReport,
    TargetReport, TargetStatus, TypeStats,
};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const NAMESPACE: &str = "metadata-sync";

fn storage(fake: &FakeDhis2) -> Storage<FakeDhis2> {
    Storage::new(
        Dhis2Client::new(fake.clone(), BASE_URL, Auth::Session),
        Version::new(2, 41),
    )
}

fn error(id: &str, message: &str) -> SyncError {
    SyncError {
        object_id: Some(id.into()),
        object_type: Some("dataSets".into()),
        property: None,
        message: message.into(),
        code: Some("E5002".into()),
        problem: None,
    }
}

fn report(
    kind: SyncKind,
    status: TargetStatus,
    created: u64,
    errors: Vec<SyncError>,
) -> SyncReport {
    let mut report = SyncReport::new(kind, "This instance");
    report.objects_by_type = vec![("dataSets".into(), created as usize + errors.len())];
    let mut target = TargetReport::new("Destination", "http://remote.test/dhis");
    target.status = status;
    target.stats = ImportStats {
        created,
        total: created,
        ..ImportStats::default()
    };
    target.type_stats = vec![TypeStats {
        type_name: "dataSets".into(),
        stats: target.stats,
    }];
    target.errors = errors;
    target.raw_responses = vec![serde_json::json!({"status": "OK", "marker": "raw-answer-1"})];
    report.targets.push(target);
    report
}

/// Three runs: two by the user of the session (`jtraore`), one by someone else for a rule.
async fn seed(fake: &FakeDhis2) {
    let storage = storage(fake);
    storage.migrate().await.expect("migrations");
    let runs = [
        (
            "runMetaOk01",
            "2026-12-01T09:00:00.000Z",
            Some("jtraore"),
            None,
            report(SyncKind::Metadata, TargetStatus::Success, 3, Vec::new()),
        ),
        (
            "runAggErr01",
            "2026-12-02T09:00:00.000Z",
            Some("jtraore"),
            None,
            report(
                SyncKind::Aggregated,
                TargetStatus::Error,
                0,
                vec![
                    error("pBOMPrpg1QX", "Invalid reference [abc] on object ANC"),
                    error("QX4ZTUbOt3a", "Property name is required"),
                ],
            ),
        ),
        (
            "runRuleWn01",
            "2026-11-20T09:00:00.000Z",
            Some("amina"),
            Some("ruleANC0001"),
            report(SyncKind::Metadata, TargetStatus::Warning, 1, Vec::new()),
        ),
    ];
    for (id, date, user, rule, report) in runs {
        let context = RunContext {
            date: date.into(),
            user: user.map(str::to_string),
            rule_id: rule.map(str::to_string),
        };
        // The rule's run keeps its name and parameters as they were.
        let parameters = rule.map(|_| RunParameters {
            rule_name: Some("ANC monthly rule".into()),
            job: JournalJob::Metadata {
                selection: MetadataSelection::ids(["pBOMPrpg1QX"]),
                options: MetadataSyncOptions::default(),
            },
        });
        save_run_with_parameters(&storage, id, &report, &context, parameters)
            .await
            .expect("history saved");
    }
}

/// A run of `jtraore` cut short after 4 objects arrived.
async fn seed_journal(fake: &FakeDhis2) {
    let journal = RunJournal {
        version: JOURNAL_VERSION,
        id: "runCutShort".into(),
        started: "2026-12-03T08:00:00.000Z".into(),
        user: Some("jtraore".into()),
        updated_millis: 1_764_748_800_000,
        origin: "LOCAL".into(),
        origin_name: "This instance".into(),
        destinations: vec!["rEmoteInst1".into()],
        rule: None,
        job: JournalJob::Metadata {
            selection: MetadataSelection::ids(["pBOMPrpg1QX"]),
            options: MetadataSyncOptions::default(),
        },
        attempts: 1,
        targets: vec![mdsync_core::sync::journal::JournalTarget {
            written: vec!["a".into(), "b".into(), "c".into(), "d".into()],
            report: None,
        }],
    };
    storage(fake)
        .write(&run_key("runCutShort"), &journal)
        .await
        .expect("journal written");
}

/// Waits `ms` milliseconds of real time (the start-up task runs a moment after the session).
async fn pause(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

fn row_ids(mounted: &Mounted) -> Vec<String> {
    mounted
        .find_all("[data-test=\"history-row\"]")
        .iter()
        .filter_map(|row| row.get_attribute("data-id"))
        .collect()
}

fn has_key(fake: &FakeDhis2, key: &str) -> bool {
    fake.datastore_values(NAMESPACE)
        .iter()
        .any(|(k, _)| k == key)
}

async fn open_history(fake: &FakeDhis2) -> Mounted {
    set_hash("#/history");
    let mounted = mount_shell(services(fake));
    mounted.wait_for("history-table").await;
    mounted
        .wait_until("rows listed", |m| !row_ids(m).is_empty())
        .await;
    mounted
}

#[wasm_bindgen_test]
async fn runs_are_listed_newest_first_then_filtered_sorted_and_paged() {
    let fake = FakeDhis2::server(&["ALL"], &[]);
    seed(&fake).await;
    let mounted = open_history(&fake).await;
    assert_eq!(
        row_ids(&mounted),
        ["runAggErr01", "runMetaOk01", "runRuleWn01"]
    );
    assert!(mounted.text("history-page-summary").contains("3 runs"));

    mounted.type_into("history-filter-status", "error");
    mounted
        .wait_until("only the failed run", |m| row_ids(m) == ["runAggErr01"])
        .await;
    mounted.type_into("history-filter-status", "");
    mounted.type_into("history-filter-kind", "metadata");
    mounted
        .wait_until("metadata runs", |m| {
            row_ids(m) == ["runMetaOk01", "runRuleWn01"]
        })
        .await;
    mounted.type_into("history-filter-rule", "ruleANC0001");
    mounted
        .wait_until("the rule's run", |m| row_ids(m) == ["runRuleWn01"])
        .await;
    mounted.type_into("history-filter-rule", "");
    mounted.type_into("history-filter-kind", "");
    mounted.type_into("history-filter-user", "amina");
    mounted
        .wait_until("amina's run", |m| row_ids(m) == ["runRuleWn01"])
        .await;
    mounted.type_into("history-filter-user", "");
    mounted.type_into("history-filter-from", "2026-12-01");
    mounted.type_into("history-filter-until", "2026-12-01");
    mounted
        .wait_until("one day", |m| row_ids(m) == ["runMetaOk01"])
        .await;
    mounted.type_into("history-filter-from", "");
    mounted.type_into("history-filter-until", "");
    mounted
        .wait_until("all again", |m| row_ids(m).len() == 3)
        .await;

    // Most objects first, then the other way round.
    mounted.click("history-sort-objects");
    mounted
        .wait_until("by objects", |m| {
            row_ids(m) == ["runMetaOk01", "runAggErr01", "runRuleWn01"]
        })
        .await;
    mounted.click("history-sort-objects");
    mounted
        .wait_until("by objects, fewest first", |m| {
            row_ids(m) == ["runRuleWn01", "runAggErr01", "runMetaOk01"]
        })
        .await;
    assert_eq!(mounted.text("history-previous"), "Previous");
    assert!(
        mounted
            .find("history-next")
            .and_then(|b| b.get_attribute("disabled"))
            .is_some(),
        "one page only"
    );
    set_hash("#/");
}

#[wasm_bindgen_test]
async fn a_run_s_details_show_each_destination_with_searchable_errors() {
    let fake = FakeDhis2::server(&["ALL"], &[]);
    seed(&fake).await;
    set_hash("#/history/runAggErr01");
    let mounted = mount_shell(services(&fake));
    mounted.wait_for("history-entry").await;
    assert!(mounted
        .text("history-fact-kind")
        .contains("Aggregated data"));
    assert_eq!(mounted.text("history-fact-user"), "jtraore");
    let target = mounted.find("history-target").expect("one destination");
    assert_eq!(
        target.get_attribute("data-status").as_deref(),
        Some("error")
    );
    assert!(mounted.text("history-target").contains("Destination"));
    assert_eq!(
        mounted.find_all("[data-test=\"history-error-row\"]").len(),
        2
    );
    assert!(mounted.text("history-errors-count").contains("2 errors"));
    mounted.type_into("history-errors-search", "invalid reference");
    mounted
        .wait_until("one error matches", |m| {
            m.find_all("[data-test=\"history-error-row\"]").len() == 1
        })
        .await;
    assert!(mounted.text("history-errors").contains("pBOMPrpg1QX"));
    assert!(mounted.find("history-errors-csv").is_some());
    assert!(mounted.text("history-raw").contains("raw-answer-1"));
    // The counts per type of a successful run.
    set_hash("#/history/runMetaOk01");
    mounted
        .wait_until("the other run", |m| {
            m.text("history-fact-date").contains("2026")
        })
        .await;
    mounted
        .wait_until("its figures", |m| {
            m.find_all("[data-test=\"history-type-stats\"][data-type=\"dataSets\"] [data-test=\"history-type-created\"]")
                .first()
                .and_then(|c| c.text_content())
                .as_deref()
                == Some("3")
        })
        .await;
    assert!(
        mounted.find("history-errors").is_none(),
        "no errors table without errors"
    );
    assert!(
        mounted.find("history-parameters").is_none(),
        "none were kept for it"
    );
    // A rule's run: the rule's name then, and what it was asked to sync.
    set_hash("#/history/runRuleWn01");
    mounted
        .wait_for_text("history-fact-rule", "ANC monthly rule (ruleANC0001)")
        .await;
    assert!(mounted.text("history-parameters").contains("pBOMPrpg1QX"));
    set_hash("#/");
}

#[wasm_bindgen_test]
async fn several_runs_are_deleted_only_after_a_confirmation() {
    let fake = FakeDhis2::server(&["ALL"], &[]);
    seed(&fake).await;
    let mounted = open_history(&fake).await;
    let check = |id: &str| {
        let input: web_sys::HtmlElement = mounted
            .find_all(&format!(
                "[data-test=\"history-row\"][data-id=\"{id}\"] [data-test=\"history-row-check\"]"
            ))
            .into_iter()
            .next()
            .unwrap_or_else(|| panic!("a checkbox for {id}"))
            .unchecked_into();
        input.click();
    };
    check("runMetaOk01");
    check("runRuleWn01");
    mounted
        .wait_until("two selected", |m| {
            m.text("history-delete").contains("2 entries")
        })
        .await;
    mounted.click("history-delete");
    let dialog = mounted
        .wait_for_text("confirm-dialog", "2 history entries")
        .await;
    assert!(dialog.contains("deleted for good"), "{dialog}");
    mounted.click("confirm-cancel");
    mounted
        .wait_until("dialog closed", |m| m.find("confirm-dialog").is_none())
        .await;
    assert!(
        has_key(&fake, "history-runMetaOk01"),
        "nothing deleted on Cancel"
    );

    mounted.click("history-delete");
    mounted.wait_for("confirm-dialog").await;
    mounted.click("confirm-ok");
    mounted
        .wait_for_text("history-notice", "2 entries deleted")
        .await;
    assert_eq!(row_ids(&mounted), ["runAggErr01"]);
    assert!(!has_key(&fake, "history-runMetaOk01"));
    assert!(!has_key(&fake, "history-runRuleWn01"));
    assert!(has_key(&fake, "history-runAggErr01"));
    set_hash("#/");
}

#[wasm_bindgen_test]
async fn a_run_only_user_reads_their_own_runs_and_deletes_nothing() {
    let fake = FakeDhis2::server(&[], &["METADATA_SYNC_EXECUTOR"]);
    seed(&fake).await;
    let mounted = open_history(&fake).await;
    assert_eq!(
        row_ids(&mounted),
        ["runAggErr01", "runMetaOk01"],
        "amina's run is not theirs"
    );
    assert!(mounted.find("history-delete").is_none());
    assert!(mounted.find("history-row-check").is_none());
    set_hash("#/");
}

#[wasm_bindgen_test]
async fn an_interrupted_run_is_offered_when_the_app_opens_and_can_be_discarded() {
    let fake = FakeDhis2::server(&["ALL"], &[]);
    seed(&fake).await;
    seed_journal(&fake).await;
    set_hash("#/");
    let mounted = mount_shell(services(&fake));
    mounted.wait_for("home").await;
    assert!(
        mounted.find("resume-offer").is_none(),
        "nothing is asked before the page shows"
    );
    pause(2_600).await;
    let offer = mounted
        .wait_for_text("resume-offer", "A sync was interrupted")
        .await;
    assert!(offer.contains("This instance"), "{offer}");
    assert!(offer.contains("4 objects already arrived"), "{offer}");
    assert_eq!(
        mounted
            .find("resume-offer-resume")
            .and_then(|a| a.get_attribute("href"))
            .as_deref(),
        Some("#/history/resume/runCutShort")
    );

    // History lists it too, with Resume.
    set_hash("#/history");
    mounted.wait_for("history-unfinished").await;
    let row = mounted
        .find_all("[data-test=\"history-unfinished-row\"]")
        .into_iter()
        .next()
        .expect("the unfinished run");
    assert_eq!(row.get_attribute("data-id").as_deref(), Some("runCutShort"));
    assert!(mounted.find("history-resume").is_some());

    // Back home: Discard asks first, then removes the journal.
    set_hash("#/");
    mounted.wait_for("resume-offer-discard").await;
    mounted.click("resume-offer-discard");
    mounted
        .wait_for_text("confirm-dialog", "no longer be offered")
        .await;
    mounted.click("confirm-ok");
    mounted
        .wait_until("the offer is gone", |m| m.find("resume-offer").is_none())
        .await;
    assert!(!has_key(&fake, "run-runCutShort"));
    assert!(
        has_key(&fake, "history-runAggErr01"),
        "history is untouched"
    );
    set_hash("#/");
}
