//! The simulator's own `/api/schemas`: which metadata types exist, their import order and their
//! properties (type, owner side, required, unique, referenced class).
//!
//! The catalog is written as compact property specs (see [`spec`]) and expanded per DHIS2
//! version, so that version differences (e.g. `sharing` from 2.36, flattened users from 2.38)
//! live in one place.

pub mod authorities;
mod build;
mod catalog;
mod catalog_tracker;
mod render;
pub mod spec;

use crate::SimVersion;
use std::collections::HashMap;

pub use spec::{Property, PropertyType, Schema};

/// All schemas of one DHIS2 version, indexed for lookups by plural, singular and class name.
#[derive(Debug, Clone)]
pub struct Catalog {
    schemas: Vec<Schema>,
    by_plural: HashMap<String, usize>,
    by_singular: HashMap<String, usize>,
    by_klass: HashMap<String, usize>,
}

impl Catalog {
    pub fn for_version(version: SimVersion) -> Catalog {
        let mut schemas = catalog::schemas(version);
        schemas.extend(catalog_tracker::schemas(version));
        // Specs name classes by their short name or by their capitalized singular (`UserRole`
        // is `UserAuthorityGroup` before 2.39).
        let mut short_to_fqn: HashMap<String, String> = HashMap::new();
        for schema in &schemas {
            let mut chars = schema.singular.chars();
            let capitalized: String = chars
                .next()
                .map(|first| first.to_uppercase().chain(chars).collect())
                .unwrap_or_default();
            short_to_fqn
                .entry(capitalized)
                .or_insert_with(|| schema.klass.clone());
            short_to_fqn.insert(schema.short_klass().to_string(), schema.klass.clone());
        }
        for schema in &mut schemas {
            schema.resolve_klasses(&short_to_fqn);
        }
        let index = |key: fn(&Schema) -> &str| {
            schemas
                .iter()
                .enumerate()
                .map(|(position, schema)| (key(schema).to_string(), position))
                .collect::<HashMap<_, _>>()
        };
        let by_plural = index(|schema| &schema.plural);
        let by_singular = index(|schema| &schema.singular);
        let by_klass = index(|schema| &schema.klass);
        Catalog {
            schemas,
            by_plural,
            by_singular,
            by_klass,
        }
    }

    pub fn all(&self) -> &[Schema] {
        &self.schemas
    }

    pub fn by_plural(&self, plural: &str) -> Option<&Schema> {
        self.by_plural
            .get(plural)
            .map(|&index| &self.schemas[index])
    }

    pub fn by_singular(&self, singular: &str) -> Option<&Schema> {
        self.by_singular
            .get(singular)
            .map(|&index| &self.schemas[index])
    }

    pub fn by_klass(&self, klass: &str) -> Option<&Schema> {
        self.by_klass.get(klass).map(|&index| &self.schemas[index])
    }

    /// Top-level metadata types that `/api/metadata` imports and exports, in import order.
    pub fn metadata_types(&self) -> Vec<&Schema> {
        let mut types: Vec<&Schema> = self
            .schemas
            .iter()
            .filter(|schema| schema.metadata && !schema.embedded)
            .collect();
        types.sort_by_key(|schema| schema.order);
        types
    }

    /// The `/api/schemas` document.
    pub fn to_json(&self, base_url: &str) -> serde_json::Value {
        let mut schemas: Vec<&Schema> = self.schemas.iter().collect();
        schemas.sort_by(|a, b| a.klass.cmp(&b.klass));
        serde_json::json!({
            "schemas": schemas
                .into_iter()
                .map(|schema| render::schema_json(schema, base_url))
                .collect::<Vec<_>>()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reference_resolves_to_a_known_class() {
        for minor in 30..=42 {
            let catalog = Catalog::for_version(SimVersion::new(minor, 0));
            for schema in catalog.all() {
                for property in &schema.properties {
                    let target = property.reference_klass();
                    if let Some(klass) = target {
                        assert!(
                            klass.contains('.'),
                            "{}.{} refers to unresolved class {klass}",
                            schema.singular,
                            property.name
                        );
                    }
                }
            }
            let data_set = catalog.by_plural("dataSets").unwrap();
            let elements = data_set.property("dataSetElements").unwrap();
            assert!(elements.owner && elements.embedded_object);
        }
    }
}
