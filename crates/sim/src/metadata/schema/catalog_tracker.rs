//! User, tracker and program rule schemas.

use super::build::{build, Def};
use super::spec::Schema;
use crate::SimVersion;

const STYLE: &str = "style complex org.hisp.dhis.common.ObjectStyle";
const RENDER_TYPE: &str = "renderType complex org.hisp.dhis.render.DeviceRenderTypeMap";

pub fn schemas(version: SimVersion) -> Vec<Schema> {
    DEFS.iter().filter_map(|def| build(def, version)).collect()
}

// A table: one definition per line pair reads better than rustfmt's struct layout.
#[rustfmt::skip]
static DEFS: &[Def] = &[
    Def { singular: "userRole", plural: "userRoles", klass: "org.hisp.dhis.user.UserAuthorityGroup", order: 100, traits: "share until=39", props: &[
        "description text", "authorities tcoll", "users coll User inv",
    ] },
    Def { singular: "userRole", plural: "userRoles", klass: "org.hisp.dhis.user.UserRole", order: 100, traits: "share since=39", props: &[
        "description text", "authorities tcoll", "users coll User inv",
    ] },
    // Before 2.38 credentials live in an embedded `userCredentials` object.
    Def { singular: "user", plural: "users", klass: "org.hisp.dhis.user.User", order: 101, traits: "name=none until=38", props: &[
        "name text np", "firstName text req", "surname text req", "email email", "phoneNumber text",
        "jobTitle text", "introduction text", "gender text", "birthday date", "nationality text",
        "employer text", "education text", "interests text", "languages text", "welcomeMessage text",
        "whatsApp text", "facebookMessenger text", "skype text", "telegram text", "twitter text",
        "userCredentials ref UserCredentials emb",
        "organisationUnits coll OrganisationUnit", "dataViewOrganisationUnits coll OrganisationUnit",
        "teiSearchOrganisationUnits coll OrganisationUnit", "userGroups coll UserGroup inv",
    ] },
    Def { singular: "userCredentials", plural: "userCredentials", klass: "org.hisp.dhis.user.UserCredentials", order: 0, traits: "emb name=none until=38", props: &[
        "username text req uniq", "password password", "userRoles coll UserRole",
        "catDimensionConstraints coll Category", "cogsDimensionConstraints coll CategoryOptionGroupSet",
        "disabled bool", "externalAuth bool", "openId text", "ldapId text", "twoFA bool",
        "passwordLastUpdated date", "lastLogin date", "accountExpiry date since=36",
        "selfRegistered bool", "invitation bool", "userInfo ref User",
    ] },
    Def { singular: "user", plural: "users", klass: "org.hisp.dhis.user.User", order: 101, traits: "name=none since=38", props: &[
        "name text np", "firstName text req", "surname text req", "email email", "phoneNumber text",
        "jobTitle text", "introduction text", "gender text", "birthday date", "nationality text",
        "employer text", "education text", "interests text", "languages text", "welcomeMessage text",
        "whatsApp text", "facebookMessenger text", "skype text", "telegram text", "twitter text",
        "username text req uniq", "password password", "userRoles coll UserRole",
        "catDimensionConstraints coll Category", "cogsDimensionConstraints coll CategoryOptionGroupSet",
        "disabled bool", "externalAuth bool", "openId text", "ldapId text", "twoFA bool until=40",
        "twoFactorEnabled bool np since=40", "passwordLastUpdated date", "lastLogin date",
        "accountExpiry date", "selfRegistered bool", "invitation bool",
        "userCredentials complex org.hisp.dhis.user.UserCredentialsDto",
        "organisationUnits coll OrganisationUnit", "dataViewOrganisationUnits coll OrganisationUnit",
        "teiSearchOrganisationUnits coll OrganisationUnit", "userGroups coll UserGroup inv",
    ] },
    Def { singular: "userGroup", plural: "userGroups", klass: "org.hisp.dhis.user.UserGroup", order: 102, traits: "share", props: &[
        "users coll User", "managedGroups coll UserGroup", "managedByGroups coll UserGroup inv",
    ] },
    Def { singular: "trackedEntityAttribute", plural: "trackedEntityAttributes", klass: "org.hisp.dhis.trackedentity.TrackedEntityAttribute", order: 1450, traits: "share short=uniq", props: &[
        "formName text", "valueType const org.hisp.dhis.common.ValueType req",
        "aggregationType const org.hisp.dhis.analytics.AggregationType req", "optionSet ref OptionSet",
        "legendSets coll LegendSet list", "unique bool", "generated bool", "pattern text", "inherit bool",
        "confidential bool", "orgunitScope bool", "displayInListNoProgram bool",
        "displayOnVisitSchedule bool", "skipSynchronization bool", "expression text", "fieldMask text",
        "sortOrderInListNoProgram int", STYLE,
    ] },
    Def { singular: "trackedEntityType", plural: "trackedEntityTypes", klass: "org.hisp.dhis.trackedentity.TrackedEntityType", order: 1480, traits: "data short=opt", props: &[
        "formName text", "allowAuditLog bool", "featureType const org.hisp.dhis.organisationunit.FeatureType",
        "maxTeiCountToReturn int", "minAttributesRequiredToSearch int",
        "trackedEntityTypeAttributes coll TrackedEntityTypeAttribute emb list", STYLE,
    ] },
    Def { singular: "trackedEntityTypeAttribute", plural: "trackedEntityTypeAttributes", klass: "org.hisp.dhis.trackedentity.TrackedEntityTypeAttribute", order: 0, traits: "emb name=none", props: &[
        "trackedEntityType ref TrackedEntityType", "trackedEntityAttribute ref TrackedEntityAttribute req",
        "displayInList bool", "mandatory bool", "searchable bool",
    ] },
    Def { singular: "programNotificationTemplate", plural: "programNotificationTemplates", klass: "org.hisp.dhis.program.notification.ProgramNotificationTemplate", order: 1508, traits: "name=req", props: &[
        "messageTemplate text req", "subjectTemplate text",
        "notificationTrigger const org.hisp.dhis.program.notification.NotificationTrigger",
        "notificationRecipient const org.hisp.dhis.program.notification.ProgramNotificationRecipient",
        "recipientUserGroup ref UserGroup", "relativeScheduledDays int",
        "recipientProgramAttribute ref TrackedEntityAttribute", "recipientDataElement ref DataElement",
        "deliveryChannels tcoll", "sendRepeatable bool since=37",
    ] },
    Def { singular: "programStageSection", plural: "programStageSections", klass: "org.hisp.dhis.program.ProgramStageSection", order: 1508, traits: "name=req", props: &[
        "description text", "formName text", "programStage ref ProgramStage", "sortOrder int",
        "dataElements coll DataElement list", "programIndicators coll ProgramIndicator list", RENDER_TYPE,
    ] },
    Def { singular: "programStage", plural: "programStages", klass: "org.hisp.dhis.program.ProgramStage", order: 1509, traits: "data name=req", props: &[
        "description text", "formName text", "program ref Program",
        "programStageDataElements coll ProgramStageDataElement emb",
        "programStageSections coll ProgramStageSection list",
        "notificationTemplates coll ProgramNotificationTemplate", "dataEntryForm ref DataEntryForm",
        "repeatable bool", "minDaysFromStart int", "standardInterval int", "executionDateLabel text",
        "dueDateLabel text", "autoGenerateEvent bool",
        "validationStrategy const org.hisp.dhis.program.ValidationStrategy",
        "displayGenerateEventBox bool", "featureType const org.hisp.dhis.organisationunit.FeatureType",
        "blockEntryForm bool", "preGenerateUID bool", "remindCompleted bool",
        "generatedByEnrollmentDate bool", "allowGenerateNextVisit bool", "openAfterEnrollment bool",
        "reportDateToUse text", "sortOrder int", "periodType text", "hideDueDate bool",
        "enableUserAssignment bool since=34", "referral bool since=40", "nextScheduleDate ref DataElement",
        "validCompleteOnly bool since=41", "programStageLabel text since=41", "eventLabel text since=41",
        "formType text np",
        STYLE,
    ] },
    Def { singular: "programStageDataElement", plural: "programStageDataElements", klass: "org.hisp.dhis.program.ProgramStageDataElement", order: 1510, traits: "emb name=none", props: &[
        "programStage ref ProgramStage", "dataElement ref DataElement req", "compulsory bool",
        "allowProvidedElsewhere bool", "sortOrder int", "displayInReports bool", "allowFutureDate bool",
        "renderOptionsAsRadio bool", RENDER_TYPE, "skipSynchronization bool", "skipAnalytics bool since=36",
    ] },
    Def { singular: "program", plural: "programs", klass: "org.hisp.dhis.program.Program", order: 1520, traits: "data short=opt", props: &[
        "formName text", "programType const org.hisp.dhis.program.ProgramType req", "version int",
        "enrollmentDateLabel text", "incidentDateLabel text", "onlyEnrollOnce bool",
        "displayIncidentDate bool", "selectEnrollmentDatesInFuture bool",
        "selectIncidentDatesInFuture bool", "ignoreOverdueEvents bool",
        "useFirstStageDuringRegistration bool", "displayFrontPageList bool",
        "trackedEntityType ref TrackedEntityType", "categoryCombo ref CategoryCombo req",
        "enrollmentCategoryCombo ref CategoryCombo since=41", "programStages coll ProgramStage",
        "programTrackedEntityAttributes coll ProgramTrackedEntityAttribute emb list",
        "programSections coll ProgramSection", "organisationUnits coll OrganisationUnit",
        "notificationTemplates coll ProgramNotificationTemplate",
        "programIndicators coll ProgramIndicator inv", "programRuleVariables coll ProgramRuleVariable inv",
        "dataEntryForm ref DataEntryForm", "relatedProgram ref Program", "skipOffline bool",
        "expiryDays int", "expiryPeriodType text", "completeEventsExpiryDays int",
        "openDaysAfterCoEndDate int since=38", "minAttributesRequiredToSearch int", "maxTeiCountToReturn int",
        "accessLevel const org.hisp.dhis.common.AccessLevel",
        "featureType const org.hisp.dhis.organisationunit.FeatureType", STYLE,
        "enrollmentLabel text since=41", "followUpLabel text since=41", "orgUnitLabel text since=41",
        "relationshipLabel text since=41", "noteLabel text since=41",
        "trackedEntityAttributeLabel text since=41", "programStageLabel text since=41",
        "eventLabel text since=41",
    ] },
    Def { singular: "programTrackedEntityAttribute", plural: "programTrackedEntityAttributes", klass: "org.hisp.dhis.program.ProgramTrackedEntityAttribute", order: 1521, traits: "emb name=none", props: &[
        "program ref Program", "trackedEntityAttribute ref TrackedEntityAttribute req",
        "displayInList bool", "mandatory bool", "allowFutureDate bool", "renderOptionsAsRadio bool",
        "searchable bool", "sortOrder int", RENDER_TYPE,
    ] },
    Def { singular: "programSection", plural: "programSections", klass: "org.hisp.dhis.program.ProgramSection", order: 1550, traits: "name=req", props: &[
        "description text", "formName text", "program ref Program", "sortOrder int",
        "trackedEntityAttributes coll TrackedEntityAttribute list", RENDER_TYPE,
    ] },
    Def { singular: "programIndicator", plural: "programIndicators", klass: "org.hisp.dhis.program.ProgramIndicator", order: 1560, traits: "share short=uniq", props: &[
        "formName text", "program ref Program req", "expression text", "filter text",
        "aggregationType const org.hisp.dhis.analytics.AggregationType",
        "analyticsType const org.hisp.dhis.program.AnalyticsType", "decimals int", "displayInForm bool",
        "legendSets coll LegendSet list", "analyticsPeriodBoundaries coll AnalyticsPeriodBoundary emb",
        "aggregateExportCategoryOptionCombo text", "aggregateExportAttributeOptionCombo text",
        "orgUnitField text since=40", "categoryCombo ref CategoryCombo since=41",
        "attributeCombo ref CategoryCombo since=41", STYLE,
    ] },
    Def { singular: "analyticsPeriodBoundary", plural: "analyticsPeriodBoundaries", klass: "org.hisp.dhis.program.AnalyticsPeriodBoundary", order: 0, traits: "emb name=none", props: &[
        "boundaryTarget text", "analyticsPeriodBoundaryType const org.hisp.dhis.program.AnalyticsPeriodBoundaryType",
        "offsetPeriods int", "offsetPeriodType text",
    ] },
    Def { singular: "programRuleVariable", plural: "programRuleVariables", klass: "org.hisp.dhis.programrule.ProgramRuleVariable", order: 1600, traits: "name=req", props: &[
        "program ref Program req",
        "programRuleVariableSourceType const org.hisp.dhis.programrule.ProgramRuleVariableSourceType req",
        "programStage ref ProgramStage", "dataElement ref DataElement",
        "trackedEntityAttribute ref TrackedEntityAttribute", "useCodeForOptionSet bool",
        "valueType const org.hisp.dhis.common.ValueType since=38",
    ] },
    Def { singular: "relationshipType", plural: "relationshipTypes", klass: "org.hisp.dhis.relationship.RelationshipType", order: 1600, traits: "data", props: &[
        "description text", "fromToName text", "toFromName text", "bidirectional bool",
        "fromConstraint ref RelationshipConstraint emb", "toConstraint ref RelationshipConstraint emb",
        "referral bool since=40",
    ] },
    Def { singular: "relationshipConstraint", plural: "relationshipConstraints", klass: "org.hisp.dhis.relationship.RelationshipConstraint", order: 0, traits: "emb noid nometa", props: &[
        "relationshipEntity const org.hisp.dhis.relationship.RelationshipEntity",
        "trackedEntityType ref TrackedEntityType", "program ref Program", "programStage ref ProgramStage",
        "trackerDataView complex org.hisp.dhis.relationship.TrackerDataView since=38",
    ] },
    Def { singular: "programRuleAction", plural: "programRuleActions", klass: "org.hisp.dhis.programrule.ProgramRuleAction", order: 1610, traits: "name=none", props: &[
        "programRuleActionType const org.hisp.dhis.programrule.ProgramRuleActionType req",
        "programRule ref ProgramRule", "data text", "content text", "location text",
        "dataElement ref DataElement", "trackedEntityAttribute ref TrackedEntityAttribute",
        "programIndicator ref ProgramIndicator", "programStageSection ref ProgramStageSection",
        "programStage ref ProgramStage", "option ref Option", "optionGroup ref OptionGroup",
        "templateUid text",
        "evaluationTime const org.hisp.dhis.programrule.ProgramRuleActionEvaluationTime since=41",
        "evaluationEnvironments tcoll since=41",
    ] },
    Def { singular: "programRule", plural: "programRules", klass: "org.hisp.dhis.programrule.ProgramRule", order: 1620, traits: "name=req", props: &[
        "description text", "program ref Program req", "programStage ref ProgramStage",
        "condition text", "priority int", "programRuleActions coll ProgramRuleAction",
    ] },
];
