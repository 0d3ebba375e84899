//! `/api/sharing?type=<singular>&id=<uid>` for metadata objects (§5.4). `type=dataStore`
//! belongs to the dataStore module.

use super::sharing_model::{effective_access, is_valid_access};
use super::{message, MetadataStore};
use crate::{clock, RequestContext, SimResponse};
use serde_json::{json, Map, Value};

pub fn handle(
    store: &mut MetadataStore,
    ctx: &RequestContext,
    method: &str,
) -> Option<SimResponse> {
    let type_name = ctx.query.get("type").unwrap_or_default().to_string();
    if type_name.eq_ignore_ascii_case("dataStore") {
        return None;
    }
    let version = store.version;
    let id = ctx.query.get("id").unwrap_or_default().to_string();
    let Some(schema) = store
        .catalog
        .by_singular(&type_name)
        .filter(|s| s.shareable)
        .cloned()
    else {
        return Some(message::conflict(
            version,
            &format!("Type {type_name} is not supported."),
        ));
    };
    let not_found = || {
        message::not_found(
            version,
            &format!("Object of type {type_name} with ID {id} was not found."),
        )
    };
    let Some(object) = store.get(&schema.plural, &id).cloned() else {
        return Some(not_found());
    };
    let access = effective_access(object.get("sharing"), ctx.user);
    match method {
        "GET" => {
            if !access.starts_with('r') {
                return Some(message::respond(
                    403,
                    "You do not have manage access to this object.",
                    None,
                    version,
                ));
            }
            let mut document = sharing_document(store, &object);
            // A Jackson bean: 2.30–2.34 leave empty lists out (§0.1).
            if !version.at_least(35, 0) {
                message::drop_empty_arrays(&mut document);
            }
            Some(SimResponse::json(200, &document))
        }
        "POST" | "PUT" => {
            if access.as_bytes().get(1) != Some(&b'w') {
                return Some(message::respond(
                    403,
                    "You do not have manage access to this object.",
                    None,
                    version,
                ));
            }
            Some(update(store, ctx, &schema.plural, object))
        }
        _ => None,
    }
}

fn has_external(store: &MetadataStore) -> bool {
    !store.version.at_least(41, 9)
}

fn sharing_document(store: &MetadataStore, object: &Value) -> Value {
    let sharing = object.get("sharing").cloned().unwrap_or(json!({}));
    let name_of = |plural: &str, id: &str| -> Value {
        let found = store.get(plural, id);
        let name = match (plural, found) {
            ("users", Some(user)) => format!(
                "{} {}",
                user.get("firstName")
                    .and_then(Value::as_str)
                    .unwrap_or_default(),
                user.get("surname")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
            ),
            (_, Some(found)) => found
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            _ => String::new(),
        };
        json!(name.trim())
    };
    let entries = |key: &str, plural: &str| -> Vec<Value> {
        sharing
            .get(key)
            .and_then(Value::as_object)
            .map(|map| {
                map.values()
                    .map(|entry| {
                        let id = entry.get("id").and_then(Value::as_str).unwrap_or_default();
                        let mut out = json!({ "id": id, "name": name_of(plural, id),
                                              "displayName": name_of(plural, id),
                                              "access": entry.get("access").cloned().unwrap_or(json!("r-------")) });
                        if plural == "users" {
                            let username = store
                                .get("users", id)
                                .and_then(|u| u.get("username").or_else(|| u.pointer("/userCredentials/username")))
                                .cloned()
                                .unwrap_or(Value::Null);
                            out["username"] = username;
                        }
                        out
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut meta = Map::new();
    meta.insert("allowPublicAccess".into(), json!(true));
    let mut inner = Map::new();
    inner.insert(
        "id".into(),
        object.get("id").cloned().unwrap_or(Value::Null),
    );
    if let Some(name) = object.get("name") {
        inner.insert("name".into(), name.clone());
        inner.insert("displayName".into(), name.clone());
    }
    inner.insert(
        "publicAccess".into(),
        sharing.get("public").cloned().unwrap_or(json!("--------")),
    );
    if has_external(store) {
        meta.insert("allowExternalAccess".into(), json!(false));
        inner.insert(
            "externalAccess".into(),
            sharing.get("external").cloned().unwrap_or(json!(false)),
        );
    }
    if let Some(owner) = sharing.get("owner").and_then(Value::as_str) {
        inner.insert(
            "user".into(),
            json!({ "id": owner, "name": name_of("users", owner) }),
        );
    }
    inner.insert(
        "userGroupAccesses".into(),
        Value::Array(entries("userGroups", "userGroups")),
    );
    inner.insert(
        "userAccesses".into(),
        Value::Array(entries("users", "users")),
    );
    json!({ "meta": meta, "object": inner })
}

fn update(
    store: &mut MetadataStore,
    ctx: &RequestContext,
    plural: &str,
    object: Value,
) -> SimResponse {
    let version = store.version;
    let body: Value = serde_json::from_slice(ctx.body).unwrap_or(Value::Null);
    let Some(given) = body.get("object") else {
        return message::bad_request(version, "Request body must be {\"object\": {…}}.");
    };
    let public = given
        .get("publicAccess")
        .and_then(Value::as_str)
        .unwrap_or("--------");
    if !is_valid_access(public) {
        return message::conflict(version, &format!("Invalid public access string: {public}"));
    }
    let collect = |key: &str| -> Result<Map<String, Value>, String> {
        let mut out = Map::new();
        for entry in given
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let Some(id) = entry.get("id").and_then(Value::as_str) else {
                continue;
            };
            let access = entry
                .get("access")
                .and_then(Value::as_str)
                .unwrap_or("r-------");
            if !is_valid_access(access) {
                return Err(access.to_string());
            }
            out.insert(id.to_string(), json!({ "id": id, "access": access }));
        }
        Ok(out)
    };
    let (groups, users) = match (collect("userGroupAccesses"), collect("userAccesses")) {
        (Ok(groups), Ok(users)) => (groups, users),
        (Err(bad), _) => {
            return message::conflict(version, &format!("Invalid user group access string: {bad}"))
        }
        (_, Err(bad)) => {
            return message::conflict(version, &format!("Invalid user access string: {bad}"))
        }
    };
    let mut updated = object;
    let mut sharing = updated
        .get("sharing")
        .filter(|s| s.is_object())
        .cloned()
        .unwrap_or(json!({}));
    sharing["public"] = json!(public);
    sharing["external"] = json!(given
        .get("externalAccess")
        .and_then(Value::as_bool)
        .unwrap_or(false));
    sharing["userGroups"] = Value::Object(groups);
    sharing["users"] = Value::Object(users);
    if let Some(owner) = given.pointer("/user/id").and_then(Value::as_str) {
        sharing["owner"] = json!(owner);
    }
    updated["sharing"] = sharing;
    updated["lastUpdated"] = json!(clock::now_iso());
    if let Some(id) = updated
        .get("id")
        .and_then(Value::as_str)
        .map(str::to_string)
    {
        if let Some(all) = store.objects.get_mut(plural) {
            all.insert(id, updated);
        }
    }
    message::respond(200, "Access control set", None, version)
}
