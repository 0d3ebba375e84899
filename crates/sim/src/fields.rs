//! The `fields=` filter DHIS2 applies to its responses (`a,b[c,d[e]]`, `*`, `:all`, `!x`),
//! for the platform endpoints (`/api/me`, `/api/system/info`).

use serde_json::{Map, Value};

/// One requested field, with the fields wanted inside it (`None` when no brackets were given).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldSpec {
    pub name: String,
    pub children: Option<Vec<FieldSpec>>,
}

/// Parses `id,name,userRoles[id,name]`; parentheses are accepted for brackets as DHIS2 does.
pub fn parse(text: &str) -> Vec<FieldSpec> {
    let mut chars = text.chars().peekable();
    parse_list(&mut chars)
}

fn parse_list(chars: &mut std::iter::Peekable<std::str::Chars>) -> Vec<FieldSpec> {
    let mut specs = Vec::new();
    let mut name = String::new();
    let mut children = None;
    while let Some(c) = chars.next() {
        match c {
            '[' | '(' => children = Some(parse_list(chars)),
            ']' | ')' => break,
            ',' => push_spec(&mut specs, &mut name, &mut children),
            c if c.is_whitespace() => {}
            c => name.push(c),
        }
    }
    push_spec(&mut specs, &mut name, &mut children);
    specs
}

fn push_spec(specs: &mut Vec<FieldSpec>, name: &mut String, children: &mut Option<Vec<FieldSpec>>) {
    if !name.is_empty() {
        specs.push(FieldSpec {
            name: std::mem::take(name),
            children: children.take(),
        });
    }
}

/// Applies a field selection to an object (or to each object of an array). Fields the value
/// lacks are left out, as DHIS2 does for properties a version does not have.
pub fn apply(value: &Value, specs: &[FieldSpec]) -> Value {
    match value {
        Value::Array(items) => Value::Array(items.iter().map(|v| apply(v, specs)).collect()),
        Value::Object(object) => Value::Object(select(object, specs)),
        other => other.clone(),
    }
}

fn select(object: &Map<String, Value>, specs: &[FieldSpec]) -> Map<String, Value> {
    let everything = specs
        .iter()
        .any(|s| matches!(s.name.as_str(), "*" | ":all" | ":owner"));
    let mut out = Map::new();
    if everything {
        out = object.clone();
    }
    for spec in specs {
        if let Some(excluded) = spec.name.strip_prefix('!') {
            out.remove(excluded);
            continue;
        }
        let Some(inner) = object.get(&spec.name) else {
            continue;
        };
        let selected = match &spec.children {
            Some(children) => apply(inner, children),
            None if everything => inner.clone(),
            None => references_only(inner),
        };
        out.insert(spec.name.clone(), selected);
    }
    out
}

/// DHIS2 renders a reference asked for without sub-fields as `{ "id": … }`.
fn references_only(value: &Value) -> Value {
    match value {
        Value::Object(object) if object.contains_key("id") => {
            let mut only_id = Map::new();
            only_id.insert("id".into(), object["id"].clone());
            Value::Object(only_id)
        }
        Value::Array(items) => Value::Array(items.iter().map(references_only).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn selects_nested_fields_and_skips_missing_ones() {
        let value = json!({"id": "a", "name": "n", "extra": 1,
            "roles": [{"id": "r", "name": "R", "authorities": ["ALL"]}],
            "owner": {"id": "u", "name": "U"}});
        let specs = parse("id,missing,roles[id,name],owner");
        assert_eq!(
            apply(&value, &specs),
            json!({"id": "a", "roles": [{"id": "r", "name": "R"}], "owner": {"id": "u"}})
        );
        let all_but = apply(&value, &parse("*,!extra"));
        assert!(all_but.get("extra").is_none() && all_but.get("roles").is_some());
    }
}
