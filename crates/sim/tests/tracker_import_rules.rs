//! Tracker import rules beyond access (issue 11, item 2): unique attribute values (E1064),
//! the tracked entity type's mandatory attributes (E1090), un-completing an event without
//! `F_UNCOMPLETE_EVENT` (E1083) and relationship constraints (E4010, E4014), with each
//! version's messages, on the new importer and, where it checks them, the old one.
//!
//! Mirrored tests: dhis-test-e2e `TrackedEntityValidationTests.shouldValidateUniqueness`
//! (the same payload posted twice → E1064, "non-unique") and
//! `shouldReturnErrorWhenMandatoryAttributesMissing` (→ E1090); dhis-test-integration
//! `TrackerEventSecurityImportValidationTest.testNoUncompleteEventAuth` (a stored COMPLETED
//! event updated by a user without the authority → only E1083); dhis-test-e2e
//! `RelationshipsTests.shouldValidateRelationshipType` (an event where the type wants a tracked
//! entity → E4010) and `AtomicModeTests` (a tracked entity of another type → E4014).

mod data_support;

use data_support::tracker::*;
use data_support::*;
use dhis2_sim::Account;
use serde_json::{json, Value};

const BO: &str = "O6uvpzGd5pu";
const NJANDAMA: &str = "g8upMTyEZGZ";
const PERSON: &str = "Q9GufDoplCL";
const LAST_NAME: &str = "kZeSYCgaHTk";
const FIRST_NAME: &str = "dIVt4l5vIOa";

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

fn imported(at: &str) -> Instance {
    let mut instance = Instance::new(at);
    let payload = read_reference(
        "payloads/tracker/importer/trackedEntities/trackedEntitiesWithEnrollmentsAndEvents.json",
    );
    let (status, body) = instance.send("POST", "/api/tracker?async=false", &payload);
    assert_eq!(status, 200, "{body}");
    instance
}

fn person(id: &str, unit: &str, attributes: Value) -> Value {
    json!({ "trackedEntities": [{ "trackedEntity": id, "trackedEntityType": PERSON,
        "orgUnit": unit, "attributes": attributes }] })
}

fn set(instance: &mut Instance, collection: &str, id: &str, change: impl FnOnce(&mut Value)) {
    let mut object = instance.metadata.get(collection, id).cloned().unwrap();
    change(&mut object);
    instance.metadata.insert(collection, object).unwrap();
}

#[test]
fn unique_attribute_values() {
    for at in ["2.37", "2.40", "2.42"] {
        let mut instance = Instance::new(at);
        set(&mut instance, "trackedEntityAttributes", LAST_NAME, |a| {
            a["unique"] = json!(true)
        });
        let first = person(
            "TeUnique001",
            BO,
            json!([{ "attribute": LAST_NAME, "value": "Kamara" }]),
        );
        let (status, body) = instance.send("POST", "/api/tracker?async=false", &first);
        assert_eq!(status, 200, "{at}: {body}");
        // Posting the same entity again updates it: its own value is no conflict.
        let (status, _) = instance.send("POST", "/api/tracker?async=false", &first);
        assert_eq!(status, 200, "{at}");
        let second = person(
            "TeUnique002",
            BO,
            json!([{ "attribute": LAST_NAME, "value": "Kamara" }]),
        );
        let (status, body) = instance.send("POST", "/api/tracker?async=false", &second);
        assert_eq!(status, 409, "{at}");
        assert_eq!(
            errors(&body),
            [(
                "E1064".to_string(),
                "Non-unique attribute value `Kamara` for attribute `kZeSYCgaHTk`".to_string()
            )],
            "{at}"
        );
        // Unique per org unit: another org unit may hold the same value.
        set(&mut instance, "trackedEntityAttributes", LAST_NAME, |a| {
            a["orgunitScope"] = json!(true)
        });
        let elsewhere = person(
            "TeUnique002",
            NJANDAMA,
            json!([{ "attribute": LAST_NAME, "value": "Kamara" }]),
        );
        let (status, body) = instance.send("POST", "/api/tracker?async=false", &elsewhere);
        assert_eq!(status, 200, "{at}: {body}");
    }
    // The old importer's conflict (`validateAttributeUniquenessWithinScope`).
    let mut old = Instance::new("2.38");
    set(&mut old, "trackedEntityAttributes", LAST_NAME, |a| {
        a["unique"] = json!(true)
    });
    for (id, status) in [("TeUnique001", 200), ("TeUnique002", 409)] {
        let entity = json!({ "trackedEntityInstance": id, "trackedEntityType": PERSON, "orgUnit": BO,
            "attributes": [{ "attribute": LAST_NAME, "value": "Kamara" }] });
        let (got, body) = old.send("POST", "/api/trackedEntityInstances", &entity);
        assert_eq!(got, status, "{body}");
        if status == 409 {
            assert_eq!(
                body["response"]["importSummaries"][0]["conflicts"],
                json!([{ "object": "Attribute.value",
                    "value": "Non-unique attribute value 'Kamara' for attribute kZeSYCgaHTk" }])
            );
        }
    }
}

