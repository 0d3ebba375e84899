//! Splitting a payload into import chunks in schema order, by object count and bytes.

use serde_json::{Map, Value};

use super::cleanup::Payload;
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
    &["dataSets", "sections", "dataEntryForms", "dataSetNotificationTemplates"],
    &["optionSets", "options"],
    &["trackedEntityTypes", "trackedEntityAttributes"],
];

/// One `POST /api/metadata` body.
#[derive(Debug, Clone, PartialEq)]
pub struct Chunk {
    pub body: Value,
    pub types: Vec<String>,
    pub objects: usize,
    pub bytes: usize,
}

/// Types in import order, with cohesive groups kept next to each other.
fn ordered_units(payload: &Payload, order: &dyn Fn(&str) -> i64) -> Vec<Vec<String>> {
    let mut types: Vec<&String> = payload.keys().collect();
    types.sort_by_key(|plural| (order(plural), plural.to_string()));
    let mut units: Vec<Vec<String>> = Vec::new();
    let mut placed: std::collections::HashSet<String> = std::collections::HashSet::new();
    for plural in types {
        if placed.contains(plural.as_str()) {
            continue;
        }
        let group = COHESIVE_GROUPS.iter().find(|g| g.contains(&plural.as_str()));
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

/// Plans the chunks. A unit larger than the limits on its own is split by objects.
pub fn plan_chunks(payload: &Payload, order: &dyn Fn(&str) -> i64, limits: ChunkLimits) -> Vec<Chunk> {
    let max_objects = limits.max_objects.max(1);
    let mut builder = ChunkBuilder::default();
    for unit in ordered_units(payload, order) {
        let sized: Vec<(&str, &Value, usize)> = unit
            .iter()
            .flat_map(|plural| {
                payload[plural]
                    .iter()
                    .map(move |object| (plural.as_str(), object, serialized_len(object)))
            })
            .collect();
        let unit_objects = sized.len();
        let unit_bytes: usize = sized.iter().map(|(_, _, bytes)| bytes).sum();
        let cohesive = unit.len() > 1;
        if cohesive
            && (builder.objects + unit_objects > max_objects
                || builder.bytes + unit_bytes > limits.max_bytes)
        {
            builder.flush();
        }
        for (plural, object, bytes) in sized {
            if builder.objects + 1 > max_objects
                || (builder.objects > 0 && builder.bytes + bytes > limits.max_bytes)
            {
                builder.flush();
            }
            builder.add(plural, object, bytes);
        }
    }
    builder.flush();
    builder.chunks
}

fn serialized_len(value: &Value) -> usize {
    serde_json::to_vec(value).map_or(0, |bytes| bytes.len() + 1)
}

#[derive(Default)]
struct ChunkBuilder {
    chunks: Vec<Chunk>,
    body: Map<String, Value>,
    types: Vec<String>,
    objects: usize,
    bytes: usize,
}

impl ChunkBuilder {
    fn add(&mut self, plural: &str, object: &Value, bytes: usize) {
        let entry = self
            .body
            .entry(plural.to_string())
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(items) = entry {
            items.push(object.clone());
        }
        if !self.types.iter().any(|t| t == plural) {
            self.types.push(plural.to_string());
        }
        self.objects += 1;
        self.bytes += bytes;
    }

    fn flush(&mut self) {
        if self.objects == 0 {
            return;
        }
        self.chunks.push(Chunk {
            body: Value::Object(std::mem::take(&mut self.body)),
            types: std::mem::take(&mut self.types),
            objects: self.objects,
            bytes: self.bytes,
        });
        self.objects = 0;
        self.bytes = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn payload() -> Payload {
        let objects = |prefix: &str, n: usize| (0..n).map(|i| json!({"id": format!("{prefix}{i}")})).collect();
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
        let limits = ChunkLimits { max_objects: 4, max_bytes: 1 << 20 };
        let chunks = plan_chunks(&payload(), &order, limits);
        let types: Vec<Vec<String>> = chunks.iter().map(|c| c.types.clone()).collect();
        assert_eq!(types[0], vec!["categoryCombos", "dataElements"]);
        assert!(chunks.iter().all(|c| c.objects <= 4));
        assert_eq!(chunks.iter().map(|c| c.objects).sum::<usize>(), 10);
        // Programs and their stages stay together.
        let last = chunks.last().unwrap();
        assert_eq!(last.types, vec!["programStages", "programs"]);
    }

    #[test]
    fn everything_fits_in_one_chunk_by_default() {
        let chunks = plan_chunks(&payload(), &order, ChunkLimits::default());
        assert_eq!(chunks.len(), 1);
        assert_eq!(chunks[0].objects, 10);
    }
}
