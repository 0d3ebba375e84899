//! Program ownership (issue 11, item 2): `PUT /api/tracker/ownership/transfer` and
//! `POST /api/tracker/ownership/override` with each version's parameter names and answers, and
//! what they change for the importer's ownership check (E1102 / `OWNERSHIP_ACCESS_DENIED`).
//!
//! The cases follow dhis2-core's tests: `TrackerOwnershipControllerTest` (dhis-test-web-api;
//! 2.41: `shouldUpdateTrackerProgramOwnerWhenUsingDeprecateTrackedEntityInstanceParam`,
//! `shouldFailToUpdateWhenGivenTrackedEntityAndTrackedEntityInstanceParameters`,
//! `shouldFailToUpdateWhenNoTrackedEntityOrTrackedEntityInstanceParametersArePresent`,
//! `shouldOverrideOwnershipAccess`; 2.42: `shouldFailToTransferIfGivenDeprecatedAndNewOrgUnitParameter`,
//! `shouldFailToUpdateWhenNoTrackedEntityIsPresent`, `shouldGrantTemporaryAccess`),
//! `TrackerOwnershipManagerTest` (dhis-test-integration: `testGrantTemporaryOwnershipWithAudit`
//! — a protected program becomes writable with temporary ownership, a closed one does not —
//! and `testTransferOwnership` — after a transfer the new owner's users have access and the old
//! owner's do not), and the e2e `OwnershipTests`.

mod data_support;

use data_support::tracker::*;
use data_support::*;
use dhis2_sim::Account;
use serde_json::{json, Value};

const GROUP: &str = "OPVIvvXzNTw";
const BO: &str = "O6uvpzGd5pu";
const NJANDAMA: &str = "g8upMTyEZGZ";
const PROGRAM: &str = "f1AyMswryyQ";
const ENTITY: &str = "Kj6vYde4LHh";

fn clerk(id: &str, unit: &str) -> Account {
    Account {
        id: id.to_string(),
        username: id.to_ascii_lowercase(),
        password: "district".into(),
        first_name: "Test".into(),
        surname: id.into(),
        user_roles: vec![("roleClerk01".into(), "Data entry clerk".into())],
        authorities: vec!["F_TRACKED_ENTITY_INSTANCE_ADD".into()],
        user_groups: vec![(GROUP.into(), "TA user group".into())],
        organisation_units: vec![(unit.into(), format!("/{unit}"))],
    }
}

/// The setup world with the e2e entities imported (owned by Bo in `PROGRAM`), the program at
/// `level`.
fn world(at: &str, level: &str) -> Instance {
    let mut instance = Instance::new(at);
    let mut program = instance.metadata.get("programs", PROGRAM).cloned().unwrap();
    program["accessLevel"] = json!(level);
    instance.metadata.insert("programs", program).unwrap();
    let payload = read_reference(
        "payloads/tracker/importer/trackedEntities/trackedEntitiesWithEnrollmentsAndEvents.json",
    );
    let (status, body) = instance.send("POST", "/api/tracker?async=false", &payload);
    assert_eq!(status, 200, "{body}");
    instance
}

/// A new event of `ENTITY` in `PROGRAM` at Njandama.
fn event_at_njandama(id: &str) -> Value {
    json!({ "events": [{ "event": id, "program": PROGRAM, "programStage": "PaOOjwLVW23",
        "enrollment": "MNWZ6hnuhSw", "trackedEntity": ENTITY, "orgUnit": NJANDAMA,
        "status": "ACTIVE", "occurredAt": "2023-01-10T00:00:00.000" }] })
}

fn codes(body: &Value) -> Vec<String> {
    body["validationReport"]["errorReports"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| e["errorCode"].as_str().unwrap_or("").to_string())
        .collect()
}

fn message(body: &Value) -> &str {
    body["message"].as_str().unwrap_or("")
}

