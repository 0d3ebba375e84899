//! MDSync's aggregated and events rules (`builder.metadataIds` and `builder.dataParams`) as
//! this app's data rules. What maps is taken over; a part with a setting that does not map is
//! reported by name (see [`super::mdsync_import`]).

use serde_json::{Map, Value};

use super::mdsync_import::{is_empty, MdsyncImportError};
use super::model::{DatePeriod, RuleJob};
use crate::dhis2::data_values::{DataIdScheme, DataImportStrategy};
use crate::sync::aggregated::{
    AggregatedSelection, AggregatedSyncOptions, AggregationOptions, AggregationType,
    AttributeOptions,
};
use crate::sync::events::{
    Chosen, EventsPeriodField, EventsSelection, EventsSyncOptions, TrackedEntitiesPeriodField,
};

type Strings<'a> = &'a dyn Fn(&str) -> Result<Vec<String>, MdsyncImportError>;

/// The `dataParams` fields both data kinds read; any other one with a value is reported.
const COMMON: &[&str] = &[
    "orgUnitPaths",
    "period",
    "startDate",
    "endDate",
    "dryRun",
    "importMode",
];
const AGGREGATED: &[&str] = &[
    "lastUpdated",
    "allAttributeCategoryOptions",
    "attributeCategoryOptions",
    "strategy",
    "skipAudit",
    "idScheme",
    "ignoreDuplicateExistingValues",
    "enableAggregation",
    "aggregationType",
    "runAnalyticsBefore",
    "runAnalyticsAfter",
    "includeAnalyticsZeroValues",
    "analyticsYears",
];
const EVENTS: &[&str] = &[
    "events",
    "teis",
    "allEvents",
    "allTEIs",
    "eventsSyncPeriodField",
    "teisSyncPeriodField",
    "excludeTeiRelationships",
    "excludeEventCoordinates",
    "generateNewUid",
    "async",
    "skipRuleEngine",
];

/// The job of an MDSync `aggregated` or `events` rule, and (aggregated) the data ids whose
/// types MDSync does not store.
pub(super) fn convert_data(
    kind: &str,
    builder: &Map<String, Value>,
    strings: Strings<'_>,
    not_imported: &mut Vec<String>,
) -> Result<(RuleJob, Vec<String>), MdsyncImportError> {
    let params = builder
        .get("dataParams")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let known = [
        "originInstance",
        "targetInstances",
        "metadataIds",
        "metadataTypes",
        "dataParams",
        "syncParams",
        "syncRule",
        "filterRules",
    ];
    for (key, value) in builder {
        if !known.contains(&key.as_str()) && !is_empty(value) {
            not_imported.push(format!("builder.{key}"));
        }
    }
    if builder.get("filterRules").is_some_and(|v| !is_empty(v)) {
        not_imported.push("builder.filterRules (metadata filters do not apply to data)".into());
    }
    let ids = strings("metadataIds")?;
    let period = period(&params)?;
    let org_units: Vec<String> = list(&params, "orgUnitPaths")?;
    let dry_run = flag(&params, "dryRun") || word(&params, "importMode") == "VALIDATE";
    let handled: Vec<&str> = COMMON
        .iter()
        .chain(if kind == "aggregated" {
            AGGREGATED
        } else {
            EVENTS
        })
        .copied()
        .collect();
    for (key, value) in &params {
        if !handled.contains(&key.as_str()) && !is_empty(value) && !is_off(key, value) {
            not_imported.push(format!("builder.dataParams.{key}"));
        }
    }
    if kind == "aggregated" {
        let (selection, untyped) = aggregated_selection(ids, strings, &params, org_units, period)?;
        let options = aggregated_options(&params, dry_run, not_imported);
        Ok((RuleJob::Aggregated { selection, options }, untyped))
    } else {
        let selection = events_selection(ids, &params, org_units, period)?;
        let options = EventsSyncOptions {
            new_uids: flag(&params, "generateNewUid"),
            exclude_geometry: flag(&params, "excludeEventCoordinates"),
            exclude_relationships: flag(&params, "excludeTeiRelationships"),
            skip_side_effects: flag(&params, "skipRuleEngine"),
            async_import: flag(&params, "async"),
            dry_run,
            ..EventsSyncOptions::default()
        };
        Ok((RuleJob::Events { selection, options }, Vec::new()))
    }
}

