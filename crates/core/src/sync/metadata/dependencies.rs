//! Dependency resolution: from the selected objects, follow the references the schemas declare
//! (and those named in expressions), level by level, fetching each level with one batched
//! request per type.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::rc::Rc;

use serde_json::Value;

use super::expressions::expression_references;
use super::rules::IncludeExcludeRules;
use super::selection::MetadataSelection;
use crate::dhis2::metadata::{fetch_any_type_by_ids, fetch_by_ids};
use crate::dhis2::schemas::{ReferenceProperty, ReferenceTarget, Schema};
use crate::dhis2::{Dhis2Client, Dhis2Error, SchemaRegistry, Transport};
use crate::sync::{CancellationToken, ProgressSink, SyncProgress, SyncStep};

/// Keys whose references are sharing and ownership, handled by the sharing and users switches
/// rather than by the type rules.
pub const SHARING_KEYS: &[&str] = &[
    "sharing",
    "user",
    "userAccesses",
    "userGroupAccesses",
    "createdBy",
    "lastUpdatedBy",
];

/// The category types whose `default` object every server generates for itself.
pub const DEFAULT_CATEGORY_TYPES: &[&str] = &[
    "categories",
    "categoryOptions",
    "categoryCombos",
    "categoryOptionCombos",
];

/// What resolution found on the origin.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ResolvedMetadata {
    /// Objects to sync, by plural, as the origin sent them (moved into the payload by
    /// [`super::read_origin`]).
    pub objects: BTreeMap<String, Vec<Value>>,
    /// Referenced but not synced (excluded types): they must exist on the targets.
    pub references_only: BTreeMap<String, BTreeSet<String>>,
    /// Ids of `default` category objects met on the way (left out of the payload).
    pub default_ids: BTreeSet<String>,
    /// Ids asked for that the origin does not have.
    pub missing: Vec<String>,
    pub levels: usize,
}

/// Fetch plan of one level.
#[derive(Default)]
struct Frontier {
    by_id: BTreeMap<String, BTreeSet<String>>,
    /// (child type, parent property) → parent ids.
    children: BTreeMap<(String, String), BTreeSet<String>>,
}

impl Frontier {
    fn is_empty(&self) -> bool {
        self.by_id.is_empty() && self.children.is_empty()
    }
}

pub struct Resolver<'a> {
    pub registry: &'a SchemaRegistry,
    pub rules: &'a IncludeExcludeRules,
    pub remove_defaults: bool,
    references: HashMap<String, Rc<[ReferenceProperty]>>,
    seen: HashSet<String>,
    result: ResolvedMetadata,
}

impl<'a> Resolver<'a> {
    pub fn new(
        registry: &'a SchemaRegistry,
        rules: &'a IncludeExcludeRules,
        remove_defaults: bool,
    ) -> Self {
        Resolver {
            registry,
            rules,
            remove_defaults,
            references: HashMap::new(),
            seen: HashSet::new(),
            result: ResolvedMetadata::default(),
        }
    }

    /// Resolves the selection against the origin.
    pub async fn resolve<T: Transport>(
        mut self,
        origin: &Dhis2Client<T>,
        selection: &MetadataSelection,
        progress: &dyn ProgressSink,
        cancel: &CancellationToken,
    ) -> Result<ResolvedMetadata, Dhis2Error> {
        let ids: Vec<String> = selection
            .ids
            .iter()
            .cloned()
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        self.seen.extend(ids.iter().cloned());
        let mut fetched: Vec<(String, Vec<Value>)> = Vec::new();
        if selection.types.is_empty() {
            fetched = fetch_any_type_by_ids(origin, &ids, ":owner").await?;
        } else {
            for plural in &selection.types {
                fetched.push((
                    plural.clone(),
                    fetch_by_ids(origin, plural, "id", &ids, ":owner").await?,
                ));
            }
        }
        let found: HashSet<String> = fetched
            .iter()
            .flat_map(|(_, objects)| objects.iter().filter_map(object_id))
            .map(str::to_string)
            .collect();
        self.result.missing = ids.into_iter().filter(|id| !found.contains(id)).collect();
        let mut frontier = self.absorb(fetched);
        let mut level = 1;
        while !frontier.is_empty() && !cancel.is_cancelled() {
            progress.on_progress(SyncProgress::Advance {
                step: SyncStep::Read,
                target: None,
                done: level,
                total: level + 1,
            });
            let mut fetched: Vec<(String, Vec<Value>)> = Vec::new();
            for (plural, ids) in &frontier.by_id {
                let ids: Vec<String> = ids.iter().cloned().collect();
                fetched.push((
                    plural.clone(),
                    fetch_by_ids(origin, plural, "id", &ids, ":owner").await?,
                ));
            }
            for ((child, via), parents) in &frontier.children {
                let parents: Vec<String> = parents.iter().cloned().collect();
                let property = format!("{via}.id");
                let objects = fetch_by_ids(origin, child, &property, &parents, ":owner").await?;
                let fresh = objects
                    .into_iter()
                    .filter(|o| object_id(o).is_some_and(|id| self.seen.insert(id.to_string())))
                    .collect();
                fetched.push((child.clone(), fresh));
            }
            frontier = self.absorb(fetched);
            level += 1;
        }
        self.result.levels = level;
        Ok(self.finish())
    }

