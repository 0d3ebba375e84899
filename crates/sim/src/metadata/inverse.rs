//! Inverse (non-owner) collections, computed from the owning side when a response asks for
//! them: `organisationUnit.children`, `dataSet.sections`, `categoryCombo.categoryOptionCombos`,
//! `dataElement.dataElementGroups`, `user.userGroups`…

use super::schema::{Property, Schema};
use super::MetadataStore;
use serde_json::{json, Value};

/// Whether a reference (`{"id": …}`) or a collection of references points at `id`; deletion
/// uses it to find what refers to an object.
pub(super) fn mentions(value: Option<&Value>, id: &str) -> bool {
    match value {
        Some(Value::Array(items)) => items
            .iter()
            .any(|item| item.get("id").and_then(Value::as_str) == Some(id)),
        Some(item @ Value::Object(_)) => item.get("id").and_then(Value::as_str) == Some(id),
        _ => false,
    }
}

impl MetadataStore {
    /// The items of the inverse collection `property` of object `id` of type `schema`.
    pub(crate) fn inverse_value(&self, schema: &Schema, id: &str, property: &Property) -> Value {
        let Some(item_schema) = property
            .reference_klass()
            .and_then(|k| self.catalog.by_klass(k))
        else {
            return json!([]);
        };
        let ids = |plural: &str, matches: &dyn Fn(&Value) -> bool| -> Vec<Value> {
            self.list(plural)
                .into_iter()
                .filter(|object| matches(object))
                .filter_map(|object| object.get("id").map(|id| json!({ "id": id })))
                .collect()
        };
        let items = match (schema.singular.as_str(), property.name.as_str()) {
            ("dataElement", "dataSetElements") => self
                .list("dataSets")
                .into_iter()
                .flat_map(|set| {
                    set.get("dataSetElements")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                        .filter(|element| mentions(element.get("dataElement"), id))
                        .map(|element| {
                            let mut element = element.clone();
                            if let Value::Object(map) = &mut element {
                                map.insert("dataSet".into(), json!({ "id": set.get("id") }));
                            }
                            element
                        })
                })
                .collect(),
            ("userRole", "users") => ids("users", &|user| {
                mentions(user.get("userRoles"), id)
                    || mentions(user.pointer("/userCredentials/userRoles"), id)
            }),
            _ => {
                let owning = item_schema.properties.iter().find(|candidate| {
                    candidate.owner
                        && candidate.identifiable_reference
                        && candidate.reference_klass() == Some(schema.klass.as_str())
                });
                match owning {
                    Some(owning) => ids(&item_schema.plural, &|item| {
                        mentions(item.get(&owning.name), id)
                    }),
                    None => Vec::new(),
                }
            }
        };
        Value::Array(items)
    }

    /// Adds the inverse collections `wanted` to a rendered object.
    pub(crate) fn add_inverse(&self, schema: &Schema, object: &mut Value, wanted: &[&Property]) {
        let Some(id) = object.get("id").and_then(Value::as_str).map(str::to_string) else {
            return;
        };
        for property in wanted {
            let value = self.inverse_value(schema, &id, property);
            if let Value::Object(map) = object {
                map.insert(property.name.clone(), value);
            }
        }
    }
}

/// Inverse collections of `schema` that a `fields` text asks for at its top level.
pub fn requested<'s>(schema: &'s Schema, fields_text: &str) -> Vec<&'s Property> {
    let top_level: Vec<String> = super::fields::parse(fields_text)
        .into_iter()
        .map(|field| field.name)
        .collect();
    let everything = top_level.iter().any(|name| name == "*" || name == ":all");
    schema
        .properties
        .iter()
        .filter(|p| p.persisted && !p.owner && p.is_collection())
        .filter(|p| everything || top_level.contains(&p.name))
        .collect()
}
