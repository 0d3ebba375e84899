//! Who may write which tracker data: org unit capture (and search) scope, data sharing of
//! programs, program stages, tracked entity types and category options, and program ownership.
//!
//! Two families, as DHIS2 has them:
//! * the new importer (`/api/tracker`, 2.36+): the `SecurityOwnershipValidator`s of tracked
//!   entities, enrollments and events, one `E1xxx` error per failed check. The org unit scope
//!   checks apply to superusers too (`OrganisationUnitService.isInUserHierarchy` knows no
//!   superuser); sharing and ownership do not (`AclService` and `TrackerOwnershipManager`
//!   let superusers through);
//! * the old importers (`/api/events`, `/api/trackedEntityInstances`, `/api/enrollments`,
//!   2.30–2.41): `DefaultTrackerAccessManager.canWrite/canCreate/canUpdate/canDelete`, which
//!   return plain texts (nothing at all for superusers) that the importer joins into the
//!   summary's `description` as a Java list (`[a, b]`).

use super::validate::{object_arg, OldFinding, TrackerError};
use super::TrackerStore;
use crate::data_values::checks::access::{grants, in_hierarchy};
use crate::data_values::meta::uid_of;
use crate::metadata::MetadataStore;
use crate::{Account, SimVersion};
use serde_json::Value;
use std::collections::HashMap;

/// `TrackerOwnershipManager.OWNERSHIP_ACCESS_DENIED`, the old API's ownership refusal.
const OWNERSHIP_ACCESS_DENIED: &str = "OWNERSHIP_ACCESS_DENIED";

/// The importing user and the API they import through.
#[derive(Debug, Clone, Copy)]
pub struct Importer<'a> {
    pub user: &'a Account,
    pub version: SimVersion,
    /// The old API (`/api/events` …) rather than `/api/tracker`.
    pub old_api: bool,
}

/// What the import does with one object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Intent {
    Create,
    Update,
    Delete,
}

/// The objects an access check may need besides the one checked: what is stored and what the
/// payload brings (tracked entities and enrollments by UID).
pub struct Scope<'a> {
    pub metadata: &'a MetadataStore,
    pub store: &'a TrackerStore,
    pub payload_entities: HashMap<&'a str, &'a Value>,
    pub payload_enrollments: HashMap<&'a str, &'a Value>,
}

fn text<'v>(object: &'v Value, key: &str) -> Option<&'v str> {
    object
        .get(key)
        .and_then(Value::as_str)
        .filter(|t| !t.is_empty())
}

impl Scope<'_> {
    /// `unit` and its ancestors, nearest first.
    fn ancestors(&self, unit: &str) -> Vec<String> {
        let mut chain = vec![unit.to_string()];
        while let Some(parent) = chain
            .last()
            .and_then(|last| self.metadata.get("organisationUnits", last))
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

    /// `isInUserHierarchy`: the unit is one of the user's capture org units or below. The
    /// simulated accounts have no separate search org units, and DHIS2 falls back to the
    /// capture ones then, so the search scope is the same.
    fn in_scope(&self, user: &Account, unit: &str) -> bool {
        in_hierarchy(user, &self.ancestors(unit))
    }

    /// A tracked entity of the payload, else a stored one.
    pub fn entity_of(&self, uid: &str) -> Option<&Value> {
        self.entity(uid)
    }

    fn entity(&self, uid: &str) -> Option<&Value> {
        self.payload_entities
            .get(uid)
            .copied()
            .or_else(|| self.store.tracked_entities.get(uid))
    }

    fn enrollment(&self, uid: &str) -> Option<&Value> {
        self.payload_enrollments
            .get(uid)
            .copied()
            .or_else(|| self.store.enrollments.get(uid))
    }

    /// The org unit that owns `entity` in `program`: the one an ownership transfer set, else
    /// the one of its first stored enrollment in the program (DHIS2 makes the enrolling org
    /// unit the owner). Objects of the same payload are not owners yet (the preheat reads
    /// stored owners only).
    fn owner(&self, entity: &str, program: &str) -> Option<&str> {
        if let Some(owner) = self.store.transferred_owner(entity, program) {
            return Some(owner);
        }
        self.store
            .enrollments
            .values()
            .find(|e| {
                text(e, "trackedEntity") == Some(entity) && text(e, "program") == Some(program)
            })
            .and_then(|e| text(e, "orgUnit"))
    }

    /// `TrackerOwnershipManager.hasAccess`: superusers and programs without registration
    /// always; else the owner org unit must be in the user's scope (search scope for open
    /// and audited programs, capture scope for protected and closed ones; both are the
    /// capture org units here), or, for a protected program, the user holds temporary
    /// ownership (`/api/tracker/ownership/override`; closed programs never grant it).
    fn owns(&self, user: &Account, owner: &str, entity: &str, program: &Value) -> bool {
        user.is_superuser()
            || self.in_scope(user, owner)
            || super::ownership::access_level(program) == "PROTECTED"
                && self.store.has_temporary_ownership(
                    entity,
                    text(program, "id").unwrap_or(""),
                    &user.id,
                )
    }
}

