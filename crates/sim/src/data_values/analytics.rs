//! `GET /api/analytics/dataValueSet.json?dimension=dx:…&dimension=pe:…&dimension=ou:…`:
//! stored values summed into the requested periods (monthly → quarterly, yearly…) over each
//! org unit's subtree, answered as a data value set.

use super::dates::{
    civil_from_days, days_from_civil, now_millis, parse_period, period_containing, PeriodType,
};
use super::meta::{Hierarchy, IdScheme};
use super::summary::coded_web_message;
use crate::metadata::MetadataStore;
use crate::{RequestContext, SimResponse};
use serde_json::{json, Value};
use std::collections::{HashMap, HashSet};

use super::store::ValueTable;

/// Relative periods the simulator expands, relative to today.
fn expand_relative(name: &str) -> Option<Vec<String>> {
    let today = now_millis().div_euclid(86_400_000);
    let (year, month, _) = civil_from_days(today);
    let month_start = |offset: i64| {
        let index = year * 12 + i64::from(month) - 1 + offset;
        days_from_civil(index.div_euclid(12), (index.rem_euclid(12) + 1) as u32, 1)
    };
    let months = |count: i64| -> Vec<String> {
        (1..=count)
            .rev()
            .map(|back| period_containing(PeriodType::Monthly, month_start(-back)))
            .collect()
    };
    let quarter_of = |offset_quarters: i64| {
        let start = month_start(-3 * offset_quarters);
        period_containing(PeriodType::Quarterly, start)
    };
    Some(match name {
        "THIS_MONTH" => vec![period_containing(PeriodType::Monthly, today)],
        "LAST_MONTH" => months(1),
        "LAST_3_MONTHS" => months(3),
        "LAST_6_MONTHS" => months(6),
        "LAST_12_MONTHS" => months(12),
        "THIS_QUARTER" => vec![period_containing(PeriodType::Quarterly, today)],
        "LAST_QUARTER" => vec![quarter_of(1)],
        "LAST_4_QUARTERS" => (1..=4).rev().map(quarter_of).collect(),
        "THIS_YEAR" => vec![format!("{year:04}")],
        "LAST_YEAR" => vec![format!("{:04}", year - 1)],
        "LAST_5_YEARS" => (1..=5)
            .rev()
            .map(|back| format!("{:04}", year - back))
            .collect(),
        _ => return None,
    })
}

fn dimension_items<'q>(ctx: &'q RequestContext, name: &str) -> Vec<&'q str> {
    ctx.query
        .all("dimension")
        .into_iter()
        .filter_map(|dimension| dimension.strip_prefix(name)?.strip_prefix(':'))
        .flat_map(|items| items.split(';'))
        .filter(|item| !item.is_empty())
        .collect()
}

fn format_number(sum: f64) -> String {
    if sum.fract() == 0.0 && sum.abs() < 1e15 {
        format!("{}", sum as i64)
    } else {
        format!("{sum}")
    }
}

/// Answers the analytics data value set request.
pub fn analytics_data_value_set(
    table: &ValueTable,
    ctx: &RequestContext,
    metadata: &MetadataStore,
) -> SimResponse {
    let data = dimension_items(ctx, "dx");
    let mut periods: Vec<String> = Vec::new();
    for item in dimension_items(ctx, "pe") {
        match expand_relative(item) {
            Some(expanded) => periods.extend(expanded),
            None => periods.push(item.to_string()),
        }
    }
    let units = dimension_items(ctx, "ou");
    // DHIS2's analytics validation (ErrorCode E7117–E7119) for DATA_VALUE_SET output.
    let missing = [
        (data.is_empty(), "E7117", "A data dimension 'dx' must be specified when output format is DATA_VALUE_SET"),
        (periods.is_empty(), "E7118", "A period dimension 'pe' must be specified when output format is DATA_VALUE_SET"),
        (units.is_empty(), "E7119", "An organisation unit dimension 'ou' must be specified when output format is DATA_VALUE_SET"),
    ];
    if let Some((_, code, message)) = missing.iter().find(|(absent, _, _)| *absent) {
        // `IllegalQueryException(new ErrorMessage(E711x))` from 2.34, whose WebMessage carries
        // `errorCode` (`CrudControllerAdvice`); 2.30–2.33 threw the same text without a code.
        let code = Some(*code).filter(|_| ctx.version.minor >= 34);
        return coded_web_message(409, message, code);
    }
    let output_scheme = ctx
        .query
        .get("outputIdScheme")
        .and_then(IdScheme::parse)
        .unwrap_or(IdScheme::Uid);
    let rename = |plural: &str, uid: &str| -> String {
        metadata
            .get(plural, uid)
            .and_then(|object| output_scheme.identifier_of(object))
            .unwrap_or_else(|| uid.to_string())
    };
    let hierarchy = Hierarchy::new(metadata);
    let subtrees: Vec<(&str, HashSet<u32>)> = units
        .iter()
        .map(|unit| {
            let handles = hierarchy
                .with_descendants(unit)
                .iter()
                .filter_map(|uid| table.uids.lookup(uid))
                .collect();
            (*unit, handles)
        })
        .collect();

    // `dimension=ao:…` (the app's attribute option filter) splits the sums per attribute combo.
    let attribute_items = dimension_items(ctx, "ao");
    let by_attribute = !attribute_items.is_empty();
    let wanted_attributes: Vec<u32> = attribute_items
        .iter()
        .filter_map(|uid| table.uids.lookup(uid))
        .collect();
    let scope = SumScope {
        table,
        subtrees: &subtrees,
        by_attribute,
        wanted_attributes: &wanted_attributes,
    };
    let mut values = Vec::new();
    for item in &data {
        // An indicator: its numerator over its denominator, times its type's factor.
        if let Some(indicator) = metadata.get("indicators", item) {
            for iso in &periods {
                let Some(target) = parse_period(iso) else {
                    continue;
                };
                for ((index, _), number) in indicator_values(&scope, metadata, indicator, &target) {
                    values.push(json!({
                        "dataElement": rename("indicators", item),
                        "period": iso,
                        "orgUnit": rename("organisationUnits", subtrees[index].0),
                        "value": format_number(number),
                    }));
                }
            }
            continue;
        }
        let (element, combo) = match item.split_once('.') {
            Some((element, combo)) => (element, table.uids.lookup(combo)),
            None => (*item, None),
        };
        let Some(element_handle) = table.uids.lookup(element) else {
            continue;
        };
        for iso in &periods {
            let Some(target) = parse_period(iso) else {
                continue;
            };
            let sums = scope.sums(element_handle, combo, &target);
            let mut found: Vec<_> = sums.into_iter().collect();
            found.sort_by_key(|(key, _)| *key);
            for ((index, group), sum) in found {
                let mut value = json!({
                    "dataElement": rename("dataElements", element),
                    "period": iso,
                    "orgUnit": rename("organisationUnits", subtrees[index].0),
                    "value": format_number(sum),
                });
                if let (Some((_, combo_uid)), Some(object)) =
                    (item.split_once('.'), value.as_object_mut())
                {
                    object.insert(
                        "categoryOptionCombo".into(),
                        json!(rename("categoryOptionCombos", combo_uid)),
                    );
                }
                if let (true, Some(object)) = (by_attribute, value.as_object_mut()) {
                    let uid = table.uids.name(group);
                    object.insert(
                        "attributeOptionCombo".into(),
                        json!(rename("categoryOptionCombos", uid)),
                    );
                }
                values.push(value);
            }
        }
    }
    SimResponse::json(200, &json!({ "dataValues": Value::Array(values) }))
}

