//! Tracked entities with their program owners, enrollments, attributes and relationships, in
//! the new tracker API's field names (MDSync's `TEIsPayloadMapper`).

use std::collections::HashSet;

use serde_json::{Map, Value};

use super::events::{set, text};
use super::report::{Applied, ApplyReport, Exclusion, ItemKind};
use super::{write_org_unit, IdOutcome, Mapper};
use crate::mapping::context::ProgramType;
use crate::mapping::index::{map_option_value, Level, OptionOutcome};
use crate::mapping::types::{RELATIONSHIP_TYPES, TRACKED_ENTITY_TYPES};

impl<'m> Mapper<'m> {
    /// Maps tracked entities: org units (entity, owners, enrollments), programs (owners,
    /// enrollments, through `trackerPrograms`), attributes and their option values (through
    /// `trackedEntityAttributesToTEI`), relationship types. Excluded items are dropped (an
    /// entity whose org unit is excluded entirely); a relationship already sent with an
    /// earlier entity is dropped (DHIS2 answers 409 to a repeated one). With the destination's
    /// programs in the context, as MDSync: ownerships and enrollments of programs that are
    /// event programs at the destination are removed, attributes are kept only when a
    /// destination tracker program of the payload has them, and entities left with no owner
    /// are dropped.
    ///
    /// Better than MDSync: the tracked entity type is mapped (`trackedEntityTypes`), events
    /// inside enrollments are mapped as events are, and without destination programs in the
    /// context nothing is removed for want of them (MDSync would drop every attribute).
    pub fn tracked_entities(&self, entities: Vec<Value>) -> Applied<Vec<Value>> {
        let mut report = ApplyReport {
            read: entities.len(),
            ..ApplyReport::default()
        };
        let mut mapped = Vec::with_capacity(entities.len());
        let mut seen_relationships: HashSet<String> = HashSet::new();
        for entity in entities {
            let Value::Object(fields) = entity else {
                mapped.push(entity);
                continue;
            };
            match self.tracked_entity(fields, &mut seen_relationships, &mut report) {
                Some(fields) => mapped.push(Value::Object(fields)),
                None => report.exclude(ItemKind::TrackedEntity, Exclusion::OrgUnit),
            }
        }
        if let Some(programs) = &self.context.destination_programs {
            mapped = remove_event_program_references(mapped, programs, &mut report);
        }
        report.written = mapped.len();
        Applied {
            payload: mapped,
            report,
        }
    }

    fn tracked_entity(
        &self,
        mut fields: Map<String, Value>,
        seen_relationships: &mut HashSet<String>,
        report: &mut ApplyReport,
    ) -> Option<Map<String, Value>> {
        if !self.map_org_unit_field(&mut fields) {
            return None;
        }
        self.map_field(&mut fields, "trackedEntityType", TRACKED_ENTITY_TYPES);
        if let Some(Value::Array(owners)) = fields.get_mut("programOwners") {
            owners.retain_mut(|owner| {
                let kept = match owner {
                    Value::Object(owner) => self.owned_by_program(owner),
                    _ => true,
                };
                if !kept {
                    report.exclude(ItemKind::ProgramOwner, Exclusion::Program);
                }
                kept
            });
        }
        if let Some(Value::Array(enrollments)) = fields.get_mut("enrollments") {
            enrollments.retain_mut(|enrollment| match enrollment {
                Value::Object(enrollment) => self.enrollment(enrollment, report),
                _ => true,
            });
        }
        if let Some(Value::Array(relationships)) = fields.get_mut("relationships") {
            relationships.retain_mut(|relationship| {
                let Value::Object(relationship) = relationship else {
                    return true;
                };
                if !self.map_field(relationship, "relationshipType", RELATIONSHIP_TYPES) {
                    report.exclude(ItemKind::Relationship, Exclusion::RelationshipType);
                    return false;
                }
                let id = text(relationship, "relationship")
                    .unwrap_or_default()
                    .to_string();
                if !id.is_empty() && !seen_relationships.insert(id) {
                    report.exclude(ItemKind::Relationship, Exclusion::RepeatedRelationship);
                    return false;
                }
                true
            });
        }
        self.map_attributes(&mut fields, report);
        Some(fields)
    }

