//! `/api/schemas`: which metadata types a server has, their import order and the references
//! between them. Dependency resolution and version transforms are driven by this registry.

use std::collections::HashMap;

use serde::Deserialize;

use super::{Dhis2Client, Dhis2Error, Transport};

/// Fields requested from `/api/schemas`; servers that ignore `fields` send more, which is fine.
pub const SCHEMA_FIELDS: &str = "klass,singular,plural,metadata,embeddedObject,shareable,order,\
properties[name,fieldName,collectionName,propertyType,klass,itemKlass,owner,embeddedObject,\
collection,persisted,required]";

/// One property of a schema, as far as syncing needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaProperty {
    pub name: String,
    /// The key the property has in JSON payloads (the collection name for collections).
    pub json_key: String,
    /// `TEXT`, `REFERENCE`, `COLLECTION`, `COMPLEX`, … as the server spells it.
    pub property_type: String,
    pub klass: Option<String>,
    pub item_klass: Option<String>,
    pub owner: bool,
    pub embedded_object: bool,
    pub persisted: bool,
    pub required: bool,
}

impl SchemaProperty {
    pub fn is_collection(&self) -> bool {
        self.property_type == "COLLECTION"
    }

    /// The class a reference or a collection of references points at.
    pub fn target_klass(&self) -> Option<&str> {
        match self.property_type.as_str() {
            "REFERENCE" | "COMPLEX" => self.klass.as_deref(),
            "COLLECTION" => self.item_klass.as_deref(),
            _ => None,
        }
        .filter(|klass| !klass.starts_with("java."))
    }
}

/// One metadata type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schema {
    pub klass: String,
    pub singular: Option<String>,
    pub plural: Option<String>,
    pub metadata: bool,
    pub embedded_object: bool,
    pub shareable: bool,
    /// Import order: lower first (DHIS2's `schema.order`).
    pub order: i64,
    pub properties: Vec<SchemaProperty>,
}

impl Schema {
    pub fn property_by_key(&self, json_key: &str) -> Option<&SchemaProperty> {
        self.properties.iter().find(|p| p.json_key == json_key)
    }

    /// `org.hisp.dhis.dataelement.DataElement` → `DataElement`.
    pub fn short_klass(&self) -> &str {
        short_klass(&self.klass)
    }
}

/// `org.hisp.dhis.dataelement.DataElement` → `DataElement`.
pub fn short_klass(klass: &str) -> &str {
    klass.rsplit('.').next().unwrap_or(klass)
}

/// A reference out of an object: the JSON key that holds it and what it points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferenceProperty {
    pub json_key: String,
    pub collection: bool,
    pub target: ReferenceTarget,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReferenceTarget {
    /// An identifiable metadata type, by plural (`dataElements`).
    Type(String),
    /// An embedded object whose own references are found through its schema (by class).
    Embedded(String),
}

/// All schemas of one server.
#[derive(Debug, Clone, Default)]
pub struct SchemaRegistry {
    schemas: Vec<Schema>,
    by_klass: HashMap<String, usize>,
    by_short_klass: HashMap<String, usize>,
    by_plural: HashMap<String, usize>,
    by_singular: HashMap<String, usize>,
}

