//! `/__sim/*`: the test harness's controls (no authentication): request log, faults, import
//! jobs, CORS.

use crate::faults::FaultRule;
use crate::{Sim, SimRequest, SimResponse};
use serde_json::{json, Value};

pub fn handle(sim: &Sim, request: &SimRequest, path: &str) -> SimResponse {
    let method = request.method.as_str();
    match (method, path.trim_end_matches('/')) {
        ("GET", "/__sim/info") => SimResponse::json(
            200,
            &json!({"name": sim.name(), "version": sim.version().system_info_string(),
                    "baseUrl": sim.base_url(), "applicationTitle": sim.application_title()}),
        ),
        ("GET", "/__sim/requests") => SimResponse::json(200, &json!(sim.request_log())),
        ("DELETE", "/__sim/requests") => {
            sim.clear_request_log();
            SimResponse::empty(204)
        }
        ("GET", "/__sim/faults") => SimResponse::json(200, &json!(sim.faults())),
        ("POST", "/__sim/faults") => match parse_rules(&request.body) {
            Ok(rules) => {
                let count = rules.len();
                rules.into_iter().for_each(|rule| sim.add_fault(rule));
                SimResponse::json(201, &json!({ "added": count }))
            }
            Err(message) => SimResponse::json(400, &json!({ "error": message })),
        },
        ("DELETE", "/__sim/faults") => {
            sim.clear_faults();
            SimResponse::empty(204)
        }
        ("GET", "/__sim/jobs") => SimResponse::json(200, &json!(sim.job_behaviour())),
        ("POST" | "PUT", "/__sim/jobs") => {
            match serde_json::from_slice::<crate::metadata::JobBehaviour>(&request.body) {
                Ok(behaviour) => {
                    sim.set_job_behaviour(behaviour.clone());
                    SimResponse::json(200, &json!(behaviour))
                }
                Err(error) => SimResponse::json(
                    400,
                    &json!({ "error": format!("invalid job behaviour: {error}") }),
                ),
            }
        }
        ("GET", "/__sim/cors") => SimResponse::json(200, &json!(sim.cors_allowlist())),
        ("POST" | "PUT", "/__sim/cors") => match cors_change(sim, &request.body) {
            Ok(list) => SimResponse::json(200, &json!(list)),
            Err(message) => SimResponse::json(400, &json!({ "error": message })),
        },
        ("DELETE", "/__sim/cors") => {
            let origin = request.query().get("origin").map(str::to_string);
            let mut list = sim.cors_allowlist();
            match origin {
                Some(origin) => list.retain(|o| *o != origin),
                None => list.clear(),
            }
            sim.set_cors_allowlist(list.clone());
            SimResponse::json(200, &json!(list))
        }
        _ => SimResponse::json(
            404,
            &json!({"error": "unknown simulator control; use /__sim/requests, /__sim/faults, /__sim/jobs, /__sim/cors or /__sim/info"}),
        ),
    }
}

/// One rule object or an array of them.
fn parse_rules(body: &[u8]) -> Result<Vec<FaultRule>, String> {
    let value: Value = serde_json::from_slice(body).map_err(|e| format!("invalid JSON: {e}"))?;
    let items = match value {
        Value::Array(items) => items,
        other => vec![other],
    };
    items
        .into_iter()
        .map(|item| {
            serde_json::from_value(item).map_err(|e| {
                format!("invalid fault rule ({e}); expected {{pathPattern, method?, kind: latency|status|neverAnswer|drop|loginPage, status?, latencyMs?, nth?, times?, urlLongerThan?}}")
            })
        })
        .collect()
}

/// A JSON array replaces the allowlist; `{"add": "origin"}` / `{"remove": "origin"}` edit it.
fn cors_change(sim: &Sim, body: &[u8]) -> Result<Vec<String>, String> {
    let value: Value = serde_json::from_slice(body).map_err(|e| format!("invalid JSON: {e}"))?;
    let mut list = sim.cors_allowlist();
    match &value {
        Value::Array(_) => {
            list = serde_json::from_value(value).map_err(|e| format!("expected strings: {e}"))?
        }
        Value::Object(object) => {
            if let Some(add) = object.get("add").and_then(Value::as_str) {
                if !list.iter().any(|o| o == add) {
                    list.push(add.to_string());
                }
            }
            if let Some(remove) = object.get("remove").and_then(Value::as_str) {
                list.retain(|o| o != remove);
            }
        }
        _ => return Err("expected an array of origins or {\"add\"|\"remove\": origin}".into()),
    }
    sim.set_cors_allowlist(list.clone());
    Ok(list)
}