    /// `false` when the org unit is excluded.
    fn map_org_unit_field(&self, fields: &mut Map<String, Value>) -> bool {
        match fields.get_mut("orgUnit") {
            Some(Value::String(org_unit)) => write_org_unit(self, org_unit),
            _ => true,
        }
    }

    /// Maps `fields[key]` through a global mapping type; `false` when it is excluded.
    fn map_field(&self, fields: &mut Map<String, Value>, key: &str, mapping_type: &str) -> bool {
        let Some(id) = text(fields, key) else {
            return true;
        };
        match IdOutcome::of(self.global().mapped(mapping_type, id)) {
            IdOutcome::Mapped(target) => {
                set(fields, key, target);
                true
            }
            IdOutcome::Disabled => false,
            IdOutcome::Unchanged => true,
        }
    }

    /// Maps a program field through `trackerPrograms`; `false` when it is excluded.
    fn map_tracker_program(&self, fields: &mut Map<String, Value>) -> bool {
        let Some(program) = text(fields, "program") else {
            return true;
        };
        let entry = self.tracker_programs.get(program);
        match IdOutcome::of(entry.and_then(|entry| entry.mapped())) {
            IdOutcome::Mapped(target) => {
                set(fields, "program", target);
                true
            }
            IdOutcome::Disabled => false,
            IdOutcome::Unchanged => true,
        }
    }

    fn owned_by_program(&self, owner: &mut Map<String, Value>) -> bool {
        self.map_org_unit_field(owner) && self.map_tracker_program(owner)
    }

    fn enrollment(&self, enrollment: &mut Map<String, Value>, report: &mut ApplyReport) -> bool {
        let origin_program = text(enrollment, "program").map(str::to_string);
        if !self.map_tracker_program(enrollment) {
            report.exclude(ItemKind::Enrollment, Exclusion::Program);
            return false;
        }
        if !self.map_org_unit_field(enrollment) {
            report.exclude(ItemKind::Enrollment, Exclusion::OrgUnit);
            return false;
        }
        self.map_field(enrollment, "trackedEntityType", TRACKED_ENTITY_TYPES);
        self.map_attributes(enrollment, report);
        if let Some(Value::Array(events)) = enrollment.remove("events") {
            let mut mapped = Vec::with_capacity(events.len());
            for event in events {
                match event {
                    Value::Object(event) => {
                        match self.event(event, origin_program.as_deref(), report) {
                            Ok(event) => mapped.push(Value::Object(event)),
                            Err(why) => report.exclude(ItemKind::Event, why),
                        }
                    }
                    other => mapped.push(other),
                }
            }
            enrollment.insert("events".into(), Value::Array(mapped));
        }
        true
    }

    /// Maps `fields.attributes`: attribute ids through `trackedEntityAttributesToTEI`, option
    /// values through its nested options, then the global ones.
    fn map_attributes(&self, fields: &mut Map<String, Value>, report: &mut ApplyReport) {
        let Some(Value::Array(attributes)) = fields.get_mut("attributes") else {
            return;
        };
        attributes.retain_mut(|attribute| {
            let Value::Object(attribute) = attribute else {
                return true;
            };
            let id = text(attribute, "attribute").unwrap_or_default();
            let entry = self.attributes_to_tei.get(id);
            match IdOutcome::of(entry.and_then(|entry| entry.mapped())) {
                IdOutcome::Mapped(target) => set(attribute, "attribute", target),
                IdOutcome::Disabled => {
                    report.exclude(ItemKind::Attribute, Exclusion::Attribute);
                    return false;
                }
                IdOutcome::Unchanged => {}
            }
            let empty = Level::empty();
            let inner = entry.map_or(&empty, |entry| &entry.inner);
            if let Some(Value::String(value)) = attribute.get_mut("value") {
                match map_option_value(value, [inner, self.global()]) {
                    Some(OptionOutcome::Value(target)) => super::replace(value, target),
                    Some(OptionOutcome::Disabled) => {
                        report.exclude(ItemKind::Attribute, Exclusion::OptionValue);
                        return false;
                    }
                    None => {}
                }
            }
            true
        });
    }
}

