//! The response of `POST /api/metadata` in the shape of each version (§1.4).

use super::{run, ImportOptions, ImportOutcome};
use crate::metadata::{message, MetadataStore};
use crate::{RequestContext, SimResponse, SimVersion};
use serde_json::{json, Map, Value};

/// `{status, typeReports, stats}` (raw `ImportReport` without `importParams`).
pub fn report_json(outcome: &ImportOutcome) -> Map<String, Value> {
    let type_reports: Vec<Value> = outcome
        .type_reports
        .iter()
        .map(|(klass, stats, objects)| {
            json!({ "klass": klass, "stats": stats.to_json(), "objectReports": objects })
        })
        .collect();
    let mut out = Map::new();
    out.insert("status".into(), json!(outcome.status));
    out.insert("typeReports".into(), Value::Array(type_reports));
    out.insert("stats".into(), outcome.stats.to_json());
    out
}

/// The raw `ImportReport` of 2.30–2.36 (also what `taskSummaries` serves).
pub fn raw_report(
    version: SimVersion,
    outcome: &ImportOutcome,
    options: &ImportOptions,
    username: &str,
) -> Value {
    let mut out = Map::new();
    out.insert(
        "importParams".into(),
        options.params_json(version, username),
    );
    out.extend(report_json(outcome));
    let mut value = Value::Object(out);
    if !version.at_least(35, 0) {
        message::drop_empty_arrays(&mut value);
    }
    value
}

/// Status and body of the synchronous import response.
pub fn response_body(
    version: SimVersion,
    api_version: u32,
    outcome: &ImportOutcome,
    options: &ImportOptions,
    username: &str,
) -> (u16, Value) {
    if !version.at_least(37, 0) {
        return (200, raw_report(version, outcome, options, username));
    }
    let mut plain = Map::new();
    plain.insert("responseType".into(), json!("ImportReport"));
    plain.extend(report_json(outcome));
    if api_version < 38 {
        return (200, Value::Object(plain));
    }
    let ok = outcome.status == "OK";
    let status = if ok { 200 } else { 409 };
    let mut out = Map::new();
    out.insert("httpStatus".into(), json!(message::reason(status)));
    out.insert("httpStatusCode".into(), json!(status));
    out.insert("status".into(), json!(if ok { "OK" } else { "WARNING" }));
    if !ok {
        out.insert(
            "message".into(),
            json!("One or more errors occurred, please see full details in import report."),
        );
    }
    out.insert("response".into(), Value::Object(plain));
    (status, Value::Object(out))
}

pub fn import_response(store: &mut MetadataStore, ctx: &RequestContext) -> SimResponse {
    let version = store.version;
    let payload: Value = if ctx.body.iter().all(u8::is_ascii_whitespace) {
        json!({})
    } else {
        match serde_json::from_slice(ctx.body) {
            Ok(payload) => payload,
            Err(error) => {
                return message::bad_request(
                    version,
                    &format!("Request body is not valid JSON: {error}"),
                )
            }
        }
    };
    if let Some(problem) = super::unreadable(&store.catalog, version, &payload) {
        return message::respond(500, &problem, None, version);
    }
    let options = ImportOptions::from_query(&ctx.query, version);
    let outcome = run(store, ctx.user, &payload, &options);
    if options.async_import {
        let summary = raw_report(version, &outcome, &options, &ctx.user.username);
        let body = store.add_task("METADATA_IMPORT", summary);
        let mut response = SimResponse::json(200, &body);
        if version.at_least(41, 0) {
            if let Some(endpoint) = body
                .pointer("/response/relativeNotifierEndpoint")
                .and_then(Value::as_str)
            {
                response = response.with_header("Location", &format!("{}{endpoint}", ctx.base_url));
            }
        }
        return response;
    }
    let (status, body) = response_body(
        version,
        ctx.effective_api_version(),
        &outcome,
        &options,
        &ctx.user.username,
    );
    SimResponse::json(status, &body)
}
