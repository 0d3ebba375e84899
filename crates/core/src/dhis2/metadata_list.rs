//! Listing the objects of one metadata type for people to pick from: `GET /api/{plural}` with
//! search, "last updated since", order and paging, and the `pager` that comes back.
//!
//! The version-specific part is how a search is spelled. `name:ilike:` and `code:ilike:` joined
//! with `rootJunction=OR` works on every version (2.30 … 2.42) but the junction applies to every
//! filter of the request, so it cannot be combined with a date filter. With a date, the search
//! becomes `identifiable:token:` (id, code or name contain every word), which DHIS2 has had since
//! before 2.30, and the junction stays AND.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::Deserialize;
use serde_json::{Map, Value};

use super::metadata::MAX_URL_BYTES;
use super::{Dhis2Client, Dhis2Error, Transport, Version};

/// Everything but RFC 3986's unreserved characters is escaped in a query value.
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Escapes one query parameter value.
pub fn encode_query_value(value: &str) -> String {
    utf8_percent_encode(value, QUERY_VALUE).to_string()
}

/// The fields a listing shows.
pub const LIST_FIELDS: &str = "id,displayName,code,lastUpdated";

/// How the filters of one listing are joined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListFilters {
    /// `filter=` values, not yet escaped.
    pub filters: Vec<String>,
    /// `rootJunction=OR` when true.
    pub any: bool,
}

/// The filters for "name or code contains `search`" and "last updated on or after `since`"
/// (`YYYY-MM-DD`), as the server of `version` understands them.
pub fn list_filters(search: &str, since: Option<&str>, _version: &Version) -> ListFilters {
    let search = search.trim();
    match (search.is_empty(), since) {
        (true, None) => ListFilters {
            filters: Vec::new(),
            any: false,
        },
        (true, Some(date)) => ListFilters {
            filters: vec![format!("lastUpdated:ge:{date}")],
            any: false,
        },
        (false, None) => ListFilters {
            filters: vec![
                format!("name:ilike:{search}"),
                format!("code:ilike:{search}"),
            ],
            any: true,
        },
        (false, Some(date)) => ListFilters {
            filters: vec![
                format!("identifiable:token:{search}"),
                format!("lastUpdated:ge:{date}"),
            ],
            any: false,
        },
    }
}

/// The query string (without `?`) of a listing request; parameter values are escaped.
pub fn list_query(
    filters: &ListFilters,
    order: &str,
    page: u32,
    page_size: u32,
    fields: &str,
) -> String {
    let mut parts = vec![
        format!("fields={}", encode_query_value(fields)),
        format!("page={}", page.max(1)),
        format!("pageSize={}", page_size.max(1)),
        format!("order={}", encode_query_value(order)),
    ];
    parts.extend(
        filters
            .filters
            .iter()
            .map(|filter| format!("filter={}", encode_query_value(filter))),
    );
    if filters.any {
        parts.push("rootJunction=OR".into());
    }
    parts.join("&")
}

/// True when a request to `path` on this client stays below the URL limit servers accept.
pub fn fits_url_limit<T: Transport>(client: &Dhis2Client<T>, path: &str) -> bool {
    client.url(path).len() <= MAX_URL_BYTES
}

/// DHIS2's `pager`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Pager {
    pub page: u32,
    pub page_count: u32,
    pub total: u64,
    pub page_size: u32,
}

impl Default for Pager {
    fn default() -> Self {
        Pager {
            page: 1,
            page_count: 1,
            total: 0,
            page_size: 50,
        }
    }
}

/// One object as a listing shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedObject {
    pub id: String,
    pub display_name: String,
    pub code: Option<String>,
    pub last_updated: Option<String>,
}

/// One page of objects and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedPage {
    pub objects: Vec<ListedObject>,
    pub pager: Pager,
}

fn text(object: &Map<String, Value>, key: &str) -> Option<String> {
    object
        .get(key)
        .and_then(Value::as_str)
        .filter(|text| !text.is_empty())
        .map(str::to_string)
}

/// Decodes `{"pager": {…}, "<plural>": [ … ]}`. Objects without an id are dropped; a missing
/// name falls back to `name`, then to the id. Without a `pager` (a server that ignored paging)
/// the page is everything that came.
pub fn decode_list_page(plural: &str, body: &[u8]) -> Result<ListedPage, serde_json::Error> {
    let mut document: Map<String, Value> = serde_json::from_slice(body)?;
    let items = match document.remove(plural) {
        Some(Value::Array(items)) => items,
        _ => Vec::new(),
    };
    let objects: Vec<ListedObject> = items
        .into_iter()
        .filter_map(|item| {
            let Value::Object(object) = item else {
                return None;
            };
            let id = text(&object, "id")?;
            Some(ListedObject {
                display_name: text(&object, "displayName")
                    .or_else(|| text(&object, "name"))
                    .unwrap_or_else(|| id.clone()),
                code: text(&object, "code"),
                last_updated: text(&object, "lastUpdated"),
                id,
            })
        })
        .collect();
    let pager = match document.remove("pager") {
        Some(value) => serde_json::from_value(value)?,
        None => Pager {
            page: 1,
            page_count: 1,
            total: objects.len() as u64,
            page_size: objects.len().max(1) as u32,
        },
    };
    Ok(ListedPage { objects, pager })
}