fn data_read(user: &Account, object: Option<&Value>) -> bool {
    match object {
        Some(object) if !user.is_superuser() => grants(object, user, 2),
        _ => true,
    }
}

fn data_write(user: &Account, object: Option<&Value>) -> bool {
    match object {
        Some(object) if !user.is_superuser() => grants(object, user, 3),
        _ => true,
    }
}

/// Collects findings about one object.
struct Report<'a> {
    importer: Importer<'a>,
    tracker_type: &'static str,
    uid: &'a str,
    errors: Vec<TrackerError>,
    /// The old API's access texts (joined into one description at the end).
    old: Vec<String>,
}

impl<'a> Report<'a> {
    fn new(importer: Importer<'a>, tracker_type: &'static str, uid: &'a str) -> Self {
        Report {
            importer,
            tracker_type,
            uid,
            errors: Vec::new(),
            old: Vec::new(),
        }
    }

    /// The importing user as a message names it.
    fn user(&self) -> String {
        self.obj("User", &self.importer.user.id)
    }

    /// An identifiable object as a message names it (`object_arg`).
    fn obj(&self, class: &str, uid: &str) -> String {
        object_arg(self.importer.version, class, uid)
    }

    fn error(&mut self, code: &'static str, message: String) {
        self.errors.push(TrackerError {
            code,
            message,
            tracker_type: self.tracker_type,
            uid: self.uid.to_string(),
            old: OldFinding::Description(String::new()),
        });
    }

    /// A finding of the old importer that is not an access text (a conflict, a description
    /// of its own).
    fn old_finding(&mut self, code: &'static str, old: OldFinding) {
        self.errors.push(TrackerError {
            code,
            message: String::new(),
            tracker_type: self.tracker_type,
            uid: self.uid.to_string(),
            old,
        });
    }

    /// The old importer's access text: `User has no <access> access to <thing>: <id>`.
    fn old_denied(&mut self, access: &str, thing: &str, id: &str) {
        self.old
            .push(format!("User has no {access} access to {thing}: {id}"));
    }

    /// E1000: the org unit is outside the user's capture scope.
    fn no_unit_write(&mut self, unit: &str) {
        let message = format!(
            "User: `{}`, has no write access to OrganisationUnit: `{}`.",
            self.user(),
            self.obj("OrganisationUnit", unit)
        );
        self.error("E1000", message);
    }

    /// A data sharing refusal (`access` is `read` or `write`) on an object of `class`.
    fn no_data_access(&mut self, code: &'static str, access: &str, class: &str, id: &str) {
        let message = format!(
            "User: `{}`, has no data {access} access to {class}: `{}`.",
            self.user(),
            self.obj(class, id)
        );
        self.error(code, message);
    }

    /// E1104: no data read on the tracked entity type of a program.
    fn no_type_read(&mut self, program_id: &str, type_id: &str) {
        let message = format!(
            "User: `{}`, has no data read access to program: `{}`, TrackedEntityType: `{}`.",
            self.user(),
            self.obj("Program", program_id),
            self.obj("TrackedEntityType", type_id)
        );
        self.error("E1104", message);
    }

    /// E1102: the tracked entity's owner in the program is out of the user's reach.
    fn not_owner(&mut self, entity_id: &str, program_id: &str) {
        let message = format!(
            "User: `{}`, does not have access to the tracked entity: `{entity_id}`, Program: `{}`, combination.",
            self.user(),
            self.obj("Program", program_id)
        );
        self.error("E1102", message);
    }

