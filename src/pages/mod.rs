//! One file (or folder) per page.

pub mod coming_soon;
pub mod history;
pub mod home;
pub mod instances;
pub mod lazy_panel;
pub mod mapping;
pub mod no_access;
pub mod not_allowed;
pub mod router;
pub mod rules;
pub mod session_error;
pub mod settings;

pub mod sync;
