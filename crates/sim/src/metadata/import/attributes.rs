//! `MetadataAttributeCheck` (2.39+): every attribute value must name an attribute assigned to
//! the object's class (E6012) — one the server has or the payload brings — and fit the
//! attribute's value type (`DefaultAttributeValidator`: E6006 … E6021). Earlier versions import
//! such values without a word.

use super::validate::{error_report, Candidate, Checker, ErrorSpec};
use crate::metadata::schema::Schema;
use crate::metadata::MetadataStore;
use serde_json::{Map, Value};
use std::collections::HashMap;

const ATTRIBUTE: &str = "org.hisp.dhis.attribute.Attribute";
const ATTRIBUTE_VALUE: &str = "org.hisp.dhis.attribute.AttributeValue";

/// The attributes the import knows: id → (value type, the `*Attribute` flags that are on).
#[derive(Default)]
pub struct AttributeIndex(HashMap<String, (String, Vec<String>)>);

impl AttributeIndex {
    /// The server's attributes, then the payload's (`DefaultPreheatService.handleAttributes`:
    /// the payload's classes are added to the server's, its value type wins).
    pub fn new<'a>(
        store: &MetadataStore,
        payload: impl Iterator<Item = &'a Map<String, Value>>,
    ) -> Self {
        let mut index = AttributeIndex::default();
        for stored in store.list("attributes") {
            if let Some(map) = stored.as_object() {
                index.absorb(map);
            }
        }
        for attribute in payload {
            index.absorb(attribute);
        }
        index
    }

    fn absorb(&mut self, attribute: &Map<String, Value>) {
        let Some(id) = attribute.get("id").and_then(Value::as_str) else {
            return;
        };
        let value_type = attribute
            .get("valueType")
            .and_then(Value::as_str)
            .unwrap_or("TEXT")
            .to_string();
        let flags = attribute
            .iter()
            .filter(|(key, value)| key.ends_with("Attribute") && value.as_bool() == Some(true))
            .map(|(key, _)| key.clone());
        let entry = self
            .0
            .entry(id.to_string())
            .or_insert_with(|| (value_type.clone(), Vec::new()));
        entry.0 = value_type;
        for flag in flags {
            if !entry.1.contains(&flag) {
                entry.1.push(flag);
            }
        }
    }

    /// The value type of `id` when it is assigned to objects of `schema`.
    fn assigned(&self, id: &str, schema: &Schema) -> Option<&str> {
        let (value_type, flags) = self.0.get(id)?;
        let flag = format!("{}Attribute", schema.singular);
        flags.contains(&flag).then_some(value_type.as_str())
    }
}

fn is_integer(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    (text == "0" || (!digits.is_empty() && !digits.starts_with('0')))
        && digits.bytes().all(|b| b.is_ascii_digit())
        && text.parse::<i32>().is_ok()
}

fn is_numeric(text: &str) -> bool {
    let body = text.strip_prefix('-').unwrap_or(text);
    let (whole, fraction) = body.split_once('.').unwrap_or((body, "1"));
    let whole_ok = whole == "0" || (!whole.starts_with('0') && !whole.is_empty());
    whole_ok
        && whole.bytes().all(|b| b.is_ascii_digit())
        && !fraction.is_empty()
        && fraction.bytes().all(|b| b.is_ascii_digit())
        && text.len() < 250
}

fn in_range(text: &str, low: f64, high: f64) -> bool {
    is_numeric(text) && text.parse::<f64>().is_ok_and(|n| (low..=high).contains(&n))
}

fn is_email(text: &str) -> bool {
    let Some((local, domain)) = text.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !text.contains(char::is_whitespace)
        && !domain.contains('@')
}

fn is_date(text: &str) -> bool {
    text.len() == 10 && crate::data_values::dates::parse_timestamp(text).is_some()
}

