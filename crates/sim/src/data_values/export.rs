//! `GET /api/dataValueSets`: parameters, validation messages per version, id schemes and the
//! streaming writer's shape.

use super::dates::{format_with_zone, now_millis, parse_timestamp, Millis};
use super::meta::{
    data_set_elements, referenced_ids, uid_of, Hierarchy, IdScheme, IdSchemes, Lookup,
};
use super::store::ValueTable;
use super::summary::coded_web_message;
use crate::metadata::MetadataStore;
use crate::{RequestContext, SimResponse, SimVersion};
use serde_json::{json, Map, Value};
use std::collections::{BTreeSet, HashMap, HashSet};

/// Every value of a repeatable parameter, comma-separated lists split.
pub fn list_param(ctx: &RequestContext, key: &str) -> Vec<String> {
    ctx.query
        .all(key)
        .into_iter()
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .filter(|value| !value.is_empty())
        .map(str::to_string)
        .collect()
}

fn input_scheme(ctx: &RequestContext, specific: &str) -> IdScheme {
    ctx.query
        .get(specific)
        .or_else(|| ctx.query.get("inputIdScheme"))
        .and_then(IdScheme::parse)
        .unwrap_or(IdScheme::Uid)
}

/// `10d`, `3h`, `30m`, `45s` → milliseconds.
fn parse_duration(text: &str) -> Option<Millis> {
    let text = text.trim();
    let unit = text.chars().last()?;
    let amount: i64 = text[..text.len() - unit.len_utf8()].parse().ok()?;
    let factor = match unit {
        'd' => 86_400_000,
        'h' => 3_600_000,
        'm' => 60_000,
        's' => 1000,
        _ => return None,
    };
    Some(amount * factor)
}

/// A query violation: the plain message until 2.34; from 2.35 `validate` throws
/// `IllegalQueryException(new ErrorMessage(ErrorCode.E20xx))` and the 409 WebMessage carries
/// the `ErrorCode` text and `errorCode` (`CrudControllerAdvice` → `conflict(message, errorCode)`).
fn violation(version: SimVersion, legacy: &str, modern: &str, code: &str) -> SimResponse {
    if version.minor >= 35 {
        coded_web_message(409, modern, Some(code))
    } else {
        coded_web_message(409, legacy, None)
    }
}

struct Selection {
    data_sets: Vec<String>,
    data_elements: BTreeSet<String>,
    org_units: Vec<String>,
    org_unit_groups: Vec<String>,
}

fn select(ctx: &RequestContext, metadata: &MetadataStore) -> Selection {
    let mut lookup = Lookup::new(metadata);
    let mut data_sets = Vec::new();
    let mut data_elements = BTreeSet::new();
    let data_set_scheme = input_scheme(ctx, "inputDataSetIdScheme");
    for key in list_param(ctx, "dataSet") {
        if let Some(data_set) = lookup.find("dataSets", &data_set_scheme, &key) {
            data_elements.extend(data_set_elements(data_set));
            data_sets.extend(uid_of(data_set));
        }
    }
    let group_scheme = input_scheme(ctx, "inputDataElementGroupIdScheme");
    for key in list_param(ctx, "dataElementGroup") {
        if let Some(group) = lookup.find("dataElementGroups", &group_scheme, &key) {
            data_elements.extend(referenced_ids(group, "dataElements", None));
        }
    }
    if ctx.version.minor >= 39 {
        let element_scheme = input_scheme(ctx, "inputDataElementIdScheme");
        for key in list_param(ctx, "dataElement") {
            if let Some(element) = lookup.find("dataElements", &element_scheme, &key) {
                data_elements.extend(uid_of(element));
            }
        }
    }
    let unit_scheme = input_scheme(ctx, "inputOrgUnitIdScheme");
    let org_units = list_param(ctx, "orgUnit")
        .iter()
        .filter_map(|key| {
            lookup
                .find("organisationUnits", &unit_scheme, key)
                .and_then(uid_of)
        })
        .collect();
    let org_unit_groups = list_param(ctx, "orgUnitGroup")
        .iter()
        .filter_map(|key| metadata.get("organisationUnitGroups", key))
        .flat_map(|group| referenced_ids(group, "organisationUnits", None))
        .collect();
    Selection {
        data_sets,
        data_elements,
        org_units,
        org_unit_groups,
    }
}

