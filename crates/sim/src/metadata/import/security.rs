//! `SecurityCheck`: may this user create, update or delete objects of this type? A superuser
//! may; others need the type's authorities (`*SchemaDescriptor`) and, for existing shareable
//! objects, write sharing (`DefaultAclService.canCreate / canUpdate / canDelete`). Refusals are
//! E3000 / E3001 / E3002 in the version's words.

use super::validate::{self, Candidate, Checker};
use crate::data_values::checks::access::grants;
use crate::metadata::schema::authorities::{for_type, TypeAuthorities};
use crate::metadata::schema::Schema;
use crate::{Account, SimVersion};
use serde_json::Value;

/// `PreheatIdentifier.UID.getIdentifiersWithName(user)`: `John Traore [M5zQapPyTZI] (User)`.
pub fn user_label(user: &Account) -> String {
    format!("{} [{}] (User)", user.display_name(), user.id)
}

fn can_access(user: &Account, any_of: &[&str]) -> bool {
    user.is_superuser() || any_of.is_empty() || any_of.iter().any(|a| user.has_authority(a))
}

fn can_make_public(user: &Account, schema: &Schema, rights: &TypeAuthorities) -> bool {
    schema.shareable && can_access(user, &rights.create_public)
}

fn can_make_private(user: &Account, schema: &Schema, rights: &TypeAuthorities) -> bool {
    schema.shareable && can_access(user, &rights.create_private)
}

/// `canCreate`: public or private creation for shareable types, `CREATE` for the others.
pub fn can_create(user: &Account, schema: &Schema, version: SimVersion) -> bool {
    let rights = for_type(&schema.singular, version);
    if !schema.shareable {
        return can_access(user, &rights.create);
    }
    can_make_public(user, schema, &rights) || can_make_private(user, schema, &rights)
}

/// `checkSharingAccess`: a public object needs the public authority, a private one either.
fn sharing_access(
    user: &Account,
    schema: &Schema,
    rights: &TypeAuthorities,
    object: &Value,
) -> bool {
    let public = object
        .pointer("/sharing/public")
        .or_else(|| object.get("publicAccess"))
        .and_then(Value::as_str)
        .unwrap_or("rw------");
    if public == "--------" {
        can_make_public(user, schema, rights) || can_make_private(user, schema, rights)
    } else {
        can_make_public(user, schema, rights)
    }
}

/// Owner or metadata write sharing.
fn writes(user: &Account, object: &Value) -> bool {
    grants(object, user, 1)
}

fn any_create(rights: &TypeAuthorities) -> Vec<&'static str> {
    rights
        .create
        .iter()
        .chain(&rights.create_private)
        .chain(&rights.create_public)
        .copied()
        .collect()
}

/// `canUpdate` of a stored object.
pub fn can_update(user: &Account, schema: &Schema, stored: &Value, version: SimVersion) -> bool {
    if user.is_superuser() {
        return true;
    }
    let rights = for_type(&schema.singular, version);
    let any_of = if rights.update.is_empty() {
        any_create(&rights)
    } else {
        rights.update.clone()
    };
    if !can_access(user, &any_of) {
        return false;
    }
    !schema.shareable || (sharing_access(user, schema, &rights, stored) && writes(user, stored))
}

/// `canDelete` of a stored object.
pub fn can_delete(user: &Account, schema: &Schema, stored: &Value, version: SimVersion) -> bool {
    if user.is_superuser() {
        return true;
    }
    let rights = for_type(&schema.singular, version);
    let any_of = if rights.delete.is_empty() {
        any_create(&rights)
    } else {
        rights.delete.clone()
    };
    if !can_access(user, &any_of) {
        return false;
    }
    !schema.shareable || (sharing_access(user, schema, &rights, stored) && writes(user, stored))
}

/// `verifySharing`: the sharing the payload gives a created or updated object must be one the
/// user may give — public access needs the public authority (E3008), private the public or
/// private one (E3009). A payload without sharing counts as public.
fn verify_sharing(checker: &Checker, user: &Account, schema: &Schema, candidate: &mut Candidate) {
    if user.is_superuser() || !schema.shareable {
        return;
    }
    let rights = for_type(&schema.singular, checker.version);
    let public = candidate
        .object
        .get("sharing")
        .and_then(|s| s.get("public"))
        .or_else(|| candidate.object.get("publicAccess"))
        .and_then(Value::as_str);
    let (may, code, what) = if public == Some("--------") {
        let may = can_make_public(user, schema, &rights) || can_make_private(user, schema, &rights);
        (may, "E3009", "private")
    } else {
        (can_make_public(user, schema, &rights), "E3008", "public")
    };
    if may {
        return;
    }
    // DHIS2 formats the `Class` argument itself: `class org.hisp.dhis.…`.
    let message = format!(
        "User `{}` is not allowed to make {what} objects of type `class {}`",
        user.username, schema.klass
    );
    let report = validate::error_report(
        checker.version,
        validate::ErrorSpec {
            code,
            message: validate::dotted(checker.version, message),
            main_klass: &schema.klass,
            main_id: "",
            error_klass: "",
            error_property: None,
            args: vec![user.username.clone(), schema.klass.clone()],
        },
    );
    candidate.errors.push(report);
}

/// E3000 (create), E3001 (update), E3002 (delete), then (unless `skipSharing`) the sharing the
/// payload gives (E3008 / E3009).
pub fn check(
    checker: &Checker,
    user: &Account,
    schema: &Schema,
    candidate: &mut Candidate,
    strategy: &str,
    skip_sharing: bool,
) {
    let version = checker.version;
    let stored = checker.store.get(&schema.plural, candidate.id());
    let (allowed, code, text) = match (strategy, stored) {
        ("DELETE", Some(stored)) => (
            can_delete(user, schema, stored, version),
            "E3002",
            "is not allowed to delete object",
        ),
        (_, Some(stored)) if strategy != "DELETE" => (
            can_update(user, schema, stored, version),
            "E3001",
            "is not allowed to update object",
        ),
        (_, None) if strategy != "DELETE" => (
            can_create(user, schema, version),
            "E3000",
            "is not allowed to create objects of type",
        ),
        _ => return,
    };
    if allowed {
        if code != "E3002" && !skip_sharing {
            verify_sharing(checker, user, schema, candidate);
        }
        return;
    }
    let id = candidate.id().to_string();
    let object = validate::display(candidate.name(), &id, schema.short_klass());
    let who = user_label(user);
    // E3000 names the type without backticks, E3001/E3002 the object with them.
    let message = if code == "E3000" {
        format!("User `{who}` {text} {object}")
    } else {
        format!("User `{who}` {text} `{object}`")
    };
    let report = validate::error_report(
        version,
        validate::ErrorSpec {
            code,
            message: validate::dotted(version, message),
            main_klass: &schema.klass,
            main_id: "",
            error_klass: "",
            error_property: None,
            args: vec![who, object],
        },
    );
    candidate.errors.push(report);
}
