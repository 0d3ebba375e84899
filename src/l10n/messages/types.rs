//! Metadata type names (`dataSets`, `organisationUnits`…) as DHIS2 shows them in each
//! language ("Conjuntos de datos", "Unités d’organisation"…). A type the app does not know
//! (a newer DHIS2's) keeps the name `core` derives from its plural.

use mdsync_core::browse::label_of;

use crate::l10n::Language;
use crate::tr;

/// The name of a metadata type, by its plural, in the user's language.
pub fn type_label(lang: Language, plural: &str) -> String {
    match plural {
        "dataSets" => tr!(lang, types.data_sets),
        "dataElements" => tr!(lang, types.data_elements),
        "dataElementGroups" => tr!(lang, types.data_element_groups),
        "dataElementGroupSets" => tr!(lang, types.data_element_group_sets),
        "sections" => tr!(lang, types.sections),
        "dataEntryForms" => tr!(lang, types.data_entry_forms),
        "indicators" => tr!(lang, types.indicators),
        "indicatorTypes" => tr!(lang, types.indicator_types),
        "indicatorGroups" => tr!(lang, types.indicator_groups),
        "indicatorGroupSets" => tr!(lang, types.indicator_group_sets),
        "validationRules" => tr!(lang, types.validation_rules),
        "validationRuleGroups" => tr!(lang, types.validation_rule_groups),
        "validationNotificationTemplates" => tr!(lang, types.validation_notification_templates),
        "predictors" => tr!(lang, types.predictors),
        "predictorGroups" => tr!(lang, types.predictor_groups),
        "legendSets" => tr!(lang, types.legend_sets),
        "legends" => tr!(lang, types.legends),
        "dataApprovalLevels" => tr!(lang, types.data_approval_levels),
        "dataApprovalWorkflows" => tr!(lang, types.data_approval_workflows),
        "aggregateDataExchanges" => tr!(lang, types.aggregate_data_exchanges),
        "constants" => tr!(lang, types.constants),
        "dataElementOperands" => tr!(lang, types.data_element_operands),
        "programs" => tr!(lang, types.programs),
        "programStages" => tr!(lang, types.program_stages),
        "programStageSections" => tr!(lang, types.program_stage_sections),
        "programSections" => tr!(lang, types.program_sections),
        "programIndicators" => tr!(lang, types.program_indicators),
        "programIndicatorGroups" => tr!(lang, types.program_indicator_groups),
        "programRules" => tr!(lang, types.program_rules),
        "programRuleActions" => tr!(lang, types.program_rule_actions),
        "programRuleVariables" => tr!(lang, types.program_rule_variables),
        "programNotificationTemplates" => tr!(lang, types.program_notification_templates),
        "trackedEntityTypes" => tr!(lang, types.tracked_entity_types),
        "trackedEntityAttributes" => tr!(lang, types.tracked_entity_attributes),
        "trackedEntityAttributeGroups" => tr!(lang, types.tracked_entity_attribute_groups),
        "relationshipTypes" => tr!(lang, types.relationship_types),
        "programStageWorkingLists" => tr!(lang, types.program_stage_working_lists),
        "programTrackedEntityAttributeGroups" => {
            tr!(lang, types.program_tracked_entity_attribute_groups)
        }
        "organisationUnits" => tr!(lang, types.organisation_units),
        "organisationUnitGroups" => tr!(lang, types.organisation_unit_groups),
        "organisationUnitGroupSets" => tr!(lang, types.organisation_unit_group_sets),
        "organisationUnitLevels" => tr!(lang, types.organisation_unit_levels),
        "categories" => tr!(lang, types.categories),
        "categoryCombos" => tr!(lang, types.category_combos),
        "categoryOptions" => tr!(lang, types.category_options),
        "categoryOptionCombos" => tr!(lang, types.category_option_combos),
        "categoryOptionGroups" => tr!(lang, types.category_option_groups),
        "categoryOptionGroupSets" => tr!(lang, types.category_option_group_sets),
        "optionSets" => tr!(lang, types.option_sets),
        "options" => tr!(lang, types.options),
        "optionGroups" => tr!(lang, types.option_groups),
        "optionGroupSets" => tr!(lang, types.option_group_sets),
        "attributes" => tr!(lang, types.attributes),
        "users" => tr!(lang, types.users),
        "userRoles" => tr!(lang, types.user_roles),
        "userGroups" => tr!(lang, types.user_groups),
        "dashboards" => tr!(lang, types.dashboards),
        "dashboardItems" => tr!(lang, types.dashboard_items),
        "visualizations" => tr!(lang, types.visualizations),
        "eventVisualizations" => tr!(lang, types.event_visualizations),
        "maps" => tr!(lang, types.maps),
        "mapViews" => tr!(lang, types.map_views),
        "eventReports" => tr!(lang, types.event_reports),
        "eventCharts" => tr!(lang, types.event_charts),
        "charts" => tr!(lang, types.charts),
        "reportTables" => tr!(lang, types.report_tables),
        "reports" => tr!(lang, types.reports),
        "documents" => tr!(lang, types.documents),
        "interpretations" => tr!(lang, types.interpretations),
        "externalMapLayers" => tr!(lang, types.external_map_layers),
        "sqlViews" => tr!(lang, types.sql_views),
        other => label_of(other),
    }
}
