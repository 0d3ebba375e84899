use super::*;
use serde_json::json;

fn response(status: u16, body: Value) -> HttpResponse {
    HttpResponse {
        status,
        headers: vec![("Content-Type".into(), "application/json".into())],
        body: body.to_string().into_bytes(),
    }
}

fn summary(status: &str, conflicts: Value) -> Value {
    json!({ "responseType": "ImportSummary", "status": status,
        "description": "Import process completed successfully",
        "importCount": { "imported": 2, "updated": 1, "ignored": 1, "deleted": 0 },
        "conflicts": conflicts, "dataSetComplete": "false" })
}

#[test]
fn every_version_gives_the_same_counts_and_conflicts() {
    // 2.30–2.36: bare, 200, conflicts {object, value}; 2.30–2.34 omit empty lists.
    let legacy = summary(
        "WARNING",
        json!([{ "object": "40L", "value": "Data value is not a positive integer" }]),
    );
    // 2.37: bare, structured conflicts.
    let structured = summary(
        "WARNING",
        json!([{ "object": "UOlfIjgN8X6",
            "objects": { "dataElement": "UOlfIjgN8X6", "value": "value_not_numeric" },
            "value": "Value must match data element's `UOlfIjgN8X6` type constraints",
            "errorCode": "E7619", "property": "value", "indexes": [2, 7] }]),
    );
    // 2.38+: wrapped, 409 on WARNING.
    let wrapped = json!({ "httpStatus": "Conflict", "httpStatusCode": 409, "status": "WARNING",
        "message": "One more conflicts encountered, please check import summary.",
        "response": structured.clone() });
    let results: Vec<DataImportResult> = [(200, legacy), (200, structured), (409, wrapped)]
        .into_iter()
        .map(|(status, body)| DataImportResult::from_response("u", &response(status, body)))
        .collect::<Result<_, _>>()
        .expect("every shape decodes");
    for result in &results {
        assert_eq!(result.status, ImportStatus::Warning);
        assert_eq!((result.imported, result.updated, result.ignored), (2, 1, 1));
        assert_eq!(result.conflicts.len(), 1);
    }
    assert_eq!(results[0].conflicts[0].object.as_deref(), Some("40L"));
    assert!(results[0].conflicts[0].message.contains("positive integer"));
    let modern = &results[2].conflicts[0];
    assert_eq!(modern.code.as_deref(), Some("E7619"));
    assert_eq!(modern.property.as_deref(), Some("value"));
    assert_eq!(modern.objects["dataElement"], "UOlfIjgN8X6");
    assert_eq!(results[2].rejected_indexes, vec![2, 7]);
    assert_eq!(results[2].http_status, 409);
    assert!(results[2].message.as_deref().unwrap().contains("One more"));
}

#[test]
fn a_payload_refused_as_a_whole_says_why() {
    let body = json!({ "responseType": "ImportSummary", "status": "ERROR",
        "description": "The import process failed: Failed to parse JSON",
        "importCount": { "imported": 0, "updated": 0, "ignored": 0, "deleted": 0 } });
    let result = DataImportResult::from_response("u", &response(200, body)).unwrap();
    assert_eq!(result.status, ImportStatus::Error);
    assert!(result.conflicts[0].message.contains("Failed to parse"));
}

#[test]
fn errors_without_a_summary_are_errors() {
    let denied = json!({ "httpStatus": "Forbidden", "httpStatusCode": 403, "status": "ERROR",
        "message": "Access is denied" });
    let error = DataImportResult::from_response("u", &response(403, denied)).unwrap_err();
    assert_eq!(error.status(), Some(403));
    let html = HttpResponse {
        status: 200,
        headers: vec![("Content-Type".into(), "text/html".into())],
        body: b"<html><form id=\"j_username\">login</form></html>".to_vec(),
    };
    assert!(matches!(
        DataImportResult::from_response("u", &html),
        Err(Dhis2Error::LoginPage { .. })
    ));
    let failure = json!({ "httpStatus": "Internal Server Error", "httpStatusCode": 500,
        "status": "ERROR", "message": "boom" });
    let error = DataImportResult::from_response("u", &response(500, failure)).unwrap_err();
    assert_eq!(error.status(), Some(500));
}

#[test]
fn queries_are_short_and_complete() {
    let query = DataValueQuery {
        data_sets: vec!["pBOMPrpg1QX".into()],
        org_units: vec!["DiszpKrYNg8".into(), "ImspTQPwCqd".into()],
        start_date: Some("2024-01-01".into()),
        end_date: Some("2024-12-31".into()),
        last_updated: Some("2024-05-01T10:00:00".into()),
        include_deleted: true,
        limit: Some(50_001),
        ..DataValueQuery::default()
    };
    assert_eq!(
        query.path(),
        "api/dataValueSets.json?dataSet=pBOMPrpg1QX&orgUnit=DiszpKrYNg8,ImspTQPwCqd\
         &startDate=2024-01-01&endDate=2024-12-31&lastUpdated=2024-05-01T10:00:00\
         &includeDeleted=true&limit=50001"
    );
    let params = DataImportParams {
        strategy: DataImportStrategy::Deletes,
        dry_run: true,
        id_scheme: DataIdScheme::Code,
        skip_audit: true,
        asynchronous: false,
    };
    assert_eq!(
        params.query(),
        "importStrategy=DELETE&dryRun=true&idScheme=CODE&skipAudit=true"
    );
}
