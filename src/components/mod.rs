//! Reusable pieces, one per file (or folder when a piece has parts).

pub mod data_table;
pub mod dialog;
pub mod header_bar;
pub mod icons;
pub mod loading;
pub mod notice;
pub mod progress_bar;
pub mod type_list;