#[test]
fn temporary_ownership_opens_protected_programs_only() {
    let njandama = clerk("clerkNja001", NJANDAMA);
    for (at, param) in [("2.38", "trackedEntityInstance"), ("2.41", "trackedEntity")] {
        let mut protected = world(at, "PROTECTED");
        let (status, body) = protected.send_as(
            &njandama,
            "POST",
            "/api/tracker?async=false",
            &event_at_njandama("EvNja000001"),
        );
        assert_eq!(
            (status, codes(&body)),
            (409, vec!["E1102".to_string()]),
            "{at}"
        );
        let override_url = format!(
            "/api/tracker/ownership/override?{param}={ENTITY}&program={PROGRAM}&reason=visit"
        );
        let (status, body) = protected.send_as(&njandama, "POST", &override_url, &Value::Null);
        assert_eq!(status, 200, "{at}: {body}");
        assert_eq!(message(&body), "Temporary Ownership granted");
        assert_eq!(body["httpStatus"], "OK");
        let (status, body) = protected.send_as(
            &njandama,
            "POST",
            "/api/tracker?async=false",
            &event_at_njandama("EvNja000001"),
        );
        assert_eq!(status, 200, "{at}: temporary owner writes: {body}");

        // Closed programs answer alike but record nothing (`grantTemporaryOwnership` stores
        // only for protected programs).
        let mut closed = world(at, "CLOSED");
        let (status, body) = closed.send_as(&njandama, "POST", &override_url, &Value::Null);
        assert_eq!(
            (status, message(&body)),
            (200, "Temporary Ownership granted"),
            "{at}"
        );
        let (status, body) = closed.send_as(
            &njandama,
            "POST",
            "/api/tracker?async=false",
            &event_at_njandama("EvNja000001"),
        );
        assert_eq!(
            (status, codes(&body)),
            (409, vec!["E1102".to_string()]),
            "{at}"
        );
    }

    // The old events API asks the same ownership manager.
    let mut old = world("2.38", "PROTECTED");
    let event = json!({ "event": "EvNja000002", "program": PROGRAM, "programStage": "PaOOjwLVW23",
        "enrollment": "MNWZ6hnuhSw", "trackedEntityInstance": ENTITY, "orgUnit": NJANDAMA,
        "status": "ACTIVE", "eventDate": "2023-01-10" });
    let (status, body) = old.send_as(&njandama, "POST", "/api/events", &event);
    assert_eq!(status, 409);
    assert_eq!(
        body["response"]["importSummaries"][0]["description"],
        "[OWNERSHIP_ACCESS_DENIED]"
    );
    let url = format!(
        "/api/tracker/ownership/override?trackedEntityInstance={ENTITY}&program={PROGRAM}&reason=x"
    );
    old.send_as(&njandama, "POST", &url, &Value::Null);
    let (status, body) = old.send_as(&njandama, "POST", "/api/events", &event);
    assert_eq!(status, 200, "{body}");
}

#[test]
fn transfer_moves_the_owner_for_whoever_may_reach_it() {
    let njandama = clerk("clerkNja001", NJANDAMA);
    let bo = clerk("clerkBo0001", BO);
    let mut instance = world("2.38", "CLOSED");
    let url = format!(
        "/api/tracker/ownership/transfer?trackedEntityInstance={ENTITY}&program={PROGRAM}&ou={NJANDAMA}"
    );
    // The owner (Bo) is outside Njandama's clerk's scope: `AccessDeniedException`, a 403.
    let (status, body) = instance.send_as(&njandama, "PUT", &url, &Value::Null);
    assert_eq!(status, 403, "{body}");
    assert_eq!(
        message(&body),
        "User does not have access to change ownership for the entity-program combination"
    );
    assert!(body.get("errorCode").is_none());
    let (status, body) = instance.send_as(&bo, "PUT", &url, &Value::Null);
    assert_eq!(
        (status, message(&body)),
        (200, "Ownership transferred"),
        "{body}"
    );
    let (status, body) = instance.send_as(
        &njandama,
        "POST",
        "/api/tracker?async=false",
        &event_at_njandama("EvNja000001"),
    );
    assert_eq!(status, 200, "Njandama owns the entity now: {body}");
    let (_, exported) = instance.send(
        "GET",
        &format!("/api/tracker/trackedEntities/{ENTITY}?fields=*&program={PROGRAM}"),
        &Value::Null,
    );
    assert_eq!(
        exported["programOwners"][0]["orgUnit"], NJANDAMA,
        "{exported}"
    );

    // Unknown entity: nothing to transfer, still "Ownership transferred" up to 2.41.
    let unknown = format!(
        "/api/tracker/ownership/transfer?trackedEntityInstance=NoSuchTe001&program={PROGRAM}&ou={BO}"
    );
    let (status, _) = instance.send("PUT", &unknown, &Value::Null);
    assert_eq!(status, 200);
    // 2.38 knows `trackedEntityInstance` only (a Spring 400).
    let (status, body) = instance.send(
        "PUT",
        &format!(
            "/api/tracker/ownership/transfer?trackedEntity={ENTITY}&program={PROGRAM}&ou={BO}"
        ),
        &Value::Null,
    );
    assert_eq!(status, 400);
    assert_eq!(
        message(&body),
        "Required String parameter 'trackedEntityInstance' is not present"
    );
}

