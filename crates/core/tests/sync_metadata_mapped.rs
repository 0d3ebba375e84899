//! "Apply mapping" on a metadata sync, through the one run operation: the demo destination
//! holds some of the source's data elements under other UIDs (same codes), so a plain sync of a
//! data set that uses them is refused there (E5003: the code is taken); with the mapping stored
//! toward the destination, the data set arrives and points at the destination's own objects.

mod support;

use mdsync_core::clock::TestClock;
use mdsync_core::instances::InstanceManager;
use mdsync_core::storage::Storage;
use mdsync_core::sync::{run_sync, CancellationToken, NoProgress, ReportNote, RunOutcome};
use serde_json::Value;
use support::demo_pair::{
    auto_mapped_data_elements, data_set_with_a_moved_element, demo_pair, metadata_request, DemoPair,
};
use support::{block_on, client_for, SimTransport};

fn sync(
    storage: &Storage<SimTransport>,
    manager: &InstanceManager,
    destination: &str,
    data_set: &str,
    apply_mapping: bool,
) -> RunOutcome {
    let request = metadata_request(destination, data_set, apply_mapping);
    block_on(run_sync(
        manager,
        storage,
        &request,
        &NoProgress,
        &CancellationToken::new(),
        &TestClock::new(),
    ))
    .expect("ran")
}

#[test]
fn applying_the_stored_mapping_lands_the_data_set_on_the_destinations_own_objects() {
    let pair = demo_pair();
    // The mapping, as the panel's auto-map would build it: by id, then code, then name.
    let (mapping, moved) = auto_mapped_data_elements(&pair);
    let DemoPair {
        source,
        destination,
        storage,
        manager,
        dest_id,
    } = pair;
    let origin = client_for(&source, "admin");
    assert!(!moved.is_empty(), "the demo moves some data elements");
    let data_set = data_set_with_a_moved_element(&origin, &moved);

    // Without the mapping, the destination refuses the moved elements (their code is taken).
    let plain = sync(&storage, &manager, &dest_id, &data_set, false);
    let target = &plain.report.targets[0];
    assert!(
        target
            .errors
            .iter()
            .any(|e| e.code.as_deref() == Some("E5003")),
        "{:?}",
        target.errors
    );

    block_on(storage.change_mapping(manager.actor(), &dest_id, &mapping)).expect("stored");
    let mapped = sync(&storage, &manager, &dest_id, &data_set, true);
    let target = &mapped.report.targets[0];
    assert!(
        !target
            .errors
            .iter()
            .any(|e| e.code.as_deref() == Some("E5003")),
        "{:?}",
        target.errors
    );
    assert!(
        target
            .notes
            .iter()
            .any(|note| matches!(note, ReportNote::MappingApplied { .. })),
        "{:?}",
        target.notes
    );
    // The data set now points at the destination's own data element.
    let arrived: Value = block_on(client_for(&destination, "admin").get_json(&format!(
        "api/dataSets/{data_set}?fields=dataSetElements%5BdataElement%5Bid%5D%5D"
    )))
    .expect("the data set arrived");
    let element_ids: Vec<&str> = arrived["dataSetElements"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["dataElement"]["id"].as_str())
        .collect();
    for origin_id in &moved {
        assert!(
            !element_ids.contains(&origin_id.as_str()),
            "{origin_id} was not mapped"
        );
    }
}
