//! The conflicts a data value import reports, in the words of each version: 2.30–2.36 plain
//! strings (`DefaultDataValueSetService`), 2.37+ `ErrorCode.E76xx` with objects and property.

use super::summary::Conflict;
use super::validate::Invalid;
use crate::SimVersion;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConflictKind {
    DataSet,
    HeaderOrgUnit,
    HeaderAttributeCombo,
    DataElement,
    Period,
    OrgUnit,
    CategoryCombo,
    AttributeCombo,
    NoValue,
    ValueType(Invalid),
    Option,
    InsignificantZero,
}

fn conflict(
    object: &str,
    legacy_value: String,
    value: String,
    error_code: &'static str,
    objects: Vec<(&'static str, String)>,
    property: &'static str,
) -> Conflict {
    Conflict {
        object: object.to_string(),
        value,
        legacy_value,
        error_code,
        objects: objects
            .into_iter()
            .map(|(key, value)| (key, Some(value)))
            .collect(),
        property,
        indexes: Vec::new(),
    }
}

/// A conflict in the data value set's header, which aborts the whole import. `data_set` is the
/// header's data set as given: E7603 and E7604 name it too (`DataValueSetImportConflict`:
/// `OrganisationUnit.class, DataSet.class`), `null` when the header has none.
pub fn header_conflict(
    _version: SimVersion,
    kind: ConflictKind,
    key: &str,
    data_set: Option<&str>,
) -> Conflict {
    let data_set = ("dataSet", data_set.map(str::to_string));
    let (legacy, code, modern, property, objects) = match kind {
        ConflictKind::DataSet => (
            "Data set not found or not accessible",
            "E7600",
            format!("Data set not found or not accessible: `{key}`"),
            "dataSet",
            vec![("dataSet", Some(key.to_string()))],
        ),
        ConflictKind::HeaderOrgUnit => (
            "Org unit not found or not accessible",
            "E7603",
            format!("Org unit not found or not accessible: `{key}`"),
            "orgUnit",
            vec![("organisationUnit", Some(key.to_string())), data_set],
        ),
        _ => (
            "Attribute option combo not found or not accessible",
            "E7604",
            format!("Attribute option combo not found or not accessible: `{key}`"),
            "attributeOptionCombo",
            vec![("categoryOptionCombo", Some(key.to_string())), data_set],
        ),
    };
    let mut made = conflict(key, legacy.to_string(), modern, code, Vec::new(), property);
    made.objects = objects;
    made
}

/// A conflict of one data value. `key` is the offending identifier (the data element UID for
/// value problems), `value` the offending value where there is one.
pub fn value_conflict(version: SimVersion, kind: ConflictKind, key: &str, value: &str) -> Conflict {
    // `objects` is keyed by the schema's singular name of the object's type
    // (`DataValueImportConflict`): an org unit is `organisationUnit`, an attribute option combo
    // `categoryOptionCombo`, the data element without a value `dataElement`.
    let reference =
        |legacy: &str, code, modern: String, property: &'static str, singular: &'static str| {
            conflict(
                key,
                legacy.to_string(),
                modern,
                code,
                vec![(singular, key.to_string())],
                property,
            )
        };
    match kind {
        ConflictKind::DataElement => reference(
            "Data element not found or not accessible",
            "E7610",
            format!("Data element not found or not accessible: `{key}`"),
            "dataElement",
            "dataElement",
        ),
        ConflictKind::Period => reference(
            "Period not valid",
            "E7611",
            format!("Period not valid: `{key}`"),
            "period",
            "period",
        ),
        ConflictKind::OrgUnit => reference(
            "Organisation unit not found or not accessible",
            "E7612",
            format!("Organisation unit not found or not accessible: `{key}`"),
            "orgUnit",
            "organisationUnit",
        ),
        ConflictKind::CategoryCombo => reference(
            "Category option combo not found or not accessible",
            "E7613",
            format!("Category option combo not found or not accessible for writing data: `{key}`"),
            "categoryOptionCombo",
            "categoryOptionCombo",
        ),
        ConflictKind::AttributeCombo | ConflictKind::HeaderAttributeCombo => reference(
            "Attribute option combo not found or not accessible",
            "E7615",
            format!("Attribute option combo not found or not accessible for writing data: `{key}`"),
            "attributeOptionCombo",
            "categoryOptionCombo",
        ),
        ConflictKind::NoValue => {
            let mut made = reference(
                &format!("Data value or comment not specified for data element: {key}"),
                "E7618",
                format!("Data value or comment not specified for data element: `{key}`"),
                "value",
                "dataElement",
            );
            // 2.30 names the field, not the data element, as the conflict's object.
            if version.minor < 37 {
                made.object = "Value".to_string();
            }
            made
        }
        ConflictKind::ValueType(problem) => conflict(
            // 2.30–2.36 use the value as the object, 2.37+ the data element.
            if version.minor < 37 { value } else { key },
            format!("{}, must match data element type: {key}", problem.text),
            format!(
                "Value must match data element's `{key}` type constraints: {}",
                problem.text
            ),
            "E7619",
            vec![
                ("dataElement", key.to_string()),
                ("value", problem.key.to_string()),
            ],
            "value",
        ),
        ConflictKind::Option => conflict(
            if version.minor < 37 { value } else { key },
            format!("Data value is not a valid option of the data element option set: {key}"),
            format!("Data value is not a valid option of the data element option set: `{key}`"),
            "E7621",
            vec![("dataElement", key.to_string())],
            "value",
        ),
        ConflictKind::InsignificantZero => conflict(
            value,
            format!("Value is zero and not significant, must match data element: {key}"),
            format!("Value is zero and not significant, must match data element: `{key}`"),
            "E7622",
            vec![("dataElement", key.to_string())],
            "value",
        ),
        ConflictKind::DataSet | ConflictKind::HeaderOrgUnit => {
            header_conflict(version, kind, key, None)
        }
    }
}
