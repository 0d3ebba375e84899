//! Per-sync overrides of the include/exclude rules: for each selected type, which referenced
//! types come along as objects and which stay references (that must already exist on the
//! destination).

use std::collections::{BTreeMap, BTreeSet};

use crate::dhis2::schemas::{ReferenceTarget, Schema, SchemaRegistry};
use crate::sync::metadata::IncludeExcludeRules;

use super::catalog::label_of;

/// `from` plural → `to` plural → included as object. Only differences from the base rules are
/// kept, so a stored form stays small and follows later changes of the defaults.
pub type RuleOverrides = BTreeMap<String, BTreeMap<String, bool>>;

/// Keys an object carries for its sharing and ownership; the sharing switch governs them.
const SHARING_KEYS: &[&str] = &[
    "user",
    "createdBy",
    "lastUpdatedBy",
    "userAccesses",
    "userGroupAccesses",
    "sharing",
];

/// One referenced type of a selected type, as the user sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DependencyChoice {
    pub to: String,
    pub label: String,
    /// What the base rules say, before the user's override.
    pub by_default: bool,
    /// What this sync will do.
    pub included: bool,
}

/// The referenced types of one selected type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeDependencies {
    pub from: String,
    pub label: String,
    pub dependencies: Vec<DependencyChoice>,
}

/// The identifiable types an object of `plural` can reference, directly or through its
/// embedded objects (a data set's `dataSetElements` hold data elements and category combos).
pub fn referenced_types(registry: &SchemaRegistry, plural: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    if let Some(schema) = registry.by_plural(plural) {
        let mut visited = BTreeSet::new();
        collect_types(registry, schema, &mut visited, &mut found);
    }
    found.remove(plural);
    found
}

fn collect_types(
    registry: &SchemaRegistry,
    schema: &Schema,
    visited: &mut BTreeSet<String>,
    found: &mut BTreeSet<String>,
) {
    if !visited.insert(schema.klass.clone()) {
        return;
    }
    for reference in registry.references_of(schema) {
        if SHARING_KEYS.contains(&reference.json_key.as_str()) {
            continue;
        }
        match reference.target {
            ReferenceTarget::Type(target) => {
                found.insert(target);
            }
            ReferenceTarget::Embedded(klass) => {
                if let Some(embedded) = registry.by_klass(&klass) {
                    collect_types(registry, embedded, visited, found);
                }
            }
        }
    }
}

/// Per selected type, its referenced types that a rule decides on, with the base rules' answer
/// and the effective one. Types that other switches govern (users, organisation units) or that
/// are always included (attributes) are left out: a per-type rule cannot change them.
pub fn dependencies_per_type<'a>(
    selected: impl IntoIterator<Item = &'a str>,
    registry: &SchemaRegistry,
    base: &IncludeExcludeRules,
    overrides: &RuleOverrides,
) -> Vec<TypeDependencies> {
    selected
        .into_iter()
        .map(|from| {
            let mut targets = referenced_types(registry, from);
            // Defaults stay editable even when the server's schema does not list them.
            if let Some(rule) = base.types.get(from) {
                targets.extend(rule.include.iter().cloned());
            }
            let dependencies = targets
                .into_iter()
                .filter(|to| !base.is_excluded(to) && !base.always_include.contains(to))
                .map(|to| {
                    let by_default = base.includes(from, &to);
                    let included = overrides
                        .get(from)
                        .and_then(|row| row.get(&to))
                        .copied()
                        .unwrap_or(by_default);
                    DependencyChoice {
                        label: label_of(&to),
                        to,
                        by_default,
                        included,
                    }
                })
                .collect();
            TypeDependencies {
                from: from.to_string(),
                label: label_of(from),
                dependencies,
            }
        })
        .collect()
}