/// Answers `GET /api/dataValueSets`.
pub fn export(table: &ValueTable, ctx: &RequestContext, metadata: &MetadataStore) -> SimResponse {
    let version = ctx.version;
    let selection = select(ctx, metadata);
    let periods = list_param(ctx, "period");
    let start = ctx.query.get("startDate").map(parse_timestamp);
    let end = ctx.query.get("endDate").map(parse_timestamp);
    let last_updated = ctx.query.get("lastUpdated").and_then(parse_timestamp);
    let duration_text = ctx.query.get("lastUpdatedDuration");
    let duration = duration_text.and_then(parse_duration);
    let children = ctx.query.flag("children");
    let limit = ctx.query.get("limit").and_then(|l| l.parse::<i64>().ok());
    let has_dates = matches!((start, end), (Some(Some(_)), Some(Some(_))));

    // DHIS2 checks every rule in turn and throws the last violation it found.
    let mut failure = None;
    if selection.data_elements.is_empty() {
        failure = Some(violation(
            version,
            "At least one valid data set or data element group must be specified",
            "At least one data element, data set or data element group must be specified",
            "E2001",
        ));
    }
    if periods.is_empty() && !has_dates && last_updated.is_none() && duration_text.is_none() {
        failure = Some(violation(
            version,
            "At least one valid period, start/end dates, last updated or last updated duration must be specified",
            "At least one period, start/end dates, last updated or last updated duration must be specified",
            "E2002",
        ));
    }
    if !periods.is_empty() && has_dates {
        let text = "Both periods and start/end date cannot be specified";
        failure = Some(violation(version, text, text, "E2003"));
    }
    if let (Some(Some(start)), Some(Some(end))) = (start, end) {
        if start > end {
            let text = "Start date must be before end date";
            failure = Some(violation(version, text, text, "E2004"));
        }
    }
    if let (Some(text), None) = (duration_text, duration) {
        failure = Some(violation(
            version,
            &format!("Duration is not valid: {text}"),
            &format!("Duration is not valid: `{text}`"),
            "E2005",
        ));
    }
    if selection.org_units.is_empty() && selection.org_unit_groups.is_empty() {
        failure = Some(violation(
            version,
            "At least one valid organisation unit or organisation unit group must be specified",
            "At least one organisation unit or organisation unit group must be specified",
            "E2006",
        ));
    }
    if children && !selection.org_unit_groups.is_empty() {
        failure = Some(violation(
            version,
            "Children cannot be included for organisation unit groups",
            "Organisation unit children cannot be included for organisation unit groups",
            "E2007",
        ));
    }
    if children && selection.org_units.is_empty() {
        failure = Some(violation(
            version,
            "At least one valid organisation unit must be specified when children is included",
            "At least one organisation unit must be specified when children are included",
            "E2008",
        ));
    }
    if let Some(limit) = limit.filter(|limit| *limit < 0) {
        failure = Some(violation(
            version,
            &format!("Limit cannot be less than zero: {limit}"),
            &format!("Limit cannot be less than zero: `{limit}`"),
            "E2009",
        ));
    }
    if let Some(response) = failure {
        return response;
    }

    let mut units: HashSet<String> = selection.org_unit_groups.iter().cloned().collect();
    if children {
        let hierarchy = Hierarchy::new(metadata);
        for root in &selection.org_units {
            units.extend(hierarchy.with_descendants(root));
        }
    } else {
        units.extend(selection.org_units.iter().cloned());
    }
    let unit_handles: HashSet<u32> = units.iter().filter_map(|u| table.uids.lookup(u)).collect();
    let period_handles: Vec<u32> = if !periods.is_empty() {
        periods
            .iter()
            .filter_map(|p| table.periods.lookup(p))
            .collect()
    } else {
        let (from, to) = match (start, end) {
            (Some(Some(from)), Some(Some(to))) => (from / 86_400_000, to / 86_400_000),
            _ => (i64::MIN, i64::MAX),
        };
        (0..table.period_ranges.len() as u32)
            .filter(|h| {
                table
                    .period(*h)
                    .is_some_and(|p| p.start >= from && p.end <= to)
            })
            .collect()
    };
    let updated_since = match (last_updated, duration) {
        (Some(since), _) => Some(since),
        (None, Some(duration)) => Some(now_millis() - duration),
        _ => None,
    };
    let include_deleted = ctx.query.flag("includeDeleted");
    let attribute_combos: Option<HashSet<u32>> = ctx.query.get("attributeOptionCombo").map(|aoc| {
        aoc.split(',')
            .filter_map(|uid| table.uids.lookup(uid.trim()))
            .collect()
    });

    let schemes = IdSchemes::read(|key| ctx.query.get(key).map(str::to_string));
    let mut writer = Writer::new(metadata, &schemes, version);
    let mut values = Vec::new();
    let max = limit.map(|l| l as usize).unwrap_or(usize::MAX);
    'scan: for element in &selection.data_elements {
        let Some(element_handle) = table.uids.lookup(element) else {
            continue;
        };
        for period in &period_handles {
            for (key, stored) in table.scan(element_handle, *period) {
                if values.len() >= max {
                    break 'scan;
                }
                let wanted = unit_handles.contains(&key.org_unit)
                    && (include_deleted || !stored.deleted)
                    && updated_since.is_none_or(|since| stored.last_updated >= since)
                    && attribute_combos
                        .as_ref()
                        .is_none_or(|combos| combos.contains(&key.attribute_option_combo));
                if wanted {
                    values.push(writer.value(table, key, stored));
                }
            }
        }
    }

    let mut body = Map::new();
    let single =
        selection.data_sets.len() == 1 && periods.len() == 1 && selection.org_units.len() == 1;
    if single {
        let data_set = &selection.data_sets[0];
        let unit = &selection.org_units[0];
        body.insert(
            "dataSet".into(),
            json!(writer.identifier("dataSets", data_set)),
        );
        let completion = (|| {
            let key = (
                table.uids.lookup(data_set)?,
                table.periods.lookup(&periods[0])?,
                table.uids.lookup(unit)?,
            );
            table
                .completions
                .iter()
                .find(|((ds, pe, ou, _), _)| (*ds, *pe, *ou) == key)
                .map(|(_, when)| *when)
        })();
        // 2.38+ (`JsonDataValueSetWriter.writeHeader`) writes `completeDate` even when null;
        // the older `StreamingJsonDataValueSet` skips null header fields.
        match completion {
            Some(when) => drop(body.insert("completeDate".into(), json!(format_with_zone(when)))),
            None if version.minor >= 38 => drop(body.insert("completeDate".into(), Value::Null)),
            None => {}
        }
        body.insert("period".into(), json!(periods[0]));
        body.insert(
            "orgUnit".into(),
            json!(writer.identifier("organisationUnits", unit)),
        );
    }
    // Until 2.37 the `dataValues` array is opened by the first value: an empty export is `{}`
    // (or the header alone); 2.38's writer always opens it.
    if !values.is_empty() || version.minor >= 38 {
        body.insert("dataValues".into(), Value::Array(values));
    }
    SimResponse::json(200, &Value::Object(body))
}