    /// E1100 / E1103: deleting an object that still has children needs a cascade authority.
    /// `what` is DHIS2's word for the object, spacing and all.
    fn lacks_cascade(&mut self, code: &'static str, authority: &str, what: &str) {
        let message = format!(
            "User: `{}`, is lacking {authority} authority to delete {what}: `{}`.",
            self.user(),
            self.uid
        );
        self.error(code, message);
    }

    fn finish(mut self) -> Vec<TrackerError> {
        if self.importer.old_api && !self.old.is_empty() {
            // `new ImportSummary(ImportStatus.ERROR, errors.toString())`.
            let description = format!("[{}]", self.old.join(", "));
            self.errors.push(TrackerError {
                code: "E1000",
                message: description.clone(),
                tracker_type: self.tracker_type,
                uid: self.uid.to_string(),
                old: OldFinding::Description(description),
            });
        }
        self.errors
    }
}

/// The tracked entity type of a program (tracker programs only).
fn program_type_of<'m>(metadata: &'m MetadataStore, program: &Value) -> Option<&'m Value> {
    let id = program.get("trackedEntityType").and_then(uid_of)?;
    metadata.get("trackedEntityTypes", &id)
}

fn with_registration(program: &Value) -> bool {
    text(program, "programType") == Some("WITH_REGISTRATION")
}

/// Checks the access of the importing user to one tracked entity. `stored` is the stored
/// version when the object exists.
pub fn tracked_entity(
    importer: Importer,
    scope: &Scope,
    entity: &Value,
    stored: Option<&Value>,
    intent: Intent,
) -> Vec<TrackerError> {
    let uid = text(entity, "trackedEntity").unwrap_or("");
    let mut report = Report::new(importer, "TRACKED_ENTITY", uid);
    let user = importer.user;
    let current = stored.unwrap_or(entity);
    let unit = text(current, "orgUnit").unwrap_or("");
    let type_id = text(current, "trackedEntityType").unwrap_or("");
    let entity_type = scope.metadata.get("trackedEntityTypes", type_id);
    if importer.old_api {
        // `canWrite(user, trackedEntityInstance)`: search scope, data write on the type.
        if user.is_superuser() {
            return Vec::new();
        }
        if scope.metadata.get("organisationUnits", unit).is_some() && !scope.in_scope(user, unit) {
            report.old_denied("write", "organisation unit", unit);
        }
        if entity_type.is_some() && !data_write(user, entity_type) {
            report.old_denied("data write", "tracked entity", type_id);
        }
        return report.finish();
    }
    if scope.metadata.get("organisationUnits", unit).is_some() {
        match intent {
            Intent::Create => {
                if !scope.in_scope(user, unit) {
                    report.no_unit_write(unit);
                }
            }
            Intent::Update | Intent::Delete => {
                if !scope.in_scope(user, unit) {
                    let message = format!(
                        "OrganisationUnit: `{}` of TrackedEntity is outside search scope of User: `{}`.",
                        report.obj("OrganisationUnit", unit),
                        report.user()
                    );
                    report.error("E1003", message);
                }
            }
        }
    }
    // `ValidationCode` quotes the authority; `MessageFormat` drops the quotes.
    if intent == Intent::Delete
        && !user.has_authority("F_TEI_CASCADE_DELETE")
        && scope
            .store
            .enrollments
            .values()
            .any(|e| text(e, "trackedEntity") == Some(uid))
    {
        report.lacks_cascade("E1100", "F_TEI_CASCADE_DELETE", "TrackedEntityInstance");
    }
    if entity_type.is_some() && !data_write(user, entity_type) {
        report.no_data_access("E1001", "write", "TrackedEntityType", type_id);
    }
    report.finish()
}

