//! The authorities each metadata type asks for (`*SchemaDescriptor`: `CREATE_PUBLIC`,
//! `CREATE_PRIVATE`, `CREATE`, `UPDATE`, `DELETE`), read from dhis2-core 2.30 … 2.42. Types
//! DHIS2 gives no authority are absent: anyone may create them.

use crate::SimVersion;

/// The authorities of one type; each list is "any of".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TypeAuthorities {
    pub create_public: Vec<&'static str>,
    pub create_private: Vec<&'static str>,
    pub create: Vec<&'static str>,
    pub update: Vec<&'static str>,
    pub delete: Vec<&'static str>,
}

/// (singular, public add, private add, delete): the common public/private/delete triple.
#[rustfmt::skip]
const SHARED: &[(&str, &str, &str, &str)] = &[
    ("attribute", "F_ATTRIBUTE_PUBLIC_ADD", "F_ATTRIBUTE_PRIVATE_ADD", "F_ATTRIBUTE_DELETE"),
    ("categoryCombo", "F_CATEGORY_COMBO_PUBLIC_ADD", "F_CATEGORY_COMBO_PRIVATE_ADD", "F_CATEGORY_COMBO_DELETE"),
    ("categoryOptionGroup", "F_CATEGORY_OPTION_GROUP_PUBLIC_ADD", "F_CATEGORY_OPTION_GROUP_PRIVATE_ADD", "F_CATEGORY_OPTION_GROUP_DELETE"),
    ("categoryOptionGroupSet", "F_CATEGORY_OPTION_GROUP_SET_PUBLIC_ADD", "F_CATEGORY_OPTION_GROUP_SET_PRIVATE_ADD", "F_CATEGORY_OPTION_GROUP_SET_DELETE"),
    ("categoryOption", "F_CATEGORY_OPTION_PUBLIC_ADD", "F_CATEGORY_OPTION_PRIVATE_ADD", "F_CATEGORY_OPTION_DELETE"),
    ("category", "F_CATEGORY_PUBLIC_ADD", "F_CATEGORY_PRIVATE_ADD", "F_CATEGORY_DELETE"),
    ("dataElementGroup", "F_DATAELEMENTGROUP_PUBLIC_ADD", "F_DATAELEMENTGROUP_PRIVATE_ADD", "F_DATAELEMENTGROUP_DELETE"),
    ("dataElementGroupSet", "F_DATAELEMENTGROUPSET_PUBLIC_ADD", "F_DATAELEMENTGROUPSET_PRIVATE_ADD", "F_DATAELEMENTGROUPSET_DELETE"),
    ("dataElement", "F_DATAELEMENT_PUBLIC_ADD", "F_DATAELEMENT_PRIVATE_ADD", "F_DATAELEMENT_DELETE"),
    ("dataSet", "F_DATASET_PUBLIC_ADD", "F_DATASET_PRIVATE_ADD", "F_DATASET_DELETE"),
    ("document", "F_DOCUMENT_PUBLIC_ADD", "F_DOCUMENT_PRIVATE_ADD", "F_DOCUMENT_DELETE"),
    ("indicatorGroup", "F_INDICATORGROUP_PUBLIC_ADD", "F_INDICATORGROUP_PRIVATE_ADD", "F_INDICATORGROUP_DELETE"),
    ("indicatorGroupSet", "F_INDICATORGROUPSET_PUBLIC_ADD", "F_INDICATORGROUPSET_PRIVATE_ADD", "F_INDICATORGROUPSET_DELETE"),
    ("indicator", "F_INDICATOR_PUBLIC_ADD", "F_INDICATOR_PRIVATE_ADD", "F_INDICATOR_DELETE"),
    ("legendSet", "F_LEGEND_SET_PUBLIC_ADD", "F_LEGEND_SET_PRIVATE_ADD", "F_LEGEND_SET_DELETE"),
    ("optionGroup", "F_OPTIONGROUP_PUBLIC_ADD", "F_OPTIONGROUP_PRIVATE_ADD", "F_OPTIONGROUP_DELETE"),
    ("optionGroupSet", "F_OPTIONGROUPSET_PUBLIC_ADD", "F_OPTIONGROUPSET_PRIVATE_ADD", "F_OPTIONGROUPSET_DELETE"),
    ("option", "F_OPTIONSET_PUBLIC_ADD", "F_OPTIONSET_PRIVATE_ADD", "F_OPTIONSET_DELETE"),
    ("optionSet", "F_OPTIONSET_PUBLIC_ADD", "F_OPTIONSET_PRIVATE_ADD", "F_OPTIONSET_DELETE"),
    ("organisationUnitGroup", "F_ORGUNITGROUP_PUBLIC_ADD", "F_ORGUNITGROUP_PRIVATE_ADD", "F_ORGUNITGROUP_DELETE"),
    ("organisationUnitGroupSet", "F_ORGUNITGROUPSET_PUBLIC_ADD", "F_ORGUNITGROUPSET_PRIVATE_ADD", "F_ORGUNITGROUPSET_DELETE"),
    ("programIndicator", "F_PROGRAM_INDICATOR_PUBLIC_ADD", "F_PROGRAM_INDICATOR_PRIVATE_ADD", "F_PROGRAM_INDICATOR_DELETE"),
    ("program", "F_PROGRAM_PUBLIC_ADD", "F_PROGRAM_PRIVATE_ADD", "F_PROGRAM_DELETE"),
    ("relationshipType", "F_RELATIONSHIPTYPE_PUBLIC_ADD", "F_RELATIONSHIPTYPE_PRIVATE_ADD", "F_RELATIONSHIPTYPE_DELETE"),
    ("sqlView", "F_SQLVIEW_PUBLIC_ADD", "F_SQLVIEW_PRIVATE_ADD", "F_SQLVIEW_DELETE"),
    ("trackedEntityAttribute", "F_TRACKED_ENTITY_ATTRIBUTE_PUBLIC_ADD", "F_TRACKED_ENTITY_ATTRIBUTE_PRIVATE_ADD", "F_TRACKED_ENTITY_ATTRIBUTE_DELETE"),
    ("userGroup", "F_USERGROUP_PUBLIC_ADD", "F_USERGROUP_PRIVATE_ADD", "F_USERGROUP_DELETE"),
    ("userRole", "F_USERROLE_PUBLIC_ADD", "F_USERROLE_PRIVATE_ADD", "F_USERROLE_DELETE"),
    ("validationRule", "F_VALIDATIONRULE_PUBLIC_ADD", "F_VALIDATIONRULE_PRIVATE_ADD", "F_VALIDATIONRULE_DELETE"),
    ("aggregateDataExchange", "F_AGGREGATE_DATA_EXCHANGE_PUBLIC_ADD", "F_AGGREGATE_DATA_EXCHANGE_PRIVATE_ADD", "F_AGGREGATE_DATA_EXCHANGE_DELETE"),
];

