//! The dictionary format: reading, writing back byte for byte, and every bad-input message.

use serde_json::json;

use super::*;

/// A mapping as the DHIS2 dataStore returns one MDSync wrote (jsonb key order, compact).
const STORED: &str = r##"{"options":{"Opt0000Aaaa":{"code":"YES","global":true,"mapping":{},"mappedId":"MAPPED_BY_VALUE","conflicts":false,"mappedCode":"MAPPED_BY_VALUE","mappedName":"Yes","mappedValue":"1"}},"eventPrograms":{"Prg0000Aaaa":{"global":false,"mapping":{"programStages":{"Stg0000Aaaa":{"mapping":{},"mappedId":"Stg0000Bbbb","conflicts":false,"mappedName":"Visit"}}},"mappedId":"Prg0000Bbbb","overlaps":{"Dat0000Bbbb":{"type":"replace","replacer":"#{Dat0000Aaaa}-#{Dat0000Cccc}"}},"conflicts":false,"mappedName":"Visits"}},"organisationUnits":{"Org0000Aaaa":{"code":"OU_1","global":false,"mapping":{},"mappedId":"/Org0000Root/Org0000Bbbb","conflicts":false,"mappedCode":"OU_1B","mappedName":"Clinic","mappedLevel":2}},"aggregatedDataElements":{"Dat0000Aaaa":{"global":false,"mapping":{"categoryCombos":{"bjDvmb4bfuf":{"mapping":{},"mappedId":"Cmb0000Bbbb","conflicts":false,"mappedName":"Sex"}},"categoryOptions":{"GLevLNI9wkl-xYerKDKCefk":{"code":"default","global":false,"mapping":{},"mappedId":"DISABLED","conflicts":false,"mappedCode":"DISABLED"}}},"mappedId":"Dat0000Bbbb","conflicts":false,"mappedName":"Visits total"}}}"##;

#[test]
fn an_mdsync_mapping_is_read_typed_and_written_back_byte_for_byte() {
    let (dictionary, warnings) = parse_strict(STORED).expect("valid");
    assert!(warnings.is_empty(), "{warnings:?}");
    let unit = dictionary
        .get("organisationUnits", "Org0000Aaaa")
        .expect("org unit");
    assert_eq!(
        unit.mapped_id,
        Some(MappedId::Path("/Org0000Root/Org0000Bbbb".into()))
    );
    assert_eq!(
        unit.mapped_id.as_ref().unwrap().target(),
        Some("Org0000Bbbb")
    );
    assert_eq!(unit.mapped_level, Some(2));
    let option = dictionary.get("options", "Opt0000Aaaa").unwrap();
    assert_eq!(option.mapped_id, Some(MappedId::ByValue));
    assert_eq!(option.mapped_value.as_deref(), Some("1"));
    let combo_option = dictionary
        .get("aggregatedDataElements", "Dat0000Aaaa")
        .unwrap()
        .nested()
        .get("categoryOptions", "GLevLNI9wkl-xYerKDKCefk")
        .unwrap();
    assert!(combo_option.is_disabled());
    let program = dictionary.get("eventPrograms", "Prg0000Aaaa").unwrap();
    let overlap = &program.overlaps.as_ref().unwrap()[&"Dat0000Bbbb".parse().unwrap()];
    assert_eq!(overlap.replacer, "#{Dat0000Aaaa}-#{Dat0000Cccc}");
    assert_eq!(dictionary.len(), 7);

    assert_eq!(serde_json::to_string(&dictionary).unwrap(), STORED);
}

#[test]
fn unknown_types_and_fields_are_kept_and_said() {
    let value = json!({
        "dataSetsOfTheFuture": {"abc": 1},
        "relationshipTypes": {"Rel0000Aaaa": {"mappedId": "Rel0000Bbbb", "note": "from v3"}}
    });
    let (dictionary, warnings) = decode_strict(&value).expect("warnings only");
    assert_eq!(warnings.len(), 2);
    assert_eq!(
        warnings[0].to_string(),
        "dataSetsOfTheFuture: not a mapping type MetaData Sync knows; kept as it is, not used"
    );
    assert_eq!(
        warnings[1].to_string(),
        "relationshipTypes › Rel0000Aaaa: field \"note\" is not used; kept as it is"
    );
    assert_eq!(serde_json::to_value(&dictionary).unwrap(), value);
    assert_eq!(
        dictionary.unknown_types().collect::<Vec<_>>(),
        ["dataSetsOfTheFuture"]
    );
}

