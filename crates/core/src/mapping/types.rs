//! The mapping types (MDSync's names, so that stored mappings carry over) and what each holds:
//! which kind of origin object its keys name, what its targets are, and which nested mappings
//! an entry of it may carry.

pub const AGGREGATED_DATA_ELEMENTS: &str = "aggregatedDataElements";
pub const PROGRAM_DATA_ELEMENTS: &str = "programDataElements";
pub const EVENT_PROGRAMS: &str = "eventPrograms";
pub const TRACKER_PROGRAMS: &str = "trackerPrograms";
pub const TRACKER_PROGRAM_STAGES: &str = "trackerProgramStages";
pub const PROGRAM_STAGES: &str = "programStages";
pub const TRACKED_ENTITY_TYPES: &str = "trackedEntityTypes";
pub const ATTRIBUTES_TO_TEI: &str = "trackedEntityAttributesToTEI";
pub const ATTRIBUTES_TO_DE: &str = "trackedEntityAttributesToDE";
pub const RELATIONSHIP_TYPES: &str = "relationshipTypes";
pub const ORGANISATION_UNITS: &str = "organisationUnits";
pub const CATEGORIES: &str = "categories";
pub const CATEGORY_OPTIONS: &str = "categoryOptions";
pub const CATEGORY_COMBOS: &str = "categoryCombos";
pub const CATEGORY_OPTION_COMBOS: &str = "categoryOptionCombos";
pub const ATTRIBUTE_OPTION_COMBOS: &str = "attributeOptionCombos";
pub const OPTIONS: &str = "options";
pub const CATEGORY_OPTION_GROUPS: &str = "categoryOptionGroups";
pub const CATEGORY_OPTION_GROUP_SETS: &str = "categoryOptionGroupSets";

/// What MetaData Sync knows of one mapping type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TypeInfo {
    pub name: &'static str,
    /// The metadata type (plural) its keys name on the origin.
    pub origin: &'static str,
    /// The metadata type (plural) its `mappedId`s name on the destination.
    pub destination: &'static str,
    /// The nested mapping types an entry of this type may carry in `mapping`.
    pub nested: &'static [&'static str],
}

impl TypeInfo {
    pub fn takes_nested(&self, nested: &str) -> bool {
        self.nested.contains(&nested)
    }

    /// Whether an entry may say `MAPPED_BY_VALUE` (options only: the value is written as is).
    pub fn maps_by_value(&self) -> bool {
        self.name == OPTIONS
    }

    /// Whether `mappedId`s are org unit paths (`/root/…/unit`), as MDSync stores them.
    pub fn maps_to_paths(&self) -> bool {
        self.name == ORGANISATION_UNITS
    }

    /// Whether a mapping of this type is an identity change (same kind of object on both
    /// sides), so that it can be inverted for a pull.
    pub fn is_same_kind(&self) -> bool {
        self.origin == self.destination
    }
}

const PROGRAM_NESTED: &[&str] = &[
    PROGRAM_STAGES,
    PROGRAM_DATA_ELEMENTS,
    CATEGORY_OPTIONS,
    CATEGORY_COMBOS,
    CATEGORY_OPTION_COMBOS,
    ATTRIBUTE_OPTION_COMBOS,
    OPTIONS,
];

const fn info(
    name: &'static str,
    origin: &'static str,
    destination: &'static str,
    nested: &'static [&'static str],
) -> TypeInfo {
    TypeInfo {
        name,
        origin,
        destination,
        nested,
    }
}

