//! What the panel offers to map, section by section: for each choice the mapping type it writes
//! (MDSync's names, from `mdsync_core::mapping::types`), which objects it lists on this instance
//! and which it offers on the destination.

use mdsync_core::mapping::types::{
    AGGREGATED_DATA_ELEMENTS, ATTRIBUTES_TO_TEI, CATEGORY_COMBOS, CATEGORY_OPTIONS,
    CATEGORY_OPTION_GROUPS, CATEGORY_OPTION_GROUP_SETS, EVENT_PROGRAMS, OPTIONS,
    ORGANISATION_UNITS, RELATIONSHIP_TYPES, TRACKED_ENTITY_TYPES, TRACKER_PROGRAMS,
};

/// The four sections of the panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Aggregated,
    Programs,
    OrgUnits,
    Global,
}

impl Section {
    pub const ALL: [Section; 4] = [
        Section::Aggregated,
        Section::Programs,
        Section::OrgUnits,
        Section::Global,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Section::Aggregated => "aggregated",
            Section::Programs => "programs",
            Section::OrgUnits => "org-units",
            Section::Global => "global",
        }
    }

    /// The choices of the section, the first one opened by default.
    pub fn choices(self) -> impl Iterator<Item = &'static TypeChoice> {
        CHOICES.iter().filter(move |choice| choice.section == self)
    }
}

/// One kind of origin object the panel maps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TypeChoice {
    /// Stable name, for `data-test` and the label.
    pub key: &'static str,
    pub section: Section,
    /// The dictionary type its entries go into.
    pub mapping_type: &'static str,
    /// The metadata type listed on this instance, and a filter narrowing it.
    pub origin: &'static str,
    pub origin_filter: Option<&'static str>,
    /// The metadata type offered on the destination, and a filter narrowing it.
    pub destination: &'static str,
    pub destination_filter: Option<&'static str>,
    /// Entries written from the Global section apply wherever the item appears (`global: true`).
    pub global: bool,
}

const AGGREGATE: Option<&str> = Some("domainType:eq:AGGREGATE");
const EVENT: Option<&str> = Some("programType:eq:WITHOUT_REGISTRATION");
const TRACKER: Option<&str> = Some("programType:eq:WITH_REGISTRATION");

const fn choice(
    key: &'static str,
    section: Section,
    mapping_type: &'static str,
    origin: &'static str,
    origin_filter: Option<&'static str>,
    destination: &'static str,
    destination_filter: Option<&'static str>,
) -> TypeChoice {
    TypeChoice {
        key,
        section,
        mapping_type,
        origin,
        origin_filter,
        destination,
        destination_filter,
        global: matches!(section, Section::Global),
    }
}

/// Every choice, in the order the panel shows them.
pub const CHOICES: &[TypeChoice] = &[
    choice(
        "data-elements",
        Section::Aggregated,
        AGGREGATED_DATA_ELEMENTS,
        "dataElements",
        AGGREGATE,
        "dataElements",
        AGGREGATE,
    ),
    // Indicators and program indicators are mapped onto data elements (their values are sent
    // as data values), in the same dictionary type, as MDSync does.
    choice(
        "indicators",
        Section::Aggregated,
        AGGREGATED_DATA_ELEMENTS,
        "indicators",
        None,
        "dataElements",
        AGGREGATE,
    ),
    choice(
        "program-indicators",
        Section::Aggregated,
        AGGREGATED_DATA_ELEMENTS,
        "programIndicators",
        None,
        "dataElements",
        AGGREGATE,
    ),
    choice(
        "event-programs",
        Section::Programs,
        EVENT_PROGRAMS,
        "programs",
        EVENT,
        "programs",
        EVENT,
    ),
    choice(
        "tracker-programs",
        Section::Programs,
        TRACKER_PROGRAMS,
        "programs",
        TRACKER,
        "programs",
        TRACKER,
    ),
    choice(
        "tracked-entity-types",
        Section::Programs,
        TRACKED_ENTITY_TYPES,
        "trackedEntityTypes",
        None,
        "trackedEntityTypes",
        None,
    ),
    choice(
        "tracked-entity-attributes",
        Section::Programs,
        ATTRIBUTES_TO_TEI,
        "trackedEntityAttributes",
        None,
        "trackedEntityAttributes",
        None,
    ),
    choice(
        "relationship-types",
        Section::Programs,
        RELATIONSHIP_TYPES,
        "relationshipTypes",
        None,
        "relationshipTypes",
        None,
    ),
    choice(
        "org-units",
        Section::OrgUnits,
        ORGANISATION_UNITS,
        "organisationUnits",
        None,
        "organisationUnits",
        None,
    ),
    choice(
        "category-options",
        Section::Global,
        CATEGORY_OPTIONS,
        "categoryOptions",
        None,
        "categoryOptions",
        None,
    ),
    choice(
        "category-combos",
        Section::Global,
        CATEGORY_COMBOS,
        "categoryCombos",
        None,
        "categoryCombos",
        None,
    ),
    choice(
        "options",
        Section::Global,
        OPTIONS,
        "options",
        None,
        "options",
        None,
    ),
    choice(
        "category-option-groups",
        Section::Global,
        CATEGORY_OPTION_GROUPS,
        "categoryOptionGroups",
        None,
        "categoryOptionGroups",
        None,
    ),
    choice(
        "category-option-group-sets",
        Section::Global,
        CATEGORY_OPTION_GROUP_SETS,
        "categoryOptionGroupSets",
        None,
        "categoryOptionGroupSets",
        None,
    ),
];

/// The choice named `key`, else the first one.
pub fn choice_named(key: &str) -> &'static TypeChoice {
    CHOICES
        .iter()
        .find(|choice| choice.key == key)
        .unwrap_or(&CHOICES[0])
}