/// What a sum covers: the org unit subtrees asked for, and the attribute combos when split.
struct SumScope<'a> {
    table: &'a ValueTable,
    subtrees: &'a [(&'a str, HashSet<u32>)],
    by_attribute: bool,
    wanted_attributes: &'a [u32],
}

impl SumScope<'_> {
    /// Sums of one data element (one option combo, or all) over the periods within `target`,
    /// per (subtree, attribute group).
    fn sums(
        &self,
        element: u32,
        combo: Option<u32>,
        target: &super::dates::Period,
    ) -> HashMap<(usize, u32), f64> {
        let table = self.table;
        let mut sums: HashMap<(usize, u32), f64> = HashMap::new();
        for (handle, range) in table.period_ranges.iter().enumerate() {
            if range.start < target.start || range.end > target.end {
                continue;
            }
            for (key, stored) in table.scan(element, handle as u32) {
                let attribute = key.attribute_option_combo;
                if stored.deleted
                    || combo.is_some_and(|c| c != key.category_option_combo)
                    || (self.by_attribute && !self.wanted_attributes.contains(&attribute))
                {
                    continue;
                }
                let group = if self.by_attribute {
                    attribute
                } else {
                    u32::MAX
                };
                let Some(number) = stored.value.as_deref().and_then(|v| v.parse::<f64>().ok())
                else {
                    continue;
                };
                for (index, (_, subtree)) in self.subtrees.iter().enumerate() {
                    if subtree.contains(&key.org_unit) {
                        *sums.entry((index, group)).or_default() += number;
                    }
                }
            }
        }
        sums
    }

    /// The sum of an expression made of `#{element}` / `#{element.combo}` terms joined by `+`
    /// (the demo's indicators; other operators are not evaluated).
    fn expression(
        &self,
        expression: &str,
        target: &super::dates::Period,
    ) -> HashMap<(usize, u32), f64> {
        let mut total: HashMap<(usize, u32), f64> = HashMap::new();
        for term in expression.split('+') {
            let Some(reference) = term
                .trim()
                .strip_prefix("#{")
                .and_then(|t| t.strip_suffix('}'))
            else {
                continue;
            };
            let (element, combo) = match reference.split_once('.') {
                Some((element, combo)) => (element, self.table.uids.lookup(combo)),
                None => (reference, None),
            };
            let Some(handle) = self.table.uids.lookup(element) else {
                continue;
            };
            for (key, sum) in self.sums(handle, combo, target) {
                *total.entry(key).or_default() += sum;
            }
        }
        total
    }
}

/// An indicator's values: numerator ÷ denominator × factor, rounded to one decimal as DHIS2's
/// analytics rounds indicator values; none where the denominator is zero or missing.
fn indicator_values(
    scope: &SumScope<'_>,
    metadata: &MetadataStore,
    indicator: &Value,
    target: &super::dates::Period,
) -> Vec<((usize, u32), f64)> {
    let text = |key: &str| indicator.get(key).and_then(Value::as_str).unwrap_or("");
    let factor = indicator
        .get("indicatorType")
        .and_then(|t| t.get("id"))
        .and_then(Value::as_str)
        .and_then(|id| metadata.get("indicatorTypes", id))
        .and_then(|t| t.get("factor"))
        .and_then(Value::as_f64)
        .unwrap_or(1.0);
    let numerator = scope.expression(text("numerator"), target);
    let denominator = scope.expression(text("denominator"), target);
    let mut found: Vec<((usize, u32), f64)> = numerator
        .into_iter()
        .filter_map(|(key, top)| {
            let bottom = *denominator.get(&key)?;
            (bottom != 0.0).then(|| (key, (top / bottom * factor * 10.0).round() / 10.0))
        })
        .collect();
    found.sort_by_key(|(key, _)| *key);
    found
}
