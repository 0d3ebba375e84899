//! `GET /api/{plural}` (list with fields, filters, order and pager), `GET /api/{plural}/{id}`,
//! and single-object `POST`/`PUT`/`DELETE`.

use super::fields::{self, FieldFilter};
use super::filter::{Filter, Matcher, Order};
use super::schema::Schema;
use super::store::Viewer;
use super::{export, import, inverse, message, org_units, MetadataStore};
use crate::{RequestContext, SimResponse};
use serde_json::{json, Map, Value};

pub fn handle(
    store: &mut MetadataStore,
    ctx: &RequestContext,
    method: &str,
    plural: &str,
    rest: &[&str],
) -> Option<SimResponse> {
    let schema = store.catalog.by_plural(plural)?.clone();
    match (method, rest) {
        ("GET", []) => Some(list_response(store, ctx, &schema)),
        ("GET", [id]) => Some(one_response(store, ctx, &schema, id)),
        ("GET", [id, "metadata"]) => Some(export::dependency_response(store, ctx, &schema, id)),
        ("GET", [id, property]) => Some(property_response(store, ctx, &schema, id, property)),
        ("POST", []) => Some(import::single_object_response(store, ctx, &schema, None)),
        ("PUT", [id]) => Some(import::single_object_response(
            store,
            ctx,
            &schema,
            Some(id),
        )),
        ("DELETE", [id]) => Some(import::delete_object_response(store, ctx, &schema, id)),
        _ => None,
    }
}

/// Renders objects and applies `fields` to them, following references into the store.
pub fn select_fields(
    store: &MetadataStore,
    viewer: Viewer,
    schema: &Schema,
    objects: &[Value],
    fields_text: &str,
) -> Vec<Value> {
    let resolve = |target: &Schema, id: &str| {
        store.get(&target.plural, id).map(|object| {
            let mut rendered = store.render(target, object, viewer);
            // Trees are walked with nested `children[…]`: keep them available one level down.
            if let Some(children) = target.property("children").filter(|p| !p.owner) {
                store.add_inverse(target, &mut rendered, &[children]);
            }
            rendered
        })
    };
    let filter = FieldFilter {
        catalog: &store.catalog,
        resolve: &resolve,
    };
    let fields = fields::parse(fields_text);
    let inverse = inverse::requested(schema, fields_text);
    objects
        .iter()
        .map(|object| {
            if inverse.is_empty() {
                filter.apply(&fields, object, Some(schema))
            } else {
                let mut object = object.clone();
                store.add_inverse(schema, &mut object, &inverse);
                filter.apply(&fields, &object, Some(schema))
            }
        })
        .collect()
}

/// Rendered, readable objects of `schema` that pass `filters`, in `orders` order.
pub fn query_objects(
    store: &MetadataStore,
    viewer: Viewer,
    schema: &Schema,
    filters: &[Filter],
    any: bool,
    orders: &[Order],
) -> Vec<Value> {
    let resolve = |target: &Schema, id: &str| {
        store
            .get(&target.plural, id)
            .map(|object| store.render(target, object, viewer))
    };
    let matcher = Matcher {
        catalog: &store.catalog,
        resolve: &resolve,
    };
    // Filters may walk inverse collections (`dataSetElements.dataSet.id:eq:…` on data elements).
    let inverse: Vec<_> = schema
        .properties
        .iter()
        .filter(|p| p.persisted && !p.owner && p.is_collection())
        .filter(|p| filters.iter().any(|f| f.path.first() == Some(&p.name)))
        .collect();
    let mut objects: Vec<Value> = store
        .list(&schema.plural)
        .into_iter()
        .filter(|object| store.can_read(schema, object, viewer.user))
        .map(|object| {
            let mut rendered = store.render(schema, object, viewer);
            if !inverse.is_empty() {
                store.add_inverse(schema, &mut rendered, &inverse);
            }
            rendered
        })
        .filter(|object| matcher.matches(filters, object, schema, any))
        .collect();
    objects.sort_by(|a, b| Order::compare(orders, a, b));
    objects
}

