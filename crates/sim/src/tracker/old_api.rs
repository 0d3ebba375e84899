//! The old tracker API (2.30–2.41): `/api/events`, `/api/trackedEntityInstances`,
//! `/api/enrollments` — ImportSummaries in a WebMessage, `strategy` (not `importStrategy`),
//! `pager` envelopes and the old property names.

use super::access::Importer;
use super::bundle::{apply, Action, Bundle, ObjectResult, Strategy};
use super::convert::{to_new, to_old, Kind};
use super::filter::{ids, org_unit_scope, Criteria};
use super::new_export::{enrollment_view, tracked_entity_view, tracked_entity_views};
use super::new_import::parse_json_body;
use super::paging::Paging;
use super::validate::OldFinding;
use super::TrackerStore;
use crate::data_values::summary::web_message;
use crate::metadata::MetadataStore;
use crate::{RequestContext, SimResponse, SimVersion};
use serde_json::{json, Map, Value};

/// (endpoint, payload key, store type index, old kind).
const ENDPOINTS: [(&str, usize, Kind); 4] = [
    ("trackedEntityInstances", 0, Kind::TrackedEntity),
    ("enrollments", 1, Kind::Enrollment),
    ("events", 2, Kind::Event),
    ("relationships", 3, Kind::Relationship),
];

pub fn handle(
    store: &mut TrackerStore,
    ctx: &RequestContext,
    metadata: &MetadataStore,
) -> Option<SimResponse> {
    let first = ctx.segments.first()?;
    let first = first.strip_suffix(".json").unwrap_or(first);
    let &(endpoint, type_index, kind) = ENDPOINTS.iter().find(|(name, _, _)| *name == first)?;
    match (ctx.method, ctx.segments.get(1)) {
        ("POST", None) => Some(post(store, ctx, metadata, endpoint, type_index, kind)),
        ("GET", None) => Some(list(store, ctx, metadata, endpoint, type_index)),
        ("GET", Some(uid)) => {
            let uid = uid.strip_suffix(".json").unwrap_or(uid);
            Some(match store.collection(type_index).get(uid) {
                Some(object) => {
                    SimResponse::json(200, &old_view(store, metadata, object, type_index, true))
                }
                None => {
                    let name = [
                        "TrackedEntityInstance",
                        "Enrollment",
                        "Event",
                        "Relationship",
                    ][type_index];
                    web_message(
                        ctx.version,
                        404,
                        &format!("{name} not found for ID {uid}"),
                        None,
                    )
                }
            })
        }
        _ => None,
    }
}

fn old_view(
    store: &TrackerStore,
    metadata: &MetadataStore,
    object: &Value,
    type_index: usize,
    nested: bool,
) -> Value {
    let (new, kind) = match type_index {
        0 => (
            tracked_entity_view(store, object, nested),
            Kind::TrackedEntity,
        ),
        1 => (enrollment_view(store, object, nested), Kind::Enrollment),
        3 => (object.clone(), Kind::Relationship),
        _ => (object.clone(), Kind::Event),
    };
    old_form(metadata, new, kind, type_index)
}

/// A store-form view in the old API's names (with the old API's extra fields).
fn old_form(metadata: &MetadataStore, new: Value, kind: Kind, type_index: usize) -> Value {
    let mut old = to_old(&new, kind);
    // The old API names an owner's org unit `ownerOrgUnit`.
    if let Some(Value::Array(owners)) = old.get_mut("programOwners") {
        for owner in owners.iter_mut().filter_map(Value::as_object_mut) {
            if let Some(unit) = owner.remove("orgUnit") {
                owner.insert("ownerOrgUnit".into(), unit);
            }
            if let Some(te) = owner.remove("trackedEntity") {
                owner.insert("trackedEntityInstance".into(), te);
            }
        }
    }
    if type_index == 2 {
        let unit = old.get("orgUnit").and_then(Value::as_str).unwrap_or("");
        if let Some(name) = metadata
            .get("organisationUnits", unit)
            .and_then(|u| u.get("name"))
            .cloned()
        {
            old["orgUnitName"] = name;
        }
        for (key, default) in [("deleted", json!(false)), ("notes", json!([]))] {
            if old.get(key).is_none() {
                old[key] = default;
            }
        }
    }
    old
}

