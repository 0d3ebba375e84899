//! Splitting a payload into import chunks in schema order, by object count and bytes.

use std::collections::HashSet;
use std::ops::Range;

use serde_json::Value;

use super::cleanup::{Payload, Stripped};
use super::selection::ChunkLimits;

/// Types that reference each other both ways: a chunk boundary between them would make the
/// first chunk point at objects that do not exist yet, so they travel together.
const COHESIVE_GROUPS: &[&[&str]] = &[
    &[
        "programs",
        "programStages",
        "programSections",
        "programStageSections",
        "programIndicators",
        "programRuleVariables",
        "programRules",
        "programRuleActions",
        "programStageDataElements",
        "programTrackedEntityAttributes",
        "programNotificationTemplates",
    ],
    &[
        "dataSets",
        "sections",
        "dataEntryForms",
        "dataSetNotificationTemplates",
    ],
    &["optionSets", "options"],
    &["trackedEntityTypes", "trackedEntityAttributes"],
];

/// One `POST /api/metadata` body, serialized once.
#[derive(Debug, Clone, PartialEq)]
pub struct Chunk {
    pub body: Vec<u8>,
    pub types: Vec<String>,
    pub objects: usize,
}

impl Chunk {
    pub fn bytes(&self) -> usize {
        self.body.len()
    }

    /// The body as JSON (for tests and downloads).
    pub fn body_json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
}

/// Types in import order, with cohesive groups kept next to each other.
fn ordered_units(payload: &Payload, order: &dyn Fn(&str) -> i64) -> Vec<Vec<String>> {
    let mut types: Vec<&String> = payload.keys().collect();
    types.sort_by_key(|plural| (order(plural), plural.to_string()));
    let mut units: Vec<Vec<String>> = Vec::new();
    let mut placed: HashSet<String> = HashSet::new();
    for plural in types {
        if placed.contains(plural.as_str()) {
            continue;
        }
        let group = COHESIVE_GROUPS
            .iter()
            .find(|g| g.contains(&plural.as_str()));
        let mut unit: Vec<String> = match group {
            Some(group) => group
                .iter()
                .filter(|t| payload.contains_key(**t))
                .map(|t| t.to_string())
                .collect(),
            None => vec![plural.clone()],
        };
        unit.sort_by_key(|t| order(t));
        placed.extend(unit.iter().cloned());
        units.push(unit);
    }
    units
}

/// Plans the chunks, consuming the payload: each object is serialized exactly once, straight
/// into its chunk. A cohesive unit that does not fit in the current chunk starts a new one and
/// is never split (a chunk may then exceed the limits); single types are split freely.
pub fn plan_chunks(
    mut payload: Payload,
    order: &dyn Fn(&str) -> i64,
    limits: ChunkLimits,
    strip_timestamps: bool,
) -> Vec<Chunk> {
    let max_objects = limits.max_objects.max(1);
    let mut builder = ChunkBuilder::default();
    // Objects are serialized into reused buffers rather than one allocation each: a single
    // type goes object by object; a cohesive unit is serialized whole first (`spans` says where
    // each object lies), since its size decides whether it starts a new chunk.
    let mut serialized: Vec<u8> = Vec::new();
    let mut spans: Vec<(usize, Range<usize>)> = Vec::new();
    for unit in ordered_units(&payload, order) {
        if let [plural] = unit.as_slice() {
            for object in payload.remove(plural).unwrap_or_default() {
                serialized.clear();
                serialize_stripped(&mut serialized, &object, strip_timestamps);
                let full = builder.objects + 1 > max_objects
                    || (builder.objects > 0
                        && builder.body.len() + serialized.len() > limits.max_bytes);
                if full {
                    builder.flush();
                }
                builder.add(plural, &serialized);
            }
            continue;
        }
        serialized.clear();
        spans.clear();
        for (type_index, plural) in unit.iter().enumerate() {
            for object in payload.remove(plural).unwrap_or_default() {
                let start = serialized.len();
                serialize_stripped(&mut serialized, &object, strip_timestamps);
                spans.push((type_index, start..serialized.len()));
            }
        }
        // A cohesive unit is never split, even past the limits: DHIS2 can only import objects
        // that point at each other when they arrive together.
        if builder.objects + spans.len() > max_objects
            || builder.body.len() + serialized.len() > limits.max_bytes
        {
            builder.flush();
        }
        for (type_index, span) in &spans {
            builder.add(&unit[*type_index], &serialized[span.clone()]);
        }
        if builder.objects >= max_objects || builder.body.len() >= limits.max_bytes {
            builder.flush();
        }
    }
    builder.flush();
    builder.chunks
}

