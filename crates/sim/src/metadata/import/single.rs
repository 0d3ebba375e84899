//! Single-object writes: `POST /api/{plural}`, `PUT /api/{plural}/{id}`,
//! `DELETE /api/{plural}/{id}`, answered with an `ObjectReport` WebMessage.

use super::{run, ImportOptions};
use crate::metadata::schema::Schema;
use crate::metadata::{message, MetadataStore};
use crate::{RequestContext, SimResponse};
use serde_json::{json, Map, Value};

pub fn single_object_response(
    store: &mut MetadataStore,
    ctx: &RequestContext,
    schema: &Schema,
    id: Option<&str>,
) -> SimResponse {
    let version = store.version;
    let mut object = match serde_json::from_slice::<Value>(ctx.body) {
        Ok(Value::Object(object)) => object,
        _ => return message::bad_request(version, "Request body must be a JSON object."),
    };
    if let Some(id) = id {
        if store.get(&schema.plural, id).is_none() {
            return message::object_not_found(version, schema.short_klass(), id);
        }
        object.insert("id".into(), json!(id));
    }
    let options = ImportOptions {
        import_strategy: if id.is_some() { "UPDATE" } else { "CREATE" }.into(),
        import_report_mode: "FULL".into(),
        ..ImportOptions::from_query(&ctx.query, version)
    };
    let payload = json!({ schema.plural.clone(): [Value::Object(object)] });
    if let Some(problem) = super::unreadable(&store.catalog, version, &payload) {
        return message::respond(500, &problem, None, version);
    }
    let outcome = run(store, ctx.user, &payload, &options);
    let object_report = outcome
        .type_reports
        .iter()
        .flat_map(|(_, _, reports)| reports)
        .next()
        .cloned()
        .unwrap_or(Value::Null);
    let uid = object_report
        .get("uid")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let errors = object_report
        .get("errorReports")
        .cloned()
        .unwrap_or(json!([]));
    let ok = outcome.is_ok();
    let status = match (ok, id.is_some()) {
        (false, _) => 409,
        (true, true) => 200,
        (true, false) => 201,
    };
    let mut body = report_message(status, schema, &uid, errors);
    if !version.at_least(35, 0) {
        message::drop_empty_arrays(&mut body);
    }
    let response = SimResponse::json(status, &body);
    if status == 201 {
        let location = format!("{}/api/{}/{uid}", ctx.base_url, schema.plural);
        return response.with_header("Location", &location);
    }
    response
}

pub fn delete_object_response(
    store: &mut MetadataStore,
    ctx: &RequestContext,
    schema: &Schema,
    id: &str,
) -> SimResponse {
    let version = store.version;
    if store.get(&schema.plural, id).is_none() {
        return message::object_not_found(version, schema.short_klass(), id);
    }
    if let Some(holder) = store.deletion_blocker(schema, id, &[id]) {
        return message::respond(
            409,
            &format!("Object could not be deleted because it is associated with another object: {holder}"),
            Some("E4030"),
            version,
        );
    }
    store.delete_object(schema, id, ctx.user);
    let mut body = report_message(200, schema, id, json!([]));
    if !version.at_least(35, 0) {
        message::drop_empty_arrays(&mut body);
    }
    SimResponse::json(200, &body)
}

fn report_message(status: u16, schema: &Schema, uid: &str, errors: Value) -> Value {
    let mut out = Map::new();
    out.insert("httpStatus".into(), json!(message::reason(status)));
    out.insert("httpStatusCode".into(), json!(status));
    out.insert(
        "status".into(),
        json!(if status < 400 { "OK" } else { "ERROR" }),
    );
    if status >= 400 {
        out.insert(
            "message".into(),
            json!("One or more errors occurred, please see full details in import report."),
        );
    }
    out.insert(
        "response".into(),
        json!({ "responseType": "ObjectReport", "uid": uid, "klass": schema.klass,
                "errorReports": errors }),
    );
    Value::Object(out)
}