#[test]
fn mandatory_type_attributes() {
    for at in ["2.36", "2.41", "2.42"] {
        let mut instance = Instance::new(at);
        set(&mut instance, "trackedEntityTypes", PERSON, |t| {
            t["trackedEntityTypeAttributes"] = json!([
                { "trackedEntityAttribute": { "id": FIRST_NAME }, "mandatory": true },
                { "trackedEntityAttribute": { "id": LAST_NAME }, "mandatory": false }
            ])
        });
        let without = person(
            "TeMandat001",
            BO,
            json!([{ "attribute": LAST_NAME, "value": "Kamara" }]),
        );
        let (status, body) = instance.send("POST", "/api/tracker?async=false", &without);
        assert_eq!(status, 409, "{at}");
        assert_eq!(
            errors(&body),
            [(
                "E1090".to_string(),
                "Attribute: `dIVt4l5vIOa`, is mandatory in tracked entity type `Q9GufDoplCL` but not declared in tracked entity `TeMandat001`.".to_string()
            )],
            "{at}"
        );
        let with = person(
            "TeMandat001",
            BO,
            json!([{ "attribute": FIRST_NAME, "value": "Fatu" }]),
        );
        let (status, body) = instance.send("POST", "/api/tracker?async=false", &with);
        assert_eq!(status, 200, "{at}: {body}");
        // An update naming only other attributes: 2.42 counts the stored ones too.
        let (status, body) = instance.send("POST", "/api/tracker?async=false", &without);
        let expected = if at == "2.42" { 200 } else { 409 };
        assert_eq!(status, expected, "{at}: {body}");
    }
    // The old importer does not check the type's mandatory attributes.
    let mut old = Instance::new("2.38");
    set(&mut old, "trackedEntityTypes", PERSON, |t| {
        t["trackedEntityTypeAttributes"] =
            json!([{ "trackedEntityAttribute": { "id": FIRST_NAME }, "mandatory": true }])
    });
    let entity = json!({ "trackedEntityInstance": "TeMandat001", "trackedEntityType": PERSON,
        "orgUnit": BO, "attributes": [] });
    let (status, _) = old.send("POST", "/api/trackedEntityInstances", &entity);
    assert_eq!(status, 200);
}

fn clerk_in_bo(authorities: &[&str]) -> Account {
    Account {
        id: "clerkBo0001".into(),
        username: "clerkbo".into(),
        password: "district".into(),
        first_name: "Test".into(),
        surname: "Clerk".into(),
        user_roles: vec![("roleClerk01".into(), "Data entry clerk".into())],
        authorities: authorities.iter().map(|a| a.to_string()).collect(),
        user_groups: vec![("OPVIvvXzNTw".into(), "TA user group".into())],
        organisation_units: vec![(BO.into(), format!("/{BO}"))],
    }
}