/// Settings that are off: `false`, and MDSync's id schemes left at UID.
fn is_off(key: &str, value: &Value) -> bool {
    value == &Value::Bool(false)
        || (key.ends_with("IdScheme") && value.as_str() == Some("UID"))
        || (key == "enableAggregation" && value.is_null())
}

fn flag(params: &Map<String, Value>, field: &str) -> bool {
    params.get(field).and_then(Value::as_bool).unwrap_or(false)
}

fn word<'p>(params: &'p Map<String, Value>, field: &str) -> &'p str {
    params
        .get(field)
        .and_then(Value::as_str)
        .unwrap_or_default()
}

fn list(params: &Map<String, Value>, field: &str) -> Result<Vec<String>, MdsyncImportError> {
    match params.get(field) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(value) => {
            serde_json::from_value(value.clone()).map_err(|error| MdsyncImportError::Malformed {
                field: format!("builder.dataParams.{field}"),
                reason: error.to_string(),
            })
        }
    }
}

/// MDSync's `period` with `startDate`/`endDate` beside it (not nested, as filters have them).
fn period(params: &Map<String, Value>) -> Result<DatePeriod, MdsyncImportError> {
    let name = word(params, "period");
    if name.is_empty() {
        return Ok(DatePeriod::All);
    }
    let mut object = Map::new();
    object.insert("period".into(), Value::String(name.into()));
    for field in ["startDate", "endDate"] {
        if let Some(date) = params.get(field).and_then(Value::as_str) {
            object.insert(field.into(), Value::String(date.into()));
        }
    }
    serde_json::from_value(Value::Object(object)).map_err(|error| MdsyncImportError::Malformed {
        field: "builder.dataParams.period".into(),
        reason: error.to_string(),
    })
}

fn aggregated_selection(
    ids: Vec<String>,
    strings: Strings<'_>,
    params: &Map<String, Value>,
    org_units: Vec<String>,
    period: DatePeriod,
) -> Result<(AggregatedSelection, Vec<String>), MdsyncImportError> {
    let mut selection = AggregatedSelection {
        org_units,
        period,
        last_updated_since: params
            .get("lastUpdated")
            .and_then(Value::as_str)
            .map(|t| t.get(..19).unwrap_or(t).to_string()),
        ..AggregatedSelection::default()
    };
    let all_options = params
        .get("allAttributeCategoryOptions")
        .and_then(Value::as_bool)
        .unwrap_or(true);
    let chosen = list(params, "attributeCategoryOptions")?;
    if !all_options || !chosen.is_empty() {
        selection.attribute_options = AttributeOptions::Chosen {
            category_options: chosen,
        };
    }
    // MDSync stores the data items' ids without their types; one stated type is taken at
    // its word, else the import looks each id up on the origin.
    let types = strings("metadataTypes")?;
    let target = match types.as_slice() {
        [only] => match only.as_str() {
            "dataSets" => Some(&mut selection.data_sets),
            "dataElementGroups" => Some(&mut selection.data_element_groups),
            "dataElements" => Some(&mut selection.data_elements),
            "indicators" => Some(&mut selection.indicators),
            "programIndicators" => Some(&mut selection.program_indicators),
            _ => None,
        },
        _ => None,
    };
    match target {
        Some(list) => {
            *list = ids;
            Ok((selection, Vec::new()))
        }
        None => Ok((selection, ids)),
    }
}

