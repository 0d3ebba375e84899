//! Paging parameters and envelopes of the tracker endpoints.

use crate::RequestContext;
use serde_json::{json, Map, Value};

#[derive(Debug, Clone, Copy)]
pub struct Paging {
    pub page: usize,
    pub page_size: usize,
    pub paged: bool,
    pub total_pages: bool,
}

impl Paging {
    /// Reads `page`, `pageSize`, `totalPages` and `skipPaging` (and 2.41's `paging=false`).
    pub fn read(ctx: &RequestContext) -> Paging {
        let number = |key: &str, default: usize| {
            ctx.query
                .get(key)
                .and_then(|v| v.parse::<usize>().ok())
                .filter(|n| *n > 0)
                .unwrap_or(default)
        };
        let paging_off = ctx.version.minor >= 41
            && ctx
                .query
                .get("paging")
                .is_some_and(|v| v.eq_ignore_ascii_case("false"));
        Paging {
            page: number("page", 1),
            page_size: number("pageSize", 50),
            paged: !(ctx.query.flag("skipPaging") || paging_off),
            total_pages: ctx.query.flag("totalPages"),
        }
    }

    /// The items of the requested page and the total.
    pub fn slice<T>(&self, items: Vec<T>) -> (Vec<T>, usize) {
        let total = items.len();
        if !self.paged {
            return (items, total);
        }
        let start = (self.page - 1).saturating_mul(self.page_size);
        (
            items.into_iter().skip(start).take(self.page_size).collect(),
            total,
        )
    }

    fn page_count(&self, total: usize) -> usize {
        total.div_ceil(self.page_size)
    }

    /// The old API's `pager`: full with `totalPages=true`, else the slim form.
    pub fn old_pager(&self, total: usize) -> Value {
        if self.total_pages {
            json!({ "page": self.page, "pageCount": self.page_count(total), "total": total, "pageSize": self.page_size })
        } else {
            json!({ "page": self.page, "pageSize": self.page_size, "isLastPage": self.page * self.page_size >= total })
        }
    }

    /// The new tracker's envelope: 2.36–2.40 `instances` (`PagingWrapper`), 2.41+ `pager` and
    /// the entity's own key, with the deprecated top-level duplicates.
    pub fn new_envelope(
        &self,
        ctx: &RequestContext,
        key: &str,
        items: Vec<Value>,
        total: usize,
    ) -> Value {
        let mut body = Map::new();
        let modern = ctx.version.minor >= 41;
        if self.paged {
            let mut pager = Map::new();
            pager.insert("page".into(), json!(self.page));
            pager.insert("pageSize".into(), json!(self.page_size));
            if self.total_pages {
                pager.insert("total".into(), json!(total));
                pager.insert("pageCount".into(), json!(self.page_count(total)));
            }
            if modern {
                let base = format!("{}/api/{}", ctx.base_url, ctx.segments.join("/"));
                if self.page > 1 {
                    pager.insert(
                        "prevPage".into(),
                        json!(format!(
                            "{base}?page={}&pageSize={}",
                            self.page - 1,
                            self.page_size
                        )),
                    );
                }
                if self.total_pages && self.page < self.page_count(total) {
                    pager.insert(
                        "nextPage".into(),
                        json!(format!(
                            "{base}?page={}&pageSize={}",
                            self.page + 1,
                            self.page_size
                        )),
                    );
                }
                body.insert("pager".into(), Value::Object(pager.clone()));
                for duplicate in ["page", "pageSize", "total", "pageCount"] {
                    if let Some(value) = pager.get(duplicate) {
                        body.insert(duplicate.into(), value.clone());
                    }
                }
            } else {
                body.extend(pager);
            }
        }
        body.insert(
            if modern {
                key.to_string()
            } else {
                "instances".to_string()
            },
            Value::Array(items),
        );
        Value::Object(body)
    }
}