#[test]
fn uncompleting_an_event_needs_the_authority() {
    for (at, user_arg) in [("2.37", "User (clerkBo0001)"), ("2.40", "clerkBo0001")] {
        let mut instance = imported(at);
        let event = |status: &str| {
            json!({ "events": [{ "event": "ZwwuwNp6gVd", "program": "f1AyMswryyQ",
                "programStage": "PaOOjwLVW23", "enrollment": "MNWZ6hnuhSw",
                "trackedEntity": "Kj6vYde4LHh", "orgUnit": BO, "status": status,
                "occurredAt": "2023-01-10T00:00:00.000" }] })
        };
        let (status, body) = instance.send("POST", "/api/tracker?async=false", &event("COMPLETED"));
        assert_eq!(status, 200, "{at}: {body}");
        let clerk = clerk_in_bo(&["F_TRACKED_ENTITY_INSTANCE_ADD"]);
        let url = "/api/tracker?async=false&importStrategy=UPDATE";
        let (status, body) = instance.send_as(&clerk, "POST", url, &event("ACTIVE"));
        assert_eq!(status, 409, "{at}");
        assert_eq!(
            errors(&body),
            [(
                "E1083".to_string(),
                format!("User: `{user_arg}`, is not authorized to modify completed events.")
            )],
            "{at}"
        );
        // Keeping it completed is fine; so is un-completing with the authority.
        let (status, _) = instance.send_as(&clerk, "POST", url, &event("COMPLETED"));
        assert_eq!(status, 200, "{at}");
        let allowed = clerk_in_bo(&["F_UNCOMPLETE_EVENT"]);
        let (status, body) = instance.send_as(&allowed, "POST", url, &event("ACTIVE"));
        assert_eq!(status, 200, "{at}: {body}");
    }
    // The old importer (`ProgramStageInstanceAuthCheck`; `AbstractEventService` before 2.36).
    for at in ["2.34", "2.38"] {
        let mut old = imported_old(at);
        let event = |status: &str| {
            json!({ "event": "EvOld000001", "program": "f1AyMswryyQ", "programStage": "PaOOjwLVW23",
                "enrollment": "MNWZ6hnuhSw", "trackedEntityInstance": "Kj6vYde4LHh", "orgUnit": BO,
                "status": status, "eventDate": "2023-01-10" })
        };
        let (status, body) = old.send("POST", "/api/events", &event("COMPLETED"));
        assert_eq!(status, 200, "{at}: {body}");
        let clerk = clerk_in_bo(&["F_TRACKED_ENTITY_INSTANCE_ADD"]);
        let (status, body) = old.send_as(&clerk, "POST", "/api/events", &event("ACTIVE"));
        assert_eq!(status, 409, "{at}: {body}");
        assert_eq!(
            body["response"]["importSummaries"][0]["description"],
            "User is not authorized to uncomplete events"
        );
    }
}

/// The e2e entities through the old API (2.34 has no `/api/tracker`).
fn imported_old(at: &str) -> Instance {
    let mut instance = Instance::new(at);
    for (url, body) in [
        (
            "/api/trackedEntityInstances",
            json!({ "trackedEntityInstance": "Kj6vYde4LHh",
            "trackedEntityType": PERSON, "orgUnit": BO, "attributes": [] }),
        ),
        (
            "/api/enrollments",
            json!({ "enrollment": "MNWZ6hnuhSw", "trackedEntityInstance": "Kj6vYde4LHh",
            "program": "f1AyMswryyQ", "orgUnit": BO, "enrollmentDate": "2023-01-01",
            "incidentDate": "2023-01-01" }),
        ),
    ] {
        let (status, answer) = instance.send("POST", url, &body);
        assert_eq!(status, 200, "{at} {url}: {answer}");
    }
    instance
}

#[test]
fn relationship_constraints() {
    for (at, lead, tracked) in [
        ("2.38", "Relationship Type", "Tracked Entity"),
        ("2.40", "Relationship type", "tracked entity"),
        ("2.41", "Relationship type", "tracked entity"),
    ] {
        let mut instance = imported(at);
        let end = |key: &str, id: &str| {
            if at == "2.41" {
                json!({ key: { key: id } })
            } else {
                json!({ key: id })
            }
        };
        let sibling = |from: Value, to: Value| {
            json!({ "relationships": [{ "relationship": "RelSibling1", "relationshipType": "xLmPUYJX8Ks",
                "from": from, "to": to }] })
        };
        let (status, body) = instance.send(
            "POST",
            "/api/tracker?async=false",
            &sibling(
                end("event", "ZwwuwNp6gVd"),
                end("trackedEntity", "Kj6vYde4LHh"),
            ),
        );
        assert_eq!(status, 409, "{at}");
        assert_eq!(
            errors(&body),
            [(
                "E4010".to_string(),
                format!("{lead} `from` constraint requires a trackedEntity but a event was found.")
            )],
            "{at}"
        );
        instance
            .metadata
            .insert(
                "trackedEntityTypes",
                json!({ "id": "OtherType01", "name": "Other", "sharing": { "public": "rwrw----" } }),
            )
            .unwrap();
        let other = json!({ "trackedEntities": [{ "trackedEntity": "TeOther0001",
            "trackedEntityType": "OtherType01", "orgUnit": BO }] });
        let (status, body) = instance.send("POST", "/api/tracker?async=false", &other);
        assert_eq!(status, 200, "{at}: {body}");
        let (status, body) = instance.send(
            "POST",
            "/api/tracker?async=false",
            &sibling(
                end("trackedEntity", "Kj6vYde4LHh"),
                end("trackedEntity", "TeOther0001"),
            ),
        );
        assert_eq!(status, 409, "{at}");
        assert_eq!(
            errors(&body),
            [(
                "E4014".to_string(),
                format!("{lead} `to` constraint requires a {tracked} having type `Q9GufDoplCL` but `OtherType01` was found.")
            )],
            "{at}"
        );
        let (status, body) = instance.send(
            "POST",
            "/api/tracker?async=false",
            &sibling(
                end("trackedEntity", "Kj6vYde4LHh"),
                end("trackedEntity", "Nav6inZRw1u"),
            ),
        );
        assert_eq!(status, 200, "{at}: {body}");
    }
}