/// Writes values with the requested output id schemes, caching identifiers per handle.
struct Writer<'m> {
    lookup: Lookup<'m>,
    schemes: &'m IdSchemes,
    version: SimVersion,
    cache: HashMap<(&'static str, String), String>,
}

impl<'m> Writer<'m> {
    fn new(metadata: &'m MetadataStore, schemes: &'m IdSchemes, version: SimVersion) -> Self {
        Writer {
            lookup: Lookup::new(metadata),
            schemes,
            version,
            cache: HashMap::new(),
        }
    }

    fn identifier_with(&mut self, plural: &'static str, scheme: IdScheme, uid: &str) -> String {
        if scheme == IdScheme::Uid {
            return uid.to_string();
        }
        let key = (plural, format!("{}|{uid}", scheme.label()));
        if let Some(known) = self.cache.get(&key) {
            return known.clone();
        }
        let found = self
            .lookup
            .find(plural, &IdScheme::Uid, uid)
            .and_then(|object| scheme.identifier_of(object))
            .unwrap_or_else(|| uid.to_string());
        self.cache.insert(key, found.clone());
        found
    }

    fn identifier(&mut self, plural: &'static str, uid: &str) -> String {
        let scheme = self.schemes.for_plural(plural);
        self.identifier_with(plural, scheme, uid)
    }

    fn value(
        &mut self,
        table: &ValueTable,
        key: &super::store::ValueKey,
        stored: &super::store::StoredValue,
    ) -> Value {
        let uid = |handle: u32| table.uids.name(handle).to_string();
        let mut out = Map::new();
        out.insert(
            "dataElement".into(),
            json!(self.identifier("dataElements", &uid(key.data_element))),
        );
        out.insert("period".into(), json!(table.periods.name(key.period)));
        out.insert(
            "orgUnit".into(),
            json!(self.identifier("organisationUnits", &uid(key.org_unit))),
        );
        let coc = self.identifier("categoryOptionCombos", &uid(key.category_option_combo));
        out.insert("categoryOptionCombo".into(), json!(coc));
        let aoc_scheme = self.schemes.attribute_combo();
        let aoc = self.identifier_with(
            "categoryOptionCombos",
            aoc_scheme,
            &uid(key.attribute_option_combo),
        );
        out.insert("attributeOptionCombo".into(), json!(aoc));
        // 2.38+ writes null string fields as null; earlier writers leave them out.
        let modern = self.version.minor >= 38;
        match (&stored.value, modern) {
            (Some(value), _) => drop(out.insert("value".into(), json!(value))),
            (None, true) => drop(out.insert("value".into(), Value::Null)),
            (None, false) => {}
        }
        out.insert("storedBy".into(), json!(table.users.name(stored.stored_by)));
        out.insert("created".into(), json!(format_with_zone(stored.created)));
        out.insert(
            "lastUpdated".into(),
            json!(format_with_zone(stored.last_updated)),
        );
        match (&stored.comment, modern) {
            (Some(comment), _) => drop(out.insert("comment".into(), json!(comment))),
            (None, true) => drop(out.insert("comment".into(), Value::Null)),
            (None, false) => {}
        }
        out.insert("followup".into(), json!(stored.follow_up));
        if stored.deleted {
            out.insert("deleted".into(), json!(true));
        }
        Value::Object(out)
    }
}
