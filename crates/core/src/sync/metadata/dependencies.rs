//! Dependency resolution: from the selected objects, follow the references the schemas declare
//! (and those named in expressions), level by level, fetching each level with one batched
//! request per type.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::rc::Rc;

use serde_json::Value;

use super::cleanup::ObjectCleaner;
use super::expressions::expression_references;
use super::rules::IncludeExcludeRules;
use super::selection::MetadataSelection;
use crate::dhis2::metadata::{fetch_any_type_by_ids, fetch_many_by_ids, ByIds};
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
    /// Type → ids to fetch. Each id is planned once (see `Resolver::seen`), so a list sorted
    /// before fetching gives the same requests as a set, for less work.
    by_id: BTreeMap<String, Vec<String>>,
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
    /// (plural of the object being read, class of the (embedded) schema) → its references,
    /// sharing keys left out, each with whether the type rules bring its target along.
    references: HashMap<(String, String), Rc<[PlannedReference]>>,
    seen: HashSet<String, BuildHasherDefault<IdHasher>>,
    result: ResolvedMetadata,
    /// Cleans each object kept, right after it was read (see [`Resolver::cleaning_with`]).
    cleaner: Option<ObjectCleaner<'a>>,
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
            seen: HashSet::default(),
            result: ResolvedMetadata::default(),
            cleaner: None,
        }
    }

    /// Cleans every object kept with `cleaner` (the sharing, users and org unit switches) as
    /// soon as its references are planned: the same result as cleaning the payload afterwards,
    /// without a second walk through it.
    pub fn cleaning_with(mut self, cleaner: ObjectCleaner<'a>) -> Self {
        self.cleaner = Some(cleaner);
        self
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
        let fetched: Vec<(String, Vec<Value>)> = if selection.types.is_empty() {
            fetch_any_type_by_ids(origin, &ids, ":owner").await?
        } else {
            let reads: Vec<ByIds> = selection
                .types
                .iter()
                .map(|plural| ByIds {
                    plural,
                    property: "id".into(),
                    ids: ids.iter().map(String::as_str).collect(),
                })
                .collect();
            let answers = fetch_many_by_ids(origin, &reads, ":owner").await?;
            selection.types.iter().cloned().zip(answers).collect()
        };
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
            // The whole level is read together: referenced objects by id, then children by
            // their parent's id.
            for ids in frontier.by_id.values_mut() {
                ids.sort_unstable();
            }
            let mut reads: Vec<ByIds> = frontier
                .by_id
                .iter()
                .map(|(plural, ids)| ByIds {
                    plural,
                    property: "id".into(),
                    ids: ids.iter().map(String::as_str).collect(),
                })
                .collect();
            let referenced = reads.len();
            reads.extend(
                frontier
                    .children
                    .iter()
                    .map(|((child, via), parents)| ByIds {
                        plural: child,
                        property: format!("{via}.id"),
                        ids: parents.iter().map(String::as_str).collect(),
                    }),
            );
            let answers = fetch_many_by_ids(origin, &reads, ":owner").await?;
            let mut fetched: Vec<(String, Vec<Value>)> = Vec::with_capacity(answers.len());
            for (position, (read, objects)) in reads.iter().zip(answers).enumerate() {
                let objects = if position < referenced {
                    objects
                } else {
                    objects
                        .into_iter()
                        .filter(|o| object_id(o).is_some_and(|id| self.seen.insert(id.to_string())))
                        .collect()
                };
                fetched.push((read.plural.to_string(), objects));
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
                let mut objects = objects;
                if let Some(cleaner) = &mut self.cleaner {
                    for object in &mut objects {
                        cleaner.clean(&plural, object);
                    }
                }
                self.result
                    .objects
                    .entry(plural)
                    .or_default()
                    .extend(objects);
                continue;
            };
            let mut kept = Vec::with_capacity(objects.len());
            for object in objects {
                let Some(id) = object_id(&object) else {
                    continue;
                };
                if is_default_category_object(&plural, &object) {
                    self.result.default_ids.insert(id.to_string());
                    if self.remove_defaults {
                        continue;
                    }
                }
                self.plan_references(&plural, schema, &object, &mut next);
                for rule in self.rules.children_of(&plural) {
                    next.children
                        .entry((rule.child_type.clone(), rule.via.clone()))
                        .or_default()
                        .insert(id.to_string());
                }
                let mut object = object;
                if let Some(cleaner) = &mut self.cleaner {
                    cleaner.clean(&plural, &mut object);
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
        self.plan_schema_references(plural, schema, object, 0, next);
        for (target, id) in expression_references(plural, object) {
            let include = !self.rules.is_excluded(target);
            self.plan_reference(target, &id, include, next);
        }
        self.plan_attribute_references(plural, object, next);
    }

    /// The metadata attributes named by the object's attribute values: DHIS2's dependency
    /// export brings them along, and a 2.39+ target refuses the values of an attribute it does
    /// not have (E6012). Servers before 2.42 describe `AttributeValue` as an embedded schema
    /// whose walk meets the same ids (planned once); 2.42 and the simulator do not.
    fn plan_attribute_references(&mut self, plural: &str, object: &Value, next: &mut Frontier) {
        let Some(values) = object.get("attributeValues").and_then(Value::as_array) else {
            return;
        };
        let include = self.rules.includes(plural, "attributes");
        for value in values {
            if let Some(id) = value.get("attribute").and_then(object_id) {
                self.plan_reference("attributes", id, include, next);
            }
        }
    }

    /// Plans the references the schema declares, in declaration order, descending into
    /// embedded objects.
    fn plan_schema_references(
        &mut self,
        plural: &str,
        schema: &Schema,
        object: &Value,
        depth: usize,
        next: &mut Frontier,
    ) {
        if depth > 4 {
            return;
        }
        let registry: &'a SchemaRegistry = self.registry;
        let references = self.planned_references(plural, schema);
        for planned in references.iter() {
            let reference = &planned.reference;
            let Some(value) = object.get(&reference.json_key) else {
                continue;
            };
            let items: &[Value] = match value {
                Value::Array(items) => items,
                Value::Object(_) => std::slice::from_ref(value),
                _ => continue,
            };
            match &reference.target {
                ReferenceTarget::Type(target) => {
                    for id in items.iter().filter_map(object_id) {
                        self.plan_reference(target, id, planned.included, next);
                    }
                }
                ReferenceTarget::Embedded(klass) => {
                    let Some(embedded) = registry.by_klass(klass) else {
                        continue;
                    };
                    for item in items {
                        self.plan_schema_references(plural, embedded, item, depth + 1, next);
                    }
                }
            }
        }
    }

    /// The references of `schema` met in objects of `plural`, worked out once per pair: the
    /// schema walk and the rule lookups would otherwise be repeated for every object.
    fn planned_references(&mut self, plural: &str, schema: &Schema) -> Rc<[PlannedReference]> {
        // Looked up without allocating a key: the pairs are few, the objects many.
        if let Some((_, references)) = self
            .references
            .iter()
            .find(|((p, klass), _)| p == plural && *klass == schema.klass)
        {
            return Rc::clone(references);
        }
        let rules = self.rules;
        let references: Rc<[PlannedReference]> = self
            .registry
            .references_of(schema)
            .into_iter()
            .filter(|reference| !SHARING_KEYS.contains(&reference.json_key.as_str()))
            .map(|reference| PlannedReference {
                included: match &reference.target {
                    ReferenceTarget::Type(target) => rules.includes(plural, target),
                    ReferenceTarget::Embedded(_) => false,
                },
                reference,
            })
            .collect();
        self.references.insert(
            (plural.to_string(), schema.klass.clone()),
            Rc::clone(&references),
        );
        references
    }

    /// Plans one reference: fetched next level, or recorded as a reference only. Allocates
    /// only for what is new.
    fn plan_reference(&mut self, target: &str, id: &str, include: bool, next: &mut Frontier) {
        if self.seen.contains(id) || self.result.default_ids.contains(id) {
            return;
        }
        if include {
            // New to `seen`, so new to the frontier too.
            self.seen.insert(id.to_string());
            match next.by_id.get_mut(target) {
                Some(ids) => ids.push(id.to_string()),
                None => {
                    next.by_id.insert(target.to_string(), vec![id.to_string()]);
                }
            }
            return;
        }
        let references_only = &mut self.result.references_only;
        match references_only.get_mut(target) {
            Some(ids) => {
                if !ids.contains(id) {
                    ids.insert(id.to_string());
                }
            }
            None => {
                references_only.insert(target.to_string(), BTreeSet::from([id.to_string()]));
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

/// A schema reference with whether the type rules bring its target along from the type being
/// read.
struct PlannedReference {
    reference: ReferenceProperty,
    included: bool,
}

/// FNV-1a, for the set of ids already planned: ids are short, and the default hasher's
/// resistance to crafted keys buys nothing here (the ids come from the origin being copied).
struct IdHasher(u64);

impl Default for IdHasher {
    fn default() -> Self {
        IdHasher(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut hash = self.0;
        for byte in bytes {
            hash ^= u64::from(*byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = hash;
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
