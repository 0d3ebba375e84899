//! `POST /api/dataValueSets`: DHIS2's import loop — references resolved by id scheme, values
//! checked against value types and option sets, unchanged values ignored, soft deletes.

use super::conflicts::{header_conflict, value_conflict, ConflictKind};
use super::dates::{now_millis, parse_timestamp};
use super::meta::{uid_of, Lookup};
pub use super::settings::ImportSettings;
use super::store::{StoredValue, ValueKey, ValueTable};
use super::summary::{Conflicts, ImportOutcome, ImportStatus};
use super::validate::{check_value, is_insignificant_zero, normalize_boolean};
use crate::metadata::MetadataStore;
use crate::SimVersion;
use serde_json::Value;
use std::collections::{HashMap, HashSet};

struct ElementInfo {
    uid: String,
    value_type: String,
    zero_is_significant: bool,
    option_codes: Option<HashSet<String>>,
}

/// The option codes of an option set (empty when the set is unknown); options listed only by id
/// take their code from the stored option. The tracker importer checks against them too.
pub(crate) fn option_codes(metadata: &MetadataStore, set_uid: &str) -> Vec<String> {
    let Some(set) = metadata.get("optionSets", set_uid) else {
        return Vec::new();
    };
    set.get("options")
        .and_then(Value::as_array)
        .map(|options| {
            options
                .iter()
                .filter_map(|option| {
                    let inline = option
                        .get("code")
                        .and_then(Value::as_str)
                        .map(str::to_string);
                    inline.or_else(|| {
                        let stored = metadata.get("options", &uid_of(option)?)?;
                        stored
                            .get("code")
                            .and_then(Value::as_str)
                            .map(str::to_string)
                    })
                })
                .collect()
        })
        .unwrap_or_default()
}

fn element_info(metadata: &MetadataStore, element: &Value) -> Option<ElementInfo> {
    let text = |key: &str| element.get(key).and_then(Value::as_str);
    let option_codes = element
        .get("optionSet")
        .and_then(uid_of)
        .map(|set_uid| option_codes(metadata, &set_uid).into_iter().collect());
    Some(ElementInfo {
        uid: text("id")?.to_string(),
        value_type: text("valueType").unwrap_or("TEXT").to_string(),
        // Averaged data elements keep their zeros whatever `zeroIsSignificant` says.
        zero_is_significant: element
            .get("zeroIsSignificant")
            .and_then(Value::as_bool)
            .unwrap_or(false)
            || matches!(
                text("aggregationType"),
                Some("AVERAGE" | "AVERAGE_SUM_ORG_UNIT")
            ),
        option_codes,
    })
}

fn text_field<'v>(object: &'v Value, key: &str) -> Option<&'v str> {
    object
        .get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|text| !text.is_empty())
}

