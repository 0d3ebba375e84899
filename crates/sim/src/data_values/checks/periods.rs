//! The attribute option combo's date range (E7638) and org units (E7639), then the locked
//! periods (E7640): expiry days, lifted by a lock exception, `F_EDIT_EXPIRED` or a
//! superuser's `force=true`.

use super::super::meta::referenced_ids;
use super::model::{day_of, int_field, period_type_of, uid};
use super::{Finding, Gate, ValueRefs};
use serde_json::Value;
use std::collections::HashSet;

const MILLIS_PER_DAY: i64 = 86_400_000;

pub fn check(gate: &mut Gate, refs: &ValueRefs) -> Vec<Finding> {
    if let Some(finding) = combo_dates(gate, refs) {
        return vec![finding];
    }
    if let Some(finding) = combo_units(gate, refs) {
        return vec![finding];
    }
    locks(gate, refs)
}

/// `CategoryOption.getAdjustedEndDate(DataSet)`: the end date moved on by the data set's
/// `openPeriodsAfterCoEndDate` periods.
fn adjusted_end(end: i64, data_set: &Value) -> i64 {
    let open = int_field(data_set, "openPeriodsAfterCoEndDate");
    match period_type_of(data_set) {
        Some(period_type) if open != 0 => period_type.shift_day(end, open),
        _ => end,
    }
}

/// `CategoryOptionCombo.getDateRange(dataSet | dataElement)` against the period.
fn combo_dates(gate: &mut Gate, refs: &ValueRefs) -> Option<Finding> {
    let options = gate.model.options_of(refs.attribute);
    let element_sets = gate.model.data_sets_of(refs.element);
    let start = options
        .iter()
        .filter_map(|(_, option)| day_of(option.as_ref()?.get("startDate")))
        .max();
    let end = options
        .iter()
        .filter_map(|(_, option)| {
            let end = day_of(option.as_ref()?.get("endDate"))?;
            Some(match gate.data_set {
                Some(data_set) => adjusted_end(end, data_set),
                None => element_sets
                    .iter()
                    .map(|data_set| adjusted_end(end, data_set))
                    .fold(end, i64::max),
            })
        })
        .min();
    let outside = start.is_some_and(|start| start > refs.period.end)
        || end.is_some_and(|end| end < refs.period.start);
    outside.then(|| Finding::OutsideComboDates {
        period_key: refs.period_key.to_string(),
        combo_key: refs.attribute_key.map(str::to_string),
        combo: refs.attribute.to_string(),
        unit: refs.unit.to_string(),
    })
}

/// `CategoryOptionCombo.getOrganisationUnits()`: the units all restricted options share.
fn combo_units(gate: &mut Gate, refs: &ValueRefs) -> Option<Finding> {
    let mut allowed: Option<HashSet<String>> = None;
    for (_, option) in gate.model.options_of(refs.attribute) {
        let units = option
            .map(|o| referenced_ids(o, "organisationUnits", None))
            .unwrap_or_default();
        if units.is_empty() {
            continue;
        }
        allowed = Some(match allowed {
            None => units.into_iter().collect(),
            Some(known) => units.into_iter().filter(|u| known.contains(u)).collect(),
        });
    }
    let allowed = allowed?;
    let chain = gate.model.ancestors(refs.unit);
    let inside = chain.iter().any(|unit| allowed.contains(unit));
    (!inside).then(|| Finding::UnitNotOfCombo {
        unit_key: refs.unit_key.to_string(),
        unit: refs.unit.to_string(),
        combo_key: refs.attribute_key.map(str::to_string),
        combo: refs.attribute.to_string(),
    })
}

/// The data sets whose locks apply: the payload's data set; else, until 2.39.0, the one
/// `DataElement.getApprovalDataSet()` picks (with a workflow first, then the most frequent
/// period type, then by name), and from 2.39.1 all of the data element's data sets
/// (DHIS2-7836).
fn targets<'m>(gate: &mut Gate<'m>, refs: &ValueRefs) -> Vec<&'m Value> {
    if let Some(data_set) = gate.data_set {
        return vec![data_set];
    }
    let mut sets = gate.model.data_sets_of(refs.element);
    if gate.version.at_least(39, 1) {
        return sets;
    }
    sets.sort_by_key(|data_set| {
        (
            data_set.get("workflow").is_none_or(Value::is_null),
            period_type_of(data_set),
            data_set
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
        )
    });
    sets.into_iter().take(1).collect()
}

/// `DataSet.isLocked`: past the period's end plus the expiry days (2.42 counts from the day
/// after the end), unless the user holds `F_EDIT_EXPIRED` or a lock exception opens it.
fn is_locked(gate: &Gate, data_set: &Value, refs: &ValueRefs) -> bool {
    let expiry = int_field(data_set, "expiryDays");
    let Some(user) = gate.user else { return false };
    if expiry <= 0 || user.has_authority("F_EDIT_EXPIRED") {
        return false;
    }
    let opened_after = if gate.version.at_least(42, 0) { 1 } else { 0 };
    let deadline = (refs.period.end + opened_after + expiry) * MILLIS_PER_DAY;
    if gate.now <= deadline {
        return false;
    }
    gate.locks.is_empty() || !gate.locks.opens(&uid(data_set), refs.period_key, refs.unit)
}

fn locks(gate: &mut Gate, refs: &ValueRefs) -> Vec<Finding> {
    if gate.forced || gate.user.is_none() {
        return Vec::new();
    }
    let targets = targets(gate, refs);
    let locked: Vec<&Value> = targets
        .iter()
        .copied()
        .filter(|data_set| is_locked(gate, data_set, refs))
        .collect();
    // Without strict locking one open data set is enough (2.39.1+ setting, default on).
    if locked.is_empty() || (!gate.strict_locking && locked.len() < targets.len()) {
        return Vec::new();
    }
    locked
        .into_iter()
        .map(|data_set| Finding::PeriodLocked {
            period_key: refs.period_key.to_string(),
            data_set: uid(data_set),
        })
        .collect()
}
