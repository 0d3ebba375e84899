//! An aggregated data value as `/api/dataValueSets` reads and writes it, typed for speed (a
//! million of them are mapped in well under a second) and faithful: fields it does not name
//! are kept, in order.

use std::fmt;

use serde::de::{self, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

mod json;
mod shared;

pub use shared::SharedStr;

#[derive(Debug, Clone, PartialEq, Default)]
pub struct DataValue {
    pub data_element: SharedStr,
    pub period: SharedStr,
    pub org_unit: SharedStr,
    pub category_option_combo: Option<SharedStr>,
    pub attribute_option_combo: Option<SharedStr>,
    /// A number or boolean in the input is read as its text (DHIS2 writes text).
    pub value: Option<SharedStr>,
    pub comment: Option<SharedStr>,
    pub stored_by: Option<SharedStr>,
    pub created: Option<SharedStr>,
    pub last_updated: Option<SharedStr>,
    pub followup: Option<bool>,
    /// Any other field, as given.
    pub extra: Vec<(String, Value)>,
}

/// `{"dataValues": [...]}` and whatever else the set carries (`dataSet`, `completeDate`…).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DataValueSet {
    #[serde(default)]
    pub data_values: Vec<DataValue>,
    #[serde(flatten)]
    pub extra: serde_json::Map<String, Value>,
}

impl DataValueSet {
    /// Reads a `dataValueSets` (or `analytics/dataValueSet`) answer: the same result and the
    /// same errors as `serde_json::from_slice`, a few times faster on DHIS2's plain answers.
    pub fn from_json(body: &[u8]) -> serde_json::Result<DataValueSet> {
        match json::read_set(body) {
            Some(set) => Ok(set),
            None => serde_json::from_slice(body),
        }
    }

    /// `{"dataValues": values}` as JSON: the bytes `serde_json::to_vec` gives, written
    /// directly into a buffer sized for them.
    pub fn encode_values(values: &[DataValue]) -> Vec<u8> {
        json::write_set(values)
    }
}

impl DataValue {
    /// This value's JSON (as `serde_json` writes it), appended to `out`.
    pub fn write_json(&self, out: &mut Vec<u8>) {
        json::write_value(self, out);
    }
}

impl Serialize for DataValue {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("dataElement", &self.data_element)?;
        map.serialize_entry("period", &self.period)?;
        map.serialize_entry("orgUnit", &self.org_unit)?;
        let optional = [
            ("categoryOptionCombo", &self.category_option_combo),
            ("attributeOptionCombo", &self.attribute_option_combo),
            ("value", &self.value),
            ("comment", &self.comment),
            ("storedBy", &self.stored_by),
            ("created", &self.created),
            ("lastUpdated", &self.last_updated),
        ];
        for (key, value) in optional {
            if let Some(value) = value {
                map.serialize_entry(key, value)?;
            }
        }
        if let Some(followup) = self.followup {
            map.serialize_entry("followup", &followup)?;
        }
        for (key, value) in &self.extra {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for DataValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(DataValueVisitor)
    }
}

struct DataValueVisitor;