/// Runs one import of a data value set payload against `table`.
pub fn import_values(
    table: &mut ValueTable,
    metadata: &MetadataStore,
    version: SimVersion,
    payload: &Value,
    settings: &ImportSettings,
) -> ImportOutcome {
    let mut lookup = Lookup::new(metadata);
    let schemes = &settings.schemes;
    let mut conflicts = Conflicts::default();
    let outcome =
        |status, description: &str, conflicts, rejected, counts: [usize; 4], complete: String| {
            ImportOutcome {
                status,
                description: description.to_string(),
                imported: counts[0],
                updated: counts[1],
                ignored: counts[2],
                deleted: counts[3],
                conflicts,
                rejected_indexes: rejected,
                data_set_complete: complete,
            }
        };
    let empty = Vec::new();
    let values = payload
        .get("dataValues")
        .and_then(Value::as_array)
        .unwrap_or(&empty);

    // Header: data set, org unit, period and attribute combo apply to every value.
    let data_set_key = text_field(payload, "dataSet");
    let data_set =
        data_set_key.and_then(|key| lookup.find("dataSets", &schemes.for_plural("dataSets"), key));
    let header_unit_key = text_field(payload, "orgUnit");
    let header_unit = header_unit_key
        .and_then(|key| {
            lookup.find(
                "organisationUnits",
                &schemes.for_plural("organisationUnits"),
                key,
            )
        })
        .and_then(uid_of);
    let header_aoc_key = text_field(payload, "attributeOptionCombo");
    let header_aoc =
        header_aoc_key.and_then(|key| lookup.find_combo(&schemes.attribute_combo(), key));
    let header_period = text_field(payload, "period");
    if let (Some(key), None) = (data_set_key, data_set) {
        conflicts.add(None, header_conflict(version, ConflictKind::DataSet, key));
    }
    if let (Some(key), None) = (header_unit_key, &header_unit) {
        conflicts.add(
            None,
            header_conflict(version, ConflictKind::HeaderOrgUnit, key),
        );
    }
    if let (Some(key), None) = (header_aoc_key, &header_aoc) {
        conflicts.add(
            None,
            header_conflict(version, ConflictKind::HeaderAttributeCombo, key),
        );
    }
    if !conflicts.is_empty() {
        let all: Vec<usize> = (0..values.len()).collect();
        let counts = [0, 0, values.len(), 0];
        return outcome(
            ImportStatus::Error,
            "Import process was aborted",
            conflicts,
            all,
            counts,
            "false".into(),
        );
    }

    let now = now_millis();
    let mut data_set_complete = "false".to_string();
    let completion = text_field(payload, "completeDate").and_then(parse_timestamp);
    if let (Some(data_set), Some(when), Some(period), Some(unit)) =
        (data_set, completion, header_period, &header_unit)
    {
        data_set_complete = super::dates::format_date(when);
        if !settings.dry_run {
            let default_combo = lookup.default_combo_uid();
            let aoc = header_aoc.clone().unwrap_or(default_combo);
            if let (Some(ds), Some(pe)) = (uid_of(data_set), table.intern_period(period)) {
                let key = (
                    table.uids.intern(&ds),
                    pe,
                    table.uids.intern(unit),
                    table.uids.intern(&aoc),
                );
                table.completions.insert(key, when);
            }
        }
    }

    let default_combo = table.uids.intern(&lookup.default_combo_uid());
    let user = table.users.intern(&settings.username);
    let element_scheme = schemes.for_plural("dataElements");
    let unit_scheme = schemes.for_plural("organisationUnits");
    let combo_scheme = schemes.for_plural("categoryOptionCombos");
    let aoc_scheme = schemes.attribute_combo();
    let mut elements: HashMap<String, Option<ElementInfo>> = HashMap::new();
    let mut units: HashMap<String, Option<u32>> = HashMap::new();
    let mut combos: HashMap<String, Option<u32>> = HashMap::new();
    let mut rejected = Vec::new();
    let (mut imported, mut updated, mut deleted) = (0, 0, 0);
    let delete_strategy = settings.strategy == "DELETE";

    for (index, entry) in values.iter().enumerate() {
        let mut reject = |kind: ConflictKind, key: &str, extra: &str| {
            conflicts.add(Some(index), value_conflict(version, kind, key, extra));
            rejected.push(index);
        };
        let element_key = text_field(entry, "dataElement").unwrap_or("");
        let info = elements.entry(element_key.to_string()).or_insert_with(|| {
            lookup
                .find("dataElements", &element_scheme, element_key)
                .and_then(|element| element_info(metadata, element))
        });
        let Some(info) = info.as_ref() else {
            reject(ConflictKind::DataElement, element_key, "");
            continue;
        };
        let period_key = header_period.or(text_field(entry, "period")).unwrap_or("");
        let Some(period) = table.intern_period(period_key) else {
            reject(ConflictKind::Period, period_key, "");
            continue;
        };
        let unit_key = text_field(entry, "orgUnit").unwrap_or("");
        let unit = match &header_unit {
            Some(uid) => Some(table.uids.intern(uid)),
            None => *units.entry(unit_key.to_string()).or_insert_with(|| {
                let uid = lookup
                    .find("organisationUnits", &unit_scheme, unit_key)
                    .and_then(uid_of)?;
                Some(table.uids.intern(&uid))
            }),
        };
        let Some(unit) = unit else {
            reject(ConflictKind::OrgUnit, unit_key, "");
            continue;
        };
        let mut resolve_combo = |key: &str, scheme| {
            *combos
                .entry(format!("{:?}|{key}", scheme))
                .or_insert_with(|| {
                    lookup
                        .find_combo(scheme, key)
                        .map(|uid| table.uids.intern(&uid))
                })
        };
        let coc = match text_field(entry, "categoryOptionCombo") {
            None => default_combo,
            Some(key) => match resolve_combo(key, &combo_scheme) {
                Some(handle) => handle,
                None => {
                    reject(ConflictKind::CategoryCombo, key, "");
                    continue;
                }
            },
        };
        let aoc = match (&header_aoc, text_field(entry, "attributeOptionCombo")) {
            (Some(uid), _) => table.uids.intern(uid),
            (None, None) => default_combo,
            (None, Some(key)) => match resolve_combo(key, &aoc_scheme) {
                Some(handle) => handle,
                None => {
                    reject(ConflictKind::AttributeCombo, key, "");
                    continue;
                }
            },
        };
        let value = entry.get("value").and_then(|v| match v {
            Value::String(text) => Some(text.clone()),
            Value::Null => None,
            other => Some(other.to_string()),
        });
        let value = value
            .filter(|text| !text.is_empty())
            .map(|v| normalize_boolean(&v, &info.value_type));
        let comment = text_field(entry, "comment").map(str::to_string);
        let marked_deleted = entry
            .get("deleted")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let deleting = delete_strategy || marked_deleted;
        if value.is_none() && comment.is_none() && !deleting {
            reject(ConflictKind::NoValue, &info.uid, "");
            continue;
        }
        if let (Some(text), false) = (&value, deleting) {
            if let Some(problem) = check_value(text, &info.value_type) {
                reject(ConflictKind::ValueType(problem), &info.uid, text);
                continue;
            }
            if info
                .option_codes
                .as_ref()
                .is_some_and(|codes| !codes.contains(text))
            {
                reject(ConflictKind::Option, &info.uid, text);
                continue;
            }
            if is_insignificant_zero(text, &info.value_type, info.zero_is_significant) {
                // 2.30 reports a conflict; later versions skip the value silently ("ignored").
                if version.minor < 31 {
                    reject(ConflictKind::InsignificantZero, &info.uid, text);
                }
                continue;
            }
        }

        let key = ValueKey {
            data_element: table.uids.intern(&info.uid),
            period,
            org_unit: unit,
            category_option_combo: coc,
            attribute_option_combo: aoc,
        };
        let existing = table.get(&key).filter(|stored| !stored.deleted).cloned();
        if deleting {
            if existing.is_some() {
                deleted += 1;
                if !settings.dry_run {
                    table.soft_delete(&key, now);
                }
            }
            continue;
        }
        let follow_up = entry
            .get("followup")
            .or_else(|| entry.get("followUp"))
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let stored_by = text_field(entry, "storedBy")
            .map(|name| table.users.intern(name))
            .unwrap_or(user);
        let fresh = StoredValue {
            value: value.map(String::into_boxed_str),
            comment: comment.map(String::into_boxed_str),
            stored_by,
            created: existing.as_ref().map(|e| e.created).unwrap_or(now),
            last_updated: now,
            follow_up,
            deleted: false,
        };
        match existing {
            Some(old) => {
                let unchanged = old.value == fresh.value
                    && old.comment == fresh.comment
                    && old.follow_up == fresh.follow_up;
                if unchanged || settings.strategy == "CREATE" {
                    continue;
                }
                updated += 1;
            }
            None if settings.strategy == "UPDATE" => continue,
            None => imported += 1,
        }
        if !settings.dry_run {
            table.put(key, fresh);
        }
    }

    let ignored = values.len() - imported - updated - deleted;
    let status = if conflicts.is_empty() {
        ImportStatus::Success
    } else {
        ImportStatus::Warning
    };
    let counts = [imported, updated, ignored, deleted];
    outcome(
        status,
        "Import process completed successfully",
        conflicts,
        rejected,
        counts,
        data_set_complete,
    )
}
