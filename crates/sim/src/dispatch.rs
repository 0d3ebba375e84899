//! Routing a request once faults are decided: CORS preflight, public pages, authentication,
//! then the platform's own endpoints, metadata, data values, tracker — else a DHIS2 404.

use crate::auth::{self, Authentication};
use crate::sim::{Sim, State};
use crate::{cors, locales, me, pages, public, system, RequestContext, SimRequest, SimResponse};
use serde_json::json;

pub(crate) fn respond(
    sim: &Sim,
    state: &mut State,
    request: &SimRequest,
    path: &str,
) -> SimResponse {
    let base_url = sim.base_url();
    if cors::is_preflight(request) {
        if let Some(origin) = request.header("Origin") {
            if cors::is_allowed(origin, &state.cors, base_url) {
                return cors::preflight_response(request, origin);
            }
        }
    }
    let version = sim.version();
    match (request.method.as_str(), path) {
        ("GET", auth::LOGIN_PAGE_PATH) => {
            return pages::login_page(&state.title, request.query().get("failed").is_some())
        }
        ("POST", auth::LOGIN_FORM_PATH) => {
            return state.auth.login_form(request, &state.accounts, base_url)
        }
        (_, auth::LOGOUT_PATH) => return state.auth.logout(request, base_url),
        ("POST", "/api/auth/login") if version.at_least(41, 0) => {
            let start_module = state.system_settings.start_module(version);
            return state
                .auth
                .login_json(request, &state.accounts, &start_module);
        }
        ("POST" | "GET", "/api/auth/logout") if version.at_least(41, 0) => {
            return state.auth.logout(request, base_url)
        }
        _ => {}
    }
    if let Some(response) = public::respond(sim, state, request, path) {
        return response;
    }
    let user_index = match sim.authenticate(state, request) {
        Authentication::User(index) => index,
        Authentication::Anonymous => return state.auth.challenge(request, base_url, version),
        Authentication::Refused(response) => return response,
    };
    let State {
        accounts,
        datastore,
        user_datastore,
        apps,
        cors: allowlist,
        title,
        metadata,
        data_values,
        tracker,
        auth: auth_state,
        routes,
        system_settings,
        user_settings,
        static_content,
        ..
    } = state;
    let user = &accounts[user_index];
    // `/dhis-web-dashboard` is where a 2.41 JSON login lands by default (`startModule`), and
    // the apps menu's Dashboard entry.
    if matches!(
        path,
        "/" | ""
            | "/dhis-web-dashboard"
            | "/dhis-web-dashboard/"
            | "/dhis-web-dashboard/index.action"
    ) {
        return pages::home_page(title, apps, user);
    }
    if path == "/dhis-web-commons/menu/getModules.action" {
        return apps.modules(user, base_url);
    }
    let Some(api_path) = path.strip_prefix("/api/") else {
        return SimResponse::bytes(404, "text/html;charset=UTF-8", "<h1>404 Not Found</h1>");
    };
    let (api_version, segments) = split_api_path(api_path);
    let ctx = RequestContext {
        version,
        user,
        method: &request.method,
        segments,
        api_version,
        query: request.query(),
        body: &request.body,
        base_url,
    };
    let content_type = request.header("Content-Type").unwrap_or_default();
    let accept = request.header("Accept");
    let first = ctx.segments.first().map(String::as_str).unwrap_or_default();
    let own = match first {
        "system" if ctx.segments.get(1).map(String::as_str) == Some("info") => {
            (ctx.method == "GET").then(|| system::system_info(&ctx, title))
        }
        "system" if ctx.segments.get(1).map(String::as_str) == Some("ping") => {
            Some(SimResponse::bytes(200, "text/plain;charset=UTF-8", "pong"))
        }
        // The data import keys (`keyDataImportStrict…`) belong to the data value imports.
        "systemSettings" => (data_values.system_settings.handle(&ctx))
            .or_else(|| system_settings.handle(&ctx, accept, content_type, title)),
        "fileResources" => data_values.files.handle(&ctx, content_type),
        "userSettings" => user_settings.handle(&ctx, system_settings, accounts),
        "me" if ctx.segments.get(1).map(String::as_str) == Some("settings") => {
            user_settings.handle(&ctx, system_settings, accounts)
        }
        "me" => me::handle(
            &ctx,
            user_settings.map(version, system_settings, &user.username, true),
        ),
        "staticContent" => static_content.handle(&ctx, accept, content_type, system_settings),
        "locales" => locales::handle(version, ctx.method, &ctx.segments),
        "apiToken" => auth_state.tokens.handle(&ctx),
        "apps" => apps.handle(&ctx, content_type),
        "dataStore" => {
            let protection = ctx
                .segments
                .get(1)
                .and_then(|ns| apps.protecting(ns))
                .map(|app| app.authority.clone());
            datastore.handle(&ctx, protection.as_deref())
        }
        "sharing" if ctx.query.get("type") == Some("dataStore") => {
            Some(datastore.handle_sharing(&ctx))
        }
        "userDataStore" => user_datastore.handle(&ctx, accounts),
        "configuration" => cors_configuration(&ctx, allowlist),
        "routes" => routes.handle(&ctx, request, path),
        "sharing" if ctx.query.get("type") == Some("route") => {
            routes.handle_sharing(&ctx, accounts)
        }
        _ => None,
    };
    own.or_else(|| metadata.handle(&ctx))
        .or_else(|| data_values.handle(&ctx, metadata))
        .or_else(|| tracker.handle(&ctx, metadata))
        .unwrap_or_else(|| not_found(&ctx, path))
}

