//! Program ownership (`TrackerOwnershipController`, every simulated version):
//! `PUT /api/tracker/ownership/transfer` moves the owner of a tracked entity in a program to
//! another org unit, `POST /api/tracker/ownership/override` ("break the glass") grants the user
//! temporary ownership for `TEMPORARY_OWNERSHIP_VALIDITY_IN_HOURS` (3).
//!
//! Parameters by version: `trackedEntityInstance` up to 2.40; 2.41 takes `trackedEntity` too
//! (either, not both: `RequestParamsValidator.validateMandatoryDeprecatedUidParameter`);
//! 2.42 takes `trackedEntity` only, and `orgUnit` beside the deprecated `ou`.
//!
//! What the ownership manager decides, by version:
//! * up to 2.41 (`DefaultTrackerOwnershipManager` in dhis-service-core): a transfer by a user
//!   without access to the current owner is refused with `AccessDeniedException` (403
//!   WebMessage, no `errorCode`); an unknown entity, program or org unit is silently ignored
//!   ("Ownership transferred"); temporary ownership is recorded for protected programs only and
//!   answered "Temporary Ownership granted" whatever happened (superusers, event programs,
//!   open/audited/closed programs: nothing recorded);
//! * 2.42 (dhis-service-tracker's manager): `ForbiddenException`s (403, `E1006`) with a reason
//!   each — the program must be assigned to the new org unit, temporary ownership only for
//!   protected tracker programs, not for superusers, the owner in the user's search scope, data
//!   read on program and type; an entity the user cannot see is a 404 (`E1005`).

use super::TrackerStore;
use crate::data_values::checks::access::{grants, in_hierarchy};
use crate::data_values::dates::now_millis;
use crate::data_values::meta::uid_of;
use crate::data_values::summary::coded_web_message;
use crate::metadata::MetadataStore;
use crate::{Account, RequestContext, SimResponse};
use serde_json::Value;

/// `TEMPORARY_OWNERSHIP_VALIDITY_IN_HOURS`.
const TEMPORARY_HOURS: i64 = 3;

/// A temporary owner (`ProgramTempOwner`): who, of what, until when (epoch millis).
#[derive(Debug, Clone)]
pub struct TempOwner {
    pub entity: String,
    pub program: String,
    pub user: String,
    pub valid_until: i64,
}

impl TrackerStore {
    /// The org unit an ownership transfer made owner of `entity` in `program`, if any.
    pub fn transferred_owner(&self, entity: &str, program: &str) -> Option<&str> {
        self.owners
            .get(&(entity.to_string(), program.to_string()))
            .map(String::as_str)
    }

    /// Whether `user` holds valid temporary ownership of `entity` in `program`.
    pub fn has_temporary_ownership(&self, entity: &str, program: &str, user: &str) -> bool {
        let now = now_millis();
        self.temp_owners.iter().any(|t| {
            t.entity == entity && t.program == program && t.user == user && t.valid_until > now
        })
    }
}

fn text<'v>(object: &'v Value, key: &str) -> Option<&'v str> {
    object
        .get(key)
        .and_then(Value::as_str)
        .filter(|t| !t.is_empty())
}

/// The program's access level (`OPEN` when unset, as DHIS2 defaults it).
pub fn access_level(program: &Value) -> &str {
    text(program, "accessLevel").unwrap_or("OPEN")
}

/// `unit` and its ancestors, nearest first.
pub fn ancestors(metadata: &MetadataStore, unit: &str) -> Vec<String> {
    let mut chain = vec![unit.to_string()];
    while let Some(parent) = chain
        .last()
        .and_then(|last| metadata.get("organisationUnits", last))
        .and_then(|stored| stored.get("parent"))
        .and_then(uid_of)
    {
        if chain.contains(&parent) {
            break;
        }
        chain.push(parent);
    }
    chain
}

/// The current owner of `entity` in `program`: the transferred one, else the org unit of its
/// enrollment in the program, else (`getOwner`'s fallback) the entity's own org unit.
fn current_owner(store: &TrackerStore, entity: &Value, program: &str) -> Option<String> {
    let uid = text(entity, "trackedEntity")?;
    store
        .transferred_owner(uid, program)
        .map(str::to_string)
        .or_else(|| {
            store
                .enrollments
                .values()
                .find(|e| {
                    text(e, "trackedEntity") == Some(uid) && text(e, "program") == Some(program)
                })
                .and_then(|e| text(e, "orgUnit"))
                .map(str::to_string)
        })
        .or_else(|| text(entity, "orgUnit").map(str::to_string))
}

