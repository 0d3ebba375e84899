//! Schema and property types, and the compact spec language the catalog is written in.
//!
//! A property spec is `"<name> <type> [<class>] [flags…]"`:
//! * types: `text id bool int num date url color email password ref coll tcoll const complex`;
//! * `<class>` follows `ref`, `coll`, `const`, `complex`: a schema's short class name
//!   (`CategoryCombo`) or a fully qualified Java class name;
//! * flags: `req` required, `uniq` unique, `emb` embedded object(s), `inv` inverse side (not owner),
//!   `np` not persisted (computed), `list` ordered list, `since=N` / `until=N` DHIS2 2.N bounds.

use crate::SimVersion;
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PropertyType {
    Identifier,
    Text,
    Boolean,
    Integer,
    Number,
    Date,
    Url,
    Color,
    Email,
    Password,
    Reference,
    Collection,
    Constant,
    Complex,
}

impl PropertyType {
    pub fn as_str(self) -> &'static str {
        match self {
            PropertyType::Identifier => "IDENTIFIER",
            PropertyType::Text => "TEXT",
            PropertyType::Boolean => "BOOLEAN",
            PropertyType::Integer => "INTEGER",
            PropertyType::Number => "NUMBER",
            PropertyType::Date => "DATE",
            PropertyType::Url => "URL",
            PropertyType::Color => "COLOR",
            PropertyType::Email => "EMAIL",
            PropertyType::Password => "PASSWORD",
            PropertyType::Reference => "REFERENCE",
            PropertyType::Collection => "COLLECTION",
            PropertyType::Constant => "CONSTANT",
            PropertyType::Complex => "COMPLEX",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Property {
    pub name: String,
    pub property_type: PropertyType,
    /// Java class of the value (`java.util.Set` for collections).
    pub klass: String,
    /// Java class of collection items.
    pub item_klass: Option<String>,
    pub item_property_type: Option<PropertyType>,
    pub owner: bool,
    pub required: bool,
    pub unique: bool,
    pub embedded_object: bool,
    pub persisted: bool,
    pub ordered: bool,
    /// Set once classes are resolved: the referenced class is an identifiable schema type.
    pub identifiable_reference: bool,
}

impl Property {
    pub fn is_collection(&self) -> bool {
        self.property_type == PropertyType::Collection
    }

    /// The class this property references (single reference or collection item), if any.
    pub fn reference_klass(&self) -> Option<&str> {
        match self.property_type {
            PropertyType::Reference => Some(&self.klass),
            PropertyType::Collection => self
                .item_klass
                .as_deref()
                .filter(|klass| !klass.starts_with("java.")),
            _ => None,
        }
    }

    pub fn parse(spec: &str, version: SimVersion) -> Option<Property> {
        let mut words = spec.split_whitespace();
        let name = words.next()?.to_string();
        let kind = words.next()?;
        let takes_class = matches!(kind, "ref" | "coll" | "const" | "complex");
        let class = if takes_class { words.next()? } else { "" };
        let flags: Vec<&str> = words.collect();
        for flag in &flags {
            if let Some(minor) = flag.strip_prefix("since=") {
                if version.minor < minor.parse().ok()? {
                    return None;
                }
            }
            if let Some(minor) = flag.strip_prefix("until=") {
                if version.minor >= minor.parse().ok()? {
                    return None;
                }
            }
        }
        let flag = |wanted: &str| flags.contains(&wanted);
        let (property_type, klass, item_klass, item_type) = match kind {
            "id" => (PropertyType::Identifier, "java.lang.String", None, None),
            "text" => (PropertyType::Text, "java.lang.String", None, None),
            "bool" => (PropertyType::Boolean, "java.lang.Boolean", None, None),
            "int" => (PropertyType::Integer, "java.lang.Integer", None, None),
            "num" => (PropertyType::Number, "java.lang.Double", None, None),
            "date" => (PropertyType::Date, "java.util.Date", None, None),
            "url" => (PropertyType::Url, "java.lang.String", None, None),
            "color" => (PropertyType::Color, "java.lang.String", None, None),
            "email" => (PropertyType::Email, "java.lang.String", None, None),
            "password" => (PropertyType::Password, "java.lang.String", None, None),
            "ref" => (PropertyType::Reference, class, None, None),
            "const" => (PropertyType::Constant, class, None, None),
            "complex" => (PropertyType::Complex, class, None, None),
            "coll" | "tcoll" => {
                let container = if flag("list") {
                    "java.util.List"
                } else {
                    "java.util.Set"
                };
                let (item, item_type) = if kind == "tcoll" {
                    ("java.lang.String", PropertyType::Text)
                } else if flag("emb") {
                    (class, PropertyType::Complex)
                } else {
                    (class, PropertyType::Reference)
                };
                (
                    PropertyType::Collection,
                    container,
                    Some(item.to_string()),
                    Some(item_type),
                )
            }
            _ => return None,
        };
        let persisted = !flag("np");
        Some(Property {
            name,
            property_type,
            klass: klass.to_string(),
            item_klass,
            item_property_type: item_type,
            owner: persisted && !flag("inv"),
            required: flag("req"),
            unique: flag("uniq"),
            embedded_object: flag("emb"),
            persisted,
            ordered: flag("list"),
            identifiable_reference: false,
        })
    }
}

#[derive(Debug, Clone)]
pub struct Schema {
    pub klass: String,
    pub singular: String,
    pub plural: String,
    pub order: i32,
    pub identifiable: bool,
    pub nameable: bool,
    pub shareable: bool,
    pub data_shareable: bool,
    pub embedded: bool,
    pub metadata: bool,
    /// Keeps properties the catalog does not list (analytical objects are only partly modelled).
    pub open: bool,
    pub properties: Vec<Property>,
}

impl Schema {
    /// `org.hisp.dhis.dataelement.DataElement` → `DataElement`.
    pub fn short_klass(&self) -> &str {
        self.klass.rsplit('.').next().unwrap_or(&self.klass)
    }

    pub fn property(&self, name: &str) -> Option<&Property> {
        self.properties
            .iter()
            .find(|property| property.name == name)
    }

    pub fn owner_properties(&self) -> impl Iterator<Item = &Property> {
        self.properties.iter().filter(|property| property.owner)
    }

    /// Turns short class names into fully qualified ones and marks identifiable references.
    pub(super) fn resolve_klasses(&mut self, short_to_fqn: &HashMap<String, String>) {
        for property in &mut self.properties {
            let resolve = |klass: &mut String| {
                if let Some(fqn) = short_to_fqn.get(klass.as_str()) {
                    *klass = fqn.clone();
                    true
                } else {
                    false
                }
            };
            let mut resolved = false;
            match property.property_type {
                PropertyType::Reference => resolved = resolve(&mut property.klass),
                PropertyType::Collection => {
                    if let Some(item) = property.item_klass.as_mut() {
                        resolved = resolve(item);
                    }
                }
                _ => {}
            }
            property.identifiable_reference = resolved && !property.embedded_object;
        }
    }
}
