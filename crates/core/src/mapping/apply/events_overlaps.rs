//! Several origin data elements mapped onto one destination data element of an event: the
//! event program's `overlaps` say how their values combine (`#{de1}-#{de2}`); without one, the
//! first value is kept.

use std::collections::BTreeMap;

use serde_json::Value;

use super::report::ApplyReport;
use crate::mapping::model::Overlap;
use crate::model::Uid;

/// `values` are (origin data element, mapped data value) pairs, in event order.
pub(crate) fn combine(
    values: Vec<(String, Value)>,
    overlaps: Option<&BTreeMap<Uid, Overlap>>,
    report: &mut ApplyReport,
) -> Vec<Value> {
    let mut groups: Vec<(String, Vec<(String, Value)>)> = Vec::new();
    for (original, value) in values {
        let target = value
            .get("dataElement")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        match groups.iter_mut().find(|(key, _)| *key == target) {
            Some((_, members)) => members.push((original, value)),
            None => groups.push((target, vec![(original, value)])),
        }
    }
    groups
        .into_iter()
        .map(|(target, members)| {
            let replacer = overlaps.and_then(|overlaps| {
                overlaps
                    .iter()
                    .find(|(uid, _)| uid.as_str() == target)
                    .map(|(_, overlap)| overlap.replacer.as_str())
            });
            let count = members.len();
            let dictionary: Vec<(String, String)> = members
                .iter()
                .map(|(original, value)| (original.clone(), value_text(value)))
                .collect();
            let mut first = members.into_iter().next().map(|(_, value)| value);
            match (replacer, first.as_mut()) {
                (Some(replacer), Some(Value::Object(fields))) => {
                    report.combined += count;
                    fields.insert(
                        "value".into(),
                        Value::String(interpolate(replacer, &dictionary)),
                    );
                }
                _ => report.duplicates += count - 1,
            }
            first.unwrap_or(Value::Null)
        })
        .collect()
}

fn value_text(value: &Value) -> String {
    match value.get("value") {
        Some(Value::String(text)) => text.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

/// Replaces each `#{id}` (or `#{id.id}`) of `template` with the values of those origin data
/// elements. An id with no value gives nothing (MDSync writes the id itself).
pub(crate) fn interpolate(template: &str, values: &[(String, String)]) -> String {
    let lookup = |id: &str| {
        values
            .iter()
            .find(|(original, _)| original == id)
            .map(|(_, value)| value.as_str())
            .unwrap_or("")
    };
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find("#{") {
        let inner_start = start + 2;
        let Some(length) = rest[inner_start..].find('}').filter(|length| *length > 0) else {
            break;
        };
        out.push_str(&rest[..start]);
        let inner = &rest[inner_start..inner_start + length];
        let parts: Vec<&str> = match inner.split_once('.') {
            Some((first, second)) => vec![lookup(first), lookup(second)],
            None => vec![lookup(inner)],
        };
        let parts: Vec<&str> = parts.into_iter().filter(|part| !part.is_empty()).collect();
        out.push_str(&parts.join("."));
        rest = &rest[inner_start + length + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_take_the_values_of_the_origin_data_elements() {
        let values = vec![
            ("Dat0000Aaaa".to_string(), "1".to_string()),
            ("Dat0000Cccc".to_string(), "A".to_string()),
        ];
        assert_eq!(interpolate("#{Dat0000Aaaa}-#{Dat0000Cccc}", &values), "1-A");
        assert_eq!(interpolate("x #{Dat0000Aaaa} y", &values), "x 1 y");
        // MDSync writes "1-Dat0000Zzzz" here: the id of the element with no value.
        assert_eq!(interpolate("#{Dat0000Aaaa}-#{Dat0000Zzzz}", &values), "1-");
        assert_eq!(interpolate("#{Dat0000Aaaa.Dat0000Cccc}", &values), "1.A");
        assert_eq!(interpolate("no template", &values), "no template");
        assert_eq!(interpolate("#{unclosed", &values), "#{unclosed");
    }
}
