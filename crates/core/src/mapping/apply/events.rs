//! Events, in the new tracker API's field names (MDSync's `EventsPayloadMapper`).

use serde_json::{Map, Value};

use super::combos::ComboOutcome;
use super::report::{Applied, ApplyReport, Exclusion, ItemKind};
use super::{IdOutcome, Mapper};
use crate::mapping::index::{map_option_value, EntryLevel, Level, OptionOutcome};
use crate::mapping::model::{MappedId, MetadataMapping};
use crate::mapping::types::{PROGRAM_STAGES, TRACKER_PROGRAM_STAGES};

/// Where an event's stage is looked up.
enum Stages<'a, 'm> {
    /// The nested `programStages` of its event program.
    Nested(&'a Level<'m>),
    /// The global `trackerProgramStages` (keys `program-stage` or `stage`).
    Global,
}

struct ProgramMapping<'a, 'm> {
    program: IdOutcome<'m>,
    entry: Option<&'a EntryLevel<'m>>,
    stages: Stages<'a, 'm>,
}

impl<'m> Mapper<'m> {
    /// Maps events: program, program stage, org unit, attribute option combo, data elements and
    /// option values; values mapped onto one data element are combined by the event program's
    /// `overlaps` replacer (else the first is kept). `orgUnitName` and
    /// `attributeCategoryOptions` are removed, as MDSync does, since they would contradict the
    /// mapped ids.
    ///
    /// Better than MDSync:
    /// * an excluded program stage drops the event (MDSync sends `programStage: "DISABLED"`);
    /// * an event without attribute option combo, or with the origin's default left unmapped,
    ///   gets the destination's default (MDSync writes the origin's default id);
    /// * a replacer naming a data element the event has no value for writes nothing there
    ///   (MDSync writes the data element's id);
    /// * data elements are also looked up in the program's nested `programDataElements`, and
    ///   tracker programs are mapped in `D{…}`-style lookups the same way as event programs.
    pub fn events(&self, events: Vec<Value>) -> Applied<Vec<Value>> {
        let mut report = ApplyReport {
            read: events.len(),
            ..ApplyReport::default()
        };
        let mapped: Vec<Value> = events
            .into_iter()
            .filter_map(|event| match event {
                Value::Object(fields) => match self.event(fields, None, &mut report) {
                    Ok(fields) => Some(Value::Object(fields)),
                    Err(why) => {
                        report.exclude(ItemKind::Event, why);
                        None
                    }
                },
                other => Some(other),
            })
            .collect();
        report.written = mapped.len();
        Applied {
            payload: mapped,
            report,
        }
    }

    /// Maps one event; `program` is the program to assume when the event names none (events
    /// inside an enrollment).
    pub(crate) fn event(
        &self,
        mut fields: Map<String, Value>,
        program: Option<&str>,
        report: &mut ApplyReport,
    ) -> Result<Map<String, Value>, Exclusion> {
        let program = text(&fields, "program")
            .or(program)
            .unwrap_or_default()
            .to_string();
        let stage = text(&fields, "programStage")
            .unwrap_or_default()
            .to_string();
        let related = self.program_mapping(&program, &stage);
        let empty = Level::empty();
        let inner = related.entry.map_or(&empty, |entry| &entry.inner);

        match related.program {
            IdOutcome::Mapped(target) => set(&mut fields, "program", target),
            IdOutcome::Disabled => return Err(Exclusion::Program),
            IdOutcome::Unchanged => {}
        }
        let stage_entry = match related.stages {
            Stages::Nested(level) => level
                .get(PROGRAM_STAGES, &format!("{program}-{stage}"))
                .filter(|entry| entry.mapped_id.is_some())
                .or_else(|| level.get(PROGRAM_STAGES, &stage)),
            Stages::Global => self.tracker_stage(&program, &stage),
        };
        match IdOutcome::of(stage_entry.and_then(|entry| entry.mapped_id.as_ref())) {
            IdOutcome::Mapped(target) => set(&mut fields, "programStage", target),
            IdOutcome::Disabled => return Err(Exclusion::ProgramStage),
            IdOutcome::Unchanged => {}
        }
        if let Some(Value::String(org_unit)) = fields.get_mut("orgUnit") {
            if !super::write_org_unit(self, org_unit) {
                return Err(Exclusion::OrgUnit);
            }
        }
        self.event_combo(&mut fields, inner)?;

        if let Some(Value::Array(values)) = fields.remove("dataValues") {
            let overlaps = related
                .entry
                .and_then(|entry| entry.entry.overlaps.as_ref());
            let values = self.event_values(values, &program, &stage, inner, report);
            let values = super::events_overlaps::combine(values, overlaps, report);
            fields.insert("dataValues".into(), Value::Array(values));
        }
        fields.remove("orgUnitName");
        fields.remove("attributeCategoryOptions");
        Ok(fields)
    }

