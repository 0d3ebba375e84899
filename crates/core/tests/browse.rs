//! The metadata browser of the sync page: type catalog, listing requests, the selection model,
//! the options mapping, the downloads, and listing against the simulator.

mod support;
mod sync_common;

use mdsync_core::browse::{
    download_name, label_of, payload_document, raw_response_document, ListRequest, QueryError,
    SelectionState, SortField, SyncOptionsForm, TypeCatalog, TypeGroup,
};
use mdsync_core::dhis2::metadata::{
    AtomicMode, IdScheme, ImportStrategy, MergeMode, MAX_URL_BYTES,
};
use mdsync_core::dhis2::metadata_list::{fetch_list_page, ListedObject};
use mdsync_core::dhis2::{SchemaRegistry, Version};
use mdsync_core::sync::metadata::TargetPayload;
use mdsync_core::sync::metadata::{IncludeExcludeRules, InclusionMode};
use mdsync_core::sync::{ReportNote, TargetReport};
use serde_json::json;
use support::{block_on, client_for};
use sync_common::{payload, source, AGGREGATE, SETUP};

fn schema(plural: &str, metadata: bool, embedded: bool) -> serde_json::Value {
    let singular = plural.trim_end_matches('s');
    json!({"klass": format!("org.hisp.dhis.x.{singular}"), "singular": singular,
           "plural": plural, "metadata": metadata, "embeddedObject": embedded})
}

#[test]
fn catalog_groups_metadata_types_as_users_look_for_them() {
    let body = json!({"schemas": [
        schema("dataSets", true, false),
        schema("dataElements", true, false),
        schema("programs", true, false),
        schema("trackedEntityTypes", true, false),
        schema("organisationUnits", true, false),
        schema("categoryCombos", true, false),
        schema("optionSets", true, false),
        schema("userRoles", true, false),
        schema("dashboards", true, false),
        schema("visualizations", true, false),
        schema("attributes", true, false),
        schema("dataSetElements", true, true),
        schema("dataValues", false, false),
    ]});
    let registry = SchemaRegistry::from_json(body.to_string().as_bytes()).unwrap();
    let catalog = TypeCatalog::from_registry(&registry);
    let groups: Vec<(TypeGroup, Vec<&str>)> = catalog
        .groups()
        .iter()
        .map(|(group, entries)| (*group, entries.iter().map(|e| e.plural.as_str()).collect()))
        .collect();
    assert_eq!(
        groups,
        vec![
            (TypeGroup::Aggregated, vec!["dataElements", "dataSets"]),
            (TypeGroup::Tracker, vec!["programs", "trackedEntityTypes"]),
            (TypeGroup::OrgUnits, vec!["organisationUnits"]),
            (TypeGroup::Categories, vec!["categoryCombos", "optionSets"]),
            (TypeGroup::Users, vec!["userRoles"]),
            (TypeGroup::Dashboards, vec!["dashboards", "visualizations"]),
            (TypeGroup::Other, vec!["attributes"]),
        ],
        "embedded and non-metadata types are left out; labels sort each group"
    );
    assert_eq!(catalog.type_count(), 11);
    assert_eq!(
        catalog.find("dataSets").map(|e| e.label.as_str()),
        Some("Data sets")
    );
    assert_eq!(catalog.label("unknownThings"), "Unknown things");
    assert_eq!(label_of("dataElementGroupSets"), "Data element group sets");
    assert!(TypeCatalog::from_registry(&SchemaRegistry::default())
        .groups()
        .is_empty());
}