/// Checks the access of the importing user to one enrollment.
pub fn enrollment(
    importer: Importer,
    scope: &Scope,
    enrollment: &Value,
    stored: Option<&Value>,
    intent: Intent,
) -> Vec<TrackerError> {
    let uid = text(enrollment, "enrollment").unwrap_or("");
    let mut report = Report::new(importer, "ENROLLMENT", uid);
    let user = importer.user;
    let current = stored.unwrap_or(enrollment);
    let unit = text(current, "orgUnit").unwrap_or("");
    let program_id = text(current, "program").unwrap_or("");
    let Some(program) = scope.metadata.get("programs", program_id) else {
        return Vec::new();
    };
    let entity_id = text(current, "trackedEntity").unwrap_or("");
    let entity_type = program_type_of(scope.metadata, program);
    let type_id = entity_type.and_then(|t| text(t, "id")).unwrap_or("");
    let unit_known = scope.metadata.get("organisationUnits", unit).is_some();
    if importer.old_api {
        if user.is_superuser() {
            return Vec::new();
        }
        // `canCreate` / `canUpdate` / `canDelete(user, programInstance, false)`.
        if intent == Intent::Create && unit_known && !scope.in_scope(user, unit) {
            report.old_denied("create", "organisation unit", unit);
        }
        if !data_write(user, Some(program)) {
            report.old_denied("data write", "program", program_id);
        }
        if with_registration(program) {
            if entity_type.is_some() && !data_read(user, entity_type) {
                report.old_denied("data read", "tracked entity type", type_id);
            }
            // The old ownership manager falls back to the entity's own org unit.
            let owner = scope
                .owner(entity_id, program_id)
                .or_else(|| scope.entity(entity_id).and_then(|e| text(e, "orgUnit")));
            if owner.is_some_and(|owner| !scope.owns(user, owner, entity_id, program)) {
                report.old.push(OWNERSHIP_ACCESS_DENIED.to_string());
            }
        }
        return report.finish();
    }
    if intent == Intent::Delete
        && !user.has_authority("F_ENROLLMENT_CASCADE_DELETE")
        && scope
            .store
            .events
            .values()
            .any(|e| text(e, "enrollment") == Some(uid))
    {
        // DHIS2's message has a space before the colon here.
        report.lacks_cascade("E1103", "F_ENROLLMENT_CASCADE_DELETE", "Enrollment ");
    }
    if matches!(intent, Intent::Create | Intent::Delete)
        && unit_known
        && !scope.in_scope(user, unit)
    {
        report.no_unit_write(unit);
    }
    // `checkWriteEnrollmentAccess`.
    if !data_write(user, Some(program)) {
        report.no_data_access("E1091", "write", "Program", program_id);
    }
    if with_registration(program) {
        if entity_type.is_some() && !data_read(user, entity_type) {
            report.no_type_read(program_id, type_id);
        }
        if scope
            .owner(entity_id, program_id)
            .is_some_and(|owner| !scope.owns(user, owner, entity_id, program))
        {
            report.not_owner(entity_id, program_id);
        }
    }
    report.finish()
}