/// Every known type. `aggregatedDataElements` also holds indicators and program indicators
/// (mapped to data elements, keyed by their own id) and `program-dataElement` pairs, as MDSync
/// does.
pub const TYPES: &[TypeInfo] = &[
    info(
        AGGREGATED_DATA_ELEMENTS,
        "dataElements",
        "dataElements",
        &[
            CATEGORY_OPTIONS,
            CATEGORY_COMBOS,
            CATEGORY_OPTION_COMBOS,
            ATTRIBUTE_OPTION_COMBOS,
            OPTIONS,
        ],
    ),
    info(
        PROGRAM_DATA_ELEMENTS,
        "dataElements",
        "dataElements",
        &[OPTIONS],
    ),
    info(EVENT_PROGRAMS, "programs", "programs", PROGRAM_NESTED),
    info(TRACKER_PROGRAMS, "programs", "programs", PROGRAM_NESTED),
    info(
        TRACKER_PROGRAM_STAGES,
        "programStages",
        "programStages",
        &[],
    ),
    info(PROGRAM_STAGES, "programStages", "programStages", &[]),
    info(
        TRACKED_ENTITY_TYPES,
        "trackedEntityTypes",
        "trackedEntityTypes",
        &[],
    ),
    info(
        ATTRIBUTES_TO_TEI,
        "trackedEntityAttributes",
        "trackedEntityAttributes",
        &[OPTIONS],
    ),
    info(
        ATTRIBUTES_TO_DE,
        "trackedEntityAttributes",
        "dataElements",
        &[OPTIONS],
    ),
    info(
        RELATIONSHIP_TYPES,
        "relationshipTypes",
        "relationshipTypes",
        &[],
    ),
    info(
        ORGANISATION_UNITS,
        "organisationUnits",
        "organisationUnits",
        &[],
    ),
    info(CATEGORIES, "categories", "categories", &[]),
    info(CATEGORY_OPTIONS, "categoryOptions", "categoryOptions", &[]),
    info(CATEGORY_COMBOS, "categoryCombos", "categoryCombos", &[]),
    info(
        CATEGORY_OPTION_COMBOS,
        "categoryOptionCombos",
        "categoryOptionCombos",
        &[],
    ),
    info(
        ATTRIBUTE_OPTION_COMBOS,
        "categoryOptionCombos",
        "categoryOptionCombos",
        &[],
    ),
    info(OPTIONS, "options", "options", &[]),
    info(
        CATEGORY_OPTION_GROUPS,
        "categoryOptionGroups",
        "categoryOptionGroups",
        &[],
    ),
    info(
        CATEGORY_OPTION_GROUP_SETS,
        "categoryOptionGroupSets",
        "categoryOptionGroupSets",
        &[],
    ),
];

/// What MetaData Sync knows of `name`; `None` for a type it does not know.
pub fn type_info(name: &str) -> Option<&'static TypeInfo> {
    TYPES.iter().find(|info| info.name == name)
}

/// The mapping types whose keys name objects of metadata type `plural` and whose targets are
/// of the same type: where a reference to a `plural` object is looked up.
pub fn types_for_plural(plural: &str) -> impl Iterator<Item = &'static TypeInfo> + '_ {
    TYPES
        .iter()
        .filter(move |info| info.origin == plural && info.is_same_kind())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_type_is_known_once_and_nested_types_are_known() {
        for (index, info) in TYPES.iter().enumerate() {
            assert_eq!(type_info(info.name), Some(&TYPES[index]), "{}", info.name);
            for nested in info.nested {
                assert!(type_info(nested).is_some(), "{} › {nested}", info.name);
            }
        }
        assert!(type_info("dataSets").is_none());
    }

    #[test]
    fn references_look_in_same_kind_types_only() {
        let data_elements: Vec<&str> = types_for_plural("dataElements").map(|t| t.name).collect();
        assert_eq!(
            data_elements,
            [AGGREGATED_DATA_ELEMENTS, PROGRAM_DATA_ELEMENTS]
        );
        // A TEA mapped to a data element (tracker → event) is no TEA → TEA mapping.
        let attributes: Vec<&str> = types_for_plural("trackedEntityAttributes")
            .map(|t| t.name)
            .collect();
        assert_eq!(attributes, [ATTRIBUTES_TO_TEI]);
        assert!(type_info(OPTIONS).unwrap().maps_by_value());
        assert!(type_info(ORGANISATION_UNITS).unwrap().maps_to_paths());
    }
}