#[test]
fn listing_requests_are_encoded_ordered_and_limited() {
    let version = Version::new(2, 38);
    let mut request = ListRequest::new("dataSets");
    let plain = request.path(&version, "http://x.org/dhis").unwrap();
    assert_eq!(
        plain,
        "api/dataSets?fields=id%2CdisplayName%2Ccode%2ClastUpdated&page=1&pageSize=25&order=name%3Aasc"
    );
    request.search = "ANC 1st & co".into();
    request.page = 3;
    let searched = request.path(&version, "http://x.org").unwrap();
    assert!(searched.contains("page=3"));
    assert!(
        searched.contains("filter=name%3Ailike%3AANC%201st%20%26%20co"),
        "{searched}"
    );
    assert!(searched.contains("filter=code%3Ailike%3AANC%201st%20%26%20co"));
    assert!(searched.ends_with("rootJunction=OR"));

    request.updated_since = "2024-02-30x".into();
    assert_eq!(
        request.path(&version, "http://x.org"),
        Err(QueryError::BadDate("2024-02-30x".into()))
    );
    request.page = 3;
    request.set_updated_since("2024-02-01".into());
    assert_eq!(request.page, 1, "a new date goes back to the first page");
    let dated = request.path(&version, "http://x.org").unwrap();
    assert!(dated.contains("filter=identifiable%3Atoken%3AANC"));
    assert!(dated.contains("filter=lastUpdated%3Age%3A2024-02-01"));
    assert!(
        !dated.contains("rootJunction"),
        "the date must not be OR-ed: {dated}"
    );

    request.page = 2;
    request.toggle_sort(SortField::LastUpdated);
    assert_eq!(request.page, 1, "sorting goes back to the first page");
    assert!(request
        .path(&version, "http://x.org")
        .unwrap()
        .contains("order=lastUpdated%3Aasc"));
    request.toggle_sort(SortField::LastUpdated);
    assert!(request
        .path(&version, "http://x.org")
        .unwrap()
        .contains("order=lastUpdated%3Adesc"));

    // "é" is two bytes, each escaped as three characters, and the search goes into two filters:
    // 12 URL bytes per character. The limit is on the encoded URL.
    request.updated_since.clear();
    request.page = 4;
    request.set_search("é".repeat(MAX_URL_BYTES / 16));
    assert_eq!(request.page, 1, "a new search goes back to the first page");
    assert!(request.path(&version, "http://x.org").is_ok());
    request.search = "é".repeat(MAX_URL_BYTES / 6);
    match request.path(&version, "http://x.org") {
        Err(QueryError::TooLong { bytes, limit }) => {
            assert!(bytes > limit);
            assert_eq!(limit, MAX_URL_BYTES);
        }
        other => panic!("expected TooLong, got {other:?}"),
    }
}

fn object(id: &str, name: &str) -> ListedObject {
    ListedObject {
        id: id.into(),
        display_name: name.into(),
        code: None,
        last_updated: None,
    }
}

#[test]
fn the_selection_tracks_objects_pages_and_whole_types() {
    let mut state = SelectionState::default();
    assert!(state.is_empty());
    let page = [
        object("a", "bravo"),
        object("b", "Alpha"),
        object("c", "charlie"),
    ];
    state.toggle("dataSets", &page[0]);
    assert!(state.is_selected("dataSets", "a"));
    assert!(!state.page_selected("dataSets", &page));
    state.toggle_page("dataSets", &page);
    assert!(state.page_selected("dataSets", &page));
    assert_eq!(state.object_count(), 3);
    let lines = state.lines();
    assert_eq!(lines.len(), 1);
    let names: Vec<&str> = lines[0].objects.iter().map(|(_, n)| n.as_str()).collect();
    assert_eq!(
        names,
        ["Alpha", "bravo", "charlie"],
        "the running list sorts by name"
    );
    assert_eq!(lines[0].count_label(), "3");

    state.toggle_page("dataSets", &page);
    assert!(state.is_empty(), "a fully selected page toggles off");

    state.toggle("dataSets", &page[1]);
    state.toggle("programs", &object("p", "Malaria"));
    state.set_all("dataElements", true);
    assert!(state.is_selected("dataElements", "anything"));
    assert!(
        state.without_lookups().is_none(),
        "\"all\" needs the origin's ids"
    );
    assert_eq!(
        state
            .lines()
            .iter()
            .find(|l| l.all)
            .map(|l| l.count_label()),
        Some("all".into())
    );
    state.set_all("dataElements", false);
    let selection = state.without_lookups().unwrap();
    assert_eq!(selection.ids, ["b", "p"]);
    assert_eq!(selection.types, ["dataSets", "programs"]);

    state.remove("programs", "p");
    assert_eq!(
        state.lines().len(),
        1,
        "a type without picks leaves the list"
    );
    state.clear_type("dataSets");
    assert!(state.is_empty());
}

#[test]
fn options_map_to_the_engine() {
    let form = SyncOptionsForm::default();
    let options = form.to_options(true);
    assert!(options.import.dry_run);
    assert!(options.include_dependencies);
    assert_eq!(options.rules, IncludeExcludeRules::mdsync_defaults());
    assert_eq!(
        options,
        mdsync_core::sync::metadata::MetadataSyncOptions {
            import: mdsync_core::dhis2::metadata::ImportOptions {
                dry_run: true,
                ..Default::default()
            },
            ..Default::default()
        }
    );

    let changed = SyncOptionsForm {
        include_dependencies: false,
        default_rules: false,
        sharing: InclusionMode::Remove,
        users: InclusionMode::ObjectsAndReferences,
        org_units: InclusionMode::ReferencesOnly,
        remove_default_category_objects: false,
        strategy: ImportStrategy::Update,
        atomic: AtomicMode::None,
        merge_mode: MergeMode::Merge,
        identifier: IdScheme::Code,
        skip_sharing: true,
        rule_overrides: Default::default(),
        apply_mapping: true,
    }
    .to_options(false);
    assert!(changed.apply_mapping);
    assert!(!changed.include_dependencies && !changed.import.dry_run);
    assert_eq!(changed.rules, IncludeExcludeRules::none());
    assert_eq!(changed.sharing, InclusionMode::Remove);
    assert_eq!(changed.users, InclusionMode::ObjectsAndReferences);
    assert_eq!(changed.org_units, InclusionMode::ReferencesOnly);
    assert!(!changed.remove_default_category_objects);
    assert_eq!(changed.import.strategy, ImportStrategy::Update);
    assert_eq!(changed.import.atomic, AtomicMode::None);
    assert_eq!(changed.import.merge_mode, MergeMode::Merge);
    assert_eq!(changed.import.identifier, IdScheme::Code);
    assert!(changed.import.skip_sharing);

    let v38 = Version::new(2, 38);
    let v41 = Version::with_patch(2, 41, 1);
    let note = form.merge_mode_note([("old", Some(&v38)), ("new", Some(&v41)), ("unknown", None)]);
    assert_eq!(
        note.as_deref(),
        Some("DHIS2 2.41+ ignores merge mode: objects are always replaced on new.")
    );
    assert!(form.merge_mode_note([("old", Some(&v38))]).is_none());
}

