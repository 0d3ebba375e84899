//! Read-only properties DHIS2 computes for analytical dimensions and items:
//! `dimensionItem`/`dimensionItemType`, `dimension`/`dimensionType`/`allItems`,
//! `optionSetValue`, `displayFormName`.

use super::schema::Schema;
use serde_json::{json, Map, Value};

fn item_type(singular: &str) -> Option<&'static str> {
    Some(match singular {
        "dataElement" => "DATA_ELEMENT",
        "indicator" => "INDICATOR",
        "categoryOption" => "CATEGORY_OPTION",
        "categoryOptionGroup" => "CATEGORY_OPTION_GROUP",
        "dataElementGroup" => "DATA_ELEMENT_GROUP",
        "organisationUnit" => "ORGANISATION_UNIT",
        "organisationUnitGroup" => "ORGANISATION_UNIT_GROUP",
        "programIndicator" => "PROGRAM_INDICATOR",
        "trackedEntityAttribute" => "PROGRAM_ATTRIBUTE",
        "dataSet" => "REPORTING_RATE",
        _ => return None,
    })
}

fn dimension_type(singular: &str) -> Option<&'static str> {
    Some(match singular {
        "category" => "CATEGORY",
        "categoryOptionGroupSet" => "CATEGORY_OPTION_GROUP_SET",
        "dataElementGroupSet" => "DATA_ELEMENT_GROUP_SET",
        "organisationUnitGroupSet" => "ORGANISATION_UNIT_GROUP_SET",
        _ => return None,
    })
}

pub fn add_computed(schema: &Schema, out: &mut Map<String, Value>) {
    let id = out.get("id").cloned().unwrap_or(Value::Null);
    if let Some(kind) = item_type(&schema.singular) {
        out.insert("dimensionItem".into(), id.clone());
        out.insert("dimensionItemType".into(), json!(kind));
    }
    if let Some(kind) = dimension_type(&schema.singular) {
        out.insert("dimension".into(), id);
        out.insert("dimensionType".into(), json!(kind));
        out.insert("allItems".into(), json!(false));
    }
    if schema.property("optionSet").is_some() && schema.property("valueType").is_some() {
        let has_option_set = out.get("optionSet").is_some_and(Value::is_object);
        out.insert("optionSetValue".into(), json!(has_option_set));
    }
    if schema.property("formName").is_some() {
        if let Some(label) = out.get("formName").or_else(|| out.get("name")).cloned() {
            out.insert("displayFormName".into(), label);
        }
    }
}
