//! The `default` category objects: every server generates its own, usually with the same
//! UIDs, but upgraded databases may differ. References to the origin's defaults are pointed at
//! the target's own when they differ.

use std::collections::HashMap;

use serde_json::Value;

use super::cleanup::Payload;
use super::dependencies::{is_default_category_object, object_id, DEFAULT_CATEGORY_TYPES};
use crate::dhis2::metadata::export_metadata;
use crate::dhis2::{Dhis2Client, Dhis2Error, Transport};

/// The `default` objects of a server: (plural, id) pairs, found by name.
pub async fn fetch_default_ids<T: Transport>(
    client: &Dhis2Client<T>,
) -> Result<Vec<(String, String)>, Dhis2Error> {
    let mut params = vec![("fields", "id,name"), ("filter", "name:eq:default")];
    params.extend(
        DEFAULT_CATEGORY_TYPES
            .iter()
            .map(|plural| (*plural, "true")),
    );
    let export = export_metadata(client, &params).await?;
    let mut found = Vec::new();
    for plural in DEFAULT_CATEGORY_TYPES {
        for object in export
            .get(*plural)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if is_default_category_object(plural, object) {
                if let Some(id) = object_id(object) {
                    found.push((plural.to_string(), id.to_string()));
                }
            }
        }
    }
    Ok(found)
}

/// Origin default id → target default id, for the types where they differ.
pub fn default_id_map(
    origin_defaults: &[(String, String)],
    target_defaults: &[(String, String)],
) -> HashMap<String, String> {
    origin_defaults
        .iter()
        .filter_map(|(plural, origin_id)| {
            let (_, target_id) = target_defaults.iter().find(|(p, _)| p == plural)?;
            (target_id != origin_id).then(|| (origin_id.clone(), target_id.clone()))
        })
        .collect()
}

/// Rewrites every reference `{"id": …}` found in `map`, at any depth below the top-level
/// objects.
pub fn remap_references(payload: &mut Payload, map: &HashMap<String, String>) {
    if map.is_empty() {
        return;
    }
    for object in payload.values_mut().flatten() {
        if let Value::Object(fields) = object {
            for field in fields.values_mut() {
                remap(field, map);
            }
        }
    }
}

fn remap(value: &mut Value, map: &HashMap<String, String>) {
    match value {
        Value::Object(fields) => {
            if let Some(Value::String(id)) = fields.get_mut("id") {
                if let Some(replacement) = map.get(id.as_str()) {
                    *id = replacement.clone();
                }
            }
            for field in fields.values_mut() {
                remap(field, map);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| remap(item, map)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn points_references_at_the_target_defaults() {
        let origin = vec![("categoryCombos".to_string(), "bjDvmb4bfuf".to_string())];
        let target = vec![("categoryCombos".to_string(), "ccDefault01".to_string())];
        let map = default_id_map(&origin, &target);
        let mut payload: Payload = [(
            "dataSets".to_string(),
            vec![
                json!({"id": "bjDvmb4bfuf", "categoryCombo": {"id": "bjDvmb4bfuf"},
                "dataSetElements": [{"categoryCombo": {"id": "bjDvmb4bfuf"}}]}),
            ],
        )]
        .into_iter()
        .collect();
        remap_references(&mut payload, &map);
        let data_set = &payload["dataSets"][0];
        assert_eq!(data_set["categoryCombo"]["id"], "ccDefault01");
        assert_eq!(
            data_set["dataSetElements"][0]["categoryCombo"]["id"],
            "ccDefault01"
        );
        assert_eq!(
            data_set["id"], "bjDvmb4bfuf",
            "top-level ids are not references"
        );
        assert!(default_id_map(&origin, &origin).is_empty());
    }
}
