//! The metadata import's security, schema and attribute checks, posted as DHIS2's own tests
//! set them up and expected as they assert: `MetadataAttributeCheckTest` (dhis2-core
//! `dhis-service-dxf2`, 2.39+), `AclServiceTest` (`dhis-test-integration`),
//! `DefaultSchemaValidatorTest` (`dhis-service-schema`).

mod metadata_common;

use dhis2_sim::Account;
use metadata_common::*;
use serde_json::{json, Value};

const ATTRIBUTE: &str = "attributeI1";

fn unit(attribute_value: &str) -> Value {
    json!({ "id": "ouChecked01", "name": "A", "shortName": "A", "openingDate": "2020-01-01",
            "attributeValues": [{ "value": attribute_value, "attribute": { "id": ATTRIBUTE } }] })
}

fn attribute(value_type: &str, org_units: bool) -> Value {
    json!({ "id": ATTRIBUTE, "name": "attributeA", "valueType": value_type,
            "organisationUnitAttribute": org_units })
}

fn codes(body: &Value) -> Vec<String> {
    error_messages(body)
        .iter()
        .map(|line| line.split(' ').next().unwrap_or_default().to_string())
        .collect()
}

fn user(authorities: &[&str]) -> Account {
    let mut user = admin();
    user.id = "userCheck01".into();
    user.username = "checker".into();
    user.first_name = "Check".into();
    user.surname = "User".into();
    user.authorities = authorities.iter().map(|a| a.to_string()).collect();
    user
}

/// `testAttributeAssigned` / `testAttributeNotAssigned`: from 2.39 an attribute value must name
/// an attribute assigned to the object's class, known to the server or brought by the payload.
#[test]
fn attribute_values_need_an_attribute_assigned_to_the_class_from_2_39() {
    for minor in [38, 39, 41] {
        let mut sim = Instance::new(minor);
        let body = sim.import(&json!({ "organisationUnits": [unit("10")] }), "");
        let refused = minor >= 39;
        assert_eq!(
            codes(&body),
            if refused { vec!["E6012"] } else { vec![] },
            "2.{minor}"
        );
        if refused {
            let report = &report_of(&body)["typeReports"][0]["objectReports"][0]["errorReports"][0];
            assert_eq!(report["mainKlass"], "org.hisp.dhis.attribute.Attribute");
            assert_eq!(
                report["message"],
                format!("Attribute `{ATTRIBUTE}` is not assigned to `OrganisationUnit`")
            );
            assert_eq!(
                report["errorProperties"],
                json!([ATTRIBUTE, "OrganisationUnit"])
            );
        }
        let mut sim = Instance::new(minor);
        sim.import(&json!({ "attributes": [attribute("INTEGER", false)] }), "");
        let body = sim.import(&json!({ "organisationUnits": [unit("10")] }), "");
        assert_eq!(codes(&body).is_empty(), !refused, "2.{minor}: not assigned");
        let mut sim = Instance::new(minor);
        let both = json!({ "attributes": [attribute("INTEGER", true)],
                           "organisationUnits": [unit("10")] });
        let body = sim.import(&both, "");
        assert!(codes(&body).is_empty(), "2.{minor}: {body}");
    }
}

