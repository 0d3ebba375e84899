//! Import parameters beyond strategy and atomicity (merge mode, skipTranslation), authorities,
//! write access and deletions.

mod metadata_common;

use metadata_common::*;
use serde_json::{json, Value};

fn data_element(id: &str, name: &str, combo: &str) -> Value {
    json!({ "id": id, "name": name, "shortName": name, "valueType": "NUMBER",
            "domainType": "AGGREGATE", "aggregationType": "SUM", "categoryCombo": { "id": combo } })
}

fn element() -> Value {
    json!({ "id": "deModes0001", "name": "Modes", "shortName": "Modes", "code": "MODES",
            "valueType": "NUMBER", "domainType": "AGGREGATE", "aggregationType": "SUM",
            "description": "first", "translations": [{ "property": "NAME", "locale": "fr", "value": "Modes fr" }] })
}

#[test]
fn merge_keeps_what_the_payload_leaves_out_until_241() {
    for (minor, kept) in [(36, true), (40, true), (41, false)] {
        let mut sim = Instance::new(minor);
        sim.import(&json!({ "dataElements": [element()] }), "");
        let mut partial = element();
        partial.as_object_mut().unwrap().remove("description");
        partial["formName"] = json!("Merged");
        let body = sim.import(&json!({ "dataElements": [partial] }), "mergeMode=MERGE");
        assert!(error_messages(&body).is_empty(), "2.{minor}: {body}");
        let stored = sim.store.get("dataElements", "deModes0001").unwrap();
        assert_eq!(stored["formName"], "Merged");
        // 2.41 no longer reads mergeMode: the update replaces the object.
        assert_eq!(stored.get("description").is_some(), kept, "2.{minor}");
    }
}

#[test]
fn skip_translation_keeps_stored_translations() {
    let mut sim = Instance::new(38);
    sim.import(&json!({ "dataElements": [element()] }), "");
    let mut changed = element();
    changed["translations"] = json!([]);
    sim.import(
        &json!({ "dataElements": [changed.clone()] }),
        "skipTranslation=true",
    );
    let stored = sim.store.get("dataElements", "deModes0001").unwrap();
    assert_eq!(stored["translations"].as_array().unwrap().len(), 1);
    sim.import(&json!({ "dataElements": [changed] }), "");
    let stored = sim.store.get("dataElements", "deModes0001").unwrap();
    assert_eq!(stored["translations"], json!([]));
}

/// DHIS2 guards `POST /api/metadata` with no authority of its own: each object needs its
/// type's (`SecurityCheck`, E3000). The export needs `F_METADATA_EXPORT`.
#[test]
fn imports_need_the_types_authorities_and_exports_their_own() {
    let mut sim = Instance::new(39);
    let mut viewer = admin();
    viewer.id = "viewerUser1".into();
    viewer.username = "viewer".into();
    viewer.authorities = vec!["F_METADATA_EXPORT".into(), "F_METADATA_IMPORT".into()];
    let body = serde_json::to_vec(&json!({ "dataElements": [element()] })).unwrap();
    let denied = sim
        .request_as(&viewer, "POST", "/api/metadata", &body)
        .unwrap();
    assert_eq!(denied.status, 409);
    let errors = error_messages(&denied.body_json().unwrap());
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].starts_with(
            "E3000 User `John Traore [viewerUser1] (User)` is not allowed to create objects of type "
        ) && errors[0].ends_with("[deModes0001] (DataElement)"),
        "{errors:?}"
    );
    assert!(sim.store.get("dataElements", "deModes0001").is_none());
    let export = sim
        .request_as(&viewer, "GET", "/api/metadata?dataElements=true", b"")
        .unwrap();
    assert_eq!(export.status, 200);
    viewer.authorities.clear();
    let export = sim
        .request_as(&viewer, "GET", "/api/metadata", b"")
        .unwrap();
    assert_eq!(export.status, 403);
    let download = sim.request("GET", "/api/metadata?download=true", b"");
    assert!(download.header("Content-Disposition").is_some());
}

