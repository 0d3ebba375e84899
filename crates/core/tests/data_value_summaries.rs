//! Data value import summaries recorded from real servers decode into the one result, and the
//! simulator's answers of every version decode the same way (a 409 with a summary is a result).

mod support;

use dhis2_sim::SimVersion;
use mdsync_core::dhis2::data_values::DataImportResult;
use mdsync_core::dhis2::{HttpResponse, ImportStatus, Method};
use support::{block_on, client_for, reference_file, sim_named};

fn recorded(relative: &str, status: u16) -> DataImportResult {
    let response = HttpResponse {
        status,
        headers: vec![("Content-Type".into(), "application/json".into())],
        body: reference_file(relative),
    };
    DataImportResult::from_response(relative, &response)
        .unwrap_or_else(|error| panic!("{relative}: {error}"))
}

#[test]
fn recorded_summaries_decode() {
    let success = recorded("recorded/datavalueset/data_value_set_success.json", 200);
    assert_eq!(success.status, ImportStatus::Ok);
    assert_eq!(success.updated, 3);
    // Recorded with the ERROR message but status WARNING (hand-edited, see the reference
    // README): the summary's status decides.
    let warning = recorded("recorded/datavalueset/data_value_set_warning.json", 409);
    assert_eq!(warning.status, ImportStatus::Warning);
    assert_eq!(warning.ignored, 1);
    assert_eq!(warning.conflicts[0].object.as_deref(), Some("40L"));
    assert!(warning.conflicts[0].message.contains("positive integer"));
    let web = recorded(
        "recorded/imports/data_value_import_summary_web_response.json",
        200,
    );
    assert_eq!(web.updated, 10);
    // A 2.37+ conflict inside a summary of our own making.
    let conflict: serde_json::Value =
        serde_json::from_slice(&reference_file("recorded/imports/import_conflict.json"))
            .expect("json");
    let body = serde_json::json!({ "responseType": "ImportSummary", "status": "WARNING",
        "importCount": { "imported": 0, "updated": 0, "ignored": 2, "deleted": 0 },
        "conflicts": [conflict] });
    let result = DataImportResult::from_response(
        "u",
        &HttpResponse {
            status: 200,
            headers: Vec::new(),
            body: body.to_string().into_bytes(),
        },
    )
    .expect("decoded");
    assert_eq!(result.conflicts[0].code.as_deref(), Some("E7619"));
    assert_eq!(result.rejected_indexes, vec![2, 7]);
}

/// A value of an unknown data element, posted to each version: every answer (200 bare, 200
/// structured, 409 wrapped) is the same result with one conflict.
#[test]
fn every_versions_answer_to_a_refused_value_is_one_result() {
    for version in [
        "2.30", "2.34", "2.36", "2.37", "2.38", "2.39.2", "2.40", "2.41", "2.42",
    ] {
        let _: SimVersion = version.parse().expect("version");
        let sim = sim_named("dest", version);
        let client = client_for(&sim, "admin");
        let body = serde_json::json!({ "dataValues": [{ "dataElement": "NoSuchElmnt", "period": "202401",
            "orgUnit": "ImspTQPwCqd", "value": "1" }] });
        let request = client
            .request(Method::Post, "api/dataValueSets")
            .with_json(&body);
        let url = request.url.clone();
        let response = block_on(client.execute(request)).expect("answer");
        let result = DataImportResult::from_response(&url, &response)
            .unwrap_or_else(|error| panic!("{version}: {error}"));
        assert_ne!(result.status, ImportStatus::Ok, "{version}");
        assert_eq!(result.imported, 0, "{version}");
        assert!(!result.conflicts.is_empty(), "{version}: {:?}", result.raw);
        if version >= "2.38" {
            assert_eq!(response.status, 409, "{version}");
        } else {
            assert_eq!(response.status, 200, "{version}");
        }
    }
}
