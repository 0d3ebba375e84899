//! What the import needs to know of a data element: value type, zeros, option codes.

use super::meta::uid_of;
use crate::metadata::MetadataStore;
use serde_json::Value;
use std::collections::HashSet;

pub struct ElementInfo {
    pub uid: String,
    pub value_type: String,
    pub zero_is_significant: bool,
    pub option_codes: Option<HashSet<String>>,
}

/// The option codes of an option set (empty when the set is unknown); options listed only by id
/// take their code from the stored option. The tracker importer checks against them too.
pub fn option_codes(metadata: &MetadataStore, set_uid: &str) -> Vec<String> {
    let Some(set) = metadata.get("optionSets", set_uid) else {
        return Vec::new();
    };
    set.get("options")
        .and_then(Value::as_array)
        .map(|options| {
            options
                .iter()
                .filter_map(|option| {
                    let inline = option
                        .get("code")
                        .and_then(Value::as_str)
                        .map(str::to_string);
                    inline.or_else(|| {
                        let stored = metadata.get("options", &uid_of(option)?)?;
                        stored
                            .get("code")
                            .and_then(Value::as_str)
                            .map(str::to_string)
                    })
                })
                .collect()
        })
        .unwrap_or_default()
}

pub fn element_info(metadata: &MetadataStore, element: &Value) -> Option<ElementInfo> {
    let text = |key: &str| element.get(key).and_then(Value::as_str);
    let option_codes = element
        .get("optionSet")
        .and_then(uid_of)
        .map(|set_uid| option_codes(metadata, &set_uid).into_iter().collect());
    Some(ElementInfo {
        uid: text("id")?.to_string(),
        value_type: text("valueType").unwrap_or("TEXT").to_string(),
        // Averaged data elements keep their zeros whatever `zeroIsSignificant` says.
        zero_is_significant: element
            .get("zeroIsSignificant")
            .and_then(Value::as_bool)
            .unwrap_or(false)
            || matches!(
                text("aggregationType"),
                Some("AVERAGE" | "AVERAGE_SUM_ORG_UNIT")
            ),
        option_codes,
    })
}
