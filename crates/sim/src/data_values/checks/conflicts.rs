//! The conflicts of the access, constraint, period and lock checks, in the words of each
//! version: 2.30–2.36 `DefaultDataValueSetService` texts, 2.37+ `DataValueImportConflict` /
//! `DataValueSetImportConflict` (`ErrorCode.E76xx`, objects keyed by the schema's singular name
//! of each object's type).

use super::super::summary::Conflict;
use crate::SimVersion;

/// What a check found; each turns into the conflict of the version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finding {
    /// E7601: no data write sharing on the header's data set.
    DataSetNotWritable { key: String, uid: String },
    /// E7602: strict data elements with no data set (2.34 until the 2.38.4 fix).
    DataSetRequired,
    /// E7614 / E7616: no data write sharing on an option of the (attribute) option combo.
    OptionNotWritable {
        attribute: bool,
        combo_key: Option<String>,
        option: String,
    },
    /// E7617.
    OutsideHierarchy {
        unit_key: String,
        unit: String,
        user_id: String,
        username: String,
    },
    /// E7630 / E7631.
    ComboRequired { attribute: bool, value: String },
    /// E7632.
    PeriodTypeNotValid {
        period_key: String,
        element_key: String,
        element: String,
    },
    /// E7633.
    ElementNotInDataSet {
        element_key: String,
        data_sets: String,
    },
    /// E7634 / E7635.
    ComboNotOfElement {
        attribute: bool,
        combo_key: Option<String>,
        combo: String,
        element_key: String,
        element: String,
    },
    /// E7636.
    ElementNotAssigned {
        unit_key: String,
        unit: String,
        element_key: String,
        element: String,
    },
    /// E7638.
    OutsideComboDates {
        period_key: String,
        combo_key: Option<String>,
        combo: String,
        unit: String,
    },
    /// E7639.
    UnitNotOfCombo {
        unit_key: String,
        unit: String,
        combo_key: Option<String>,
        combo: String,
    },
    /// E7640.
    PeriodLocked {
        period_key: String,
        data_set: String,
    },
}

struct Spec {
    code: &'static str,
    property: &'static str,
    objects: Vec<(&'static str, Option<String>)>,
    message: String,
    legacy_object: String,
    legacy_message: String,
}

fn some(text: &str) -> Option<String> {
    Some(text.to_string())
}

fn shown(key: &Option<String>) -> &str {
    key.as_deref().unwrap_or("null")
}

impl Finding {
    pub fn conflict(&self, version: SimVersion) -> Conflict {
        let spec = self.spec(version);
        let object = if version.minor < 37 {
            spec.legacy_object
        } else {
            spec.objects
                .first()
                .and_then(|(_, value)| value.clone())
                .unwrap_or_default()
        };
        Conflict {
            object,
            value: spec.message,
            legacy_value: spec.legacy_message,
            error_code: spec.code,
            objects: spec.objects,
            property: spec.property,
            indexes: Vec::new(),
        }
    }

