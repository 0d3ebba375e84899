//! The 2.38+ dataStore query API: `GET /api/dataStore/{ns}?fields=…&paging=…&headless=…`.

use super::Entry;
use crate::{Account, Query, SimResponse};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// The namespace GET is a query (not the list of keys) when one of these is given.
pub fn is_query(query: &Query) -> bool {
    [
        "fields", "filter", "headless", "paging", "page", "pageSize", "order",
    ]
    .iter()
    .any(|param| query.get(param).is_some())
}

/// Entries readable by `user`, with the fields asked: `.` is the whole value, `a.b` a path.
pub fn run(entries: &BTreeMap<String, Entry>, user: &Account, query: &Query) -> SimResponse {
    let fields: Vec<&str> = query
        .get("fields")
        .unwrap_or(".")
        .split(',')
        .map(str::trim)
        .filter(|f| !f.is_empty())
        .collect();
    let rows: Vec<Value> = entries
        .values()
        .filter(|entry| entry.sharing.allows(user, false))
        .map(|entry| {
            let value: Value = serde_json::from_str(&entry.value).unwrap_or(Value::Null);
            let mut row = Map::new();
            row.insert("key".into(), json!(entry.key));
            for field in &fields {
                if *field == "." {
                    row.insert("value".into(), value.clone());
                } else if let Some(found) = field
                    .split('.')
                    .try_fold(&value, |current, part| current.get(part))
                {
                    row.insert((*field).to_string(), found.clone());
                }
            }
            Value::Object(row)
        })
        .collect();
    let paging = !query
        .get("paging")
        .is_some_and(|p| p.eq_ignore_ascii_case("false"));
    let page: usize = query
        .get("page")
        .and_then(|p| p.parse().ok())
        .unwrap_or(1)
        .max(1);
    let page_size: usize = query
        .get("pageSize")
        .and_then(|p| p.parse().ok())
        .unwrap_or(50)
        .max(1);
    let rows: Vec<Value> = if paging {
        rows.into_iter()
            .skip((page - 1) * page_size)
            .take(page_size)
            .collect()
    } else {
        rows
    };
    if query.flag("headless") {
        return SimResponse::json(200, &Value::Array(rows));
    }
    let mut body = json!({ "entries": rows });
    if paging {
        body["pager"] = json!({"page": page, "pageSize": page_size});
    }
    SimResponse::json(200, &body)
}
