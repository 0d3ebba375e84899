//! `GET /api/metadata` (§1.1) and the dependency export `GET /api/{type}/{id}/metadata` (§1.2).

use super::defaults::is_default_object;
use super::filter::{Filter, Order};
use super::list::{default_order, query_objects, select_fields};
use super::schema::Schema;
use super::store::Viewer;
use super::{message, MetadataStore};
use crate::{clock, RequestContext, SimResponse};
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, HashSet};

const SHARING_KEYS: &[&str] = &[
    "user",
    "publicAccess",
    "userGroupAccesses",
    "userAccesses",
    "externalAccess",
    "sharing",
];

fn system_block(store: &MetadataStore) -> Value {
    // 2.41 writes the date with its zone (`DateUtils.toIso8601`), older versions without.
    let mut date = clock::now_iso();
    if store.version.at_least(41, 0) {
        date.push('Z');
    }
    json!({ "id": store.system_id, "rev": "0000000", "version": store.version.system_info_string(),
            "date": date })
}

/// `download=true` asks for an attachment.
fn with_download(response: SimResponse, ctx: &RequestContext) -> SimResponse {
    if ctx.query.flag("download") {
        response.with_header("Content-Disposition", "attachment; filename=metadata.json")
    } else {
        response
    }
}

fn strip_sharing(objects: &mut [Value]) {
    for object in objects {
        if let Value::Object(map) = object {
            SHARING_KEYS.iter().for_each(|key| {
                map.remove(*key);
            });
        }
    }
}

pub fn export_response(store: &MetadataStore, ctx: &RequestContext) -> SimResponse {
    let version = store.version;
    let query = &ctx.query;
    let include_defaults = match query
        .get("defaults")
        .map(str::to_ascii_uppercase)
        .as_deref()
    {
        None | Some("INCLUDE") => true,
        Some("EXCLUDE") => false,
        Some(other) => {
            return message::conflict(
                version,
                &format!("No enum constant org.hisp.dhis.common.Defaults.{other}"),
            )
        }
    };
    let exportable: Vec<&Schema> = store
        .catalog
        .all()
        .iter()
        .filter(|schema| schema.metadata && schema.identifiable)
        .collect();
    let selected: Vec<&Schema> = exportable
        .iter()
        .copied()
        .filter(|schema| {
            query.flag(&schema.plural)
                || query.0.iter().any(|(key, _)| {
                    key.split_once(':')
                        .is_some_and(|(plural, _)| plural == schema.plural)
                })
        })
        .collect();
    let types: Vec<&Schema> = if selected.is_empty() {
        exportable
            .into_iter()
            .filter(|schema| !schema.embedded)
            .collect()
    } else {
        selected
    };
    let viewer = Viewer {
        user: ctx.user,
        base_url: ctx.base_url,
    };
    let any = query
        .get("rootJunction")
        .is_some_and(|j| j.eq_ignore_ascii_case("OR"));
    let mut out = Map::new();
    out.insert("system".into(), system_block(store));
    let mut sections = BTreeMap::new();
    for schema in types {
        let plural = &schema.plural;
        let per_type = |suffix: &str| query.all(&format!("{plural}:{suffix}"));
        let filter_texts = {
            let own = per_type("filter");
            if own.is_empty() {
                query.all("filter")
            } else {
                own
            }
        };
        let filters: Vec<Filter> = filter_texts.into_iter().filter_map(Filter::parse).collect();
        let orders = per_type("order")
            .first()
            .copied()
            .or(query.get("order"))
            .map(Order::parse_list)
            .unwrap_or_else(|| default_order(schema));
        let fields_text = per_type("fields")
            .first()
            .copied()
            .or(query.get("fields"))
            .unwrap_or(":owner")
            .to_string();
        let objects: Vec<Value> = query_objects(store, viewer, schema, &filters, any, &orders)
            .into_iter()
            .filter(|object| include_defaults || !is_default_object(plural, object))
            .collect();
        if objects.is_empty() {
            continue;
        }
        let mut objects = select_fields(store, viewer, schema, &objects, &fields_text);
        if query.flag("skipSharing") {
            strip_sharing(&mut objects);
        }
        sections.insert(plural.clone(), Value::Array(objects));
    }
    out.extend(sections);
    with_download(SimResponse::json(200, &Value::Object(out)), ctx)
}

