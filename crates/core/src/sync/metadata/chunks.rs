//! Splitting a payload into import chunks in schema order, by object count and bytes.

use std::collections::HashSet;

use serde_json::Value;

use super::chunk_queue::ChunkQueue;
use super::cleanup::Payload;
use super::selection::ChunkLimits;

/// Types that reference each other both ways: a chunk boundary between them would make the
/// first chunk point at objects that do not exist yet, so they travel together.
pub(super) const COHESIVE_GROUPS: &[&[&str]] = &[
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
pub(super) fn ordered_units(payload: &Payload, order: &dyn Fn(&str) -> i64) -> Vec<Vec<String>> {
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

/// Plans every chunk at fixed limits, consuming the payload: each object is serialized exactly
/// once. A cohesive unit that does not fit in the current chunk starts a new one and is never
/// split (a chunk may then exceed the limits); single types are split freely. The write step
/// takes chunks one at a time instead ([`ChunkQueue`]), at sizes that adapt to the link.
pub fn plan_chunks(
    payload: Payload,
    order: &dyn Fn(&str) -> i64,
    limits: ChunkLimits,
    strip_timestamps: bool,
) -> Vec<Chunk> {
    let mut queue = ChunkQueue::new(payload, order, strip_timestamps, &|_| false);
    std::iter::from_fn(|| queue.next_chunk(limits))
        .map(|queued| queued.chunk)
        .collect()
}

/// Writes `{"type":[obj,obj],"type2":[…]}` directly from serialized objects; or, when
/// measuring, only counts the bytes it would write.
#[derive(Default)]
pub(super) struct ChunkBuilder {
    pub(super) chunks: Vec<Chunk>,
    body: Vec<u8>,
    types: Vec<String>,
    pub(super) objects: usize,
    measuring: bool,
    measured: usize,
}

impl ChunkBuilder {
    pub(super) fn measuring() -> Self {
        ChunkBuilder {
            measuring: true,
            ..Default::default()
        }
    }

    /// The length of the body so far.
    pub(super) fn len(&self) -> usize {
        if self.measuring {
            self.measured
        } else {
            self.body.len()
        }
    }

    pub(super) fn add(&mut self, plural: &str, object: &[u8]) {
        if self.measuring {
            let new_type = self.types.last().map(String::as_str) != Some(plural);
            self.measured += object.len()
                + if new_type {
                    plural.len() + 5 + usize::from(!self.types.is_empty())
                } else {
                    1
                };
            if new_type {
                self.types.push(plural.to_string());
            }
            self.objects += 1;
            return;
        }
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

    pub(super) fn flush(&mut self) {
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