/// `testAttributeNotInteger` … `testAttributeUserNameNotExist`: the attribute's value type.
#[test]
fn attribute_values_must_fit_the_attribute_value_type() {
    for (value_type, value, expected) in [
        ("INTEGER", "10.1", Some("E6006")),
        ("INTEGER", "11", None),
        ("INTEGER_POSITIVE", "-10", Some("E6007")),
        ("INTEGER_POSITIVE", "10", None),
        ("INTEGER_ZERO_OR_POSITIVE", "-10", Some("E6009")),
        ("INTEGER_ZERO_OR_POSITIVE", "0", None),
        ("NUMBER", "Aaa", Some("E6008")),
        ("NUMBER", "123", None),
        ("INTEGER_NEGATIVE", "10", Some("E6013")),
        ("INTEGER_NEGATIVE", "-10", None),
        ("PERCENTAGE", "101", Some("E6010")),
        ("PERCENTAGE", "100", None),
        ("UNIT_INTERVAL", "2", Some("E6011")),
        ("UNIT_INTERVAL", "1", None),
        ("ORGANISATION_UNIT", "Invalid-OU-ID", Some("E6019")),
        ("FILE_RESOURCE", "FileResourceID", Some("E6019")),
        ("USERNAME", "userNameA", Some("E6020")),
        ("USERNAME", "admin", None),
        ("BOOLEAN", "yes", Some("E6016")),
        ("DATE", "2023-02-29", Some("E6014")),
    ] {
        let mut sim = Instance::new(40);
        sim.import(&json!({ "attributes": [attribute(value_type, true)] }), "");
        let body = sim.import(&json!({ "organisationUnits": [unit(value)] }), "");
        let expected: Vec<String> = expected.into_iter().map(str::to_string).collect();
        assert_eq!(codes(&body), expected, "{value_type} {value}: {body}");
    }
    let mut sim = Instance::new(41);
    sim.import(
        &json!({ "attributes": [attribute("ORGANISATION_UNIT", true)] }),
        "",
    );
    let body = sim.import(&json!({ "organisationUnits": [unit("Invalid-OU-ID")] }), "");
    let report = &report_of(&body)["typeReports"][0]["objectReports"][0]["errorReports"][0];
    assert_eq!(
        report["mainKlass"],
        "org.hisp.dhis.attribute.AttributeValue"
    );
    assert_eq!(
        report["message"],
        "AttributeValue `Invalid-OU-ID` is an invalid `OrganisationUnit` ID"
    );
    assert_eq!(report["args"], json!(["Invalid-OU-ID", "OrganisationUnit"]));
}

fn element(public: &str, owner: Option<&str>) -> Value {
    let mut sharing = json!({ "public": public, "external": false });
    if let Some(owner) = owner {
        sharing["owner"] = json!(owner);
    }
    json!({ "id": "deAclTest01", "name": "DataElementA", "shortName": "DataElementA",
            "valueType": "NUMBER", "domainType": "AGGREGATE", "aggregationType": "SUM",
            "sharing": sharing })
}

/// `AclServiceTest.testUpdateObjectWith…`: updating needs the type's create authority and write
/// sharing; a public object needs the public authority.
#[test]
fn updates_need_the_types_authority_and_write_sharing() {
    for (authority, public, owner, allowed) in [
        ("F_OPTIONSET_PUBLIC_ADD", "rw------", false, false), // PublicRWFail
        ("F_OPTIONSET_PUBLIC_ADD", "r-------", false, false), // PublicRFail
        ("F_DATAELEMENT_PUBLIC_ADD", "r-------", true, true), // PublicRUserOwner
        ("F_DATAELEMENT_PUBLIC_ADD", "rw------", false, true), // PublicRWSuccessPublic
        ("F_DATAELEMENT_PRIVATE_ADD", "rw------", true, false), // PublicRWSuccessPrivate1
        ("F_DATAELEMENT_PRIVATE_ADD", "rw------", false, false), // PublicRWSuccessPrivate2
    ] {
        let mut sim = Instance::new(41);
        let owner = owner.then_some("userCheck01");
        sim.import(&json!({ "dataElements": [element(public, owner)] }), "");
        let checker = user(&[authority]);
        let mut changed = element(public, owner);
        changed["formName"] = json!("Changed");
        let body = serde_json::to_vec(&json!({ "dataElements": [changed] })).unwrap();
        let response = sim
            .request_as(&checker, "POST", "/api/metadata", &body)
            .unwrap();
        let errors = error_messages(&response.body_json().unwrap());
        let expected = if allowed {
            vec![]
        } else {
            vec!["E3001 User `Check User [userCheck01] (User)` is not allowed to update object `DataElementA [deAclTest01] (DataElement)`".to_string()]
        };
        assert_eq!(errors, expected, "{authority} {public} owner={owner:?}");
    }
}