/// The old importer's relationship answers (`AbstractRelationshipService.checkRelationship`
/// and `DefaultTrackerAccessManager.canWrite(user, relationship)`, as dhis2-core's
/// `RelationshipServiceTest` / `TrackerAccessManagerTest` exercise them): relationships nested
/// in an old tracked entity payload that break the type's constraint or that the user may not
/// write are not stored.
#[test]
fn old_api_relationship_constraints_and_access() {
    let mut old = imported_old("2.38");
    for (id, unit) in [("TeSecond001", BO), ("TeThird0001", NJANDAMA)] {
        let entity = json!({ "trackedEntityInstance": id, "trackedEntityType": PERSON,
            "orgUnit": unit, "attributes": [] });
        let (status, body) = old.send("POST", "/api/trackedEntityInstances", &entity);
        assert_eq!(status, 200, "{body}");
    }
    let with_relationship = |rel: &str, rel_type: &str, to: &str| {
        json!({ "trackedEntityInstance": "Kj6vYde4LHh", "trackedEntityType": PERSON, "orgUnit": BO,
            "attributes": [], "relationships": [{ "relationship": rel, "relationshipType": rel_type,
                "from": { "trackedEntityInstance": { "trackedEntityInstance": "Kj6vYde4LHh" } },
                "to": { "trackedEntityInstance": { "trackedEntityInstance": to } } }] })
    };
    let stored = |instance: &Instance, rel: &str| {
        instance
            .tracker
            .relationships()
            .any(|r| r["relationship"] == json!(rel))
    };
    // A missing end and a constraint wanting an enrollment: not stored.
    old.send(
        "POST",
        "/api/trackedEntityInstances",
        &with_relationship("RelMissing1", "xLmPUYJX8Ks", "NoSuchTe001"),
    );
    assert!(!stored(&old, "RelMissing1"));
    old.send(
        "POST",
        "/api/trackedEntityInstances",
        &with_relationship("RelWrongKd1", "fdc6uOvgoji", "TeSecond001"),
    );
    assert!(!stored(&old, "RelWrongKd1"));
    // The relationship type's data write is needed (TA Sibling is shared with the group only).
    let outsider = Account {
        user_groups: Vec::new(),
        ..clerk_in_bo(&["F_TRACKED_ENTITY_INSTANCE_ADD"])
    };
    let mut relationship_type = old
        .metadata
        .get("relationshipTypes", "xLmPUYJX8Ks")
        .cloned()
        .unwrap();
    relationship_type["sharing"] = json!({ "public": "rw------", "userGroups": {
        "OPVIvvXzNTw": { "id": "OPVIvvXzNTw", "access": "rwrw----" } } });
    old.metadata
        .insert("relationshipTypes", relationship_type)
        .unwrap();
    let mut person = old
        .metadata
        .get("trackedEntityTypes", PERSON)
        .cloned()
        .unwrap();
    person["sharing"] = json!({ "public": "rwrw----" });
    old.metadata.insert("trackedEntityTypes", person).unwrap();
    old.send_as(
        &outsider,
        "POST",
        "/api/trackedEntityInstances",
        &with_relationship("RelNoWrite1", "xLmPUYJX8Ks", "TeSecond001"),
    );
    assert!(!stored(&old, "RelNoWrite1"));
    // A member of the group, capturing in Bo where both ends live: stored.
    let member = clerk_in_bo(&["F_TRACKED_ENTITY_INSTANCE_ADD"]);
    old.send_as(
        &member,
        "POST",
        "/api/trackedEntityInstances",
        &with_relationship("RelSibling1", "xLmPUYJX8Ks", "TeSecond001"),
    );
    assert!(
        stored(&old, "RelSibling1"),
        "the group may write the type and both ends"
    );
}
