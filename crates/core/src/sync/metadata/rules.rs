//! Which references of a type are synced as objects ("include"), and which stay references
//! that must already exist on the target. Defaults follow MDSync's per-type rules.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

/// Objects that point at a parent without the parent owning them (sections of a data set,
/// program rules of a program): fetched with `filter=<via>.id:in:[parent ids]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChildRule {
    pub child_type: String,
    /// The child's property that references the parent (`dataSet`).
    pub via: String,
}

/// The rule of one type.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct TypeRule {
    /// Referenced types synced as objects (plurals).
    pub include: BTreeSet<String>,
    pub children: Vec<ChildRule>,
}

/// The rules of one sync: per type, plus types never synced as objects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct IncludeExcludeRules {
    pub types: BTreeMap<String, TypeRule>,
    /// Types included from any type that references them (e.g. `attributes`).
    pub always_include: BTreeSet<String>,
    /// Types that stay references whatever the type rules say.
    pub exclude: BTreeSet<String>,
}

impl Default for IncludeExcludeRules {
    fn default() -> Self {
        Self::mdsync_defaults()
    }
}

/// User types, whose inclusion follows the users switch.
pub const USER_TYPES: &[&str] = &["users", "userRoles", "userGroups"];
/// Organisation unit types, whose inclusion follows the org units switch.
pub const ORG_UNIT_TYPES: &[&str] = &[
    "organisationUnits",
    "organisationUnitLevels",
    "organisationUnitGroups",
    "organisationUnitGroupSets",
];

const DEFAULT_INCLUDES: &[(&str, &[&str])] = &[
    (
        "dataSets",
        &[
            "dataElements",
            "categoryCombos",
            "dataEntryForms",
            "indicators",
            "legendSets",
        ],
    ),
    (
        "sections",
        &["dataElements", "indicators", "categoryCombos"],
    ),
    (
        "dataElements",
        &["categoryCombos", "optionSets", "legendSets"],
    ),
    ("dataElementGroups", &["dataElements"]),
    ("dataElementGroupSets", &["dataElementGroups"]),
    ("categoryCombos", &["categories"]),
    ("categories", &["categoryOptions"]),
    ("categoryOptionCombos", &["categoryOptions"]),
    ("categoryOptionGroups", &["categoryOptions"]),
    ("categoryOptionGroupSets", &["categoryOptionGroups"]),
    ("optionSets", &["options"]),
    ("optionGroups", &["options", "optionSets"]),
    ("optionGroupSets", &["optionGroups"]),
    ("indicators", &["indicatorTypes", "legendSets"]),
    ("indicatorGroups", &["indicators"]),
    ("indicatorGroupSets", &["indicatorGroups"]),
    ("validationRuleGroups", &["validationRules"]),
    ("predictors", &["dataElements", "categoryOptionCombos"]),
    ("predictorGroups", &["predictors"]),
    (
        "programs",
        &[
            "programStages",
            "trackedEntityTypes",
            "trackedEntityAttributes",
            "categoryCombos",
            "programSections",
            "programIndicators",
            "relationshipTypes",
        ],
    ),
    ("programStages", &["dataElements", "programStageSections"]),
    (
        "programStageSections",
        &["dataElements", "programIndicators"],
    ),
    ("programSections", &["trackedEntityAttributes"]),
    ("trackedEntityTypes", &["trackedEntityAttributes"]),
    ("trackedEntityAttributes", &["optionSets", "legendSets"]),
    ("programRules", &["programRuleActions"]),
    (
        "programRuleActions",
        &[
            "dataElements",
            "trackedEntityAttributes",
            "programStages",
            "programStageSections",
        ],
    ),
    (
        "programRuleVariables",
        &["dataElements", "trackedEntityAttributes", "programStages"],
    ),
    ("programIndicators", &["legendSets"]),
    ("programIndicatorGroups", &["programIndicators"]),
    ("relationshipTypes", &["trackedEntityTypes"]),
    (
        "dashboards",
        &["visualizations", "maps", "eventVisualizations", "reports"],
    ),
];

const DEFAULT_CHILDREN: &[(&str, &str, &str)] = &[
    ("dataSets", "sections", "dataSet"),
    ("categoryCombos", "categoryOptionCombos", "categoryCombo"),
    ("optionSets", "options", "optionSet"),
    ("programs", "programStages", "program"),
    ("programs", "programRules", "program"),
    ("programs", "programRuleVariables", "program"),
    ("programs", "programIndicators", "program"),
    ("programRules", "programRuleActions", "programRule"),
];

impl IncludeExcludeRules {
    /// MDSync's default rules: a data set brings its data elements, category combos, sections,
    /// indicators…; a program its stages, attributes, tracked entity type, rules…; users,
    /// roles and organisation units stay references.
    pub fn mdsync_defaults() -> Self {
        let mut types: BTreeMap<String, TypeRule> = BTreeMap::new();
        for (parent, includes) in DEFAULT_INCLUDES {
            let rule = types.entry(parent.to_string()).or_default();
            rule.include.extend(includes.iter().map(|t| t.to_string()));
        }
        for (parent, child, via) in DEFAULT_CHILDREN {
            let rule = types.entry(parent.to_string()).or_default();
            rule.children.push(ChildRule {
                child_type: child.to_string(),
                via: via.to_string(),
            });
        }
        IncludeExcludeRules {
            types,
            always_include: ["attributes"].iter().map(|t| t.to_string()).collect(),
            exclude: USER_TYPES
                .iter()
                .chain(ORG_UNIT_TYPES)
                .map(|t| t.to_string())
                .collect(),
        }
    }

    /// No dependencies at all: only the selected objects are synced.
    pub fn none() -> Self {
        IncludeExcludeRules {
            types: BTreeMap::new(),
            always_include: BTreeSet::new(),
            exclude: BTreeSet::new(),
        }
    }

    /// Replaces the rule of one type (a per-sync override).
    pub fn with_rule(mut self, plural: &str, rule: TypeRule) -> Self {
        self.types.insert(plural.to_string(), rule);
        self
    }

    pub fn is_excluded(&self, plural: &str) -> bool {
        self.exclude.contains(plural)
    }

    /// Whether a reference from `from` to `to` brings the referenced object along.
    pub fn includes(&self, from: &str, to: &str) -> bool {
        if self.is_excluded(to) {
            return false;
        }
        self.always_include.contains(to)
            || self
                .types
                .get(from)
                .is_some_and(|rule| rule.include.contains(to))
    }

    pub fn children_of(&self, plural: &str) -> &[ChildRule] {
        self.types
            .get(plural)
            .map(|rule| rule.children.as_slice())
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_follow_mdsync() {
        let rules = IncludeExcludeRules::mdsync_defaults();
        assert!(rules.includes("dataSets", "dataElements"));
        assert!(rules.includes("dataElements", "categoryCombos"));
        assert!(rules.includes("categoryCombos", "categories"));
        assert!(rules.includes("programs", "trackedEntityTypes"));
        assert!(rules.includes("indicators", "attributes"));
        assert!(!rules.includes("dataSets", "organisationUnits"));
        assert!(!rules.includes("dataElements", "users"));
        assert_eq!(rules.children_of("programs").len(), 4);
        let overridden = rules.with_rule("dataSets", TypeRule::default());
        assert!(!overridden.includes("dataSets", "dataElements"));
    }
}
