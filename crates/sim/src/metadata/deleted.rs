//! `GET /api/deletedObjects?klass=…&deletedAt=…`: what imports and deletions removed.

use super::fields::{self, FieldFilter};
use super::MetadataStore;
use crate::{RequestContext, SimResponse};
use serde_json::{json, Value};

pub fn list_response(store: &MetadataStore, ctx: &RequestContext) -> SimResponse {
    let klasses = ctx.query.all("klass");
    let uids = ctx.query.all("uid");
    let codes = ctx.query.all("code");
    let deleted_at = ctx.query.get("deletedAt");
    let matching: Vec<&Value> = store
        .deleted
        .iter()
        .filter(|record| {
            let field = |key: &str| record.get(key).and_then(Value::as_str).unwrap_or_default();
            (klasses.is_empty() || klasses.contains(&field("klass")))
                && (uids.is_empty() || uids.contains(&field("uid")))
                && (codes.is_empty() || codes.contains(&field("code")))
                && deleted_at.is_none_or(|since| field("deletedAt") >= since)
        })
        .collect();
    let fields_text = ctx.query.all("fields").join(",");
    let fields_text = if fields_text.is_empty() {
        "uid,code,klass,deletedAt,deletedBy"
    } else {
        &fields_text
    };
    let resolve = |_: &super::schema::Schema, _: &str| None;
    let filter = FieldFilter {
        catalog: &store.catalog,
        resolve: &resolve,
    };
    let parsed = fields::parse(fields_text);
    let paging = !ctx
        .query
        .get("paging")
        .is_some_and(|p| p.eq_ignore_ascii_case("false"));
    let page_size = ctx
        .query
        .get("pageSize")
        .and_then(|v| v.parse().ok())
        .filter(|v| *v > 0)
        .unwrap_or(50usize);
    let page = ctx
        .query
        .get("page")
        .and_then(|v| v.parse().ok())
        .filter(|v| *v > 0)
        .unwrap_or(1usize);
    let total = matching.len();
    let shown: Vec<Value> = matching
        .into_iter()
        .skip(if paging {
            (page - 1).saturating_mul(page_size)
        } else {
            0
        })
        .take(if paging { page_size } else { usize::MAX })
        .map(|record| filter.apply(&parsed, record, None))
        .collect();
    let mut body = json!({ "deletedObjects": shown });
    if paging {
        body["pager"] = json!({ "page": page, "pageCount": total.div_ceil(page_size).max(1),
                                "total": total, "pageSize": page_size });
    }
    SimResponse::json(200, &body)
}
