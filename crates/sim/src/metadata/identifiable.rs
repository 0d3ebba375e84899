//! `/api/identifiableObjects/{uid}` (§5.7): any identifiable object by UID; writes are 405.

use super::list::object_response;
use super::{message, MetadataStore};
use crate::{RequestContext, SimResponse};

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
    object_response(store, ctx, schema, object)
}
