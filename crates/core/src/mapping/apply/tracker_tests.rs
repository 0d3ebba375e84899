//! Tracked entities and tracker → event conversion (`mdsync_…`: MDSync's behaviour;
//! `better_…`: where and why we differ).

use serde_json::{json, Value};

use super::aggregated_tests::mapping;
use super::*;
use crate::mapping::MappingContext;
use crate::model::Uid;

fn entity() -> Value {
    json!({
        "trackedEntity": "TeiAaaa0001", "trackedEntityType": "TetPers0001", "orgUnit": "OrgAaaa0001",
        "programOwners": [{"orgUnit": "OrgAaaa0001", "program": "PrgTrck0001", "trackedEntity": "TeiAaaa0001"}],
        "enrollments": [{
            "enrollment": "EnrAaaa0001", "program": "PrgTrck0001", "orgUnit": "OrgAaaa0001",
            "enrolledAt": "2024-02-01T00:00:00.000", "attributes": [],
            "events": [{"event": "EvtAaaa0001", "programStage": "StgTrck0001", "orgUnit": "OrgAaaa0001",
                        "dataValues": [{"dataElement": "DatTrck0001", "value": "5"}]}]
        }],
        "relationships": [{"relationship": "RelAaaa0001", "relationshipType": "RtySibl0001",
            "from": {"trackedEntity": {"trackedEntity": "TeiAaaa0001"}},
            "to": {"trackedEntity": {"trackedEntity": "TeiBbbb0001"}}}],
        "attributes": [
            {"attribute": "AttName0001", "value": "Ana"},
            {"attribute": "AttSex00001", "value": "MALE"}
        ]
    })
}

fn programs(value: Value) -> MappingContext {
    MappingContext {
        destination_programs: Some(serde_json::from_value(value).unwrap()),
        ..MappingContext::default()
    }
}

fn tracker_program(id: &str, attributes: &[&str]) -> Value {
    json!({"id": id, "programType": "WITH_REGISTRATION",
        "programTrackedEntityAttributes": attributes.iter()
            .map(|a| json!({"trackedEntityAttribute": {"id": a}})).collect::<Vec<_>>()})
}

fn run(
    mapping_json: Value,
    context: &MappingContext,
    entities: Vec<Value>,
) -> (Vec<Value>, ApplyReport) {
    let dictionary = mapping(mapping_json);
    let Applied { payload, report } = Mapper::new(&dictionary, context).tracked_entities(entities);
    (payload, report)
}

#[test]
fn mdsync_empty_mapping_keeps_the_entity() {
    let context = programs(json!([tracker_program(
        "PrgTrck0001",
        &["AttName0001", "AttSex00001"]
    )]));
    let (entities, _) = run(json!({}), &context, vec![entity()]);
    assert_eq!(entities, vec![entity()]);
}

#[test]
fn mdsync_org_units_programs_attributes_options_and_relationship_types() {
    let context = programs(json!([tracker_program(
        "PrgDest0001",
        &["AttDest0001", "AttDest0002"]
    )]));
    let (entities, _) = run(
        json!({
            "organisationUnits": {"OrgAaaa0001": {"mappedId": "/OrgRoot0001/OrgDest0001"}},
            "trackerPrograms": {"PrgTrck0001": {"mappedId": "PrgDest0001"}},
            "relationshipTypes": {"RtySibl0001": {"mappedId": "RtyDest0001"}},
            "options": {"OptMale0002": {"code": "MALE", "mappedCode": "M", "global": true}},
            "trackedEntityAttributesToTEI": {
                "AttName0001": {"mappedId": "AttDest0001"},
                "AttSex00001": {"mappedId": "AttDest0002", "mapping": {"options": {
                    "OptMale0001": {"code": "MALE", "mappedCode": "Male"}}}}}
        }),
        &context,
        vec![entity()],
    );
    let mapped = &entities[0];
    assert_eq!(mapped["orgUnit"], "OrgDest0001");
    assert_eq!(mapped["programOwners"][0]["orgUnit"], "OrgDest0001");
    assert_eq!(mapped["programOwners"][0]["program"], "PrgDest0001");
    assert_eq!(mapped["enrollments"][0]["program"], "PrgDest0001");
    assert_eq!(
        mapped["relationships"][0]["relationshipType"],
        "RtyDest0001"
    );
    assert_eq!(
        mapped["attributes"],
        json!([{"attribute": "AttDest0001", "value": "Ana"},
               {"attribute": "AttDest0002", "value": "Male"}]),
        "the attribute's own option mapping wins over the global one"
    );
}

