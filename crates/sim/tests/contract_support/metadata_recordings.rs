//! The recorded metadata objects `tests/metadata_contract.rs` checks property by property
//! against the simulator's schemas: (recording under `recorded/`, the collection it holds).
//! `tests/contract_recorded.rs` counts them as covered.

pub const RECORDED: &[(&str, &str)] = &[
    ("category/categories.json", "categories"),
    ("category/category.json", "categories"),
    ("category/category_combo.json", "categoryCombos"),
    ("category/category_combos.json", "categoryCombos"),
    ("category/category_option.json", "categoryOptions"),
    ("category/category_options.json", "categoryOptions"),
    (
        "category/category_option_combo.json",
        "categoryOptionCombos",
    ),
    ("dataelement/data_element.json", "dataElements"),
    ("dataelement/data_elements.json", "dataElements"),
    ("dataset/data_set.json", "dataSets"),
    ("dataset/data_sets.json", "dataSets"),
    ("dataset/section.json", "sections"),
    ("option/option.json", "options"),
    ("option/options.json", "options"),
    ("option/option_group.json", "optionGroups"),
    ("option/option_set.json", "optionSets"),
    ("option/option_sets.json", "optionSets"),
    (
        "organisationunit/organisation_unit.json",
        "organisationUnits",
    ),
    (
        "organisationunit/organisation_units.json",
        "organisationUnits",
    ),
    (
        "organisationunit/organisation_unit_group.json",
        "organisationUnitGroups",
    ),
    (
        "organisationunit/organisation_unit_level.json",
        "organisationUnitLevels",
    ),
    ("program/program_indicators.json", "programIndicators"),
    ("program/program_rules.json", "programRules"),
    ("program/program_stage.json", "programStages"),
    ("program/program_stages.json", "programStages"),
    ("program/program_stage_section.json", "programStageSections"),
    ("program/programs.json", "programs"),
    (
        "program/program_stage_data_element.json",
        "programStageDataElements",
    ),
    ("user/user_group.json", "userGroups"),
    ("user/user_role.json", "userRoles"),
];
