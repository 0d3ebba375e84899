//! `GET/POST /api/routes`, `GET/PUT/DELETE /api/routes/{id}` (`AbstractCrudController`
//! with `RouteController`'s hooks): permission checks, `validateRoute`, required and unique
//! properties, ObjectReport answers.

use super::model::{self, error_report, object_report, RouteDraft, StoredRoute};
use super::sharing::{RouteSharing, PRIVATE, PUBLIC_READ_WRITE};
use super::RouteStore;
use crate::{clock, fields, uid, RequestContext, SimResponse};
use serde_json::{json, Map, Value};

const PUBLIC_ADD: &str = "F_ROUTE_PUBLIC_ADD";
const PRIVATE_ADD: &str = "F_ROUTE_PRIVATE_ADD";
const DELETE: &str = "F_ROUTE_DELETE";

fn forbidden(message: &str) -> SimResponse {
    SimResponse::web_message_with_code(403, "E1006", message)
}

fn not_found(id: &str) -> SimResponse {
    SimResponse::web_message_with_code(
        404,
        "E1005",
        &format!("Route with id {id} could not be found."),
    )
}

/// `filter=code:eq:x`, `id:in:[a,b]`, `name:ilike:x` on the simple properties.
fn matches_filter(route: &Value, filter: &str) -> bool {
    let mut parts = filter.splitn(3, ':');
    let (Some(property), Some(operator)) = (parts.next(), parts.next()) else {
        return true;
    };
    let wanted = parts.next().unwrap_or_default();
    let actual = match route.get(property) {
        Some(Value::String(text)) => text.clone(),
        Some(Value::Bool(flag)) => flag.to_string(),
        _ => String::new(),
    };
    match operator {
        "eq" => actual == wanted,
        "ne" => actual != wanted,
        "in" => wanted
            .trim_start_matches('[')
            .trim_end_matches(']')
            .split(',')
            .any(|item| item == actual),
        "like" => actual.contains(wanted),
        "ilike" => actual.to_lowercase().contains(&wanted.to_lowercase()),
        _ => true,
    }
}

impl RouteStore {
    pub(super) fn list(&self, ctx: &RequestContext) -> SimResponse {
        let filters = ctx.query.all("filter");
        let mut rendered: Vec<Value> = self
            .routes
            .iter()
            .filter(|route| route.sharing.can_read(ctx.user))
            .map(|route| route.render(self.facts, ctx.user, ctx.base_url))
            .filter(|route| filters.iter().all(|filter| matches_filter(route, filter)))
            .collect();
        rendered.sort_by(|a, b| a["name"].as_str().cmp(&b["name"].as_str()));
        let fields_text = ctx.query.all("fields").join(",");
        let specs = fields::parse(if fields_text.is_empty() {
            "id,displayName"
        } else {
            &fields_text
        });
        let paging = !ctx
            .query
            .get("paging")
            .is_some_and(|p| p.eq_ignore_ascii_case("false"));
        let total = rendered.len();
        let mut out = Map::new();
        if paging {
            let number = |key: &str, default: usize| {
                ctx.query
                    .get(key)
                    .and_then(|v| v.parse::<usize>().ok())
                    .filter(|v| *v > 0)
                    .unwrap_or(default)
            };
            let (page, page_size) = (number("page", 1), number("pageSize", 50));
            out.insert(
                "pager".into(),
                json!({ "page": page, "pageCount": total.div_ceil(page_size).max(1),
                        "total": total, "pageSize": page_size }),
            );
            rendered = rendered
                .into_iter()
                .skip((page - 1).saturating_mul(page_size))
                .take(page_size)
                .collect();
        }
        out.insert(
            "routes".into(),
            fields::apply(&Value::Array(rendered), &specs),
        );
        SimResponse::json(200, &Value::Object(out))
    }

    pub(super) fn get(&self, ctx: &RequestContext, id: &str) -> SimResponse {
        let Some(route) = self.find(id) else {
            return not_found(id);
        };
        if !route.sharing.can_read(ctx.user) {
            return SimResponse::web_message_with_code(
                403,
                "E3012",
                "You don't have the proper permissions to read objects of this type.",
            );
        }
        let fields_text = ctx.query.all("fields").join(",");
        let specs = fields::parse(if fields_text.is_empty() {
            "*"
        } else {
            &fields_text
        });
        let rendered = route.render(self.facts, ctx.user, ctx.base_url);
        SimResponse::json(200, &fields::apply(&rendered, &specs))
    }

