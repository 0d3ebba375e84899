//! Rules as files: export (never a credential), import of this app's files and of rules
//! exported from MDSync (unknown parts reported, not guessed), and files that are not rules.

mod rules_common;
mod support;

use mdsync_core::rules::{
    create_rule, delete_rules, export_rules, import_rules, list_rules, ImportProblem, RuleJob,
    RuleProblem, TextPosition,
};
use mdsync_core::sync::metadata::InclusionMode;
use rules_common::*;

fn now(world: &World) -> u64 {
    use mdsync_core::clock::Clock;
    world.clock.now_millis()
}

#[test]
fn rules_are_exported_without_credentials_and_imported_again_without_overwriting() {
    let world = World::new("2.40");
    let remote = world.configured_remote();
    let (storage, configurator) = world.open("configurator");
    let mut ids = Vec::new();
    for name in ["Nightly", "Monthly"] {
        let mut draft = constants_rule(name, &remote);
        draft.schedule = Some("0 0 2 ? * *".into());
        draft.enabled = true;
        draft.sharing = Some(public_read());
        let rule = world
            .run(create_rule(&configurator, &storage, &draft, now(&world)))
            .expect("created");
        ids.push(rule.summary.id);
    }
    let export = world
        .run(export_rules(&configurator, &storage, &ids, now(&world)))
        .expect("exported");
    let text = serde_json::to_string_pretty(&export).expect("json");
    assert_eq!(export.rules.len(), 2);
    // No password, no sharing, no run record in the file.
    for absent in [
        "district",
        "password",
        "publicAccess",
        "userAccesses",
        "owner",
        "lastRun",
    ] {
        assert!(!text.contains(absent), "{absent} in {text}");
    }
    assert!(text.contains("\"Remote\""));

    // Importing beside the originals overwrites nothing: the names are taken.
    let outcome = world
        .run(import_rules(&configurator, &storage, &text, now(&world)))
        .expect("imported");
    assert!(outcome.created.is_empty());
    assert_eq!(outcome.problems.len(), 2);
    assert!(matches!(
        &outcome.problems[0],
        ImportProblem::Invalid { problems, .. }
            if problems.0.contains(&RuleProblem::NameTaken { name: "Nightly".into() })
    ));

    world
        .run(delete_rules(&configurator, &storage, &ids))
        .expect("deleted");
    let outcome = world
        .run(import_rules(&configurator, &storage, &text, now(&world)))
        .expect("imported");
    assert_eq!(outcome.created.len(), 2, "{:?}", outcome.problems);
    assert_eq!(outcome.schedule_switched_off, ["Nightly", "Monthly"]);
    let imported = &outcome.created[0];
    assert!(!imported.enabled);
    assert_eq!(imported.schedule.as_deref(), Some("0 0 2 ? * *"));
    assert_eq!(imported.destinations[0].id, remote);
    // New rules of the importer, private to them.
    assert_eq!(
        imported.sharing.owner.as_deref(),
        Some(configurator.me().id.as_str())
    );
    assert_eq!(imported.sharing.public_access, "--------");
}

fn mdsync_rule(remote: &str) -> serde_json::Value {
    serde_json::json!({
        "id": "mdsRule0001",
        "name": "MDSync nightly",
        "code": "NIGHTLY",
        "description": "From MDSync",
        "created": "2024-05-01T10:00:00.000Z",
        "type": "metadata",
        "enabled": true,
        "frequency": "0 0 0 ? * *",
        "targetInstances": [remote],
        "lastExecuted": "2024-06-01T00:00:00.000Z",
        "publicAccess": "rw------",
        "userAccesses": [],
        "userGroupAccesses": [{"id": "grp00000001", "access": "r-------"}],
        "useAggregatedDataExchange": false,
        "builder": {
            "originInstance": "LOCAL",
            "targetInstances": [remote],
            "metadataIds": CONSTANTS,
            "excludedIds": [CONSTANTS[2]],
            "metadataTypes": ["constants"],
            "filterRules": [{
                "id": "filter00001",
                "metadataType": "dataElements",
                "created": {"period": "ALL"},
                "lastUpdated": {"period": "SINCE_LAST_SUCCESSFUL_SYNC"},
                "stringMatch": {"where": "startsWith", "value": "ANC"}
            }],
            "syncParams": {
                "enableMapping": true,
                "useDefaultIncludeExclude": true,
                "metadataModelsSyncAll": ["optionSets"],
                "includeSharingSettingsObjectsAndReferences": false,
                "includeOnlySharingSettingsReferences": true,
                "includeUsersObjectsAndReferences": false,
                "includeOnlyUsersReferences": false,
                "includeOrgUnitsObjectsAndReferences": false,
                "includeOnlyOrgUnitsReferences": true,
                "removeDefaultCategoryObjects": true,
                "importStrategy": "CREATE",
                "importMode": "VALIDATE",
                "atomicMode": "NONE"
            },
            "dataParams": {}
        },
        "aggregatedDataExchangeDhis2Job": {"id": "job00000001"}
    })
}

