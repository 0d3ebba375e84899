//! Reading the objects the panel shows: one page of origin objects, one page of destination
//! candidates for the picker, or all of a type for auto-map. Objects come with the fields
//! auto-map reads (`MAPPABLE_FIELDS`) and decode into core's `MappableObject`.

use mdsync_core::dhis2::metadata_list::{encode_query_value, fits_url_limit, Pager};
use mdsync_core::dhis2::{Dhis2Client, Dhis2Error, Transport};
use mdsync_core::mapping::auto_map::MAPPABLE_FIELDS;
use mdsync_core::mapping::MappableObject;
use serde_json::{Map, Value};

/// Which origin objects to list, by their state in the mapping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdFilter {
    All,
    Only(Vec<String>),
    Except(Vec<String>),
}

/// One listing: the type, its fixed filter, a search, an id filter and the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listing<'a> {
    pub plural: &'a str,
    pub type_filter: Option<&'a str>,
    pub search: &'a str,
    pub ids: &'a IdFilter,
    /// One-based; `None` for every object (`paging=false`).
    pub page: Option<u32>,
    pub page_size: u32,
}

/// Why a listing could not be read.
#[derive(Debug, Clone, PartialEq)]
pub enum FetchError {
    Dhis2(Dhis2Error),
    /// The id filter does not fit in a URL (too many mapped items): search instead.
    TooManyIds,
}

impl From<Dhis2Error> for FetchError {
    fn from(error: Dhis2Error) -> Self {
        FetchError::Dhis2(error)
    }
}

impl Listing<'_> {
    fn path(&self) -> String {
        let mut parts = vec![format!("fields={}", encode_query_value(MAPPABLE_FIELDS))];
        match self.page {
            Some(page) => {
                parts.push(format!("page={}", page.max(1)));
                parts.push(format!("pageSize={}", self.page_size.max(1)));
            }
            None => parts.push("paging=false".into()),
        }
        parts.push(format!("order={}", encode_query_value("name:asc")));
        let mut filters: Vec<String> = self.type_filter.map(str::to_string).into_iter().collect();
        let search = self.search.trim();
        if !search.is_empty() {
            // id, code or name contain every word; combines with the other filters (AND).
            filters.push(format!("identifiable:token:{search}"));
        }
        match self.ids {
            IdFilter::All => {}
            IdFilter::Only(ids) => filters.push(format!("id:in:[{}]", ids.join(","))),
            IdFilter::Except(ids) if ids.is_empty() => {}
            IdFilter::Except(ids) => filters.push(format!("id:!in:[{}]", ids.join(","))),
        }
        parts.extend(
            filters
                .iter()
                .map(|filter| format!("filter={}", encode_query_value(filter))),
        );
        format!("api/{}?{}", self.plural, parts.join("&"))
    }
}

/// Reads a listing: its objects and, when paged, the pager.
pub async fn fetch<T: Transport>(
    client: &Dhis2Client<T>,
    listing: &Listing<'_>,
) -> Result<(Vec<MappableObject>, Pager), FetchError> {
    if matches!(listing.ids, IdFilter::Only(ids) if ids.is_empty()) {
        return Ok((Vec::new(), Pager::default()));
    }
    let path = listing.path();
    if !fits_url_limit(client, &path) {
        return Err(FetchError::TooManyIds);
    }
    let mut document: Map<String, Value> = client.get_json(&path).await?;
    let decode = |reason: String| Dhis2Error::Decode {
        url: client.url(&path),
        reason,
    };
    let objects: Vec<MappableObject> = serde_json::from_value(
        document
            .remove(listing.plural)
            .unwrap_or(Value::Array(vec![])),
    )
    .map_err(|e| decode(e.to_string()))?;
    let pager = match document.remove("pager") {
        Some(value) => serde_json::from_value(value).map_err(|e| decode(e.to_string()))?,
        None => Pager {
            page: 1,
            page_count: 1,
            total: objects.len() as u64,
            page_size: objects.len().max(1) as u32,
        },
    };
    Ok((objects, pager))
}
