//! FILE_RESOURCE and IMAGE values: the file is read from the origin, stored on the destination
//! as a new file resource (waiting until it is stored), and the value sent with the new id; not
//! on a dry run; a failed upload is a conflict row and the run goes on.

mod aggregated_common;
mod support;

use std::sync::Arc;

use aggregated_common::*;
use dhis2_sim::seed::rng::uid;
use dhis2_sim::{DemoSide, FaultKind, FaultRule, Sim};
use mdsync_core::dhis2::data_values::DataValueQuery;
use mdsync_core::dhis2::Method;
use mdsync_core::mapping::DataValueSet;
use mdsync_core::sync::aggregated::{AggregatedNote, AggregatedSyncOptions};
use mdsync_core::sync::TargetStatus;
use serde_json::json;
use support::{block_on, client_for};

const SCAN: &[u8] = b"\x89PNG\r\n\x1a\n fake scan of a register page \x00\x01\x02";

fn file_element() -> String {
    uid("de:Register scan")
}

/// Adds an IMAGE data element to the ANC data set of `sim` (as metadata sync would have).
fn add_file_element(sim: &Arc<Sim>) {
    sim.with_stores(|metadata, _, _| {
        let data_set = metadata
            .get("dataSets", &anc_data_set())
            .cloned()
            .expect("the ANC data set");
        let first = data_set["dataSetElements"][0]["dataElement"]["id"]
            .as_str()
            .expect("a data element of ANC")
            .to_string();
        let mut element = metadata
            .get("dataElements", &first)
            .cloned()
            .expect("the data element");
        element["id"] = json!(file_element());
        element["name"] = json!("Register scan");
        element["shortName"] = json!("Register scan");
        element["code"] = json!("REGISTER_SCAN");
        element["valueType"] = json!("IMAGE");
        element["aggregationType"] = json!("NONE");
        let default_combo = metadata
            .list("categoryCombos")
            .into_iter()
            .find(|combo| combo["name"] == "default")
            .map(|combo| combo["id"].clone())
            .expect("the default category combo");
        element["categoryCombo"] = json!({ "id": default_combo });
        metadata.insert("dataElements", element).expect("element");
        let mut data_set = data_set;
        let elements = data_set["dataSetElements"]
            .as_array_mut()
            .expect("data set elements");
        elements.push(json!({ "dataElement": { "id": file_element() } }));
        metadata.insert("dataSets", data_set).expect("data set");
    });
}

/// A facility of district (0, 0) with ANC values in March 2024.
fn facility_with_values(origin: &Arc<Sim>) -> String {
    district_values(origin)
        .into_iter()
        .find(|row| row.1 == "202403" && row.2 != district(0, 0))
        .map(|row| row.2)
        .expect("a facility with March values")
}

/// Stores the scan on the origin and a value of the file element pointing at it.
fn origin_file_value(origin: &Arc<Sim>, org_unit: &str) -> String {
    let file = origin.with_stores(|_, values, _| {
        values
            .files
            .add("register-march.png", "image/png", SCAN.to_vec())
    });
    let client = client_for(origin, "admin");
    let body = json!({ "dataValues": [{
        "dataElement": file_element(), "period": "202403", "orgUnit": org_unit, "value": file,
    }]});
    let request = client
        .request(Method::Post, "api/dataValueSets")
        .with_json(&body);
    let response = block_on(client.execute(request)).expect("an answer");
    assert!(response.is_success(), "{}", response.text());
    file
}

/// The destination's value of the file element at `org_unit` in March 2024.
fn file_value_at(sim: &Arc<Sim>, org_unit: &str) -> Option<String> {
    let query = DataValueQuery {
        data_sets: vec![anc_data_set()],
        org_units: vec![org_unit.into()],
        start_date: Some("2024-03-01".into()),
        end_date: Some("2024-03-31".into()),
        ..DataValueQuery::default()
    };
    let client = client_for(sim, "admin");
    let set: DataValueSet = block_on(client.get_json(&query.path())).expect("values");
    set.data_values
        .into_iter()
        .find(|v| v.data_element == file_element())
        .and_then(|v| v.value.map(String::from))
}