/// `TrackerOwnershipManager.hasAccess(user, entity, program)`.
fn has_access(
    store: &TrackerStore,
    metadata: &MetadataStore,
    user: &Account,
    entity: &Value,
    program: &Value,
) -> bool {
    if user.is_superuser() || text(program, "programType") != Some("WITH_REGISTRATION") {
        return true;
    }
    let program_id = text(program, "id").unwrap_or("");
    let Some(owner) = current_owner(store, entity, program_id) else {
        return true;
    };
    in_hierarchy(user, &ancestors(metadata, &owner))
        || access_level(program) == "PROTECTED"
            && store.has_temporary_ownership(
                text(entity, "trackedEntity").unwrap_or(""),
                program_id,
                &user.id,
            )
}

/// Whether a `TrackedEntityProgramOwner` exists: made by an enrollment in the program or an
/// earlier transfer.
fn has_owner_record(store: &TrackerStore, entity: &str, program: &str) -> bool {
    store.transferred_owner(entity, program).is_some()
        || store.enrollments.values().any(|e| {
            text(e, "trackedEntity") == Some(entity) && text(e, "program") == Some(program)
        })
}

fn ok(message: &str) -> SimResponse {
    coded_web_message(200, message, None)
}

/// The entity parameter of this version, or the 400 DHIS2 answers.
fn entity_param(ctx: &RequestContext) -> Result<String, SimResponse> {
    let old = ctx
        .query
        .get("trackedEntityInstance")
        .filter(|v| !v.is_empty());
    let new = ctx.query.get("trackedEntity").filter(|v| !v.is_empty());
    let minor = ctx.version.minor;
    let chosen = match minor {
        ..=40 => old.ok_or("trackedEntityInstance"),
        41 => match (old, new) {
            (Some(_), Some(_)) => {
                return Err(coded_web_message(
                    400,
                    "Only one parameter of 'trackedEntityInstance' and 'trackedEntity' must be specified. Prefer 'trackedEntity' as 'trackedEntityInstance' will be removed.",
                    Some("E1003"),
                ))
            }
            (old, new) => new.or(old).ok_or("trackedEntity"),
        },
        _ => new.ok_or("trackedEntity"),
    };
    chosen
        .map(str::to_string)
        .map_err(|name| missing(ctx, name))
}

/// A missing mandatory parameter: Spring's own refusal up to 2.40 and on 2.42 (its wording
/// of the day), `validateMandatoryDeprecatedUidParameter`'s on 2.41.
fn missing(ctx: &RequestContext, name: &str) -> SimResponse {
    match ctx.version.minor {
        ..=40 => coded_web_message(
            400,
            &format!("Required String parameter '{name}' is not present"),
            None,
        ),
        41 => coded_web_message(
            400,
            &format!("Required request parameter '{name}' is not present"),
            Some("E1003"),
        ),
        _ => coded_web_message(
            400,
            &format!("Required parameter '{name}' is not present."),
            None,
        ),
    }
}

fn forbidden(ctx: &RequestContext, message: &str) -> SimResponse {
    let code = (ctx.version.minor >= 42).then_some("E1006");
    coded_web_message(403, message, code)
}

/// Answers `/api/tracker/ownership/{transfer,override}`; `None` for other paths.
pub fn handle(
    store: &mut TrackerStore,
    ctx: &RequestContext,
    metadata: &MetadataStore,
) -> Option<SimResponse> {
    if ctx.segments.len() != 3 || ctx.segments.get(1).map(String::as_str) != Some("ownership") {
        return None;
    }
    match (ctx.method, ctx.segments[2].as_str()) {
        ("PUT", "transfer") => Some(transfer(store, ctx, metadata)),
        ("POST", "override") => Some(grant(store, ctx, metadata)),
        _ => None,
    }
}