#[test]
fn rules_exported_from_mdsync_are_imported_and_unknown_parts_reported() {
    let world = World::new("2.40");
    let remote = world.configured_remote();
    let (storage, configurator) = world.open("configurator");
    let file = serde_json::to_string(&mdsync_rule(&remote)).expect("json");
    let outcome = world
        .run(import_rules(&configurator, &storage, &file, now(&world)))
        .expect("imported");
    assert!(outcome.problems.is_empty(), "{:?}", outcome.problems);
    let summary = &outcome.created[0];
    assert_eq!(
        (summary.name.as_str(), summary.code.as_str()),
        ("MDSync nightly", "NIGHTLY")
    );
    assert_eq!(summary.schedule.as_deref(), Some("0 0 0 ? * *"));
    assert!(!summary.enabled);
    let listing = world
        .run(list_rules(&configurator, &storage))
        .expect("listed");
    assert_eq!(listing.rows.len(), 1);
    let rule = world
        .run(mdsync_core::rules::get_rule(
            &configurator,
            &storage,
            &summary.id,
        ))
        .expect("rule");
    let RuleJob::Metadata { selection, options } = &rule.job else {
        panic!("a metadata rule: {:?}", rule.job);
    };
    assert_eq!(selection.objects.len(), 3);
    assert_eq!(selection.excluded_ids, [CONSTANTS[2]]);
    assert_eq!(selection.all_of_types, ["optionSets"]);
    let filter = &selection.filters[0];
    assert_eq!(filter.metadata_type, "dataElements");
    assert_eq!(
        filter.text.as_ref().map(|t| t.position),
        Some(TextPosition::StartsWith)
    );
    assert_eq!(
        filter.last_updated,
        mdsync_core::rules::DatePeriod::SinceLastSuccessfulSync
    );
    assert_eq!(options.sharing, InclusionMode::ReferencesOnly);
    assert_eq!(options.users, InclusionMode::Remove);
    assert_eq!(options.org_units, InclusionMode::ReferencesOnly);
    assert!(options.import.dry_run);
    // What this app does not take over is named, not guessed.
    let parts: Vec<&str> = outcome
        .not_imported
        .iter()
        .map(|(_, part)| part.as_str())
        .collect();
    assert!(
        parts.contains(&"builder.syncParams.enableMapping"),
        "{parts:?}"
    );
    assert!(
        parts.contains(&"aggregatedDataExchangeDhis2Job"),
        "{parts:?}"
    );
    assert!(parts.iter().any(|p| p.starts_with("sharing")), "{parts:?}");
    assert!(!parts.iter().any(|p| p.contains("dataParams")), "{parts:?}");
}

#[test]
fn files_that_are_not_rules_are_refused_with_a_clear_message_and_nothing_changes() {
    let world = World::new("2.40");
    let remote = world.configured_remote();
    let (storage, configurator) = world.open("configurator");
    let import = |text: &str| {
        world
            .run(import_rules(&configurator, &storage, text, now(&world)))
            .expect("answered")
    };
    let not_json = import("name: nightly");
    assert!(matches!(
        not_json.problems[0],
        ImportProblem::NotJson { .. }
    ));
    let no_rules = import(r#"{"dataElements": []}"#);
    assert_eq!(no_rules.problems, [ImportProblem::NoRules]);
    assert!(no_rules.problems[0].to_string().contains("no rule"));

    let mut aggregated = mdsync_rule(&remote);
    aggregated["type"] = "deleted".into();
    let mut unknown_destination = mdsync_rule("NotHereInst");
    unknown_destination["name"] = "Elsewhere".into();
    let list = serde_json::json!([aggregated, {"something": "else"}, unknown_destination]);
    let mixed = import(&list.to_string());
    assert!(mixed.created.is_empty());
    let messages: Vec<String> = mixed.problems.iter().map(ToString::to_string).collect();
    assert!(
        messages[0].contains("Item 1") && messages[0].contains("\"deleted\""),
        "{messages:?}"
    );
    assert!(
        messages[1].contains("Item 2") && messages[1].contains("not an MDSync rule"),
        "{messages:?}"
    );
    assert!(
        messages[2].contains("NotHereInst") && messages[2].contains("does not exist here"),
        "{messages:?}"
    );
    let listing = world
        .run(list_rules(&configurator, &storage))
        .expect("listed");
    assert!(listing.rows.is_empty());
}
