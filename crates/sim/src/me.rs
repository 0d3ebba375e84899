//! `/api/me` by version (§5.1): before 2.38 username and roles sit under `userCredentials`;
//! from 2.38 they are flat, with `userCredentials` still sent for compatibility.

use crate::system::filtered;
use crate::{Account, RequestContext, SimResponse};
use serde_json::{json, Map, Value};

const CREATED: &str = "2019-01-01T00:00:00.000";

/// User groups as DHIS2 renders them in `/api/me` (recorded: `user/user38.json`).
fn groups(pairs: &[(String, String)], base_url: &str) -> Value {
    pairs
        .iter()
        .map(|(id, name)| {
            json!({"id": id, "name": name, "displayName": name, "created": CREATED,
                "lastUpdated": CREATED, "href": format!("{base_url}/api/userGroups/{id}"),
                "createdBy": {"id": crate::accounts::ADMIN_ID, "code": null, "name": "John Traore",
                    "displayName": "John Traore", "username": "admin"}})
        })
        .collect()
}

/// The full `/api/me` document of `user` on this version, before any `fields=` filter;
/// `settings` are the user's settings with fallback (as `/api/userSettings` lists them).
pub fn me_document(ctx: &RequestContext, user: &Account, settings: Map<String, Value>) -> Value {
    let roles: Vec<Value> = user
        .user_roles
        .iter()
        .map(|(id, name)| {
            json!({"id": id, "name": name, "displayName": name,
                   "created": CREATED, "lastUpdated": CREATED, "authorities": user.authorities,
                   "programs": []})
        })
        .collect();
    let org_units: Vec<Value> = user
        .organisation_units
        .iter()
        .map(|(id, path)| json!({"id": id, "path": path}))
        .collect();
    let display_name = user.display_name();
    // Before 2.38 `userCredentials` is the identifiable UserCredentials object; from 2.38 it is
    // the compatibility `UserCredentialsDto` (no name, code or dates: json-schemas v2.38.1).
    let credentials = if ctx.version.at_least(38, 0) {
        json!({
            "id": credentials_id(&user.id),
            "username": user.username,
            "userRoles": roles,
            "disabled": false,
            "twoFA": false,
            "externalAuth": false,
            "selfRegistered": false,
            "invitation": false,
        })
    } else {
        json!({
            "id": credentials_id(&user.id),
            "code": user.username,
            "username": user.username,
            "name": display_name,
            "displayName": display_name,
            "created": CREATED,
            "lastUpdated": CREATED,
            "userRoles": roles,
            "disabled": false,
            "twoFA": false,
        })
    };
    let mut me = json!({
        "id": user.id,
        "created": CREATED,
        "lastUpdated": CREATED,
        "name": display_name,
        "displayName": display_name,
        "firstName": user.first_name,
        "surname": user.surname,
        "email": format!("{}@example.org", user.username),
        "userGroups": groups(&user.user_groups, ctx.base_url),
        "organisationUnits": org_units,
        "dataViewOrganisationUnits": org_units,
        "teiSearchOrganisationUnits": [],
        "authorities": user.authorities,
        "settings": settings,
        "programs": [],
        "dataSets": [],
        "userCredentials": credentials,
    });
    if ctx.version.at_least(38, 0) {
        me["username"] = json!(user.username);
        me["userRoles"] = json!(roles);
        me["access"] = json!({"read": true, "update": true, "externalize": true,
            "delete": true, "write": true, "manage": true});
    }
    me
}

/// 2.38 derives a stable credentials id from the user; a distinct fixed id keeps the shape.
fn credentials_id(user_id: &str) -> String {
    let mut id: Vec<char> = user_id.chars().collect();
    id.reverse();
    let mut id: String = id.into_iter().collect();
    if !id.starts_with(|c: char| c.is_ascii_alphabetic()) {
        id.replace_range(0..1, "C");
    }
    id
}

/// `/api/me…` routes (`/api/me/settings` is in [`crate::user_settings`]); `None` for paths
/// that are not the platform's.
pub fn handle(ctx: &RequestContext, settings: Map<String, Value>) -> Option<SimResponse> {
    if ctx.method != "GET" {
        return None;
    }
    let segments: Vec<&str> = ctx.segments.iter().map(String::as_str).collect();
    let user = ctx.user;
    let response = match segments.as_slice() {
        ["me"] | ["me.json"] => {
            SimResponse::json(200, &filtered(ctx, me_document(ctx, user, settings)))
        }
        ["me", "authorization" | "authorities"] => SimResponse::json(200, &json!(user.authorities)),
        ["me", "authorization" | "authorities", authority] => {
            SimResponse::json(200, &json!(user.has_authority(authority)))
        }
        ["me", "dashboard"] => SimResponse::json(
            200,
            &json!({"unreadInterpretations": 0, "unreadMessageConversations": 0}),
        ),
        _ => return None,
    };
    Some(response)
}