/// `GET /api/{plural}?{query}` decoded as a page.
pub async fn fetch_list_page<T: Transport>(
    client: &Dhis2Client<T>,
    plural: &str,
    query: &str,
) -> Result<ListedPage, Dhis2Error> {
    let path = format!("api/{plural}?{query}");
    let request = client.request(super::Method::Get, &path);
    let url = request.url.clone();
    let response = client.execute(request).await?;
    super::client::check_response(client.base_url(), &url, &response)?;
    decode_list_page(plural, &response.body).map_err(|error| Dhis2Error::Decode {
        url,
        reason: error.to_string(),
    })
}

/// Every id of a type that passes the filters (`fields=id&paging=false`): "all of this type".
pub async fn fetch_all_ids<T: Transport>(
    client: &Dhis2Client<T>,
    plural: &str,
    filters: &ListFilters,
) -> Result<Vec<String>, Dhis2Error> {
    let mut query = vec!["fields=id".to_string(), "paging=false".to_string()];
    query.extend(
        filters
            .filters
            .iter()
            .map(|filter| format!("filter={}", encode_query_value(filter))),
    );
    if filters.any {
        query.push("rootJunction=OR".into());
    }
    let page = fetch_list_page(client, plural, &query.join("&")).await?;
    Ok(page.objects.into_iter().map(|object| object.id).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_alone_uses_or_and_a_date_switches_to_token() {
        let version = Version::new(2, 38);
        let alone = list_filters(" ANC ", None, &version);
        assert_eq!(alone.filters, ["name:ilike:ANC", "code:ilike:ANC"]);
        assert!(alone.any);
        let both = list_filters("ANC", Some("2024-01-01"), &version);
        assert_eq!(
            both.filters,
            ["identifiable:token:ANC", "lastUpdated:ge:2024-01-01"]
        );
        assert!(!both.any, "OR would also apply to the date");
        assert!(list_filters("", None, &version).filters.is_empty());
        assert_eq!(
            list_filters("  ", Some("2020-02-02"), &version).filters,
            ["lastUpdated:ge:2020-02-02"]
        );
    }

    #[test]
    fn query_values_are_escaped() {
        let filters = list_filters("a&b c/é", None, &Version::new(2, 41));
        let query = list_query(&filters, "displayName:asc", 0, 25, LIST_FIELDS);
        assert!(
            query.contains("filter=name%3Ailike%3Aa%26b%20c%2F%C3%A9"),
            "{query}"
        );
        assert!(
            query.contains("page=1&pageSize=25"),
            "page 0 is read as 1: {query}"
        );
        assert!(query.contains("fields=id%2CdisplayName%2Ccode%2ClastUpdated"));
        assert!(query.ends_with("&rootJunction=OR"));
        assert!(!query.contains(' ') && !query.contains("&b"));
    }

    #[test]
    fn pages_decode_with_and_without_pager() {
        let body = br#"{"pager":{"page":2,"pageCount":3,"total":121,"pageSize":50,
            "nextPage":"x"},"dataSets":[{"id":"a1","displayName":"ANC","code":"DS_ANC",
            "lastUpdated":"2024-01-02T03:04:05.000"},{"name":"no id"},{"id":"b2","name":"Plain"},
            {"id":"c3"}]}"#;
        let page = decode_list_page("dataSets", body).unwrap();
        assert_eq!(page.pager.page, 2);
        assert_eq!(page.pager.page_count, 3);
        assert_eq!(page.pager.total, 121);
        let names: Vec<&str> = page
            .objects
            .iter()
            .map(|o| o.display_name.as_str())
            .collect();
        assert_eq!(names, ["ANC", "Plain", "c3"]);
        assert_eq!(page.objects[0].code.as_deref(), Some("DS_ANC"));
        let unpaged =
            decode_list_page("dataSets", br#"{"dataSets":[{"id":"a"},{"id":"b"}]}"#).unwrap();
        assert_eq!((unpaged.pager.total, unpaged.pager.page_count), (2, 1));
        assert!(decode_list_page("dataSets", b"<html>").is_err());
        assert!(decode_list_page("dataSets", br#"{"other":[]}"#)
            .unwrap()
            .objects
            .is_empty());
    }
}
