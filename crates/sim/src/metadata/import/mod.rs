//! `POST /api/metadata`: identifies objects, validates them, commits them in schema order
//! and reports like DHIS2 of the simulated version.

mod attributes;
mod checks;
mod options;
mod properties;
mod report;
mod security;
mod single;
mod validate;

pub use options::ImportOptions;
pub use properties::unreadable;
pub use report::import_response;
pub use single::{delete_object_response, single_object_response};

use super::schema::Schema;
use super::MetadataStore;
use crate::{uid, Account};
use serde_json::{json, Value};
use std::collections::HashMap;
use validate::{Candidate, Checker, PayloadIndex};

/// What an import did: the raw `ImportReport` without `importParams`.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportOutcome {
    /// `OK`, `WARNING` or `ERROR`.
    pub status: String,
    pub stats: Stats,
    /// `(class, stats, objectReports)` per type, in import order.
    pub type_reports: Vec<(String, Stats, Vec<Value>)>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    pub created: u64,
    pub updated: u64,
    pub deleted: u64,
    pub ignored: u64,
}

impl Stats {
    pub fn total(&self) -> u64 {
        self.created + self.updated + self.deleted + self.ignored
    }

    pub fn add(&mut self, other: &Stats) {
        self.created += other.created;
        self.updated += other.updated;
        self.deleted += other.deleted;
        self.ignored += other.ignored;
    }

    pub fn to_json(self) -> Value {
        json!({ "created": self.created, "updated": self.updated, "deleted": self.deleted,
                "ignored": self.ignored, "total": self.total() })
    }
}

impl ImportOutcome {
    /// True when the report carries no error.
    pub fn is_ok(&self) -> bool {
        self.status == "OK"
    }

    /// Every error report of every object, flattened.
    pub fn error_reports(&self) -> Vec<&Value> {
        self.type_reports
            .iter()
            .flat_map(|(_, _, objects)| objects)
            .flat_map(|object| {
                object
                    .get("errorReports")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
            })
            .collect()
    }
}