fn pair(origin_version: &str, destination_version: &str) -> (Arc<Sim>, Arc<Sim>, String, String) {
    let origin = demo("origin", origin_version, DemoSide::Source);
    let destination = empty_copy("destination", destination_version);
    add_file_element(&origin);
    add_file_element(&destination);
    let facility = facility_with_values(&origin);
    let file = origin_file_value(&origin, &facility);
    (origin, destination, facility, file)
}

#[test]
fn file_values_have_their_files_copied_and_point_at_the_copy() {
    for (from, to) in [("2.41", "2.30"), ("2.36", "2.42")] {
        let (origin, destination, facility, origin_file) = pair(from, to);
        let report = run(
            &origin,
            &destination,
            &anc_district(),
            &AggregatedSyncOptions::default(),
        );
        let target = &report.targets[0];
        assert_eq!(
            target.status,
            TargetStatus::Success,
            "{from}→{to}: {target:?}"
        );
        let details = target.aggregated.as_ref().expect("details");
        assert_eq!(details.files_copied, 1, "{from}→{to}");
        assert!(details.conflicts.is_empty(), "{:?}", details.conflicts);
        assert!(details
            .notes
            .contains(&AggregatedNote::FilesCopied { files: 1 }));

        let copied = file_value_at(&destination, &facility).expect("the file value landed");
        assert_ne!(copied, origin_file, "the destination's own resource");
        let stored = destination
            .with_stores(|_, values, _| values.files.get(&copied).cloned())
            .expect("the resource exists on the destination");
        assert_eq!(stored.bytes, SCAN);
        assert_eq!(stored.name, "register-march.png");
        assert_eq!(stored.content_type, "image/png");
        assert_eq!(stored.domain, "DATA_VALUE");

        // One upload, its storage status asked for, and the origin's file read once.
        assert_eq!(logged(&destination, "POST", "/api/fileResources").0, 1);
        let polls = destination
            .request_log()
            .iter()
            .filter(|r| r.method == "GET" && r.path.ends_with(&format!("/fileResources/{copied}")))
            .count();
        assert_eq!(polls, 1, "waited for STORED");
        assert_eq!(
            logged(
                &origin,
                "GET",
                &format!("/fileResources/{origin_file}/data")
            )
            .0,
            1
        );
        // Every other value moved as before.
        assert_eq!(
            district_values(&destination)
                .into_iter()
                .filter(|row| row.0 != file_element())
                .collect::<Vec<_>>(),
            district_values(&origin)
                .into_iter()
                .filter(|row| row.0 != file_element())
                .collect::<Vec<_>>()
        );
    }
}

#[test]
fn a_dry_run_copies_no_file_and_says_so() {
    let (origin, destination, facility, _) = pair("2.40", "2.40");
    let options = AggregatedSyncOptions {
        dry_run: true,
        ..AggregatedSyncOptions::default()
    };
    let report = run(&origin, &destination, &anc_district(), &options);
    let details = report.targets[0].aggregated.as_ref().expect("details");
    assert_eq!(details.files_copied, 0);
    assert_eq!(details.file_values_not_sent, 1);
    assert!(details
        .notes
        .contains(&AggregatedNote::FileValuesNotSent { values: 1 }));
    assert_eq!(logged(&destination, "POST", "/api/fileResources").0, 0);
    assert_eq!(logged(&origin, "GET", "/data").0, 0);
    assert!(destination.with_stores(|_, values, _| values.files.is_empty()));
    assert_eq!(file_value_at(&destination, &facility), None);
}

#[test]
fn a_failed_upload_is_a_conflict_row_and_the_run_goes_on() {
    let (origin, destination, facility, origin_file) = pair("2.39", "2.41");
    destination.add_fault(FaultRule {
        method: Some("POST".into()),
        status: Some(413),
        ..FaultRule::new("/api/fileResources*", FaultKind::Status)
    });
    let report = run(
        &origin,
        &destination,
        &anc_district(),
        &AggregatedSyncOptions::default(),
    );
    destination.clear_faults();
    let target = &report.targets[0];
    assert_eq!(target.status, TargetStatus::Warning, "{target:?}");
    let details = target.aggregated.as_ref().expect("details");
    assert_eq!(details.files_copied, 0);
    let row = details
        .conflicts
        .iter()
        .find(|row| row.data_element.as_deref() == Some(file_element().as_str()))
        .expect("a conflict row for the file value");
    assert_eq!(row.org_unit.as_deref(), Some(facility.as_str()));
    assert_eq!(row.value.as_deref(), Some(origin_file.as_str()));
    assert!(
        row.message.contains("could not be stored"),
        "{}",
        row.message
    );
    assert!(row.message.contains("413"), "{}", row.message);
    // The value was not sent with the origin's id, and everything else landed.
    assert_eq!(file_value_at(&destination, &facility), None);
    let others = |sim: &Arc<Sim>| {
        district_values(sim)
            .into_iter()
            .filter(|row| row.0 != file_element())
            .count()
    };
    assert_eq!(others(&destination), others(&origin));
    assert!(others(&origin) > 0);
}