fn aggregated_options(
    params: &Map<String, Value>,
    dry_run: bool,
    not_imported: &mut Vec<String>,
) -> AggregatedSyncOptions {
    let mut options = AggregatedSyncOptions {
        dry_run,
        skip_audit: flag(params, "skipAudit"),
        ignore_existing: flag(params, "ignoreDuplicateExistingValues"),
        strategy: match word(params, "strategy") {
            "NEW" | "CREATE" => DataImportStrategy::New,
            "UPDATES" | "UPDATE" => DataImportStrategy::Updates,
            "DELETES" | "DELETE" => DataImportStrategy::Deletes,
            _ => DataImportStrategy::NewAndUpdates,
        },
        id_scheme: match word(params, "idScheme") {
            "CODE" => DataIdScheme::Code,
            _ => DataIdScheme::Uid,
        },
        ..AggregatedSyncOptions::default()
    };
    if !["", "UID", "CODE"].contains(&word(params, "idScheme")) {
        not_imported.push("builder.dataParams.idScheme".into());
    }
    if flag(params, "enableAggregation") {
        let aggregation_type = match word(params, "aggregationType") {
            "DAILY" => Some(AggregationType::Daily),
            "WEEKLY" => Some(AggregationType::Weekly),
            "MONTHLY" => Some(AggregationType::Monthly),
            "QUARTERLY" => Some(AggregationType::Quarterly),
            "YEARLY" => Some(AggregationType::Yearly),
            _ => None,
        };
        match aggregation_type {
            Some(aggregation_type) => {
                options.aggregation = Some(AggregationOptions {
                    aggregation_type,
                    empty_as_zero: flag(params, "includeAnalyticsZeroValues"),
                    run_analytics_before: flag(params, "runAnalyticsBefore"),
                    run_analytics_after: flag(params, "runAnalyticsAfter"),
                    analytics_years: params
                        .get("analyticsYears")
                        .and_then(Value::as_u64)
                        .and_then(|y| u32::try_from(y).ok()),
                })
            }
            None => not_imported.push(
                "builder.dataParams.enableAggregation (no aggregationType this app knows: \
                 raw values)"
                    .into(),
            ),
        }
    }
    options
}

fn events_selection(
    programs: Vec<String>,
    params: &Map<String, Value>,
    org_units: Vec<String>,
    period: DatePeriod,
) -> Result<EventsSelection, MdsyncImportError> {
    let chosen = |all: &str, ids: &str| -> Result<Chosen, MdsyncImportError> {
        let all = params.get(all).and_then(Value::as_bool).unwrap_or(true);
        let ids = list(params, ids)?;
        // MDSync keeps the last picks when "all" is on; "all" wins there, as in MDSync.
        Ok(if all {
            Chosen::All
        } else {
            Chosen::Only { ids }
        })
    };
    Ok(EventsSelection {
        programs,
        org_units,
        include_children: false,
        period,
        events_period_field: match word(params, "eventsSyncPeriodField") {
            "LAST_UPDATED" => EventsPeriodField::LastUpdated,
            _ => EventsPeriodField::Occurred,
        },
        tracked_entities_period_field: match word(params, "teisSyncPeriodField") {
            "LAST_UPDATED" => TrackedEntitiesPeriodField::LastUpdated,
            _ => TrackedEntitiesPeriodField::Enrollment,
        },
        events: chosen("allEvents", "events")?,
        tracked_entities: chosen("allTEIs", "teis")?,
    })
}

/// The types of data items MDSync stored without them, looked up on the rule's origin; the
/// ids found nowhere are returned apart.
pub(super) async fn place_untyped_data<T: crate::dhis2::Transport>(
    client: &crate::dhis2::Dhis2Client<T>,
    ids: &[String],
    selection: &mut AggregatedSelection,
) -> Result<Vec<String>, crate::dhis2::Dhis2Error> {
    use crate::dhis2::metadata_list::{fetch_all_ids, ListFilters};
    let mut left: Vec<String> = ids.to_vec();
    let lists: [(&str, &mut Vec<String>); 5] = [
        ("dataSets", &mut selection.data_sets),
        ("dataElementGroups", &mut selection.data_element_groups),
        ("dataElements", &mut selection.data_elements),
        ("indicators", &mut selection.indicators),
        ("programIndicators", &mut selection.program_indicators),
    ];
    for (plural, list) in lists {
        // Batches keep each URL short.
        let batches: Vec<Vec<String>> = left.chunks(50).map(<[String]>::to_vec).collect();
        for batch in batches {
            let filters = ListFilters {
                filters: vec![format!("id:in:[{}]", batch.join(","))],
                any: false,
            };
            for found in fetch_all_ids(client, plural, &filters).await? {
                if batch.contains(&found) && !list.contains(&found) {
                    list.push(found);
                }
            }
        }
        left.retain(|id| !list.contains(id));
        if left.is_empty() {
            break;
        }
    }
    Ok(left)
}