/// The error of a value that does not fit `value_type`: (code, message, args).
fn value_problem(
    checker: &Checker,
    value_type: &str,
    value: &str,
) -> Option<(&'static str, String, Vec<String>)> {
    let plain = |code: &'static str, what: &str| {
        Some((
            code,
            format!("AttributeValue `{value}` is an invalid {what}"),
            vec![value.to_string()],
        ))
    };
    let exists = |plural: &str| checker.store.get(plural, value).is_some();
    match value_type {
        "INTEGER" if !is_integer(value) => plain("E6006", "integer value"),
        "INTEGER_POSITIVE" if !is_integer(value) || value.starts_with(['-', '0']) => {
            plain("E6007", "positive integer value")
        }
        "INTEGER_NEGATIVE" if !is_integer(value) || !value.starts_with('-') => {
            plain("E6013", "negative integer value")
        }
        "NUMBER" if !is_numeric(value) => plain("E6008", "number value"),
        "INTEGER_ZERO_OR_POSITIVE" if !is_integer(value) || value.starts_with('-') => {
            plain("E6009", "zero or positive integer value")
        }
        "PERCENTAGE" if !in_range(value, 0.0, 100.0) => plain("E6010", "percentage value"),
        "UNIT_INTERVAL" if !in_range(value, 0.0, 1.0) => plain("E6011", "Unit Interval value"),
        "PHONE_NUMBER"
            if !(6..=50).contains(&value.chars().count())
                || !value.chars().all(|c| {
                    c.is_ascii_digit() || "+()#./ext-".contains(c) || c.is_whitespace()
                }) =>
        {
            plain("E6021", "phone number")
        }
        "DATE" if !is_date(value) => plain("E6014", "date value"),
        "DATETIME" if crate::data_values::dates::parse_timestamp(value).is_none() => {
            plain("E6015", "datetime value")
        }
        "BOOLEAN" if value != "true" && value != "false" => plain("E6016", "boolean value"),
        "TRUE_ONLY" if value != "true" => plain("E6017", "true value"),
        "EMAIL" if !is_email(value) => plain("E6018", "email value"),
        "ORGANISATION_UNIT" | "FILE_RESOURCE" => {
            let (plural, class) = if value_type == "ORGANISATION_UNIT" {
                ("organisationUnits", "OrganisationUnit")
            } else {
                ("fileResources", "FileResource")
            };
            (!exists(plural)).then(|| {
                (
                    "E6019",
                    format!("AttributeValue `{value}` is an invalid `{class}` ID"),
                    vec![value.to_string(), class.to_string()],
                )
            })
        }
        "USERNAME" => {
            let known = checker.store.list("users").into_iter().any(|user| {
                user.get("username")
                    .or_else(|| user.pointer("/userCredentials/username"))
                    .and_then(Value::as_str)
                    == Some(value)
            });
            (!known).then(|| {
                (
                    "E6020",
                    format!("AttributeValue `{value}` is an invalid username"),
                    vec![value.to_string()],
                )
            })
        }
        _ => None,
    }
}

pub fn check(
    checker: &Checker,
    index: &AttributeIndex,
    schema: &Schema,
    candidate: &mut Candidate,
) {
    if !checker.version.at_least(39, 0) {
        return;
    }
    let values: Vec<(String, String)> = candidate
        .object
        .get("attributeValues")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|entry| {
            let id = entry.pointer("/attribute/id").and_then(Value::as_str)?;
            let value = match entry.get("value") {
                Some(Value::String(text)) => text.clone(),
                Some(Value::Null) | None => String::new(),
                Some(other) => other.to_string(),
            };
            Some((id.to_string(), value))
        })
        .collect();
    for (id, value) in values {
        let (code, message, args, main_klass) = match index.assigned(&id, schema) {
            None => (
                "E6012",
                format!(
                    "Attribute `{id}` is not assigned to `{}`",
                    schema.short_klass()
                ),
                vec![id.clone(), schema.short_klass().to_string()],
                ATTRIBUTE,
            ),
            Some(value_type) => match value_problem(checker, value_type, &value) {
                Some((code, message, args)) => (code, message, args, ATTRIBUTE_VALUE),
                None => continue,
            },
        };
        let report = error_report(
            checker.version,
            ErrorSpec {
                code,
                message,
                main_klass,
                main_id: "",
                error_klass: "",
                error_property: None,
                args,
            },
        );
        candidate.errors.push(report);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_shapes() {
        assert!(is_integer("0") && is_integer("-12") && !is_integer("10.1") && !is_integer("01"));
        assert!(is_numeric("123") && is_numeric("-0.5") && !is_numeric("Aaa") && !is_numeric("1."));
        assert!(in_range("100", 0.0, 100.0) && !in_range("101", 0.0, 100.0));
        assert!(is_email("a@b.org") && !is_email("a@b"));
        assert!(is_date("2024-02-29") && !is_date("2023-02-29"));
    }
}
