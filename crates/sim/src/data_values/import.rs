//! `POST /api/dataValueSets`: DHIS2's import loop — references resolved by id scheme, the
//! importing user's access checked, values checked against value types, option sets, the strict
//! modes and locked periods, unchanged values ignored, soft deletes.

use super::checks::{Finding, Gate, ValueRefs};
use super::conflicts::{value_conflict, ConflictKind};
use super::dates::now_millis;
pub use super::elements::option_codes;
use super::elements::{element_info, ElementInfo};
use super::header::{text_field, Header};
use super::locks::LockExceptions;
use super::meta::{uid_of, Lookup};
pub use super::settings::ImportSettings;
use super::store::{StoredValue, ValueKey, ValueTable};
use super::summary::{Conflicts, ImportOutcome, ImportStatus};
use super::system_settings::DataImportSystemSettings;
use super::validate::{check_value, is_insignificant_zero, normalize_boolean};
use crate::metadata::MetadataStore;
use crate::SimVersion;
use serde_json::Value;
use std::collections::HashMap;

/// What the instance adds to a request's own options: its system settings and lock exceptions.
#[derive(Clone, Copy)]
pub struct InstanceRules<'a> {
    pub system: DataImportSystemSettings,
    pub locks: &'a LockExceptions,
}

fn outcome(
    status: ImportStatus,
    description: &str,
    conflicts: Conflicts,
    rejected: Vec<usize>,
    counts: [usize; 4],
    complete: String,
) -> ImportOutcome {
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
}

/// An unchanged value (same value, comment and follow-up) counts as ignored from 2.38.6,
/// 2.39.5, 2.40.3 and 2.41.0 (DHIS2-15254, `dataValueUpdateShouldBeIgnored`); as updated before.
pub fn ignores_unchanged(version: SimVersion) -> bool {
    version.has_fix(&[(38, 6), (39, 5), (40, 3), (41, 0)])
}

/// Adds the conflicts of one refused value.
fn refuse(
    conflicts: &mut Conflicts,
    rejected: &mut Vec<usize>,
    index: usize,
    version: SimVersion,
    findings: Vec<Finding>,
) {
    for finding in findings {
        conflicts.add(Some(index), finding.conflict(version));
    }
    rejected.push(index);
}

/// Runs one import of a data value set payload against `table`.
pub fn import_values(
    table: &mut ValueTable,
    metadata: &MetadataStore,
    version: SimVersion,
    payload: &Value,
    settings: &ImportSettings,
    rules: InstanceRules,
) -> ImportOutcome {
    let mut lookup = Lookup::new(metadata);
    let schemes = &settings.schemes;
    let empty = Vec::new();
    let values = payload
        .get("dataValues")
        .and_then(Value::as_array)
        .unwrap_or(&empty);

    // Header: data set, org unit, period and attribute combo apply to every value.
    let header = Header::read(&mut lookup, payload, schemes);
    let mut gate = Gate::new(
        version,
        metadata,
        settings.user.as_ref(),
        settings.strict.or(rules.system.strict),
        rules.system.strict_data_set_locking,
        settings.force,
        header.data_set,
        rules.locks,
    );
    let mut conflicts = header.missing(version);
    if conflicts.is_empty() {
        for finding in gate.header(header.data_set_key) {
            conflicts.add(None, finding.conflict(version));
        }
    }
    // DHIS2 returns before reading any value (`abortDataSetImport`, 2.37+; the `ERROR` status
    // check of 2.30–2.36): no value is counted, none is rejected.
    if !conflicts.is_empty() {
        return outcome(
            ImportStatus::Error,
            "Import process was aborted",
            conflicts,
            Vec::new(),
            [0; 4],
            "false".into(),
        );
    }

    let now = now_millis();
    let default_uid = lookup.default_combo_uid();
    let data_set_complete = header.complete(
        payload,
        table,
        &default_uid,
        settings.dry_run,
        &mut conflicts,
    );
    let default_combo = table.uids.intern(&default_uid);
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
        let period_key = header.period.or(text_field(entry, "period")).unwrap_or("");
        let Some((period, parsed)) = table
            .intern_period(period_key)
            .and_then(|handle| Some((handle, *table.period(handle)?)))
        else {
            reject(ConflictKind::Period, period_key, "");
            continue;
        };
        let unit_key = header
            .unit_key
            .or(text_field(entry, "orgUnit"))
            .unwrap_or("");
        let unit = match &header.unit {
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
        let combo_key = text_field(entry, "categoryOptionCombo");
        let coc = match combo_key {
            None => default_combo,
            Some(key) => match resolve_combo(key, &combo_scheme) {
                Some(handle) => handle,
                None => {
                    reject(ConflictKind::CategoryCombo, key, "");
                    continue;
                }
            },
        };
        let attribute_key = header
            .attribute_key
            .or(text_field(entry, "attributeOptionCombo"));
        let aoc = match (&header.attribute, text_field(entry, "attributeOptionCombo")) {
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
        let (coc_uid, aoc_uid) = (
            table.uids.name(coc).to_string(),
            table.uids.name(aoc).to_string(),
        );
        let unit_uid = table.uids.name(unit).to_string();
        if combo_key.is_some() {
            let found = gate.combo_access(&coc_uid, combo_key, false);
            if !found.is_empty() {
                refuse(&mut conflicts, &mut rejected, index, version, found);
                continue;
            }
        }
        if attribute_key.is_some() {
            let found = gate.combo_access(&aoc_uid, attribute_key, true);
            if !found.is_empty() {
                refuse(&mut conflicts, &mut rejected, index, version, found);
                continue;
            }
        }
        if let Some(finding) = gate.hierarchy(&unit_uid, unit_key) {
            refuse(&mut conflicts, &mut rejected, index, version, vec![finding]);
            continue;
        }
        let mut reject = |kind: ConflictKind, key: &str, extra: &str| {
            conflicts.add(Some(index), value_conflict(version, kind, key, extra));
            rejected.push(index);
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
        let mut insignificant_zero = false;
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
            insignificant_zero =
                is_insignificant_zero(text, &info.value_type, info.zero_is_significant);
            // The simulator has 2.30 report a conflict here.
            if insignificant_zero && version.minor < 31 {
                reject(ConflictKind::InsignificantZero, &info.uid, text);
                continue;
            }
        }
        let refs = ValueRefs {
            element_key,
            element: &info.uid,
            period_key,
            period: parsed,
            unit_key,
            unit: &unit_uid,
            combo_key,
            combo: &coc_uid,
            attribute_key,
            attribute: &aoc_uid,
            value: value.as_deref(),
        };
        if let Some(finding) = gate.constraints(&refs) {
            refuse(&mut conflicts, &mut rejected, index, version, vec![finding]);
            continue;
        }
        // Zeros that are not stored are dropped silently: before the date and lock checks up
        // to 2.36, after every check from 2.37.
        if insignificant_zero && version.minor < 37 {
            continue;
        }
        let found = gate.periods(&refs);
        if !found.is_empty() {
            refuse(&mut conflicts, &mut rejected, index, version, found);
            continue;
        }
        if insignificant_zero {
            continue;
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
                if settings.strategy == "CREATE" || (unchanged && ignores_unchanged(version)) {
                    continue;
                }
                updated += 1;
                // 2.37 until DHIS2-15254 counts an unchanged value as updated without
                // writing it; 2.30–2.36 write it again (its `lastUpdated` moves).
                if unchanged && version.minor >= 37 {
                    continue;
                }
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
