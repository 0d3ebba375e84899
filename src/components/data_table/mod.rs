//! A table with search, sort by column and paging (the logic is in `crate::table_model`).

mod pager;
mod table;

pub use pager::Pager;
pub use table::{Column, DataTable};