fn transfer(
    store: &mut TrackerStore,
    ctx: &RequestContext,
    metadata: &MetadataStore,
) -> SimResponse {
    let entity_id = match entity_param(ctx) {
        Ok(id) => id,
        Err(response) => return response,
    };
    let Some(program_id) = ctx.query.get("program").filter(|p| !p.is_empty()) else {
        return missing(ctx, "program");
    };
    let unit = if ctx.version.minor >= 42 {
        match (ctx.query.get("ou"), ctx.query.get("orgUnit")) {
            (Some(_), Some(_)) => {
                return coded_web_message(
                    400,
                    "Only one parameter of 'ou' and 'orgUnit' must be specified. Prefer 'orgUnit' as 'ou' will be removed.",
                    Some("E1003"),
                )
            }
            (None, None) => return missing(ctx, "orgUnit"),
            (ou, org_unit) => org_unit.or(ou).unwrap_or_default().to_string(),
        }
    } else {
        match ctx.query.get("ou").filter(|u| !u.is_empty()) {
            Some(unit) => unit.to_string(),
            None => return missing(ctx, "ou"),
        }
    };
    let program = metadata.get("programs", program_id);
    let entity = store.tracked_entities.get(&entity_id);
    let unit_known = metadata.get("organisationUnits", &unit).is_some();
    if ctx.version.minor >= 42 {
        let Some(program) = program else {
            return coded_web_message(
                404,
                &format!("Program with id {program_id} could not be found."),
                Some("E1005"),
            );
        };
        // The export service finds only entities the user may see in the program.
        let visible = entity.is_some_and(|e| has_access(store, metadata, ctx.user, e, program));
        if !visible {
            return coded_web_message(
                404,
                &format!("TrackedEntity with id {entity_id} could not be found."),
                Some("E1005"),
            );
        }
        if !unit_known {
            return ok("Ownership transferred");
        }
        let assigned = program
            .get("organisationUnits")
            .and_then(Value::as_array)
            .is_some_and(|units| units.iter().filter_map(uid_of).any(|u| u == unit));
        if !assigned {
            return forbidden(
                ctx,
                &format!("The program {program_id} is not associated to the org unit {unit}"),
            );
        }
        if has_owner_record(store, &entity_id, program_id) {
            store
                .owners
                .insert((entity_id, program_id.to_string()), unit);
        }
        return ok("Ownership transferred");
    }
    let (Some(program), Some(entity)) = (program, entity) else {
        return ok("Ownership transferred");
    };
    if !unit_known {
        return ok("Ownership transferred");
    }
    if !has_access(store, metadata, ctx.user, entity, program) {
        return forbidden(
            ctx,
            "User does not have access to change ownership for the entity-program combination",
        );
    }
    // Only an existing owner record moves (`createIfNotExists` is false).
    if has_owner_record(store, &entity_id, program_id) {
        store
            .owners
            .insert((entity_id, program_id.to_string()), unit);
    }
    ok("Ownership transferred")
}

fn grant(store: &mut TrackerStore, ctx: &RequestContext, metadata: &MetadataStore) -> SimResponse {
    let entity_id = match entity_param(ctx) {
        Ok(id) => id,
        Err(response) => return response,
    };
    if ctx.query.get("reason").is_none() {
        return missing(ctx, "reason");
    }
    let Some(program_id) = ctx.query.get("program").filter(|p| !p.is_empty()) else {
        return missing(ctx, "program");
    };
    let program = metadata.get("programs", program_id);
    let entity = store.tracked_entities.get(&entity_id);
    let user = ctx.user;
    let record = |store: &mut TrackerStore| {
        store.temp_owners.push(TempOwner {
            entity: entity_id.clone(),
            program: program_id.to_string(),
            user: user.id.clone(),
            valid_until: now_millis() + TEMPORARY_HOURS * 3_600_000,
        });
    };
    if ctx.version.minor <= 41 {
        let skip = user.is_superuser()
            || program.is_none_or(|p| text(p, "programType") != Some("WITH_REGISTRATION"));
        if !skip && entity.is_some() && program.is_some_and(|p| access_level(p) == "PROTECTED") {
            record(store);
        }
        return ok("Temporary Ownership granted");
    }
    let refuse =
        |reason: String| forbidden(ctx, &format!("Temporary ownership not created. {reason}"));
    let Some(program) = program else {
        return refuse("Program supplied does not exist.".into());
    };
    let Some(entity) = entity else {
        return refuse("Tracked entity supplied does not exist.".into());
    };
    if user.is_superuser() {
        return refuse("Current user is a superuser.".into());
    }
    if text(program, "programType") != Some("WITH_REGISTRATION") {
        return refuse("Program supplied is not a tracker program.".into());
    }
    let level = access_level(program);
    if level != "PROTECTED" {
        return refuse(format!("Temporary ownership can only be granted to protected programs. {program_id} access level is {level}."));
    }
    let owner = current_owner(store, entity, program_id).unwrap_or_default();
    if !in_hierarchy(user, &ancestors(metadata, &owner)) {
        return refuse(
            "The owner of the entity-program combination is not in the user's search scope.".into(),
        );
    }
    if !grants(program, user, 2) {
        return refuse(format!(
            "User has no data read access to program: {program_id}"
        ));
    }
    let type_id = text(entity, "trackedEntityType").unwrap_or("");
    if metadata
        .get("trackedEntityTypes", type_id)
        .is_some_and(|t| !grants(t, user, 2))
    {
        return refuse(format!(
            "User has no data read access to tracked entity type: {type_id}"
        ));
    }
    let program_type = program.get("trackedEntityType").and_then(uid_of);
    if program_type.as_deref().is_some_and(|p| p != type_id) {
        return refuse(format!("The tracked entity type of the program {} differs from that of the tracked entity {type_id}.", program_type.unwrap_or_default()));
    }
    record(store);
    ok("Temporary Ownership granted")
}