#[test]
fn a_file_that_is_not_a_dictionary_is_refused() {
    let error = parse_strict("[1, 2]").unwrap_err();
    assert_eq!(
        error,
        MappingError::NotADictionary {
            found: JsonKind::List
        }
    );
    assert!(error.to_string().contains("found a list"), "{error}");
    assert!(matches!(
        parse_strict("{oops").unwrap_err(),
        MappingError::NotJson { .. }
    ));
    let error = parse_strict(r#"{"options": []}"#).unwrap_err();
    assert_eq!(
        error.to_string(),
        "The mapping has 1 problem; fix or remove these entries:\n  options: expected an \
         object, found a list"
    );
}

#[test]
fn ids_that_are_not_uids_are_named_with_their_entry() {
    let value = json!({
        "aggregatedDataElements": {
            "not-a-uid": {"mappedId": "Dat0000Bbbb"},
            "Dat0000Aaaa": {"mappedId": "Dat0000B"},
            "Dat0000Cccc": {"mappedId": "Dat0000Dddd", "mapping": {
                "options": {"Opt0000Aaaa": {"mappedId": "MAPPED_BY_VALUE", "mappedValue": "x"}},
                "categoryOptions": {"Cat0000Aaaa-Opt": {"mappedId": "Opt0000Bbbb"}}
            }}
        },
        "organisationUnits": {"Org0000Aaaa": {"mappedId": "/Org0000Root/bad"}},
        "categoryCombos": {"Cmb0000Aaaa": {"mappedId": "MAPPED_BY_VALUE"}}
    });
    let MappingError::Invalid(issues) = decode_strict(&value).unwrap_err() else {
        panic!("invalid expected");
    };
    let messages: Vec<String> = issues.iter().map(ToString::to_string).collect();
    assert_eq!(
        messages,
        [
            "aggregatedDataElements › Dat0000Aaaa: its mappedId \"Dat0000B\" is not a DHIS2 id \
             (11 letters or digits, starting with a letter)",
            "aggregatedDataElements › Dat0000Cccc › categoryOptions › Cat0000Aaaa-Opt: its key \
             \"Cat0000Aaaa-Opt\" is not a DHIS2 id (11 letters or digits, starting with a letter)",
            "aggregatedDataElements › not-a-uid: its key \"not-a-uid\" is not a DHIS2 id (11 \
             letters or digits, starting with a letter)",
            "categoryCombos › Cmb0000Aaaa: \"MAPPED_BY_VALUE\" is not allowed for this mapping \
             type",
            "organisationUnits › Org0000Aaaa: its mappedId \"/Org0000Root/bad\" is not a DHIS2 \
             id (11 letters or digits, starting with a letter)",
        ]
    );
}

#[test]
fn a_nested_mapping_on_a_type_that_has_none_is_refused() {
    let value = json!({
        "organisationUnits": {"Org0000Aaaa": {"mappedId": "Org0000Bbbb", "mapping": {
            "options": {"Opt0000Aaaa": {"mappedId": "Opt0000Bbbb"}}
        }}},
        // Empty nested dictionaries are what MDSync writes everywhere: fine.
        "relationshipTypes": {"Rel0000Aaaa": {"mappedId": "Rel0000Bbbb", "mapping": {"options": {}}}}
    });
    let MappingError::Invalid(issues) = decode_strict(&value).unwrap_err() else {
        panic!("invalid expected");
    };
    assert_eq!(issues.len(), 1);
    assert_eq!(
        issues[0].to_string(),
        "organisationUnits › Org0000Aaaa: has a nested \"options\" mapping, which this type does \
         not take"
    );
    // A lenient read (import) leaves the nested part out and keeps the rest.
    let decoded = decode_lenient(&value).unwrap();
    let unit = decoded
        .dictionary
        .get("organisationUnits", "Org0000Aaaa")
        .unwrap();
    assert!(unit.nested().is_empty());
    assert!(decoded
        .dictionary
        .get("relationshipTypes", "Rel0000Aaaa")
        .is_some());
}

#[test]
fn bad_field_kinds_are_named() {
    let value = json!({"options": {"Opt0000Aaaa": {"mappedId": 12, "global": "yes"}}});
    let MappingError::Invalid(issues) = decode_strict(&value).unwrap_err() else {
        panic!("invalid expected");
    };
    let messages: Vec<String> = issues.iter().map(ToString::to_string).collect();
    assert_eq!(
        messages,
        [
            "options › Opt0000Aaaa: field \"global\" cannot be text",
            "options › Opt0000Aaaa: field \"mappedId\" cannot be a number",
        ]
    );
}

#[test]
fn keys_nested_paths_and_sentinels() {
    assert!(MappingKey::parse("Prg0000Aaaa-Stg0000Aaaa-Dat0000Aaaa").is_some());
    assert_eq!(
        MappingKey::parse("Prg0000Aaaa-Stg0000Aaaa-Dat0000Aaaa")
            .unwrap()
            .last_id(),
        "Dat0000Aaaa"
    );
    assert_eq!(
        MappingKey::parse("/Org0000Root/Org0000Aaaa")
            .unwrap()
            .last_id(),
        "Org0000Aaaa"
    );
    assert!(MappingKey::parse("default").is_some());
    assert!(MappingKey::parse("Prg0000Aaaa-").is_none());
    assert_eq!(MappedId::parse("DISABLED", false), Some(MappedId::Disabled));
    assert_eq!(MappedId::parse("/Org0000Root", false), None);
    assert_eq!(MappedId::Disabled.target(), None);
    // Through serde (a stored mapping): a bad entry fails with its name.
    let error = serde_json::from_value::<MappingDictionary>(
        json!({"options": {"Opt0000Aaaa": {"mappedId": "nope"}}}),
    )
    .unwrap_err();
    assert!(
        error.to_string().contains("options › Opt0000Aaaa"),
        "{error}"
    );
}

#[test]
fn editing_keeps_the_dictionary_tidy() {
    let mut dictionary = MappingDictionary::default();
    let key = MappingKey::parse("Dat0000Aaaa").unwrap();
    dictionary.insert(
        "aggregatedDataElements",
        key,
        MetadataMapping::to(MappedId::Id("Dat0000Bbbb".parse().unwrap())),
    );
    assert_eq!(
        serde_json::to_string(&dictionary).unwrap(),
        r#"{"aggregatedDataElements":{"Dat0000Aaaa":{"mappedId":"Dat0000Bbbb"}}}"#
    );
    assert!(dictionary
        .remove("aggregatedDataElements", "Dat0000Aaaa")
        .is_some());
    assert!(dictionary.is_empty());
    assert_eq!(serde_json::to_string(&dictionary).unwrap(), "{}");
    assert_eq!(
        serde_json::to_value(MetadataMapping::disabled()).unwrap(),
        json!({"mappedId": "DISABLED", "mappedCode": "DISABLED", "conflicts": false,
               "global": false, "mapping": {}})
    );
}
