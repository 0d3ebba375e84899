//! What a user asks of a type listing (search, "last updated since", sort, page), checked and
//! turned into a request path.

use crate::dhis2::metadata::MAX_URL_BYTES;
use crate::dhis2::metadata_list::{list_filters, list_query, ListFilters, LIST_FIELDS};
use crate::dhis2::Version;

/// A column a listing can be sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortField {
    Name,
    Code,
    LastUpdated,
}

impl SortField {
    fn property(self) -> &'static str {
        match self {
            SortField::Name => "name",
            SortField::Code => "code",
            SortField::LastUpdated => "lastUpdated",
        }
    }
}

/// Why a listing cannot be asked for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    #[error("\"{0}\" is not a date. Write it as YYYY-MM-DD, e.g. 2024-01-31.")]
    BadDate(String),
    #[error("The search text is too long for a DHIS2 request ({bytes} bytes; the limit is {limit}). Shorten it.")]
    TooLong { bytes: usize, limit: usize },
}

/// One listing request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListRequest {
    pub plural: String,
    /// Name or code contains (case-insensitive).
    pub search: String,
    /// `YYYY-MM-DD`; empty for none.
    pub updated_since: String,
    pub sort: SortField,
    pub descending: bool,
    /// One-based.
    pub page: u32,
    pub page_size: u32,
}

impl ListRequest {
    pub const DEFAULT_PAGE_SIZE: u32 = 25;

    pub fn new(plural: &str) -> ListRequest {
        ListRequest {
            plural: plural.to_string(),
            search: String::new(),
            updated_since: String::new(),
            sort: SortField::Name,
            descending: false,
            page: 1,
            page_size: Self::DEFAULT_PAGE_SIZE,
        }
    }

    /// A new search text: back to page 1.
    pub fn set_search(&mut self, text: String) {
        self.search = text;
        self.page = 1;
    }

    /// A new "last updated since" date (`YYYY-MM-DD`, or empty): back to page 1.
    pub fn set_updated_since(&mut self, date: String) {
        self.updated_since = date;
        self.page = 1;
    }

    /// Clicking a column header: sort by it ascending, or flip it; back to page 1.
    pub fn toggle_sort(&mut self, field: SortField) {
        if self.sort == field {
            self.descending = !self.descending;
        } else {
            self.sort = field;
            self.descending = false;
        }
        self.page = 1;
    }

    /// The checked "since" date, if any.
    pub fn since(&self) -> Result<Option<&str>, QueryError> {
        let date = self.updated_since.trim();
        if date.is_empty() {
            return Ok(None);
        }
        if is_iso_date(date) {
            Ok(Some(date))
        } else {
            Err(QueryError::BadDate(date.to_string()))
        }
    }

    /// The filters as the server of `version` understands them.
    pub fn filters(&self, version: &Version) -> Result<ListFilters, QueryError> {
        Ok(list_filters(&self.search, self.since()?, version))
    }

    /// `api/{plural}?…`, relative to the server root; refused when the full URL (`base_url`
    /// plus path) would pass the limit servers accept.
    pub fn path(&self, version: &Version, base_url: &str) -> Result<String, QueryError> {
        let filters = self.filters(version)?;
        let direction = if self.descending { "desc" } else { "asc" };
        let order = format!("{}:{direction}", self.sort.property());
        let query = list_query(&filters, &order, self.page, self.page_size, LIST_FIELDS);
        let path = format!("api/{}?{query}", self.plural);
        let bytes = base_url.trim_end_matches('/').len() + 1 + path.len();
        if bytes > MAX_URL_BYTES {
            return Err(QueryError::TooLong {
                bytes,
                limit: MAX_URL_BYTES,
            });
        }
        Ok(path)
    }
}

/// `YYYY-MM-DD` with a plausible month and day.
pub fn is_iso_date(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    let [year, month, day] = parts.as_slice() else {
        return false;
    };
    let number = |part: &str, len: usize| {
        (part.len() == len && part.bytes().all(|b| b.is_ascii_digit()))
            .then(|| part.parse::<u32>().ok())
            .flatten()
    };
    matches!(
        (number(year, 4), number(month, 2), number(day, 2)),
        (Some(_), Some(1..=12), Some(1..=31))
    )
}