    pub(super) fn create(&mut self, ctx: &RequestContext) -> SimResponse {
        let draft = match RouteDraft::parse(ctx.body, self.facts, &self.secrets) {
            Ok(draft) => draft,
            Err(refusal) => return refusal,
        };
        let user = ctx.user;
        let may_make_public = user.has_authority(PUBLIC_ADD);
        if !may_make_public && !user.has_authority(PRIVATE_ADD) {
            return forbidden("You don't have the proper permissions to create this object.");
        }
        if let Err(message) = self.validate(&draft) {
            return SimResponse::web_message_with_code(409, "E1004", &message);
        }
        let default_public = if may_make_public && !self.facts.private_by_default() {
            PUBLIC_READ_WRITE
        } else {
            PRIVATE
        };
        let sharing = RouteSharing::from_body(&draft.body, &user.id, default_public);
        if sharing.public != PRIVATE && !may_make_public {
            return forbidden("You don't have the proper permissions to create this object.");
        }
        let uid = draft.id.clone().unwrap_or_else(uid::generate_uid);
        let mut errors = self.check_properties(&draft, &uid);
        if !uid::is_valid_uid(&uid) {
            let message = format!("Invalid UID `{uid}` for property `route`");
            let args = vec![uid.clone(), "route".into()];
            errors.insert(0, self.report("E4014", message, &uid, "id", args));
        } else if self.find(&uid).is_some() {
            let label = draft.name.clone().unwrap_or_default();
            let message = format!(
                "Found matching object for reference, but import mode is CREATE. Identifier was \
                 {uid}, and object was {label} [{uid}] (Route)."
            );
            errors.push(self.report("E5000", message, &uid, "id", vec![uid.clone()]));
        }
        if !errors.is_empty() {
            return object_report(409, &uid, errors);
        }
        let now = clock::now_iso();
        let numeric_id = self.next_numeric_id;
        self.next_numeric_id += 1;
        self.routes.push(StoredRoute {
            uid: uid.clone(),
            numeric_id,
            code: draft.code,
            name: draft.name.unwrap_or_default(),
            description: draft.description,
            disabled: draft.disabled,
            url: draft.url.unwrap_or_default(),
            headers: draft.headers,
            auth: draft.auth,
            authorities: draft.authorities,
            response_timeout_seconds: draft.response_timeout_seconds,
            sharing,
            created: now.clone(),
            last_updated: now,
        });
        let location = format!("{}/api/routes/{uid}", ctx.base_url);
        object_report(201, &uid, Vec::new()).with_header("Location", &location)
    }

    pub(super) fn update(&mut self, ctx: &RequestContext, id: &str) -> SimResponse {
        let draft = match RouteDraft::parse(ctx.body, self.facts, &self.secrets) {
            Ok(draft) => draft,
            Err(refusal) => return refusal,
        };
        let Some(existing) = self.find(id) else {
            return not_found(id);
        };
        if !existing.sharing.can_write(ctx.user) {
            return forbidden("You don't have the proper permissions to update this object.");
        }
        if let Err(message) = self.validate(&draft) {
            return SimResponse::web_message_with_code(409, "E1004", &message);
        }
        let errors = self.check_properties(&draft, id);
        if !errors.is_empty() {
            return object_report(409, id, errors);
        }
        let gives_sharing = [
            "sharing",
            "publicAccess",
            "userAccesses",
            "userGroupAccesses",
        ]
        .iter()
        .any(|key| draft.body.contains_key(*key));
        let Some(route) = self.routes.iter_mut().find(|route| route.uid == id) else {
            return not_found(id);
        };
        if gives_sharing {
            route.sharing = RouteSharing::from_body(&draft.body, &route.sharing.owner, PRIVATE);
        }
        route.code = draft.code;
        route.name = draft.name.unwrap_or_default();
        route.description = draft.description;
        route.disabled = draft.disabled;
        route.url = draft.url.unwrap_or_default();
        route.headers = draft.headers;
        // Write-only secrets: a PUT without them stores an auth without them.
        route.auth = draft.auth;
        route.authorities = draft.authorities;
        route.response_timeout_seconds = draft.response_timeout_seconds;
        route.last_updated = clock::now_iso();
        object_report(200, id, Vec::new())
    }

    pub(super) fn delete(&mut self, ctx: &RequestContext, id: &str) -> SimResponse {
        let Some(route) = self.find(id) else {
            return not_found(id);
        };
        if !(route.sharing.can_write(ctx.user) && ctx.user.has_authority(DELETE)) {
            return forbidden("You don't have the proper permissions to delete this object.");
        }
        self.routes.retain(|route| route.uid != id);
        object_report(200, id, Vec::new())
    }

    /// `RouteService.validateRoute`, on the versions that have it.
    fn validate(&self, draft: &RouteDraft) -> Result<(), String> {
        if !self.facts.validates_on_save() {
            return Ok(());
        }
        model::validate_route(
            draft.url.as_deref(),
            draft.response_timeout_seconds,
            self.facts,
            &self.allowed,
        )
    }

    /// The importer's checks: `name` and `url` required (E4000), `name` and `code` unique
    /// (E5003).
    fn check_properties(&self, draft: &RouteDraft, uid: &str) -> Vec<Value> {
        let mut errors = Vec::new();
        let label = draft.name.clone().unwrap_or_default();
        for (property, value) in [("name", &draft.name), ("url", &draft.url)] {
            if value.as_deref().is_none_or(str::is_empty) {
                errors.push(self.report(
                    "E4000",
                    format!("Missing required property `{property}`."),
                    uid,
                    property,
                    vec![property.into()],
                ));
            }
        }
        for (property, value) in [("name", &draft.name), ("code", &draft.code)] {
            let Some(value) = value.as_deref().filter(|v| !v.is_empty()) else {
                continue;
            };
            let taken = self.routes.iter().find(|route| {
                route.uid != uid
                    && match property {
                        "name" => route.name == value,
                        _ => route.code.as_deref() == Some(value),
                    }
            });
            if let Some(other) = taken {
                let message = format!(
                    "Property `{property}` with value `{value}` on object {label} [{uid}] (Route) \
                     already exists on object {} [{}] (Route).",
                    other.name, other.uid
                );
                errors.push(self.report(
                    "E5003",
                    message,
                    uid,
                    property,
                    vec![property.into(), value.into()],
                ));
            }
        }
        errors
    }

    fn report(
        &self,
        code: &str,
        message: String,
        uid: &str,
        property: &str,
        args: Vec<String>,
    ) -> Value {
        let mut report = error_report(code, message, uid, property, args);
        // `args` joined the error reports in 2.41.
        if !self.facts.has_error_args() {
            if let Value::Object(map) = &mut report {
                map.remove("args");
            }
        }
        report
    }
}
