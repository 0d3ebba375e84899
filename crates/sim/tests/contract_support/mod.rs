//! Shape comparison of JSON documents for the contract tests.

use serde_json::Value;

/// The simulated element to compare a recorded one with: same `key`/`id` when elements carry
/// one, else the element with the fewest differences (the same index first, when both arrays
/// have the same length, then in order): recordings mix objects of different kinds in a list
/// (a failed and a successful import summary), and their order is the server's.
fn counterpart<'a>(
    item: &Value,
    index: usize,
    recorded_len: usize,
    simulated: &'a [Value],
) -> Option<&'a Value> {
    for field in ["key", "id"] {
        if let Some(wanted) = item.get(field).filter(|v| v.is_string()) {
            if let Some(found) = simulated.iter().find(|s| s.get(field) == Some(wanted)) {
                return Some(found);
            }
        }
    }
    let same_index = simulated
        .get(index)
        .filter(|_| simulated.len() == recorded_len);
    same_index
        .into_iter()
        .chain(simulated.iter())
        .min_by_key(|candidate| {
            let (mut differences, mut extras) = (Vec::new(), Vec::new());
            compare("$", item, candidate, &mut differences, &mut extras);
            differences.len()
        })
}

pub fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Differences (missing keys, type mismatches) and extras (keys only the simulator has).
pub fn compare(
    path: &str,
    recorded: &Value,
    simulated: &Value,
    differences: &mut Vec<String>,
    extras: &mut Vec<String>,
) {
    match (recorded, simulated) {
        (Value::Null, _) => {}
        (Value::Object(r), Value::Object(s)) => {
            for (key, value) in r {
                let child = format!("{path}.{key}");
                match s.get(key) {
                    Some(sim_value) => compare(&child, value, sim_value, differences, extras),
                    None => differences.push(format!("{child}: missing")),
                }
            }
            extras.extend(
                s.keys()
                    .filter(|k| !r.contains_key(*k))
                    .map(|k| format!("{path}.{k}")),
            );
        }
        (Value::Array(r), Value::Array(s)) if !r.is_empty() && s.is_empty() => differences.push(
            format!("{path}: recorded {} items but simulated none", r.len()),
        ),
        (Value::Array(r), Value::Array(s)) => {
            for (index, item) in r.iter().enumerate() {
                if let Some(counterpart) = counterpart(item, index, r.len(), s) {
                    compare(&format!("{path}[]"), item, counterpart, differences, extras);
                }
            }
        }
        (r, s) if type_name(r) != type_name(s) => differences.push(format!(
            "{path}: recorded {} but simulated {}",
            type_name(r),
            type_name(s)
        )),
        _ => {}
    }
}

/// The keys whose values a recording fixes for a known request, whatever the server's data:
/// statuses, codes, messages and counts.
pub const VALUE_KEYS: &[&str] = &[
    "status",
    "httpStatus",
    "httpStatusCode",
    "errorCode",
    "responseType",
    "message",
    "description",
    "imported",
    "updated",
    "ignored",
    "deleted",
    "created",
    "total",
    "level",
    "completed",
];

/// Value differences at [`VALUE_KEYS`] between a recording and the simulator's answer, as
/// `"{path}: recorded X but simulated Y"` (the paths [`compare`] prints). Arrays pair their
/// elements as [`compare`] does.
pub fn compare_values(
    path: &str,
    recorded: &Value,
    simulated: &Value,
    differences: &mut Vec<String>,
) {
    match (recorded, simulated) {
        (Value::Object(r), Value::Object(s)) => {
            for (key, value) in r {
                let child = format!("{path}.{key}");
                let Some(sim_value) = s.get(key) else {
                    continue;
                };
                let scalar = !value.is_object() && !value.is_array() && !value.is_null();
                if scalar && VALUE_KEYS.contains(&key.as_str()) {
                    if value != sim_value {
                        differences.push(format!(
                            "{child}: recorded {value} but simulated {sim_value}"
                        ));
                    }
                } else {
                    compare_values(&child, value, sim_value, differences);
                }
            }
        }
        (Value::Array(r), Value::Array(s)) => {
            for (index, item) in r.iter().enumerate() {
                if let Some(counterpart) = counterpart(item, index, r.len(), s) {
                    compare_values(&format!("{path}[]"), item, counterpart, differences);
                }
            }
        }
        _ => {}
    }
}
