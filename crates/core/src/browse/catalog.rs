//! The metadata types of a server, grouped the way a DHIS2 user looks for them.

use crate::dhis2::SchemaRegistry;

/// A family of metadata types; `label` is what the type list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TypeGroup {
    Aggregated,
    Tracker,
    OrgUnits,
    Categories,
    Users,
    Dashboards,
    Other,
}

impl TypeGroup {
    pub const ALL: [TypeGroup; 7] = [
        TypeGroup::Aggregated,
        TypeGroup::Tracker,
        TypeGroup::OrgUnits,
        TypeGroup::Categories,
        TypeGroup::Users,
        TypeGroup::Dashboards,
        TypeGroup::Other,
    ];

    pub fn label(self) -> &'static str {
        match self {
            TypeGroup::Aggregated => "Aggregated data",
            TypeGroup::Tracker => "Tracker and events",
            TypeGroup::OrgUnits => "Organisation units",
            TypeGroup::Categories => "Categories and options",
            TypeGroup::Users => "Users and sharing",
            TypeGroup::Dashboards => "Dashboards and visualizations",
            TypeGroup::Other => "Other",
        }
    }

    /// A stable key (for `data-test` and URLs).
    pub fn key(self) -> &'static str {
        match self {
            TypeGroup::Aggregated => "aggregated",
            TypeGroup::Tracker => "tracker",
            TypeGroup::OrgUnits => "org-units",
            TypeGroup::Categories => "categories",
            TypeGroup::Users => "users",
            TypeGroup::Dashboards => "dashboards",
            TypeGroup::Other => "other",
        }
    }

    /// The group of a type, by plural. Types not named here are "Other".
    pub fn of(plural: &str) -> TypeGroup {
        const AGGREGATED: &[&str] = &[
            "dataSets",
            "dataElements",
            "dataElementGroups",
            "dataElementGroupSets",
            "sections",
            "dataEntryForms",
            "indicators",
            "indicatorTypes",
            "indicatorGroups",
            "indicatorGroupSets",
            "validationRules",
            "validationRuleGroups",
            "validationNotificationTemplates",
            "predictors",
            "predictorGroups",
            "legendSets",
            "dataApprovalLevels",
            "dataApprovalWorkflows",
            "aggregateDataExchanges",
            "constants",
            "dataElementOperands",
        ];
        const TRACKER: &[&str] = &[
            "programs",
            "programStages",
            "programStageSections",
            "programSections",
            "programIndicators",
            "programIndicatorGroups",
            "programRules",
            "programRuleActions",
            "programRuleVariables",
            "programNotificationTemplates",
            "trackedEntityTypes",
            "trackedEntityAttributes",
            "trackedEntityAttributeGroups",
            "relationshipTypes",
            "programStageWorkingLists",
            "programTrackedEntityAttributeGroups",
        ];
        const ORG_UNITS: &[&str] = &[
            "organisationUnits",
            "organisationUnitGroups",
            "organisationUnitGroupSets",
            "organisationUnitLevels",
        ];
        const CATEGORIES: &[&str] = &[
            "categories",
            "categoryCombos",
            "categoryOptions",
            "categoryOptionCombos",
            "categoryOptionGroups",
            "categoryOptionGroupSets",
            "optionSets",
            "options",
            "optionGroups",
            "optionGroupSets",
        ];
        const USERS: &[&str] = &["users", "userRoles", "userGroups"];
        const DASHBOARDS: &[&str] = &[
            "dashboards",
            "visualizations",
            "eventVisualizations",
            "maps",
            "mapViews",
            "eventReports",
            "eventCharts",
            "charts",
            "reportTables",
            "reports",
            "documents",
            "interpretations",
            "externalMapLayers",
            "sqlViews",
        ];
        let families = [
            (AGGREGATED, TypeGroup::Aggregated),
            (TRACKER, TypeGroup::Tracker),
            (ORG_UNITS, TypeGroup::OrgUnits),
            (CATEGORIES, TypeGroup::Categories),
            (USERS, TypeGroup::Users),
            (DASHBOARDS, TypeGroup::Dashboards),
        ];
        families
            .iter()
            .find(|(plurals, _)| plurals.contains(&plural))
            .map_or(TypeGroup::Other, |(_, group)| *group)
    }
}

/// One type a user can pick from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeEntry {
    pub plural: String,
    pub label: String,
    pub group: TypeGroup,
}

/// `dataElementGroupSets` → `Data element group sets`.
pub fn label_of(plural: &str) -> String {
    let mut label = String::with_capacity(plural.len() + 4);
    for (index, character) in plural.chars().enumerate() {
        if index == 0 {
            label.extend(character.to_uppercase());
        } else if character.is_uppercase() {
            label.push(' ');
            label.extend(character.to_lowercase());
        } else {
            label.push(character);
        }
    }
    label
}

/// The types of one server, grouped, each group sorted by label.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TypeCatalog {
    groups: Vec<(TypeGroup, Vec<TypeEntry>)>,
}

impl TypeCatalog {
    /// Builds the catalog from the schemas that `/api/metadata` imports (`metadata: true`, not
    /// embedded, with a plural). Empty groups are left out.
    pub fn from_registry(registry: &SchemaRegistry) -> TypeCatalog {
        let mut groups: Vec<(TypeGroup, Vec<TypeEntry>)> = TypeGroup::ALL
            .iter()
            .map(|group| (*group, Vec::new()))
            .collect();
        for schema in registry.metadata_types() {
            let Some(plural) = schema.plural.as_deref() else {
                continue;
            };
            let group = TypeGroup::of(plural);
            if let Some((_, entries)) = groups.iter_mut().find(|(g, _)| *g == group) {
                entries.push(TypeEntry {
                    plural: plural.to_string(),
                    label: label_of(plural),
                    group,
                });
            }
        }
        groups.retain(|(_, entries)| !entries.is_empty());
        for (_, entries) in &mut groups {
            entries.sort_by(|a, b| a.label.cmp(&b.label));
        }
        TypeCatalog { groups }
    }

    pub fn groups(&self) -> &[(TypeGroup, Vec<TypeEntry>)] {
        &self.groups
    }

    pub fn find(&self, plural: &str) -> Option<&TypeEntry> {
        self.groups
            .iter()
            .flat_map(|(_, entries)| entries)
            .find(|entry| entry.plural == plural)
    }

    pub fn type_count(&self) -> usize {
        self.groups.iter().map(|(_, entries)| entries.len()).sum()
    }

    /// The label of a type, known or not.
    pub fn label(&self, plural: &str) -> String {
        self.find(plural)
            .map_or_else(|| label_of(plural), |entry| entry.label.clone())
    }
}
