//! Per-object checks that depend on the store and the user (strategy, write access), the
//! commit of one object and its object report.

use super::validate::{self, Candidate, Checker};
use super::ImportOptions;
use crate::metadata::schema::Schema;
use crate::metadata::MetadataStore;
use crate::Account;
use serde_json::{json, Map, Value};

/// Non-superusers need metadata write access to change or delete an existing object
/// (E3001/E3002).
pub fn check_write_access(
    checker: &Checker,
    user: &Account,
    schema: &Schema,
    candidate: &mut Candidate,
    strategy: &str,
) {
    if !candidate.exists || !schema.shareable || user.is_superuser() {
        return;
    }
    let stored = checker.store.get(&schema.plural, candidate.id());
    let access = crate::metadata::sharing_model::effective_access(
        stored.and_then(|s| s.get("sharing")),
        user,
    );
    if access.as_bytes().get(1) == Some(&b'w') {
        return;
    }
    let (code, verb) = if strategy == "DELETE" {
        ("E3002", "delete")
    } else {
        ("E3001", "update")
    };
    let id = candidate.id().to_string();
    let shown = validate::display(candidate.name(), &id, schema.short_klass());
    let report = validate::error_report(
        checker.version,
        validate::ErrorSpec {
            code,
            message: format!(
                "User `{}` is not allowed to {verb} object `{shown}`.",
                user.username
            ),
            main_klass: &schema.klass,
            main_id: &id,
            error_klass: &schema.klass,
            error_property: None,
            args: vec![user.username.clone(), shown.clone()],
        },
    );
    candidate.errors.push(report);
}

pub fn check_strategy(
    checker: &Checker,
    schema: &Schema,
    candidate: &mut Candidate,
    strategy: &str,
) {
    let old_wording = !checker.version.at_least(40, 0);
    let (code, message) = match (strategy, candidate.exists) {
        ("CREATE", true) if old_wording => (
            "E5000",
            "Found matching object for given reference, but import mode is CREATE.",
        ),
        ("CREATE", true) => (
            "E5000",
            "Found matching object for reference, but import mode is CREATE.",
        ),
        ("UPDATE" | "DELETE", false) if old_wording => {
            ("E5001", "No matching object for given reference.")
        }
        ("UPDATE" | "DELETE", false) => ("E5001", "No matching object for reference."),
        _ => return,
    };
    let id = candidate.id().to_string();
    let shown = validate::display(candidate.name(), &id, schema.short_klass());
    let report = validate::error_report(
        checker.version,
        validate::ErrorSpec {
            code,
            message: format!("{message} Identifier was {id}, and object was {shown}."),
            main_klass: &schema.klass,
            main_id: &id,
            error_klass: &schema.klass,
            error_property: Some("id"),
            args: vec![id.clone(), shown.clone()],
        },
    );
    candidate.errors.push(report);
}

pub fn commit_one(
    store: &mut MetadataStore,
    user: &Account,
    schema: &Schema,
    candidate: &Candidate,
    strategy: &str,
    options: &ImportOptions,
) {
    let id = candidate.id().to_string();
    if strategy == "DELETE" {
        store.delete_object(schema, &id, user);
        return;
    }
    let mut object: Map<String, Value> = candidate.object.clone();
    if let Some(Value::Object(existing)) = store.get(&schema.plural, &id).cloned() {
        if options.merge_mode == "MERGE" {
            let mut merged = existing.clone();
            for (key, value) in object {
                if !value.is_null() {
                    merged.insert(key, value);
                }
            }
            object = merged;
        }
        if options.skip_sharing {
            for key in [
                "sharing",
                "publicAccess",
                "userGroupAccesses",
                "userAccesses",
                "externalAccess",
            ] {
                object.remove(key);
            }
            if let Some(sharing) = existing.get("sharing") {
                object.insert("sharing".into(), sharing.clone());
            }
        }
    }
    // The schema exists and the object has an id, so this cannot fail.
    let _ = store.insert_object(&schema.plural, Value::Object(object), Some(user));
}

pub fn object_report(schema: &Schema, candidate: &Candidate, options: &ImportOptions) -> Value {
    let mut out = Map::new();
    out.insert("klass".into(), json!(schema.klass));
    out.insert("index".into(), json!(candidate.index));
    out.insert("uid".into(), json!(candidate.id()));
    if options.import_report_mode == "DEBUG" {
        if let Some(name) = candidate.name() {
            out.insert("displayName".into(), json!(name));
        }
    }
    out.insert(
        "errorReports".into(),
        Value::Array(candidate.errors.clone()),
    );
    Value::Object(out)
}