#[test]
fn parameters_of_2_41() {
    let mut instance = world("2.41", "OPEN");
    let both = format!(
        "/api/tracker/ownership/transfer?trackedEntity={ENTITY}&trackedEntityInstance={ENTITY}&program={PROGRAM}&ou={BO}"
    );
    let (status, body) = instance.send("PUT", &both, &Value::Null);
    assert_eq!(status, 400);
    assert_eq!(
        message(&body),
        "Only one parameter of 'trackedEntityInstance' and 'trackedEntity' must be specified. Prefer 'trackedEntity' as 'trackedEntityInstance' will be removed."
    );
    let (status, body) = instance.send(
        "POST",
        &format!("/api/tracker/ownership/override?program={PROGRAM}&reason=42"),
        &Value::Null,
    );
    assert_eq!(status, 400);
    assert_eq!(
        message(&body),
        "Required request parameter 'trackedEntity' is not present"
    );
    for param in ["trackedEntityInstance", "trackedEntity"] {
        let url = format!(
            "/api/tracker/ownership/transfer?{param}={ENTITY}&program={PROGRAM}&ou={NJANDAMA}"
        );
        let (status, body) = instance.send("PUT", &url, &Value::Null);
        assert_eq!(
            (status, message(&body)),
            (200, "Ownership transferred"),
            "{param}"
        );
    }
}

#[test]
fn the_2_42_ownership_manager_says_why() {
    let njandama = clerk("clerkNja001", NJANDAMA);
    let bo = clerk("clerkBo0001", BO);
    let mut instance = world("2.42", "OPEN");
    instance
        .metadata
        .insert(
            "organisationUnits",
            json!({ "id": "NewUnit0001", "name": "New unit", "shortName": "New unit",
                "parent": { "id": BO }, "openingDate": "2020-01-01" }),
        )
        .unwrap();
    let (status, body) = instance.send_as(
        &bo,
        "PUT",
        &format!("/api/tracker/ownership/transfer?trackedEntity={ENTITY}&program={PROGRAM}&orgUnit=NewUnit0001"),
        &Value::Null,
    );
    assert_eq!(status, 403, "{body}");
    assert_eq!(body["errorCode"], "E1006");
    assert_eq!(
        message(&body),
        "The program f1AyMswryyQ is not associated to the org unit NewUnit0001"
    );
    let (status, body) = instance.send(
        "PUT",
        &format!("/api/tracker/ownership/transfer?trackedEntity={ENTITY}&program={PROGRAM}&ou={BO}&orgUnit={BO}"),
        &Value::Null,
    );
    assert_eq!(status, 400);
    assert!(
        message(&body).starts_with("Only one parameter of 'ou'"),
        "{body}"
    );
    let (status, body) = instance.send(
        "PUT",
        &format!("/api/tracker/ownership/transfer?trackedEntityInstance={ENTITY}&program={PROGRAM}&ou={BO}"),
        &Value::Null,
    );
    assert_eq!(status, 400);
    assert!(
        message(&body).starts_with("Required parameter 'trackedEntity'"),
        "{body}"
    );
    // Njandama's clerk cannot see Bo's entity in the program: not found.
    let (status, body) = instance.send_as(
        &njandama,
        "PUT",
        &format!("/api/tracker/ownership/transfer?trackedEntity={ENTITY}&program={PROGRAM}&orgUnit={NJANDAMA}"),
        &Value::Null,
    );
    assert_eq!(
        (status, message(&body)),
        (404, "TrackedEntity with id Kj6vYde4LHh could not be found.")
    );

    let grant = format!(
        "/api/tracker/ownership/override?trackedEntity={ENTITY}&program={PROGRAM}&reason=42"
    );
    let (status, body) = instance.send_as(&bo, "POST", &grant, &Value::Null);
    assert_eq!(status, 403);
    assert_eq!(
        message(&body),
        "Temporary ownership not created. Temporary ownership can only be granted to protected programs. f1AyMswryyQ access level is OPEN."
    );
    let (_, body) = instance.send("POST", &grant, &Value::Null);
    assert_eq!(
        message(&body),
        "Temporary ownership not created. Current user is a superuser."
    );

    let mut protected = world("2.42", "PROTECTED");
    let (status, body) = protected.send_as(&bo, "POST", &grant, &Value::Null);
    assert_eq!(
        (status, message(&body)),
        (200, "Temporary Ownership granted"),
        "{body}"
    );
    let (status, body) = protected.send_as(&njandama, "POST", &grant, &Value::Null);
    assert_eq!(status, 403);
    assert_eq!(
        message(&body),
        "Temporary ownership not created. The owner of the entity-program combination is not in the user's search scope."
    );
}
