//! Metadata payloads (MDSync's `MappingMapper`): each object's own id, every reference the
//! server's schemas name (references, collections of references, embedded objects), and the ids
//! inside expressions.

use serde::Serialize;
use serde_json::{Map, Value};

use super::combos::ComboOutcome;
use super::expressions::{rewrite, Grammar, Item, EXPRESSION_FIELDS, STAGE_DATE};
use super::{IdOutcome, Mapper};
use crate::dhis2::schemas::{ReferenceTarget, Schema, SchemaRegistry};
use crate::mapping::hash::FxMap;
use crate::mapping::index::Level;
use crate::mapping::model::MappedId;
use crate::mapping::types::{
    CATEGORY_OPTIONS, PROGRAM_DATA_ELEMENTS, PROGRAM_STAGES, TRACKER_PROGRAM_STAGES,
};
use crate::sync::metadata::Payload;

/// What mapping a metadata payload changed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MetadataReport {
    /// Objects that now carry their destination id (they update that object there).
    pub objects: usize,
    pub references: usize,
    pub expressions: usize,
}

/// Embedded objects hold embedded objects only a few levels down.
const MAX_DEPTH: usize = 6;

/// Origin id → destination id, per metadata type, for references.
struct ReferenceIndex<'m> {
    by_plural: FxMap<&'static str, FxMap<&'m str, &'m MappedId>>,
}

impl<'m> ReferenceIndex<'m> {
    /// Every same-kind mapping type, keyed by the id its entries name. A plain key names an
    /// object; of nested keys only those whose last id is an object of the type are used
    /// (`category-option`, `program-stage`); `program-stage-dataElement` keys map a data
    /// element within one program only, so they are not used for references.
    fn new(mapper: &Mapper<'m>) -> Self {
        let mut by_plural: FxMap<&'static str, FxMap<&'m str, &'m MappedId>> = FxMap::default();
        for (name, entries) in mapper.mapping.types() {
            let Some(info) = crate::mapping::types::type_info(name) else {
                continue;
            };
            if !info.is_same_kind() {
                continue;
            }
            let nested_ok = matches!(info.name, CATEGORY_OPTIONS | TRACKER_PROGRAM_STAGES);
            let index = by_plural.entry(info.origin).or_default();
            for (key, entry) in entries {
                let Some(mapped) = entry.mapped_id.as_ref() else {
                    continue;
                };
                let plain = !key.as_str().contains(['-', '/']);
                if plain || nested_ok || info.maps_to_paths() {
                    // The first type to name an id decides, as MDSync's look-up across types.
                    index.entry(key.last_id()).or_insert(mapped);
                }
            }
        }
        ReferenceIndex { by_plural }
    }

    fn target(&self, plural: &str, id: &str) -> Option<&'m str> {
        self.by_plural.get(plural)?.get(id)?.target()
    }
}

impl<'m> Mapper<'m> {
    /// Maps a metadata payload in place, with the destination server's schemas.
    ///
    /// As MDSync: an object whose id is mapped takes its destination id (the sync then updates
    /// that object), references take their mapped ids, excluded (`DISABLED`) ids are left as
    /// they are, org units mapped by path are written as ids.
    ///
    /// Better than MDSync: a reference is only looked up in mapping types of its own kind (MDSync
    /// looks an id up in every type, so an attribute mapped to a data element for tracker →
    /// event conversion would rename the attribute itself); expressions of validation rules and
    /// predictors are mapped too, and expressions are rewritten in place (see
    /// [`super::expressions`]).
    pub fn metadata(&self, payload: &mut Payload, schemas: &SchemaRegistry) -> MetadataReport {
        let index = ReferenceIndex::new(self);
        let mut report = MetadataReport::default();
        for (plural, objects) in payload.iter_mut() {
            let schema = schemas.by_plural(plural);
            for object in objects.iter_mut() {
                let Value::Object(fields) = object else {
                    continue;
                };
                if let Some(Value::String(id)) = fields.get_mut("id") {
                    if let Some(target) = index.target(plural, id) {
                        if id != target {
                            *id = target.to_string();
                            report.objects += 1;
                        }
                    }
                }
                // Expressions first: they read the object's origin program.
                report.expressions += self.expressions(plural, fields, &index);
                if let Some(schema) = schema {
                    self.references(fields, schema, schemas, &index, &mut report, 0);
                }
            }
        }
        report
    }

    fn references(
        &self,
        fields: &mut Map<String, Value>,
        schema: &Schema,
        schemas: &SchemaRegistry,
        index: &ReferenceIndex<'m>,
        report: &mut MetadataReport,
        depth: usize,
    ) {
        for reference in schemas.references_of(schema) {
            let Some(value) = fields.get_mut(&reference.json_key) else {
                continue;
            };
            let items: Vec<&mut Value> = match value {
                Value::Array(items) => items.iter_mut().collect(),
                other => vec![other],
            };
            for item in items {
                let Value::Object(item) = item else {
                    continue;
                };
                match &reference.target {
                    ReferenceTarget::Type(plural) => {
                        if let Some(Value::String(id)) = item.get_mut("id") {
                            if let Some(target) = index.target(plural, id) {
                                if id != target {
                                    *id = target.to_string();
                                    report.references += 1;
                                }
                            }
                        }
                    }
                    ReferenceTarget::Embedded(klass) if depth < MAX_DEPTH => {
                        if let Some(embedded) = schemas.by_klass(klass) {
                            self.references(item, embedded, schemas, index, report, depth + 1);
                        }
                    }
                    ReferenceTarget::Embedded(_) => {}
                }
            }
        }
    }