fn list(
    store: &TrackerStore,
    ctx: &RequestContext,
    metadata: &MetadataStore,
    endpoint: &str,
    type_index: usize,
) -> SimResponse {
    let unit_keys: &[&str] = if type_index == 2 {
        &["orgUnit"]
    } else {
        &["ou", "orgUnit"]
    };
    if type_index == 0 {
        let listed = !ids(ctx, &["trackedEntityInstance"]).is_empty();
        let mode = ctx.query.get("ouMode").unwrap_or("").to_ascii_uppercase();
        if ids(ctx, unit_keys).is_empty()
            && !listed
            && !matches!(mode.as_str(), "ACCESSIBLE" | "ALL" | "CAPTURE")
        {
            return web_message(
                ctx.version,
                409,
                "At least one organisation unit must be specified",
                None,
            );
        }
        if ctx.query.get("program").is_none()
            && ctx.query.get("trackedEntityType").is_none()
            && !listed
        {
            return web_message(
                ctx.version,
                409,
                "Either Program or Tracked entity type should be specified",
                None,
            );
        }
    }
    let mut criteria = Criteria::new(org_unit_scope(ctx, metadata, unit_keys));
    criteria.window(
        ctx,
        "updatedAt",
        &["lastUpdatedStartDate"],
        &["lastUpdatedEndDate"],
    );
    match type_index {
        2 => {
            criteria.equal(ctx, "program", &["program"]);
            criteria.equal(ctx, "programStage", &["programStage"]);
            criteria.equal(ctx, "status", &["status"]);
            criteria.equal(ctx, "trackedEntity", &["trackedEntityInstance"]);
            criteria.equal(ctx, "event", &["event"]);
            criteria.window(ctx, "occurredAt", &["startDate"], &["endDate"]);
        }
        1 => {
            criteria.equal(ctx, "program", &["program"]);
            criteria.equal(ctx, "status", &["programStatus"]);
            criteria.equal(ctx, "trackedEntity", &["trackedEntityInstance"]);
        }
        3 => {
            // `GET /api/relationships?tei=…` (or `event=`, `enrollment=`): those of one object.
            let about = ids(
                ctx,
                &["tei", "trackedEntityInstance", "event", "enrollment"],
            );
            let items: Vec<Value> = store
                .relationships
                .values()
                .filter(|r| about.iter().any(|id| r.to_string().contains(id.as_str())))
                .map(|r| to_old(r, Kind::Relationship))
                .collect();
            return SimResponse::json(200, &Value::Array(items));
        }
        _ => {
            criteria.equal(ctx, "trackedEntityType", &["trackedEntityType"]);
            criteria.equal(ctx, "trackedEntity", &["trackedEntityInstance"]);
        }
    }
    let program = ctx.query.get("program");
    let nested = ctx
        .query
        .get("fields")
        .is_some_and(|f| f.contains('*') || f.contains("enrollments") || f.contains("events"));
    // Tracked entities match a program, and its enrollment dates (`programStartDate`,
    // `programEndDate`), through their enrollments (one pass over them).
    let mut enrollment_criteria = Criteria::new(None);
    enrollment_criteria.window(
        ctx,
        "enrolledAt",
        &["programStartDate"],
        &["programEndDate"],
    );
    let enrolled: std::collections::HashSet<&str> = match (type_index, program) {
        (0, Some(program)) => store
            .enrollments
            .values()
            .filter(|e| e.get("program").and_then(Value::as_str) == Some(program))
            .filter(|e| enrollment_criteria.matches(e))
            .filter_map(|e| e.get("trackedEntity").and_then(Value::as_str))
            .collect(),
        _ => Default::default(),
    };
    let matching: Vec<&Value> = store
        .collection(type_index)
        .values()
        .filter(|object| criteria.matches(object))
        .filter(|object| {
            type_index != 0
                || program.is_none()
                || object
                    .get("trackedEntity")
                    .and_then(Value::as_str)
                    .is_some_and(|uid| enrolled.contains(uid))
        })
        .collect();
    let paging = Paging::read(ctx);
    let (page, total) = paging.slice(matching);
    let items: Vec<Value> = if type_index == 0 && nested {
        // One pass over enrollments and events for the whole page.
        tracked_entity_views(store, &page, true)
            .into_iter()
            .map(|view| old_form(metadata, view, Kind::TrackedEntity, 0))
            .collect()
    } else {
        page.into_iter()
            .map(|o| old_view(store, metadata, o, type_index, nested))
            .collect()
    };
    let mut body = Map::new();
    // Events always carry a pager when paged; tracked entities only with totalPages=true.
    if paging.paged && (type_index != 0 || paging.total_pages) {
        body.insert("pager".into(), paging.old_pager(total));
    }
    body.insert(endpoint.into(), Value::Array(items));
    SimResponse::json(200, &Value::Object(body))
}

