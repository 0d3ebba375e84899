//! The query filters tracker exports share (old and new API): org unit scope, ids, program,
//! status and date windows.

use crate::data_values::dates::parse_timestamp;
use crate::data_values::meta::Hierarchy;
use crate::metadata::MetadataStore;
use crate::RequestContext;
use serde_json::Value;
use std::collections::HashSet;

/// Values of the first present key, split on `;` and `,`.
pub fn ids(ctx: &RequestContext, keys: &[&str]) -> Vec<String> {
    keys.iter()
        .flat_map(|key| ctx.query.all(key))
        .flat_map(|value| value.split([';', ',']))
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
        .collect()
}

/// Org units in scope: `None` means every unit (no org unit given, or ACCESSIBLE/ALL).
pub fn org_unit_scope(
    ctx: &RequestContext,
    metadata: &MetadataStore,
    unit_keys: &[&str],
) -> Option<HashSet<String>> {
    let units = ids(ctx, unit_keys);
    let mode = ctx
        .query
        .get("orgUnitMode")
        .or_else(|| ctx.query.get("ouMode"))
        .unwrap_or("SELECTED")
        .to_ascii_uppercase();
    if units.is_empty() || matches!(mode.as_str(), "ACCESSIBLE" | "ALL" | "CAPTURE") {
        return None;
    }
    let hierarchy = Hierarchy::new(metadata);
    let mut scope = HashSet::new();
    for unit in units {
        match mode.as_str() {
            "DESCENDANTS" => scope.extend(hierarchy.with_descendants(&unit)),
            "CHILDREN" => {
                let below = hierarchy.with_descendants(&unit);
                scope.extend(below.into_iter().filter(|u| {
                    let chain = hierarchy.ancestors(u);
                    chain.len() <= 2 || chain.get(1).is_some_and(|p| p == &unit)
                }));
                scope.insert(unit);
            }
            _ => {
                scope.insert(unit);
            }
        }
    }
    Some(scope)
}

fn text<'v>(object: &'v Value, key: &str) -> Option<&'v str> {
    object.get(key).and_then(Value::as_str)
}

/// A filter over one stored (new-form) object.
pub struct Criteria {
    pub scope: Option<HashSet<String>>,
    pub equal: Vec<(&'static str, Vec<String>)>,
    /// (field, lower bound, upper bound) on timestamps.
    pub windows: Vec<(&'static str, Option<i64>, Option<i64>)>,
}

impl Criteria {
    pub fn new(scope: Option<HashSet<String>>) -> Self {
        Criteria {
            scope,
            equal: Vec::new(),
            windows: Vec::new(),
        }
    }

    /// Requires `field` to be one of the values of the query keys (when given).
    pub fn equal(&mut self, ctx: &RequestContext, field: &'static str, keys: &[&str]) {
        let wanted = ids(ctx, keys);
        if !wanted.is_empty() {
            self.equal.push((field, wanted));
        }
    }

    /// Requires `field` within the dates of the query keys (when given).
    pub fn window(
        &mut self,
        ctx: &RequestContext,
        field: &'static str,
        after: &[&str],
        before: &[&str],
    ) {
        let read = |keys: &[&str]| keys.iter().find_map(|k| ctx.query.get(k));
        let low = read(after).and_then(parse_timestamp);
        // A date-only upper bound takes in its whole day, as DHIS2's event store reads
        // `endDate`/`occurredBefore` (`< endDate + 1 day`).
        let high = read(before).and_then(|text| {
            let at = parse_timestamp(text)?;
            Some(if text.trim().len() == 10 {
                at + 86_400_000 - 1
            } else {
                at
            })
        });
        if low.is_some() || high.is_some() {
            self.windows.push((field, low, high));
        }
    }

    pub fn matches(&self, object: &Value) -> bool {
        if let Some(scope) = &self.scope {
            if !text(object, "orgUnit").is_some_and(|unit| scope.contains(unit)) {
                return false;
            }
        }
        let equal_ok = self.equal.iter().all(|(field, wanted)| {
            text(object, field).is_some_and(|value| wanted.iter().any(|w| w == value))
        });
        let windows_ok = self.windows.iter().all(|(field, low, high)| {
            let Some(when) = text(object, field).and_then(parse_timestamp) else {
                return false;
            };
            low.is_none_or(|low| when >= low) && high.is_none_or(|high| when <= high)
        });
        equal_ok && windows_ok
    }
}