/// (singular, create, delete): types with a plain `CREATE` authority.
#[rustfmt::skip]
const PLAIN: &[(&str, &[&str], &[&str])] = &[
    ("categoryOptionCombo", &["F_CATEGORY_COMBO_PUBLIC_ADD", "F_CATEGORY_COMBO_PRIVATE_ADD"], &["F_CATEGORY_COMBO_DELETE"]),
    ("constant", &["F_CONSTANT_ADD"], &["F_CONSTANT_DELETE"]),
    ("indicatorType", &["F_INDICATORTYPE_ADD"], &["F_INDICATORTYPE_DELETE"]),
    ("organisationUnit", &["F_ORGANISATIONUNIT_ADD"], &["F_ORGANISATIONUNIT_DELETE"]),
    ("predictor", &["F_PREDICTOR_ADD"], &["F_PREDICTOR_DELETE"]),
    ("programNotificationTemplate", &["F_PROGRAM_PUBLIC_ADD", "F_PROGRAM_PRIVATE_ADD"], &["F_PROGRAM_DELETE"]),
    ("programRuleAction", &["F_PROGRAM_RULE_MANAGEMENT"], &["F_PROGRAM_RULE_MANAGEMENT"]),
    ("programRule", &["F_PROGRAM_RULE_ADD", "F_PROGRAM_RULE_MANAGEMENT"], &["F_PROGRAM_RULE_DELETE", "F_PROGRAM_RULE_MANAGEMENT"]),
    ("programRuleVariable", &["F_PROGRAM_RULE_MANAGEMENT"], &["F_PROGRAM_RULE_MANAGEMENT"]),
    ("programStage", &["F_PROGRAMSTAGE_ADD"], &["F_PROGRAMSTAGE_DELETE"]),
    ("section", &["F_SECTION_ADD"], &["F_SECTION_DELETE"]),
    ("user", &["F_USER_ADD", "F_USER_ADD_WITHIN_MANAGED_GROUP"], &["F_USER_DELETE", "F_USER_DELETE_WITHIN_MANAGED_GROUP"]),
];

