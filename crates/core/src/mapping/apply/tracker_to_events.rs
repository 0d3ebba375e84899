//! Tracker → event conversion (MDSync's `TEIsToEventPayloadMapper`): each enrollment of a
//! tracker program mapped to a destination *event* program becomes one event of that program's
//! first stage, its data values taken from the entity's attributes mapped to data elements
//! (`trackedEntityAttributesToDE`).

use serde_json::{json, Map, Value};

use super::events::text;
use super::report::{Applied, ApplyReport, Exclusion, ItemKind};
use super::{IdOutcome, Mapper};
use crate::mapping::context::{ProgramStageShape, ProgramType};
use crate::mapping::index::{map_option_value, OptionOutcome};
use crate::model::Uid;

impl<'m> Mapper<'m> {
    /// Converts tracked entities into events. `now` is the timestamp written as created,
    /// updated and scheduled dates; `new_uid` gives each event its id. Needs the destination
    /// programs in the context.
    ///
    /// As MDSync: the event's org unit is the entity's, its date the enrollment date, its stage
    /// the destination program's first; attributes whose data element is not in that stage are
    /// left out, and so are events with no data value left.
    ///
    /// Better than MDSync: the old API's `id`, `href` fields are not written (the new tracker
    /// API names the id `event`), and an excluded option value leaves its data value out
    /// rather than writing "DISABLED" and then dropping it.
    pub fn tracked_entities_to_events(
        &self,
        entities: Vec<Value>,
        now: &str,
        new_uid: &mut dyn FnMut() -> Uid,
    ) -> Applied<Vec<Value>> {
        let mut report = ApplyReport {
            read: entities.len(),
            ..ApplyReport::default()
        };
        let event_programs: Vec<&crate::mapping::context::ProgramRef> = self
            .context
            .destination_programs
            .iter()
            .flatten()
            .filter(|program| program.program_type == ProgramType::WithoutRegistration)
            .collect();
        let mut events = Vec::new();
        for entity in &entities {
            let Value::Object(entity) = entity else {
                continue;
            };
            let enrollments = entity
                .get("enrollments")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_object);
            for enrollment in enrollments {
                let origin_program = text(enrollment, "program").unwrap_or_default();
                let entry = self.tracker_programs.get(origin_program);
                let target = match IdOutcome::of(entry.and_then(|entry| entry.mapped())) {
                    IdOutcome::Mapped(target) => target,
                    IdOutcome::Disabled => {
                        report.exclude(ItemKind::Enrollment, Exclusion::Program);
                        continue;
                    }
                    IdOutcome::Unchanged => {
                        report.exclude(ItemKind::Enrollment, Exclusion::NoEventProgram);
                        continue;
                    }
                };
                let stage = event_programs
                    .iter()
                    .find(|program| program.id.as_str() == target)
                    .and_then(|program| program.program_stages.first());
                let Some(stage) = stage else {
                    report.exclude(ItemKind::Enrollment, Exclusion::NoEventProgram);
                    continue;
                };
                match self.converted_event(entity, enrollment, target, stage, now, new_uid) {
                    Ok(event) => events.push(event),
                    Err(why) => report.exclude(ItemKind::Event, why),
                }
            }
        }
        report.written = events.len();
        Applied {
            payload: events,
            report,
        }
    }

    fn converted_event(
        &self,
        entity: &Map<String, Value>,
        enrollment: &Map<String, Value>,
        program: &str,
        stage: &ProgramStageShape,
        now: &str,
        new_uid: &mut dyn FnMut() -> Uid,
    ) -> Result<Value, Exclusion> {
        let mut org_unit = text(entity, "orgUnit").unwrap_or_default().to_string();
        if !super::write_org_unit(self, &mut org_unit) {
            return Err(Exclusion::OrgUnit);
        }
        let in_stage = |data_element: &str| {
            stage
                .program_stage_data_elements
                .iter()
                .any(|element| element.data_element.id.as_str() == data_element)
        };
        let mut values = Vec::new();
        let attributes = entity
            .get("attributes")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_object);
        for attribute in attributes {
            let id = text(attribute, "attribute").unwrap_or_default();
            let Some(entry) = self.attributes_to_de.get(id) else {
                continue;
            };
            let Some(data_element) = entry.mapped().and_then(|mapped| mapped.target()) else {
                continue;
            };
            if !in_stage(data_element) {
                continue;
            }
            let value = text(attribute, "value").unwrap_or_default();
            let value = match map_option_value(value, [&entry.inner, self.global()]) {
                Some(OptionOutcome::Value(mapped)) => mapped,
                Some(OptionOutcome::Disabled) => continue,
                None => value,
            };
            values.push(json!({
                "createdAt": now,
                "updatedAt": now,
                "dataElement": data_element,
                "value": value,
                "storedBy": "",
                "providedElsewhere": false,
            }));
        }
        if values.is_empty() {
            return Err(Exclusion::NoDataValues);
        }
        Ok(json!({
            "event": new_uid().as_str(),
            "occurredAt": enrollment.get("enrolledAt").cloned().unwrap_or(Value::Null),
            "orgUnit": org_unit,
            "program": program,
            "programStage": stage.id.as_str(),
            "deleted": false,
            "createdAt": now,
            "scheduledAt": now,
            "updatedAt": now,
            "dataValues": values,
            "status": "ACTIVE",
            "storedBy": "",
        }))
    }
}
