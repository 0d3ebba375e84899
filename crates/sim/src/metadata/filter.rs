//! The `filter=` and `order=` parameters of metadata endpoints.
//!
//! A filter is `path:operator[:value]`; a path walks through properties with dots
//! (`categoryCombo.id`, `dataSetElements.dataElement.name`), following references to the
//! referenced objects and matching when any element of a collection matches.

use super::fields::Resolver;
use super::schema::{Catalog, Schema};
use serde_json::Value;
use std::cmp::Ordering;

#[derive(Debug, Clone, PartialEq)]
pub struct Filter {
    pub path: Vec<String>,
    pub operator: String,
    pub value: String,
}

impl Filter {
    pub fn parse(text: &str) -> Option<Filter> {
        let mut parts = text.splitn(3, ':');
        let path = parts.next()?.split('.').map(str::to_string).collect();
        let operator = parts.next()?.to_string();
        let value = parts.next().unwrap_or_default().to_string();
        Some(Filter {
            path,
            operator,
            value,
        })
    }
}

/// Evaluates filters against rendered objects.
pub struct Matcher<'a> {
    pub catalog: &'a Catalog,
    pub resolve: &'a Resolver<'a>,
}

impl Matcher<'_> {
    /// True when `object` passes `filters`, combined with AND (or OR when `any` is set).
    pub fn matches(&self, filters: &[Filter], object: &Value, schema: &Schema, any: bool) -> bool {
        if filters.is_empty() {
            return true;
        }
        let mut results = filters
            .iter()
            .map(|filter| self.one(filter, object, schema));
        if any {
            results.any(|ok| ok)
        } else {
            results.all(|ok| ok)
        }
    }

    fn one(&self, filter: &Filter, object: &Value, schema: &Schema) -> bool {
        let negated = filter.operator.starts_with('!') && filter.operator != "!null";
        let operator = filter.operator.trim_start_matches('!');
        if filter.path == ["identifiable"] && operator == "token" {
            return identifiable_tokens_match(object, &filter.value) != negated;
        }
        let values = self.walk(&filter.path, object, Some(schema));
        match filter.operator.as_str() {
            "null" => return values.iter().all(Value::is_null),
            "!null" => return values.iter().any(|v| !v.is_null()),
            "empty" => return values.iter().all(is_empty),
            "!empty" => return values.iter().any(|v| !is_empty(v)),
            _ => {}
        }
        let hit = values
            .iter()
            .any(|value| compare(operator, value, &filter.value));
        hit != negated
    }

    /// The values at `path` below `value` (several when the path crosses collections).
    fn walk(&self, path: &[String], value: &Value, schema: Option<&Schema>) -> Vec<Value> {
        let Some((head, rest)) = path.split_first() else {
            return vec![value.clone()];
        };
        let property = schema.and_then(|schema| schema.property(head));
        let target = property
            .and_then(|p| p.reference_klass())
            .and_then(|klass| self.catalog.by_klass(klass));
        let follow = property.is_some_and(|p| p.identifiable_reference);
        let next = match value.get(head) {
            Some(next) => next.clone(),
            None if property.is_some_and(|p| p.is_collection()) => Value::Array(Vec::new()),
            None => Value::Null,
        };
        if rest.is_empty() {
            return vec![next];
        }
        let expand = |item: &Value| -> Vec<Value> {
            let resolved = match (follow, target, item.get("id").and_then(Value::as_str)) {
                (true, Some(schema), Some(id)) if rest[0] != "id" => (self.resolve)(schema, id),
                _ => None,
            };
            self.walk(rest, resolved.as_ref().unwrap_or(item), target)
        };
        match &next {
            Value::Array(items) if items.is_empty() => vec![Value::Null],
            Value::Array(items) => items.iter().flat_map(expand).collect(),
            Value::Null => vec![Value::Null],
            other => expand(other),
        }
    }
}

fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Array(items) => items.is_empty(),
        Value::String(text) => text.is_empty(),
        _ => false,
    }
}

fn text_of(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(flag) => Some(flag.to_string()),
        _ => None,
    }
}

/// DHIS2's `identifiable:token:` filter: every word of `words` is found, ignoring case, in the
/// object's id, code or name.
fn identifiable_tokens_match(object: &Value, words: &str) -> bool {
    let fields: Vec<String> = ["id", "code", "name"]
        .iter()
        .filter_map(|key| object.get(key).and_then(Value::as_str))
        .map(str::to_lowercase)
        .collect();
    words.split_whitespace().all(|word| {
        let word = word.to_lowercase();
        fields.iter().any(|field| field.contains(&word))
    })
}