    /// MDSync's `getRelatedProgramMappings`.
    fn program_mapping<'a>(&'a self, program: &str, stage: &str) -> ProgramMapping<'a, 'm> {
        if let Some(entry) = self.event_programs.get(program) {
            return ProgramMapping {
                program: IdOutcome::of(entry.mapped()),
                entry: Some(entry),
                stages: Stages::Nested(&entry.inner),
            };
        }
        if let Some(entry) = self.tracker_programs.get(program) {
            return ProgramMapping {
                program: IdOutcome::of(entry.mapped()),
                entry: Some(entry),
                stages: Stages::Global,
            };
        }
        let program_outcome = match self
            .global()
            .get(TRACKER_PROGRAM_STAGES, &format!("{program}-{stage}"))
        {
            // A stage mapped alone: the program is the destination stage's program; an
            // excluded or empty stage mapping excludes the event.
            Some(entry) => match entry.mapped_id.as_ref().and_then(MappedId::target) {
                Some(target) => self
                    .stage_programs
                    .get(target)
                    .map_or(IdOutcome::Unchanged, |program| IdOutcome::Mapped(program)),
                None => IdOutcome::Disabled,
            },
            None => IdOutcome::Unchanged,
        };
        ProgramMapping {
            program: program_outcome,
            entry: None,
            stages: Stages::Global,
        }
    }

    fn tracker_stage(&self, program: &str, stage: &str) -> Option<&'m MetadataMapping> {
        let global = self.global();
        global
            .get(TRACKER_PROGRAM_STAGES, &format!("{program}-{stage}"))
            .filter(|entry| entry.mapped_id.is_some())
            .or_else(|| global.get(TRACKER_PROGRAM_STAGES, stage))
    }

    /// The attribute option combo, through the program's nested mapping and the global one.
    fn event_combo(
        &self,
        fields: &mut Map<String, Value>,
        inner: &Level<'m>,
    ) -> Result<(), Exclusion> {
        let given = text(fields, "attributeOptionCombo").map(str::to_string);
        let is_default = given
            .as_deref()
            .is_none_or(|combo| self.defaults.contains(combo));
        let outcome = match given.as_deref() {
            Some(combo) => self.combos.map(combo, inner, self.global(), true),
            None => self
                .origin_default_combo()
                .map_or(ComboOutcome::Unchanged, |combo| {
                    self.combos.map(combo, inner, self.global(), true)
                }),
        };
        match outcome {
            ComboOutcome::Mapped(target) => set(fields, "attributeOptionCombo", target),
            ComboOutcome::Disabled => return Err(Exclusion::AttributeOptionCombo),
            ComboOutcome::Unchanged if is_default => {
                match &self.context.default_category_option_combo {
                    Some(default) => set(fields, "attributeOptionCombo", default.as_str()),
                    None => {
                        fields.remove("attributeOptionCombo");
                    }
                }
            }
            ComboOutcome::Unchanged => {}
        }
        Ok(())
    }

    /// The origin's default option combo: the default id that is an option combo.
    fn origin_default_combo(&self) -> Option<&'m str> {
        self.context
            .origin_category_option_combos
            .iter()
            .map(|combo| combo.id.as_str())
            .find(|id| self.defaults.contains(id))
    }

    fn event_values(
        &self,
        values: Vec<Value>,
        program: &str,
        stage: &str,
        program_inner: &Level<'m>,
        report: &mut ApplyReport,
    ) -> Vec<(String, Value)> {
        let mut mapped = Vec::with_capacity(values.len());
        for value in values {
            let Value::Object(mut fields) = value else {
                continue;
            };
            let original = text(&fields, "dataElement").unwrap_or_default().to_string();
            let entry = self.program_data_element(program, stage, &original, program_inner);
            match IdOutcome::of(entry.and_then(|entry| entry.mapped_id.as_ref())) {
                IdOutcome::Mapped(target) => set(&mut fields, "dataElement", target),
                IdOutcome::Disabled => {
                    report.exclude(ItemKind::EventDataValue, Exclusion::DataElement);
                    continue;
                }
                IdOutcome::Unchanged => {}
            }
            let inner = entry
                .and_then(|entry| entry.mapping.as_ref())
                .map(Level::new)
                .unwrap_or_default();
            if let Some(Value::String(text)) = fields.get_mut("value") {
                match map_option_value(text, [&inner, self.global()]) {
                    Some(OptionOutcome::Value(target)) => super::replace(text, target),
                    Some(OptionOutcome::Disabled) => {
                        report.exclude(ItemKind::EventDataValue, Exclusion::OptionValue);
                        continue;
                    }
                    None => {}
                }
            }
            mapped.push((original, Value::Object(fields)));
        }
        mapped
    }

    /// MDSync's `mapProgramDataElement`: the `program-stage-dataElement` entry when it maps,
    /// else the data element's global entry. The program's own nested `programDataElements`
    /// (keys `stage-dataElement` or `dataElement`) come first.
    pub(crate) fn program_data_element(
        &self,
        program: &str,
        stage: &str,
        data_element: &str,
        program_inner: &Level<'m>,
    ) -> Option<&'m MetadataMapping> {
        use crate::mapping::types::PROGRAM_DATA_ELEMENTS;
        let nested = program_inner
            .get(PROGRAM_DATA_ELEMENTS, &format!("{stage}-{data_element}"))
            .or_else(|| program_inner.get(PROGRAM_DATA_ELEMENTS, data_element));
        if nested.is_some() {
            return nested;
        }
        let complex = format!("{program}-{stage}-{data_element}");
        self.program_data_elements
            .get(complex.as_str())
            .filter(|entry| entry.mapped().is_some())
            .or_else(|| self.program_data_elements.get(data_element))
            .map(|entry| entry.entry)
    }
}

pub(crate) fn text<'a>(fields: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    fields.get(key).and_then(Value::as_str)
}

pub(crate) fn set(fields: &mut Map<String, Value>, key: &str, value: &str) {
    fields.insert(key.to_string(), Value::String(value.to_string()));
}
