//! Who may import which tracker data (issue 11, item 2): org unit capture scope, data sharing of
//! programs, program stages and tracked entity types, ownership, and the enrollment's type
//! check, on both APIs, with DHIS2's codes and messages.
//!
//! The world is DHIS2's own e2e setup (`payloads/setup/{metadata,tracker_metadata}.json`): its
//! programs, stages and the `Person` type share data write with the user group `OPVIvvXzNTw`
//! only (public `rw------`). The cases follow dhis2-core's integration tests of the new
//! importer's `SecurityOwnershipValidator`s — `EventSecurityImportValidationTest`
//! (`testNoWriteAccessToOrg` → E1000, `testNoWriteAccessToProgramStage` → E1095),
//! `TrackedEntityImportValidationTest` (`testNoWriteAccessInAcl` → E1001, `testNoWriteAccessToOrg`
//! → E1000), `EnrollmentSecurityImportValidationTest` (`testNoWriteAccessToOrg` → E1000,
//! `testUserNoWriteAccessToProgram` → E1091), `EnrollmentImportValidationTest`
//! (`testTeiTypeMismatch`-style E1022), and `TrackerOwnershipManagerTest` for E1102 — and the old
//! API's `DefaultTrackerAccessManager` texts (`TrackerAccessManagerTest`).

mod data_support;

use data_support::tracker::*;
use data_support::*;
use dhis2_sim::Account;
use serde_json::{json, Value};

const GROUP: &str = "OPVIvvXzNTw";
const BO: &str = "O6uvpzGd5pu";
const NJANDAMA: &str = "g8upMTyEZGZ";
const NGELEHUN: &str = "DiszpKrYNg8";
const SIERRA_LEONE: &str = "ImspTQPwCqd";

/// A data entry user capturing in `unit`, in the setup's user group or not.
fn clerk(id: &str, unit: &str, in_group: bool) -> Account {
    Account {
        id: id.to_string(),
        username: id.to_ascii_lowercase(),
        password: "district".into(),
        first_name: "Test".into(),
        surname: id.into(),
        user_roles: vec![("roleClerk01".into(), "Data entry clerk".into())],
        authorities: vec!["F_TRACKED_ENTITY_INSTANCE_ADD".into()],
        user_groups: if in_group {
            vec![(GROUP.into(), "TA user group".into())]
        } else {
            Vec::new()
        },
        organisation_units: vec![(unit.into(), format!("/{unit}"))],
    }
}

/// A superuser whose capture scope is one facility.
fn narrow_superuser() -> Account {
    let mut user = clerk("superNarrow", NJANDAMA, false);
    user.authorities = vec!["ALL".into()];
    user
}