/// Types with a `/{uid}/metadata` endpoint in this version.
fn has_dependency_export(store: &MetadataStore, plural: &str) -> bool {
    let mut types = vec![
        "dataSets",
        "programs",
        "categoryCombos",
        "dashboards",
        "dataElementGroups",
    ];
    if store.version.at_least(32, 0) {
        types.push("optionSets");
    }
    types.contains(&plural)
}

/// References the dependency export does not follow (owners, org units, users, sharing).
const NOT_FOLLOWED: &[&str] = &[
    "user",
    "createdBy",
    "lastUpdatedBy",
    "organisationUnits",
    "dataViewOrganisationUnits",
    "teiSearchOrganisationUnits",
    "parent",
    "users",
    "userGroups",
    "notificationRecipients",
];

pub fn dependency_response(
    store: &MetadataStore,
    ctx: &RequestContext,
    schema: &Schema,
    id: &str,
) -> SimResponse {
    let version = store.version;
    if !has_dependency_export(store, &schema.plural) {
        return super::list::property_missing(store, schema, "metadata");
    }
    let Some(root) = store.get(&schema.plural, id) else {
        return message::not_found(
            version,
            &format!("{} not found for uid: {id}", schema.short_klass()),
        );
    };
    let mut collected: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    let mut seen: HashSet<(String, String)> = HashSet::new();
    collect(store, schema, root, &mut collected, &mut seen);
    let viewer = Viewer {
        user: ctx.user,
        base_url: ctx.base_url,
    };
    let mut out = Map::new();
    out.insert("system".into(), system_block(store));
    for (plural, objects) in collected {
        let Some(type_schema) = store.catalog.by_plural(&plural) else {
            continue;
        };
        let rendered: Vec<Value> = objects
            .iter()
            .filter(|object| store.can_read(type_schema, object, ctx.user))
            .map(|object| store.render(type_schema, object, viewer))
            .collect();
        let mut selected = select_fields(store, viewer, type_schema, &rendered, ":owner");
        if ctx.query.flag("skipSharing") {
            strip_sharing(&mut selected);
        }
        out.insert(plural, Value::Array(selected));
    }
    with_download(SimResponse::json(200, &Value::Object(out)), ctx)
}

fn collect(
    store: &MetadataStore,
    schema: &Schema,
    object: &Value,
    collected: &mut BTreeMap<String, Vec<Value>>,
    seen: &mut HashSet<(String, String)>,
) {
    let id = object
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    if !seen.insert((schema.plural.clone(), id.clone())) {
        return;
    }
    collected
        .entry(schema.plural.clone())
        .or_default()
        .push(object.clone());
    follow_references(store, schema, object, collected, seen);
    // Objects that point at this one and travel with it.
    let inverse: &[(&str, &str)] = match schema.singular.as_str() {
        "dataSet" => &[("sections", "dataSet")],
        "program" => &[
            ("programIndicators", "program"),
            ("programRules", "program"),
            ("programRuleVariables", "program"),
        ],
        "categoryCombo" => &[("categoryOptionCombos", "categoryCombo")],
        _ => &[],
    };
    for (plural, back_reference) in inverse {
        let Some(related_schema) = store.catalog.by_plural(plural) else {
            continue;
        };
        let related: Vec<Value> = store
            .list(plural)
            .into_iter()
            .filter(|r| {
                r.pointer(&format!("/{back_reference}/id"))
                    .and_then(Value::as_str)
                    == Some(&id)
            })
            .cloned()
            .collect();
        for item in related {
            collect(store, related_schema, &item, collected, seen);
        }
    }
}

fn follow_references(
    store: &MetadataStore,
    schema: &Schema,
    object: &Value,
    collected: &mut BTreeMap<String, Vec<Value>>,
    seen: &mut HashSet<(String, String)>,
) {
    for property in schema.properties.iter().filter(|p| p.owner) {
        if NOT_FOLLOWED.contains(&property.name.as_str()) {
            continue;
        }
        let Some(value) = object.get(&property.name) else {
            continue;
        };
        let Some(target) = property
            .reference_klass()
            .and_then(|k| store.catalog.by_klass(k))
        else {
            continue;
        };
        let items: Vec<&Value> = match value {
            Value::Array(items) => items.iter().collect(),
            other => vec![other],
        };
        for item in items {
            if property.embedded_object {
                follow_references(store, target, item, collected, seen);
            } else if property.identifiable_reference {
                let referenced = item
                    .get("id")
                    .and_then(Value::as_str)
                    .and_then(|id| store.get(&target.plural, id));
                if let Some(referenced) = referenced {
                    collect(store, target, referenced, collected, seen);
                }
            }
        }
    }
}