fn compare(operator: &str, value: &Value, wanted: &str) -> bool {
    let Some(text) = text_of(value) else {
        return false;
    };
    let lower = text.to_lowercase();
    let wanted_lower = wanted.to_lowercase();
    match operator {
        "eq" => text == wanted,
        "ieq" => lower == wanted_lower,
        "ne" | "neq" => text != wanted,
        "like" => text.contains(wanted),
        "ilike" | "token" => lower.contains(&wanted_lower),
        "$like" => text.starts_with(wanted),
        "$ilike" => lower.starts_with(&wanted_lower),
        "like$" => text.ends_with(wanted),
        "ilike$" => lower.ends_with(&wanted_lower),
        "in" => list_items(wanted).contains(&text),
        "gt" | "ge" | "lt" | "le" => {
            let ordering = order_values(value, &Value::String(wanted.to_string()));
            match operator {
                "gt" => ordering == Ordering::Greater,
                "ge" => ordering != Ordering::Less,
                "lt" => ordering == Ordering::Less,
                _ => ordering != Ordering::Greater,
            }
        }
        _ => false,
    }
}

/// `[a,b,c]` (brackets optional) → items.
fn list_items(text: &str) -> Vec<String> {
    text.trim_start_matches('[')
        .trim_end_matches(']')
        .split(',')
        .map(|item| item.trim().to_string())
        .collect()
}

/// Orders numbers numerically and everything else as text (ISO dates sort as text).
pub fn order_values(left: &Value, right: &Value) -> Ordering {
    let number = |value: &Value| match value {
        Value::Number(n) => n.as_f64(),
        Value::String(text) => text.parse::<f64>().ok(),
        _ => None,
    };
    if let (Value::Number(_), Some(b)) | (_, Some(b)) = (left, number(right)) {
        if let Some(a) = number(left) {
            return a.partial_cmp(&b).unwrap_or(Ordering::Equal);
        }
    }
    let a = text_of(left).unwrap_or_default();
    let b = text_of(right).unwrap_or_default();
    a.cmp(&b)
}

/// One `order=prop:direction` item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Order {
    pub property: String,
    pub descending: bool,
    pub ignore_case: bool,
}

impl Order {
    /// Parses `name:asc,created:idesc`.
    pub fn parse_list(text: &str) -> Vec<Order> {
        text.split(',')
            .filter(|item| !item.trim().is_empty())
            .map(|item| {
                let (property, direction) = item.trim().split_once(':').unwrap_or((item, "asc"));
                let direction = direction.to_ascii_lowercase();
                Order {
                    property: property.to_string(),
                    descending: direction.ends_with("desc"),
                    ignore_case: direction.starts_with('i'),
                }
            })
            .collect()
    }

    pub fn compare(orders: &[Order], left: &Value, right: &Value) -> Ordering {
        for order in orders {
            let value = |object: &Value| {
                let value = object.get(&order.property).cloned().unwrap_or(Value::Null);
                match (&value, order.ignore_case) {
                    (Value::String(text), true) => Value::String(text.to_lowercase()),
                    _ => value,
                }
            };
            let (a, b) = (value(left), value(right));
            // Nulls last, as PostgreSQL does for ascending order.
            let ordering = match (a.is_null(), b.is_null()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                _ => order_values(&a, &b),
            };
            let ordering = if order.descending {
                ordering.reverse()
            } else {
                ordering
            };
            if ordering != Ordering::Equal {
                return ordering;
            }
        }
        Ordering::Equal
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn identifiable_token_needs_every_word_in_id_code_or_name() {
        let object = json!({"id": "fbfJHSPpUQD", "code": "DE_ANC1", "name": "ANC 1st visit"});
        assert!(identifiable_tokens_match(&object, "anc VISIT"));
        assert!(identifiable_tokens_match(&object, "fbfJHS de_anc"));
        assert!(!identifiable_tokens_match(&object, "anc malaria"));
        assert!(!identifiable_tokens_match(&json!({"id": "x"}), "anc"));
    }

    #[test]
    fn operators_compare_like_dhis2() {
        assert!(compare("ilike", &json!("ANC Visit"), "anc"));
        assert!(compare("$like", &json!("ANC Visit"), "ANC"));
        assert!(compare("in", &json!("b"), "[a,b]"));
        assert!(compare(
            "gt",
            &json!("2024-02-01T00:00:00.000"),
            "2024-01-31"
        ));
        assert!(compare("le", &json!(3), "3"));
        assert!(!compare("eq", &json!("a"), "A"));
    }
}