/// Imports `payload` into `store` as `user`.
pub fn run(
    store: &mut MetadataStore,
    user: &Account,
    payload: &Value,
    options: &ImportOptions,
) -> ImportOutcome {
    let catalog = store.catalog.clone();
    let strategy = options.strategy().to_string();
    let by_code = options.identifier == "CODE" || options.identifier == "AUTO";
    let mut types: Vec<&Schema> = catalog
        .all()
        .iter()
        .filter(|s| {
            s.identifiable && s.metadata && payload.get(&s.plural).is_some_and(Value::is_array)
        })
        .collect();
    types.sort_by_key(|schema| schema.order);

    let mut candidates: Vec<Candidate> = Vec::new();
    for schema in &types {
        let items = payload
            .get(&schema.plural)
            .and_then(Value::as_array)
            .into_iter()
            .flatten();
        for (index, item) in items.enumerate() {
            let Value::Object(object) = item else {
                continue;
            };
            let mut object = object.clone();
            store.fold_user_credentials(schema, &mut object);
            let existing_by_code = object
                .get("code")
                .and_then(Value::as_str)
                .filter(|_| by_code)
                .and_then(|code| store.find_by_code(&schema.plural, code))
                .and_then(|found| found.get("id").and_then(Value::as_str))
                .map(str::to_string);
            let has_id = object
                .get("id")
                .and_then(Value::as_str)
                .is_some_and(|id| !id.is_empty());
            let id_known = has_id
                && object
                    .get("id")
                    .and_then(Value::as_str)
                    .is_some_and(|id| store.get(&schema.plural, id).is_some());
            match existing_by_code {
                Some(found) if options.identifier == "CODE" || !id_known => {
                    object.insert("id".into(), json!(found));
                }
                _ if !has_id => {
                    object.insert("id".into(), json!(uid::generate_uid()));
                }
                _ => {}
            }
            let id = object.get("id").and_then(Value::as_str).unwrap_or_default();
            let exists = store.get(&schema.plural, id).is_some();
            candidates.push(Candidate {
                plural: schema.plural.clone(),
                index,
                object,
                exists,
                errors: Vec::new(),
            });
        }
    }

    let mut index = PayloadIndex::default();
    let mut payload_unique = HashMap::new();
    let mut store_unique = HashMap::new();
    for candidate in &candidates {
        let Some(schema) = catalog.by_plural(&candidate.plural) else {
            continue;
        };
        index
            .ids
            .entry(schema.klass.clone())
            .or_default()
            .insert(candidate.id().to_string());
        if let Some(code) = candidate.object.get("code").and_then(Value::as_str) {
            index.codes.insert(
                (schema.klass.clone(), code.to_string()),
                candidate.id().to_string(),
            );
        }
        for property in validate::unique_properties(schema) {
            if let Some(value) = validate::unique_value(&candidate.object, &property.name) {
                payload_unique
                    .entry((schema.plural.clone(), property.name.clone(), value))
                    .or_insert_with(|| candidate.id().to_string());
            }
        }
    }
    for schema in &types {
        for stored in store.list(&schema.plural) {
            let Some(stored) = stored.as_object() else {
                continue;
            };
            let id = stored
                .get("id")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            let name = stored
                .get("name")
                .and_then(Value::as_str)
                .map(str::to_string);
            for property in validate::unique_properties(schema) {
                if let Some(value) = validate::unique_value(stored, &property.name) {
                    store_unique
                        .entry((schema.plural.clone(), property.name.clone(), value))
                        .or_insert_with(|| (id.clone(), name.clone()));
                }
            }
        }
    }

    let attribute_classes = attributes::AttributeIndex::new(
        store,
        candidates
            .iter()
            .filter(|c| c.plural == "attributes")
            .map(|c| &c.object),
    );
    let checker = Checker {
        store,
        catalog: &catalog,
        index: &index,
        version: store.version,
        payload_unique,
        store_unique,
    };
    let mut legacy_usernames: HashMap<String, String> = HashMap::new();
    for candidate in candidates.iter().filter(|c| c.plural == "users") {
        let username = candidate
            .object
            .get("userCredentials")
            .and_then(|credentials| credentials.get("username"))
            .and_then(Value::as_str);
        if let Some(username) = username {
            legacy_usernames
                .entry(username.to_string())
                .or_insert_with(|| candidate.id().to_string());
        }
    }
    let leaving_ids: Vec<String> = if strategy == "DELETE" {
        candidates.iter().map(|c| c.id().to_string()).collect()
    } else {
        Vec::new()
    };
    let leaving: Vec<&str> = leaving_ids.iter().map(String::as_str).collect();
    for candidate in &mut candidates {
        let Some(schema) = catalog.by_plural(&candidate.plural) else {
            continue;
        };
        // DHIS2's order: SecurityCheck, Creation/UpdateCheck, SchemaCheck, uniqueness,
        // references, then (2.39+) MetadataAttributeCheck. A refused strategy ends the checks
        // of the object; a security refusal does not.
        security::check(
            &checker,
            user,
            schema,
            candidate,
            &strategy,
            options.skip_sharing,
        );
        let before = candidate.errors.len();
        checks::check_strategy(&checker, schema, candidate, &strategy);
        if strategy == "DELETE" && candidate.errors.is_empty() {
            checks::check_deletion(&checker, schema, candidate, &leaving);
        }
        if strategy == "DELETE" || candidate.errors.len() > before {
            continue;
        }
        validate::apply_defaults(schema, &mut candidate.object);
        // `skipValidation` is a superuser's privilege; DHIS2 validates everyone else anyway.
        let validating = !options.skip_validation || !user.is_superuser();
        if validating {
            checker.required(schema, candidate);
            properties::check(&checker, schema, candidate);
            checker.unique(schema, candidate);
            checks::check_legacy_username(&checker, schema, candidate, &legacy_usernames);
        }
        checker.references(schema, candidate, by_code);
        if validating {
            attributes::check(&checker, &attribute_classes, schema, candidate);
        }
    }

    let has_errors = candidates.iter().any(|c| !c.errors.is_empty());
    let commit = !(options.validate_only() || (has_errors && options.atomic_all()));
    let mut per_type: Vec<(String, Stats, Vec<Value>)> = types
        .iter()
        .map(|schema| (schema.klass.clone(), Stats::default(), Vec::new()))
        .collect();
    for candidate in candidates {
        let Some(schema) = catalog.by_plural(&candidate.plural) else {
            continue;
        };
        let Some(slot) = per_type
            .iter_mut()
            .find(|(klass, _, _)| *klass == schema.klass)
        else {
            continue;
        };
        let valid = candidate.errors.is_empty();
        if !valid {
            slot.1.ignored += 1;
        } else if commit {
            checks::commit_one(store, user, schema, &candidate, &strategy, options);
            match (strategy.as_str(), candidate.exists) {
                ("DELETE", _) => slot.1.deleted += 1,
                (_, true) => slot.1.updated += 1,
                _ => slot.1.created += 1,
            }
        }
        if !valid || options.import_report_mode != "ERRORS" {
            slot.2
                .push(checks::object_report(schema, &candidate, options));
        }
    }
    let mut stats = Stats::default();
    per_type
        .iter()
        .for_each(|(_, type_stats, _)| stats.add(type_stats));
    let status = match (has_errors, commit) {
        (false, _) => "OK",
        (true, false) => "ERROR",
        (true, true) => "WARNING",
    };
    ImportOutcome {
        status: status.to_string(),
        stats,
        type_reports: per_type,
    }
}
