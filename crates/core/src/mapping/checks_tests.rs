use serde_json::json;

use super::*;
use crate::mapping::decode_strict;

#[test]
fn unmapped_missing_targets_and_overlaps_are_listed_per_item() {
    let (mapping, _) = decode_strict(&json!({
        "aggregatedDataElements": {
            "DatAaaa0001": {"mappedId": "DatDest0001", "mapping": {
                "options": {"OptYes00001": {"code": "YES", "mappedId": "OptGone0001"}}}},
            "DatBbbb0001": {"mappedId": "DatDest0001"},
            "DatCccc0001": {"mappedId": "DatGone0001"},
            "DatDddd0001": {"mappedId": "DISABLED"}},
        "organisationUnits": {"OrgAaaa0001": {"mappedId": "/OrgRoot0001/OrgDest0001"}}
    }))
    .unwrap();
    let values: Vec<DataValue> = serde_json::from_value(json!([
        {"dataElement": "DatAaaa0001", "period": "2024", "orgUnit": "OrgAaaa0001"},
        {"dataElement": "DatBbbb0001", "period": "2024", "orgUnit": "OrgAaaa0001"},
        {"dataElement": "DatCccc0001", "period": "2024", "orgUnit": "OrgBbbb0001"},
        {"dataElement": "DatDddd0001", "period": "2024", "orgUnit": "OrgSame0001"},
        {"dataElement": "DatEeee0001", "period": "2024", "orgUnit": "OrgSame0001"}
    ]))
    .unwrap();
    let outgoing = outgoing_of_data_values(&values);
    let wanted = ids_to_look_up(&mapping, &outgoing);
    assert_eq!(
        wanted["dataElements"],
        [
            "DatAaaa0001",
            "DatBbbb0001",
            "DatCccc0001",
            "DatDddd0001",
            "DatDest0001",
            "DatEeee0001",
            "DatGone0001"
        ]
    );
    assert_eq!(wanted["options"], ["OptGone0001"]);
    let mut destination = DestinationIndex::new();
    destination.add("dataElements", ["DatDest0001"]);
    destination.add("organisationUnits", ["OrgDest0001", "OrgSame0001"]);
    destination.add("options", Vec::<String>::new());
    let messages: Vec<String> = check_mapping(&mapping, &outgoing, &destination)
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        messages,
        [
            "aggregatedDataElements › DatAaaa0001 › options › OptYes00001: is mapped to \
             OptGone0001, which does not exist at the destination (any more); map it again or \
             remove the entry",
            "aggregatedDataElements › DatCccc0001: is mapped to DatGone0001, which does not \
             exist at the destination (any more); map it again or remove the entry",
            "dataElements DatEeee0001: not mapped, and the destination has no object with \
             this id; map it or exclude it",
            "organisationUnits OrgBbbb0001: not mapped, and the destination has no object with \
             this id; map it or exclude it",
            "aggregatedDataElements: DatAaaa0001, DatBbbb0001 are all mapped to DatDest0001; \
             only one value per destination item arrives",
        ]
    );
}

#[test]
fn events_and_metadata_name_what_they_send() {
    let events = vec![
        json!({"program": "PrgAaaa0001", "programStage": "StgAaaa0001",
        "orgUnit": "OrgAaaa0001", "dataValues": [{"dataElement": "DatAaaa0001", "value": "1"}]}),
    ];
    let outgoing = outgoing_of_events(&events);
    assert_eq!(outgoing.len(), 4);
    assert!(outgoing.contains(&Outgoing::new("programStages", "StgAaaa0001")));
    let payload: crate::sync::metadata::Payload =
        [("dataSets".to_string(), vec![json!({"id": "SetAaaa0001"})])]
            .into_iter()
            .collect();
    assert_eq!(
        outgoing_of_metadata(&payload),
        [Outgoing::new("dataSets", "SetAaaa0001")]
    );
    // A program mapped as an event program is found through "programs".
    let (mapping, _) =
        decode_strict(&json!({"eventPrograms": {"PrgAaaa0001": {"mappedId": "PrgGone0001"}}}))
            .unwrap();
    let mut destination = DestinationIndex::new();
    destination.add("programs", Vec::<String>::new());
    let findings = check_mapping(&mapping, &outgoing, &destination);
    assert_eq!(
        findings,
        [Finding::TargetMissing {
            entry: EntryPath::of(&["eventPrograms", "PrgAaaa0001"]),
            target: "PrgGone0001".into()
        }]
    );
}