/// Without filters only the requested page needs rendering: sorts the stored objects (by
/// `name` for `displayName`) and renders the window.
fn page_of_stored(
    store: &MetadataStore,
    viewer: Viewer,
    schema: &Schema,
    orders: &[Order],
    window: Option<(usize, usize)>,
) -> (usize, Vec<Value>) {
    let stored_orders: Vec<Order> = orders
        .iter()
        .map(|order| {
            let property = match order.property.as_str() {
                "displayName" => "name",
                "displayShortName" => "shortName",
                "displayDescription" => "description",
                other => other,
            };
            Order {
                property: property.to_string(),
                ..order.clone()
            }
        })
        .collect();
    let mut readable: Vec<&Value> = store
        .list(&schema.plural)
        .into_iter()
        .filter(|object| store.can_read(schema, object, viewer.user))
        .collect();
    readable.sort_by(|a, b| Order::compare(&stored_orders, a, b));
    let total = readable.len();
    let (skip, take) = window.unwrap_or((0, usize::MAX));
    let page = readable
        .into_iter()
        .skip(skip)
        .take(take)
        .map(|object| store.render(schema, object, viewer))
        .collect();
    (total, page)
}

pub fn default_order(schema: &Schema) -> Vec<Order> {
    let first = if schema.property("name").is_some_and(|p| p.persisted) {
        "name"
    } else {
        "created"
    };
    Order::parse_list(&format!("{first}:asc,id:asc"))
}

fn list_response(store: &MetadataStore, ctx: &RequestContext, schema: &Schema) -> SimResponse {
    let viewer = Viewer {
        user: ctx.user,
        base_url: ctx.base_url,
    };
    let filters: Vec<Filter> = ctx
        .query
        .all("filter")
        .into_iter()
        .filter_map(Filter::parse)
        .collect();
    let any = ctx
        .query
        .get("rootJunction")
        .is_some_and(|junction| junction.eq_ignore_ascii_case("OR"));
    let orders = match ctx.query.get("order") {
        Some(order) => Order::parse_list(order),
        None => default_order(schema),
    };
    let paging = !(ctx
        .query
        .get("paging")
        .is_some_and(|p| p.eq_ignore_ascii_case("false"))
        || ctx.query.flag("skipPaging"));
    let fields_text = ctx.query.all("fields").join(",");
    let fields_text = if fields_text.is_empty() {
        "id,displayName"
    } else {
        &fields_text
    };
    let page_size = number_param(ctx, "pageSize", 50);
    let page = number_param(ctx, "page", 1);
    let window = paging.then_some(((page - 1).saturating_mul(page_size), page_size));
    let (total, page_objects) = if filters.is_empty()
        && schema.singular != "user"
        && schema.plural != "organisationUnits"
    {
        page_of_stored(store, viewer, schema, &orders, window)
    } else {
        let mut objects = query_objects(store, viewer, schema, &filters, any, &orders);
        if schema.plural == "organisationUnits" {
            org_units::list_parameters(ctx, &mut objects);
        }
        let total = objects.len();
        let (skip, take) = window.unwrap_or((0, usize::MAX));
        (total, objects.into_iter().skip(skip).take(take).collect())
    };
    let mut out = Map::new();
    if paging {
        let page_count = total.div_ceil(page_size).max(1);
        out.insert(
            "pager".into(),
            pager(ctx, schema, page, page_count, total, page_size),
        );
    }
    let selected = select_fields(store, viewer, schema, &page_objects, fields_text);
    out.insert(schema.plural.clone(), Value::Array(selected));
    SimResponse::json(200, &Value::Object(out))
}

fn number_param(ctx: &RequestContext, name: &str, default: usize) -> usize {
    ctx.query
        .get(name)
        .and_then(|value| value.parse::<usize>().ok())
        .filter(|value| *value > 0)
        .unwrap_or(default)
}