/// `37/dataElements.json` → (Some(37), ["dataElements"]). A trailing `.json` on the last
/// segment is dropped (DHIS2 accepts it on every endpoint) except under `apps` and `dataStore`,
/// where it can be part of a file name or key.
pub(crate) fn split_api_path(api_path: &str) -> (Option<u32>, Vec<String>) {
    let mut segments: Vec<String> = api_path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    let mut api_version = None;
    if let Some(number) = segments.first().and_then(|s| s.parse::<u32>().ok()) {
        if (26..=43).contains(&number) {
            api_version = Some(number);
            segments.remove(0);
        }
    }
    let keeps_suffix = matches!(
        segments.first().map(String::as_str),
        Some("apps" | "dataStore" | "userDataStore")
    );
    if !keeps_suffix {
        if let Some(last) = segments.last_mut() {
            if let Some(stripped) = last.strip_suffix(".json") {
                *last = stripped.to_string();
            }
        }
    }
    (api_version, segments)
}

/// `GET|POST /api/configuration/corsWhitelist` (2.41 also `/corsAllowlist`).
fn cors_configuration(ctx: &RequestContext, allowlist: &mut Vec<String>) -> Option<SimResponse> {
    let name = ctx.segments.get(1).map(String::as_str)?;
    let known = name == "corsWhitelist" || (name == "corsAllowlist" && ctx.version.at_least(41, 0));
    if !known || ctx.segments.len() != 2 {
        return None;
    }
    match ctx.method {
        "GET" => Some(SimResponse::json(200, &json!(allowlist))),
        "POST" | "PUT" => {
            if !ctx.user.has_authority("F_SYSTEM_SETTING") {
                return Some(SimResponse::web_message(
                    403,
                    "You don't have the proper permissions to access this page.",
                ));
            }
            match serde_json::from_slice::<Vec<String>>(ctx.body) {
                Ok(origins) => {
                    *allowlist = origins;
                    Some(SimResponse::empty(204))
                }
                Err(_) => Some(SimResponse::web_message(
                    400,
                    "Expected a JSON array of origins.",
                )),
            }
        }
        _ => None,
    }
}

/// DHIS2's answer to an API path nothing serves.
fn not_found(ctx: &RequestContext, path: &str) -> SimResponse {
    if ctx.version.at_least(40, 0) {
        SimResponse::web_message_with_code(404, "E1005", &format!("Not found: {path}"))
    } else {
        SimResponse::web_message(404, &format!("Not found: {path}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_paths_split_into_version_and_segments() {
        assert_eq!(
            split_api_path("37/dataElements.json"),
            (Some(37), vec!["dataElements".to_string()])
        );
        assert_eq!(
            split_api_path("dataStore/ns/config.json"),
            (
                None,
                vec!["dataStore".into(), "ns".into(), "config.json".into()]
            )
        );
    }
}