#[test]
fn downloads_hold_what_was_built_and_received() {
    let payloads = vec![TargetPayload {
        target: "Dest".into(),
        version: "2.41.1".into(),
        payload: json!({"dataSets": [{"id": "pBOMPrpg1QX"}]}),
        notes: vec![ReportNote::MergeModeIgnored {
            version: "2.41.1".into(),
        }],
    }];
    let document: serde_json::Value = serde_json::from_str(&payload_document(&payloads)).unwrap();
    assert_eq!(document[0]["notes"][0]["note"], "mergeModeIgnored");
    assert_eq!(document[0]["target"], "Dest");
    assert_eq!(document[0]["payload"]["dataSets"][0]["id"], "pBOMPrpg1QX");
    let mut target = TargetReport::new("Dest", "http://dest");
    target.raw_responses.push(json!({"status": "OK"}));
    let raw: serde_json::Value = serde_json::from_str(&raw_response_document(&target)).unwrap();
    assert_eq!(raw, json!([{"status": "OK"}]));
}

#[test]
fn download_names_are_safe() {
    assert_eq!(
        download_name("metadata-payload", "Dest 2.41 / B"),
        "metadata-payload-Dest-2-41---B.json"
    );
    assert_eq!(download_name("raw", "///"), "raw.json");
}

#[test]
fn lists_pages_searches_and_resolves_whole_types_on_the_simulator() {
    let sim = source("2.38", &[SETUP, AGGREGATE]);
    let client = client_for(&sim, "admin");
    let version = Version::new(2, 38);
    let mut expected: Vec<String> = [SETUP, AGGREGATE]
        .iter()
        .flat_map(|relative| {
            payload(relative)["dataElements"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .filter_map(|o| o["id"].as_str().map(str::to_string))
        .collect();
    expected.sort();
    expected.dedup();
    assert!(
        expected.len() > 2,
        "needs a few data elements to page through"
    );

    let mut request = ListRequest::new("dataElements");
    request.page_size = 2;
    let first = block_on(fetch_list_page(
        &client,
        "dataElements",
        request
            .path(&version, client.base_url())
            .unwrap()
            .split_once('?')
            .unwrap()
            .1,
    ))
    .unwrap();
    assert_eq!(first.objects.len(), 2);
    assert_eq!(first.pager.total as usize, expected.len());
    assert_eq!(first.pager.page_count as usize, expected.len().div_ceil(2));
    assert!(
        first.objects[0].display_name.to_lowercase()
            <= first.objects[1].display_name.to_lowercase()
    );

    let wanted = first.objects[1].display_name.clone();
    let word: String = wanted.chars().skip(1).take(5).collect();
    request.search = word.to_uppercase();
    request.page_size = 50;
    let path = request.path(&version, client.base_url()).unwrap();
    let found = block_on(fetch_list_page(
        &client,
        "dataElements",
        path.split_once('?').unwrap().1,
    ))
    .unwrap();
    assert!(
        found.objects.iter().any(|o| o.display_name == wanted),
        "search {word:?} finds {wanted:?}"
    );
    assert!(found.objects.iter().all(|o| {
        o.display_name.to_lowercase().contains(&word.to_lowercase())
            || o.code
                .as_deref()
                .is_some_and(|c| c.to_lowercase().contains(&word.to_lowercase()))
    }));

    let mut state = SelectionState::default();
    state.set_all("dataElements", true);
    state.toggle("dataSets", &object("some-data-set", "x"));
    let selection = block_on(state.resolve(&client)).unwrap();
    for id in &expected {
        assert!(
            selection.ids.contains(id),
            "{id} is part of \"all data elements\""
        );
    }
    assert!(selection.ids.contains(&"some-data-set".to_string()));
    assert_eq!(selection.types, ["dataElements", "dataSets"]);
}
