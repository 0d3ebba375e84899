//! Organisation unit specifics of the list and object endpoints (§5.5).

use super::list::select_fields;
use super::schema::Schema;
use super::store::Viewer;
use super::MetadataStore;
use crate::{RequestContext, SimResponse};
use serde_json::{json, Value};

/// The org unit list's own parameters (§5.5): `level`, `maxLevel`, `userOnly`,
/// `userDataViewOnly`, `query`.
pub fn list_parameters(ctx: &RequestContext, objects: &mut Vec<Value>) {
    let number = |key: &str| ctx.query.get(key).and_then(|v| v.parse::<u64>().ok());
    let level_of = |unit: &Value| unit.get("level").and_then(Value::as_u64).unwrap_or(0);
    if let Some(level) = number("level") {
        objects.retain(|unit| level_of(unit) == level);
    }
    if let Some(max) = number("maxLevel") {
        objects.retain(|unit| level_of(unit) <= max);
    }
    if ctx.query.flag("userOnly") || ctx.query.flag("userDataViewOnly") {
        let own: Vec<&str> = ctx
            .user
            .organisation_units
            .iter()
            .map(|(id, _)| id.as_str())
            .collect();
        objects.retain(|unit| {
            unit.get("id")
                .and_then(Value::as_str)
                .is_some_and(|id| own.contains(&id))
        });
    }
    if let Some(text) = ctx.query.get("query").map(str::to_lowercase) {
        objects.retain(|unit| {
            ["name", "code", "id"].iter().any(|key| {
                unit.get(*key)
                    .and_then(Value::as_str)
                    .is_some_and(|value| value.to_lowercase().contains(&text))
            })
        });
    }
}

/// `/api/organisationUnits/{id}?includeChildren|includeDescendants|includeAncestors|level=n`:
/// a flat `{"organisationUnits":[…]}` list (§5.5); `None` without those parameters.
pub fn family(
    store: &MetadataStore,
    ctx: &RequestContext,
    schema: &Schema,
    unit: &Value,
) -> Option<SimResponse> {
    let query = &ctx.query;
    let level = query.get("level").and_then(|v| v.parse::<u64>().ok());
    let (children, descendants, ancestors) = (
        query.flag("includeChildren"),
        query.flag("includeDescendants"),
        query.flag("includeAncestors"),
    );
    if !(children || descendants || ancestors || level.is_some()) {
        return None;
    }
    let path = unit
        .get("path")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let id = unit
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let depth = |other: &Value| other.get("level").and_then(Value::as_u64).unwrap_or(0);
    let own_level = depth(unit);
    let mut family: Vec<&Value> = store
        .list("organisationUnits")
        .into_iter()
        .filter(|other| {
            let other_path = other
                .get("path")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let other_id = other.get("id").and_then(Value::as_str).unwrap_or_default();
            let below = other_path.starts_with(&format!("{path}/"));
            let is_self = other_id == id;
            match level {
                Some(relative) => below && depth(other) == own_level + relative,
                None => {
                    is_self
                        || (children && below && depth(other) == own_level + 1)
                        || (descendants && below)
                        || (ancestors && path.split('/').any(|segment| segment == other_id))
                }
            }
        })
        .collect();
    family.sort_by_key(|other| depth(other));
    let viewer = Viewer {
        user: ctx.user,
        base_url: ctx.base_url,
    };
    let rendered: Vec<Value> = family
        .into_iter()
        .map(|other| store.render(schema, other, viewer))
        .collect();
    let fields_text = ctx.query.all("fields").join(",");
    let fields_text = if fields_text.is_empty() {
        "id,displayName"
    } else {
        &fields_text
    };
    let selected = select_fields(store, viewer, schema, &rendered, fields_text);
    Some(SimResponse::json(
        200,
        &json!({ "organisationUnits": selected }),
    ))
}
