//! The hash routes of the app (`#/instances`, `#/rules` …). Hash routing works from any URL
//! DHIS2 serves the app at, and needs no server configuration.

use mdsync_core::access::Panel;

/// Where the user is, read from `location.hash`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    Home,
    Panel(Panel),
    /// A hash that names no panel; the shell says so instead of showing a blank page.
    Unknown(String),
}

impl Route {
    /// Reads a hash such as `#/instances`, `#instances` or `#/instances/new` (the first path
    /// segment decides the panel; panels read the rest themselves).
    pub fn from_hash(hash: &str) -> Route {
        let path = hash.trim_start_matches('#').trim_start_matches('/');
        let first = path.split(['/', '?']).next().unwrap_or_default();
        if first.is_empty() {
            return Route::Home;
        }
        match Panel::from_route(first) {
            Some(panel) => Route::Panel(panel),
            None => Route::Unknown(first.to_string()),
        }
    }

    /// The `href` that leads to this route.
    pub fn href(&self) -> String {
        match self {
            Route::Home => "#/".to_string(),
            Route::Panel(panel) => panel_href(*panel),
            Route::Unknown(name) => format!("#/{name}"),
        }
    }
}

/// The `href` of a panel, e.g. `#/instances`.
pub fn panel_href(panel: Panel) -> String {
    format!("#/{}", panel.route())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_panel_and_the_home_page() {
        for panel in Panel::ALL {
            assert_eq!(Route::from_hash(&panel_href(panel)), Route::Panel(panel));
            assert_eq!(
                Route::from_hash(&format!("#{}", panel.route())),
                Route::Panel(panel)
            );
        }
        for home in ["", "#", "#/", "#//"] {
            assert_eq!(Route::from_hash(home), Route::Home, "{home:?}");
        }
    }

    #[test]
    fn keeps_sub_paths_with_their_panel_and_names_unknown_ones() {
        assert_eq!(
            Route::from_hash("#/instances/new"),
            Route::Panel(Panel::Instances)
        );
        assert_eq!(
            Route::from_hash("#/rules?id=abc"),
            Route::Panel(Panel::Rules)
        );
        assert_eq!(
            Route::from_hash("#/settings"),
            Route::Panel(Panel::Settings)
        );
        assert_eq!(
            Route::from_hash("#/preferences"),
            Route::Unknown("preferences".into())
        );
        assert_eq!(Route::Unknown("x".into()).href(), "#/x");
    }
}
