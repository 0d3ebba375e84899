//! `/api/identifiableObjects/{uid}` (§5.7): any identifiable object by UID; writes are 405.

use super::list::select_fields;
use super::store::Viewer;
use super::{message, MetadataStore};
use crate::{RequestContext, SimResponse};
use serde_json::Value;

pub fn handle(store: &MetadataStore, ctx: &RequestContext, method: &str, id: &str) -> SimResponse {
    if method != "GET" {
        return message::respond(
            405,
            &format!("Request method '{method}' not supported"),
            None,
            store.version,
        );
    }
    let found = store.catalog.all().iter().find_map(|schema| {
        let object = store.collection(&schema.plural)?.get(id)?;
        (schema.metadata && !schema.embedded).then_some((schema, object))
    });
    let Some((schema, object)) = found else {
        let text = if store.version.at_least(40, 0) {
            format!("No identifiable object with id `{id}` exists")
        } else {
            format!("IdentifiableObject with id {id} could not be found.")
        };
        return message::respond(404, &text, Some("E1005"), store.version);
    };
    let viewer = Viewer {
        user: ctx.user,
        base_url: ctx.base_url,
    };
    let rendered = store.render(schema, object, viewer);
    let fields_text = ctx.query.all("fields").join(",");
    let fields_text = if fields_text.is_empty() {
        "*"
    } else {
        &fields_text
    };
    let selected = select_fields(store, viewer, schema, &[rendered], fields_text);
    SimResponse::json(200, selected.first().unwrap_or(&Value::Null))
}