/// Appends `object` as JSON without its server-owned fields (nothing, in the impossible case
/// that serde_json refuses a `Value`).
fn serialize_stripped(out: &mut Vec<u8>, object: &Value, strip_timestamps: bool) {
    let start = out.len();
    let stripped = Stripped {
        value: object,
        strip_timestamps,
    };
    if serde_json::to_writer(&mut *out, &stripped).is_err() {
        out.truncate(start);
    }
}

/// Writes `{"type":[obj,obj],"type2":[…]}` directly from serialized objects.
#[derive(Default)]
struct ChunkBuilder {
    chunks: Vec<Chunk>,
    body: Vec<u8>,
    types: Vec<String>,
    objects: usize,
}

impl ChunkBuilder {
    fn add(&mut self, plural: &str, object: &[u8]) {
        if self.types.last().map(String::as_str) != Some(plural) {
            self.body
                .extend_from_slice(if self.types.is_empty() { b"{" } else { b"]," });
            self.body
                .extend_from_slice(&serde_json::to_vec(plural).unwrap_or_default());
            self.body.extend_from_slice(b":[");
            self.types.push(plural.to_string());
        } else {
            self.body.push(b',');
        }
        self.body.extend_from_slice(object);
        self.objects += 1;
    }

    fn flush(&mut self) {
        if self.objects == 0 {
            return;
        }
        self.body.extend_from_slice(b"]}");
        self.chunks.push(Chunk {
            body: std::mem::take(&mut self.body),
            types: std::mem::take(&mut self.types),
            objects: self.objects,
        });
        self.objects = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn payload() -> Payload {
        let objects = |prefix: &str, n: usize| {
            (0..n)
                .map(|i| json!({"id": format!("{prefix}{i}")}))
                .collect()
        };
        [
            ("dataElements".to_string(), objects("de", 5)),
            ("categoryCombos".to_string(), objects("cc", 2)),
            ("programs".to_string(), objects("p", 1)),
            ("programStages".to_string(), objects("ps", 2)),
        ]
        .into_iter()
        .collect()
    }

    fn order(plural: &str) -> i64 {
        match plural {
            "categoryCombos" => 1180,
            "dataElements" => 1200,
            "programStages" => 1509,
            "programs" => 1520,
            _ => 9999,
        }
    }

    #[test]
    fn chunks_follow_schema_order_and_limits() {
        let limits = ChunkLimits {
            max_objects: 4,
            max_bytes: 1 << 20,
        };
        let chunks = plan_chunks(payload(), &order, limits, false);
        let types: Vec<Vec<String>> = chunks.iter().map(|c| c.types.clone()).collect();
        assert_eq!(types[0], vec!["categoryCombos", "dataElements"]);
        assert!(chunks.iter().all(|c| c.objects <= 4));
        assert_eq!(chunks.iter().map(|c| c.objects).sum::<usize>(), 10);
        // Programs and their stages stay together.
        let last = chunks.last().unwrap();
        assert_eq!(last.types, vec!["programStages", "programs"]);
    }

    #[test]
    fn a_cohesive_unit_larger_than_a_chunk_stays_whole() {
        let limits = ChunkLimits {
            max_objects: 2,
            max_bytes: 1 << 20,
        };
        let chunks = plan_chunks(payload(), &order, limits, false);
        let programs: Vec<&Chunk> = chunks
            .iter()
            .filter(|c| c.types.iter().any(|t| t == "programs"))
            .collect();
        assert_eq!(programs.len(), 1);
        assert_eq!(
            programs[0].objects, 3,
            "2 stages and the program, past the limit of 2"
        );
        let others: usize = chunks.iter().filter(|c| c.objects <= 2).count();
        assert_eq!(others, chunks.len() - 1);
    }

    #[test]
    fn everything_fits_in_one_chunk_by_default() {
        let chunks = plan_chunks(payload(), &order, ChunkLimits::default(), false);
        assert_eq!(chunks.len(), 1);
        assert_eq!(chunks[0].objects, 10);
        let body = chunks[0].body_json();
        assert_eq!(body["dataElements"].as_array().map(Vec::len), Some(5));
        assert_eq!(body["programs"][0]["id"], "p0");
    }
}