fn import_options(strategy_name: &str, dry_run: bool) -> Value {
    json!({
        "idSchemes": {}, "dryRun": dry_run, "async": false, "importStrategy": strategy_name,
        "mergeMode": "REPLACE", "reportMode": "FULL", "skipExistingCheck": false, "sharing": false,
        "skipNotifications": false, "skipAudit": false, "datasetAllowsPeriods": false,
        "strictPeriods": false, "strictDataElements": false, "strictCategoryOptionCombos": false,
        "strictAttributeOptionCombos": false, "strictOrganisationUnits": false,
        "requireCategoryOptionCombo": false, "requireAttributeOptionCombo": false,
        "skipPatternValidation": false, "ignoreEmptyCollection": false, "force": false,
        "firstRowIsHeader": true, "skipLastUpdated": false, "mergeDataValues": false, "skipCache": false
    })
}

struct SummaryContext<'a> {
    version: SimVersion,
    base_url: &'a str,
    options: Value,
    results: &'a [ObjectResult],
}

fn count_key(action: Action) -> &'static str {
    match action {
        Action::Created => "imported",
        Action::Updated => "updated",
        Action::Deleted => "deleted",
        Action::Ignored => "ignored",
    }
}

impl SummaryContext<'_> {
    fn summary(&self, result: &ObjectResult) -> Value {
        let failed = result.action == Action::Ignored;
        let mut count = json!({ "imported": 0, "updated": 0, "ignored": 0, "deleted": 0 });
        count[count_key(result.action)] = json!(1);
        let mut summary = Map::new();
        summary.insert("responseType".into(), json!("ImportSummary"));
        summary.insert(
            "status".into(),
            json!(if failed { "ERROR" } else { "SUCCESS" }),
        );
        let description = result.errors.iter().find_map(|e| match &e.old {
            OldFinding::Description(text) => Some(text.clone()),
            OldFinding::Conflict(..) => None,
        });
        if let Some(description) = description {
            summary.insert("description".into(), json!(description));
        }
        if !failed {
            summary.insert("importOptions".into(), self.options.clone());
        }
        summary.insert("importCount".into(), count);
        let conflicts: Vec<Value> = result
            .errors
            .iter()
            .filter_map(|e| match &e.old {
                OldFinding::Conflict(object, value) => {
                    Some(json!({ "object": object, "value": value }))
                }
                OldFinding::Description(_) => None,
            })
            .collect();
        if self.version.minor >= 35 || !conflicts.is_empty() {
            summary.insert("conflicts".into(), json!(conflicts));
        }
        summary.insert("reference".into(), json!(result.uid));
        let endpoint = [
            "trackedEntityInstances",
            "enrollments",
            "events",
            "relationships",
        ][result.type_index];
        if !failed {
            summary.insert(
                "href".into(),
                json!(format!("{}/api/{endpoint}/{}", self.base_url, result.uid)),
            );
        }
        let child_type = result.type_index + 1;
        if result.type_index < 2 {
            let key = if child_type == 1 {
                "enrollments"
            } else {
                "events"
            };
            let children: Vec<&ObjectResult> = self
                .results
                .iter()
                .filter(|r| {
                    r.type_index == child_type && r.parent.as_deref() == Some(result.uid.as_str())
                })
                .collect();
            summary.insert(key.into(), self.summaries(&children, false));
        }
        Value::Object(summary)
    }

    fn summaries(&self, results: &[&ObjectResult], top: bool) -> Value {
        let list: Vec<Value> = results.iter().map(|r| self.summary(r)).collect();
        let status = if results.iter().any(|r| r.action == Action::Ignored) {
            "ERROR"
        } else {
            "SUCCESS"
        };
        let mut body = Map::new();
        body.insert("responseType".into(), json!("ImportSummaries"));
        body.insert("status".into(), json!(status));
        for action in [
            Action::Created,
            Action::Updated,
            Action::Deleted,
            Action::Ignored,
        ] {
            body.insert(
                count_key(action).into(),
                json!(results.iter().filter(|r| r.action == action).count()),
            );
        }
        if top {
            body.insert("importOptions".into(), self.options.clone());
        }
        if self.version.minor >= 35 || !list.is_empty() {
            body.insert("importSummaries".into(), Value::Array(list));
        }
        if top {
            body.insert("total".into(), json!(results.len()));
        }
        Value::Object(body)
    }
}

