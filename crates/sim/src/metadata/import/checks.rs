//! Per-object checks that depend on the store (strategy, deletions, legacy usernames), the
//! commit of one object and its object report.

use super::validate::{self, Candidate, Checker};
use super::ImportOptions;
use crate::metadata::schema::Schema;
use crate::metadata::MetadataStore;
use crate::Account;
use serde_json::{json, Map, Value};
use std::collections::HashMap;

/// A deletion DHIS2 refuses: another object holds a required reference to this one (E4030).
pub fn check_deletion(
    checker: &Checker,
    schema: &Schema,
    candidate: &mut Candidate,
    leaving: &[&str],
) {
    let Some(holder) = checker
        .store
        .deletion_blocker(schema, candidate.id(), leaving)
    else {
        return;
    };
    let id = candidate.id().to_string();
    let report = validate::error_report(
        checker.version,
        validate::ErrorSpec {
            code: "E4030",
            message: format!("Object could not be deleted because it is associated with another object: {holder}"),
            main_klass: &schema.klass,
            main_id: &id,
            error_klass: &schema.klass,
            error_property: None,
            args: vec![holder.clone()],
        },
    );
    candidate.errors.push(report);
}

/// Before 2.38 usernames live in `userCredentials`, whose uniqueness DHIS2 checks too (E5003).
pub fn check_legacy_username(
    checker: &Checker,
    schema: &Schema,
    candidate: &mut Candidate,
    first_holder: &HashMap<String, String>,
) {
    if schema.singular != "user" || checker.version.at_least(38, 0) {
        return;
    }
    let Some(username) = candidate
        .object
        .get("userCredentials")
        .and_then(|c| c.get("username"))
        .and_then(Value::as_str)
        .map(str::to_string)
    else {
        return;
    };
    let id = candidate.id().to_string();
    let in_payload = first_holder
        .get(&username)
        .filter(|holder| **holder != id)
        .cloned();
    let in_store = || {
        checker.store.list("users").into_iter().find_map(|user| {
            let other = user.get("id").and_then(Value::as_str)?;
            let same = user
                .pointer("/userCredentials/username")
                .and_then(Value::as_str)
                == Some(&username);
            (same && other != id).then(|| other.to_string())
        })
    };
    let Some(other) = in_payload.or_else(in_store) else {
        return;
    };
    let args = vec![
        "username".to_string(),
        username.clone(),
        validate::display(None, &id, "UserCredentials"),
        validate::display(None, &other, "UserCredentials"),
    ];
    let report = validate::error_report(
        checker.version,
        validate::ErrorSpec {
            code: "E5003",
            message: format!(
                "Property `username` with value `{username}` on object {} already exists on object {}.",
                args[2], args[3]
            ),
            main_klass: &schema.klass,
            main_id: &id,
            error_klass: "org.hisp.dhis.user.UserCredentials",
            error_property: Some("username"),
            args,
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
        if options.skip_translation {
            match existing.get("translations") {
                Some(translations) => object.insert("translations".into(), translations.clone()),
                None => object.remove("translations"),
            };
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
