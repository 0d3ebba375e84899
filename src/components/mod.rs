//! Reusable pieces, one per file (or folder when a piece has parts).

pub mod data_table;
pub mod dialog;
pub mod header_bar;
pub mod icons;
pub mod loading;
pub mod mapping_apply;
pub mod navigation_guard;
pub mod notice;
pub mod org_unit_tree;
pub mod period_picker;
pub mod progress_bar;
pub mod resume_notice;
pub mod save_as_rule;
pub mod schedule;
pub mod sharing;
pub mod type_list;