#[derive(Deserialize)]
struct RawSchemas {
    #[serde(default)]
    schemas: Vec<RawSchema>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct RawSchema {
    klass: Option<String>,
    singular: Option<String>,
    plural: Option<String>,
    metadata: bool,
    embedded_object: bool,
    shareable: bool,
    order: Option<i64>,
    properties: Vec<RawProperty>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct RawProperty {
    name: Option<String>,
    field_name: Option<String>,
    collection_name: Option<String>,
    property_type: Option<String>,
    klass: Option<String>,
    item_klass: Option<String>,
    owner: bool,
    embedded_object: bool,
    collection: Option<bool>,
    persisted: Option<bool>,
    required: bool,
}

impl SchemaRegistry {
    /// Decodes a `/api/schemas` document. Missing fields are tolerated (recorded samples and
    /// old servers leave many out); properties without a name are dropped.
    pub fn from_json(body: &[u8]) -> Result<SchemaRegistry, serde_json::Error> {
        let raw: RawSchemas = serde_json::from_slice(body)?;
        Ok(SchemaRegistry::new(
            raw.schemas.into_iter().map(Schema::from).collect(),
        ))
    }

    pub fn new(schemas: Vec<Schema>) -> SchemaRegistry {
        let mut registry = SchemaRegistry {
            schemas,
            ..Default::default()
        };
        for (index, schema) in registry.schemas.iter().enumerate() {
            if !schema.klass.is_empty() {
                registry.by_klass.insert(schema.klass.clone(), index);
                registry
                    .by_short_klass
                    .insert(short_klass(&schema.klass).to_string(), index);
            }
            if let Some(plural) = &schema.plural {
                registry.by_plural.insert(plural.clone(), index);
            }
            if let Some(singular) = &schema.singular {
                registry.by_singular.insert(singular.clone(), index);
            }
        }
        registry
    }

    pub fn all(&self) -> &[Schema] {
        &self.schemas
    }

    pub fn by_plural(&self, plural: &str) -> Option<&Schema> {
        self.by_plural.get(plural).map(|&i| &self.schemas[i])
    }

    pub fn by_singular(&self, singular: &str) -> Option<&Schema> {
        self.by_singular.get(singular).map(|&i| &self.schemas[i])
    }

    /// Looks a class up by its full name, falling back to the short name (servers and
    /// recordings differ in package names across versions).
    pub fn by_klass(&self, klass: &str) -> Option<&Schema> {
        self.by_klass
            .get(klass)
            .or_else(|| self.by_short_klass.get(short_klass(klass)))
            .map(|&i| &self.schemas[i])
    }

    /// The plural of a class (`org.hisp.dhis.dataelement.DataElement` → `dataElements`).
    pub fn plural_of_klass(&self, klass: &str) -> Option<&str> {
        self.by_klass(klass)?.plural.as_deref()
    }

    /// Top-level metadata types that `/api/metadata` imports, in import order.
    pub fn metadata_types(&self) -> Vec<&Schema> {
        let mut types: Vec<&Schema> = self
            .schemas
            .iter()
            .filter(|s| s.metadata && !s.embedded_object && s.plural.is_some())
            .collect();
        types.sort_by_key(|s| s.order);
        types
    }

    /// Import order of a type; unknown types go last.
    pub fn order_of(&self, plural: &str) -> i64 {
        self.by_plural(plural).map_or(i64::MAX / 2, |s| s.order)
    }

    /// The references an object of this schema can carry: to identifiable types, and into
    /// embedded objects (whose own references are looked up through their schema).
    pub fn references_of(&self, schema: &Schema) -> Vec<ReferenceProperty> {
        schema
            .properties
            .iter()
            .filter_map(|property| {
                let klass = property.target_klass()?;
                let target_schema = self.by_klass(klass);
                let target = match target_schema {
                    Some(target) if property.embedded_object || target.embedded_object => {
                        ReferenceTarget::Embedded(target.klass.clone())
                    }
                    Some(target) => ReferenceTarget::Type(target.plural.clone()?),
                    None => return None,
                };
                Some(ReferenceProperty {
                    json_key: property.json_key.clone(),
                    collection: property.is_collection(),
                    target,
                })
            })
            .collect()
    }
}

impl From<RawSchema> for Schema {
    fn from(raw: RawSchema) -> Schema {
        Schema {
            klass: raw.klass.unwrap_or_default(),
            singular: raw.singular,
            plural: raw.plural,
            metadata: raw.metadata,
            embedded_object: raw.embedded_object,
            shareable: raw.shareable,
            order: raw.order.unwrap_or(0),
            properties: raw
                .properties
                .into_iter()
                .filter_map(SchemaProperty::from_raw)
                .collect(),
        }
    }
}

impl SchemaProperty {
    fn from_raw(raw: RawProperty) -> Option<SchemaProperty> {
        let property_type = raw.property_type.unwrap_or_default();
        let collection = raw.collection.unwrap_or(property_type == "COLLECTION");
        let name = raw.name.or_else(|| raw.field_name.clone())?;
        // Real servers name a collection property in the singular and give the JSON key as
        // `collectionName`; the simulator and some versions use the plural as `name`.
        let json_key = if collection {
            raw.collection_name.clone().unwrap_or_else(|| name.clone())
        } else {
            name.clone()
        };
        Some(SchemaProperty {
            name,
            json_key,
            property_type,
            klass: raw.klass,
            item_klass: raw.item_klass,
            owner: raw.owner,
            embedded_object: raw.embedded_object,
            persisted: raw.persisted.unwrap_or(true),
            required: raw.required,
        })
    }
}

/// Fetches `/api/schemas` and decodes it.
pub async fn fetch_schemas<T: Transport>(
    client: &Dhis2Client<T>,
) -> Result<SchemaRegistry, Dhis2Error> {
    let path = format!("api/schemas?fields={SCHEMA_FIELDS}");
    let request = client.request(super::Method::Get, &path);
    let url = request.url.clone();
    let response = client.execute(request).await?;
    super::client::check_response(client.base_url(), &url, &response)?;
    SchemaRegistry::from_json(&response.body).map_err(|error| Dhis2Error::Decode {
        url,
        reason: error.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn registry() -> SchemaRegistry {
        let body = serde_json::json!({"schemas": [
            {"klass": "org.hisp.dhis.dataset.DataSet", "singular": "dataSet", "plural": "dataSets",
             "metadata": true, "order": 1310, "properties": [
                {"name": "dataSetElement", "collectionName": "dataSetElements",
                 "propertyType": "COLLECTION", "itemKlass": "org.hisp.dhis.dataset.DataSetElement",
                 "owner": true, "embeddedObject": true, "collection": true},
                {"name": "categoryCombo", "propertyType": "REFERENCE",
                 "klass": "org.hisp.dhis.category.CategoryCombo", "owner": true},
                {"name": "name", "propertyType": "TEXT", "klass": "java.lang.String"}]},
            {"klass": "org.hisp.dhis.dataset.DataSetElement", "singular": "dataSetElement",
             "plural": "dataSetElements", "embeddedObject": true, "properties": [
                {"name": "dataElement", "propertyType": "REFERENCE",
                 "klass": "org.hisp.dhis.dataelement.DataElement", "owner": true}]},
            {"klass": "org.hisp.dhis.dataelement.DataElement", "singular": "dataElement",
             "plural": "dataElements", "metadata": true, "order": 1200},
            {"klass": "org.hisp.dhis.category.CategoryCombo", "singular": "categoryCombo",
             "plural": "categoryCombos", "metadata": true, "order": 1180}
        ]});
        SchemaRegistry::from_json(body.to_string().as_bytes()).unwrap()
    }

    #[test]
    fn decodes_types_order_and_references() {
        let registry = registry();
        let order: Vec<&str> = registry
            .metadata_types()
            .iter()
            .filter_map(|s| s.plural.as_deref())
            .collect();
        assert_eq!(order, ["categoryCombos", "dataElements", "dataSets"]);
        let data_set = registry.by_plural("dataSets").unwrap();
        let references = registry.references_of(data_set);
        assert_eq!(references.len(), 2);
        assert_eq!(references[0].json_key, "dataSetElements");
        assert_eq!(
            references[0].target,
            ReferenceTarget::Embedded("org.hisp.dhis.dataset.DataSetElement".into())
        );
        assert_eq!(
            references[1].target,
            ReferenceTarget::Type("categoryCombos".into())
        );
        assert_eq!(
            registry.plural_of_klass("org.hisp.dhis.category.CategoryCombo"),
            Some("categoryCombos")
        );
        assert_eq!(
            registry.plural_of_klass("CategoryCombo"),
            Some("categoryCombos")
        );
    }
}
