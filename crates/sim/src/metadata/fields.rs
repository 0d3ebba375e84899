//! The `fields=` parameter of metadata endpoints: presets (`*`, `:all`, `:owner`,
//! `:identifiable`, `:nameable`, `:persisted`), exclusions (`!x`), nesting (`a[b,c]`) that
//! follows references to the referenced objects, and transformers (`~rename(x)`, `~size`,
//! `~isEmpty`, `~pluck`).

use super::schema::{Catalog, Schema};
use serde_json::{Map, Value};

/// One requested field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub name: String,
    pub children: Option<Vec<Field>>,
    pub transformers: Vec<String>,
}

/// Parses `id,name,categoryCombo[id,categories[id]]~rename(cc)`; `()` work as brackets too.
pub fn parse(text: &str) -> Vec<Field> {
    let chars: Vec<char> = text.chars().collect();
    let mut position = 0;
    parse_list(&chars, &mut position)
}

fn parse_list(chars: &[char], position: &mut usize) -> Vec<Field> {
    let mut fields = Vec::new();
    let mut current = String::new();
    let mut children = None;
    while *position < chars.len() {
        let ch = chars[*position];
        *position += 1;
        match ch {
            '[' | '(' if !current.contains('~') => children = Some(parse_list(chars, position)),
            '(' => {
                // A transformer argument: `~rename(newName)`.
                current.push('(');
                while *position < chars.len() && chars[*position] != ')' {
                    current.push(chars[*position]);
                    *position += 1;
                }
                current.push(')');
                *position += 1;
            }
            ']' | ')' => break,
            ',' => push_field(&mut fields, &mut current, &mut children),
            ch if ch.is_whitespace() => {}
            ch => current.push(ch),
        }
    }
    push_field(&mut fields, &mut current, &mut children);
    fields
}

fn push_field(fields: &mut Vec<Field>, text: &mut String, children: &mut Option<Vec<Field>>) {
    let taken = std::mem::take(text);
    let children = children.take();
    if taken.is_empty() {
        return;
    }
    let mut parts = taken.split('~');
    let name = parts.next().unwrap_or_default().to_string();
    fields.push(Field {
        name,
        children,
        transformers: parts.map(str::to_string).collect(),
    });
}

/// Looks up the full view of a referenced object, for nested field selections.
pub type Resolver<'a> = dyn Fn(&Schema, &str) -> Option<Value> + 'a;

/// Applies field selections to rendered objects.
pub struct FieldFilter<'a> {
    pub catalog: &'a Catalog,
    pub resolve: &'a Resolver<'a>,
}

impl FieldFilter<'_> {
    /// Selects `fields` of `object` (whose type is `schema`, when known).
    pub fn apply(&self, fields: &[Field], object: &Value, schema: Option<&Schema>) -> Value {
        let Some(map) = object.as_object() else {
            return object.clone();
        };
        let mut selected: Vec<(String, Option<&Field>)> = Vec::new();
        let mut excluded: Vec<&str> = Vec::new();
        fn select<'f>(
            selected: &mut Vec<(String, Option<&'f Field>)>,
            name: String,
            field: Option<&'f Field>,
        ) {
            if let Some(existing) = selected.iter_mut().find(|(n, _)| *n == name) {
                if field.is_some() {
                    existing.1 = field;
                }
            } else {
                selected.push((name, field));
            }
        }
        for field in fields {
            if let Some(name) = field.name.strip_prefix('!') {
                excluded.push(name);
                continue;
            }
            match preset(&field.name, map, schema) {
                Some(names) => names
                    .into_iter()
                    .for_each(|name| select(&mut selected, name, None)),
                None => select(&mut selected, field.name.clone(), Some(field)),
            }
        }
        let mut out = Map::new();
        for (name, field) in selected {
            if excluded.contains(&name.as_str()) {
                continue;
            }
            let property = schema.and_then(|schema| schema.property(&name));
            let value = match map.get(&name) {
                Some(value) => value.clone(),
                None if property.is_some_and(|p| p.is_collection()) => Value::Array(Vec::new()),
                None => continue,
            };
            let value = match field.and_then(|field| field.children.as_deref()) {
                Some(children) => self.nested(children, &value, schema, &name),
                None => value,
            };
            let mut out_name = name.clone();
            let mut out_value = value;
            for transformer in field.map(|f| f.transformers.as_slice()).unwrap_or_default() {
                transform(transformer, &mut out_name, &mut out_value);
            }
            out.insert(out_name, out_value);
        }
        Value::Object(out)
    }

    fn nested(
        &self,
        children: &[Field],
        value: &Value,
        owner: Option<&Schema>,
        name: &str,
    ) -> Value {
        let property = owner.and_then(|schema| schema.property(name));
        let target = property
            .and_then(|p| p.reference_klass())
            .and_then(|klass| self.catalog.by_klass(klass));
        let follow = property.is_some_and(|p| p.identifiable_reference);
        let one = |item: &Value| {
            let resolved = match (follow, target, item.get("id").and_then(Value::as_str)) {
                (true, Some(schema), Some(id)) => (self.resolve)(schema, id),
                _ => None,
            };
            self.apply(children, resolved.as_ref().unwrap_or(item), target)
        };
        match value {
            Value::Array(items) => Value::Array(items.iter().map(one).collect()),
            Value::Object(_) => one(value),
            other => other.clone(),
        }
    }
}