fn post(
    store: &mut TrackerStore,
    ctx: &RequestContext,
    metadata: &MetadataStore,
    endpoint: &str,
    type_index: usize,
    kind: Kind,
) -> SimResponse {
    let payload = match parse_json_body(ctx) {
        Ok(payload) => payload,
        Err(response) => return response,
    };
    // A single object or `{"<endpoint>": [...]}`.
    let objects: Vec<Value> = match payload.get(endpoint).and_then(Value::as_array) {
        Some(list) => list.clone(),
        None => vec![payload.clone()],
    };
    let plural = ["trackedEntities", "enrollments", "events", "relationships"][type_index];
    let converted: Vec<Value> = objects.iter().map(|o| to_new(o, kind)).collect();
    let new_payload = json!({ plural: converted });
    // The old API takes `strategy`; `importStrategy` is ignored (§3.2).
    let strategy_name = ctx
        .query
        .get("strategy")
        .unwrap_or("CREATE_AND_UPDATE")
        .to_ascii_uppercase();
    let strategy = Strategy::parse(Some(&strategy_name));
    let dry_run = ctx.query.flag("dryRun");
    let bundle = Bundle::flatten(&new_payload, store);
    let importer = Importer {
        user: ctx.user,
        version: ctx.version,
        old_api: true,
    };
    let results = apply(store, metadata, importer, bundle, strategy, false, !dry_run);
    let summaries = SummaryContext {
        version: ctx.version,
        base_url: ctx.base_url,
        options: import_options(&strategy_name, dry_run),
        results: &results,
    };
    let top: Vec<&ObjectResult> = results
        .iter()
        .filter(|r| r.type_index == type_index)
        .collect();
    let response = summaries.summaries(&top, true);
    let failed = response["status"] == "ERROR";
    let (code, reason, status, message) = if failed {
        (
            409,
            "Conflict",
            "ERROR",
            "An error occurred, please check import summary.",
        )
    } else {
        (200, "OK", "OK", "Import was successful.")
    };
    let body = json!({ "httpStatus": reason, "httpStatusCode": code, "status": status, "message": message, "response": response });
    let answer = SimResponse::json(code, &body);
    match (top.as_slice(), failed) {
        ([single], false) => answer.with_header(
            "Location",
            &format!("{}/api/{endpoint}/{}", ctx.base_url, single.uid),
        ),
        _ => answer,
    }
}