/// DHIS2's pager; `nextPage`/`prevPage` repeat the request's other parameters.
fn pager(
    ctx: &RequestContext,
    schema: &Schema,
    page: usize,
    page_count: usize,
    total: usize,
    page_size: usize,
) -> Value {
    let link = |target: usize| {
        let mut params: Vec<String> = ctx
            .query
            .0
            .iter()
            .filter(|(key, _)| key != "page")
            .map(|(key, value)| format!("{key}={}", encode(value)))
            .collect();
        params.insert(0, format!("page={target}"));
        let version = ctx.api_version.map(|v| format!("/{v}")).unwrap_or_default();
        format!(
            "{}/api{version}/{}?{}",
            ctx.base_url,
            schema.plural,
            params.join("&")
        )
    };
    let mut out = Map::new();
    out.insert("page".into(), json!(page));
    out.insert("pageCount".into(), json!(page_count));
    out.insert("total".into(), json!(total));
    out.insert("pageSize".into(), json!(page_size));
    if page < page_count {
        out.insert("nextPage".into(), json!(link(page + 1)));
    }
    if page > 1 {
        out.insert("prevPage".into(), json!(link(page - 1)));
    }
    Value::Object(out)
}

fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b':' | b',' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn one_response(
    store: &MetadataStore,
    ctx: &RequestContext,
    schema: &Schema,
    id: &str,
) -> SimResponse {
    let Some(object) = store.get(&schema.plural, id) else {
        return message::object_not_found(store.version, schema.short_klass(), id);
    };
    if schema.plural == "organisationUnits" {
        if let Some(response) = org_units::family(store, ctx, schema, object) {
            return response;
        }
    }
    if !store.can_read(schema, object, ctx.user) {
        return message::respond(
            403,
            "You don't have the proper permissions to read objects of this type.",
            Some("E3012"),
            store.version,
        );
    }
    object_response(store, ctx, schema, object)
}

/// One stored object as `GET /api/{plural}/{id}` answers it: rendered for the requesting user,
/// reduced to the requested `fields` (default `*`).
pub(super) fn object_response(
    store: &MetadataStore,
    ctx: &RequestContext,
    schema: &Schema,
    object: &Value,
) -> SimResponse {
    let viewer = Viewer {
        user: ctx.user,
        base_url: ctx.base_url,
    };
    let rendered = store.render(schema, object, viewer);
    let fields_text = ctx.query.all("fields").join(",");
    let fields_text = if fields_text.is_empty() {
        "*"
    } else {
        &fields_text
    };
    let selected = select_fields(store, viewer, schema, &[rendered], fields_text);
    SimResponse::json(200, selected.first().unwrap_or(&Value::Null))
}

/// `GET /api/{plural}/{id}/{property}`: the object reduced to one property, whose items get
/// the requested `fields` (default `:all`).
fn property_response(
    store: &MetadataStore,
    ctx: &RequestContext,
    schema: &Schema,
    id: &str,
    property: &str,
) -> SimResponse {
    if schema.property(property).is_none() {
        return property_missing(store, schema, property);
    }
    let Some(object) = store.get(&schema.plural, id) else {
        return message::object_not_found(store.version, schema.short_klass(), id);
    };
    if !store.can_read(schema, object, ctx.user) {
        return message::object_not_found(store.version, schema.short_klass(), id);
    }
    let viewer = Viewer {
        user: ctx.user,
        base_url: ctx.base_url,
    };
    let rendered = store.render(schema, object, viewer);
    let inner = ctx.query.all("fields").join(",");
    let inner = if inner.is_empty() { ":all" } else { &inner };
    let selected = select_fields(
        store,
        viewer,
        schema,
        &[rendered],
        &format!("{property}[{inner}]"),
    );
    SimResponse::json(200, selected.first().unwrap_or(&Value::Null))
}

/// 404 for a property (or sub-resource) the type does not have.
pub fn property_missing(store: &MetadataStore, schema: &Schema, property: &str) -> SimResponse {
    message::not_found(
        store.version,
        &format!(
            "Property `{property}` does not exist on {}",
            schema.short_klass()
        ),
    )
}
