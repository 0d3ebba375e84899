//! JSON rendering of schemas, in the property names of DHIS2's `Schema`/`Property` classes.

use super::spec::{Property, PropertyType, Schema};
use serde_json::{json, Map, Value};

pub fn schema_json(schema: &Schema, base_url: &str) -> Value {
    let endpoint = (!schema.embedded && schema.metadata).then(|| format!("/{}", schema.plural));
    let mut out = Map::new();
    out.insert("klass".into(), json!(schema.klass));
    out.insert("shareable".into(), json!(schema.shareable));
    out.insert("metadata".into(), json!(schema.metadata));
    if let Some(endpoint) = &endpoint {
        out.insert("relativeApiEndpoint".into(), json!(endpoint));
        out.insert(
            "apiEndpoint".into(),
            json!(format!("{base_url}/api{endpoint}")),
        );
    }
    out.insert("plural".into(), json!(schema.plural));
    out.insert("displayName".into(), json!(words(schema.short_klass())));
    out.insert("singular".into(), json!(schema.singular));
    out.insert("secondaryMetadata".into(), json!(false));
    out.insert("collectionName".into(), json!(schema.plural));
    out.insert("name".into(), json!(schema.short_klass()));
    out.insert("namespace".into(), json!("http://dhis2.org/schema/dxf/2.0"));
    out.insert("dataShareable".into(), json!(schema.data_shareable));
    out.insert("dataReadShareable".into(), json!(schema.data_shareable));
    out.insert("dataWriteShareable".into(), json!(schema.data_shareable));
    out.insert("identifiableObject".into(), json!(schema.identifiable));
    out.insert("nameableObject".into(), json!(schema.nameable));
    out.insert("subscribableObject".into(), json!(false));
    out.insert("embeddedObject".into(), json!(schema.embedded));
    out.insert("translatable".into(), json!(schema.identifiable));
    out.insert("favoritable".into(), json!(false));
    out.insert("subscribable".into(), json!(false));
    out.insert("persisted".into(), json!(true));
    out.insert("defaultPrivate".into(), json!(false));
    out.insert("implicitPrivateAuthority".into(), json!(false));
    out.insert("order".into(), json!(schema.order));
    out.insert(
        "href".into(),
        json!(format!("{base_url}/api/schemas/{}", schema.singular)),
    );
    out.insert("authorities".into(), json!([]));
    out.insert(
        "properties".into(),
        Value::Array(
            schema
                .properties
                .iter()
                .map(|property| property_json(property, base_url))
                .collect(),
        ),
    );
    Value::Object(out)
}

fn property_json(property: &Property, base_url: &str) -> Value {
    let mut out = Map::new();
    let referenced = property.reference_klass().map(str::to_string);
    out.insert("klass".into(), json!(property.klass));
    out.insert(
        "propertyType".into(),
        json!(property.property_type.as_str()),
    );
    if let Some(item) = &property.item_klass {
        out.insert("itemKlass".into(), json!(item));
    }
    if let Some(item_type) = property.item_property_type {
        out.insert("itemPropertyType".into(), json!(item_type.as_str()));
    }
    out.insert("name".into(), json!(property.name));
    if property.persisted {
        let field_name = if property.name == "id" {
            "uid"
        } else {
            &property.name
        };
        out.insert("fieldName".into(), json!(field_name));
    }
    if property.is_collection() {
        out.insert("collectionName".into(), json!(property.name));
        out.insert("collectionWrapping".into(), json!(false));
    }
    let simple = !matches!(
        property.property_type,
        PropertyType::Reference | PropertyType::Collection | PropertyType::Complex
    );
    out.insert("persisted".into(), json!(property.persisted));
    out.insert("attribute".into(), json!(false));
    out.insert("simple".into(), json!(simple));
    out.insert("collection".into(), json!(property.is_collection()));
    out.insert("ordered".into(), json!(property.ordered));
    out.insert("owner".into(), json!(property.owner));
    out.insert(
        "identifiableObject".into(),
        json!(property.identifiable_reference),
    );
    out.insert("nameableObject".into(), json!(false));
    out.insert("embeddedObject".into(), json!(property.embedded_object));
    out.insert("analyticalObject".into(), json!(false));
    out.insert("readable".into(), json!(true));
    out.insert("writable".into(), json!(property.persisted));
    out.insert("unique".into(), json!(property.unique));
    out.insert("required".into(), json!(property.required));
    out.insert("translatable".into(), json!(false));
    if property.name == "id" {
        out.insert("length".into(), json!(11));
        out.insert("min".into(), json!(11));
        out.insert("max".into(), json!(11));
    }
    let many = property.is_collection();
    let relation = referenced.is_some() && property.identifiable_reference;
    out.insert("manyToMany".into(), json!(relation && many));
    out.insert("oneToOne".into(), json!(false));
    out.insert("manyToOne".into(), json!(relation && !many));
    out.insert("oneToMany".into(), json!(false));
    if let Some(klass) = referenced.filter(|_| property.identifiable_reference) {
        let short = klass.rsplit('.').next().unwrap_or(&klass).to_string();
        out.insert(
            "href".into(),
            json!(format!("{base_url}/api/schemas/{}", lower_first(&short))),
        );
    }
    out.insert("constants".into(), json!([]));
    Value::Object(out)
}

/// `DataElementGroup` → `Data Element Group`.
fn words(name: &str) -> String {
    let mut out = String::new();
    for (index, ch) in name.chars().enumerate() {
        if ch.is_uppercase() && index > 0 {
            out.push(' ');
        }
        out.push(ch);
    }
    out
}

fn lower_first(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}
