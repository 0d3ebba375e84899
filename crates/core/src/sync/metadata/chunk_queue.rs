//! A target's payload as a queue of serialized objects, taken chunk by chunk at whatever size
//! the link allows at that moment: a chunk refused as too large goes back to the queue and
//! leaves again in smaller pieces. Each object is serialized once, when the queue is built.

use std::collections::HashSet;
use std::ops::Range;

use serde_json::Value;

pub use super::chunks::Chunk;
use super::chunks::{ordered_units, ChunkBuilder};
use super::cleanup::{Payload, Stripped};
use super::dependencies::object_id;
use super::selection::ChunkLimits;

/// A place in the queue: the next object to send.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Cursor {
    unit: usize,
    object: usize,
}

/// Objects that travel in the same chunk when `cohesive`, else one type split freely.
struct Unit {
    types: Vec<String>,
    /// The unit's objects, serialized back to back.
    bytes: Vec<u8>,
    objects: Vec<QueuedObject>,
    cohesive: bool,
}

struct QueuedObject {
    type_index: usize,
    span: Range<usize>,
    id: Option<String>,
}

/// A chunk taken from the queue, with what is needed to journal it or put it back.
#[derive(Debug)]
pub struct QueuedChunk {
    pub chunk: Chunk,
    /// UIDs of the objects it holds, in order.
    pub ids: Vec<String>,
    /// Whether it could leave in smaller pieces (more than one object, and not one cohesive
    /// unit that must stay whole).
    pub divisible: bool,
    start: Cursor,
}

pub struct ChunkQueue {
    units: Vec<Unit>,
    cursor: Cursor,
    skipped: usize,
}

impl ChunkQueue {
    /// Serializes `payload` in import order (`order`), leaving out the objects for which
    /// `already_written` says yes (a resumed run).
    pub fn new(
        mut payload: Payload,
        order: &dyn Fn(&str) -> i64,
        strip_timestamps: bool,
        already_written: &dyn Fn(&str) -> bool,
    ) -> Self {
        let mut units = Vec::new();
        let mut skipped = 0;
        for types in ordered_units(&payload, order) {
            let cohesive = types.len() > 1;
            let mut unit = Unit {
                types,
                bytes: Vec::new(),
                objects: Vec::new(),
                cohesive,
            };
            for type_index in 0..unit.types.len() {
                let objects = payload.remove(&unit.types[type_index]).unwrap_or_default();
                for object in objects {
                    let id = object_id(&object).map(str::to_string);
                    if id.as_deref().is_some_and(already_written) {
                        skipped += 1;
                        continue;
                    }
                    let start = unit.bytes.len();
                    serialize_stripped(&mut unit.bytes, &object, strip_timestamps);
                    unit.objects.push(QueuedObject {
                        type_index,
                        span: start..unit.bytes.len(),
                        id,
                    });
                }
            }
            if !unit.objects.is_empty() {
                units.push(unit);
            }
        }
        ChunkQueue {
            units,
            cursor: Cursor::default(),
            skipped,
        }
    }

    /// Objects left out because they were written before.
    pub fn skipped(&self) -> usize {
        self.skipped
    }

    /// Objects not taken yet.
    pub fn remaining(&self) -> usize {
        self.units
            .iter()
            .enumerate()
            .skip(self.cursor.unit)
            .map(|(index, unit)| {
                let taken = if index == self.cursor.unit {
                    self.cursor.object
                } else {
                    0
                };
                unit.objects.len() - taken
            })
            .sum()
    }

    /// How many chunks the rest makes at `limits`.
    pub fn count_chunks(&self, limits: ChunkLimits) -> usize {
        let mut at = self.cursor;
        let mut count = 0;
        while at.unit < self.units.len() {
            let mut measure = ChunkBuilder::measuring();
            at = self.walk(at, limits, &mut measure).0;
            count += 1;
        }
        count
    }

    /// The next chunk at `limits`, or `None` when everything was taken.
    pub fn next_chunk(&mut self, limits: ChunkLimits) -> Option<QueuedChunk> {
        if self.cursor.unit >= self.units.len() {
            return None;
        }
        let start = self.cursor;
        let mut builder = ChunkBuilder::default();
        let (end, divisible) = self.walk(start, limits, &mut builder);
        self.cursor = end;
        let ids = self.ids_between(start, end);
        builder.flush();
        let chunk = builder.chunks.pop()?;
        Some(QueuedChunk {
            chunk,
            ids,
            divisible,
            start,
        })
    }