/// The authorities `singular` asks for on `version`.
pub fn for_type(singular: &str, version: SimVersion) -> TypeAuthorities {
    let list = |names: &[&'static str]| names.to_vec();
    if let Some((_, public, private, delete)) = SHARED.iter().find(|row| row.0 == singular) {
        return TypeAuthorities {
            create_public: vec![public],
            create_private: vec![private],
            delete: vec![delete],
            ..TypeAuthorities::default()
        };
    }
    if let Some((_, create, delete)) = PLAIN.iter().find(|row| row.0 == singular) {
        return TypeAuthorities {
            create: list(create),
            delete: list(delete),
            ..TypeAuthorities::default()
        };
    }
    // Until 2.37 approval levels and workflows were a system setting matter.
    let approval = |since_37: &'static str| {
        let name = if version.at_least(37, 0) {
            since_37
        } else {
            "F_SYSTEM_SETTING"
        };
        TypeAuthorities {
            create_public: vec![name],
            create_private: vec![name],
            delete: vec![name],
            ..TypeAuthorities::default()
        }
    };
    match singular {
        "dataApprovalLevel" => approval("F_DATA_APPROVAL_LEVEL"),
        "dataApprovalWorkflow" => approval("F_DATA_APPROVAL_WORKFLOW"),
        "dashboard" | "dashboardItem" => TypeAuthorities {
            create_public: vec!["F_DASHBOARD_PUBLIC_ADD"],
            ..TypeAuthorities::default()
        },
        "map" => TypeAuthorities {
            create_public: vec!["F_MAP_PUBLIC_ADD"],
            ..TypeAuthorities::default()
        },
        "chart" => TypeAuthorities {
            create_public: vec!["F_CHART_PUBLIC_ADD"],
            ..TypeAuthorities::default()
        },
        "reportTable" => TypeAuthorities {
            create_public: vec!["F_REPORTTABLE_PUBLIC_ADD"],
            ..TypeAuthorities::default()
        },
        "organisationUnitLevel" => TypeAuthorities {
            create: vec!["F_ORGANISATIONUNITLEVEL_UPDATE"],
            update: vec!["F_ORGANISATIONUNITLEVEL_UPDATE"],
            delete: vec!["F_ORGANISATIONUNITLEVEL_UPDATE"],
            ..TypeAuthorities::default()
        },
        "trackedEntityType" => TypeAuthorities {
            create: vec!["F_TRACKED_ENTITY_ADD"],
            update: vec!["F_TRACKED_ENTITY_UPDATE"],
            delete: vec!["F_TRACKED_ENTITY_DELETE"],
            ..TypeAuthorities::default()
        },
        "validationRuleGroup" => TypeAuthorities {
            create: vec!["F_VALIDATIONRULEGROUP_PUBLIC_ADD"],
            update: vec!["F_VALIDATIONRULEGROUP_PRIVATE_ADD"],
            delete: vec!["F_VALIDATIONRULEGROUP_DELETE"],
            ..TypeAuthorities::default()
        },
        "programSection" if version.at_least(37, 0) => TypeAuthorities {
            create_public: vec!["F_PROGRAM_PUBLIC_ADD"],
            ..TypeAuthorities::default()
        },
        "programStageSection" if version.at_least(37, 0) => TypeAuthorities {
            create: vec!["F_PROGRAMSTAGE_ADD"],
            delete: vec!["F_PROGRAMSTAGE_DELETE"],
            ..TypeAuthorities::default()
        },
        _ => TypeAuthorities::default(),
    }
}

/// What a metadata manager's role holds: public add and delete for every type MetaData Sync
/// copies, user administration left out.
pub fn metadata_manager_authorities(version: SimVersion) -> Vec<String> {
    let singulars = SHARED
        .iter()
        .map(|row| row.0)
        .chain(PLAIN.iter().map(|row| row.0))
        .chain([
            "dataApprovalLevel",
            "dataApprovalWorkflow",
            "dashboard",
            "map",
            "organisationUnitLevel",
            "trackedEntityType",
            "validationRuleGroup",
            "programStageSection",
        ])
        .filter(|singular| !matches!(*singular, "user" | "userRole"));
    let mut out: Vec<String> = Vec::new();
    for singular in singulars {
        let authorities = for_type(singular, version);
        let names = authorities
            .create_public
            .iter()
            .chain(&authorities.create)
            .chain(&authorities.update)
            .chain(&authorities.delete);
        for name in names {
            if !out.iter().any(|known| known == name) {
                out.push(name.to_string());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_and_versions() {
        let v41 = SimVersion::new(41, 0);
        let element = for_type("dataElement", v41);
        assert_eq!(element.create_public, vec!["F_DATAELEMENT_PUBLIC_ADD"]);
        assert_eq!(element.delete, vec!["F_DATAELEMENT_DELETE"]);
        assert_eq!(
            for_type("dataApprovalLevel", SimVersion::new(36, 0)).delete,
            vec!["F_SYSTEM_SETTING"]
        );
        assert_eq!(for_type("dataEntryForm", v41), TypeAuthorities::default());
        let manager = metadata_manager_authorities(v41);
        assert!(manager.contains(&"F_DATASET_PUBLIC_ADD".to_string()));
        assert!(!manager.iter().any(|a| a.starts_with("F_USER_")));
    }
}