    /// Adds fetched objects to the result and plans the next level. Public so that the
    /// benchmark and tests can drive resolution without a server.
    fn absorb(&mut self, fetched: Vec<(String, Vec<Value>)>) -> Frontier {
        let mut next = Frontier::default();
        let registry: &'a SchemaRegistry = self.registry;
        for (plural, objects) in fetched {
            let Some(schema) = registry.by_plural(&plural) else {
                // Not a type this server describes: keep it, without following references.
                self.result
                    .objects
                    .entry(plural)
                    .or_default()
                    .extend(objects);
                continue;
            };
            let mut kept = Vec::with_capacity(objects.len());
            for object in objects {
                let Some(id) = object_id(&object).map(str::to_string) else {
                    continue;
                };
                if is_default_category_object(&plural, &object) {
                    self.result.default_ids.insert(id.clone());
                    if self.remove_defaults {
                        continue;
                    }
                }
                self.plan_references(&plural, schema, &object, &mut next);
                for rule in self.rules.children_of(&plural) {
                    next.children
                        .entry((rule.child_type.clone(), rule.via.clone()))
                        .or_default()
                        .insert(id.clone());
                }
                kept.push(object);
            }
            self.result.objects.entry(plural).or_default().extend(kept);
        }
        next
    }

    fn plan_references(
        &mut self,
        plural: &str,
        schema: &Schema,
        object: &Value,
        next: &mut Frontier,
    ) {
        let mut found: Vec<(String, String, bool)> = Vec::new();
        self.collect_references(schema, object, 0, &mut found);
        for (target, id) in expression_references(plural, object) {
            found.push((target.to_string(), id, true));
        }
        for (target, id, from_expression) in found {
            if self.seen.contains(&id) || self.result.default_ids.contains(&id) {
                continue;
            }
            let include = if from_expression {
                !self.rules.is_excluded(&target)
            } else {
                self.rules.includes(plural, &target)
            };
            if include {
                self.seen.insert(id.clone());
                next.by_id.entry(target).or_default().insert(id);
            } else {
                self.result
                    .references_only
                    .entry(target)
                    .or_default()
                    .insert(id);
            }
        }
    }

    fn collect_references(
        &mut self,
        schema: &Schema,
        object: &Value,
        depth: usize,
        found: &mut Vec<(String, String, bool)>,
    ) {
        if depth > 4 {
            return;
        }
        let registry: &'a SchemaRegistry = self.registry;
        let references = match self.references.get(&schema.klass) {
            Some(references) => Rc::clone(references),
            None => {
                let references: Rc<[ReferenceProperty]> = registry.references_of(schema).into();
                self.references
                    .insert(schema.klass.clone(), Rc::clone(&references));
                references
            }
        };
        for reference in references.iter() {
            if SHARING_KEYS.contains(&reference.json_key.as_str()) {
                continue;
            }
            let Some(value) = object.get(&reference.json_key) else {
                continue;
            };
            let items: Vec<&Value> = match value {
                Value::Array(items) => items.iter().collect(),
                Value::Object(_) => vec![value],
                _ => continue,
            };
            match &reference.target {
                ReferenceTarget::Type(target) => {
                    for item in items {
                        if let Some(id) = object_id(item) {
                            found.push((target.clone(), id.to_string(), false));
                        }
                    }
                }
                ReferenceTarget::Embedded(klass) => {
                    let Some(embedded) = registry.by_klass(klass) else {
                        continue;
                    };
                    for item in items {
                        self.collect_references(embedded, item, depth + 1, found);
                    }
                }
            }
        }
    }

    fn finish(mut self) -> ResolvedMetadata {
        // `seen` holds every id planned for fetching: what was included, plus defaults and
        // missing ids, which are no references to report either.
        let seen = &self.seen;
        for ids in self.result.references_only.values_mut() {
            ids.retain(|id| !seen.contains(id.as_str()));
        }
        self.result.references_only.retain(|_, ids| !ids.is_empty());
        self.result.objects.retain(|_, objects| !objects.is_empty());
        self.result
    }
}

pub fn object_id(object: &Value) -> Option<&str> {
    object.get("id").and_then(Value::as_str)
}

/// A `default` category object: recognised by its name in the data, in the four category
/// types, whatever its UID on this server.
pub fn is_default_category_object(plural: &str, object: &Value) -> bool {
    DEFAULT_CATEGORY_TYPES.contains(&plural)
        && object.get("name").and_then(Value::as_str) == Some("default")
}