/// Records the user's choice for `from → to`; a choice equal to the base rules is no override.
pub fn set_override(
    overrides: &mut RuleOverrides,
    base: &IncludeExcludeRules,
    from: &str,
    to: &str,
    included: bool,
) {
    if base.includes(from, to) == included {
        if let Some(row) = overrides.get_mut(from) {
            row.remove(to);
            if row.is_empty() {
                overrides.remove(from);
            }
        }
    } else {
        overrides
            .entry(from.to_string())
            .or_default()
            .insert(to.to_string(), included);
    }
}

/// The base rules with the user's overrides applied.
pub fn apply_overrides(
    mut rules: IncludeExcludeRules,
    overrides: &RuleOverrides,
) -> IncludeExcludeRules {
    for (from, row) in overrides {
        let rule = rules.types.entry(from.clone()).or_default();
        for (to, &included) in row {
            if included {
                rule.include.insert(to.clone());
            } else {
                rule.include.remove(to);
            }
        }
    }
    rules
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::browse::SyncOptionsForm;

    fn registry() -> SchemaRegistry {
        SchemaRegistry::from_json(
            br#"{"schemas":[
            {"klass":"a.DataSet","singular":"dataSet","plural":"dataSets","metadata":true,
             "properties":[
              {"name":"dataSetElements","propertyType":"COLLECTION","itemKlass":"a.DataSetElement",
               "embeddedObject":true},
              {"name":"categoryCombo","propertyType":"REFERENCE","klass":"a.CategoryCombo"},
              {"name":"organisationUnits","propertyType":"COLLECTION","itemKlass":"a.OrganisationUnit"},
              {"name":"user","propertyType":"REFERENCE","klass":"a.User"},
              {"name":"attributeValues","propertyType":"COLLECTION","itemKlass":"a.Attribute"},
              {"name":"workflow","propertyType":"REFERENCE","klass":"a.DataApprovalWorkflow"}]},
            {"klass":"a.DataSetElement","singular":"dataSetElement","embeddedObject":true,
             "properties":[{"name":"dataElement","propertyType":"REFERENCE","klass":"a.DataElement"},
                           {"name":"categoryCombo","propertyType":"REFERENCE","klass":"a.CategoryCombo"}]},
            {"klass":"a.DataElement","singular":"dataElement","plural":"dataElements"},
            {"klass":"a.CategoryCombo","singular":"categoryCombo","plural":"categoryCombos"},
            {"klass":"a.OrganisationUnit","singular":"organisationUnit","plural":"organisationUnits"},
            {"klass":"a.User","singular":"user","plural":"users"},
            {"klass":"a.Attribute","singular":"attribute","plural":"attributes"},
            {"klass":"a.DataApprovalWorkflow","singular":"dataApprovalWorkflow",
             "plural":"dataApprovalWorkflows"},
            {"klass":"a.Program","singular":"program","plural":"programs","metadata":true,
             "properties":[{"name":"programStages","propertyType":"COLLECTION","itemKlass":"a.ProgramStage"},
                           {"name":"categoryCombo","propertyType":"REFERENCE","klass":"a.CategoryCombo"}]},
            {"klass":"a.ProgramStage","singular":"programStage","plural":"programStages"}
            ]}"#,
        )
        .expect("a valid schema document")
    }

    fn choices(listed: &TypeDependencies) -> Vec<(&str, bool)> {
        listed
            .dependencies
            .iter()
            .map(|d| (d.to.as_str(), d.included))
            .collect()
    }

    #[test]
    fn references_are_found_through_embedded_objects() {
        let types = referenced_types(&registry(), "dataSets");
        assert!(types.contains("dataElements"), "{types:?}");
        assert!(types.contains("categoryCombos"), "{types:?}");
        assert!(
            !types.contains("users"),
            "sharing keys are left out: {types:?}"
        );
    }

    #[test]
    fn defaults_are_listed_per_selected_type() {
        let base = IncludeExcludeRules::mdsync_defaults();
        let listed = dependencies_per_type(
            ["dataSets", "programs"],
            &registry(),
            &base,
            &RuleOverrides::new(),
        );
        assert_eq!(listed.len(), 2);
        assert_eq!(listed[0].label, "Data sets");
        let data_sets = choices(&listed[0]);
        for expected in ["dataElements", "categoryCombos", "indicators", "legendSets"] {
            assert!(
                data_sets.contains(&(expected, true)),
                "{expected}: {data_sets:?}"
            );
        }
        assert!(
            data_sets.contains(&("dataApprovalWorkflows", false)),
            "{data_sets:?}"
        );
        for absent in ["organisationUnits", "users", "attributes"] {
            assert!(data_sets.iter().all(|(to, _)| *to != absent), "{absent}");
        }
        let programs = choices(&listed[1]);
        for expected in ["programStages", "categoryCombos", "trackedEntityTypes"] {
            assert!(
                programs.contains(&(expected, true)),
                "{expected}: {programs:?}"
            );
        }
        assert!(listed[1]
            .dependencies
            .iter()
            .all(|d| d.by_default == d.included));
    }

    #[test]
    fn an_override_off_keeps_the_type_a_reference() {
        let base = IncludeExcludeRules::mdsync_defaults();
        let mut overrides = RuleOverrides::new();
        set_override(&mut overrides, &base, "dataSets", "dataElements", false);
        let rules = apply_overrides(base.clone(), &overrides);
        assert!(!rules.includes("dataSets", "dataElements"));
        assert!(
            rules.includes("dataSets", "categoryCombos"),
            "others unchanged"
        );
        assert!(
            rules.includes("sections", "dataElements"),
            "other types unchanged"
        );
        let listed = dependencies_per_type(["dataSets"], &registry(), &base, &overrides);
        let element = listed[0]
            .dependencies
            .iter()
            .find(|d| d.to == "dataElements")
            .expect("data elements listed");
        assert!(element.by_default && !element.included);
    }

    #[test]
    fn an_override_on_includes_a_type_the_defaults_leave_out() {
        let base = IncludeExcludeRules::mdsync_defaults();
        assert!(!base.includes("dataSets", "dataApprovalWorkflows"));
        let mut overrides = RuleOverrides::new();
        set_override(
            &mut overrides,
            &base,
            "dataSets",
            "dataApprovalWorkflows",
            true,
        );
        let rules = apply_overrides(base, &overrides);
        assert!(rules.includes("dataSets", "dataApprovalWorkflows"));
    }

    #[test]
    fn choosing_the_default_again_removes_the_override() {
        let base = IncludeExcludeRules::mdsync_defaults();
        let mut overrides = RuleOverrides::new();
        set_override(&mut overrides, &base, "dataSets", "categoryCombos", false);
        assert_eq!(overrides.len(), 1);
        set_override(&mut overrides, &base, "dataSets", "categoryCombos", true);
        assert!(overrides.is_empty(), "{overrides:?}");
    }

    #[test]
    fn overrides_survive_a_serde_round_trip_and_reach_the_options() {
        let mut form = SyncOptionsForm::default();
        let base = form.base_rules();
        set_override(
            &mut form.rule_overrides,
            &base,
            "dataSets",
            "categoryCombos",
            false,
        );
        let text = serde_json::to_string(&form).expect("the form serialises");
        let read: SyncOptionsForm = serde_json::from_str(&text).expect("and reads back");
        assert_eq!(read, form);
        let rules = read.to_options(true).rules;
        assert!(!rules.includes("dataSets", "categoryCombos"));
        assert!(rules.includes("dataElements", "categoryCombos"));

        let older: SyncOptionsForm =
            serde_json::from_str(r#"{"defaultRules":true}"#).expect("older forms read");
        assert!(older.rule_overrides.is_empty());
        assert_eq!(
            older.to_options(false).rules,
            IncludeExcludeRules::mdsync_defaults()
        );
    }
}
