//! What a DHIS2 server answers without a login, as its security configuration lets through
//! (2.30 `security.xml`; 2.35+ `DhisWebCommonsWebSecurityConfig` / `DhisWebApiWebSecurityConfig`):
//! `/favicon.ico`, the static files under `/dhis-web-commons/{css,javascripts,fonts,flags}/`
//! and the login page's logo, `GET /api/staticContent/*`, `/api/ping` (from 2.37.10, 2.38.4,
//! 2.39.2, 2.40.0) and, from 2.41, `/api/**/locales/ui` and `/api/**/staticContent/**`.
//! Because they never ask for a login, none of them can become the page a login returns to.

use crate::dispatch::split_api_path;
use crate::sim::{Sim, State};
use crate::{images, locales, static_content, SimRequest, SimResponse, SimVersion};

/// Folders of `dhis-web-commons` served to anyone.
const PUBLIC_FOLDERS: [&str; 4] = [
    "/dhis-web-commons/css/",
    "/dhis-web-commons/javascripts/",
    "/dhis-web-commons/fonts/",
    "/dhis-web-commons/flags/",
];

/// `/api/ping` (`PingController`, DHIS2-14531) was released in 2.37.10, 2.38.4, 2.39.2, 2.40.0.
pub fn has_ping(version: SimVersion) -> bool {
    match version.minor {
        ..=36 => false,
        37 => version.at_least(37, 10),
        38 => version.at_least(38, 4),
        39 => version.at_least(39, 2),
        _ => true,
    }
}

/// The answer to a request that needs no login, or `None` when the request must be
/// authenticated first.
pub(crate) fn respond(
    sim: &Sim,
    state: &State,
    request: &SimRequest,
    path: &str,
) -> Option<SimResponse> {
    if request.method != "GET" {
        return None;
    }
    let version = sim.version();
    if path == "/favicon.ico" {
        return Some(SimResponse::bytes(200, "image/x-icon", images::favicon()));
    }
    if path == "/dhis-web-commons/security/logo_front.png"
        || PUBLIC_FOLDERS.iter().any(|folder| path.starts_with(folder))
    {
        return Some(match static_content::default_logo_file(path) {
            Some(png) => SimResponse::bytes(200, "image/png", png),
            None => SimResponse::bytes(404, "text/html;charset=UTF-8", "<h1>404 Not Found</h1>"),
        });
    }
    let api_path = path.strip_prefix("/api/")?;
    let (api_version, segments) = split_api_path(api_path);
    let versioned = api_version.is_some();
    match segments.first().map(String::as_str) {
        Some("ping") if !versioned && segments.len() == 1 && has_ping(version) => {
            Some(SimResponse::empty(200))
        }
        Some("staticContent")
            if segments.len() == 2 && static_content::is_public(version, versioned) =>
        {
            Some(state.static_content.get(
                version,
                sim.base_url(),
                request.header("Accept"),
                &state.system_settings,
                &segments[1],
            ))
        }
        Some("locales") if locales::is_public(version) => {
            locales::handle(version, &request.method, &segments)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ping_arrives_at_the_patch_releases() {
        let at = |minor, patch| has_ping(SimVersion::new(minor, patch));
        assert!(!at(36, 9) && !at(37, 9) && at(37, 10) && !at(38, 3) && at(38, 4));
        assert!(!at(39, 1) && at(39, 2) && at(40, 0) && at(42, 0));
    }
}