/// MDSync's `removeMappedEventProgramReferences`: with the programs (destination ids) the
/// payload's owners name, drop ownerships and enrollments of event programs, keep only the
/// attributes of those tracker programs, drop entities left without owners.
fn remove_event_program_references(
    entities: Vec<Value>,
    programs: &[crate::mapping::context::ProgramRef],
    report: &mut ApplyReport,
) -> Vec<Value> {
    let owned: HashSet<String> = entities
        .iter()
        .filter_map(|entity| entity.get("programOwners")?.as_array())
        .flatten()
        .filter_map(|owner| owner.get("program")?.as_str().map(str::to_string))
        .collect();
    let referenced = programs
        .iter()
        .filter(|program| owned.contains(program.id.as_str()));
    let (event_programs, tracker_programs): (Vec<_>, Vec<_>) =
        referenced.partition(|program| program.program_type == ProgramType::WithoutRegistration);
    let event_programs: HashSet<&str> = event_programs.iter().map(|p| p.id.as_str()).collect();
    let attributes: HashSet<&str> = tracker_programs
        .iter()
        .flat_map(|program| &program.program_tracked_entity_attributes)
        .map(|attribute| attribute.tracked_entity_attribute.id.as_str())
        .collect();
    let of_event_program = |item: &Value| {
        item.get("program")
            .and_then(Value::as_str)
            .is_some_and(|program| event_programs.contains(program))
    };
    let keep_attributes = |fields: &mut Map<String, Value>, report: &mut ApplyReport| {
        if let Some(Value::Array(list)) = fields.get_mut("attributes") {
            list.retain(|attribute| {
                let kept = attribute
                    .get("attribute")
                    .and_then(Value::as_str)
                    .is_some_and(|id| attributes.contains(id));
                if !kept {
                    report.exclude(
                        ItemKind::Attribute,
                        Exclusion::AttributeNotInDestinationProgram,
                    );
                }
                kept
            });
        }
    };
    let mut kept = Vec::with_capacity(entities.len());
    for mut entity in entities {
        let Value::Object(fields) = &mut entity else {
            kept.push(entity);
            continue;
        };
        if let Some(Value::Array(owners)) = fields.get_mut("programOwners") {
            let before = owners.len();
            owners.retain(|owner| !of_event_program(owner));
            for _ in owners.len()..before {
                report.exclude(ItemKind::ProgramOwner, Exclusion::EventProgramAtDestination);
            }
        }
        if let Some(Value::Array(enrollments)) = fields.get_mut("enrollments") {
            let before = enrollments.len();
            enrollments.retain(|enrollment| !of_event_program(enrollment));
            for _ in enrollments.len()..before {
                report.exclude(ItemKind::Enrollment, Exclusion::EventProgramAtDestination);
            }
            for enrollment in enrollments.iter_mut() {
                if let Value::Object(enrollment) = enrollment {
                    keep_attributes(enrollment, report);
                }
            }
        }
        keep_attributes(fields, report);
        let has_owner = fields
            .get("programOwners")
            .and_then(Value::as_array)
            .is_some_and(|owners| !owners.is_empty());
        if has_owner {
            kept.push(entity);
        } else {
            report.exclude(ItemKind::TrackedEntity, Exclusion::NoProgramOwner);
        }
    }
    kept
}