#[test]
fn a_second_run_leaves_files_the_destination_holds_and_copies_a_replaced_one() {
    for (from, to) in [("2.39", "2.41"), ("2.41", "2.30")] {
        let (origin, destination, facility, _) = pair(from, to);
        let first = run(
            &origin,
            &destination,
            &anc_district(),
            &AggregatedSyncOptions::default(),
        );
        assert_eq!(first.targets[0].status, TargetStatus::Success);
        let copied = file_value_at(&destination, &facility).expect("the file value landed");

        origin.clear_request_log();
        destination.clear_request_log();
        let again = run(
            &origin,
            &destination,
            &anc_district(),
            &AggregatedSyncOptions::default(),
        );
        let target = &again.targets[0];
        assert_eq!(
            target.status,
            TargetStatus::Success,
            "{from}→{to}: {target:?}"
        );
        // Nothing uploaded, nothing downloaded; the two descriptions compared instead.
        assert_eq!(logged(&destination, "POST", "/api/fileResources").0, 0);
        assert_eq!(logged(&origin, "GET", "/data").0, 0);
        assert_eq!(
            logged(&destination, "GET", &format!("/fileResources/{copied}")).0,
            1
        );
        assert_eq!(target.request_count, destination.request_log().len());
        assert_eq!(again.origin_request_count, origin.request_log().len());
        let details = target.aggregated.as_ref().expect("details");
        assert_eq!((details.files_copied, details.files_unchanged), (0, 1));
        assert_eq!(file_value_at(&destination, &facility), Some(copied.clone()));
        assert_eq!(
            destination.with_stores(|_, values, _| values.files.len()),
            1
        );
        // Nothing imported or updated: unchanged values are ignored, or (before DHIS2-15254
        // was fixed) counted as updated as every other unchanged value is.
        let at: dhis2_sim::SimVersion = to.parse().expect("test versions are valid");
        let values_sent = details.values_sent;
        let expected = if dhis2_sim::data_values::import::ignores_unchanged(at) {
            (0, 0, values_sent)
        } else {
            (0, values_sent, 0)
        };
        assert_eq!(
            (
                target.stats.created,
                target.stats.updated,
                target.stats.ignored
            ),
            expected,
            "{from}→{to}"
        );

        // The origin's value now points at another scan: that one is copied.
        let replaced = origin.with_stores(|_, values, _| {
            values.files.add(
                "register-march.png",
                "image/png",
                b"a second, longer scan".to_vec(),
            )
        });
        let client = client_for(&origin, "admin");
        let body = json!({ "dataValues": [{
            "dataElement": file_element(), "period": "202403", "orgUnit": facility, "value": replaced,
        }]});
        let request = client
            .request(Method::Post, "api/dataValueSets")
            .with_json(&body);
        assert!(block_on(client.execute(request))
            .expect("an answer")
            .is_success());
        destination.clear_request_log();
        let third = run(
            &origin,
            &destination,
            &anc_district(),
            &AggregatedSyncOptions::default(),
        );
        let details = third.targets[0].aggregated.as_ref().expect("details");
        assert_eq!((details.files_copied, details.files_unchanged), (1, 0));
        assert_eq!(logged(&destination, "POST", "/api/fileResources").0, 1);
        let now = file_value_at(&destination, &facility).expect("the new file value");
        assert_ne!(now, copied);
        let stored = destination
            .with_stores(|_, values, _| values.files.get(&now).cloned())
            .expect("the new resource");
        assert_eq!(stored.bytes, b"a second, longer scan");
    }
}