    fn spec(&self, version: SimVersion) -> Spec {
        let combo_word = |attribute: bool| {
            if attribute {
                ("attributeOptionCombo", "Attribute option combo")
            } else {
                ("categoryOptionCombo", "Category option combo")
            }
        };
        match self {
            Finding::DataSetNotWritable { key, uid } => Spec {
                code: "E7601",
                property: "dataSet",
                objects: vec![("dataSet", some(key))],
                message: format!("User does not have write access for DataSet: `{key}`"),
                legacy_object: key.clone(),
                legacy_message: format!("User does not have write access for DataSet: {uid}"),
            },
            Finding::DataSetRequired => Spec {
                code: "E7602",
                property: "dataSet",
                objects: Vec::new(),
                message: "A valid dataset is required".into(),
                legacy_object: "DATA_IMPORT_STRICT_DATA_ELEMENTS".into(),
                legacy_message: "A valid dataset is required".into(),
            },
            Finding::OptionNotWritable {
                attribute,
                combo_key,
                option,
            } => {
                let (property, words) = combo_word(*attribute);
                Spec {
                    code: if *attribute { "E7616" } else { "E7614" },
                    property,
                    objects: vec![
                        ("categoryOptionCombo", combo_key.clone()),
                        ("categoryOption", some(option)),
                    ],
                    message: format!(
                        "{words}: `{}` option not accessible: `{option}`",
                        shown(combo_key)
                    ),
                    legacy_object: "dataValueSet".into(),
                    legacy_message: format!(
                        "User has no data write access for CategoryOption: {option}"
                    ),
                }
            }
            Finding::OutsideHierarchy {
                unit_key,
                unit,
                user_id,
                username,
            } => Spec {
                code: "E7617",
                property: "orgUnit",
                objects: vec![("organisationUnit", some(unit_key)), ("user", some(user_id))],
                message: format!(
                    "Organisation unit: `{unit_key}` not in hierarchy of current user: `{user_id}`"
                ),
                legacy_object: unit.clone(),
                legacy_message: format!(
                    "Organisation unit not in hierarchy of current user: {username}"
                ),
            },
            Finding::ComboRequired { attribute, value } => {
                let (property, words) = combo_word(*attribute);
                let message = format!("{words} is required but is not specified");
                Spec {
                    code: if *attribute { "E7631" } else { "E7630" },
                    property,
                    objects: Vec::new(),
                    message: message.clone(),
                    legacy_object: value.clone(),
                    legacy_message: message,
                }
            }
            Finding::PeriodTypeNotValid {
                period_key,
                element_key,
                element,
            } => Spec {
                code: "E7632",
                property: "",
                objects: vec![("period", some(period_key)), ("dataElement", some(element_key))],
                message: format!(
                    "Period type of period: `{period_key}` not valid for data element: `{element_key}`"
                ),
                legacy_object: period_key.clone(),
                legacy_message: format!(
                    "Period type of period: {period_key} not valid for data element: {element}"
                ),
            },
            Finding::ElementNotInDataSet {
                element_key,
                data_sets,
            } => {
                // "dataset(s)" since the fallback to the data element's data sets (2.39.2).
                let noun = if version.at_least(39, 2) {
                    "dataset(s)"
                } else {
                    "dataset"
                };
                Spec {
                    code: "E7633",
                    property: "dataElement",
                    objects: vec![
                        ("dataElement", some(element_key)),
                        ("dataSet", some(data_sets)),
                    ],
                    message: format!(
                        "Data element: `{element_key}` is not part of {noun}: `{data_sets}`"
                    ),
                    legacy_object: "DATA_IMPORT_STRICT_DATA_ELEMENTS".into(),
                    legacy_message: format!(
                        "Data element: {element_key} is not part of dataset: {data_sets}"
                    ),
                }
            }
            Finding::ComboNotOfElement {
                attribute,
                combo_key,
                combo,
                element_key,
                element,
            } => {
                let (property, words) = combo_word(*attribute);
                let whose = if *attribute {
                    "category combo of data sets of data element"
                } else {
                    "category combo of data element"
                };
                Spec {
                    code: if *attribute { "E7635" } else { "E7634" },
                    property,
                    objects: vec![
                        ("categoryOptionCombo", combo_key.clone()),
                        ("dataElement", some(element_key)),
                    ],
                    message: format!(
                        "{words}: `{}` must be part of {whose}: `{element_key}`",
                        shown(combo_key)
                    ),
                    legacy_object: combo.clone(),
                    legacy_message: format!("{words}: {combo} must be part of {whose}: {element}"),
                }
            }
            Finding::ElementNotAssigned {
                unit_key,
                unit,
                element_key,
                element,
            } => Spec {
                code: "E7636",
                property: "orgUnit",
                objects: vec![
                    ("organisationUnit", some(unit_key)),
                    ("dataElement", some(element_key)),
                ],
                message: format!(
                    "Data element: `{element_key}` must be assigned through data sets to organisation unit: `{unit_key}`"
                ),
                legacy_object: unit.clone(),
                legacy_message: format!(
                    "Data element: {element} must be assigned through data sets to organisation unit: {unit}"
                ),
            },
            Finding::OutsideComboDates {
                period_key,
                combo_key,
                combo,
                unit,
            } => Spec {
                code: "E7638",
                property: "period",
                objects: vec![
                    ("period", some(period_key)),
                    ("categoryOptionCombo", combo_key.clone()),
                ],
                message: format!(
                    "Period: `{period_key}` is not within date range of attribute option combo: `{}`",
                    shown(combo_key)
                ),
                legacy_object: unit.clone(),
                legacy_message: format!(
                    "Period: {period_key} is not within date range of attribute option combo: {combo}"
                ),
            },
            Finding::UnitNotOfCombo {
                unit_key,
                unit,
                combo_key,
                combo,
            } => Spec {
                code: "E7639",
                property: "orgUnit",
                objects: vec![
                    ("organisationUnit", some(unit_key)),
                    ("categoryOptionCombo", combo_key.clone()),
                ],
                message: format!(
                    "Organisation unit: `{unit_key}` is not valid for attribute option combo: `{}`",
                    shown(combo_key)
                ),
                legacy_object: unit.clone(),
                legacy_message: format!(
                    "Organisation unit: {unit} is not valid for attribute option combo: {combo}"
                ),
            },
            Finding::PeriodLocked {
                period_key,
                data_set,
            } => Spec {
                code: "E7640",
                property: "period",
                objects: vec![("period", some(period_key)), ("dataSet", some(data_set))],
                // Two spaces before "and": DHIS2's text.
                message: format!(
                    "Current date is past expiry days for period: `{period_key}`  and data set: `{data_set}`"
                ),
                legacy_object: period_key.clone(),
                legacy_message: format!(
                    "Current date is past expiry days for period {period_key} and data set: {data_set}"
                ),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_version_writes_its_own_words() {
        let finding = Finding::OutsideHierarchy {
            unit_key: "j7Hg26FpoIa".into(),
            unit: "j7Hg26FpoIa".into(),
            user_id: "userA000001".into(),
            username: "usera".into(),
        };
        let modern = finding.conflict(SimVersion::new(38, 0));
        assert_eq!(modern.error_code, "E7617");
        assert_eq!(modern.object, "j7Hg26FpoIa");
        assert_eq!(
            modern.value,
            "Organisation unit: `j7Hg26FpoIa` not in hierarchy of current user: `userA000001`"
        );
        let legacy = finding.conflict(SimVersion::new(36, 0));
        assert_eq!(
            legacy.legacy_value,
            "Organisation unit not in hierarchy of current user: usera"
        );
        let required = Finding::ComboRequired {
            attribute: false,
            value: "5".into(),
        };
        assert_eq!(required.conflict(SimVersion::new(41, 0)).object, "");
    }
}