/// A field that holds text, a number or a boolean (read as text); `null` is absent.
struct Text(Option<SharedStr>);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TextVisitor;
        impl<'de> Visitor<'de> for TextVisitor {
            type Value = Text;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("text, a number or true/false")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Text, E> {
                Ok(Text(Some(SharedStr::from(v))))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Text, E> {
                Ok(Text(Some(v.into())))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Text, E> {
                Ok(Text(Some(v.to_string().into())))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Text, E> {
                Ok(Text(Some(v.to_string().into())))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Text, E> {
                Ok(Text(Some(v.to_string().into())))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Text, E> {
                Ok(Text(Some(v.to_string().into())))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Text, E> {
                Ok(Text(None))
            }
            fn visit_none<E: de::Error>(self) -> Result<Text, E> {
                Ok(Text(None))
            }
        }
        deserializer.deserialize_any(TextVisitor)
    }
}

impl<'de> Visitor<'de> for DataValueVisitor {
    type Value = DataValue;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a data value (an object with dataElement, period, orgUnit, value…)")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<DataValue, A::Error> {
        let mut value = DataValue::default();
        let (mut has_element, mut has_period, mut has_unit) = (false, false, false);
        while let Some(key) = map.next_key::<Field>()? {
            let slot = match key {
                Field::DataElement => {
                    has_element = true;
                    value.data_element = map.next_value::<Text>()?.0.unwrap_or_default();
                    continue;
                }
                Field::Period => {
                    has_period = true;
                    value.period = map.next_value::<Text>()?.0.unwrap_or_default();
                    continue;
                }
                Field::OrgUnit => {
                    has_unit = true;
                    value.org_unit = map.next_value::<Text>()?.0.unwrap_or_default();
                    continue;
                }
                Field::Followup => {
                    value.followup = map.next_value()?;
                    continue;
                }
                Field::CategoryOptionCombo => &mut value.category_option_combo,
                Field::AttributeOptionCombo => &mut value.attribute_option_combo,
                Field::Value => &mut value.value,
                Field::Comment => &mut value.comment,
                Field::StoredBy => &mut value.stored_by,
                Field::Created => &mut value.created,
                Field::LastUpdated => &mut value.last_updated,
                Field::Other(name) => {
                    let extra: Value = map.next_value()?;
                    value.extra.push((name, extra));
                    continue;
                }
            };
            *slot = map.next_value::<Text>()?.0;
        }
        let missing = [
            (has_element, "dataElement"),
            (has_period, "period"),
            (has_unit, "orgUnit"),
        ]
        .into_iter()
        .find(|(present, _)| !present);
        match missing {
            Some((_, field)) => Err(de::Error::missing_field(field)),
            None => Ok(value),
        }
    }
}

/// A data value's key, matched without allocating (only unknown keys are copied).
enum Field {
    DataElement,
    Period,
    OrgUnit,
    CategoryOptionCombo,
    AttributeOptionCombo,
    Value,
    Comment,
    StoredBy,
    Created,
    LastUpdated,
    Followup,
    Other(String),
}

impl<'de> Deserialize<'de> for Field {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct FieldVisitor;
        impl<'de> Visitor<'de> for FieldVisitor {
            type Value = Field;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a field name")
            }
            fn visit_str<E: de::Error>(self, key: &str) -> Result<Field, E> {
                Ok(match key {
                    "dataElement" => Field::DataElement,
                    "period" => Field::Period,
                    "orgUnit" => Field::OrgUnit,
                    "categoryOptionCombo" => Field::CategoryOptionCombo,
                    "attributeOptionCombo" => Field::AttributeOptionCombo,
                    "value" => Field::Value,
                    "comment" => Field::Comment,
                    "storedBy" => Field::StoredBy,
                    "created" => Field::Created,
                    "lastUpdated" => Field::LastUpdated,
                    "followup" => Field::Followup,
                    other => Field::Other(other.to_string()),
                })
            }
        }
        deserializer.deserialize_identifier(FieldVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_and_writes_every_field_keeping_the_unknown_ones() {
        let text = r#"{"dataValues":[{"dataElement":"Dat0000Aaaa","period":"202401","orgUnit":"Org0000Aaaa","categoryOptionCombo":"HllvX50cXC0","value":12,"storedBy":"admin","followup":false,"deleted":false}],"dataSet":"Set0000Aaaa"}"#;
        let set: DataValueSet = serde_json::from_str(text).expect("set");
        let value = &set.data_values[0];
        assert_eq!(value.value.as_deref(), Some("12"));
        assert_eq!(
            value.extra,
            vec![("deleted".to_string(), Value::Bool(false))]
        );
        assert_eq!(
            serde_json::to_string(&set).unwrap(),
            r#"{"dataValues":[{"dataElement":"Dat0000Aaaa","period":"202401","orgUnit":"Org0000Aaaa","categoryOptionCombo":"HllvX50cXC0","value":"12","storedBy":"admin","followup":false,"deleted":false}],"dataSet":"Set0000Aaaa"}"#
        );
        let error = serde_json::from_str::<DataValueSet>(r#"{"dataValues":[{"period":"2024"}]}"#)
            .unwrap_err();
        assert!(error.to_string().contains("dataElement"), "{error}");
    }
}