#[test]
fn users_without_write_access_cannot_update() {
    let mut sim = Instance::new(39);
    let mut protected = data_element("deProtect01", "Protected", "bjDvmb4bfuf");
    protected["sharing"] = json!({ "public": "r-------", "external": false });
    sim.import(&json!({ "dataElements": [protected.clone()] }), "");
    let clerk = dhis2_sim::Account {
        id: "clerkUser01".into(),
        username: "clerk".into(),
        password: "x".into(),
        first_name: "C".into(),
        surname: "Lerk".into(),
        user_roles: vec![],
        authorities: vec!["F_METADATA_IMPORT".into()],
        user_groups: vec![],
        organisation_units: vec![],
    };
    protected["formName"] = json!("Changed by clerk");
    let body = serde_json::to_vec(&json!({ "dataElements": [protected] })).unwrap();
    let response = sim
        .request_as(&clerk, "POST", "/api/metadata", &body)
        .unwrap();
    let errors = error_messages(&response.body_json().unwrap());
    assert_eq!(
        errors,
        vec!["E3001 User `C Lerk [clerkUser01] (User)` is not allowed to update object `Protected [deProtect01] (DataElement)`".to_string()]
    );
    assert!(sim
        .store
        .get("dataElements", "deProtect01")
        .unwrap()
        .get("formName")
        .is_none());
}

#[test]
fn deletions_respect_required_references_and_clean_memberships() {
    let mut sim = Instance::new(40);
    let combo = json!({ "id": "ccDelete001", "name": "Deletable combo", "dataDimensionType": "DISAGGREGATION",
                        "categories": [{ "id": "GLevLNI9wkl" }] });
    let element = data_element("deDelete001", "Deletable", "ccDelete001");
    let group = json!({ "id": "degDelete01", "name": "Group", "shortName": "Group",
                        "dataElements": [{ "id": "deDelete001" }] });
    let body = sim.import(
        &json!({ "categoryCombos": [combo.clone()], "dataElements": [element.clone()], "dataElementGroups": [group] }),
        "",
    );
    assert!(error_messages(&body).is_empty(), "{body}");
    let blocked = sim.import(
        &json!({ "categoryCombos": [combo.clone()] }),
        "importStrategy=DELETE",
    );
    assert_eq!(
        error_messages(&blocked),
        vec!["E4030 Object could not be deleted because it is associated with another object: DataElement".to_string()]
    );
    let single = sim.request("DELETE", "/api/categoryCombos/ccDelete001", b"");
    assert_eq!(single.status, 409);
    // Deleting the data element and its combo together is fine; the group loses the member.
    let both = sim.import(
        &json!({ "categoryCombos": [combo], "dataElements": [element] }),
        "importStrategy=DELETE",
    );
    assert_eq!(report_of(&both)["stats"]["deleted"], 2, "{both}");
    assert_eq!(
        sim.store.get("dataElementGroups", "degDelete01").unwrap()["dataElements"],
        json!([])
    );
}

#[test]
fn embedded_items_point_back_at_their_owner() {
    let mut sim = Instance::new(33);
    let payload = json!({
        "dataElements": [data_element("deEmbed0001", "Embedded", "bjDvmb4bfuf")],
        "dataSets": [{ "id": "dsEmbed0001", "name": "Embedding", "periodType": "Monthly",
                       "dataSetElements": [{ "dataElement": { "id": "deEmbed0001" } }] }],
    });
    let body = sim.import(&payload, "");
    assert!(error_messages(&body).is_empty(), "{body}");
    let stored = sim.store.get("dataSets", "dsEmbed0001").unwrap();
    assert_eq!(
        stored["dataSetElements"][0]["dataSet"],
        json!({ "id": "dsEmbed0001" })
    );
    assert_eq!(
        stored["categoryCombo"],
        json!({ "id": "bjDvmb4bfuf" }),
        "default combo"
    );
    let inverse = sim.get_json("/api/dataElements/deEmbed0001?fields=dataSetElements[dataSet]");
    assert_eq!(
        inverse["dataSetElements"][0]["dataSet"]["id"],
        "dsEmbed0001"
    );
    let members = sim
        .get_json("/api/dataElements?filter=dataSetElements.dataSet.id:eq:dsEmbed0001&fields=id");
    assert_eq!(members["dataElements"], json!([{ "id": "deEmbed0001" }]));
}
