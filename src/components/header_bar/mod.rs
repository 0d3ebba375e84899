//! The DHIS2-style header bar: logo, title, apps menu, profile menu.

mod apps_menu;
mod bar;
mod profile_menu;

pub use apps_menu::AppsMenu;
pub use bar::HeaderBar;
pub use profile_menu::ProfileMenu;