    /// Rewrites the expressions of an object; returns how many changed.
    fn expressions(
        &self,
        plural: &str,
        fields: &mut Map<String, Value>,
        index: &ReferenceIndex<'m>,
    ) -> usize {
        let program = fields
            .get("program")
            .and_then(|program| program.get("id"))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let mut changed = 0;
        for (owner, grammar, paths) in EXPRESSION_FIELDS {
            if *owner != plural {
                continue;
            }
            for path in *paths {
                let text = value_at_mut(fields, path);
                if let Some(Value::String(expression)) = text {
                    let mut map =
                        |item: &Item<'_>| self.expression_item(item, *grammar, &program, index);
                    if let Some(rewritten) = rewrite(expression, &mut map) {
                        *expression = rewritten;
                        changed += 1;
                    }
                }
            }
        }
        changed
    }

    fn expression_item(
        &self,
        item: &Item<'_>,
        grammar: Grammar,
        program: &str,
        index: &ReferenceIndex<'m>,
    ) -> Option<Vec<String>> {
        let parts = &item.parts;
        let plain = |plural: &str, id: &str| index.target(plural, id).unwrap_or(id).to_string();
        let mapped: Vec<String> = match (grammar, item.marker, parts.as_slice()) {
            (Grammar::Aggregate, "#", [data_element, rest @ ..]) => {
                let entry = self.aggregated.get(*data_element).map(|(_, entry)| entry);
                let empty = Level::empty();
                let inner = entry.map_or(&empty, |entry| &entry.inner);
                let mut out = vec![entry
                    .and_then(|entry| entry.mapped())
                    .and_then(MappedId::target)
                    .map_or_else(|| plain("dataElements", data_element), str::to_string)];
                for (position, combo) in rest.iter().enumerate() {
                    out.push(self.expression_combo(combo, inner, position == 1, index));
                }
                out
            }
            (Grammar::Aggregate, "D", [program, data_element]) => vec![
                self.program_target(program).to_string(),
                self.program_data_element_in(program, data_element)
                    .unwrap_or(data_element)
                    .to_string(),
            ],
            (Grammar::Program, "#", [stage, data_element]) => vec![
                self.stage_target(program, stage, index),
                self.program_data_element(program, stage, data_element, &Level::empty())
                    .and_then(|entry| entry.mapped_id.as_ref())
                    .and_then(MappedId::target)
                    .map_or_else(|| plain("dataElements", data_element), str::to_string),
            ],
            (Grammar::Program, STAGE_DATE, [stage]) => {
                vec![self.stage_target(program, stage, index)]
            }
            (_, "A", [attribute]) => vec![plain("trackedEntityAttributes", attribute)],
            (_, "A", [program, attribute]) => vec![
                self.program_target(program).to_string(),
                plain("trackedEntityAttributes", attribute),
            ],
            (_, "C", [constant]) => vec![plain("constants", constant)],
            (_, "I", [indicator]) => vec![plain("programIndicators", indicator)],
            (_, "N", [indicator]) => vec![plain("indicators", indicator)],
            (_, "OUG", [group]) => vec![plain("organisationUnitGroups", group)],
            _ => return None,
        };
        Some(mapped)
    }

    fn expression_combo(
        &self,
        combo: &str,
        inner: &Level<'m>,
        attribute: bool,
        index: &ReferenceIndex<'m>,
    ) -> String {
        if combo == "*" {
            return combo.to_string();
        }
        match self.combos.map(combo, inner, self.global(), attribute) {
            ComboOutcome::Mapped(target) => target.to_string(),
            // An expression cannot leave out an excluded combo: it stays as it is.
            ComboOutcome::Disabled | ComboOutcome::Unchanged => index
                .target("categoryOptionCombos", combo)
                .unwrap_or(combo)
                .to_string(),
        }
    }

    /// A program through `eventPrograms`, then `trackerPrograms` (MDSync: event programs only).
    fn program_target<'a>(&self, program: &'a str) -> &'a str
    where
        'm: 'a,
    {
        let entry = self
            .event_programs
            .get(program)
            .or_else(|| self.tracker_programs.get(program));
        match IdOutcome::of(entry.and_then(|entry| entry.mapped())) {
            IdOutcome::Mapped(target) => target,
            _ => program,
        }
    }

    /// `D{program.dataElement}`: a `programDataElements` entry keyed `program-…-dataElement`,
    /// else the data element's global entry (MDSync: the first alone).
    fn program_data_element_in(&self, program: &str, data_element: &str) -> Option<&'m str> {
        let entries = self.mapping.entries(PROGRAM_DATA_ELEMENTS)?;
        let nested = entries.iter().find(|(key, _)| {
            let mut segments = key.segments();
            segments.next() == Some(program)
                && key.last_id() == data_element
                && key.as_str().contains('-')
        });
        nested
            .map(|(_, entry)| entry)
            .or_else(|| entries.get(data_element))
            .and_then(|entry| entry.mapped_id.as_ref())
            .and_then(MappedId::target)
    }

    fn stage_target(&self, program: &str, stage: &str, index: &ReferenceIndex<'m>) -> String {
        let global = self.global();
        let nested = self
            .event_programs
            .get(program)
            .and_then(|entry| entry.inner.mapped(PROGRAM_STAGES, stage));
        let tracker = global.mapped(TRACKER_PROGRAM_STAGES, &format!("{program}-{stage}"));
        nested
            .or(tracker)
            .and_then(MappedId::target)
            .or_else(|| index.target("programStages", stage))
            .unwrap_or(stage)
            .to_string()
    }
}

/// The value at a dotted path (`leftSide.expression`).
fn value_at_mut<'a>(fields: &'a mut Map<String, Value>, path: &str) -> Option<&'a mut Value> {
    let mut keys = path.split('.');
    let mut value = fields.get_mut(keys.next()?)?;
    for key in keys {
        value = value.get_mut(key)?;
    }
    Some(value)
}