#[test]
fn mdsync_exclusions() {
    let context = programs(json!([tracker_program(
        "PrgTrck0001",
        &["AttName0001", "AttSex00001"]
    )]));
    let (entities, _) = run(
        json!({"organisationUnits": {"OrgAaaa0001": {"mappedId": "DISABLED"}}}),
        &context,
        vec![entity()],
    );
    assert!(entities.is_empty(), "an excluded org unit drops the entity");
    let (entities, report) = run(
        json!({"relationshipTypes": {"RtySibl0001": {"mappedId": "DISABLED"}},
               "trackedEntityAttributesToTEI": {"AttName0001": {"mappedId": "DISABLED"}},
               "options": {"OptMale0002": {"code": "MALE", "mappedId": "DISABLED", "mappedCode": "DISABLED"}}}),
        &context,
        vec![entity()],
    );
    assert!(entities[0]["relationships"].as_array().unwrap().is_empty());
    assert!(entities[0]["attributes"].as_array().unwrap().is_empty());
    assert_eq!(report.excluded_count(ItemKind::Attribute), 2);
    let (entities, _) = run(
        json!({"trackerPrograms": {"PrgTrck0001": {"mappedId": "DISABLED"}}}),
        &context,
        vec![entity()],
    );
    assert!(entities.is_empty(), "no program owner left");
}

#[test]
fn mdsync_a_relationship_is_sent_once() {
    let mut second = entity();
    second["trackedEntity"] = json!("TeiBbbb0001");
    let (entities, report) = run(
        json!({}),
        &MappingContext::default(),
        vec![entity(), second],
    );
    assert_eq!(entities[0]["relationships"].as_array().unwrap().len(), 1);
    assert!(entities[1]["relationships"].as_array().unwrap().is_empty());
    assert_eq!(
        report.excluded[&(ItemKind::Relationship, Exclusion::RepeatedRelationship)],
        1
    );
}

#[test]
fn mdsync_programs_that_are_event_programs_at_the_destination_are_removed() {
    let mut entity = entity();
    entity["programOwners"]
        .as_array_mut()
        .unwrap()
        .push(json!({"orgUnit": "OrgAaaa0001", "program": "PrgTrck0002"}));
    entity["enrollments"]
        .as_array_mut()
        .unwrap()
        .push(json!({"enrollment": "EnrBbbb0001", "program": "PrgTrck0002", "attributes": []}));
    let context = programs(json!([
        tracker_program("PrgTrck0001", &["AttName0001"]),
        {"id": "PrgEvnt0009", "programType": "WITHOUT_REGISTRATION"}
    ]));
    let (entities, _) = run(
        json!({"trackerPrograms": {"PrgTrck0002": {"mappedId": "PrgEvnt0009"}}}),
        &context,
        vec![entity],
    );
    let mapped = &entities[0];
    assert_eq!(mapped["programOwners"].as_array().unwrap().len(), 1);
    assert_eq!(mapped["enrollments"].as_array().unwrap().len(), 1);
    assert_eq!(
        mapped["attributes"],
        json!([{"attribute": "AttName0001", "value": "Ana"}]),
        "only attributes of the destination tracker programs"
    );
}

#[test]
fn better_entity_types_and_enrollment_events_are_mapped() {
    // MDSync leaves both as they are.
    let (entities, _) = run(
        json!({
            "trackedEntityTypes": {"TetPers0001": {"mappedId": "TetDest0001"}},
            "trackerPrograms": {"PrgTrck0001": {"mappedId": "PrgDest0001"}},
            "trackerProgramStages": {"PrgTrck0001-StgTrck0001": {"mappedId": "StgDest0001"}},
            "programDataElements": {"PrgTrck0001-StgTrck0001-DatTrck0001": {"mappedId": "DatDest0001"}}
        }),
        &MappingContext::default(),
        vec![entity()],
    );
    let mapped = &entities[0];
    assert_eq!(mapped["trackedEntityType"], "TetDest0001");
    let event = &mapped["enrollments"][0]["events"][0];
    assert_eq!(event["program"], "PrgDest0001");
    assert_eq!(event["programStage"], "StgDest0001");
    assert_eq!(event["dataValues"][0]["dataElement"], "DatDest0001");
}

