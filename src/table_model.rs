//! What the data table shows: search, sort and paging over plain text rows. Kept apart from
//! the component so it is tested natively.

use std::cmp::Ordering;

/// One row: an id (for actions) and one text per column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableRow {
    pub id: String,
    pub cells: Vec<String>,
    /// Pinned rows stay on top whatever the sort (e.g. "This instance").
    pub pinned: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortDirection {
    Ascending,
    Descending,
}

impl SortDirection {
    pub fn flipped(self) -> Self {
        match self {
            SortDirection::Ascending => SortDirection::Descending,
            SortDirection::Descending => SortDirection::Ascending,
        }
    }

    /// The `aria-sort` value.
    pub fn aria(self) -> &'static str {
        match self {
            SortDirection::Ascending => "ascending",
            SortDirection::Descending => "descending",
        }
    }
}

/// What the user asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableQuery {
    pub search: String,
    /// Column index and direction.
    pub sort: Option<(usize, SortDirection)>,
    /// Zero-based.
    pub page: usize,
    pub page_size: usize,
}

impl TableQuery {
    pub fn new(page_size: usize) -> Self {
        TableQuery {
            search: String::new(),
            sort: None,
            page: 0,
            page_size: page_size.max(1),
        }
    }

    /// Clicking a column header: sort by it ascending, or flip it if it already sorts.
    pub fn toggle_sort(&mut self, column: usize) {
        self.sort = match self.sort {
            Some((current, direction)) if current == column => Some((column, direction.flipped())),
            _ => Some((column, SortDirection::Ascending)),
        };
        self.page = 0;
    }
}

/// One page of the result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TablePage {
    pub rows: Vec<TableRow>,
    /// Rows matching the search, over all pages.
    pub matching: usize,
    /// Zero-based, clamped to the last page.
    pub page: usize,
    pub page_count: usize,
    /// One-based position of the first row shown (0 when none).
    pub first: usize,
    pub last: usize,
}

impl TablePage {
    pub fn has_previous(&self) -> bool {
        self.page > 0
    }

    pub fn has_next(&self) -> bool {
        self.page + 1 < self.page_count
    }
}

fn compare_text(a: &str, b: &str) -> Ordering {
    a.to_lowercase()
        .cmp(&b.to_lowercase())
        .then_with(|| a.cmp(b))
}

/// Filters (every search word must appear in some cell, case-insensitively), sorts (pinned
/// rows first) and cuts one page.
pub fn query_rows(rows: &[TableRow], query: &TableQuery) -> TablePage {
    let words: Vec<String> = query
        .search
        .split_whitespace()
        .map(str::to_lowercase)
        .collect();
    let mut matching: Vec<&TableRow> = rows
        .iter()
        .filter(|row| {
            words.iter().all(|word| {
                row.cells
                    .iter()
                    .any(|cell| cell.to_lowercase().contains(word.as_str()))
            })
        })
        .collect();
    matching.sort_by(|a, b| {
        let pinned = b.pinned.cmp(&a.pinned);
        let by_column = match query.sort {
            Some((column, direction)) => {
                let empty = String::new();
                let left = a.cells.get(column).unwrap_or(&empty);
                let right = b.cells.get(column).unwrap_or(&empty);
                let order = compare_text(left, right);
                match direction {
                    SortDirection::Ascending => order,
                    SortDirection::Descending => order.reverse(),
                }
            }
            None => Ordering::Equal,
        };
        pinned.then(by_column)
    });
    let size = query.page_size.max(1);
    let page_count = matching.len().div_ceil(size).max(1);
    let page = query.page.min(page_count - 1);
    let start = page * size;
    let rows: Vec<TableRow> = matching
        .iter()
        .skip(start)
        .take(size)
        .map(|row| (*row).clone())
        .collect();
    TablePage {
        first: if rows.is_empty() { 0 } else { start + 1 },
        last: start + rows.len(),
        rows,
        matching: matching.len(),
        page,
        page_count,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: &str, cells: &[&str], pinned: bool) -> TableRow {
        TableRow {
            id: id.into(),
            cells: cells.iter().map(|c| c.to_string()).collect(),
            pinned,
        }
    }

    fn ids(page: &TablePage) -> Vec<&str> {
        page.rows.iter().map(|r| r.id.as_str()).collect()
    }

    fn sample() -> Vec<TableRow> {
        vec![
            row("local", &["This instance", "http://a"], true),
            row("b", &["bravo", "https://b.org"], false),
            row("a", &["Alpha", "https://a.org"], false),
            row("c", &["charlie", "http://c.org"], false),
        ]
    }

    #[test]
    fn sorting_keeps_pinned_rows_first_and_flips() {
        let rows = sample();
        let mut query = TableQuery::new(10);
        query.toggle_sort(0);
        assert_eq!(ids(&query_rows(&rows, &query)), ["local", "a", "b", "c"]);
        query.toggle_sort(0);
        assert_eq!(query.sort, Some((0, SortDirection::Descending)));
        assert_eq!(ids(&query_rows(&rows, &query)), ["local", "c", "b", "a"]);
        query.toggle_sort(1);
        assert_eq!(query.sort, Some((1, SortDirection::Ascending)));
        assert_eq!(ids(&query_rows(&rows, &query)), ["local", "c", "a", "b"]);
    }

    #[test]
    fn search_needs_every_word_in_some_cell() {
        let rows = sample();
        let mut query = TableQuery::new(10);
        query.search = "HTTPS alp".into();
        assert_eq!(ids(&query_rows(&rows, &query)), ["a"]);
        query.search = "nothing-matches".into();
        let page = query_rows(&rows, &query);
        assert!(page.rows.is_empty());
        assert_eq!((page.matching, page.first, page.last), (0, 0, 0));
        assert!(!page.has_next() && !page.has_previous());
    }

    #[test]
    fn pages_are_cut_and_clamped() {
        let rows: Vec<TableRow> = (0..23)
            .map(|i| row(&format!("r{i:02}"), &[&format!("row {i:02}")], false))
            .collect();
        let mut query = TableQuery::new(10);
        query.toggle_sort(0);
        let first = query_rows(&rows, &query);
        assert_eq!(
            (first.page_count, first.first, first.last, first.matching),
            (3, 1, 10, 23)
        );
        assert!(first.has_next() && !first.has_previous());
        query.page = 2;
        let last = query_rows(&rows, &query);
        assert_eq!(ids(&last), ["r20", "r21", "r22"]);
        assert_eq!((last.first, last.last, last.matching), (21, 23, 23));
        query.page = 9;
        assert_eq!(
            query_rows(&rows, &query).page,
            2,
            "a page past the end shows the last"
        );
    }
}