/// `canCreate`: the public or private authority of the type (E3000); `verifySharing`
/// (`AclServiceTest.testVerifyDataElement…`): public sharing needs the public authority (E3008);
/// `canDelete`: the delete authority (E3002). Before 2.39 the texts end with a full stop.
#[test]
fn creating_and_deleting_need_the_types_authorities() {
    let mut sim = Instance::new(36);
    let public =
        serde_json::to_vec(&json!({ "dataElements": [element("rw------", None)] })).unwrap();
    let denied = user(&["F_OPTIONSET_PUBLIC_ADD"]);
    let response = sim
        .request_as(&denied, "POST", "/api/metadata", &public)
        .unwrap();
    assert_eq!(
        error_messages(&response.body_json().unwrap()),
        vec!["E3000 User `Check User [userCheck01] (User)` is not allowed to create objects of type DataElementA [deAclTest01] (DataElement).".to_string()]
    );
    let private = user(&["F_DATAELEMENT_PRIVATE_ADD"]);
    let response = sim
        .request_as(&private, "POST", "/api/metadata", &public)
        .unwrap();
    assert_eq!(
        error_messages(&response.body_json().unwrap()),
        vec!["E3008 User `checker` is not allowed to make public objects of type `class org.hisp.dhis.dataelement.DataElement`.".to_string()]
    );
    let body = serde_json::to_vec(&json!({ "dataElements": [element("--------", None)] })).unwrap();
    let response = sim
        .request_as(&private, "POST", "/api/metadata", &body)
        .unwrap();
    assert!(error_messages(&response.body_json().unwrap()).is_empty());
    let url = "/api/metadata?importStrategy=DELETE";
    let mut owner = private.clone();
    owner.authorities = vec!["F_DATAELEMENT_PUBLIC_ADD".into()];
    let response = sim.request_as(&owner, "POST", url, &body).unwrap();
    assert_eq!(
        codes(&response.body_json().unwrap()),
        vec!["E3002".to_string()]
    );
    owner.authorities.push("F_DATAELEMENT_DELETE".into());
    let response = sim.request_as(&owner, "POST", url, &body).unwrap();
    assert!(codes(&response.body_json().unwrap()).is_empty());
}

/// `DefaultSchemaValidatorTest`: column length (E4001), e-mail (E4003), URL (E4004), colour
/// (E4006), with the version's full stop.
#[test]
fn property_values_are_checked_against_the_schema() {
    let long_name = "N".repeat(231);
    let payload = json!({
        "organisationUnits": [{ "id": "ouSchema001", "name": long_name, "shortName": "S",
            "openingDate": "2020-01-01", "email": "notAnEmail", "url": "notAnURL" }],
        "organisationUnitGroups": [{ "id": "ougSchema01", "name": "G", "shortName": "G",
            "color": "notAColor" }] });
    let mut sim = Instance::new(41);
    let body = sim.import(&payload, "");
    assert_eq!(
        error_messages(&body),
        vec![
            "E4001 Maximum length of property `name`is 230, but given length was 231".to_string(),
            "E4004 Property `url` requires a valid URL, was given `notAnURL`".to_string(),
            "E4003 Property `email` requires a valid email address, was given `notAnEmail`"
                .to_string(),
            "E4006 Property `color` requires a valid HEX color, was given `notAColor`".to_string(),
        ]
    );
    let mut old = Instance::new(38);
    let body = old.import(&payload, "");
    assert!(
        error_messages(&body).iter().all(|line| line.ends_with('.')),
        "{body}"
    );
}

/// An enum constant the version lacks never reaches the validation: Jackson fails to read the
/// payload and DHIS2's default exception handler answers 500 for the whole request.
#[test]
fn unknown_enum_constants_fail_the_whole_request() {
    let mut sim = Instance::new(38);
    let mut multi = element("rw------", None);
    multi["valueType"] = json!("MULTI_TEXT");
    let body = serde_json::to_vec(&json!({ "dataElements": [multi] })).unwrap();
    let response = sim.request("POST", "/api/metadata", &body);
    assert_eq!(response.status, 500);
    let message = response.body_json().unwrap()["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        message.starts_with("Cannot deserialize value of type `org.hisp.dhis.common.ValueType` from String \"MULTI_TEXT\""),
        "{message}"
    );
    assert!(sim.store.get("dataElements", "deAclTest01").is_none());
    let mut newer = Instance::new(39);
    let response = newer.request("POST", "/api/metadata", &body);
    assert_eq!(response.status, 200);
}