#[test]
fn better_without_destination_programs_nothing_is_removed_for_want_of_them() {
    // MDSync always filters attributes by the destination programs it read: none known, none
    // kept.
    let (entities, _) = run(json!({}), &MappingContext::default(), vec![entity()]);
    assert_eq!(entities[0]["attributes"].as_array().unwrap().len(), 2);
}

fn convert(mapping_json: Value, context: &MappingContext) -> (Vec<Value>, ApplyReport) {
    let dictionary = mapping(mapping_json);
    let mut next = 0;
    let mut new_uid = || {
        next += 1;
        format!("EvtNew{next:05}").parse::<Uid>().unwrap()
    };
    let Applied { payload, report } = Mapper::new(&dictionary, context).tracked_entities_to_events(
        vec![entity()],
        "2024-03-01T10:00:00.000",
        &mut new_uid,
    );
    (payload, report)
}

fn event_program() -> MappingContext {
    programs(
        json!([{"id": "PrgEvnt0009", "programType": "WITHOUT_REGISTRATION",
        "programStages": [{"id": "StgEvnt0009", "programStageDataElements": [
            {"dataElement": {"id": "DatSex00009"}}, {"dataElement": {"id": "DatName0009"}}]}]}]),
    )
}

#[test]
fn mdsync_tracker_to_event_conversion() {
    let (events, _) = convert(
        json!({
            "organisationUnits": {"OrgAaaa0001": {"mappedId": "OrgDest0001"}},
            "trackerPrograms": {"PrgTrck0001": {"mappedId": "PrgEvnt0009"}},
            "trackedEntityAttributesToDE": {
                "AttSex00001": {"mappedId": "DatSex00009", "mapping": {"options": {
                    "OptMale0001": {"code": "MALE", "mappedCode": "M"}}}},
                "AttName0001": {"mappedId": "DatNotInStg"}}
        }),
        &event_program(),
    );
    assert_eq!(
        events,
        vec![json!({
            "event": "EvtNew00001", "occurredAt": "2024-02-01T00:00:00.000",
            "orgUnit": "OrgDest0001", "program": "PrgEvnt0009", "programStage": "StgEvnt0009",
            "deleted": false, "createdAt": "2024-03-01T10:00:00.000",
            "scheduledAt": "2024-03-01T10:00:00.000", "updatedAt": "2024-03-01T10:00:00.000",
            "status": "ACTIVE", "storedBy": "",
            "dataValues": [{"createdAt": "2024-03-01T10:00:00.000",
                "updatedAt": "2024-03-01T10:00:00.000", "dataElement": "DatSex00009",
                "value": "M", "storedBy": "", "providedElsewhere": false}]
        })]
    );
}

#[test]
fn mdsync_no_event_without_an_event_program_a_value_or_with_exclusions() {
    let base = json!({"trackerPrograms": {"PrgTrck0001": {"mappedId": "PrgEvnt0009"}},
        "trackedEntityAttributesToDE": {"AttSex00001": {"mappedId": "DatSex00009"}}});
    let (events, _) = convert(base.clone(), &event_program());
    assert_eq!(events.len(), 1);
    let cases = [
        json!({"trackerPrograms": {"PrgTrck0001": {"mappedId": "PrgTrck0001"}}}),
        json!({"trackerPrograms": {"PrgTrck0001": {"mappedId": "PrgEvnt0009"}}}),
        json!({"trackerPrograms": {"PrgTrck0001": {"mappedId": "DISABLED"}},
               "trackedEntityAttributesToDE": {"AttSex00001": {"mappedId": "DatSex00009"}}}),
        {
            let mut m = base.clone();
            m["organisationUnits"] = json!({"OrgAaaa0001": {"mappedId": "DISABLED"}});
            m
        },
        {
            let mut m = base.clone();
            m["trackedEntityAttributesToDE"]["AttSex00001"]["mappedId"] = json!("DISABLED");
            m
        },
        {
            let mut m = base.clone();
            m["options"] = json!({"OptMale0002": {"code": "MALE", "mappedCode": "DISABLED"}});
            m
        },
    ];
    for case in cases {
        let (events, _) = convert(case.clone(), &event_program());
        assert!(events.is_empty(), "{case}");
    }
}
