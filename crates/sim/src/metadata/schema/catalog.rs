//! Aggregate, org unit, category, option, legend and analytics schemas.

use super::build::{build, Def};
use super::spec::Schema;
use crate::SimVersion;

const STYLE: &str = "style complex org.hisp.dhis.common.ObjectStyle";
const VALUE_TYPE: &str = "valueType const org.hisp.dhis.common.ValueType req";
const AGGREGATION_TYPE: &str = "aggregationType const org.hisp.dhis.analytics.AggregationType req";
const DIMENSION_TYPE: &str = "dataDimensionType const org.hisp.dhis.common.DataDimensionType req";

pub fn schemas(version: SimVersion) -> Vec<Schema> {
    DEFS.iter().filter_map(|def| build(def, version)).collect()
}

// A table: one definition per line pair reads better than rustfmt's struct layout.
#[rustfmt::skip]
static DEFS: &[Def] = &[
    Def { singular: "attribute", plural: "attributes", klass: "org.hisp.dhis.attribute.Attribute", order: 100, traits: "share short=opt", props: &[
        VALUE_TYPE, "mandatory bool", "unique bool", "optionSet ref OptionSet", "sortOrder int",
        "dataElementAttribute bool", "dataElementGroupAttribute bool", "indicatorAttribute bool",
        "indicatorGroupAttribute bool", "dataSetAttribute bool", "organisationUnitAttribute bool",
        "organisationUnitGroupAttribute bool", "organisationUnitGroupSetAttribute bool",
        "userAttribute bool", "userGroupAttribute bool", "programAttribute bool",
        "programStageAttribute bool", "trackedEntityTypeAttribute bool",
        "trackedEntityAttributeAttribute bool", "categoryOptionAttribute bool",
        "categoryOptionComboAttribute bool", "categoryOptionGroupAttribute bool",
        "optionSetAttribute bool", "optionAttribute bool", "sectionAttribute bool",
        "legendSetAttribute bool", "validationRuleAttribute bool", "documentAttribute bool",
        "sqlViewAttribute bool", "constantAttribute bool", "categoryAttribute bool",
        "visualizationAttribute bool since=38", "mapAttribute bool since=38", "relationshipTypeAttribute bool since=39",
        "programIndicatorAttribute bool", "dataElementGroupSetAttribute bool",
    ] },
    Def { singular: "sqlView", plural: "sqlViews", klass: "org.hisp.dhis.sqlview.SqlView", order: 1010, traits: "share", props: &[
        "description text", "sqlQuery text req", "type const org.hisp.dhis.sqlview.SqlViewType",
        "cacheStrategy const org.hisp.dhis.common.cache.CacheStrategy",
    ] },
    Def { singular: "constant", plural: "constants", klass: "org.hisp.dhis.constant.Constant", order: 1030, traits: "share short=opt", props: &[
        "value num req",
    ] },
    Def { singular: "option", plural: "options", klass: "org.hisp.dhis.option.Option", order: 1040, traits: "name=req", props: &[
        "code id req", "sortOrder int", "optionSet ref OptionSet", "description text", "formName text", STYLE,
    ] },
    Def { singular: "optionSet", plural: "optionSets", klass: "org.hisp.dhis.option.OptionSet", order: 1050, traits: "share", props: &[
        VALUE_TYPE, "version int", "options coll Option list", "description text since=40",
    ] },
    Def { singular: "optionGroup", plural: "optionGroups", klass: "org.hisp.dhis.option.OptionGroup", order: 1051, traits: "share short=uniq", props: &[
        "optionSet ref OptionSet", "options coll Option",
    ] },
    Def { singular: "optionGroupSet", plural: "optionGroupSets", klass: "org.hisp.dhis.option.OptionGroupSet", order: 1051, traits: "share", props: &[
        "optionSet ref OptionSet", "optionGroups coll OptionGroup list", "dataDimension bool", "description text",
    ] },
    Def { singular: "legendSet", plural: "legendSets", klass: "org.hisp.dhis.legend.LegendSet", order: 1080, traits: "share", props: &[
        "symbolizer text", "legends coll Legend emb",
    ] },
    Def { singular: "legend", plural: "legends", klass: "org.hisp.dhis.legend.Legend", order: 0, traits: "emb name=req", props: &[
        "startValue num req", "endValue num req", "color color", "image text",
    ] },
    Def { singular: "organisationUnit", plural: "organisationUnits", klass: "org.hisp.dhis.organisationunit.OrganisationUnit", order: 1100, traits: "name=req short=req", props: &[
        "parent ref OrganisationUnit", "path text", "level int", "openingDate date req", "closedDate date",
        "comment text", "url url", "contactPerson text", "address text", "email email", "phoneNumber text",
        "geometry complex org.locationtech.jts.geom.Geometry since=32",
        "featureType const org.hisp.dhis.organisationunit.FeatureType until=32", "coordinates text until=32",
        "uuid text until=33", "image ref FileResource since=37",
        "children coll OrganisationUnit inv", "organisationUnitGroups coll OrganisationUnitGroup inv",
        "dataSets coll DataSet inv", "programs coll Program inv", "users coll User inv",
        "ancestors coll OrganisationUnit np list", "leaf bool np",
    ] },
    Def { singular: "fileResource", plural: "fileResources", klass: "org.hisp.dhis.fileresource.FileResource", order: 0, traits: "nometa name=req", props: &[
        "contentType text", "contentLength int", "contentMd5 text", "domain const org.hisp.dhis.fileresource.FileResourceDomain",
    ] },
    Def { singular: "organisationUnitLevel", plural: "organisationUnitLevels", klass: "org.hisp.dhis.organisationunit.OrganisationUnitLevel", order: 1110, traits: "", props: &[
        "level int req uniq", "offlineLevels int",
    ] },
    Def { singular: "organisationUnitGroup", plural: "organisationUnitGroups", klass: "org.hisp.dhis.organisationunit.OrganisationUnitGroup", order: 1120, traits: "share short=uniq", props: &[
        "symbol text", "color color", "organisationUnits coll OrganisationUnit",
        "groupSets coll OrganisationUnitGroupSet inv",
        "geometry complex org.locationtech.jts.geom.Geometry since=32",
        "featureType const org.hisp.dhis.organisationunit.FeatureType until=32", "coordinates text until=32",
    ] },
    Def { singular: "organisationUnitGroupSet", plural: "organisationUnitGroupSets", klass: "org.hisp.dhis.organisationunit.OrganisationUnitGroupSet", order: 1130, traits: "share short=opt", props: &[
        "compulsory bool", "includeSubhierarchyInAnalytics bool", "dataDimension bool",
        "organisationUnitGroups coll OrganisationUnitGroup list",
    ] },
    Def { singular: "categoryOption", plural: "categoryOptions", klass: "org.hisp.dhis.category.CategoryOption", order: 1140, traits: "data short=uniq", props: &[
        "startDate date", "endDate date", "formName text since=34", STYLE,
        "organisationUnits coll OrganisationUnit", "categories coll Category inv",
        "categoryOptionCombos coll CategoryOptionCombo inv", "groups coll CategoryOptionGroup inv until=40",
        "categoryOptionGroups coll CategoryOptionGroup inv since=40",
    ] },
    Def { singular: "categoryOptionGroup", plural: "categoryOptionGroups", klass: "org.hisp.dhis.category.CategoryOptionGroup", order: 1150, traits: "data short=uniq", props: &[
        DIMENSION_TYPE, "categoryOptions coll CategoryOption", "groupSets coll CategoryOptionGroupSet inv",
    ] },
    Def { singular: "categoryOptionGroupSet", plural: "categoryOptionGroupSets", klass: "org.hisp.dhis.category.CategoryOptionGroupSet", order: 1160, traits: "share short=opt", props: &[
        DIMENSION_TYPE, "dataDimension bool", "categoryOptionGroups coll CategoryOptionGroup list",
    ] },
    Def { singular: "category", plural: "categories", klass: "org.hisp.dhis.category.Category", order: 1170, traits: "share short=opt", props: &[
        DIMENSION_TYPE, "dataDimension bool", "categoryOptions coll CategoryOption list",
        "categoryCombos coll CategoryCombo inv",
    ] },
    Def { singular: "categoryCombo", plural: "categoryCombos", klass: "org.hisp.dhis.category.CategoryCombo", order: 1180, traits: "share", props: &[
        DIMENSION_TYPE, "skipTotal bool", "categories coll Category list",
        "categoryOptionCombos coll CategoryOptionCombo inv", "isDefault bool np",
    ] },
    Def { singular: "categoryOptionCombo", plural: "categoryOptionCombos", klass: "org.hisp.dhis.category.CategoryOptionCombo", order: 1190, traits: "name=opt", props: &[
        "categoryCombo ref CategoryCombo", "categoryOptions coll CategoryOption", "ignoreApproval bool",
    ] },
    Def { singular: "dataElement", plural: "dataElements", klass: "org.hisp.dhis.dataelement.DataElement", order: 1200, traits: "data short=uniq", props: &[
        "formName text", VALUE_TYPE, "domainType const org.hisp.dhis.dataelement.DataElementDomain req",
        AGGREGATION_TYPE, "categoryCombo ref CategoryCombo req", "zeroIsSignificant bool",
        "optionSet ref OptionSet", "commentOptionSet ref OptionSet", "legendSets coll LegendSet list",
        "aggregationLevels tcoll list", "url url", "fieldMask text", STYLE,
        "dataSetElements coll DataSetElement emb inv", "dataElementGroups coll DataElementGroup inv",
    ] },
    Def { singular: "dataElementGroup", plural: "dataElementGroups", klass: "org.hisp.dhis.dataelement.DataElementGroup", order: 1210, traits: "share short=uniq", props: &[
        "dataElements coll DataElement", "groupSets coll DataElementGroupSet inv",
    ] },
    Def { singular: "dataElementGroupSet", plural: "dataElementGroupSets", klass: "org.hisp.dhis.dataelement.DataElementGroupSet", order: 1220, traits: "share short=opt", props: &[
        "compulsory bool", "dataDimension bool", "dataElementGroups coll DataElementGroup list",
    ] },
    Def { singular: "indicatorType", plural: "indicatorTypes", klass: "org.hisp.dhis.indicator.IndicatorType", order: 1240, traits: "", props: &[
        "factor int req", "number bool",
    ] },
    Def { singular: "indicator", plural: "indicators", klass: "org.hisp.dhis.indicator.Indicator", order: 1250, traits: "share short=uniq", props: &[
        "formName text", "annualized bool", "decimals int", "indicatorType ref IndicatorType req",
        "numerator text req", "numeratorDescription text", "denominator text req",
        "denominatorDescription text", "url url", STYLE, "aggregateExportCategoryOptionCombo text",
        "aggregateExportAttributeOptionCombo text", "legendSets coll LegendSet list",
        "indicatorGroups coll IndicatorGroup inv", "dataSets coll DataSet inv",
    ] },
    Def { singular: "indicatorGroup", plural: "indicatorGroups", klass: "org.hisp.dhis.indicator.IndicatorGroup", order: 1260, traits: "share", props: &[
        "description text", "indicators coll Indicator", "groupSets coll IndicatorGroupSet inv since=40",
        "indicatorGroupSet ref IndicatorGroupSet inv until=40",
    ] },
    Def { singular: "indicatorGroupSet", plural: "indicatorGroupSets", klass: "org.hisp.dhis.indicator.IndicatorGroupSet", order: 1270, traits: "share", props: &[
        "description text", "compulsory bool", "indicatorGroups coll IndicatorGroup list",
    ] },
    Def { singular: "dataEntryForm", plural: "dataEntryForms", klass: "org.hisp.dhis.dataentryform.DataEntryForm", order: 1300, traits: "", props: &[
        "htmlCode text req", "style text", "format int",
    ] },
    Def { singular: "dataSet", plural: "dataSets", klass: "org.hisp.dhis.dataset.DataSet", order: 1310, traits: "data short=opt", props: &[
        "periodType text req", "categoryCombo ref CategoryCombo req", "dataSetElements coll DataSetElement emb",
        "dataInputPeriods coll DataInputPeriod emb", "indicators coll Indicator",
        "compulsoryDataElementOperands coll DataElementOperand emb", "organisationUnits coll OrganisationUnit",
        "sections coll Section inv", "dataEntryForm ref DataEntryForm", "legendSets coll LegendSet list",
        "workflow ref DataApprovalWorkflow", "notificationRecipients ref UserGroup", "expiryDays int",
        "openFuturePeriods int", "openPeriodsAfterCoEndDate int", "timelyDays num", "version int",
        "mobile bool", "validCompleteOnly bool", "noValueRequiresComment bool", "skipOffline bool",
        "dataElementDecoration bool", "renderAsTabs bool", "renderHorizontally bool",
        "compulsoryFieldsCompleteOnly bool", "fieldCombinationRequired bool", "notifyCompletingUser bool",
        "formName text", STYLE, "displayOptions text since=41",
    ] },
    Def { singular: "dataSetElement", plural: "dataSetElements", klass: "org.hisp.dhis.dataset.DataSetElement", order: 0, traits: "emb noid", props: &[
        "dataSet ref DataSet", "dataElement ref DataElement req", "categoryCombo ref CategoryCombo",
    ] },
    Def { singular: "dataInputPeriod", plural: "dataInputPeriods", klass: "org.hisp.dhis.dataset.DataInputPeriod", order: 0, traits: "emb noid", props: &[
        "period complex org.hisp.dhis.period.Period", "openingDate date", "closingDate date",
    ] },
    Def { singular: "dataElementOperand", plural: "dataElementOperands", klass: "org.hisp.dhis.dataelement.DataElementOperand", order: 0, traits: "emb noid nometa", props: &[
        "id text", "dataElement ref DataElement req", "categoryOptionCombo ref CategoryOptionCombo",
    ] },
    Def { singular: "section", plural: "sections", klass: "org.hisp.dhis.dataset.Section", order: 1320, traits: "name=req", props: &[
        "dataSet ref DataSet req", "sortOrder int", "description text", "showRowTotals bool",
        "showColumnTotals bool", "dataElements coll DataElement list", "indicators coll Indicator list",
        "greyedFields coll DataElementOperand emb", "disableDataElementAutoGroup bool since=34", "displayOptions text since=41",
    ] },
    Def { singular: "dataApprovalLevel", plural: "dataApprovalLevels", klass: "org.hisp.dhis.dataapproval.DataApprovalLevel", order: 1370, traits: "share", props: &[
        "level int", "orgUnitLevel int req", "categoryOptionGroupSet ref CategoryOptionGroupSet",
    ] },
    Def { singular: "dataApprovalWorkflow", plural: "dataApprovalWorkflows", klass: "org.hisp.dhis.dataapproval.DataApprovalWorkflow", order: 1380, traits: "share", props: &[
        "periodType text req", "categoryCombo ref CategoryCombo", "dataApprovalLevels coll DataApprovalLevel",
        "dataSets coll DataSet inv",
    ] },
    Def { singular: "validationRule", plural: "validationRules", klass: "org.hisp.dhis.validation.ValidationRule", order: 1390, traits: "share", props: &[
        "description text", "instruction text", "importance const org.hisp.dhis.validation.Importance",
        "operator const org.hisp.dhis.expression.Operator req", "periodType text req",
        "leftSide complex org.hisp.dhis.expression.Expression req",
        "rightSide complex org.hisp.dhis.expression.Expression req", "skipFormValidation bool",
        "organisationUnitLevels tcoll list", "displayInstruction text np",
        "validationRuleGroups coll ValidationRuleGroup inv",
    ] },
    Def { singular: "validationRuleGroup", plural: "validationRuleGroups", klass: "org.hisp.dhis.validation.ValidationRuleGroup", order: 1400, traits: "share", props: &[
        "description text", "validationRules coll ValidationRule",
    ] },
    Def { singular: "predictor", plural: "predictors", klass: "org.hisp.dhis.predictor.Predictor", order: 2001, traits: "", props: &[
        "description text", "output ref DataElement req", "outputCombo ref CategoryOptionCombo",
        "periodType text req", "generator complex org.hisp.dhis.expression.Expression req",
        "sampleSkipTest complex org.hisp.dhis.expression.Expression",
        "organisationUnitLevels coll OrganisationUnitLevel", "sequentialSampleCount int",
        "annualSampleCount int", "sequentialSkipCount int",
    ] },
    Def { singular: "aggregateDataExchange", plural: "aggregateDataExchanges", klass: "org.hisp.dhis.dataexchange.aggregate.AggregateDataExchange", order: 2100, traits: "share since=39", props: &[
        "source complex org.hisp.dhis.dataexchange.aggregate.Source req",
        "target complex org.hisp.dhis.dataexchange.aggregate.Target req",
    ] },
    Def { singular: "document", plural: "documents", klass: "org.hisp.dhis.document.Document", order: 2000, traits: "share", props: &[
        "url text req", "external bool", "contentType text", "attachment bool",
    ] },
    Def { singular: "visualization", plural: "visualizations", klass: "org.hisp.dhis.visualization.Visualization", order: 2000, traits: "share open name=req since=34", props: &[
        "type const org.hisp.dhis.visualization.VisualizationType req", "description text",
        "organisationUnits coll OrganisationUnit list",
        "dataDimensionItems coll org.hisp.dhis.common.DataDimensionItem emb list",
    ] },
    Def { singular: "chart", plural: "charts", klass: "org.hisp.dhis.chart.Chart", order: 2000, traits: "share open name=req until=34", props: &[
        "type const org.hisp.dhis.chart.ChartType req", "description text",
        "organisationUnits coll OrganisationUnit list", "legendSet ref LegendSet",
    ] },
    Def { singular: "reportTable", plural: "reportTables", klass: "org.hisp.dhis.reporttable.ReportTable", order: 2000, traits: "share open name=req until=34", props: &[
        "description text", "organisationUnits coll OrganisationUnit list", "legendSet ref LegendSet",
    ] },
    Def { singular: "map", plural: "maps", klass: "org.hisp.dhis.mapping.Map", order: 2000, traits: "share open name=req", props: &[
        "description text", "longitude num", "latitude num", "zoom int", "basemap text",
    ] },
    Def { singular: "dashboardItem", plural: "dashboardItems", klass: "org.hisp.dhis.dashboard.DashboardItem", order: 3500, traits: "emb share open name=none", props: &[
        "type const org.hisp.dhis.dashboard.DashboardItemType", "visualization ref Visualization since=34",
        "chart ref Chart until=34", "reportTable ref ReportTable until=34", "map ref Map", "text text",
        "users coll User list", "appKey text", "shape const org.hisp.dhis.dashboard.DashboardItemShape",
        "x int", "y int", "height int", "width int",
    ] },
    Def { singular: "dashboard", plural: "dashboards", klass: "org.hisp.dhis.dashboard.Dashboard", order: 3501, traits: "share name=req", props: &[
        "description text", "dashboardItems coll DashboardItem emb list", "itemCount int np",
        "restrictFilters bool since=36", "allowedFilters tcoll list since=36",
        "layout complex org.hisp.dhis.dashboard.design.Layout since=39",
    ] },
];