/// The property names a preset stands for, or `None` when `name` is not a preset.
fn preset(name: &str, map: &Map<String, Value>, schema: Option<&Schema>) -> Option<Vec<String>> {
    let keys = || map.keys().cloned().collect::<Vec<_>>();
    let from_schema = |keep: &dyn Fn(&super::schema::Property) -> bool| match schema {
        Some(schema) => schema
            .properties
            .iter()
            .filter(|p| keep(p) && (map.contains_key(&p.name) || p.is_collection()))
            .map(|p| p.name.clone())
            .collect(),
        None => keys(),
    };
    const IDENTIFIABLE: &[&str] = &["id", "name", "code", "created", "lastUpdated", "href"];
    match name {
        "*" | ":all" => {
            let mut names = keys();
            if let Some(schema) = schema {
                for property in schema
                    .properties
                    .iter()
                    .filter(|p| p.is_collection() && p.owner)
                {
                    if !names.contains(&property.name) {
                        names.push(property.name.clone());
                    }
                }
            }
            Some(names)
        }
        ":owner" => Some(from_schema(&|p| p.owner)),
        ":persisted" => Some(from_schema(&|p| p.persisted)),
        ":identifiable" => Some(IDENTIFIABLE.iter().map(|s| s.to_string()).collect()),
        ":nameable" => Some(
            IDENTIFIABLE
                .iter()
                .chain(&["shortName", "description"])
                .map(|s| s.to_string())
                .collect(),
        ),
        ":simple" => Some(
            map.iter()
                .filter(|(_, v)| !v.is_object() && !v.is_array())
                .map(|(k, _)| k.clone())
                .collect(),
        ),
        _ => None,
    }
}

fn transform(transformer: &str, name: &mut String, value: &mut Value) {
    let (op, argument) = match transformer.split_once('(') {
        Some((op, rest)) => (op, rest.trim_end_matches(')')),
        None => (transformer, ""),
    };
    match op {
        "rename" if !argument.is_empty() => *name = argument.to_string(),
        "size" => {
            let size = match value {
                Value::Array(items) => items.len(),
                Value::String(text) => text.chars().count(),
                Value::Object(map) => map.len(),
                _ => 0,
            };
            *value = Value::from(size);
        }
        "isEmpty" => {
            let empty = match value {
                Value::Array(items) => items.is_empty(),
                Value::String(text) => text.is_empty(),
                Value::Null => true,
                _ => false,
            };
            *value = Value::Bool(empty);
        }
        "isNotEmpty" => {
            transform("isEmpty", name, value);
            *value = Value::Bool(value == &Value::Bool(false));
        }
        "pluck" => {
            let key = if argument.is_empty() { "id" } else { argument };
            if let Value::Array(items) = value {
                *value = Value::Array(
                    items
                        .iter()
                        .filter_map(|item| item.get(key).cloned())
                        .collect(),
                );
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_nesting_and_transformers() {
        let fields = parse("id,categoryCombo[id,categories[id]],items~size,name~rename(title)");
        assert_eq!(fields.len(), 4);
        assert_eq!(fields[1].children.as_ref().unwrap()[1].name, "categories");
        assert_eq!(fields[2].transformers, vec!["size"]);
        assert_eq!(fields[3].transformers, vec!["rename(title)"]);
    }
}