/// Checks the access of the importing user to one event.
pub fn event(
    importer: Importer,
    scope: &Scope,
    event: &Value,
    stored: Option<&Value>,
    intent: Intent,
) -> Vec<TrackerError> {
    let uid = text(event, "event").unwrap_or("");
    let mut report = Report::new(importer, "EVENT", uid);
    let user = importer.user;
    let current = stored.unwrap_or(event);
    let unit = text(current, "orgUnit").unwrap_or("");
    let program_id = text(current, "program").unwrap_or("");
    let stage_id = text(current, "programStage").unwrap_or("");
    let Some(program) = scope.metadata.get("programs", program_id) else {
        return Vec::new();
    };
    let stage = scope.metadata.get("programStages", stage_id);
    let unit_known = scope.metadata.get("organisationUnits", unit).is_some();
    let registration = with_registration(program);
    let entity_type = program_type_of(scope.metadata, program);
    let type_id = entity_type.and_then(|t| text(t, "id")).unwrap_or("");
    // The event's tracked entity: its own reference, else its enrollment's.
    let entity_id = text(current, "trackedEntity")
        .map(str::to_string)
        .or_else(|| {
            text(current, "enrollment")
                .and_then(|e| scope.enrollment(e))
                .and_then(|e| text(e, "trackedEntity"))
                .map(str::to_string)
        })
        .unwrap_or_default();
    let owner = if registration {
        scope.owner(&entity_id, program_id)
    } else {
        None
    };
    let options = attribute_options(scope.metadata, current);
    if importer.old_api {
        if user.is_superuser() || stage.is_none() {
            return Vec::new();
        }
        let out_of_scope = unit_known && !scope.in_scope(user, unit);
        match intent {
            Intent::Create if out_of_scope => {
                report.old_denied("create", "organisation unit", unit)
            }
            Intent::Delete if out_of_scope && !registration => {
                report.old_denied("delete", "organisation unit", unit)
            }
            _ => {}
        }
        if !registration {
            if !data_write(user, Some(program)) {
                report.old_denied("data write", "program", program_id);
            }
        } else {
            if !data_write(user, stage) {
                report.old_denied("data write", "program stage", stage_id);
            }
            if !data_read(user, Some(program)) {
                report.old_denied("data read", "program", program_id);
            }
            if entity_type.is_some() && !data_read(user, entity_type) {
                report.old_denied("data read", "tracked entity type", type_id);
            }
            if intent == Intent::Update && out_of_scope {
                report.old_denied("update", "organisation unit", unit);
            }
            if owner.is_some_and(|owner| !scope.owns(user, owner, &entity_id, program)) {
                report.old.push(OWNERSHIP_ACCESS_DENIED.to_string());
            }
        }
        if !report.old.is_empty() {
            return report.finish();
        }
        // `ProgramStageInstanceAuthCheck` (update of a completed event to another status).
        if uncompletes(user, event, stored, intent) {
            let text = "User is not authorized to uncomplete events".to_string();
            report.old_finding("E1083", OldFinding::Description(text));
            return report.finish();
        }
        // `AttributeOptionComboAclCheck` (after `EventAclCheck`, which stops the event first):
        // one conflict per category option without data write.
        for (option_id, option) in &options {
            if !data_write(user, *option) {
                let text = format!("User has no write access to category option: {option_id}");
                let conflict = OldFinding::Conflict("CategoryOptionCombo".to_string(), text);
                report.old_finding("E1099", conflict);
            }
        }
        return report.finish();
    }
    // A new, deleted or single (program without registration) event must be in the capture
    // scope; DHIS2 checks it again in `checkEventWriteAccess` for everything but UPDATE and
    // the simulator reports the finding once.
    if (!registration || intent != Intent::Update) && unit_known && !scope.in_scope(user, unit) {
        report.no_unit_write(unit);
    }
    if stage.is_none() && registration {
        return report.finish();
    }
    if !registration {
        if !data_write(user, Some(program)) {
            report.no_data_access("E1091", "write", "Program", program_id);
        }
    } else {
        if !data_write(user, stage) {
            report.no_data_access("E1095", "write", "ProgramStage", stage_id);
        }
        if !data_read(user, Some(program)) {
            report.no_data_access("E1096", "read", "Program", program_id);
        }
        if entity_type.is_some() && !data_read(user, entity_type) {
            report.no_type_read(program_id, type_id);
        }
        if owner.is_some_and(|owner| !scope.owns(user, owner, &entity_id, program)) {
            report.not_owner(&entity_id, program_id);
        }
    }
    if uncompletes(user, event, stored, intent) {
        let message = format!(
            "User: `{}`, is not authorized to modify completed events.",
            report.user()
        );
        report.error("E1083", message);
    }
    for (option_id, option) in &options {
        if !data_write(user, *option) {
            let message = format!(
                "User: `{}`, has no write access to CategoryOption: `{}`.",
                report.user(),
                report.obj("CategoryOption", option_id)
            );
            report.error("E1099", message);
        }
    }
    report.finish()
}

/// The category options of the event's attribute option combo (none without one).
fn attribute_options<'m>(
    metadata: &'m MetadataStore,
    event: &Value,
) -> Vec<(String, Option<&'m Value>)> {
    let Some(combo) =
        text(event, "attributeOptionCombo").and_then(|id| metadata.get("categoryOptionCombos", id))
    else {
        return Vec::new();
    };
    combo
        .get("categoryOptions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(uid_of)
        .map(|id| {
            let option = metadata.get("categoryOptions", &id);
            (id, option)
        })
        .collect()
}

/// E1083 (new importer, 2.36+) and "User is not authorized to uncomplete events" (old
/// importer): an update that changes the status of a stored COMPLETED event needs
/// `F_UNCOMPLETE_EVENT` (superusers have it). An event posted without a status is ACTIVE.
fn uncompletes(user: &Account, event: &Value, stored: Option<&Value>, intent: Intent) -> bool {
    let Some(stored) = stored else {
        return false;
    };
    intent == Intent::Update
        && text(stored, "status") == Some("COMPLETED")
        && text(event, "status").unwrap_or("ACTIVE") != "COMPLETED"
        && !user.has_authority("F_UNCOMPLETE_EVENT")
}