    /// Returns a chunk taken last, to be taken again (smaller).
    pub fn put_back(&mut self, chunk: QueuedChunk) {
        self.cursor = chunk.start;
    }

    /// Adds objects from `start` into `builder` until the limits are reached; returns where it
    /// stopped and whether the objects could have been split.
    fn walk(
        &self,
        start: Cursor,
        limits: ChunkLimits,
        builder: &mut ChunkBuilder,
    ) -> (Cursor, bool) {
        let max_objects = limits.max_objects.max(1);
        let mut at = start;
        let mut divisible = false;
        while at.unit < self.units.len() {
            let unit = &self.units[at.unit];
            if unit.cohesive {
                // A cohesive unit is never split, even past the limits: DHIS2 can only import
                // objects that point at each other when they arrive together.
                if builder.objects > 0
                    && (builder.objects + unit.objects.len() > max_objects
                        || builder.len() + unit.bytes.len() > limits.max_bytes)
                {
                    break;
                }
                divisible |= builder.objects > 0;
                for object in &unit.objects {
                    builder.add(
                        &unit.types[object.type_index],
                        &unit.bytes[object.span.clone()],
                    );
                }
                at = Cursor {
                    unit: at.unit + 1,
                    object: 0,
                };
                if builder.objects >= max_objects || builder.len() >= limits.max_bytes {
                    break;
                }
                continue;
            }
            while let Some(object) = unit.objects.get(at.object) {
                if builder.objects > 0
                    && (builder.objects + 1 > max_objects
                        || builder.len() + object.span.len() > limits.max_bytes)
                {
                    return (at, divisible);
                }
                divisible |= builder.objects > 0;
                builder.add(
                    &unit.types[object.type_index],
                    &unit.bytes[object.span.clone()],
                );
                at.object += 1;
            }
            at = Cursor {
                unit: at.unit + 1,
                object: 0,
            };
        }
        (at, divisible)
    }

    fn ids_between(&self, start: Cursor, end: Cursor) -> Vec<String> {
        let mut ids = Vec::new();
        let mut at = start;
        while at.unit < self.units.len() && (at.unit, at.object) < (end.unit, end.object) {
            let unit = &self.units[at.unit];
            match unit.objects.get(at.object) {
                Some(object) => {
                    ids.extend(object.id.clone());
                    at.object += 1;
                }
                None => {
                    at = Cursor {
                        unit: at.unit + 1,
                        object: 0,
                    }
                }
            }
        }
        ids
    }
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

/// Objects written to a target before, by UID (from a run's journal).
pub type WrittenIds = HashSet<String>;

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
            ("dataElements".to_string(), objects("de", 6)),
            ("programs".to_string(), objects("p", 1)),
            ("programStages".to_string(), objects("ps", 2)),
        ]
        .into_iter()
        .collect()
    }

    fn order(plural: &str) -> i64 {
        match plural {
            "dataElements" => 1200,
            "programStages" => 1509,
            _ => 1520,
        }
    }

    fn limits(max_objects: usize) -> ChunkLimits {
        ChunkLimits {
            max_objects,
            max_bytes: 1 << 20,
        }
    }

    #[test]
    fn a_chunk_put_back_leaves_again_in_smaller_pieces_with_the_same_objects() {
        let mut queue = ChunkQueue::new(payload(), &order, false, &|_| false);
        assert_eq!(queue.count_chunks(limits(4)), 3);
        let first = queue.next_chunk(limits(4)).unwrap();
        assert_eq!(first.ids, ["de0", "de1", "de2", "de3"]);
        assert!(first.divisible);
        queue.put_back(first);
        let halves: Vec<Vec<String>> = (0..2)
            .map(|_| queue.next_chunk(limits(2)).unwrap().ids)
            .collect();
        assert_eq!(halves, [["de0", "de1"], ["de2", "de3"]]);
        let rest = queue.next_chunk(limits(4)).unwrap();
        assert_eq!(rest.ids, ["de4", "de5"]);
        let program = queue.next_chunk(limits(1)).unwrap();
        assert_eq!(
            program.ids.len(),
            3,
            "a program and its stages stay together"
        );
        assert!(!program.divisible);
        assert!(queue.next_chunk(limits(4)).is_none());
        assert_eq!(queue.remaining(), 0);
    }

    #[test]
    fn objects_written_before_are_not_queued() {
        let queue = ChunkQueue::new(payload(), &order, false, &|id| id.starts_with("de"));
        assert_eq!(queue.skipped(), 6);
        assert_eq!(queue.remaining(), 3);
    }
}