fn errors(body: &Value) -> Vec<(String, String)> {
    body["validationReport"]["errorReports"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| {
            (
                e["errorCode"].as_str().unwrap_or("").to_string(),
                e["message"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

fn codes(body: &Value) -> Vec<String> {
    errors(body).into_iter().map(|(code, _)| code).collect()
}

fn new_entities_with_enrollments() -> Value {
    read_reference(
        "payloads/tracker/importer/trackedEntities/trackedEntitiesWithEnrollmentsAndEvents.json",
    )
}

#[test]
fn event_program_needs_capture_scope_and_program_data_write() {
    let mut instance = Instance::new("2.40");
    let in_bo = clerk("clerkBo0001", BO, true);
    let (status, body) =
        instance.send_as(&in_bo, "POST", "/api/tracker?async=false", &new_events());
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["stats"]["created"], 4);

    let mut instance = Instance::new("2.40");
    let elsewhere = clerk("clerkNja001", NJANDAMA, true);
    let (status, body) = instance.send_as(
        &elsewhere,
        "POST",
        "/api/tracker?async=false",
        &new_events(),
    );
    assert_eq!(status, 409);
    assert_eq!(codes(&body), ["E1000"; 4]);
    assert_eq!(
        errors(&body)[0].1,
        "User: `clerkNja001`, has no write access to OrganisationUnit: `O6uvpzGd5pu`."
    );
    assert_eq!(body["stats"]["ignored"], 4);
    assert_eq!(instance.tracker.event_count(), 0);

    let outsider = clerk("clerkOut001", SIERRA_LEONE, false);
    let (_, body) = instance.send_as(&outsider, "POST", "/api/tracker?async=false", &new_events());
    assert_eq!(codes(&body), ["E1091"; 4]);
    assert_eq!(
        errors(&body)[0].1,
        "User: `clerkOut001`, has no data write access to Program: `Zd2rkv8FsWq`."
    );

    // Until 2.37 the formatter names objects with their class (`TrackerIdentifier.getIdAndName`).
    let mut early = Instance::new("2.37");
    let (_, body) = early.send_as(
        &elsewhere,
        "POST",
        "/api/tracker?async=false",
        &new_events(),
    );
    assert_eq!(
        errors(&body)[0].1,
        "User: `User (clerkNja001)`, has no write access to OrganisationUnit: `OrganisationUnit (O6uvpzGd5pu)`."
    );

    // Superusers skip sharing, not the capture scope (`isInUserHierarchy` knows no superuser).
    let (_, body) = instance.send_as(
        &narrow_superuser(),
        "POST",
        "/api/tracker?async=false",
        &new_events(),
    );
    assert_eq!(codes(&body), ["E1000"; 4]);
    let (status, _) = instance.send("POST", "/api/tracker?async=false", &new_events());
    assert_eq!(status, 200, "the country-wide superuser imports");
}

#[test]
fn old_events_api_reports_the_access_manager_texts() {
    let mut instance = Instance::new("2.38");
    let elsewhere = clerk("clerkNja001", NJANDAMA, true);
    let (status, body) = instance.send_as(&elsewhere, "POST", "/api/events", &old_events());
    assert_eq!(status, 409, "{body}");
    let summaries = body["response"]["importSummaries"].as_array().unwrap();
    assert_eq!(summaries.len(), 4);
    assert_eq!(summaries[0]["status"], "ERROR");
    assert_eq!(
        summaries[0]["description"],
        "[User has no create access to organisation unit: O6uvpzGd5pu]"
    );
    assert_eq!(body["response"]["ignored"], 4);

    let outsider = clerk("clerkOut001", SIERRA_LEONE, false);
    let (_, body) = instance.send_as(&outsider, "POST", "/api/events", &old_events());
    assert_eq!(
        body["response"]["importSummaries"][0]["description"],
        "[User has no data write access to program: Zd2rkv8FsWq]"
    );

    // The old access manager lets superusers through entirely.
    let (status, body) =
        instance.send_as(&narrow_superuser(), "POST", "/api/events", &old_events());
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["response"]["imported"], 4);
}

#[test]
fn tracked_entities_need_capture_scope_and_type_data_write() {
    let payload = read_reference("payloads/tracker/importer/trackedEntities/trackedEntities.json");
    let mut instance = Instance::new("2.39");
    let outsider = clerk("clerkOut001", SIERRA_LEONE, false);
    let (_, body) = instance.send_as(&outsider, "POST", "/api/tracker?async=false", &payload);
    assert_eq!(codes(&body), ["E1001"; 2]);
    assert_eq!(
        errors(&body)[0].1,
        "User: `clerkOut001`, has no data write access to TrackedEntityType: `Q9GufDoplCL`."
    );
    let elsewhere = clerk("clerkNja001", NJANDAMA, true);
    let (_, body) = instance.send_as(&elsewhere, "POST", "/api/tracker?async=false", &payload);
    assert_eq!(codes(&body), ["E1000"; 2]);
    assert_eq!(
        errors(&body)[0].1,
        "User: `clerkNja001`, has no write access to OrganisationUnit: `DiszpKrYNg8`."
    );
    let member = clerk("clerkSL0001", SIERRA_LEONE, true);
    let (status, body) = instance.send_as(&member, "POST", "/api/tracker?async=false", &payload);
    assert_eq!(status, 200, "{body}");
    assert_eq!(instance.tracker.tracked_entity_count(), 2);

    // Updating an entity outside the user's (search) scope: E1003.
    let (_, body) = instance.send_as(&elsewhere, "POST", "/api/tracker?async=false", &payload);
    assert_eq!(codes(&body), ["E1003"; 2]);
    assert_eq!(
        errors(&body)[0].1,
        "OrganisationUnit: `DiszpKrYNg8` of TrackedEntity is outside search scope of User: `clerkNja001`."
    );

    // The old API: `canWrite(user, trackedEntityInstance)`.
    let mut old = Instance::new("2.35");
    let entity = json!({ "trackedEntityInstance": "JjZ2Nwds92P", "trackedEntityType": "Q9GufDoplCL",
        "orgUnit": NGELEHUN, "attributes": [] });
    let (status, body) = old.send_as(&outsider, "POST", "/api/trackedEntityInstances", &entity);
    assert_eq!(status, 409, "{body}");
    assert_eq!(
        body["response"]["importSummaries"][0]["description"],
        "[User has no data write access to tracked entity: Q9GufDoplCL]"
    );
    let (_, body) = old.send_as(&elsewhere, "POST", "/api/trackedEntityInstances", &entity);
    assert_eq!(
        body["response"]["importSummaries"][0]["description"],
        "[User has no write access to organisation unit: DiszpKrYNg8]"
    );
}

#[test]
fn tracker_events_need_stage_write_and_ownership() {
    let mut instance = Instance::new("2.40");
    let (status, body) = instance.send(
        "POST",
        "/api/tracker?async=false",
        &new_entities_with_enrollments(),
    );
    assert_eq!(status, 200, "{body}");

    // A member of the group capturing in Njandama: the entity is owned by Bo, outside.
    let elsewhere = clerk("clerkNja001", NJANDAMA, true);
    let event = json!({ "events": [{ "event": "EvNja000001", "program": "f1AyMswryyQ",
        "programStage": "PaOOjwLVW23", "enrollment": "MNWZ6hnuhSw", "trackedEntity": "Kj6vYde4LHh",
        "orgUnit": NJANDAMA, "status": "ACTIVE", "occurredAt": "2023-01-10T00:00:00.000" }] });
    let (status, body) = instance.send_as(&elsewhere, "POST", "/api/tracker?async=false", &event);
    assert_eq!(status, 409);
    assert_eq!(
        errors(&body),
        [(
            "E1102".to_string(),
            "User: `clerkNja001`, does not have access to the tracked entity: `Kj6vYde4LHh`, Program: `f1AyMswryyQ`, combination.".to_string()
        )]
    );
    let in_bo = clerk("clerkBo0001", BO, true);
    let (status, body) = instance.send_as(&in_bo, "POST", "/api/tracker?async=false", &event);
    assert_eq!(status, 200, "Njandama lies under Bo, the owner: {body}");
    let mut in_bo_event = event.clone();
    in_bo_event["events"][0]["event"] = json!("EvBo0000001");
    in_bo_event["events"][0]["orgUnit"] = json!(BO);
    let (status, body) =
        instance.send_as(&elsewhere, "POST", "/api/tracker?async=false", &in_bo_event);
    assert_eq!(status, 409);
    assert_eq!(codes(&body), ["E1000", "E1102"], "{body}");
    let (status, body) = instance.send_as(&in_bo, "POST", "/api/tracker?async=false", &in_bo_event);
    assert_eq!(status, 200, "the owner's clerk writes: {body}");

    // A stage whose sharing leaves the group out (xfxTWRvnCOK is public rw------ only).
    let mut other_stage = in_bo_event.clone();
    other_stage["events"][0]["event"] = json!("EvBo0000002");
    other_stage["events"][0]["programStage"] = json!("nlXNK4b7LVr");
    let (status, _) = instance.send_as(&in_bo, "POST", "/api/tracker?async=false", &other_stage);
    assert_eq!(status, 200, "nlXNK4b7LVr shares data write with the group");
    let outsider_in_bo = clerk("clerkBoOut1", BO, false);
    other_stage["events"][0]["event"] = json!("EvBo0000003");
    let (_, body) = instance.send_as(
        &outsider_in_bo,
        "POST",
        "/api/tracker?async=false",
        &other_stage,
    );
    assert_eq!(codes(&body), ["E1095", "E1096", "E1104"]);
    assert_eq!(
        errors(&body)[0].1,
        "User: `clerkBoOut1`, has no data write access to ProgramStage: `nlXNK4b7LVr`."
    );
    assert_eq!(
        errors(&body)[2].1,
        "User: `clerkBoOut1`, has no data read access to program: `f1AyMswryyQ`, TrackedEntityType: `Q9GufDoplCL`."
    );
}

#[test]
fn old_api_ownership_and_stage_texts() {
    let mut instance = Instance::new("2.38");
    let (status, body) = instance.send(
        "POST",
        "/api/tracker?async=false",
        &new_entities_with_enrollments(),
    );
    assert_eq!(status, 200, "{body}");
    let elsewhere = clerk("clerkNja001", NJANDAMA, true);
    let event = json!({ "event": "EvNja000001", "program": "f1AyMswryyQ",
        "programStage": "PaOOjwLVW23", "enrollment": "MNWZ6hnuhSw",
        "trackedEntityInstance": "Kj6vYde4LHh", "orgUnit": NJANDAMA, "status": "ACTIVE",
        "eventDate": "2023-01-10" });
    let (status, body) = instance.send_as(&elsewhere, "POST", "/api/events", &event);
    assert_eq!(status, 409, "{body}");
    assert_eq!(
        body["response"]["importSummaries"][0]["description"],
        "[OWNERSHIP_ACCESS_DENIED]"
    );
    let outsider_in_bo = clerk("clerkBoOut1", BO, false);
    let mut in_bo = event.clone();
    in_bo["orgUnit"] = json!(BO);
    let (_, body) = instance.send_as(&outsider_in_bo, "POST", "/api/events", &in_bo);
    assert_eq!(
        body["response"]["importSummaries"][0]["description"],
        "[User has no data read access to program: f1AyMswryyQ, User has no data read access to tracked entity type: Q9GufDoplCL]",
        "PaOOjwLVW23 is public rwrw----, the program and type are not"
    );
}

#[test]
fn enrollment_type_mismatch_and_program_without_registration() {
    for (at, name) in [("2.40", "TrackedEntityInstance"), ("2.41", "TrackedEntity")] {
        let mut instance = Instance::new(at);
        instance
            .metadata
            .insert(
                "trackedEntityTypes",
                json!({ "id": "OtherType01", "name": "Other", "sharing": { "public": "rwrw----" } }),
            )
            .unwrap();
        let payload = json!({ "trackedEntities": [{ "trackedEntity": "TeOther0001",
            "trackedEntityType": "OtherType01", "orgUnit": BO,
            "enrollments": [{ "enrollment": "EnOther0001", "program": "f1AyMswryyQ", "orgUnit": BO,
                "status": "ACTIVE", "enrolledAt": "2023-01-01T00:00:00.000",
                "occurredAt": "2023-01-01T00:00:00.000" }] }] });
        let (status, body) = instance.send("POST", "/api/tracker?async=false", &payload);
        assert_eq!(status, 409, "{at}: {body}");
        assert_eq!(
            errors(&body),
            [(
                "E1022".to_string(),
                format!("{name}: `TeOther0001`, must have same TrackedEntityType as Program `f1AyMswryyQ`.")
            )],
            "{at}"
        );
        let into_event_program = json!({ "enrollments": [{ "enrollment": "EnEvent0001",
            "program": "Zd2rkv8FsWq", "trackedEntity": "TeOther0001", "orgUnit": BO,
            "status": "ACTIVE", "enrolledAt": "2023-01-01T00:00:00.000" }] });
        let (_, body) = instance.send(
            "POST",
            "/api/tracker?async=false&atomicMode=OBJECT",
            &into_event_program,
        );
        assert!(codes(&body).contains(&"E1014".to_string()), "{at}: {body}");
    }
    let mut old = Instance::new("2.38");
    old.metadata
        .insert(
            "trackedEntityTypes",
            json!({ "id": "OtherType01", "name": "Other", "sharing": { "public": "rwrw----" } }),
        )
        .unwrap();
    let entity = json!({ "trackedEntityInstance": "TeOther0001", "trackedEntityType": "OtherType01",
        "orgUnit": BO, "attributes": [] });
    let (status, _) = old.send("POST", "/api/trackedEntityInstances", &entity);
    assert_eq!(status, 200);
    let enrollment = json!({ "enrollment": "EnOther0001", "trackedEntityInstance": "TeOther0001",
        "program": "f1AyMswryyQ", "orgUnit": BO, "enrollmentDate": "2023-01-01",
        "incidentDate": "2023-01-01" });
    let (status, body) = old.send("POST", "/api/enrollments", &enrollment);
    assert_eq!(status, 409, "{body}");
    assert_eq!(
        body["response"]["importSummaries"][0]["description"],
        "Tracked entity instance must have same tracked entity as program: f1AyMswryyQ"
    );
}

/// `EnrollmentAttributeValidationHook` / `AttributeValidator` (dhis2-core
/// `EnrollmentAttrValidationTest.testAttributesMissingMandatory` → E1018) and the relationship
/// `LinkValidator` / `ExistenceValidator` (`RelationshipsImportValidationTest` → E4012).
#[test]
fn mandatory_program_attributes_and_relationship_ends() {
    let mut instance = Instance::new("2.40");
    let mut program = instance
        .metadata
        .get("programs", "f1AyMswryyQ")
        .cloned()
        .unwrap();
    program["programTrackedEntityAttributes"][0]["mandatory"] = json!(true);
    let mandatory = program["programTrackedEntityAttributes"][0]["trackedEntityAttribute"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    instance.metadata.insert("programs", program).unwrap();
    let mut payload = new_entities_with_enrollments();
    for entity in payload["trackedEntities"].as_array_mut().unwrap() {
        let attributes = entity["attributes"].as_array_mut().unwrap();
        attributes.retain(|a| a["attribute"] != json!(mandatory));
    }
    let (status, body) = instance.send("POST", "/api/tracker?async=false", &payload);
    assert_eq!(status, 409, "{body}");
    assert_eq!(
        errors(&body)[0],
        (
            "E1018".to_string(),
            format!("Attribute: `{mandatory}`, is mandatory in program `f1AyMswryyQ` but not declared in enrollment `MNWZ6hnuhSw`.")
        )
    );
    // The value given on the enrollment is enough.
    payload["trackedEntities"][0]["enrollments"][0]["attributes"] =
        json!([{ "attribute": mandatory, "value": "John" }]);
    payload["trackedEntities"][1]["enrollments"][0]["attributes"] =
        json!([{ "attribute": mandatory, "value": "Jane" }]);
    let (status, body) = instance.send("POST", "/api/tracker?async=false", &payload);
    assert_eq!(status, 200, "{body}");

    let relationship = |to: &str| {
        json!({ "relationships": [{ "relationship": "RelSibling1", "relationshipType": "xLmPUYJX8Ks",
            "from": { "trackedEntity": "Kj6vYde4LHh" }, "to": { "trackedEntity": to } }] })
    };
    let (status, body) = instance.send(
        "POST",
        "/api/tracker?async=false",
        &relationship("NoSuchTe001"),
    );
    assert_eq!(status, 409);
    assert_eq!(
        errors(&body),
        [(
            "E4012".to_string(),
            "Could not find `trackedEntity`: `NoSuchTe001`, linked to relationship.".to_string()
        )]
    );
    let (status, body) = instance.send(
        "POST",
        "/api/tracker?async=false",
        &relationship("Nav6inZRw1u"),
    );
    assert_eq!(status, 200, "{body}");
}
